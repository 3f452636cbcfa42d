/**
 * Writing EVTX files (the reader's format notes in file-header.ts and chunk.ts apply).
 *
 * Each record's XML tree is split the way Windows does it: the skeleton — element and
 * attribute names, static text such as `Data Name`s — becomes a *template*, every typed
 * value becomes a substitution. A chunk defines each template inline on first use and
 * refers back to it afterwards; names are likewise written once per chunk and linked
 * from the chunk's 64-bucket string table, templates from its 32-bucket template table.
 * Chunk and file headers carry correct counters and CRC32s, so python-evtx, libevtx's
 * evtxexport and Haetae's reader all read the result.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { CHUNK_HEADER_SIZE } from './chunk.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, FILE_SIGNATURE } from './file-header.js';
import { ValueType as T, type XmlValue } from './xml-tree.js';

/** Nodes the writer accepts: elements, static text, and typed values (`literal`). */
export type WritableNode =
  | { readonly kind: 'element'; readonly name: string; readonly attributes: readonly { readonly name: string; readonly value: readonly WritableNode[] }[]; readonly children: readonly WritableNode[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly type: number; readonly value: unknown };

/** Grows a byte buffer; little-endian writers. */
class ByteBuilder {
  buf = new Uint8Array(4096);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v & 0xff; }
  u16(v: number): void { this.ensure(2); this.buf[this.length++] = v & 0xff; this.buf[this.length++] = (v >>> 8) & 0xff; }
  u32(v: number): void { this.ensure(4); for (let i = 0; i < 4; i++) this.buf[this.length++] = (v >>> (8 * i)) & 0xff; }
  u64(v: number | bigint): void {
    const b = BigInt.asUintN(64, BigInt(v));
    this.u32(Number(b & 0xffffffffn));
    this.u32(Number(b >> 32n));
  }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  utf16(s: string): void { this.ensure(s.length * 2); for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); this.buf[this.length++] = c & 0xff; this.buf[this.length++] = c >>> 8; } }
  patchU32(at: number, v: number): void { for (let i = 0; i < 4; i++) this.buf[at + i] = (v >>> (8 * i)) & 0xff; }
  view(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** Thrown for a value the writer cannot encode; the caller reports and skips the event. */
export class EvtxWriteError extends Error {}

function guidBytes(s: string): Uint8Array {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(s);
  if (!m) throw new EvtxWriteError(`not a GUID: ${s}`);
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, parseInt(m[1], 16), true);
  dv.setUint16(4, parseInt(m[2], 16), true);
  dv.setUint16(6, parseInt(m[3], 16), true);
  const tail = m[4] + m[5];
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(tail.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** ISO 8601 UTC → FILETIME ticks (digits beyond 100 ns are dropped). */
function fileTimeTicks(iso: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(iso);
  const ms = m ? Date.parse(m[1] + 'Z') : NaN;
  if (!m || Number.isNaN(ms)) throw new EvtxWriteError(`not an ISO 8601 UTC time: ${iso}`);
  const frac = BigInt((m[2] ?? '').slice(0, 7).padEnd(7, '0'));
  return (BigInt(ms) + 11644473600000n) * 10000n + frac;
}

function sidBytes(s: string): Uint8Array {
  const parts = s.split('-');
  if (parts[0] !== 'S' || parts.length < 3) throw new EvtxWriteError(`not a SID: ${s}`);
  const sub = parts.slice(3).map(Number);
  const out = new Uint8Array(8 + sub.length * 4);
  out[0] = Number(parts[1]);
  out[1] = sub.length;
  let auth = BigInt(parts[2]);
  for (let i = 7; i >= 2; i--) { out[i] = Number(auth & 0xffn); auth >>= 8n; }
  const dv = new DataView(out.buffer);
  sub.forEach((v, i) => dv.setUint32(8 + i * 4, v, true));
  return out;
}

/** Encodes one scalar of `type` into `b`. */
function encodeScalar(b: ByteBuilder, type: number, v: unknown): void {
  switch (type) {
    case T.Null: return;
    case T.String: b.utf16(String(v)); return;
    case T.Int8: case T.UInt8: b.u8(Number(v)); return;
    case T.Int16: case T.UInt16: b.u16(Number(v)); return;
    case T.Int32: case T.UInt32: b.u32(Number(v)); return;
    case T.Int64: case T.UInt64: b.u64(v as number | bigint); return;
    case T.Real32: { const x = new Uint8Array(4); new DataView(x.buffer).setFloat32(0, Number(v), true); b.bytes(x); return; }
    case T.Real64: { const x = new Uint8Array(8); new DataView(x.buffer).setFloat64(0, Number(v), true); b.bytes(x); return; }
    case T.Bool: b.u32(v ? 1 : 0); return;
    case T.Guid: b.bytes(guidBytes(String(v))); return;
    case T.FileTime: b.u64(fileTimeTicks(String(v))); return;
    case T.Sid: b.bytes(sidBytes(String(v))); return;
    case T.HexInt32: b.u32(Number(BigInt(String(v)))); return;
    case T.HexInt64: b.u64(BigInt(String(v))); return;
    case T.Binary: { const s = String(v); for (let i = 0; i + 1 < s.length; i += 2) b.u8(parseInt(s.slice(i, i + 2), 16)); return; }
    default: throw new EvtxWriteError(`cannot write value type 0x${type.toString(16)}`);
  }
}

/** Encodes a substitution value; returns its bytes. */
function encodeValue(type: number, v: unknown): Uint8Array {
  const b = new ByteBuilder();
  if (v === null || v === undefined) return b.view();
  if (type & T.Array) {
    const base = type & ~T.Array;
    for (const x of v as XmlValue[]) {
      encodeScalar(b, base, x);
      if (base === T.String) b.u16(0); // string arrays are NUL-separated
    }
  } else encodeScalar(b, type, v);
  if (b.length > 0xffff) throw new EvtxWriteError(`value of ${b.length} bytes exceeds the 65535-byte substitution limit`);
  return b.view();
}

/** The 16-bit name hash stored beside each name (lower 16 bits of hash × 65599 + char). */
function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 65599) + s.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** A template: the skeleton signature, and per substitution its type. */
interface TemplateShape {
  readonly signature: string;
  readonly guid: Uint8Array;
  readonly values: { type: number; value: unknown }[];
}

/** Walks a tree into its skeleton signature and substitution list. */
function shapeOf(nodes: readonly WritableNode[]): TemplateShape {
  const values: { type: number; value: unknown }[] = [];
  let sig = '';
  const walk = (ns: readonly WritableNode[]): void => {
    for (const n of ns) {
      if (n.kind === 'text') sig += `"${n.text.length}:${n.text}`;
      else if (n.kind === 'literal') { sig += `$${n.type},`; values.push({ type: n.value === null || n.value === undefined ? T.Null : n.type, value: n.value }); }
      else {
        sig += `<${n.name}`;
        for (const a of n.attributes) { sig += ` ${a.name}=`; walk(a.value); }
        sig += '>';
        walk(n.children);
        sig += '/';
      }
    }
  };
  walk(nodes);
  const guid = new Uint8Array(createHash('md5').update(sig).digest());
  return { signature: sig, guid, values };
}

/** Per-chunk state: the bytes being built and what has been defined in them. */
class ChunkBuilder {
  readonly b = new ByteBuilder();
  readonly names = new Map<string, number>();
  readonly templates = new Map<string, number>();
  readonly stringBuckets = new Uint32Array(64);
  readonly templateBuckets = new Uint32Array(32);
  firstRecordNumber = 0;
  lastRecordNumber = 0;
  firstRecordId = 0;
  lastRecordId = 0;
  lastRecordOffset = 0;
  records = 0;
  constructor() {
    this.b.bytes(new Uint8Array(CHUNK_HEADER_SIZE));
  }
}

/**
 * Writes EVTX files record by record, one 64 KiB chunk in memory at a time.
 *
 * @example
 * const w = new EvtxWriter('out.evtx');
 * for (const e of events) w.writeRecord(eventToXml(e));
 * w.close();
 */
export class EvtxWriter {
  private readonly fd: number;
  private chunk = new ChunkBuilder();
  private chunks = 0;
  private nextRecordId = 1;
  private closed = false;

  /** Opens (truncates) `path` and reserves the file header. */
  constructor(path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, new Uint8Array(FILE_HEADER_SIZE), 0, FILE_HEADER_SIZE, 0);
  }

  /** Records written so far. */
  get recordCount(): number {
    return this.nextRecordId - 1;
  }

  /**
   * Appends a record whose BinXML is `nodes` (normally one `<Event>` element).
   * `writtenTime` (ISO 8601 UTC) goes into the record header; default now.
   * Throws {@link EvtxWriteError} for values it cannot encode or a record larger than
   * a chunk; nothing is written for that record and the writer stays usable.
   */
  writeRecord(nodes: readonly WritableNode[], writtenTime?: string): void {
    if (this.closed) throw new EvtxWriteError('writer is closed');
    const shape = shapeOf(nodes);
    const encoded = shape.values.map((v) => encodeValue(v.type, v.value));
    try {
      this.writtenTicks = fileTimeTicks(writtenTime ?? '');
    } catch {
      this.writtenTicks = fileTimeTicks(new Date().toISOString()); // the header time is informational
    }
    let rec = this.encodeRecord(this.chunk, nodes, shape, encoded);
    // A record may not end exactly at the chunk end: libevtx then drops it. Windows never
    // fills a chunk to the last byte either.
    if (this.chunk.b.length + rec.length >= CHUNK_SIZE) {
      if (this.chunk.records === 0) throw new EvtxWriteError(`record of ${rec.length} bytes does not fit in a 64 KiB chunk`);
      this.flushChunk();
      rec = this.encodeRecord(this.chunk, nodes, shape, encoded);
      if (CHUNK_HEADER_SIZE + rec.length >= CHUNK_SIZE) throw new EvtxWriteError(`record of ${rec.length} bytes does not fit in a 64 KiB chunk`);
    }
    this.commitRecord(rec);
  }

  /**
   * Encodes a record as it would sit at the current end of `c`. Name and template
   * registrations are staged and only kept if the record fits (see commitRecord).
   */
  private pendingNames: [string, number, number][] = [];
  private writtenTicks = 0n;
  private pendingTemplate: [string, number, number] | null = null;

  private encodeRecord(c: ChunkBuilder, nodes: readonly WritableNode[], shape: TemplateShape, encoded: Uint8Array[]): Uint8Array {
    this.pendingNames = [];
    this.pendingTemplate = null;
    const start = c.b.length; // chunk offset of the record
    const r = new ByteBuilder();
    const rel = (): number => start + r.length; // chunk-relative offset of the next byte
    const recordId = this.nextRecordId;
    r.u32(0x00002a2a);
    r.u32(0); // size, patched
    r.u64(recordId);
    r.u64(this.writtenTicks);
    r.bytes(Uint8Array.of(0x0f, 0x01, 0x01, 0x00)); // fragment header
    r.u8(0x0c);
    r.u8(0x01);
    const templateId = shape.guid[0] | (shape.guid[1] << 8) | (shape.guid[2] << 16) | (shape.guid[3] << 24);
    r.u32(templateId >>> 0);
    const known = c.templates.get(shape.signature);
    if (known !== undefined) r.u32(known);
    else {
      const defOffset = rel() + 4;
      r.u32(defOffset);
      r.u32(0); // next template in bucket, patched on commit
      r.bytes(shape.guid);
      const sizeAt = r.length;
      r.u32(0);
      const dataStart = r.length;
      r.bytes(Uint8Array.of(0x0f, 0x01, 0x01, 0x00));
      let subst = 0;
      const names = new Map<string, number>();
      const writeName = (name: string): void => {
        const off = c.names.get(name) ?? names.get(name);
        if (off !== undefined) { r.u32(off); return; }
        const at = rel() + 4;
        r.u32(at);
        names.set(name, at);
        this.pendingNames.push([name, at, nameHash(name)]);
        r.u32(0); // next string in bucket, patched on commit
        r.u16(nameHash(name));
        r.u16(name.length);
        r.utf16(name);
        r.u16(0);
      };
      const writeNodes = (ns: readonly WritableNode[]): void => {
        for (const n of ns) {
          if (n.kind === 'text') {
            r.u8(0x05); r.u8(T.String); r.u16(n.text.length); r.utf16(n.text);
          } else if (n.kind === 'literal') {
            r.u8(0x0e); r.u16(subst); r.u8(shape.values[subst].type); subst++;
          } else {
            r.u8(n.attributes.length > 0 ? 0x41 : 0x01);
            r.u16(0xffff); // dependency identifier: none
            const elSizeAt = r.length;
            r.u32(0);
            writeName(n.name);
            let attrSizeAt = -1;
            if (n.attributes.length > 0) { attrSizeAt = r.length; r.u32(0); }
            const attrStart = r.length;
            n.attributes.forEach((a, i) => {
              r.u8(i < n.attributes.length - 1 ? 0x46 : 0x06);
              writeName(a.name);
              writeNodes(a.value);
            });
            if (attrSizeAt >= 0) r.patchU32(attrSizeAt, r.length - attrStart);
            if (n.children.length === 0) r.u8(0x03);
            else { r.u8(0x02); writeNodes(n.children); r.u8(0x04); }
            r.patchU32(elSizeAt, r.length - elSizeAt - 4);
          }
        }
      };
      writeNodes(nodes);
      r.u8(0x00); // end of template stream
      r.patchU32(sizeAt, r.length - dataStart);
      this.pendingTemplate = [shape.signature, defOffset, templateId >>> 0];
    }
    r.u32(encoded.length);
    for (let i = 0; i < encoded.length; i++) { r.u16(encoded[i].length); r.u8(shape.values[i].type); r.u8(0); }
    for (const v of encoded) r.bytes(v);
    r.u8(0x00); // end of record stream
    while ((r.length + 4) % 8 !== 0) r.u8(0); // keep records 8-byte aligned
    r.u32(0);
    r.patchU32(4, r.length);
    r.patchU32(r.length - 4, r.length);
    return r.view().slice();
  }

  private commitRecord(rec: Uint8Array): void {
    const c = this.chunk;
    const at = c.b.length;
    for (const [name, off, hash] of this.pendingNames) {
      c.names.set(name, off);
      const bucket = hash % 64;
      // Chain: the new name points at the bucket's previous head.
      new DataView(rec.buffer, rec.byteOffset).setUint32(off - at, c.stringBuckets[bucket], true);
      c.stringBuckets[bucket] = off;
    }
    if (this.pendingTemplate) {
      const [sig, off, id] = this.pendingTemplate;
      c.templates.set(sig, off);
      const bucket = id % 32;
      new DataView(rec.buffer, rec.byteOffset).setUint32(off - at, c.templateBuckets[bucket], true);
      c.templateBuckets[bucket] = off;
    }
    c.b.bytes(rec);
    const recordNumber = this.nextRecordId++;
    if (c.records === 0) { c.firstRecordNumber = recordNumber; c.firstRecordId = recordNumber; }
    c.lastRecordNumber = recordNumber;
    c.lastRecordId = recordNumber;
    c.lastRecordOffset = at;
    c.records++;
  }

  private flushChunk(): void {
    const c = this.chunk;
    if (c.records === 0) return;
    const out = new Uint8Array(CHUNK_SIZE);
    out.set(c.b.view());
    const dv = new DataView(out.buffer);
    out.set(new TextEncoder().encode('ElfChnk\0'), 0);
    dv.setBigUint64(8, BigInt(c.firstRecordNumber), true);
    dv.setBigUint64(16, BigInt(c.lastRecordNumber), true);
    dv.setBigUint64(24, BigInt(c.firstRecordId), true);
    dv.setBigUint64(32, BigInt(c.lastRecordId), true);
    dv.setUint32(40, 128, true);
    dv.setUint32(44, c.lastRecordOffset, true);
    dv.setUint32(48, c.b.length, true);
    dv.setUint32(52, crc32(out.subarray(CHUNK_HEADER_SIZE, c.b.length)), true);
    for (let i = 0; i < 64; i++) dv.setUint32(128 + i * 4, c.stringBuckets[i], true);
    for (let i = 0; i < 32; i++) dv.setUint32(384 + i * 4, c.templateBuckets[i], true);
    dv.setUint32(124, crc32(out.subarray(128, 512), crc32(out.subarray(0, 120))), true);
    writeSync(this.fd, out, 0, CHUNK_SIZE, FILE_HEADER_SIZE + this.chunks * CHUNK_SIZE);
    this.chunks++;
    this.chunk = new ChunkBuilder();
  }

  /** Flushes the last chunk, writes the file header (clean, with counts and CRC) and closes. */
  close(): void {
    if (this.closed) return;
    this.flushChunk();
    const h = new Uint8Array(FILE_HEADER_SIZE);
    const dv = new DataView(h.buffer);
    h.set(new TextEncoder().encode(FILE_SIGNATURE), 0);
    dv.setBigUint64(8, 0n, true);
    dv.setBigUint64(16, BigInt(Math.max(0, this.chunks - 1)), true);
    dv.setBigUint64(24, BigInt(this.nextRecordId), true);
    dv.setUint32(32, 128, true);
    dv.setUint16(36, 1, true);
    dv.setUint16(38, 3, true);
    dv.setUint16(40, FILE_HEADER_SIZE, true);
    dv.setUint16(42, Math.min(0xffff, this.chunks), true);
    dv.setUint32(120, 0, true);
    dv.setUint32(124, crc32(h.subarray(0, 120)), true);
    writeSync(this.fd, h, 0, FILE_HEADER_SIZE, 0);
    closeSync(this.fd);
    this.closed = true;
  }
}
