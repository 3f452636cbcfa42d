import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventFields } from './field-catalog.js';
import { renderSecurityMessage } from './security-message.js';
import { SYSMON_PROVIDER, SYSMON_TITLES } from './sysmon-message.js';

// Facts from ../shared/specs/windows-events.md §2–3 (the templates Windows uses), checked
// against Haetae's renderers and field catalog, for the IDs with no corpus message as well.

test('Sysmon: every first line the spec lists is a title, and key field lists are in schema order', () => {
  const titles = new Set(Object.values(SYSMON_TITLES));
  for (const t of ['Process Create', 'File creation time changed', 'Network connection detected', 'Process terminated', 'Driver loaded',
    'Image loaded', 'CreateRemoteThread detected', 'RawAccessRead detected', 'Process accessed', 'File created',
    'Registry object added or deleted', 'Registry value set', 'Registry object renamed', 'File stream created', 'Pipe Created',
    'Pipe Connected', 'WmiEventFilter activity detected', 'WmiEventConsumer activity detected', 'WmiEventConsumerToFilter activity detected',
    'Dns query', 'File Delete archived', 'Clipboard changed', 'Process Tampering', 'File Delete logged', 'File Executable Detected']) {
    assert.ok(titles.has(t), t);
  }
  for (const id of [...Array.from({ length: 29 }, (_, i) => i + 1), 255]) assert.ok(SYSMON_TITLES[id], `title for Sysmon ${id}`);
  const names = (id: number): string[] => eventFields(SYSMON_PROVIDER, id, null)!.map((f) => f.name);
  assert.deepEqual(names(1), ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product',
    'Company', 'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId', 'IntegrityLevel',
    'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser']);
  assert.deepEqual(names(3), ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User', 'Protocol', 'Initiated', 'SourceIsIpv6',
    'SourceIp', 'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname', 'DestinationPort', 'DestinationPortName']);
  assert.deepEqual(names(10).slice(2), ['SourceProcessGUID', 'SourceProcessId', 'SourceThreadId', 'SourceImage', 'TargetProcessGUID',
    'TargetProcessId', 'TargetImage', 'GrantedAccess', 'CallTrace', 'SourceUser', 'TargetUser']);
  for (const id of [9, 14, 24, 25, 26, 28, 29, 255]) assert.ok(eventFields(SYSMON_PROVIDER, id, null), `documented fields for Sysmon ${id}`);
});

test('Security: first lines, labels and their order for 4688 and the WFP events', () => {
  const m4688 = renderSecurityMessage(4688, {})!.split('\r\n');
  assert.equal(m4688[0], 'A new process has been created.');
  const labels = ['Creator Subject:', 'Target Subject:', 'Process Information:', '\tNew Process ID:', '\tNew Process Name:', '\tCreator Process ID:',
    '\tCreator Process Name:', '\tProcess Command Line:', 'Token Elevation Type indicates'];
  let at = 0;
  for (const l of labels) {
    const i = m4688.findIndex((line, k) => k >= at && line.startsWith(l));
    assert.ok(i >= at, `4688: ${JSON.stringify(l)} after line ${at}`);
    at = i;
  }
  assert.equal(renderSecurityMessage(5156, {})!.split('\r\n')[0], 'The Windows Filtering Platform has permitted a connection.');
  assert.equal(renderSecurityMessage(5157, {})!.split('\r\n')[0], 'The Windows Filtering Platform has blocked a connection.');
  for (const id of [5156, 5157]) {
    const m = renderSecurityMessage(id, { DestAddress: '203.0.113.7', Direction: '%%14593' })!;
    assert.match(m, /\r\n\tDestination Address:\t203\.0\.113\.7\r\n/);
    assert.ok(!m.includes('DstIP='), 'Windows never writes DstIP=');
    assert.match(m, /Application Information:[\s\S]*Network Information:[\s\S]*Filter Information:/);
  }
  for (const id of [4624, 4625, 4634, 4648, 4672, 4688, 4689, 4698, 4720, 4732, 5140, 5145, 5156, 5157, 5158]) {
    assert.ok(renderSecurityMessage(id, {}), `template for ${id}`);
  }
});
