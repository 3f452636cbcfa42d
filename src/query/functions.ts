/**
 * The scalar functions of the query language (specs/query-language.md "Functions"), as a
 * registry the parser checks arity against and the executor calls with evaluated arguments.
 *
 * General rules (where the spec is silent, chosen for a Logpresso/SPL user):
 * - a null argument where a value is needed gives null (`lower(null)` is null); tests
 *   (`contains`, `match`, `in`, `cidrmatch`) give false instead, except as noted;
 * - a string argument that is not a string is read as {@link formatValue} prints it
 *   (`len(12345)` is 5, `substr(4624, 0, 2)` is `"46"`), as Logpresso calls `toString()`;
 * - string positions are UTF-16 code units, as in Java (an emoji counts 2);
 * - bad *data* gives null (`date("garbage", "yyyy")`), while a mistake *written in the query*
 *   — an invalid regex, date pattern, time span or unit — throws {@link FunctionError}, so
 *   a typo is reported instead of silently matching nothing.
 */
import { classifyIp, ipAddressBytes } from '../event/index.js';
import {
  addToDate, DateSyntaxError, dateUnit, diffDates, formatDate, parseDate, parseDateSpan, truncateDate,
} from './dates.js';
import {
  arithmeticNumber, cachedEquality, formatValue, isTruthy, numberFromText, strictEquals,
} from './semantics.js';
import { IpAddress, isValueMap, type Row, type Value } from './value.js';

/** What a function may read besides its arguments: the current row and the query's clock. */
export interface FunctionContext {
  readonly row: Row;
  /** Fixed when the query starts, so `now()` is the same on every row. */
  readonly now: Date;
}

/** One function: its arity (maxArgs is `Infinity` for variadic ones) and its body. */
export interface FunctionDef {
  readonly minArgs: number;
  readonly maxArgs: number;
  call(args: readonly Value[], ctx: FunctionContext): Value;
}

/** Thrown for a mistake written in the query (bad regex, date pattern, span or unit). */
export class FunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FunctionError';
  }
}

// ---------------------------------------------------------------- argument readers

const text = (v: Value): string => (typeof v === 'string' ? v : formatValue(v));

/** An integer argument: numbers truncated toward zero, numeric strings parsed; else null. */
function integer(v: Value): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? numberFromText(v, true) : null;
  return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
}

