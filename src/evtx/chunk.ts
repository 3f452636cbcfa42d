/**
 * One 64 KiB chunk (libyal EVTX notes §3 "Chunk"):
 *
 * | off | size | field |
 * |-----|------|-------|
 * | 0   | 8    | signature `ElfChnk\0` |
 * | 8   | 8    | first event record number |
 * | 16  | 8    | last event record number |
 * | 24  | 8    | first event record identifier |
 * | 32  | 8    | last event record identifier |
 * | 40  | 4    | header size (128) |
 * | 44  | 4    | last event record offset |
 * | 48  | 4    | free space offset (end of the records) |
 * | 52  | 4    | CRC32 of the records (bytes 512 … free space offset) |
 * | 124 | 4    | CRC32 of bytes 0–119 and 128–511 |
 * | 128 | 256  | common string offsets (64 buckets) |
 * | 384 | 128  | template offsets (32 buckets) |
 * | 512 | …    | event records |
 *
 * An event record: u32 signature 0x00002a2a, u32 size, u64 record id, u64 FILETIME
 * written, BinXML, u32 copy of size.
 *
 * Records are enumerated like python-evtx and the Windows reader: from 512 while the
 * offset is below the free space offset, following each record's size. The chunk
 * header's record numbers are not trusted as a bound (a dirty file's header lags its
 * records), and a record that fails is skipped by resynchronising on the next
 * record signature instead of abandoning the chunk.
 */
import { crc32 } from 'node:zlib';
import { chunkContext, decodeSoleInstance, type ChunkContext } from './binxml.js';
import { asBuffer, EvtxFormatError, hasSignature, u32, u64n } from './bytes.js';
import { CHUNK_SIZE } from './file-header.js';
import { decodePlainRecord } from './plain-record.js';
import type { XmlNode, XmlTemplateInstance } from './xml-tree.js';

/** Offset of the first record in a chunk. */
export const CHUNK_HEADER_SIZE = 512;
/** Smallest possible record: 24-byte header + 4-byte trailing size. */
const MIN_RECORD_SIZE = 28;
const RECORD_SIGNATURE = 0x00002a2a;

/** A decoded event record. */
export interface EvtxRecord {
  /** EventRecordID from the record header. */
  readonly recordId: number;
  /** Index of the chunk in the file (0 = the chunk right after the file header). */
  readonly chunk: number;
  /** Offset of the record in the file. */
  readonly offset: number;
  /**
   * The record's BinXML: normally one template instance whose root is `<Event>`. For a
   * record written without templates, the plain tree, built on first access.
   */
  readonly nodes: XmlNode[];
  /**
   * The record as one template instance, when it is one: its own (`nodes` is then
   * `[instance]`), or for a record written without templates an instance of the
   * synthetic template of its structure (see plain-record.ts). Event builders read
   * this rather than `nodes`, which such records then never build. Null otherwise.
   */
  readonly instance: XmlTemplateInstance | null;
}

/** Something skipped or suspicious, precise enough to find it with a hex editor. */
export interface EvtxIssue {
  readonly severity: 'warning' | 'error';
  /** Chunk index, or -1 for the file header. */
  readonly chunk: number;
  /** File offset of the problem. */
  readonly offset: number;
  readonly recordId?: number;
  readonly reason: string;
}

/** The chunk header fields that matter to readers and reports. */
export interface ChunkHeader {
  readonly firstRecordNumber: number;
  readonly lastRecordNumber: number;
  readonly firstRecordId: number;
  readonly lastRecordId: number;
  readonly lastRecordOffset: number;
  readonly freeSpaceOffset: number;
  readonly headerChecksumOk: boolean;
  readonly dataChecksumOk: boolean;
}

/** Result of decoding a chunk. */
export interface DecodedChunk {
  readonly index: number;
  /** Null when the chunk is not a chunk (no signature): unused space, or garbage. */
  readonly header: ChunkHeader | null;
  readonly records: EvtxRecord[];
  readonly issues: EvtxIssue[];
  /** On the file header's item (index -1): the file's size in bytes. */
  readonly fileSize?: number;
}

