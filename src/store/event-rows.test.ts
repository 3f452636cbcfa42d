/**
 * Row encoding for the bulk loader: what `read_json` receives must be valid JSON that keeps
 * every value, whatever the field names and texts (src/store/event-rows.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyEvent, setField, type Event } from '../event/index.js';
import { encodeEventRuns, KIND } from './event-rows.js';
import { timeMicros } from './schema.js';

function sysmonEvent(data: Record<string, unknown>, time = '2024-05-01T10:00:00.1234567Z'): Event {
  const e = emptyEvent();
  e._time = time;
  e.host = 'WEB01';
  e.channel = 'Microsoft-Windows-Sysmon/Operational';
  e.provider = 'Microsoft-Windows-Sysmon';
  e.event_id = 1;
  e.line = 'Process Create:\r\nImage: C:\\Windows\\System32\\cmd.exe';
  for (const [k, v] of Object.entries(data)) setField(e.data, k, v as never);
  return e;
}

/** The row as the store writes it (`{"_id":N,` + row), parsed back. */
function parsedRow(row: string): Record<string, unknown> {
  return JSON.parse(`{"_id":1,${row}`) as Record<string, unknown>;
}

test('a row keeps system fields, line and data values with their JSON types', () => {
  const [run] = encodeEventRuns([sysmonEvent({ Image: 'C:\\Windows\\System32\\cmd.exe', ProcessId: 4242, Initiated: true, Ratio: 0.5, Tags: ['a', 'b'] })]);
  const r = parsedRow(run.rows[0]);
  assert.equal(r._time, 1714557600123456);
  assert.equal(r.host, 'WEB01');
  assert.equal(r.event_id, 1);
  assert.equal(r.line, 'Process Create:\r\nImage: C:\\Windows\\System32\\cmd.exe');
  assert.equal(r.Image, 'C:\\Windows\\System32\\cmd.exe');
  assert.equal(r.ProcessId, 4242);
  assert.equal(r.Initiated, true);
  assert.equal(r.Ratio, 0.5);
  assert.deepEqual(r.Tags, ['a', 'b']);
  assert.equal(r._extra, undefined);
  assert.deepEqual(run.fields.ProcessId, [KIND.int, 'BIGINT']);
  assert.equal(run.fields.Tags[0], KIND.stringList);
});

test('microseconds beyond 2^53 are written exactly (year 9999)', () => {
  const [run] = encodeEventRuns([sysmonEvent({}, '9999-12-31T23:59:59.999999Z')]);
  assert.match(run.rows[0], /^"_time":253402300799999999,/);
  const [none] = encodeEventRuns([sysmonEvent({}, '')]);
  assert.match(none.rows[0], /^"_time":null,/);
});

test('a data field named like a fixed column, or __proto__, goes to _extra', () => {
  const [run] = encodeEventRuns([sysmonEvent({ Host: 'other', ['__proto__']: 'x', Image: 'a.exe' })]);
  const r = parsedRow(run.rows[0]);
  assert.equal(r.host, 'WEB01');
  assert.deepEqual({ ...(r._extra as object) }, { Host: 'other', ['__proto__']: 'x' });
  assert.equal(Object.getPrototypeOf(r), Object.prototype);
  assert.equal(r.Image, 'a.exe');
  assert.equal(run.fields.Host, undefined);
});

test('an unparseable time is kept in _extra, and lone surrogates become U+FFFD', () => {
  const [run] = encodeEventRuns([sysmonEvent({ CommandLine: 'a\ud800b' }, 'yesterday')]);
  assert.doesNotMatch(run.rows[0], /\\ud800/);
  const r = parsedRow(run.rows[0]);
  assert.equal(r._time, null);
  assert.equal(r.CommandLine, 'a\ufffdb');
  assert.deepEqual({ ...(r._extra as object) }, { _time: 'yesterday' });
});

test('timeMicros: the canonical form gives what the general parse gives, across centuries', () => {
  let seed = 7;
  const next = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  for (let i = 0; i < 5000; i++) {
    const canonical = `${pad(1601 + next(800), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)}T${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}.${pad(next(10_000_000), 7)}Z`;
    // A space instead of `T` takes the general (regular expression) path.
    assert.equal(timeMicros(canonical), timeMicros(canonical.replace('T', ' ')), canonical);
    assert.notEqual(timeMicros(canonical), null);
  }
  assert.equal(timeMicros('2024-05-01T10:00:00.123456xZ'), null);
  assert.equal(timeMicros('1969-12-31T23:59:59.9999990Z'), -1n);
});
