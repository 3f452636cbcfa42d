/**
 * Little-endian reads on a byte array, plus the one error type the EVTX reader throws
 * internally. EVTX is little-endian throughout (MS-EVEN6, libyal's "Windows XML Event
 * Log (EVTX)" format notes), so these are plain functions over `Uint8Array` + offset:
 * no cursor object on the hot path.
 */

/** A structural problem at a byte offset; caught by the chunk decoder and reported. */
export class EvtxFormatError extends Error {
  /** Offset of the problem, relative to the start of the chunk (or file, for headers). */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'EvtxFormatError';
    this.offset = offset;
  }
}

/** Reads an unsigned 16-bit integer. */
export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

/** Reads an unsigned 32-bit integer. */
export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** Reads a signed 32-bit integer. */
export function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** Reads an unsigned 64-bit integer as a double (exact below 2^53). */
export function u64n(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 0x100000000 + u32(b, o);
}

/** Reads an unsigned 64-bit integer as a number when exact, else as a bigint. */
export function u64(b: Uint8Array, o: number): number | bigint {
  const hi = u32(b, o + 4);
  const lo = u32(b, o);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Reads a signed 64-bit integer as a number when exact, else as a bigint. */
export function i64(b: Uint8Array, o: number): number | bigint {
  const hi = i32(b, o + 4);
  const lo = u32(b, o);
  if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

const HEX = '0123456789abcdef';

/**
 * A small direct-mapped cache of formatted 64-bit hex values: Keywords and logon ids
 * repeat record after record, and number-to-hex formatting is not cheap.
 */
const HEX64_SLOTS = 64;
const hexHi = new Float64Array(HEX64_SLOTS).fill(-1);
const hexLo = new Float64Array(HEX64_SLOTS);
const hexText: string[] = new Array(HEX64_SLOTS).fill('');

/** Formats 64-bit little-endian bytes as `0x…` lowercase hex without leading zeros. */
export function hex64(b: Uint8Array, o: number): string {
  const hi = u32(b, o + 4);
  const lo = u32(b, o);
  const slot = ((hi >>> 16) ^ hi ^ lo ^ (lo >>> 11)) & (HEX64_SLOTS - 1);
  if (hexHi[slot] === hi && hexLo[slot] === lo) return hexText[slot];
  const text = hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
  hexHi[slot] = hi;
  hexLo[slot] = lo;
  hexText[slot] = text;
  return text;
}

const hex32Value = new Float64Array(HEX64_SLOTS).fill(-1);
const hex32Text: string[] = new Array(HEX64_SLOTS).fill('');

/** Formats a u32 as `0x…` lowercase hex without leading zeros; cached like {@link hex64} (status codes, access masks repeat). */
export function hex32(v: number): string {
  const slot = (v ^ (v >>> 7) ^ (v >>> 16) ^ (v >>> 25)) & (HEX64_SLOTS - 1);
  if (hex32Value[slot] === v) return hex32Text[slot];
  const text = '0x' + v.toString(16);
  hex32Value[slot] = v;
  hex32Text[slot] = text;
  return text;
}

/** Formats bytes as uppercase hex, as Windows renders `Binary` values. */
export function hexBytes(b: Uint8Array, start: number, end: number): string {
  // Natively in one call: Binary values run to kilobytes, and building them two
  // characters at a time made a chain of thousands of concatenations.
  if (start <= end && end <= b.length) return asBuffer(b).toString('hex', start, end).toUpperCase();
  let s = ''; // past the end of `b`: missing bytes read as 00, as they always have
  for (let i = start; i < end; i++) {
    const v = b[i];
    s += HEX[v >> 4] + HEX[v & 15];
  }
  return s.toUpperCase();
}

/**
 * Decodes UTF-16LE code units. `b` must be a Buffer (the chunk decoder guarantees it):
 * Node's native UTF-16 slice beats a JS loop even for short names, and gives flat
 * strings rather than cons-string chains that cost again when serialised.
 */
export function utf16(b: Uint8Array, start: number, chars: number): string {
  return (b as NativeSlices).ucs2Slice(start, start + chars * 2);
}

/**
 * Buffer's native UTF-16 slice, called without `toString`'s argument normalisation,
 * which costs as much as the decoding for short strings. Present on every Node Buffer
 * since v0.x (`lib/buffer.js`); checked once at load so a runtime without it fails loudly.
 */
type NativeSlices = Buffer & { ucs2Slice(start: number, end: number): string };
if (typeof (Buffer.prototype as NativeSlices).ucs2Slice !== 'function') throw new Error('this Node.js lacks Buffer.prototype.ucs2Slice');

/** Views `b` as a Buffer without copying. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** True when the `chars` UTF-16LE code units at `at` are the text `s` (compared in place, nothing decoded). */
export function spellsUtf16(b: Uint8Array, at: number, chars: number, s: string): boolean {
  if (s.length !== chars) return false;
  for (let i = 0; i < chars; i++) if ((b[at + 2 * i] | (b[at + 2 * i + 1] << 8)) !== s.charCodeAt(i)) return false;
  return true;
}

/** Decodes a NUL-padded UTF-16LE value of `bytes` bytes, dropping trailing NULs. */
export function utf16Trimmed(b: Uint8Array, start: number, bytes: number): string {
  let chars = bytes >> 1;
  while (chars > 0 && b[start + chars * 2 - 2] === 0 && b[start + chars * 2 - 1] === 0) chars--;
  return utf16(b, start, chars);
}

/** Checks an 8-byte ASCII signature such as `ElfFile\0`. */
export function hasSignature(b: Uint8Array, o: number, sig: string): boolean {
  if (o + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[o + i] !== sig.charCodeAt(i)) return false;
  return true;
}
