import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NeedleIndex } from './needle-index.js';

function found(idx: NeedleIndex, text: string): number[] {
  const hits = new Set<number>();
  idx.search(text, (n) => hits.add(n));
  return [...hits].sort((a, b) => a - b);
}

test('finds every needle, overlapping ones and needles inside needles', () => {
  const idx = new NeedleIndex(['he', 'she', 'his', 'hers', '\\cmd.exe', 'cmd']);
  assert.deepEqual(found(idx, 'ushers'), [0, 1, 3]);
  assert.deepEqual(found(idx, 'c:\\windows\\system32\\cmd.exe'), [4, 5]);
  assert.deepEqual(found(idx, 'nothing here'), [0]);
  assert.deepEqual(found(idx, ''), []);
});

test('agrees with String.includes on random texts (non-ASCII too)', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const alphabet = 'abc\\.é中 ';
  const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
  const needles = Array.from({ length: 60 }, () => word(1 + rnd(5)));
  const idx = new NeedleIndex(needles);
  for (let i = 0; i < 300; i++) {
    const text = word(rnd(40)) + 'xyz\u{1F600}';
    const expected = needles.flatMap((n, id) => (text.includes(n) ? [id] : []));
    assert.deepEqual(found(idx, text), expected, text);
  }
});

test('with more distinct characters than classes, it never misses a needle', () => {
  const needles = Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + i, 0x4e00 + ((i * 7) % 400), 0x61 + (i % 26)));
  const idx = new NeedleIndex(needles);
  for (let i = 0; i < 400; i += 7) {
    const text = `x${needles[i]}y`;
    assert.ok(found(idx, text).includes(i), `needle ${i} found in ${text}`);
  }
});

test('reports are exact: characters sharing a class and long needles are checked in full', () => {
  const rare = Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x4e00 + i));
  const long = 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe';
  const idx = new NeedleIndex([...rare, long, `${long.slice(0, 20)}x`]);
  assert.deepEqual(found(idx, String.fromCharCode(0x4e00 + 299)), [299]);
  assert.deepEqual(found(idx, `run ${long} now`), [300]);
  assert.deepEqual(found(idx, `${long.slice(0, 30)}`), []);
  assert.deepEqual(found(idx, '1,2|3+4'), []);
});

test('agrees with String.includes where deep states fail over and over (long needles over two letters)', () => {
  let seed = 11;
  // The high bits: an LCG's lowest bit only alternates.
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >> 16) % n; };
  const word = (len: number): string => Array.from({ length: len }, () => 'ab'[rnd(2)]).join('');
  const needles = Array.from({ length: 40 }, () => word(3 + rnd(14)));
  const idx = new NeedleIndex(needles);
  for (let i = 0; i < 400; i++) {
    const text = word(rnd(60));
    const expected = needles.flatMap((n, id) => (text.includes(n) ? [id] : []));
    assert.deepEqual(found(idx, text), [...new Set(expected)].sort((a, b) => a - b), text);
  }
});

test('a few needles (searched one by one) are found as with more', () => {
  const idx = new NeedleIndex(['cmd', '\\cmd.exe', 'é中']);
  assert.deepEqual(found(idx, 'c:\\windows\\system32\\cmd.exe'), [0, 1]);
  assert.deepEqual(found(idx, 'xé中y'), [2]);
  assert.deepEqual(found(idx, 'cm d'), []);
});

test('searchAnyCase finds what search finds in the lowercased text (upper case, non-ASCII, Kelvin sign, dotted İ)', () => {
  let seed = 5;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >> 16) % n; };
  const lower = 'abz\\.é ki';
  const any = 'aAbBzZ\\.éÉ KkK\u212aiIİ';
  const word = (alphabet: string, len: number): string => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
  for (const count of [3, 50]) {
    const needles = Array.from({ length: count }, () => word(lower, 1 + rnd(9)).toLowerCase());
    const idx = new NeedleIndex(needles);
    for (let i = 0; i < 400; i++) {
      const text = i % 2 === 0 ? word('aAbBzZ\\. kK', rnd(40)) : word(any, rnd(40));
      const expected = found(idx, text.toLowerCase());
      const hits = new Set<number>();
      idx.searchAnyCase(text, (n) => hits.add(n));
      assert.deepEqual([...hits].sort((a, b) => a - b), expected, text);
    }
  }
});

test('texts ending more heads than a scan notes at once: every needle found, each case, ASCII or not', () => {
  // Each 'ab' ends a head, so these texts note far more ends than one batch holds.
  const needles = ['ab', 'abab', 'bab', 'zz', 'q\u00e9', 'x1', 'y2', 'w3'];
  const idx = new NeedleIndex(needles);
  const long = 'Ab'.repeat(40_000);
  for (const text of [`${long}zZ`, `${long}\u00e9zz`, `\u00c9${long}q\u00c9`]) {
    const lower = text.toLowerCase();
    const expected = needles.flatMap((n, id) => (lower.includes(n) ? [id] : []));
    const hits = new Set<number>();
    let reports = 0;
    idx.searchAnyCase(text, (n) => { hits.add(n); reports++; });
    assert.deepEqual([...hits].sort((a, b) => a - b), expected, text.slice(-4));
    // At most once per occurrence: an ASCII attempt that gives up has reported nothing.
    let occurrences = 0;
    for (const n of needles) for (let at = lower.indexOf(n); at !== -1; at = lower.indexOf(n, at + 1)) occurrences++;
    assert.ok(reports <= occurrences, `${reports} reports for ${occurrences} occurrences`);
  }
});
