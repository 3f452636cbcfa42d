import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { SECURITY, throughEvtx, W3WP, WindowsEvents } from '../testing/windows-events.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';
import { logSourceTargets, SECURITY_4688_TARGET, SECURITY_5156_TARGET } from './logsource.js';
import { ProcessTracker } from './process-tracker.js';
import { trackerAwareResolve } from './tracker-resolve.js';
import type { LogSourceTarget } from './types.js';

const b = new WindowsEvents('WEB01', '2024-05-01');
const HOST = b.host;
const ev = b.ev.bind(b);
const at = b.at.bind(b);
const sec4688 = b.sec4688.bind(b);
const sec4689 = b.sec4689.bind(b);
const sysmon1 = b.sysmon1.bind(b);
const sysmon5 = b.sysmon5.bind(b);
const roundTrip = async (name: string, events: Event[]): Promise<Event[]> => (await throughEvtx(name, events)).events;

const target = (category: string, name: string): LogSourceTarget =>
  logSourceTargets({ product: 'windows', category }).targets.find((t) => t.name === name)!;

test('4688 without ParentProcessName: the creator PID is w3wp only while that w3wp lived (recycle, PID reuse)', async () => {
  const events = await roundTrip('recycle', [
    sec4688('09:00:00', '0x1a4', W3WP, '0x300'), // w3wp #1, PID 420
    sec4688('09:10:00', '0x2a5c', 'C:\\Windows\\System32\\cmd.exe', '0x1a4'), // its child
    sec4689('09:20:00', '0x1a4', W3WP), // app pool recycle
    sec4688('09:20:01', '0x5d0', W3WP, '0x300'), // w3wp #2, PID 1488
    sec4688('09:25:00', '0x2b00', 'C:\\Windows\\System32\\conhost.exe', '0x1a4'), // PID 420 unknown at that time
    sec4688('09:30:00', '0x1a4', 'C:\\Windows\\System32\\svchost.exe', '0x260'), // PID 420 reused
    sec4688('09:40:00', '0x111', 'C:\\Windows\\System32\\whoami.exe', '0x1a4'), // child of the svchost, not of w3wp
    sec4688('09:41:00', '0x112', 'C:\\Windows\\System32\\whoami.exe', '0x5d0'), // child of w3wp #2
  ]);
  const tracker = new ProcessTracker();
  for (const e of events) tracker.observe(e);
  const t4688 = target('process_creation', SECURITY_4688_TARGET);
  const parentImage = trackerAwareResolve(t4688.resolve, tracker, t4688)('ParentImage')!;
  const plain = t4688.resolve('ParentImage')!;
  assert.equal(plain(events[1]), undefined, 'the event itself has no parent name');
  assert.equal(parentImage(events[1]), W3WP);
  assert.equal(parentImage(events[4]), undefined, 'between the exit and the reuse, PID 0x1a4 is nobody');
  assert.equal(parentImage(events[6]), 'C:\\Windows\\System32\\svchost.exe');
  assert.equal(parentImage(events[7]), W3WP);
  assert.equal(trackerAwareResolve(t4688.resolve, tracker, t4688)('ParentCommandLine')!(events[1]), 'w3wp.exe /x');
  // Hex and decimal PIDs are the same PID.
  assert.equal(tracker.imageAt(HOST, 420, at('09:05:00')), W3WP);
  assert.equal(tracker.imageAt('web01', 0x1a4, at('09:35:00')), 'C:\\Windows\\System32\\svchost.exe');
  assert.equal(tracker.imageAt(HOST, 420, at('09:22:00')), null);
  const first = tracker.processAt(HOST, 420, at('09:05:00'))!;
  assert.deepEqual([first.start, first.end, first.parentPid, first.user], [at('09:00:00'), at('09:20:00'), 0x300, 'IIS APPPOOL\\DefaultAppPool']);
  // A Sysmon 1 with a decimal ParentProcessId finds the w3wp a 4688 (hex) created.
  const child = sysmon1('09:45:00', { pid: 5000, guid: '{aaaaaaaa-0000-0000-0000-000000000001}', image: 'C:\\Windows\\System32\\cmd.exe', ppid: 1488, pguid: '{aaaaaaaa-0000-0000-0000-000000000002}', pimage: W3WP });
  tracker.observe(child);
  assert.equal(tracker.parentOf(child)?.start, at('09:20:01'));
  assert.equal(tracker.byGuid(HOST, '{AAAAAAAA-0000-0000-0000-000000000002}')?.pid, 1488, 'the 4688 record took the GUID Sysmon gave its parent');
});

