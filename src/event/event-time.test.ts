/** eventTimeMs is Date.parse, only faster on the decoders' ISO form. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTimeMs } from './time.js';

/** A deterministic pseudo-random sequence (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
}

test('the same as Date.parse on decoder times, edge dates and malformed text', () => {
  const fixed = [
    '2019-05-24T01:33:53.1124866Z', '2019-05-24T01:33:53Z', '2019-05-24T01:33:53.0123456789Z', '2019-05-24T01:33:53.012345678Z', '2019-05-24T01:33:53.1Z', '2019-05-24T01:33:53.12Z', '2019-05-24T01:33:53.999999999999Z',
    '2020-02-29T00:00:00.0000000Z', '2019-02-29T00:00:00Z', '2019-04-31T10:00:00Z', '2019-12-31T24:00:00Z', '2019-12-31T23:59:60Z', '0099-01-01T00:00:00Z',
    '1601-01-01T00:00:00.0000000Z', '9999-12-31T23:59:59.9999999Z', '2019-05-24T01:33:53.Z', '2019-05-24T01:33:53.1x3Z', '2019-05-24 01:33:53.112Z',
    '2019-05-24T01:33:53.112+02:00', '2019-05-24T01:33:53.112', '2019-13-01T00:00:00Z', '2019-00-10T00:00:00Z', '2019-05-00T00:00:00Z', '', 'Z',
    '+060056-01-01T00:00:00.000Z', '2019-05-24T1:33:53.112Z', '2019-05-24T01:33:53.112z',
  ];
  for (const s of fixed) assert.ok(Object.is(eventTimeMs(s), Date.parse(s)), `${s}: ${eventTimeMs(s)} vs ${Date.parse(s)}`);
  const r = random(11);
  const pick = (s: string): string => s[Math.floor(r() * s.length)];
  for (let k = 0; k < 20_000; k++) {
    // Valid-looking times with a character or two replaced now and then.
    const pad = (v: number, w: number): string => String(v).padStart(w, '0');
    let s = `${pad(Math.floor(r() * 10000), 4)}-${pad(Math.floor(r() * 14), 2)}-${pad(Math.floor(r() * 33), 2)}T${pad(Math.floor(r() * 25), 2)}:${pad(Math.floor(r() * 61), 2)}:${pad(Math.floor(r() * 61), 2)}`;
    // Up to 30 fraction digits, leading zeros often: past nine V8 reads them its own way.
    const digits = r() < 0.8 ? Math.floor(r() * 10) : Math.floor(r() * 31);
    if (digits > 0 || r() < 0.1) s += '.' + Array.from({ length: digits }, () => pick(r() < 0.3 ? '0' : '0123456789')).join('');
    s += r() < 0.95 ? 'Z' : pick('z+ ');
    if (r() < 0.1) { const i = Math.floor(r() * s.length); s = s.slice(0, i) + pick('0:-.TZx ') + s.slice(i + 1); }
    assert.ok(Object.is(eventTimeMs(s), Date.parse(s)), `${s}: ${eventTimeMs(s)} vs ${Date.parse(s)}`);
  }
});
