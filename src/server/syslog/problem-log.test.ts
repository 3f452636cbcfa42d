import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemLog } from './problem-log.js';

test('problems are logged once per interval per sender and kind, with the count of the others', () => {
  const lines: string[] = [];
  let now = 0;
  const log = new ProblemLog((l) => lines.push(l), 10_000, () => now);
  for (let i = 0; i < 5; i++) log.report('syslog-udp 10.0.0.5', 'unreadable message', `bad ${i}`);
  log.report('syslog-udp 10.0.0.6', 'unreadable message', 'other sender');
  log.report('syslog-udp 10.0.0.5', 'framing', 'other kind');
  assert.deepEqual(lines, ['syslog-udp 10.0.0.5: unreadable message: bad 0', 'syslog-udp 10.0.0.6: unreadable message: other sender', 'syslog-udp 10.0.0.5: framing: other kind']);
  now = 10_000;
  log.report('syslog-udp 10.0.0.5', 'unreadable message', 'later');
  assert.equal(lines.at(-1), 'syslog-udp 10.0.0.5: unreadable message: later (4 more like it since the last report)');
});