test('Sysmon 1 GUID chain: ancestors newest first, parents seen only as parents recorded', async () => {
  const g = (n: number): string => `{83989f29-3374-5f6b-0100-00000000030${n}}`;
  const events = await roundTrip('chain', [
    sysmon1('10:00:00', { pid: 600, guid: g(1), image: 'C:\\Windows\\System32\\svchost.exe', ppid: 500, pguid: g(0), pimage: 'C:\\Windows\\System32\\services.exe' }),
    sysmon1('10:00:05', { pid: 4120, guid: g(2), image: W3WP, ppid: 600, pguid: g(1), pimage: 'C:\\Windows\\System32\\svchost.exe' }),
    sysmon1('10:05:00', { pid: 7000, guid: g(3), image: 'C:\\Windows\\System32\\cmd.exe', ppid: 4120, pguid: g(2), pimage: W3WP }),
    sysmon1('10:05:01', { pid: 7004, guid: g(4), image: 'C:\\Windows\\System32\\whoami.exe', ppid: 7000, pguid: g(3), pimage: 'C:\\Windows\\System32\\cmd.exe' }),
    sysmon5('10:05:02', 7004, g(4), 'C:\\Windows\\System32\\whoami.exe'),
  ]);
  const tracker = new ProcessTracker();
  for (const e of events) tracker.observe(e);
  assert.deepEqual(tracker.ancestors(events[3]).map((p) => p.image.split('\\').pop()), ['cmd.exe', 'w3wp.exe', 'svchost.exe', 'services.exe']);
  assert.deepEqual(tracker.ancestors(events[3], 2).map((p) => p.pid), [7000, 4120]);
  const services = tracker.byGuid(HOST, g(0))!;
  assert.deepEqual([services.pid, services.start, services.end, services.image], [500, null, null, 'C:\\Windows\\System32\\services.exe']);
  const whoami = tracker.processOf(events[4])!;
  assert.deepEqual([whoami.start, whoami.end], [at('10:05:01'), at('10:05:02')]);
  assert.equal(tracker.size, 5);
  // Cycle-safe: two processes that name each other as creator (PID links can loop).
  const loop = new ProcessTracker();
  const a = sec4688('11:00:00', '0x10', 'C:\\a.exe', '0x20', 'C:\\b.exe');
  const b = sec4688('11:00:00', '0x20', 'C:\\b.exe', '0x10', 'C:\\a.exe');
  loop.observe(a);
  loop.observe(b);
  assert.equal(loop.size, 2);
  assert.equal(loop.parentOf(a)?.image, 'C:\\b.exe');
  assert.deepEqual(loop.ancestors(b).map((p) => p.image), ['C:\\a.exe']);
  assert.deepEqual(loop.ancestors(a, 10).map((p) => p.image), ['C:\\b.exe']);
});

