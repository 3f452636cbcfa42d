/**
 * Reading whole EVTX files: the header, then every 64 KiB chunk to the end of the
 * file. The chunk count in the file header is not used as a bound — a dirty file's
 * header lags the chunks actually written (python-evtx and Windows read to the end
 * too). Reads go through a fixed-size block buffer, so memory stays bounded whatever
 * the file size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CHUNK_HEADER_SIZE, decodeChunk, decodeChunkPrefix, type ChunkDecodeOptions, type DecodedChunk } from './chunk.js';
import { u32 } from './bytes.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseFileHeader, type EvtxFileHeader } from './file-header.js';

/** Chunks read per block: 64 × 64 KiB = 4 MiB per read call. */
const CHUNKS_PER_BLOCK = 64;

/** Number of chunk slots in a file of `size` bytes (a truncated tail counts as one). */
export function chunkSlots(size: number): number {
  return size <= FILE_HEADER_SIZE ? 0 : Math.ceil((size - FILE_HEADER_SIZE) / CHUNK_SIZE);
}

/**
 * Issues for the file header, reported as chunk -1. A file that ends before the chunks
 * its header counts was truncated (or copied while being written): that is reported,
 * since whole chunks are then missing without any other trace.
 */
export function headerChunk(header: EvtxFileHeader, fileSize: number): DecodedChunk {
  const issues = header.problems.map((reason) => ({ severity: header.valid ? 'warning' as const : 'error' as const, chunk: -1, offset: 0, reason }));
  const slots = chunkSlots(fileSize);
  if (header.valid && header.chunkCount > slots) {
    issues.push({ severity: 'error', chunk: -1, offset: fileSize, reason: `file ends after ${slots} chunk(s) but its header counts ${header.chunkCount}: truncated` });
  }
  return { index: -1, header: null, records: [], issues, fileSize };
}

/**
 * Decodes every chunk of an EVTX image held in memory. The first item describes the
 * file header (index -1, issues only).
 *
 * @example
 * for (const chunk of decodeEvtx(readFileSync('x.evtx'))) for (const r of chunk.records) …
 */
export function* decodeEvtx(buf: Uint8Array, options: ChunkDecodeOptions = {}): Generator<DecodedChunk> {
  const header = parseFileHeader(buf.subarray(0, FILE_HEADER_SIZE));
  yield headerChunk(header, buf.length);
  const slots = chunkSlots(buf.length);
  for (let i = 0; i < slots; i++) {
    const base = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    yield decodeChunk(buf, base, i, base, options);
  }
}

/** Options for reading a file. */
export interface EvtxFileReadOptions extends ChunkDecodeOptions {
  /** First chunk to decode (default 0). */
  readonly firstChunk?: number;
  /** Number of chunks to decode (default: to the end of the file). */
  readonly chunkCount?: number;
  /** Skip the header item (used by workers that decode a slice of a file). */
  readonly skipHeader?: boolean;
  /**
   * A descriptor of the file already open for reading (formats/source.ts `sniffOpen`):
   * the reader reads through it and closes it, instead of opening the path again.
   */
  readonly fd?: number;
}

/**
 * Streams the chunks of an EVTX file with bounded memory (one 4 MiB block at a time).
 * The first item (unless `skipHeader`) describes the file header. Reads as
 * {@link readEvtxFileSync} does (see {@link chunksOf}).
 *
 * File calls are synchronous, one block at a time between yields: through `fs/promises`
 * each file's `FileHandle.close()` alone took ~0.8 ms of this thread here (491 ms of a
 * hunt over 591 small logs), where synchronous open, read and close of all of them
 * took 10 ms; a 4 MiB read blocks the event loop for about a millisecond.
 *
 * @example
 * for await (const chunk of readEvtxFile('Security.evtx')) console.log(chunk.records.length);
 */
export async function* readEvtxFile(path: string, options: EvtxFileReadOptions = {}): AsyncGenerator<DecodedChunk> {
  let block: Buffer;
  try {
    block = freeBlocks.pop() ?? Buffer.allocUnsafe(BLOCK_SIZE);
  } catch (e) {
    if (options.fd !== undefined) closeSync(options.fd); // handed over, so ours to close
    throw e;
  }
  try {
    yield* chunksOf(path, options, block);
  } finally {
    if (freeBlocks.length < MAX_FREE_BLOCKS) freeBlocks.push(block);
  }
}

/** Bytes of a block buffer: the file header and {@link CHUNKS_PER_BLOCK} chunks. */
const BLOCK_SIZE = FILE_HEADER_SIZE + CHUNKS_PER_BLOCK * CHUNK_SIZE;

/**
 * Block buffers of {@link readEvtxFile}, reused from file to file: a hunt reads hundreds
 * of files, and a new block per file is external memory that only a GC returns. Several
 * generators may be open at once, so each takes its own block and gives it back when
 * done; decoded records hold no references into it (all strings are copied out).
 */
const freeBlocks: Buffer[] = [];
const MAX_FREE_BLOCKS = 2;

/**
 * Block buffer of {@link readEvtxFileSync}, reused across calls: it cannot be re-entered,
 * and allocating 4 MiB per small file costs more than decoding it.
 */
let syncBlock: Buffer | null = null;
const ZERO_HEADER = new Uint8Array(CHUNK_HEADER_SIZE);