/** Options for chunk decoding. */
export interface ChunkDecodeOptions {
  /** Skip chunks whose header or record CRC32 does not match (default: decode, warn). */
  readonly strictChecksums?: boolean;
}

const ZEROS = new Uint8Array(CHUNK_SIZE);

/** True when `b[base, end)` is entirely zero (a pre-allocated chunk never written). */
function isZeroed(b: Uint8Array, base: number, end: number): boolean {
  return Buffer.compare(ZEROS.subarray(0, end - base), b.subarray(base, end)) === 0;
}

/**
 * Decodes the chunk occupying `buf[base, base + 65536)` (a shorter tail is tolerated
 * for truncated files). Never throws: every problem becomes an {@link EvtxIssue}.
 *
 * @example
 * const c = decodeChunk(fileBytes, 4096, 0, 4096);
 * for (const r of c.records) console.log(r.recordId);
 */
export function decodeChunk(bytes: Uint8Array, base: number, index: number, fileOffset: number, options: ChunkDecodeOptions = {}): DecodedChunk {
  return decodeChunkIn(bytes, base, index, fileOffset, options, Math.min(bytes.length, base + CHUNK_SIZE), false)!;
}

/**
 * Decodes a whole (65,536-byte) chunk of which only the first `loaded` bytes are in
 * `bytes`, `loaded` covering at least its records (the header's free space offset).
 * Small logs use a fraction of their chunk, and copying the unused rest from the page
 * cache costs more than decoding the records.
 *
 * Returns null, and the caller must load the whole chunk and call {@link decodeChunk},
 * unless the chunk decodes without any issue. Every read of the decoder is bounded by
 * the end it is given, so an issue-free decode of the prefix touched no byte past it
 * and is exactly what the whole chunk gives; anything unusual (a record or name past
 * the prefix, a bad checksum, no signature) is left to the full decode, which reports it.
 */
export function decodeChunkPrefix(bytes: Uint8Array, base: number, index: number, fileOffset: number, loaded: number, options: ChunkDecodeOptions = {}): DecodedChunk | null {
  return decodeChunkIn(bytes, base, index, fileOffset, options, Math.min(bytes.length, base + loaded), true);
}

/**
 * The chunk decoder. `end` is where the chunk's bytes in `bytes` stop: the chunk's end
 * (or the file's, when truncated), or with `prefix` the end of the loaded part of a
 * whole chunk; then null is returned as soon as an issue shows (see {@link decodeChunkPrefix}).
 */