test('Sysmon 1 and 4688 of one process are one record, in either order; exits before creations merge', async () => {
  const guid = '{11111111-2222-3333-4444-555555555555}';
  const events = await roundTrip('merge', [
    sysmon1('12:00:00', { pid: 0x2a5c, guid, image: 'C:\\Windows\\System32\\cmd.exe', ppid: 4120, pguid: '{11111111-2222-3333-4444-000000000000}', pimage: W3WP }),
    sec4688('12:00:00', '0x2a5c', 'C:\\Windows\\System32\\cmd.exe', '0x1018', W3WP),
    sec4689('12:00:09', '0x2a5c', 'C:\\Windows\\System32\\cmd.exe'),
  ]);
  for (const order of [[0, 1, 2], [1, 0, 2], [2, 1, 0], [2, 0, 1]]) {
    const tracker = new ProcessTracker();
    for (const i of order) tracker.observe(events[i]);
    assert.equal(tracker.size, 2, `order ${order}: cmd and its parent w3wp`);
    const cmd = tracker.byGuid(HOST, guid)!;
    assert.deepEqual([cmd.pid, cmd.start, cmd.end], [0x2a5c, at('12:00:00'), at('12:00:09')], `order ${order}`);
    assert.equal(tracker.processOf(events[1]), cmd);
    assert.equal(tracker.parentOf(events[1])?.image, W3WP);
    assert.equal(tracker.parentOf(events[0]), tracker.parentOf(events[1]));
  }
  // Far apart in time, the same PID is two processes.
  const tracker = new ProcessTracker();
  tracker.observe(events[0]);
  tracker.observe(sec4688('12:30:00', '0x2a5c', 'C:\\Windows\\System32\\notepad.exe', '0x4'));
  assert.equal(tracker.size, 3);
});