/**
 * Bytes of the first chunk read together with the file header. Half of the corpus's
 * logs end their records within 9 KiB of their first chunk and three quarters within
 * 18 KiB; reading 16 KiB, then only up to the records' end, copies a fraction of the
 * 64 KiB (measured: about half the read time of a folder of small logs).
 */
const FIRST_CHUNK_READ = 16384;

/**
 * Decodes chunk 0 of a file of `size` bytes, of which `loaded` bytes are already in
 * `block` after the file header. A whole chunk is first decoded from its bytes up to
 * its free space offset (see {@link decodeChunkPrefix}); when that is not conclusive,
 * the rest is read and the chunk decoded as usual.
 */
function readFirstChunk(fd: number, block: Buffer, loaded: number, size: number, options: EvtxFileReadOptions): DecodedChunk {
  const present = Math.min(CHUNK_SIZE, size - FILE_HEADER_SIZE);
  let have = loaded;
  const more = (upTo: number): void => {
    if (upTo > have) have += readSync(fd, block, FILE_HEADER_SIZE + have, upTo - have, FILE_HEADER_SIZE + have);
  };
  if (have < present && present === CHUNK_SIZE && have >= CHUNK_HEADER_SIZE) {
    const freeSpaceOffset = u32(block, FILE_HEADER_SIZE + 48);
    if (freeSpaceOffset <= CHUNK_SIZE) {
      more(freeSpaceOffset);
      const chunk = decodeChunkPrefix(block, FILE_HEADER_SIZE, 0, FILE_HEADER_SIZE, have, options);
      if (chunk !== null) return chunk;
    }
  }
  more(present);
  return decodeChunk(block.subarray(0, FILE_HEADER_SIZE + have), FILE_HEADER_SIZE, 0, FILE_HEADER_SIZE, options);
}

/**
 * Synchronous counterpart of {@link readEvtxFile} for worker threads and benchmarks:
 * calls `onChunk` for each decoded chunk of the requested range.
 */
export function readEvtxFileSync(path: string, options: EvtxFileReadOptions, onChunk: (c: DecodedChunk) => void): void {
  syncBlock ??= Buffer.allocUnsafe(BLOCK_SIZE);
  for (const chunk of chunksOf(path, options, syncBlock)) onChunk(chunk);
}

/**
 * The chunks of the requested range of a file, read through `block` (owned by the
 * caller until the generator is done): the header and the start of the first chunk in
 * one read, then up to {@link CHUNKS_PER_BLOCK} chunks per read.
 *
 * Chunks past the count in the file header are usually pre-allocated and never written
 * (often sparse). They are still examined — a dirty file's header lags its chunks — but
 * by their 512-byte header first: a chunk whose header is all zero holds no records
 * (python-evtx and Windows bound records by the header's free-space offset), so the
 * rest of it is not read.
 */
function* chunksOf(path: string, options: EvtxFileReadOptions, block: Buffer): Generator<DecodedChunk> {
  const fd = options.fd ?? openSync(path, 'r');
  try {
    const first = options.firstChunk ?? 0;
    const end = options.chunkCount === undefined ? Infinity : first + options.chunkCount;
    let i = first;
    let declared = Infinity; // chunks the header counts; unknown unless it is read here
    let size = Infinity; // the file's size when its header was read; unknown unless that is done here
    if (!options.skipHeader) {
      // The header and the start of the first chunk come in one read: most evidence
      // files are small, and most of their one chunk is unused.
      const withChunk = first === 0 && end > 0;
      const want = FILE_HEADER_SIZE + (withChunk ? FIRST_CHUNK_READ : 0);
      const bytesRead = readSync(fd, block, 0, want, 0);
      const header = parseFileHeader(block.subarray(0, Math.min(bytesRead, FILE_HEADER_SIZE)));
      size = bytesRead < want ? bytesRead : fstatSync(fd).size;
      yield headerChunk(header, size);
      if (header.valid) declared = header.chunkCount;
      if (withChunk) {
        if (size > FILE_HEADER_SIZE) yield readFirstChunk(fd, block, bytesRead - FILE_HEADER_SIZE, size, options);
        i = 1;
      }
    }
    while (i < end) {
      const at = FILE_HEADER_SIZE + i * CHUNK_SIZE;
      // Nothing past the end (as it was when the header was read): a read there, a probe
      // after the last chunk of nine in ten corpus files, only returned 0 bytes.
      if (at >= size) break;
      if (i >= declared) {
        const probed = readSync(fd, block, 0, CHUNK_HEADER_SIZE, at);
        if (probed === 0) break;
        if (probed === CHUNK_HEADER_SIZE && Buffer.compare(block.subarray(0, CHUNK_HEADER_SIZE), ZERO_HEADER) === 0) { i++; continue; }
        const bytesRead = readSync(fd, block, 0, CHUNK_SIZE, at);
        yield decodeChunk(block.subarray(0, bytesRead), 0, i, at, options);
        if (bytesRead < CHUNK_SIZE) break;
        i++;
        continue;
      }
      const n = Math.min(CHUNKS_PER_BLOCK, end - i, declared - i);
      const bytesRead = readSync(fd, block, 0, n * CHUNK_SIZE, at);
      if (bytesRead === 0) break;
      const view = block.subarray(0, bytesRead);
      for (let k = 0; k < n && k * CHUNK_SIZE < bytesRead; k++) yield decodeChunk(view, k * CHUNK_SIZE, i + k, at + k * CHUNK_SIZE, options);
      if (bytesRead < n * CHUNK_SIZE) break;
      i += n;
    }
  } finally {
    closeSync(fd);
  }
}
