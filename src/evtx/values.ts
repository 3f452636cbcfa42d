/**
 * BinXML value decoding (MS-EVEN6 §2.2.12 value types; libyal EVTX notes §"Value types").
 * Values come sized by the template instance's descriptor array, so every decoder here
 * takes `(bytes, start, size)` and must stay inside that window.
 */
import { EvtxFormatError, hex32, hex64, hexBytes, i32, i64, u16, u32, u64, utf16, utf16Trimmed } from './bytes.js';
import { ValueType as T, type XmlValue } from './xml-tree.js';
import { ByteTextCache } from './byte-text-cache.js';

const FILETIME_UNIX_EPOCH_MS = 11644473600000;

/** Fixed sizes of the scalar types, used to split arrays; 0 = variable. */
const FIXED_SIZE: Record<number, number> = {
  [T.Int8]: 1, [T.UInt8]: 1, [T.Int16]: 2, [T.UInt16]: 2, [T.Int32]: 4, [T.UInt32]: 4,
  [T.Int64]: 8, [T.UInt64]: 8, [T.Real32]: 4, [T.Real64]: 8, [T.Bool]: 4, [T.Guid]: 16,
  [T.FileTime]: 8, [T.SystemTime]: 16, [T.HexInt32]: 4, [T.HexInt64]: 8,
};

/** {@link FIXED_SIZE} as a table by type below 0x16 (0: not a fixed-size type), for the hot path. */
const SCALAR_WIDTH = Uint8Array.from({ length: 0x16 }, (_, t) => FIXED_SIZE[t] ?? 0);

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Zero-padded decimal strings, so that formatting a time is table lookups, not number printing. */
const DIGITS2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** The last four fractional digits with the closing `Z`: one concatenation fewer per call. */
const DIGITS4Z = Array.from({ length: 10000 }, (_, i) => String(i).padStart(4, '0') + 'Z');

/**
 * The `YYYY-MM-DDT` prefix of the last day seen, and the `YYYY-MM-DDTHH:MM:SS.` prefix of
 * the last second seen. Records come roughly in time order, so the second often
 * repeats and the day usually does.
 */
let cachedDay = NaN;
let cachedDayPrefix = '';
let cachedSecond = NaN;
let cachedSecondPrefix = '';
/**
 * The FILETIME of the start of the last second seen, as its high and low u32 (high -1
 * when the second spans two high values). A time within that second is then formatted
 * from its low half alone, without the divisions that locate its second.
 */
let secondHi = -1;
let secondLo = 0;

/**
 * `YYYY-MM-DDT` for a day counted from 1970-01-01 (negative before), in the proleptic
 * Gregorian calendar as `Date#toISOString` writes it, years past 9999 as `+YYYYYY`.
 * Computed (Howard Hinnant's `civil_from_days`) rather than through `Date`, whose
 * `toISOString` costs about a microsecond: a folder of logs changes day every few records.
 */
function dayPrefix(day: number): string {
  const z = day + 719468; // days since 0000-03-01
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // day of the 400-year era, 0 … 146096
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // from March 1st
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
  return y + '-' + DIGITS2[month] + '-' + DIGITS2[doy - Math.floor((153 * mp + 2) / 5) + 1] + 'T';
}

/**
 * Formats a FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601 with the full
 * 7-digit precision Windows writes in event XML (`2019-03-19T23:34:25.2456500Z`).
 * Exact: the 64-bit tick count is divided in two 32-bit halves so no precision is lost.
 * Years past 9999 come out as `Date#toISOString` writes them (`+060056-…`); every
 * FILETIME (at most year 60056) is a valid date.
 */
export function fileTimeToIso(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi === secondHi) {
    const frac = lo - secondLo;
    if (frac >= 0 && frac < 10000000) {
      const high = Math.floor(frac / 10000);
      return cachedSecondPrefix + DIGITS3[high] + DIGITS4Z[frac - high * 10000];
    }
  }
  const t = hi * 65536; // < 2^48, exact
  const q1 = Math.floor(t / 10000);
  const r1 = t - q1 * 10000;
  const rest = r1 * 65536 + lo; // < 2^46
  const q2 = Math.floor(rest / 10000);
  const ticks = rest - q2 * 10000; // 100 ns units below the millisecond
  const ms = q1 * 65536 + q2 - FILETIME_UNIX_EPOCH_MS;
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const day = Math.floor(second / 86400);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedDayPrefix = dayPrefix(day);
    }
    const s = second - day * 86400;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s - h * 3600) / 60);
    cachedSecond = second;
    cachedSecondPrefix = cachedDayPrefix + DIGITS2[h] + ':' + DIGITS2[m] + ':' + DIGITS2[s - h * 3600 - m * 60] + '.';
  }
  const frac = (ms - second * 1000) * 10000 + ticks; // 0 … 9,999,999
  secondLo = lo - frac;
  secondHi = secondLo >= 0 ? hi : -1;
  const high = Math.floor(frac / 10000);
  return cachedSecondPrefix + DIGITS3[high] + DIGITS4Z[frac - high * 10000];
}

