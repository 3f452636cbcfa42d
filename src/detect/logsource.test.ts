import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyEvent, type Event, type EventValue } from '../event/index.js';
import { requireShared, sigmaRoot } from '../testing/corpus.js';
import { logSourceTargets, missingFields, SECURITY_4688_TARGET, SECURITY_5156_TARGET, SYSMON_CHANNEL, type LogSourceMapping } from './logsource.js';
import type { LogSourceTarget } from './types.js';

function event(channel: string, provider: string, eventId: number, data: Record<string, EventValue>): Event {
  return { ...emptyEvent(), _time: '2024-05-01T10:00:00.0000000Z', host: 'WEB01', channel, provider, event_id: eventId, data };
}

const windows = (category: string): LogSourceTarget[] => [...logSourceTargets({ product: 'windows', category }).targets];
const read = (t: LogSourceTarget, field: string, e: Event): EventValue | undefined | 'NULL' => {
  const a = t.resolve(field);
  return a === null ? 'NULL' : a(e);
};

/** Windows rows of the taxonomy appendix's Category and Service tables. */
function taxonomyRows(): { logsource: Record<string, string>; eventIds: number[]; channels: string[]; etw: boolean }[] {
  const text = readFileSync(requireShared(join(sigmaRoot, 'specification', 'specification', 'sigma-appendix-taxonomy.md')), 'utf8');
  const rows = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] !== 'windows' || !cells[2].startsWith('product: windows')) continue;
    const logsource: Record<string, string> = {};
    for (const part of cells[2].split('<br>')) {
      const [k, v] = part.split(':').map((s) => s.trim());
      logsource[k] = v;
    }
    const desc = cells[3];
    const eventIds = [...desc.matchAll(/(?:EventIDs?: ?(?:<br>)?|<br> - )(\d+)/g)].map((m) => Number(m[1]));
    const channelPart = desc.includes('Channel:') ? desc.slice(desc.indexOf('Channel:') + 'Channel:'.length) : '';
    const channels = channelPart.split('<br>').map((s) => s.replace(/^\s*-\s*/, '').replace(/^WinEventLog:/, '').trim()).filter((s) => s !== '');
    rows.push({ logsource, eventIds: desc.includes('Channel:') && desc.indexOf('EventID') < desc.indexOf('Channel:') ? eventIds : [], channels, etw: desc.includes('ETW Provider') });
  }
  return rows;
}

test('every Windows category and service of the taxonomy appendix maps to its channels and event IDs', () => {
  const rows = taxonomyRows();
  assert.ok(rows.length > 80, `parsed ${rows.length} taxonomy rows`);
  for (const row of rows) {
    const r = logSourceTargets(row.logsource);
    const label = JSON.stringify(row.logsource);
    if (row.etw) {
      assert.equal(r.targets.length, 0, label);
      assert.match(r.reason ?? '', /ETW provider Microsoft-Windows-Kernel-File/);
      continue;
    }
    // The taxonomy's channels are all there (Security extras and PowerShell Core may add more).
    const channels = r.targets.map((t) => t.channel);
    for (const c of row.channels) assert.ok(channels.includes(c), `${label}: ${c} missing from ${channels.join(', ')}`);
    if (row.channels.includes(SYSMON_CHANNEL) && row.logsource.category !== undefined) {
      const sysmon = r.targets.find((t) => t.channel === SYSMON_CHANNEL)!;
      assert.equal(sysmon.provider, 'Microsoft-Windows-Sysmon', label);
      const expected = row.logsource.category === 'file_delete' ? [23, 26] : row.eventIds; // documented deviation
      assert.deepEqual([...sysmon.eventIds], expected, label);
    } else if (row.logsource.service !== undefined) {
      for (const t of r.targets) assert.deepEqual([...t.eventIds], [], `${label}: a service means any event ID`);
    } else {
      for (const t of r.targets) assert.deepEqual([...t.eventIds], row.eventIds, label);
    }
  }
});

