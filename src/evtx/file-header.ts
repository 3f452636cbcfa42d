/**
 * The 4 KiB EVTX file header (libyal EVTX notes §2.1 "File header"):
 *
 * | off | size | field |
 * |-----|------|-------|
 * | 0   | 8    | signature `ElfFile\0` |
 * | 8   | 8    | first chunk number |
 * | 16  | 8    | last chunk number |
 * | 24  | 8    | next record identifier |
 * | 32  | 4    | header size (128) |
 * | 36  | 2    | minor version (1 or 2) |
 * | 38  | 2    | major version (3) |
 * | 40  | 2    | header block size (4096) |
 * | 42  | 2    | number of chunks |
 * | 120 | 4    | file flags: 0x1 dirty, 0x2 full |
 * | 124 | 4    | CRC32 of bytes 0–119 |
 */
import { crc32 } from 'node:zlib';
import { hasSignature, u16, u32, u64n } from './bytes.js';

/** Size of the file header block; chunks start right after it. */
export const FILE_HEADER_SIZE = 4096;
/** The file signature at offset 0. */
export const FILE_SIGNATURE = 'ElfFile\0';

/**
 * Whether bytes start with the EVTX file signature (libyal EVTX notes §2 "File header"):
 * how inputs are recognised as EVTX, and the first check of a file header.
 */
export function isEvtxSignature(b: Uint8Array): boolean {
  return hasSignature(b, 0, FILE_SIGNATURE);
}
/** Size of every chunk. */
export const CHUNK_SIZE = 65536;
/** File flag: the file was not closed cleanly; header counters may lag the chunks. */
export const FLAG_DIRTY = 0x1;
/** File flag: the log reached its maximum size. */
export const FLAG_FULL = 0x2;

/** What the file header says, and whether it can be trusted. */
export interface EvtxFileHeader {
  readonly valid: boolean;
  readonly firstChunk: number;
  readonly lastChunk: number;
  readonly nextRecordId: number;
  readonly minorVersion: number;
  readonly majorVersion: number;
  readonly chunkCount: number;
  readonly flags: number;
  readonly dirty: boolean;
  readonly full: boolean;
  readonly checksum: number;
  readonly checksumOk: boolean;
  /** Problems found, each a sentence; empty for a well-formed header. */
  readonly problems: string[];
}

/**
 * Parses the file header from the first bytes of a file.
 *
 * @example
 * const h = parseFileHeader(fs.readFileSync('Security.evtx').subarray(0, 4096));
 * if (h.dirty) console.warn('file was not closed cleanly');
 */
export function parseFileHeader(b: Uint8Array): EvtxFileHeader {
  const problems: string[] = [];
  if (b.length < 128) {
    problems.push(`file is ${b.length} bytes, shorter than the 128-byte header`);
    return {
      valid: false, firstChunk: 0, lastChunk: 0, nextRecordId: 0, minorVersion: 0, majorVersion: 0,
      chunkCount: 0, flags: 0, dirty: false, full: false, checksum: 0, checksumOk: false, problems,
    };
  }
  const valid = isEvtxSignature(b);
  if (!valid) problems.push('missing ElfFile signature at offset 0');
  const checksum = u32(b, 124);
  const checksumOk = crc32(b.subarray(0, 120)) === checksum;
  if (valid && !checksumOk) problems.push(`file header CRC32 mismatch (stored 0x${checksum.toString(16)}, computed 0x${crc32(b.subarray(0, 120)).toString(16)})`);
  const majorVersion = u16(b, 38);
  if (valid && majorVersion !== 3) problems.push(`unexpected major version ${majorVersion} (expected 3)`);
  const flags = u32(b, 120);
  return {
    valid,
    firstChunk: u64n(b, 8),
    lastChunk: u64n(b, 16),
    nextRecordId: u64n(b, 24),
    minorVersion: u16(b, 36),
    majorVersion,
    chunkCount: u16(b, 42),
    flags,
    dirty: (flags & FLAG_DIRTY) !== 0,
    full: (flags & FLAG_FULL) !== 0,
    checksum,
    checksumOk,
    problems,
  };
}
