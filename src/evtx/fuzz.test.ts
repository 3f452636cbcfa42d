/**
 * Fuzzing the reader: thousands of mutations of real and writer-made files (bit flips,
 * truncation, garbage chunks, huge sizes in headers, zeroed regions). The reader and
 * every renderer must never throw, never hang, never hold more than a bounded amount
 * of memory, and must report what they skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvtxWriter, decodeEvtx, recordToEvtxJson, recordToXml } from './index.js';
import { eventFromXml, eventToXml } from '../event/index.js';
import { demoEvents, prng } from '../demo/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

type Mutation = (b: Uint8Array, r: () => number) => Uint8Array;

const pick = (r: () => number, n: number): number => Math.floor(r() * n);
const chunkBase = (b: Uint8Array, r: () => number): number => 4096 + 65536 * pick(r, Math.max(1, Math.floor((b.length - 4096) / 65536)));
const setU32 = (b: Uint8Array, o: number, v: number): void => { if (o + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(o, v >>> 0, true); };
const setU16 = (b: Uint8Array, o: number, v: number): void => { if (o + 2 <= b.length) new DataView(b.buffer, b.byteOffset).setUint16(o, v & 0xffff, true); };
const HUGE = [0xffffffff, 0x7fffffff, 0x10000, 0xfffff, 65535, 0x80000000];

/** Offsets of record starts (signature `**\0\0`) in a chunk. */
function recordOffsets(b: Uint8Array, base: number): number[] {
  const out: number[] = [];
  for (let p = base + 512; p + 8 <= Math.min(b.length, base + 65536); p += 8) if (b[p] === 0x2a && b[p + 1] === 0x2a && b[p + 2] === 0 && b[p + 3] === 0) out.push(p);
  return out;
}

const MUTATIONS: Record<string, Mutation> = {
  bitFlips: (b, r) => { const n = 1 + pick(r, 40); for (let i = 0; i < n; i++) b[pick(r, b.length)] ^= 1 << pick(r, 8); return b; },
  byteNoise: (b, r) => { const at = pick(r, b.length); for (let i = 0; i < 64 && at + i < b.length; i++) b[at + i] = pick(r, 256); return b; },
  truncate: (b, r) => b.subarray(0, pick(r, b.length)),
  garbageChunk: (b, r) => { const base = chunkBase(b, r); for (let i = base; i < Math.min(b.length, base + 65536); i++) b[i] = pick(r, 256); return b; },
  zeroRegion: (b, r) => { const at = pick(r, b.length); b.fill(0, at, at + pick(r, 4096)); return b; },
  hugeRecordSize: (b, r) => { const recs = recordOffsets(b, chunkBase(b, r)); if (recs.length) setU32(b, recs[pick(r, recs.length)] + 4, HUGE[pick(r, HUGE.length)]); return b; },
  hugeFreeSpace: (b, r) => { setU32(b, chunkBase(b, r) + 48, HUGE[pick(r, HUGE.length)]); return b; },
  hugeHeaderCounts: (b, r) => { setU16(b, 42, 0xffff); setU32(b, 24, HUGE[pick(r, HUGE.length)]); return b; },
  /** Overwrites a dword somewhere inside a record's BinXML: name offsets, template sizes, value counts. */
  hugeBinXmlField: (b, r) => {
    const recs = recordOffsets(b, chunkBase(b, r));
    if (recs.length) { const p = recs[pick(r, recs.length)]; setU32(b, p + 24 + pick(r, 600), HUGE[pick(r, HUGE.length)]); }
    return b;
  },
  hugeU16Field: (b, r) => {
    const recs = recordOffsets(b, chunkBase(b, r));
    if (recs.length) { const p = recs[pick(r, recs.length)]; setU16(b, p + 24 + pick(r, 1200), 0xffff); }
    return b;
  },
};

/** Decodes and renders everything; returns counts. Any exception fails the test. */
function exercise(bytes: Uint8Array): { records: number; issues: number; rendered: number } {
  let records = 0;
  let issues = 0;
  let rendered = 0;
  for (const chunk of decodeEvtx(bytes)) {
    issues += chunk.issues.length;
    for (const r of chunk.records) {
      records++;
      rendered += recordToEvtxJson(r.nodes).length + recordToXml(r.nodes).length;
      const e = eventFromXml(r.nodes);
      if (e) rendered += JSON.stringify(e).length;
    }
  }
  return { records, issues, rendered };
}

function sources(): { name: string; bytes: Uint8Array }[] {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-fuzz-'));
  const path = join(dir, 'fixture.evtx');
  const w = new EvtxWriter(path);
  for (const e of demoEvents({ count: 400, seed: 11 })) w.writeRecord(eventToXml(e), e._time);
  w.close();
  const real = listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)
    .filter((f) => statSync(f).size <= 4096 + 65536 * 3)
    .filter((_, i) => i % 40 === 0)
    .slice(0, 8);
  return [{ name: 'writer fixture', bytes: readFileSync(path) }, ...real.map((f) => ({ name: f, bytes: readFileSync(f) }))];
}

test('fuzz: mutated files never throw, hang or blow up memory, and skipped data is reported', { timeout: 600_000 }, () => {
  const r = prng(20260522);
  const inputs = sources();
  assert.ok(inputs.length >= 5);
  const baseline = inputs.map((s) => exercise(s.bytes));
  const names = Object.keys(MUTATIONS);
  const iterations = 3000;
  let worstMs = 0;
  let peakHeap = 0;
  let lossesReported = 0;
  for (let i = 0; i < iterations; i++) {
    const k = i % inputs.length;
    const mutation = names[pick(r, names.length)];
    const mutated = MUTATIONS[mutation](Uint8Array.from(inputs[k].bytes), r);
    const t0 = performance.now();
    let result: ReturnType<typeof exercise>;
    try {
      result = exercise(mutated);
    } catch (e) {
      assert.fail(`${mutation} #${i} on ${inputs[k].name} threw: ${(e as Error).stack}`);
    }
    const ms = performance.now() - t0;
    worstMs = Math.max(worstMs, ms);
    assert.ok(ms < 5000, `${mutation} #${i} on ${inputs[k].name} took ${ms.toFixed(0)} ms`);
    // Records cannot outnumber the bytes that could hold them (28 bytes at least each).
    assert.ok(result.records <= mutated.length / 28 + 1);
    // Rendered output stays proportional to the input (no amplification bombs).
    assert.ok(result.rendered <= 400 * mutated.length + 1_000_000, `${mutation} #${i}: ${result.rendered} chars rendered from ${mutated.length} bytes`);
    if (result.records < baseline[k].records) {
      assert.ok(result.issues > 0, `${mutation} #${i} on ${inputs[k].name}: ${baseline[k].records - result.records} records lost without a report`);
      lossesReported++;
    }
    if (i % 100 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  if (process.env.HAETAE_FUZZ_STATS) console.error({ worstMs, peakHeap, lossesReported });
  assert.ok(peakHeap < 1024 * 1024 * 1024, `heap peaked at ${(peakHeap / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(lossesReported > 100, `expected many mutations to lose records (and report it), saw ${lossesReported}`);
});