test('Sysmon categories carry the right event IDs, with channel and provider', () => {
  const expected: Record<string, number[]> = {
    process_creation: [1], file_change: [2], network_connection: [3], sysmon_status: [4, 16], process_termination: [5],
    driver_load: [6], image_load: [7], create_remote_thread: [8], raw_access_thread: [9], process_access: [10],
    file_event: [11], registry_add: [12], registry_delete: [12], registry_set: [13], registry_rename: [14],
    registry_event: [12, 13, 14], create_stream_hash: [15], pipe_created: [17, 18], wmi_event: [19, 20, 21],
    dns_query: [22], file_delete: [23, 26], clipboard_capture: [24], process_tampering: [25], file_delete_detected: [26],
    file_block_executable: [27], file_block_shredding: [28], file_executable_detected: [29], sysmon_error: [255],
  };
  for (const [category, ids] of Object.entries(expected)) {
    const [sysmon] = windows(category);
    assert.equal(sysmon.channel, 'Microsoft-Windows-Sysmon/Operational', category);
    assert.equal(sysmon.provider, 'Microsoft-Windows-Sysmon', category);
    assert.deepEqual([...sysmon.eventIds], ids, category);
  }
  assert.deepEqual(windows('process_creation').map((t) => t.name), ['sysmon:1', SECURITY_4688_TARGET]);
  assert.deepEqual(windows('network_connection').map((t) => t.name), ['sysmon:3', SECURITY_5156_TARGET]);
  const [, sec] = windows('process_creation');
  assert.deepEqual([sec.channel, sec.provider, [...sec.eventIds]], ['Security', 'Microsoft-Windows-Security-Auditing', [4688]]);
  // No product: a Windows category still maps.
  assert.deepEqual(logSourceTargets({ category: 'process_creation' }).targets.map((t) => t.name), ['sysmon:1', SECURITY_4688_TARGET]);
});

test('services and PowerShell categories map to channels', () => {
  const svc = (service: string): [string | null, string | null, number[]][] =>
    logSourceTargets({ product: 'windows', service }).targets.map((t) => [t.channel, t.provider, [...t.eventIds]]);
  assert.deepEqual(svc('security'), [['Security', 'Microsoft-Windows-Security-Auditing', []]]);
  assert.deepEqual(svc('sysmon'), [['Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon', []]]);
  assert.deepEqual(svc('system'), [['System', null, []]]);
  assert.deepEqual(svc('powershell'), [['Microsoft-Windows-PowerShell/Operational', null, []]]);
  assert.deepEqual(svc('powershell-classic'), [['Windows PowerShell', null, []]]);
  assert.deepEqual(svc('microsoft-servicebus-client'), svc('servicebus-client'));
  assert.equal(svc('applocker').length, 4);
  assert.deepEqual(windows('ps_script').map((t) => [t.channel, [...t.eventIds]]), [['Microsoft-Windows-PowerShell/Operational', [4104]], ['PowerShellCore/Operational', [4104]]]);
  assert.deepEqual(windows('ps_classic_start').map((t) => [t.channel, [...t.eventIds]]), [['Windows PowerShell', [400]]]);
  // Category and service together: the category's targets on the service's channel.
  assert.deepEqual(logSourceTargets({ product: 'windows', category: 'process_creation', service: 'security' }).targets.map((t) => t.name), [SECURITY_4688_TARGET]);
});

test('unknown and non-Windows log sources have no targets and say why', () => {
  const cases: [Parameters<typeof logSourceTargets>[0], RegExp][] = [
    [{ product: 'linux', category: 'process_creation' }, /product: linux, category: process_creation is not a Windows event log/],
    [{ product: 'aws', service: 'cloudtrail' }, /product: aws, service: cloudtrail/],
    [{ product: 'windows', category: 'no_such_thing' }, /no known event-log channel for category 'no_such_thing'/],
    [{ product: 'windows', service: 'nope' }, /no known event-log channel for service 'nope'/],
    [{ category: 'antivirus' }, /category 'antivirus'/],
    [{ product: 'windows' }, /names no category or service/],
  ];
  for (const [ls, reason] of cases) {
    const r = logSourceTargets(ls);
    assert.deepEqual(r.targets, [], JSON.stringify(ls));
    assert.match(r.reason ?? '', reason);
  }
});