/** Formats a SYSTEMTIME (8 little-endian u16 fields) as ISO 8601 with milliseconds. */
export function systemTimeToIso(b: Uint8Array, o: number): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const year = String(u16(b, o)).padStart(4, '0');
  return `${year}-${p2(u16(b, o + 2))}-${p2(u16(b, o + 6))}T${p2(u16(b, o + 8))}:${p2(u16(b, o + 10))}:${p2(u16(b, o + 12))}.${String(u16(b, o + 14)).padStart(3, '0')}Z`;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

const guidCache = new ByteTextCache(256, 16);
const sidCache = new ByteTextCache(256, 32); // up to 6 sub-authorities: domain accounts have 5

/** Formats a GUID as uppercase `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (no braces). */
export function guidToString(b: Uint8Array, o: number): string {
  return cachedGuid(guidCache, b, o);
}

/**
 * Template GUIDs have their own cache: in the shared one, the GUIDs of event values
 * (process and logon GUIDs, mostly unique) evict them, and every chunk's definitions
 * then look the template cache up with a new string, hashed again each time.
 */
const templateGuidCache = new ByteTextCache(1024, 16);

/** {@link guidToString} for template definitions' GUIDs. */
export function templateGuid(b: Uint8Array, o: number): string {
  return cachedGuid(templateGuidCache, b, o);
}

function cachedGuid(cache: ByteTextCache, b: Uint8Array, o: number): string {
  let text = cache.get(b, o, 16);
  if (text === undefined) {
    text = formatGuid(b, o);
    cache.set(b, o, 16, text);
  }
  return text;
}

function formatGuid(b: Uint8Array, o: number): string {
  const x = HEX_BYTE;
  // Data1 (u32), Data2 and Data3 (u16) are little-endian; Data4 is 8 bytes in order.
  return x[b[o + 3]] + x[b[o + 2]] + x[b[o + 1]] + x[b[o]] + '-' + x[b[o + 5]] + x[b[o + 4]] + '-' + x[b[o + 7]] + x[b[o + 6]] + '-' +
    x[b[o + 8]] + x[b[o + 9]] + '-' + x[b[o + 10]] + x[b[o + 11]] + x[b[o + 12]] + x[b[o + 13]] + x[b[o + 14]] + x[b[o + 15]];
}

/** Decodes a SID (revision, count, 48-bit big-endian authority, u32 sub-authorities). */
export function sidToString(b: Uint8Array, o: number, size: number): { sid: string; length: number } {
  if (size < 8) throw new EvtxFormatError(`SID of ${size} bytes is shorter than its 8-byte header`, o);
  const count = b[o + 1];
  const length = 8 + count * 4;
  if (length > size) throw new EvtxFormatError(`SID claims ${count} sub-authorities but has ${size} bytes`, o);
  const cached = sidCache.get(b, o, length);
  if (cached !== undefined) return { sid: cached, length };
  let authority = 0;
  for (let i = 2; i < 8; i++) authority = authority * 256 + b[o + i];
  let s = `S-${b[o]}-${authority >= 2 ** 32 ? '0x' + authority.toString(16).toUpperCase().padStart(12, '0') : authority}`;
  for (let i = 0; i < count; i++) s += '-' + u32(b, o + 8 + i * 4);
  sidCache.set(b, o, length, s);
  return { sid: s, length };
}

/** Decodes one scalar of a fixed-size type at `o`. */
function scalar(b: Uint8Array, o: number, type: number): XmlValue {
  switch (type) {
    case T.Int8: return (b[o] << 24) >> 24;
    case T.UInt8: return b[o];
    case T.Int16: return (u16(b, o) << 16) >> 16;
    case T.UInt16: return u16(b, o);
    case T.Int32: return i32(b, o);
    case T.UInt32: return u32(b, o);
    case T.Int64: return i64(b, o);
    case T.UInt64: return u64(b, o);
    case T.Real32: return dv(b).getFloat32(o, true);
    case T.Real64: return dv(b).getFloat64(o, true);
    case T.Bool: return u32(b, o) !== 0;
    case T.Guid: return guidToString(b, o);
    case T.FileTime: return fileTimeToIso(b, o);
    case T.SystemTime: return systemTimeToIso(b, o);
    case T.HexInt32: return hex32(u32(b, o));
    case T.HexInt64: return hex64(b, o);
    default: throw new EvtxFormatError(`value type 0x${type.toString(16)} is not a fixed-size type`, o);
  }
}

