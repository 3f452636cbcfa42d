import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonRecordReader } from './json-records.js';
import type { SourceLine } from './source.js';

const lines = (...texts: string[]): SourceLine[] => texts.map((text, i) => ({ kind: 'line', line: i + 1, text }));

test('JSON lines, padded lines, array elements and pretty-printed records', () => {
  const r = new JsonRecordReader();
  const out = r.read(lines('{"a":1}', '  {"b":2}  ', '[', '{"c":3},', '{"d":"x,"}', ']', 'Record 7', '{', '  "e": [1, {"f": 2}]', '}', '{}', '[{"g":1},{"h":2}]'));
  assert.deepEqual(out.map((x) => (x.kind === 'object' ? [x.line, x.value] : [x.line, x.reason])), [
    [1, { a: 1 }], [2, { b: 2 }], [3, { c: 3 }], [3, { d: 'x,' }], [8, { e: [1, { f: 2 }] }], [11, {}], [12, { g: 1 }], [12, { h: 2 }],
  ]);
  assert.deepEqual(r.finish(), []);
});

test('bad lines are reported with their line and the reading goes on', () => {
  const r = new JsonRecordReader();
  const out = r.read([...lines('{"a":', 'null', '[1,{"b":1}]', '{"ok":true}'), { kind: 'bad', line: 5, reason: 'not valid UTF-8' }]);
  assert.deepEqual(out.map((x) => [x.line, x.kind === 'object' ? x.value : x.reason.replace(/:.*/, '')]), [
    [1, 'invalid JSON'], [2, 'expected a JSON object, found null'], [3, 'expected a JSON object, found number'], [3, { b: 1 }], [4, { ok: true }], [5, 'not valid UTF-8'],
  ]);
  assert.deepEqual(r.read(lines('{')), []);
  assert.deepEqual(r.finish(), [{ kind: 'bad', line: 1, reason: 'JSON record not closed at end of input' }]);
});
