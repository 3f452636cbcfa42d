import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { setField, typedData, type EventValue } from '../event/index.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import { eventFromNxlog, iso, LocalTimeFixer, NXLOG_EVENT_TYPES, NXLOG_METADATA, parseStamp } from './nxlog.js';
import { jsonEventValue } from './types.js';

/** The regex and Date.UTC per stamp that parseStamp replaces. */
function referenceStamp(s: string): [number, string] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/.exec(s);
  if (m === null) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : [ms, m[7] ?? ''];
}

test('parseStamp agrees with the regex on odd stamps and on stamps alternating between minutes', () => {
  const odd = [
    '2023-08-15T09:57:09.679Z', '2023-08-15 09:57:09', '2023-08-15T09:57:09Z', '2023-08-15T09:57:09.Z', '2023-08-15T09:57:09.', '2023-08-15T09:57:09ZZ',
    '2023-08-15T09:57:09.1234567', '2023-13-40 25:61:99', '0050-01-01 00:00:00', '9999-12-31 23:59:59.9', '2023-08-15t09:57:09', '2023-08-15T09:57:0',
    '2023-08-15T09:57:09 PM', '2023-08-15T09:57:09.12a', '2023/08/15 09:57:09', '2023-08-15T09:5:09', '+023-08-15T09:57:09', '', 'x', '2023-08-15T09:57:09\n',
    '٢٠٢٣-08-15T09:57:09', '2023-08-15T09:57:09.000000000001Z',
  ];
  for (const s of odd) assert.deepEqual(parseStamp(s), referenceStamp(s), s);
  let x = 7;
  const rnd = (n: number): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x % n; };
  const two = (n: number): string => String(n).padStart(2, '0');
  for (let i = 0; i < 20_000; i++) {
    const s = `${2000 + rnd(3)}-${two(1 + rnd(12))}-${two(1 + rnd(3))}${rnd(2) ? 'T' : ' '}${two(rnd(24))}:${two(rnd(3))}:${two(rnd(60))}${rnd(2) ? '.' + rnd(1000) : ''}${rnd(2) ? 'Z' : ''}`;
    assert.deepEqual(parseStamp(s), referenceStamp(s), s);
  }
});

test('iso formats like toISOString, also for years outside 0000–9999 and ms that are not whole seconds', () => {
  const values = [0, 1_692_093_429_000, 1_692_093_429_000 + 59_000, 1_692_093_429_000 + 61_000, 1_692_093_429_500, -1000, -62_198_755_200_000, 253_402_300_799_000, 253_402_300_800_000, 1_692_093_429_000];
  for (const ms of values) for (const f of ['', '679']) {
    const base = new Date(ms).toISOString().slice(0, 19);
    assert.equal(iso(ms, f), f === '' ? base + 'Z' : `${base}.${f}Z`, `${ms}`);
  }
});

test('LocalTimeFixer appends to the caller’s array: waiting events are released before the event that gave the offset', () => {
  const fixer = new LocalTimeFixer();
  const make = (id: number, host: string): ReturnType<typeof eventFromNxlog>['event'] => eventFromNxlog({ EventID: id, Hostname: host }).event;
  const out = [make(0, 'z')];
  const a = make(1, 'h');
  const b = make(2, 'h');
  assert.equal(fixer.accept(a, '2023-08-15 09:00:00.5', null, out), out);
  assert.deepEqual(out.map((e) => e.event_id), [0]);
  fixer.accept(b, '2023-08-15 09:00:01', '2023-08-15 16:00:01.123', out);
  assert.deepEqual(out.map((e) => [e.event_id, e._time]), [[0, ''], [1, '2023-08-15T16:00:00.5Z'], [2, '2023-08-15T16:00:01Z']]);
  assert.deepEqual(fixer.accept(make(3, 'h'), null, '2023-08-15T16:00:02Z').map((e) => e._time), ['2023-08-15T16:00:02Z']);
});

/** EventData as fields in source order passed through typedData(…, reorder): what the one-pass build replaces. */
function referenceData(o: Record<string, unknown>, provider: string, id: number, version: number | null): Record<string, EventValue> {
  const data: Record<string, EventValue> = {};
  for (const k in o) if (!NXLOG_METADATA.has(k) && !(k === 'EventType' && NXLOG_EVENT_TYPES.has(String(o[k])))) setField(data, k, jsonEventValue(o[k]));
  return typedData(provider, id, version, data, true);
}

test('EventData: catalog fields first in catalog order and typed, then the rest in source order', () => {
  const check = (o: Record<string, unknown>): void => {
    const e = eventFromNxlog(o).event;
    const want = referenceData(o, e.provider, e.event_id, e.version);
    assert.deepEqual(Object.entries(e.data), Object.entries(want), JSON.stringify(o).slice(0, 300));
  };
  check({ EventID: 12, SourceName: 'Microsoft-Windows-Sysmon', EventType: 'CreateKey', Extra: { a: 1 }, ProcessId: '42', RuleName: '-', UtcTime: 'x', Version: 2 });
  check({ EventID: 12, SourceName: 'Microsoft-Windows-Sysmon', EventType: 'INFO', TargetObject: 'HKLM', Level: '4' });
  check({ EventID: 4688, SourceName: 'Microsoft-Windows-Security-Auditing', EventType: 'AUDIT_SUCCESS', constructor: 'c', NewProcessId: '0x10', Z: [1, 'a', null, { b: 2 }] });
  check(JSON.parse('{"EventID":5156,"SourceName":"Microsoft-Windows-Security-Auditing","__proto__":{"x":1},"DestPort":"443","ProcessID":"7","Protocol":"6"}') as Record<string, unknown>);
  check({ EventID: 1, SourceName: 'NoSuchProvider', EventType: 'Custom', B: 1, A: '2' });
  let n = 0;
  for (const f of listFiles(requireShared(join(corpusRoot, 'json')), /\.json\.gz$/)) {
    for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (line.trim() === '' || n > 5000) continue;
      check(JSON.parse(line) as Record<string, unknown>);
      n++;
    }
  }
  assert.ok(n > 1000);
});

test('numbers written as text: decimal, hex, anything else null', () => {
  const level = (v: unknown): number | null => eventFromNxlog({ EventID: 1, Level: v }).event.level;
  assert.deepEqual(['4', '-3', '007', '-', '', '0x1F', '4.5', ' 4', '4 ', '٤', 4, Number.NaN, null].map(level), [4, -3, 7, null, null, 31, null, null, null, null, 4, null, null]);
  assert.throws(() => eventFromNxlog({ EventID: '-' }), /numeric EventID/);
});
