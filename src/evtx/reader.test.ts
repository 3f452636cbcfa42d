import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { EvtxWriter, readEvtxFileSync, decodeEvtx, parseFileHeader } from './index.js';
import { eventFromXml, eventToXml, type Event } from '../event/index.js';
import { demoEvents } from '../demo/index.js';
import { fileTimeToIso, guidToString, sidToString } from './values.js';
import { corpusRoot, listFiles, projectRoot } from '../testing/corpus.js';

interface ReferenceCounts { files: Record<string, { records: number; error: string | null }> }

test('every corpus file decodes, with per-file record counts equal to python-evtx', () => {
  const root = join(corpusRoot, 'evtx');
  const reference = JSON.parse(readFileSync(join(projectRoot, 'test/reference/corpus-record-counts.json'), 'utf8')) as ReferenceCounts;
  const files = listFiles(root, /\.evtx$/i);
  assert.equal(files.length, Object.keys(reference.files).length, 'corpus file list differs from the reference (regenerate with scripts/evtx-reference-counts.py)');
  let total = 0;
  for (const f of files) {
    const key = relative(root, f).split('\\').join('/');
    const want = reference.files[key];
    assert.ok(want, `${key} is not in the reference counts`);
    let n = 0;
    const errors: string[] = [];
    readEvtxFileSync(f, {}, (c) => {
      n += c.records.length;
      for (const i of c.issues) if (i.severity === 'error') errors.push(i.reason);
    });
    assert.deepEqual(errors, [], `${key}: decoding errors`);
    assert.equal(n, want.records, `${key}: record count`);
    total += n;
  }
  assert.equal(total, 24645);
});

test('FILETIME converts exactly, with 7 fractional digits', () => {
  // 2019-03-19T23:34:25.2456503Z = 131975120652456503 ticks since 1601 (above 2^53: needs exact arithmetic)
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, 131975120652456503n, true);
  assert.equal(fileTimeToIso(b, 0), '2019-03-19T23:34:25.2456503Z');
  new DataView(b.buffer).setBigUint64(0, 0n, true);
  assert.equal(fileTimeToIso(b, 0), '1601-01-01T00:00:00.0000000Z');
});

test('FILETIME: times within one second, across seconds and across the low/high u32 boundary', () => {
  // fileTimeToIso remembers the last second; check it against an independent BigInt + Date
  // formatting on runs of nearby times, including seconds that straddle 2^32 ticks.
  const reference = (ticks: bigint): string => {
    const ms = ticks / 10000n - 11644473600000n;
    return new Date(Number(ms)).toISOString().slice(0, 20) + String(ticks % 10000000n).padStart(7, '0') + 'Z';
  };
  const b = new Uint8Array(8);
  const view = new DataView(b.buffer);
  const starts = [131975120652456503n, (1n << 32n) * 30765000n - 3n, (1n << 32n) * 30765000n + 9999998n, 132500000000000000n];
  const steps = [0n, 1n, 9999999n, 1n, 2n, 10000000n, 4999999n, 12345678n, 1n, 0n, 10000001n];
  for (const start of starts) {
    let t = start;
    for (const step of steps) {
      t += step;
      view.setBigUint64(0, t, true);
      assert.equal(fileTimeToIso(b, 0), reference(t), `ticks ${t}`);
    }
    for (const back of [1n, 10000000n, 3n]) {
      t -= back;
      view.setBigUint64(0, t, true);
      assert.equal(fileTimeToIso(b, 0), reference(t), `ticks ${t}`);
    }
  }
});

