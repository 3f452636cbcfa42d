import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSyslog } from './header.js';

test('RFC 5424: header fields, nil values, several SD elements with escapes, a BOM before MSG', () => {
  const m = parseSyslog('<134>1 2024-05-01T19:00:00.123456+09:00 WEB01.corp Microsoft-Windows-Sysmon - - [timeQuality tzKnown="1" isSynced="0"][NXLOG@14506 EventID="1" Image="C:\\\\Windows\\\\cmd.exe" CommandLine="cmd /c \\"echo a\\]b\\"" Empty=""] \uFEFFProcess Create:  RuleName: -');
  assert.equal(m.format, 'rfc5424');
  assert.equal(m.facility, 16);
  assert.equal(m.severity, 6);
  assert.equal(m.timestamp, '2024-05-01T19:00:00.123456+09:00');
  assert.equal(m.hostname, 'WEB01.corp');
  assert.equal(m.appName, 'Microsoft-Windows-Sysmon');
  assert.equal(m.procId, null);
  assert.equal(m.msgId, null);
  assert.deepEqual(m.structuredData.map((e) => e.id), ['timeQuality', 'NXLOG@14506']);
  assert.deepEqual(m.structuredData[1].params, { EventID: '1', Image: 'C:\\Windows\\cmd.exe', CommandLine: 'cmd /c "echo a]b"', Empty: '' });
  assert.equal(m.message, 'Process Create:  RuleName: -');
});

test('RFC 5424 without structured data or message', () => {
  const m = parseSyslog('<13>1 - - - 1234 ID47 -');
  assert.deepEqual([m.format, m.timestamp, m.hostname, m.appName, m.procId, m.msgId, m.structuredData.length, m.message], ['rfc5424', null, null, null, '1234', 'ID47', 0, '']);
});

test('RFC 3164: host, tag with pid (NXLog to_syslog_bsd), tabs in the message kept', () => {
  const m = parseSyslog('<13>Nov  2 11:30:09 WEB01 Microsoft-Windows-Security-Auditing[4]: A new process has been created.    Creator Subject:  \tSecurity ID:\t\tS-1-5-18');
  assert.equal(m.format, 'rfc3164');
  assert.equal(m.timestamp, 'Nov  2 11:30:09');
  assert.equal(m.hostname, 'WEB01');
  assert.equal(m.appName, 'Microsoft-Windows-Security-Auditing');
  assert.equal(m.procId, '4');
  assert.equal(m.message, 'A new process has been created.    Creator Subject:  \tSecurity ID:\t\tS-1-5-18');
});

test('RFC 3164 variants: no host (the tag follows the stamp), an RFC 3339 stamp, Snare after the host, no tag', () => {
  const noHost = parseSyslog('<13>Nov 22 11:30:09 sshd[42]: hello');
  assert.deepEqual([noHost.hostname, noHost.appName, noHost.procId, noHost.message], [null, 'sshd', '42', 'hello']);
  const iso = parseSyslog('<13>2024-05-01T10:00:00Z WEB01 app: x');
  assert.deepEqual([iso.timestamp, iso.hostname, iso.appName, iso.message], ['2024-05-01T10:00:00Z', 'WEB01', 'app', 'x']);
  const snare = parseSyslog('<13>Nov 22 11:30:09 WEB01 MSWinEventLog\t1\tSecurity\t7');
  assert.deepEqual([snare.hostname, snare.appName, snare.message], ['WEB01', null, 'MSWinEventLog\t1\tSecurity\t7']);
  const tagged = parseSyslog('<13>Nov 22 11:30:09 WEB01 MSWinEventLog: 1\tSecurity');
  assert.deepEqual([tagged.appName, tagged.message], ['MSWinEventLog', '1\tSecurity']);
});

test('no PRI (or an impossible one): a headerless message, whole', () => {
  for (const text of ['{"EventID":4688,"Hostname":"WEB01"}', 'WEB01\tMSWinEventLog\t1', '<999>1 x']) {
    const m = parseSyslog(text);
    assert.equal(m.format, 'none');
    assert.equal(m.message, text);
  }
});

test('a malformed RFC 5424 header is read as BSD rather than lost', () => {
  const m = parseSyslog('<13>1 not-a-time host app - - - msg');
  assert.equal(m.format, 'rfc3164');
  assert.ok(m.message.includes('msg'));
});