test('user mappings add targets, with field renames', () => {
  const extra: LogSourceMapping[] = [
    { logsource: { product: 'linux', service: 'auditd' }, channel: 'auditd', fields: { Command: 'exe' } },
    { logsource: { category: 'network_connection' }, channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', eventIds: [5157] },
  ];
  const linux = logSourceTargets({ product: 'linux', service: 'auditd' }, extra);
  assert.equal(linux.reason, undefined);
  assert.equal(linux.targets.length, 1);
  assert.equal(read(linux.targets[0], 'Command', event('auditd', 'x', 1, { exe: '/bin/sh' })), '/bin/sh');
  const net = logSourceTargets({ product: 'windows', category: 'network_connection' }, extra).targets;
  assert.deepEqual(net.map((t) => [...t.eventIds]), [[3], [5156], [5157]]);
  assert.equal(logSourceTargets({ product: 'windows', category: 'process_creation' }, extra).targets.length, 2);
});

test('the default resolver reads System fields and data, exact then case-insensitive', () => {
  const [sysmon] = windows('process_creation');
  const e = { ...event(SYSMON_CHANNEL, 'Microsoft-Windows-Sysmon', 1, { Image: 'C:\\x.exe', ParentCommandLine: 'p', Version: 'data' }), level: 4, keywords: '0x8000000000000000', record_id: 7 };
  assert.equal(read(sysmon, 'EventID', e), 1);
  assert.equal(read(sysmon, 'Channel', e), SYSMON_CHANNEL);
  assert.equal(read(sysmon, 'Provider_Name', e), 'Microsoft-Windows-Sysmon');
  assert.equal(read(sysmon, 'Computer', e), 'WEB01');
  assert.equal(read(sysmon, 'Level', e), 4);
  assert.equal(read(sysmon, 'Keywords', e), '0x8000000000000000');
  assert.equal(read(sysmon, 'EventRecordID', e), 7);
  assert.equal(read(sysmon, 'Version', e), 'data', 'a data field of a System name wins');
  assert.equal(read(sysmon, 'Image', e), 'C:\\x.exe');
  assert.equal(read(sysmon, 'ParentCommandline', e), 'p');
  assert.equal(read(sysmon, 'image', e), 'C:\\x.exe');
  assert.equal(read(sysmon, 'Hashes', e), undefined);
  const both = event(SYSMON_CHANNEL, 'Microsoft-Windows-Sysmon', 1, { image: 'lower', Image: 'exact' });
  assert.equal(read(sysmon, 'Image', both), 'exact');
  assert.equal(read(sysmon, 'IMAGE', both), 'lower', 'first case-insensitive match in document order');
  // System 104 names the cleared log in its data `Channel` (SigmaHQ win_system_eventlog_cleared tests it).
  const cleared = event('System', 'Microsoft-Windows-Eventlog', 104, { SubjectUserName: 'admmig', SubjectDomainName: 'OFFSEC', Channel: 'Security', BackupPath: '' });
  const [system] = logSourceTargets({ product: 'windows', service: 'system' }).targets;
  assert.equal(read(system, 'Channel', cleared), 'Security');
  assert.equal(read(system, 'Provider_Name', cleared), 'Microsoft-Windows-Eventlog');
  const proto = event(SYSMON_CHANNEL, 'Microsoft-Windows-Sysmon', 1, JSON.parse('{"__proto__": "x"}'));
  assert.equal(read(sysmon, 'constructor', proto), undefined, 'inherited properties are not fields');
});

const SECURITY = ['Security', 'Microsoft-Windows-Security-Auditing'] as const;

test('Security 4688 reads Sysmon 1 names; Sysmon-only fields resolve to null', () => {
  const [, t] = windows('process_creation');
  const v2 = event(...SECURITY, 4688, {
    SubjectUserSid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415', SubjectUserName: 'DefaultAppPool', SubjectDomainName: 'IIS APPPOOL',
    SubjectLogonId: '0x3e4', NewProcessId: '0x2a5c', NewProcessName: 'C:\\Windows\\System32\\cmd.exe', TokenElevationType: '%%1936',
    ProcessId: '0x1a4', CommandLine: 'cmd /c whoami', TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0',
    ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', MandatoryLabel: 'S-1-16-12288',
  });
  assert.equal(read(t, 'Image', v2), 'C:\\Windows\\System32\\cmd.exe');
  assert.equal(read(t, 'ParentImage', v2), 'C:\\Windows\\System32\\inetsrv\\w3wp.exe');
  assert.equal(read(t, 'CommandLine', v2), 'cmd /c whoami');
  assert.equal(read(t, 'ProcessId', v2), 0x2a5c);
  assert.equal(read(t, 'ParentProcessId', v2), 0x1a4);
  assert.equal(read(t, 'User', v2), 'IIS APPPOOL\\DefaultAppPool');
  assert.equal(read(t, 'LogonId', v2), '0x3e4');
  assert.equal(read(t, 'IntegrityLevel', v2), 'High');
  assert.equal(read(t, 'EventID', v2), 4688);
  assert.equal(read(t, 'TokenElevationType', v2), '%%1936', "4688's own names read as written");
  for (const f of ['OriginalFileName', 'Hashes', 'Company', 'Product', 'Description', 'CurrentDirectory', 'ParentCommandLine', 'ProcessGuid', 'ParentProcessGuid', 'NoSuchField']) {
    assert.equal(read(t, f, v2), 'NULL', f);
  }
  assert.deepEqual(missingFields(t, ['Image', 'OriginalFileName', 'Image', 'CommandLine', 'Hashes']), ['OriginalFileName', 'Hashes']);
  assert.deepEqual(missingFields(windows('process_creation')[0], ['Image', 'OriginalFileName']), []);
  // Another account (runas): Target subject; SYSTEM by SID; version 1 has no ParentProcessName.
  const runas = event(...SECURITY, 4688, { SubjectUserSid: 'S-1-5-21-1-2-3-1000', SubjectUserName: 'alice', SubjectDomainName: 'CORP', SubjectLogonId: '0x10',
    NewProcessId: '0x10', NewProcessName: 'C:\\x.exe', ProcessId: '0x4', TargetUserSid: 'S-1-5-21-1-2-3-500', TargetUserName: 'Administrator', TargetDomainName: 'CORP', TargetLogonId: '0x99' });
  assert.equal(read(t, 'User', runas), 'CORP\\Administrator');
  assert.equal(read(t, 'LogonId', runas), '0x99');
  const v1 = event(...SECURITY, 4688, { SubjectUserSid: 'S-1-5-18', SubjectUserName: 'WEB01$', SubjectDomainName: 'CORP', SubjectLogonId: '0x3e7', NewProcessId: '0x1fc', NewProcessName: 'C:\\a.exe', TokenElevationType: '%%1936', ProcessId: '0x278', CommandLine: '' });
  assert.equal(read(t, 'User', v1), 'NT AUTHORITY\\SYSTEM');
  assert.equal(read(t, 'ParentImage', v1), undefined);
  assert.equal(read(t, 'CommandLine', v1), '');
  assert.equal(read(t, 'IntegrityLevel', v1), undefined);
});

test('Security 5156 reads Sysmon 3 names: device path, direction, sides, protocol', () => {
  const [, t] = windows('network_connection');
  const out = event(...SECURITY, 5156, { ProcessID: 4120, Application: '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe', Direction: '%%14593',
    SourceAddress: '10.0.0.5', SourcePort: '50123', DestAddress: '203.0.113.9', DestPort: '443', Protocol: 6, FilterRTID: 0, LayerName: '%%14611', LayerRTID: 48 });
  assert.match(String(read(t, 'Image', out)), /\\w3wp\.exe$/);
  assert.equal(read(t, 'ProcessId', out), 4120);
  assert.equal(read(t, 'Initiated', out), true);
  assert.equal(read(t, 'SourceIp', out), '10.0.0.5');
  assert.equal(read(t, 'SourcePort', out), 50123);
  assert.equal(read(t, 'DestinationIp', out), '203.0.113.9');
  assert.equal(read(t, 'DestinationPort', out), 443);
  assert.equal(read(t, 'DestinationIsIpv6', out), false);
  assert.equal(read(t, 'Protocol', out), 'tcp');
  assert.equal(read(t, 'DestinationHostname', out), 'NULL');
  assert.equal(read(t, 'User', out), 'NULL');
  // Inbound: WFP's Source is the local side; Sysmon's Source is the initiator (the remote peer).
  const inbound = event(...SECURITY, 5156, { ProcessID: 4, Application: 'System', Direction: '%%14592', SourceAddress: '172.16.66.36', SourcePort: '445',
    DestAddress: '172.16.66.37', DestPort: '50106', Protocol: 17 });
  assert.equal(read(t, 'Initiated', inbound), false);
  assert.equal(read(t, 'SourceIp', inbound), '172.16.66.37');
  assert.equal(read(t, 'SourcePort', inbound), 50106);
  assert.equal(read(t, 'DestinationIp', inbound), '172.16.66.36');
  assert.equal(read(t, 'DestinationPort', inbound), 445);
  assert.equal(read(t, 'Protocol', inbound), 'udp');
});