test('GUID and SID decode as Windows formats them', () => {
  const g = Uint8Array.from([0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]);
  assert.equal(guidToString(g, 0), '5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  const sid = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]);
  assert.deepEqual(sidToString(sid, 0, sid.length), { sid: 'S-1-5-18', length: 12 });
  assert.throws(() => sidToString(Uint8Array.from([1, 5, 0, 0, 0, 0, 0, 5]), 0, 8), /sub-authorities/);
});

test('file header: flags, version and CRC are read and checked', () => {
  const h = new Uint8Array(4096);
  h.set(new TextEncoder().encode('ElfFile\0'));
  const dv = new DataView(h.buffer);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(42, 7, true);
  dv.setUint32(120, 0x3, true);
  dv.setUint32(124, crc32(h.subarray(0, 120)), true);
  const ok = parseFileHeader(h);
  assert.deepEqual([ok.valid, ok.dirty, ok.full, ok.chunkCount, ok.checksumOk, ok.problems], [true, true, true, 7, true, []]);
  h[50] ^= 1;
  const bad = parseFileHeader(h);
  assert.equal(bad.checksumOk, false);
  assert.match(bad.problems.join(), /CRC32 mismatch/);
});

test('a file that is not EVTX yields an error, not an exception', () => {
  const chunks = [...decodeEvtx(new TextEncoder().encode('hello, this is not an event log'))];
  assert.equal(chunks.length, 1);
  assert.match(chunks[0].issues[0].reason, /shorter than the 128-byte header/);
  const junk = new Uint8Array(4096 + 65536).fill(0x41);
  const decoded = [...decodeEvtx(junk)];
  assert.match(decoded[0].issues[0].reason, /missing ElfFile signature/);
  assert.match(decoded[1].issues[0].reason, /chunk signature ElfChnk missing/);
  assert.equal(decoded[1].issues[0].offset, 4096);
});

test('templates reused across chunks and files decode exactly as when parsed in each chunk', async () => {
  const { useTemplateCache } = await import('./binxml.js');
  const { recordToEvtxJson } = await import('./render-json.js');
  const files = listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i);
  const render = (): string[] => {
    const out: string[] = [];
    for (const f of files) for (const c of decodeEvtx(readFileSync(f))) {
      for (const i of c.issues) out.push(`${f}: ${i.reason}`);
      for (const r of c.records) out.push(recordToEvtxJson(r.nodes));
    }
    return out;
  };
  useTemplateCache(false);
  const parsedEveryTime = render();
  useTemplateCache(true);
  const cold = render();
  const warm = render();
  assert.equal(cold.length, parsedEveryTime.length);
  for (let i = 0; i < cold.length; i++) {
    assert.equal(cold[i], parsedEveryTime[i], `line ${i}`);
    assert.equal(warm[i], parsedEveryTime[i], `line ${i} (warm cache)`);
  }
});

test('template strings decode run by run: ASCII strings stay one-byte V8 strings next to non-Latin-1 ones', () => {
  // The decoder slices each string out of the text of its run (string values back to
  // back); a run holding a non-Latin-1 string is two-byte, the others must stay one-byte.
  // The V8 serializer tags one-byte strings 0x22 and two-byte ones 0x63.
  const oneByte = (s: string): boolean => serialize(s)[2] === 0x22;
  const [base] = demoEvents({ count: 1 });
  const data = { Before: 'plain ascii', Count: 7, Greek: 'Ωμέγα', Port: 443, First: 'C:\\Windows\\System32\\cmd.exe', Second: 'second run string', Flag: true, Last: 'x' };
  const dir = mkdtempSync(join(tmpdir(), 'haetae-runs-'));
  const path = join(dir, 'runs.evtx');
  const w = new EvtxWriter(path);
  w.writeRecord(eventToXml({ ...base, data }), base._time);
  w.close();
  const events: Event[] = [];
  readEvtxFileSync(path, {}, (c) => { for (const r of c.records) events.push(eventFromXml(r.nodes)!); });
  assert.equal(events.length, 1);
  const e = events[0];
  for (const [k, v] of Object.entries(data)) assert.equal(e.data[k], v, k);
  for (const k of ['Before', 'First', 'Second', 'Last']) assert.ok(oneByte(e.data[k] as string), `${k} is one-byte`);
  assert.ok(!oneByte(e.data.Greek as string));
  for (const s of [e.host, e.channel, e.provider]) assert.ok(oneByte(s), `${s} is one-byte`);
});