/**
 * Decodes a value of `type` occupying `size` bytes at `o`. Throws {@link EvtxFormatError}
 * when the bytes cannot hold the type; the caller turns that into a skipped record.
 * Nested BinXML (0x21) needs the chunk context and is decoded by binxml.ts.
 */
export function decodeValue(b: Uint8Array, o: number, size: number, type: number): XmlValue {
  // Fixed-size scalars (integers, GUIDs, times) are most non-string values: one table
  // lookup sends them straight to scalar() instead of through the switch below.
  const scalarWidth = type < 0x16 ? SCALAR_WIDTH[type] : 0;
  if (scalarWidth !== 0) {
    if (size < scalarWidth) throw new EvtxFormatError(`value of type 0x${type.toString(16)} needs ${scalarWidth} bytes, has ${size}`, o);
    return scalar(b, o, type);
  }
  switch (type) {
    case T.Null: return null;
    case T.String: return utf16Trimmed(b, o, size);
    case T.AnsiString: {
      let e = o + size;
      while (e > o && b[e - 1] === 0) e--;
      return (b as Buffer).toString('latin1', o, e);
    }
    case T.Binary: return hexBytes(b, o, o + size);
    case T.SizeT:
      if (size === 8) return hex64(b, o);
      if (size === 4) return '0x' + u32(b, o).toString(16);
      throw new EvtxFormatError(`size_t of ${size} bytes (expected 4 or 8)`, o);
    case T.Sid: return sidToString(b, o, size).sid;
    case T.BinXml: throw new EvtxFormatError('nested BinXML must be decoded with its chunk context', o);
    case T.EvtXml: return utf16Trimmed(b, o, size);
    case T.EvtHandle: return hexBytes(b, o, o + size);
    case T.String | T.Array: return stringArray(b, o, size);
    case T.AnsiString | T.Array: {
      const parts = (b as Buffer).toString('latin1', o, o + size).split('\0');
      if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      return parts;
    }
    case T.Sid | T.Array: {
      const out: XmlValue[] = [];
      for (let p = o, end = o + size; p < end;) {
        const { sid, length } = sidToString(b, p, end - p);
        out.push(sid);
        p += length;
      }
      return out;
    }
    case T.Binary | T.Array: return [hexBytes(b, o, o + size)];
    case T.SizeT | T.Array: {
      const out: XmlValue[] = [];
      for (let p = o; p + 8 <= o + size; p += 8) out.push(hex64(b, p));
      return out;
    }
  }
  const base = type & ~T.Array;
  const width = FIXED_SIZE[base];
  if (width === undefined) throw new EvtxFormatError(`unknown value type 0x${type.toString(16)}`, o);
  if (type & T.Array) {
    if (size % width !== 0) throw new EvtxFormatError(`array of type 0x${base.toString(16)} has ${size} bytes, not a multiple of ${width}`, o);
    const out: XmlValue[] = new Array(size / width);
    for (let i = 0; i < out.length; i++) out[i] = scalar(b, o + i * width, base);
    return out;
  }
  if (size < width) throw new EvtxFormatError(`value of type 0x${type.toString(16)} needs ${width} bytes, has ${size}`, o);
  return scalar(b, o, type);
}

/**
 * A string array is NUL-separated UTF-16; a final terminator does not add an element
 * (empty elements between separators stay). Decoded with one native call and split,
 * rather than one call per element.
 */
function stringArray(b: Uint8Array, o: number, size: number): string[] {
  const out = utf16(b, o, size >> 1).split('\0');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Decodes a value token's inline value (token 0x05 outside substitutions): strings are
 * length-prefixed, fixed types are read at their width. Returns the value and bytes used.
 */
export function decodeInlineValue(b: Uint8Array, o: number, end: number, type: number): { value: XmlValue; length: number } {
  if (type === T.String) {
    if (o + 2 > end) throw new EvtxFormatError('value token string length past end of data', o);
    const chars = u16(b, o);
    if (o + 2 + chars * 2 > end) throw new EvtxFormatError(`value token string of ${chars} chars runs past end of data`, o);
    return { value: utf16Trimmed(b, o + 2, chars * 2), length: 2 + chars * 2 };
  }
  const width = FIXED_SIZE[type];
  if (width === undefined) throw new EvtxFormatError(`value token of type 0x${type.toString(16)} has no inline form`, o);
  if (o + width > end) throw new EvtxFormatError('value token past end of data', o);
  return { value: scalar(b, o, type), length: width };
}