function syntax<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DateSyntaxError || e instanceof SyntaxError) throw new FunctionError(`${what}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------- regular expressions

const regexCache = new Map<string, RegExp>();

/**
 * Compiles a Java-style regex (as Logpresso users write them) to a JS RegExp: leading inline
 * flags `(?i)`, `(?s)`, `(?m)` (any combination, e.g. `(?is)`) become RegExp flags; named
 * groups `(?<name>…)` are the same in both. Constructs JS lacks (possessive quantifiers,
 * atomic groups) are syntax errors. Cached per source.
 *
 * @example
 * javaRegExp('(?i)^mimikatz').test('MIMIKATZ.exe') // true
 */
export function javaRegExp(source: string, extraFlags = ''): RegExp {
  const key = `${extraFlags}/${source}`;
  let re = regexCache.get(key);
  if (re) return re;
  let flags = extraFlags;
  let body = source;
  const inline = /^\(\?([ims]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1]) if (!flags.includes(f)) flags += f;
    body = body.slice(inline[0].length);
  }
  try {
    re = new RegExp(body, flags);
  } catch (e) {
    throw new FunctionError(`invalid regular expression "${source}": ${(e as Error).message}`);
  }
  if (regexCache.size >= 500) regexCache.clear();
  regexCache.set(key, re);
  return re;
}

/**
 * Expands a Java replacement string for one match: `$n` and `${name}` insert groups (an
 * unmatched group inserts nothing), `\x` is a literal x. A reference to a group the regex
 * does not have is an error, as in Java.
 */
function expandReplacement(rep: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '\\' && i + 1 < rep.length) { out += rep[++i]; continue; }
    if (c !== '$') { out += c; continue; }
    if (rep[i + 1] === '{') {
      const close = rep.indexOf('}', i + 2);
      const name = close < 0 ? '' : rep.slice(i + 2, close);
      if (!m.groups || !(name in m.groups)) throw new FunctionError(`replace: no group named "${name}"`);
      out += m.groups[name] ?? '';
      i = close;
      continue;
    }
    if (!/\d/.test(rep[i + 1] ?? '')) throw new FunctionError('replace: "$" must be followed by a group number or {name} (write \\$ for a dollar sign)');
    // As Java: take further digits while the number still names a group.
    let n = Number(rep[++i]);
    while (/\d/.test(rep[i + 1] ?? '') && n * 10 + Number(rep[i + 1]) < m.length) n = n * 10 + Number(rep[++i]);
    if (n >= m.length) throw new FunctionError(`replace: no group ${n}`);
    out += m[n] ?? '';
  }
  return out;
}

function regexReplace(s: string, pattern: string, rep: string): string {
  const re = javaRegExp(pattern, 'g');
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out += s.slice(last, m.index) + expandReplacement(rep, m);
    last = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++; // an empty match must not loop
  }
  return out + s.slice(last);
}

// ---------------------------------------------------------------- IP addresses

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  // IPv4-mapped addresses keep their dotted tail (RFC 5952 section 5).
  if (bytes.subarray(0, 10).every((x) => x === 0) && bytes[10] === 255 && bytes[11] === 255) return `::ffff:${bytes.subarray(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1, bestLen = 1; // a single zero group is not shortened (RFC 5952 4.2.2)
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * An IP value from text (IPv4 or IPv6, zone id dropped); null when it is not an address.
 *
 * @example
 * parseIp('2001:DB8:0:0:0:0:0:1')?.text // '2001:db8::1'
 */
export function parseIp(s: string): IpAddress | null {
  const bytes = ipAddressBytes(s);
  return bytes ? new IpAddress(ipText(bytes), bytes) : null;
}

/** An IP value from bytes (4 or 16), with canonical text. */
export function ipFromBytes(bytes: Uint8Array): IpAddress {
  return new IpAddress(ipText(bytes), bytes);
}

function toIp(v: Value): IpAddress | null {
  if (v instanceof IpAddress) return v;
  if (typeof v === 'string') return parseIp(v);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
    return ipFromBytes(Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255));
  }
  return null;
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as the IPv4 address it carries; others unchanged. */
function unmapped(ip: IpAddress): Uint8Array {
  const b = ip.bytes;
  if (b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255) return b.slice(12);
  return b;
}

function maskBytes(bytes: Uint8Array, bits: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] &= (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

function parseCidr(cidr: string): { net: Uint8Array; bits: number } {
  const slash = cidr.indexOf('/');
  const addr = parseIp(slash < 0 ? cidr : cidr.slice(0, slash));
  const width = addr ? addr.bytes.length * 8 : 0;
  const suffix = slash < 0 ? String(width) : cidr.slice(slash + 1).trim();
  let bits = /^\d{1,3}$/.test(suffix) ? Number(suffix) : -1;
  if (!addr || bits < 0 || bits > width) throw new FunctionError(`cidrmatch: bad CIDR "${cidr}" (expected e.g. 10.0.0.0/8 or fe80::/10)`);
  let net = addr.bytes;
  if (bits >= 96 && unmapped(addr).length === 4) { // ::ffff:10.0.0.0/104 is 10.0.0.0/8
    net = unmapped(addr);
    bits -= 96;
  }
  return { net: maskBytes(net, bits), bits };
}

const cidrCache = new Map<string, { net: Uint8Array; bits: number }>();

/** Address classes `isprivateip` counts as private (src/event/normalize.ts classifies). */
const PRIVATE_CLASSES = new Set(['private', 'loopback', 'link-local', 'cgnat', 'unique-local']);

// ---------------------------------------------------------------- numbers

/** A number argument of `int`/`long`/`double`: also `0x` hex text (Windows writes ids so) and dates (epoch ms). */
function convertibleNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  return numberFromText(t, true);
}

// ---------------------------------------------------------------- the registry

function def(minArgs: number, maxArgs: number, call: FunctionDef['call']): FunctionDef {
  return { minArgs, maxArgs, call };
}

const registry: Record<string, FunctionDef> = {
  /**
   * `substr(s, begin[, end])`: 0-based, end exclusive; a negative begin or end counts from
   * the end (`substr("abc", -2)` = `"bc"`; one still negative after that is 0); null when begin
   * >= len or begin > end; end is clamped to len.
   */
  substr: def(2, 3, ([s, b, e]) => {
    if (s === null) return null;
    const str = text(s);
    const len = str.length;
    let begin = integer(b);
    let end = e === undefined ? len : integer(e);
    if (begin === null || end === null) return null;
    if (begin < 0) begin = Math.max(0, len + begin);
    if (end < 0) end = Math.max(0, len + end);
    end = Math.min(end, len);
    if (begin >= len || begin > end) return null;
    return str.slice(begin, end);
  }),

  /** `indexof(s, needle[, from])`: 0-based, -1 when absent, null if an argument is null; a negative from is 0. */
  indexof: def(2, 3, ([s, needle, from]) => {
    if (s === null || needle === null || from === null) return null;
    const start = from === undefined ? 0 : integer(from);
    if (start === null) return null;
    return text(s).indexOf(text(needle), Math.max(0, start));
  }),

  /**
   * `replace(s, pat, rep[, "re"])`: every occurrence; literal, or with `"re"` a Java-style
   * regex whose replacement may use `$1`, `${name}` and `\$`. Null if s, pat or rep is null.
   */
  replace: def(3, 4, ([s, pat, rep, mode]) => {
    if (s === null || pat === null || rep === null) return null;
    if (mode !== undefined && mode !== null) {
      if (text(mode).toLowerCase() !== 're') throw new FunctionError(`replace: unknown mode "${text(mode)}" (only "re")`);
      return regexReplace(text(s), text(pat), text(rep));
    }
    const r = text(rep);
    return text(s).replaceAll(text(pat), () => r); // a function: no $ patterns in a literal replace
  }),

  /**
   * `split(s, delim[, limit])`: literal delimiter, a list; a trailing delimiter gives a
   * trailing `""`; `""` gives an empty list. With limit n > 0, at most n items, the last
   * holding the rest (Java's split limit). An empty delimiter splits into characters.
   */
  split: def(2, 3, ([s, delim, limit]) => {
    if (s === null || delim === null || limit === null) return null;
    const str = text(s), d = text(delim);
    const n = limit === undefined ? 0 : integer(limit);
    if (n === null) return null;
    if (str === '') return [];
    const parts = d === '' ? Array.from(str) : str.split(d);
    if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(d)];
    return parts;
  }),

  /** `len(x)`: null → 0; a list's or map's size; otherwise the length of its text. */
  len: def(1, 1, ([v]) => {
    if (v === null) return 0;
    if (Array.isArray(v)) return v.length;
    if (isValueMap(v)) return Object.keys(v).length;
    return text(v).length;
  }),

  /** `lower(s)`, locale-independent (Java's root locale). */
  lower: def(1, 1, ([v]) => (v === null ? null : text(v).toLowerCase())),
  /** `upper(s)`, locale-independent. */
  upper: def(1, 1, ([v]) => (v === null ? null : text(v).toUpperCase())),
  /** `trim(s)`: strips characters <= U+0020 at both ends, as Java's `String.trim`. */
  trim: def(1, 1, ([v]) => (v === null ? null : javaTrim(text(v)))),

  /** `concat(a, b, …)`: the texts joined; a null appends `"null"`. */
  concat: def(1, Infinity, (args) => args.map(formatValue).join('')),

  /** `if(cond, then, else)`: cond read as `search` reads it (true or non-null non-boolean). */
  if: def(3, 3, ([c, a, b]) => (isTruthy(c) ? a : b)),

  /** `case(c1, v1, c2, v2, …[, default])`: the value of the first true condition; else the default, else null. */
  case: def(2, Infinity, (args) => {
    for (let i = 0; i + 1 < args.length; i += 2) if (isTruthy(args[i])) return args[i + 1];
    return args.length % 2 === 1 ? args[args.length - 1] : null;
  }),

  isnull: def(1, 1, ([v]) => v === null),
  isnotnull: def(1, 1, ([v]) => v !== null),
  /** `nvl(x, y)`: x unless null, then y. */
  nvl: def(2, 2, ([a, b]) => (a === null ? b : a)),

  /**
   * `in(x, v1, v2, …)`: true when x equals one of the values. A string value follows `==`'s
   * string-literal rules (wildcards; x matched as text — araqne-logdb's `in` only matches
   * string x against strings, Haetae keeps `in` and `==` alike); any other value must equal x
   * exactly (numbers numerically). A null x is false; null values are skipped.
   */
  in: def(2, Infinity, ([x, ...values]) => {
    if (x === null) return false;
    for (const v of values) {
      if (v === null) continue;
      if (typeof v === 'string' ? cachedEquality(v)(x) : strictEquals(x, v)) return true;
    }
    return false;
  }),

  /** `contains(s, sub)`: case-sensitive substring test; false when either is null. */
  contains: def(2, 2, ([s, sub]) => s !== null && sub !== null && text(s).includes(text(sub))),

  /**
   * `match(s, regex)`: true when the regex matches anywhere in s (SPL's `match`; anchor with
   * `^…$` for a whole match); Java-style inline flags such as `(?i)` work. False when null.
   */
  match: def(2, 2, ([s, re]) => s !== null && re !== null && javaRegExp(text(re)).test(text(s))),

  /** `left(s, n)`: the first n characters (all of s when shorter); null when n < 0. */
  left: def(2, 2, ([s, n]) => {
    const k = integer(n);
    return s === null || k === null || k < 0 ? null : text(s).slice(0, k);
  }),
  /** `right(s, n)`: the last n characters; null when n < 0. */
  right: def(2, 2, ([s, n]) => {
    const k = integer(n);
    if (s === null || k === null || k < 0) return null;
    const str = text(s);
    return k === 0 ? '' : str.slice(Math.max(0, str.length - k));
  }),

  /** `strjoin(sep, list)`: the list's elements as text joined by sep (a null element prints `null`; a non-list is one element). */
  strjoin: def(2, 2, ([sep, list]) => {
    if (sep === null || list === null) return null;
    return (Array.isArray(list) ? list : [list]).map(formatValue).join(text(sep));
  }),

  /** `array(a, b, …)`: a list of the arguments (nulls kept). */
  array: def(0, Infinity, (args) => [...args]),

  /** `valueof(container, key)`: a list's element at a 0-based index, or a map's value at a key; null when absent. */
  valueof: def(2, 2, ([c, key]) => {
    if (c === null || key === null) return null;
    if (Array.isArray(c)) {
      const i = integer(key);
      return i === null || i < 0 || i >= c.length ? null : c[i];
    }
    if (isValueMap(c)) {
      const k = text(key);
      return Object.prototype.hasOwnProperty.call(c, k) ? c[k] : null;
    }
    return null;
  }),

  /** `field("name")`: the row's field of that name (for names that are not bare words); null when absent. */
  field: def(1, 1, ([name], { row }) => {
    if (name === null) return null;
    const k = text(name);
    return Object.prototype.hasOwnProperty.call(row, k) ? row[k] : null;
  }),

  /** `not(x)`: the negation of x read as `search` reads it, so `not(null)` is true. */
  not: def(1, 1, ([v]) => !isTruthy(v)),

  /** `mod(a, b)`: remainder with the sign of a (Java's `%`); operands as arithmetic reads them; null for b = 0. */
  mod: def(2, 2, ([a, b]) => {
    if (a === null || b === null) return null;
    const x = arithmeticNumber(a), y = arithmeticNumber(b);
    return x === null || y === null || y === 0 ? null : x % y;
  }),

  /**
   * `int(x)`: numbers truncated toward zero; numeric text parsed then truncated (`"12.7"` → 12);
   * `0x` hex text accepted (Haetae extension for Windows ids); null outside the 32-bit range,
   * for dates and for anything else.
   */
  int: def(1, 1, ([v]) => {
    const n = v instanceof Date ? null : convertibleNumber(v);
    if (n === null || !Number.isFinite(n)) return null;
    const t = Math.trunc(n);
    return t < -2147483648 || t > 2147483647 ? null : t;
  }),
  /** `long(x)`: as int, 64-bit; a date gives epoch milliseconds; null beyond ±2^53 (JS numbers are doubles). */
  long: def(1, 1, ([v]) => {
    const n = convertibleNumber(v);
    if (n === null || !Number.isFinite(n)) return null;
    const t = Math.trunc(n);
    return Number.isSafeInteger(t) ? t : null;
  }),
  /** `double(x)`: numbers, numeric or `0x` text, dates as epoch milliseconds; else null. */
  double: def(1, 1, ([v]) => convertibleNumber(v)),

  /**
   * `str(x[, fmt])`: x as text (see formatValue); with fmt, a date is formatted with that
   * SimpleDateFormat pattern in UTC. fmt applies to dates only; other values ignore it.
   */
  str: def(1, 2, ([v, fmt]) => {
    if (v === null) return null;
    if (v instanceof Date && fmt !== undefined && fmt !== null) return syntax('str', () => formatDate(v, text(fmt)));
    return formatValue(v);
  }),

  /** `ip(x)`: an IP value from text, an IP, or an integer 0..2^32-1 (an IPv4 address); null otherwise. */
  ip: def(1, 1, ([v]) => toIp(v)),

  /** `network(ip, bits)`: the address with host bits cleared (`network("10.1.2.3", 8)` = 10.0.0.0); null for bits outside 0..32 (0..128 for IPv6). */
  network: def(2, 2, ([v, b]) => {
    const ip = toIp(v), bits = integer(b);
    if (!ip || bits === null || bits < 0 || bits > ip.bytes.length * 8) return null;
    return ipFromBytes(maskBytes(ip.bytes, bits));
  }),

  /**
   * `date(s, fmt)`: parses s with a SimpleDateFormat pattern (UTC unless the pattern has a zone
   * field; text after the pattern is ignored, as Java's `parse`); null when s does not fit.
   * A date argument is returned as is.
   */
  date: def(2, 2, ([s, fmt], { now }) => {
    if (s === null || fmt === null) return null;
    if (s instanceof Date) return s;
    return syntax('date', () => parseDate(text(s), text(fmt), now));
  }),

  /** `now()`: the time the query started (the same on every row). */
  now: def(0, 0, (_args, { now }) => now),

  /** `ago("1h")`: now minus a span (s, m, h, d, w, mon, y). */
  ago: def(1, 1, ([span], { now }) => {
    if (span === null) return null;
    const { amount, unit } = syntax('ago', () => parseDateSpan(text(span)));
    return addToDate(now, unit, -amount);
  }),

  /** `dateadd(d, unit, n)`: d moved by n units (year, mon, week, day, hour, min, sec, msec; calendar months clamp the day). */
  dateadd: def(3, 3, ([d, unit, n]) => {
    if (!(d instanceof Date) || unit === null) return null;
    const u = syntax('dateadd', () => dateUnit(text(unit)));
    const k = integer(n);
    return k === null ? null : addToDate(d, u, k);
  }),

  /** `datediff(a, b, unit)`: whole units from a to b (b − a; negative when b is earlier). */
  datediff: def(3, 3, ([a, b, unit]) => {
    if (!(a instanceof Date) || !(b instanceof Date) || unit === null) return null;
    return diffDates(a, b, syntax('datediff', () => dateUnit(text(unit))));
  }),

  /** `datetrunc(d, "15m")`: the start of the span-sized bucket holding d (UTC; weeks start Monday). */
  datetrunc: def(2, 2, ([d, span]) => {
    if (!(d instanceof Date) || span === null) return null;
    return truncateDate(d, syntax('datetrunc', () => parseDateSpan(text(span))));
  }),

  /**
   * `epoch(x)`: a date gives its Unix time in whole seconds; a number (or numeric text) of
   * Unix seconds gives the date (Logpresso's direction). Null otherwise.
   */
  epoch: def(1, 1, ([v]) => {
    if (v instanceof Date) return Math.floor(v.getTime() / 1000);
    const n = typeof v === 'number' ? v : typeof v === 'string' ? numberFromText(v, true) : null;
    return n === null || !Number.isFinite(n) ? null : new Date(Math.round(n * 1000));
  }),

  /**
   * Haetae extension: `cidrmatch("10.0.0.0/8", ip)` — whether ip lies in the network. IPv4-
   * mapped IPv6 addresses match IPv4 networks; a bare address is a /32 (/128). A malformed
   * CIDR is an error; a null or non-address ip is false.
   */
  cidrmatch: def(2, 2, ([cidr, v]) => {
    if (cidr === null || v === null) return false;
    const c = text(cidr);
    let net = cidrCache.get(c);
    if (!net) {
      net = parseCidr(c);
      if (cidrCache.size >= 500) cidrCache.clear();
      cidrCache.set(c, net);
    }
    const ip = toIp(v);
    if (!ip) return false;
    const bytes = unmapped(ip);
    if (bytes.length !== net.net.length) return false;
    const masked = maskBytes(bytes, net.bits);
    return masked.every((x, i) => x === net.net[i]);
  }),

  /**
   * Haetae extension: `isprivateip(ip)` — true for RFC 1918, loopback, link-local (169.254/16,
   * fe80::/10), CGNAT (100.64/10) and IPv6 unique-local (fc00::/7) addresses, also inside
   * IPv4-mapped IPv6; false for other addresses and non-addresses; null for null.
   */
  isprivateip: def(1, 1, ([v]) => {
    if (v === null) return null;
    return PRIVATE_CLASSES.has(classifyIp(v instanceof IpAddress ? v.text : text(v)));
  }),
};

/**
 * Java's `String.trim()`: strips chars <= U+0020 at both ends (the `trim` function, and
 * each pair of `parsekv` — spec "Commands").
 *
 * @example
 * javaTrim('\tImage: x\r') // 'Image: x'
 */
export function javaTrim(s: string): string {
  let a = 0, b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Every function by lower-case name (the parser lower-cases call names). A null-prototype
 * record, so `FUNCTIONS['constructor']` is undefined.
 *
 * @example
 * FUNCTIONS.substr.call(['0123456789', 2, 4], { row: newRow(), now: new Date() }) // '23'
 */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = Object.freeze(Object.assign(Object.create(null) as Record<string, FunctionDef>, registry));

/**
 * Checks a call's argument count: an error message, or undefined when the call is fine.
 *
 * @example
 * checkArity('substr', 1) // 'substr() takes 2 to 3 arguments, got 1'
 * checkArity('serch', 1)  // "unknown function 'serch'"
 */
export function checkArity(name: string, n: number): string | undefined {
  const f = FUNCTIONS[name];
  if (!f) return `unknown function '${name}'`;
  if (n >= f.minArgs && n <= f.maxArgs) return undefined;
  const plural = (k: number): string => (k === 1 ? 'argument' : 'arguments');
  const expected = f.minArgs === f.maxArgs ? `${f.minArgs} ${plural(f.minArgs)}`
    : f.maxArgs === Infinity ? `at least ${f.minArgs} ${plural(f.minArgs)}`
      : `${f.minArgs} to ${f.maxArgs} arguments`;
  return `${name}() takes ${expected}, got ${n}`;
}