test('5156 with an NT device path: Image endswith \\w3wp.exe through the log-source resolver, drive path once learned', async () => {
  const app = '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe';
  const events = await roundTrip('wfp', [
    sysmon1('13:00:00', { pid: 4120, guid: '{99999999-0000-0000-0000-000000000001}', image: W3WP, ppid: 600, pguid: '{99999999-0000-0000-0000-000000000000}', pimage: 'C:\\Windows\\System32\\svchost.exe' }),
    ev('13:01:00', SECURITY, 5156, { ProcessID: 4120, Application: app, Direction: '%%14593', SourceAddress: '10.0.0.5', SourcePort: '50123',
      DestAddress: '203.0.113.9', DestPort: '443', Protocol: 6, FilterRTID: 0, LayerName: '%%14611', LayerRTID: 48, RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0' }),
  ]);
  const t5156 = target('network_connection', SECURITY_5156_TARGET);
  const image = t5156.resolve('Image')!(events[1]);
  assert.equal(typeof image === 'string' && image.toLowerCase().endsWith('\\w3wp.exe'), true, String(image));
  assert.equal(t5156.resolve('DestinationIp')!(events[1]), '203.0.113.9');
  assert.equal(t5156.resolve('Initiated')!(events[1]), true);
  const tracker = new ProcessTracker();
  for (const e of events) tracker.observe(e);
  assert.deepEqual(tracker.volumes(HOST), { harddiskvolume2: 'C:' });
  assert.equal(trackerAwareResolve(t5156.resolve, tracker, t5156)('Image')!(events[1]), 'C:\\windows\\system32\\inetsrv\\w3wp.exe');
  assert.equal(tracker.processOf(events[1])?.guid, '{99999999-0000-0000-0000-000000000001}');
  assert.equal(tracker.parentOf(events[1])?.image, 'C:\\Windows\\System32\\svchost.exe', 'the parent of the connecting process');
});

test('memory stays bounded: ended processes leave after the horizon, the total is capped', () => {
  const tracker = new ProcessTracker({ horizonMs: 3600_000, maxRecords: 1000 });
  const t0 = Date.parse('2024-05-01T00:00:00Z');
  const iso = (ms: number): string => new Date(ms).toISOString().replace('Z', '0000Z');
  const ev4688 = (ms: number, pid: number): Event => ({ ...sec4688('00:00:00', `0x${pid.toString(16)}`, 'C:\\x.exe', '0x4'), _time: iso(ms) });
  const ev4689 = (ms: number, pid: number): Event => ({ ...sec4689('00:00:00', `0x${pid.toString(16)}`, 'C:\\x.exe'), _time: iso(ms) });
  // 30,000 short-lived processes, one a second over ~8 hours, each exiting after 5 s.
  for (let i = 0; i < 30_000; i++) {
    tracker.observe(ev4688(t0 + i * 1000, 1000 + i));
    tracker.observe(ev4689(t0 + i * 1000 + 5000, 1000 + i));
  }
  assert.ok(tracker.size <= 1000, `size ${tracker.size}`);
  const last = t0 + 29_999 * 1000;
  assert.equal(tracker.imageAt(HOST, 1000 + 29_999, last + 1000), 'C:\\x.exe', 'recent processes are kept');
  assert.equal(tracker.imageAt(HOST, 1000, t0 + 1000), null, 'old ended ones are gone');
  // Horizon alone (no cap pressure): ended more than an hour before the latest event → gone.
  const h = new ProcessTracker({ horizonMs: 3600_000 });
  for (let i = 0; i < 12_000; i++) {
    h.observe(ev4688(t0 + i * 1000, 1000 + i));
    h.observe(ev4689(t0 + i * 1000 + 5000, 1000 + i));
  }
  assert.ok(h.size < 12_000 && h.size >= 3600, `size ${h.size}`);
  assert.equal(h.imageAt(HOST, 1000 + 11_000, t0 + 11_000_000 + 1000), 'C:\\x.exe');
});

/** Decodes a corpus file (relative to corpus/evtx). */
async function corpusEvents(rel: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const batch of decodeFile(requireShared(join(corpusRoot, 'evtx', rel)))) out.push(...batch.events);
  return out;
}

test('corpus: Sysmon 1 parents resolve, and agree with the ParentImage each event names', async () => {
  const events = await corpusEvents('EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx');
  const tracker = new ProcessTracker();
  for (const e of events) tracker.observe(e);
  const creations = events.filter((e) => e.provider === 'Microsoft-Windows-Sysmon' && e.event_id === 1);
  assert.ok(creations.length > 400, `${creations.length} Sysmon 1 events`);
  let resolved = 0;
  let deep = 0;
  for (const e of creations) {
    const parent = tracker.parentOf(e);
    if (parent === null || parent.image === '') continue;
    resolved++;
    assert.equal(parent.image.toLowerCase(), String(e.data.ParentImage).toLowerCase(), `record ${e.record_id}`);
    if (tracker.ancestors(e).length >= 2) deep++;
  }
  assert.ok(resolved / creations.length > 0.95, `${resolved}/${creations.length} parents resolved`);
  assert.ok(deep > creations.length / 2, `${deep} creations with a grandparent`);
});

test('corpus: 4688 creator PIDs at event time give the ParentProcessName Windows wrote (stripped, as on 2008 R2)', async () => {
  const events = await corpusEvents('EVTX-to-MITRE-Attack/TA0002-Execution/T1059.003-Windows Command Shell/ID4688-SQL Server payload injectection for reverse shell (MSF).evtx');
  const is4688 = (e: Event): boolean => e.provider === 'Microsoft-Windows-Security-Auditing' && e.event_id === 4688;
  const truth = new Map<Event, string>();
  const old = events.map((e) => {
    if (!is4688(e)) return e;
    const data = { ...e.data };
    truth.set(e, String(data.ParentProcessName));
    delete data.ParentProcessName;
    const stripped = { ...e, data };
    truth.set(stripped, String(e.data.ParentProcessName));
    return stripped;
  });
  const tracker = new ProcessTracker();
  for (const e of old) tracker.observe(e);
  const t4688 = target('process_creation', SECURITY_4688_TARGET);
  const parentImage = trackerAwareResolve(t4688.resolve, tracker, t4688)('ParentImage')!;
  const creations = old.filter(is4688);
  let resolved = 0;
  for (const e of creations) {
    const v = parentImage(e);
    if (v === undefined) continue;
    resolved++;
    assert.equal(String(v).toLowerCase(), truth.get(e)!.toLowerCase(), `record ${e.record_id}`);
  }
  assert.ok(creations.length > 100 && resolved / creations.length > 0.5, `${resolved}/${creations.length} parents resolved`);

  // Version 1 events (no ParentProcessName at all): most creators were created in the same log.
  const v1 = (await corpusEvents('EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1027-Obfuscated Files or Information/ID4688-Obfuscated payload transfer via service name - Tchopper.evtx')).filter(is4688);
  const t2 = new ProcessTracker();
  for (const e of v1) t2.observe(e);
  const resolvedV1 = v1.filter((e) => t2.parentOf(e) !== null).length;
  assert.ok(resolvedV1 / v1.length > 0.5, `${resolvedV1}/${v1.length} v1 parents resolved`);
});