function decodeChunkIn(bytes: Uint8Array, base: number, index: number, fileOffset: number, options: ChunkDecodeOptions, end: number, prefix: boolean): DecodedChunk | null {
  const buf = asBuffer(bytes);
  const issues: EvtxIssue[] = [];
  const records: EvtxRecord[] = [];
  if (prefix && (end - base < CHUNK_HEADER_SIZE || !hasSignature(buf, base, 'ElfChnk\0') || u32(buf, base + 48) > end - base)) return null;
  const at = (o: number): number => fileOffset + (o - base);
  const issue = (severity: EvtxIssue['severity'], o: number, reason: string, recordId?: number): void => {
    issues.push(recordId === undefined ? { severity, chunk: index, offset: at(o), reason } : { severity, chunk: index, offset: at(o), recordId, reason });
  };
  if (end - base < CHUNK_HEADER_SIZE) {
    if (!isZeroed(buf, base, end)) issue('error', base, `truncated chunk: ${end - base} bytes, less than its 512-byte header`);
    return { index, header: null, records, issues };
  }
  if (!hasSignature(buf, base, 'ElfChnk\0')) {
    if (!isZeroed(buf, base, end)) issue('error', base, 'chunk signature ElfChnk missing; chunk skipped');
    return { index, header: null, records, issues };
  }
  if (end - base < CHUNK_SIZE && !prefix) issue('warning', end, `truncated chunk: ${end - base} of ${CHUNK_SIZE} bytes present`);

  const freeSpaceOffset = u32(buf, base + 48);
  const storedHeaderCrc = u32(buf, base + 124);
  const headerCrc = crc32(buf.subarray(base + 128, base + 512), crc32(buf.subarray(base, base + 120)));
  const headerChecksumOk = headerCrc === storedHeaderCrc;
  const recordsEnd = Math.min(end, base + Math.max(CHUNK_HEADER_SIZE, freeSpaceOffset));
  if (freeSpaceOffset > CHUNK_SIZE || freeSpaceOffset < CHUNK_HEADER_SIZE) {
    issue('warning', base + 48, `free space offset ${freeSpaceOffset} outside [512, 65536]`);
  }
  const storedDataCrc = u32(buf, base + 52);
  const dataChecksumOk = crc32(buf.subarray(base + CHUNK_HEADER_SIZE, recordsEnd)) === storedDataCrc;
  const header: ChunkHeader = {
    firstRecordNumber: u64n(buf, base + 8),
    lastRecordNumber: u64n(buf, base + 16),
    firstRecordId: u64n(buf, base + 24),
    lastRecordId: u64n(buf, base + 32),
    lastRecordOffset: u32(buf, base + 44),
    freeSpaceOffset,
    headerChecksumOk,
    dataChecksumOk,
  };
  if (!headerChecksumOk) issue(options.strictChecksums ? 'error' : 'warning', base + 124, `chunk header CRC32 mismatch (stored 0x${storedHeaderCrc.toString(16)}, computed 0x${headerCrc.toString(16)})`);
  if (!dataChecksumOk) issue(options.strictChecksums ? 'error' : 'warning', base + 52, `chunk records CRC32 mismatch (stored 0x${storedDataCrc.toString(16)})`);
  if (prefix && issues.length > 0) return null;
  if (options.strictChecksums && (!headerChecksumOk || !dataChecksumOk)) return { index, header, records, issues };

  const ctx = chunkContext(buf, base, end);
  let p = base + CHUNK_HEADER_SIZE;
  while (p < recordsEnd) {
    const size = p + 8 <= end ? u32(buf, p + 4) : 0;
    if (p + 8 > end || u32(buf, p) !== RECORD_SIGNATURE || size < MIN_RECORD_SIZE || p + size > end || u32(buf, p + size - 4) !== size) {
      const why = p + 8 > end ? 'record header past chunk end'
        : u32(buf, p) !== RECORD_SIGNATURE ? 'record signature 0x2a2a missing'
          : size < MIN_RECORD_SIZE || p + size > end ? `record size ${size} impossible`
            : `record size ${size} does not match its trailing copy ${u32(buf, p + size - 4)}`;
      const next = resync(buf, p + 4, recordsEnd);
      issue('error', p, `${why}; skipped ${next - p} bytes to the next record signature`);
      p = next;
      continue;
    }
    const recordId = u64n(buf, p + 8);
    try {
      records.push(decodeRecord(ctx, p + 24, p + size - 4, recordId, index, at(p)));
    } catch (e) {
      if (!(e instanceof EvtxFormatError)) throw e;
      issue('error', base + e.offset, `record ${recordId} skipped: ${e.message}`, recordId);
    }
    p += size;
  }
  if (prefix && issues.length > 0) return null;
  return { index, header, records, issues };
}

/** Decodes a record's BinXML `[start, end)`: a template instance (nearly always), else through plain-record.ts. */
function decodeRecord(ctx: ChunkContext, start: number, end: number, recordId: number, chunk: number, offset: number): EvtxRecord {
  const instance = decodeSoleInstance(ctx, start, end, 0);
  if (instance !== null) return { recordId, chunk, offset, nodes: [instance], instance };
  return decodePlainRecord(ctx, start, end, recordId, chunk, offset);
}

/** Finds the next 8-byte-aligned record signature at or after `from`, or `end`. */
function resync(b: Uint8Array, from: number, end: number): number {
  for (let p = (from + 7) & ~7; p + 8 <= end; p += 8) {
    if (b[p] === 0x2a && b[p + 1] === 0x2a && b[p + 2] === 0 && b[p + 3] === 0) return p;
  }
  return end;
}
