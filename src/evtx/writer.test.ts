import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EvtxWriter, decodeEvtx, readEvtxFileSync } from './index.js';
import { eventFromXml, eventToXml, type Event } from '../event/index.js';
import { demoEvents } from '../demo/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'haetae-writer-'));

function writeEvents(name: string, events: Event[]): string {
  const path = join(dir, name);
  const w = new EvtxWriter(path);
  for (const e of events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  return path;
}

function readEvents(path: string): { events: Event[]; issues: string[]; chunks: number } {
  const events: Event[] = [];
  const issues: string[] = [];
  let chunks = 0;
  readEvtxFileSync(path, {}, (c) => {
    if (c.index >= 0) chunks++;
    for (const i of c.issues) issues.push(i.reason);
    for (const r of c.records) events.push(eventFromXml(r.nodes)!);
  });
  return { events, issues, chunks };
}

test('small fixture: events written and read back are identical', () => {
  const events = demoEvents({ count: 20 });
  const path = writeEvents('small.evtx', events);
  const back = readEvents(path);
  assert.deepEqual(back.issues, []);
  assert.equal(back.chunks, 1);
  assert.deepEqual(back.events, events);
});

test('large fixture spans many chunks with valid CRCs and counters', () => {
  const events = demoEvents({ count: 6000, seed: 7 });
  const path = writeEvents('large.evtx', events);
  const back = readEvents(path);
  assert.deepEqual(back.issues, []);
  assert.ok(back.chunks > 20, `expected many chunks, got ${back.chunks}`);
  assert.deepEqual(back.events, events);
  const bytes = readFileSync(path);
  const header = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(header.getUint16(42, true), back.chunks, 'file header chunk count');
  assert.equal(Number(header.getBigUint64(24, true)), 6001, 'next record id');
  for (let c = 0; c < back.chunks; c++) {
    const base = 4096 + c * 65536;
    const chunk = bytes.subarray(base, base + 65536);
    const cv = new DataView(chunk.buffer, chunk.byteOffset);
    assert.equal(cv.getUint32(124, true), crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), `chunk ${c} header CRC`);
    assert.equal(cv.getUint32(52, true), crc32(chunk.subarray(512, cv.getUint32(48, true))), `chunk ${c} records CRC`);
  }
});

test('written files are read by python-evtx and by libevtx evtxexport', () => {
  const events = demoEvents({ count: 3000, seed: 3 });
  const path = writeEvents('peers.evtx', events);
  const py = execFileSync('/usr/bin/python3', ['-c', [
    'import sys, Evtx.Evtx as E',
    'ids = []',
    'with E.Evtx(sys.argv[1]) as f:',
    '    for r in f.records():',
    '        x = r.xml()',
    '        ids.append(x[x.index("<EventRecordID>") + 15:x.index("</EventRecordID>")])',
    'print(len(ids), ids[0], ids[-1])',
  ].join('\n'), path], { encoding: 'utf8' });
  assert.equal(py.trim(), `3000 1 3000`);
  const xml = execFileSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(xml.match(/^<Event /gm)?.length, 3000, 'evtxexport event count');
  assert.match(xml, /<Data Name="ParentImage">C:\\Windows\\System32\\inetsrv\\w3wp.exe<\/Data>/);
});

test('real corpus events survive a write/read round trip', () => {
  const files = listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i).slice(0, 120);
  const original: Event[] = [];
  for (const f of files) for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) original.push(eventFromXml(r.nodes)!);
  const path = join(dir, 'corpus.evtx');
  const w = new EvtxWriter(path);
  const kept: Event[] = [];
  for (const e of original) {
    try { w.writeRecord(eventToXml(e), e._time); kept.push(e); } catch { /* reported by export; counted below */ }
  }
  w.close();
  assert.ok(kept.length >= original.length - 3, `${original.length - kept.length} events could not be written`);
  assert.deepEqual(readEvents(path).events, kept);
});

test('a dirty file whose header lags its chunks is read to the end', () => {
  const events = demoEvents({ count: 1500, seed: 5 });
  const path = writeEvents('dirty.evtx', events);
  const bytes = readFileSync(path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  dv.setUint16(42, 1, true); // header claims one chunk
  dv.setUint32(120, 1, true); // dirty
  dv.setUint32(124, crc32(bytes.subarray(0, 120)), true);
  writeFileSync(path, bytes);
  const back = readEvents(path);
  assert.ok(back.chunks > 1);
  assert.deepEqual(back.issues, []);
  assert.equal(back.events.length, 1500);
});

test('an event too large for a chunk is refused with a clear error and the writer goes on', () => {
  const [e, next] = demoEvents({ count: 2 });
  const path = join(dir, 'big.evtx');
  const w = new EvtxWriter(path);
  const huge = { ...e, data: { ...e.data, CommandLine: 'A'.repeat(30000), Extra: 'B'.repeat(20000) } };
  assert.throws(() => w.writeRecord(eventToXml(huge)), /record of \d+ bytes does not fit in a 64 KiB chunk/);
  const hugeValue = { ...e, data: { ...e.data, CommandLine: 'A'.repeat(40000) } };
  assert.throws(() => w.writeRecord(eventToXml(hugeValue)), /value of 80000 bytes exceeds the 65535-byte substitution limit/);
  w.writeRecord(eventToXml(next), next._time);
  w.close();
  assert.deepEqual(readEvents(path).events, [next]);
});
