import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { crc32 } from 'node:zlib';
import { decodeChunk, decodeEvtx, type EvtxRecord } from './index.js';
import { usePlainRecordShapes } from './plain-record.js';
import { eventFromRecord, eventFromXml } from '../event/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

const json = (v: unknown): string => JSON.stringify(v, (k, x) => (k === 'template' ? undefined : typeof x === 'bigint' ? `${x}n` : x));

/** Every corpus record with a plain (template-less) record among its file's, decoded with `decode`. */
function plainFileRecords(decode: (r: EvtxRecord) => string): { lines: string[]; shaped: number } {
  const root = join(corpusRoot, 'evtx');
  const lines: string[] = [];
  let shaped = 0;
  for (const f of listFiles(root, /\.evtx$/i)) {
    const chunks = [...decodeEvtx(readFileSync(f))];
    if (!chunks.some((c) => c.records.some((r) => !(r.nodes.length === 1 && r.nodes[0].kind === 'instance')))) continue;
    for (const c of chunks) {
      for (const i of c.issues) lines.push(`${relative(root, f)}: ${i.reason}`);
      for (const r of c.records) {
        if (r.instance !== null && r.instance.template.guid === undefined) shaped++;
        lines.push(`${relative(root, f)} ${r.recordId} ${decode(r)}`);
      }
    }
  }
  return { lines, shaped };
}

test('records written without templates decode through their learnt structure exactly as through the generic decoder', () => {
  // The Event is built first, so that the node tree is built afterwards from the instance.
  const decode = (r: EvtxRecord): string => { const e = eventFromRecord(r); return json(e) + json(r.nodes) + json(eventFromXml(r.nodes)); };
  try {
    usePlainRecordShapes(false);
    const generic = plainFileRecords(decode);
    usePlainRecordShapes(true);
    const cold = plainFileRecords(decode);
    const warm = plainFileRecords(decode);
    assert.equal(generic.shaped, 0);
    // 1,287 plain records in 13 files; the first of each structure is learnt from decodeNodes' tree.
    assert.equal(generic.lines.length, 1287);
    assert.ok(cold.shaped >= 1250, `only ${cold.shaped} records took their structure's template`);
    assert.equal(cold.lines.length, generic.lines.length);
    for (let i = 0; i < generic.lines.length; i++) {
      assert.equal(cold.lines[i], generic.lines[i]);
      assert.equal(warm.lines[i], generic.lines[i], 'warm trie');
    }
  } finally {
    usePlainRecordShapes(true);
  }
});

/** An element of a hand-built plain record: name, attributes (name → text), and text or child elements. */
type Plain = { readonly name: string; readonly attrs?: Record<string, string>; readonly content?: string | readonly Plain[]; readonly cdata?: boolean };

/**
 * A 64 KiB chunk of plain BinXML records (MS-EVEN6 §2.2.12 tokens, re-serialised layout:
 * no dependency id), each name spelled inline at its first use in the chunk and referred
 * back to afterwards, as the re-serialising tools write them; CRCs correct.
 */
function plainChunk(records: readonly Plain[]): Uint8Array {
  const b = Buffer.alloc(65536);
  const names = new Map<string, number>();
  let p = 512;
  const u8 = (v: number): void => { b[p++] = v; };
  const u16 = (v: number): void => { b.writeUInt16LE(v, p); p += 2; };
  const u32 = (v: number): void => { b.writeUInt32LE(v, p); p += 4; };
  const chars = (s: string): void => { for (let i = 0; i < s.length; i++) u16(s.charCodeAt(i)); };
  const name = (s: string): void => {
    const known = names.get(s);
    if (known !== undefined) { u32(known); return; }
    names.set(s, p + 4);
    u32(p + 4);
    u32(0); u16(0); u16(s.length); chars(s); u16(0);
  };
  const element = (e: Plain): void => {
    const attrs = Object.entries(e.attrs ?? {});
    u8(attrs.length > 0 ? 0x41 : 0x01);
    u32(0); // data size, unused by readers
    name(e.name);
    if (attrs.length > 0) u32(0); // attribute list size
    attrs.forEach(([k, v], i) => { u8(i < attrs.length - 1 ? 0x46 : 0x06); name(k); u8(0x05); u8(0x01); u16(v.length); chars(v); });
    if (e.content === undefined) { u8(0x03); return; }
    u8(0x02);
    if (typeof e.content === 'string') {
      if (e.cdata) { u8(0x07); u16(e.content.length); chars(e.content); } else { u8(0x05); u8(0x01); u16(e.content.length); chars(e.content); }
    } else for (const c of e.content) element(c);
    u8(0x04);
  };
  records.forEach((r, i) => {
    const start = p;
    u32(0x2a2a); u32(0); u32(i + 1); u32(0); u32(0); u32(0); // signature, size (patched), record id, FILETIME
    u8(0x0f); u8(0x01); u8(0x01); u8(0x00); // fragment header
    element(r);
    u8(0x00);
    p += (8 - ((p + 4 - start) % 8)) % 8; // records are 8-byte aligned
    u32(p + 4 - start);
    b.writeUInt32LE(p - start, start + 4);
  });
  b.write('ElfChnk\0', 0, 'latin1');
  b.writeUInt32LE(records.length, 24); b.writeUInt32LE(records.length, 32); b.writeUInt32LE(128, 40); b.writeUInt32LE(p, 48);
  b.writeUInt32LE(crc32(b.subarray(512, p)), 52);
  b.writeUInt32LE(crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))), 124);
  return b;
}

const event = (id: string, data: readonly [string, string][], cdata = false): Plain => ({
  name: 'Event', attrs: { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, content: [
    { name: 'System', content: [{ name: 'Provider', attrs: { Name: 'Test-Provider' } }, { name: 'EventID', content: id }, { name: 'Computer', content: 'HOST1' }] },
    { name: 'EventData', content: data.map(([k, v]) => ({ name: 'Data', attrs: { Name: k }, content: v, cdata })) },
  ],
});

test('hand-built plain records: learnt once, then decoded through their structure; other shapes and tokens fall back', () => {
  const chunk = plainChunk([
    event('1', [['User', 'alice'], ['Port', '443']]),
    event('1', [['User', 'bob'], ['Port', '443']]), // same structure: through the learnt template
    event('2', [['User', 'carol'], ['Host', 'web']]), // another Data Name: another structure
    event('2', [['User', 'dave'], ['Host', 'db']]),
    event('3', [['User', 'eve']], true), // CDATA: not a plain token the walk knows
  ]);
  const decode = (): { lines: string[]; shaped: boolean[] } => {
    const c = decodeChunk(chunk, 0, 0, 4096);
    assert.deepEqual(c.issues, []);
    return {
      lines: c.records.map((r) => json(eventFromRecord(r)) + json(r.nodes)),
      shaped: c.records.map((r) => r.instance !== null && r.instance.template.guid === undefined && !Object.prototype.hasOwnProperty.call(r, 'nodes')),
    };
  };
  try {
    usePlainRecordShapes(false);
    const generic = decode();
    usePlainRecordShapes(true);
    const shapes = decode();
    assert.deepEqual(shapes.lines, generic.lines);
    assert.deepEqual(shapes.shaped, [false, true, false, true, false]);
    assert.deepEqual(generic.shaped, [false, false, false, false, false]);
    const e = eventFromRecord(decodeChunk(chunk, 0, 0, 4096).records[3]);
    assert.equal(e?.event_id, 2);
    assert.equal(e?.host, 'HOST1');
    assert.deepEqual(e?.data, { User: 'dave', Host: 'db' });
  } finally {
    usePlainRecordShapes(true);
  }
});
