/**
 * Reading text inputs as streams: gzip is undone by content (magic bytes, not the file
 * name), the encoding is found from the byte-order mark (UTF-8, UTF-16LE/BE) or, without
 * one, from NUL bytes in the first characters (UTF-16 written by PowerShell 5 and Event
 * Viewer), and lines are cut with a length bound so that a 1 GB line costs no memory.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { isEvtxSignature } from '../evtx/file-header.js';

/** The encodings Haetae reads text inputs in. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** What the first bytes of a file say about it. */
export interface Sniffed {
  readonly gzip: boolean;
  readonly encoding: TextEncoding;
  /** The first characters of the (decompressed, decoded) content, BOM removed. */
  readonly head: string;
  /** The first bytes of the decompressed content (for binary magic like `ElfFile`). */
  readonly headBytes: Buffer;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** Enough to recognise every format: an NXLog line's first keys, an XML prolog and root. */
const SNIFF_BYTES = 64 * 1024;
/** Head read first: under Node's pool threshold (half of `Buffer.poolSize`), so it is not an ArrayBuffer of its own. */
const EVTX_SNIFF_BYTES = 2048;

/** How far reading a file has got, in bytes of the file itself (compressed, for gzip). */
export interface ReadMeter { bytesRead: () => number }

/** Opens a file's byte stream, gunzipped when the content is gzip; `meter` learns the bytes read. */
export function openBytes(path: string, gzip: boolean, meter?: ReadMeter): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (meter) meter.bytesRead = () => raw.bytesRead;
  if (!gzip) return raw;
  // Output chunks as large as the file reads (zlib's default is 16 KiB): fewer batches, and fewer lines
  // cut across two chunks (which are copied to be joined).
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  // Destroying the gunzip stream (a reader that stops early, like the sniffer) does not
  // end the file stream piped into it: its descriptor was never closed, not even by a GC.
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

function startsWith(b: Buffer, magic: readonly number[]): boolean {
  return magic.every((x, i) => b[i] === x);
}

/** Encoding from a BOM, or from where the NULs fall in the first bytes. Returns the BOM length too. */
export function detectEncoding(b: Buffer): [TextEncoding, number] {
  if (startsWith(b, [0xef, 0xbb, 0xbf])) return ['utf-8', 3];
  if (startsWith(b, [0xff, 0xfe])) return ['utf-16le', 2];
  if (startsWith(b, [0xfe, 0xff])) return ['utf-16be', 2];
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return ['utf-16le', 0];
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return ['utf-16be', 0];
  return ['utf-8', 0];
}

/**
 * Reads the first bytes of a file (decompressing gzip) and tells what it holds.
 * Throws (with the file's name) when the file cannot be read.
 */
export async function sniff(path: string): Promise<Sniffed> {
  const { sniffed, fd } = await sniffOpen(path);
  closeSync(fd);
  return sniffed;
}

/**
 * {@link sniff}, leaving the file open: the caller owns `fd` and must close it. An EVTX
 * reader takes it over (`EvtxFileReadOptions.fd`): opening and closing each file twice
 * was ~2% of a hunt over a folder of small logs (an open costs ~9 µs on this VM).
 */
export async function sniffOpen(path: string): Promise<{ sniffed: Sniffed; fd: number }> {
  // Plain files: one read of the head. A stream would allocate its 1 MiB read buffer for
  // every file sniffed, external memory that piles up until a full GC when a hunt opens
  // hundreds of small logs. EVTX is told by its first 8 bytes, so those files get a small
  // read from Node's buffer pool instead of a 64 KiB buffer each (~38 MB of garbage per
  // pass over the corpus).
  const fd = openSync(path, 'r');
  try {
    let raw = Buffer.allocUnsafe(EVTX_SNIFF_BYTES);
    let n = readSync(fd, raw, 0, EVTX_SNIFF_BYTES, 0);
    if (n === EVTX_SNIFF_BYTES && !isEvtxSignature(raw)) {
      raw = Buffer.allocUnsafe(SNIFF_BYTES);
      n = readSync(fd, raw, 0, SNIFF_BYTES, 0);
    }
    const gzip = n >= 2 && startsWith(raw, GZIP_MAGIC);
    const headBytes = gzip ? await gunzippedHead(path) : raw.subarray(0, n);
    const [encoding, bom] = detectEncoding(headBytes);
    const body = headBytes.subarray(bom);
    // Decoded on first use: binary formats (EVTX) are told by `headBytes`, and decoding
    // 64 KiB of binary per file was a tenth of a hunt over a folder of small logs.
    let head: string | undefined;
    const sniffed: Sniffed = {
      gzip, encoding, headBytes,
      get head(): string { return (head ??= encoding === 'utf-16be' ? utf16be(body) : body.toString(encoding === 'utf-8' ? 'utf8' : 'utf16le')); },
    };
    return { sniffed, fd };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The first {@link SNIFF_BYTES} of a gzip file's content. */
async function gunzippedHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const stream = openBytes(path, true);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      size += chunk.length;
      if (size >= SNIFF_BYTES) break;
    }
  } catch (e) {
    // A truncated gzip stream still yields its first bytes; the decoder reports the rest.
    if (parts.length === 0) throw new Error(`${path}: cannot read: ${(e as Error).message}`, { cause: e });
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
}

/** UTF-16BE as a string (an odd trailing byte, where the sniffed head ends mid-character, is dropped). */
function utf16be(b: Buffer): string {
  return Buffer.from(b.subarray(0, b.length & ~1)).swap16().toString('utf16le');
}

/**
 * Decoded text chunks of a file, BOM removed. Invalid UTF-8 becomes U+FFFD here: the
 * XML and text decoders report it per event (see {@link readLines} for line formats).
 */
export async function* readTextChunks(path: string, s: Sniffed, meter?: ReadMeter): AsyncGenerator<string> {
  const decoder = new TextDecoder(s.encoding, { fatal: false, ignoreBOM: false });
  for await (const chunk of openBytes(path, s.gzip, meter) as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** One line of a line-oriented input, or the reason it was not read. */
export type SourceLine =
  | { readonly kind: 'line'; readonly line: number; readonly text: string }
  | { readonly kind: 'bad'; readonly line: number; readonly reason: string };

/** Lines longer than this are skipped (and reported) without being held in memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * The lines of a text file, numbered from 1, without their line ends (LF or CRLF).
 * UTF-8 is split as bytes, so an over-long line is dropped as it streams and a line of
 * invalid UTF-8 (a file in another encoding) is reported rather than mangled; UTF-16
 * files are decoded first. Lines come in batches (one per block read), since one await
 * per line would cost more than decoding a JSON line.
 */
export async function* readLines(path: string, s: Sniffed, maxLineBytes = DEFAULT_MAX_LINE_BYTES, meter?: ReadMeter): AsyncGenerator<SourceLine[]> {
  if (s.encoding !== 'utf-8') { yield* splitTextLines(readTextChunks(path, s, meter), maxLineBytes); return; }
  let parts: Buffer[] = [];
  let pending = 0;
  let tooLong = false;
  let lineNo = 1;
  let bomChecked = false;
  const finish = (tail: Buffer | null): SourceLine => {
    const n = lineNo++;
    if (tooLong) { tooLong = false; return { kind: 'bad', line: n, reason: `line longer than ${maxLineBytes} bytes` }; }
    let b = parts.length === 0 ? (tail ?? Buffer.alloc(0)) : Buffer.concat(tail ? [...parts, tail] : parts);
    parts = [];
    pending = 0;
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    if (!isUtf8(b)) return { kind: 'bad', line: n, reason: NOT_UTF8 };
    return { kind: 'line', line: n, text: b.toString('utf8') };
  };
  for await (let chunk of openBytes(path, s.gzip, meter) as AsyncIterable<Buffer>) {
    if (!bomChecked) { bomChecked = true; if (startsWith(chunk, [0xef, 0xbb, 0xbf])) chunk = chunk.subarray(3); }
    let start = 0;
    const batch: SourceLine[] = [];
    let nl = chunk.indexOf(0x0a);
    if (nl !== -1) {
      // The first line may continue bytes carried over from the previous block.
      const piece = chunk.subarray(0, nl);
      if (!tooLong && pending + piece.length > maxLineBytes) tooLong = true;
      batch.push(finish(tooLong ? null : piece));
      parts = []; pending = 0;
      start = nl + 1;
      // The lines wholly inside this block are checked together: pieces of valid UTF-8 cut
      // at LF bytes are valid, so only the lines of a failing block are checked one by one.
      const last = chunk.lastIndexOf(0x0a);
      const region = chunk.subarray(start, last);
      const valid = isUtf8(region);
      const ascii = valid && isAscii(region);
      for (nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        const n = lineNo++;
        if (nl - start > maxLineBytes) batch.push({ kind: 'bad', line: n, reason: `line longer than ${maxLineBytes} bytes` });
        else batch.push(lineAt(chunk, start, chunk[nl - 1] === 0x0d && nl > start ? nl - 1 : nl, n, valid, ascii));
        start = nl + 1;
      }
    }
    if (start < chunk.length && !tooLong) {
      const piece = chunk.subarray(start);
      if (pending + piece.length > maxLineBytes) { tooLong = true; parts = []; pending = 0; } else { parts.push(piece); pending += piece.length; }
    }
    if (batch.length > 0) yield batch;
  }
  if (pending > 0 || tooLong) yield [finish(null)];
}

const NOT_UTF8 = 'not valid UTF-8 (is the file in another encoding?)';

/**
 * The line `b[start, end)` (its line end removed). `valid`/`ascii`: the whole block is
 * known to be valid UTF-8 / ASCII, so the line need not be checked again.
 */
function lineAt(b: Buffer, start: number, end: number, line: number, valid: boolean, ascii: boolean): SourceLine {
  if (ascii) return { kind: 'line', line, text: b.toString('latin1', start, end) };
  const piece = b.subarray(start, end);
  if (!valid && !isUtf8(piece)) return { kind: 'bad', line, reason: NOT_UTF8 };
  // ASCII lines of a block that has other characters too: latin1 decoding is the faster.
  if (isAscii(piece)) return { kind: 'line', line, text: b.toString('latin1', start, end) };
  return { kind: 'line', line, text: b.toString('utf8', start, end) };
}

/** Line splitting for decoded text (UTF-16 inputs); lengths counted in bytes of UTF-16. */
async function* splitTextLines(chunks: AsyncIterable<string>, maxLineBytes: number): AsyncGenerator<SourceLine[]> {
  const maxChars = Math.floor(maxLineBytes / 2);
  let carry = '';
  let tooLong = false;
  let lineNo = 1;
  const emit = (text: string): SourceLine => {
    const n = lineNo++;
    if (tooLong) { tooLong = false; return { kind: 'bad', line: n, reason: `line longer than ${maxLineBytes} bytes` }; }
    return { kind: 'line', line: n, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of chunks) {
    let start = 0;
    const batch: SourceLine[] = [];
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      const text = tooLong ? '' : carry + chunk.slice(start, nl);
      if (text.length > maxChars) tooLong = true;
      batch.push(emit(text));
      carry = '';
      start = nl + 1;
    }
    if (!tooLong) {
      carry += chunk.slice(start);
      if (carry.length > maxChars) { tooLong = true; carry = ''; }
    }
    if (batch.length > 0) yield batch;
  }
  if (carry !== '' || tooLong) yield [emit(carry)];
}
