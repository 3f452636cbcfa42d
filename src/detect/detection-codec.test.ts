/** Detections written by the codec come back as they were. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetectionCodec } from './detection-codec.js';
import type { Detection } from './types.js';

const base: Detection = {
  ruleId: 'aad727ac-923a-4474-be67-8a2b7e13ff9c', ruleTitle: 'IIS Worker Process Spawned a Shell', level: 'high', tags: ['attack.t1505.003'],
  time: '2019-05-24T01:33:53.1124866Z', host: 'IEWIN7', channel: 'Microsoft-Windows-Sysmon/Operational', eventId: 1, recordId: 1044,
  file: 'case/Sysmon.evtx', target: 'sysmon:1', fields: { Image: 'C:\\Windows\\System32\\cmd.exe' }, chain: ['C:\\Windows\\System32\\inetsrv\\w3wp.exe', 'C:\\Windows\\System32\\cmd.exe'],
};

const roundTrip = (codec: DetectionCodec, d: Detection): Detection => codec.revive(JSON.parse(JSON.stringify(codec.store(d))));

test('a detection comes back equal, with its properties in the same order', () => {
  const codec = new DetectionCodec();
  for (const d of [base, { ...base, recordId: null, fields: {}, chain: [] }]) {
    const back = roundTrip(codec, d);
    assert.deepEqual(back, d);
    assert.equal(JSON.stringify(back), JSON.stringify(d));
  }
});

test('rules sharing an id, files and correlations stay apart', () => {
  const codec = new DetectionCodec();
  const other: Detection = { ...base, ruleTitle: 'Same id, another rule', level: 'low', tags: [] };
  const { file: _file, ...noFile } = base;
  const correlation: Detection = { ...base, target: 'correlation', file: 'b.evtx', correlation: { type: 'event_count', group: { User: 'x' }, events: 3 } };
  const stored = [base, other, noFile, correlation, { ...base, tags: ['attack.t1505.003'] }].map((d) => [d, JSON.stringify(codec.store(d))] as const);
  for (const [d, line] of stored) assert.equal(JSON.stringify(codec.revive(JSON.parse(line))), JSON.stringify(d));
  assert.equal(codec.revive(JSON.parse(stored[2][1])).file, undefined);
  assert.ok(stored[0][1].length < JSON.stringify(base).length / 2, 'the shared parts are not repeated');
});

test('a line that refers to parts this codec never stored is an error', () => {
  assert.throws(() => new DetectionCodec().revive([0, base.time, 'h', 'c', 1, 1, -1, {}, []]), /unknown rule 0/);
});
