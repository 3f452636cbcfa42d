/**
 * ClickHouse's SQL dialect (src/store/clickhouse/), for Debian's 18.16 and current
 * releases alike: only functions both run, checked on an 18.16 server. What 18.16 cannot
 * compute exactly is not pushed (undefined here), so the JS pipeline runs it.
 *
 * How ClickHouse differs from the standard SQL pushdown starts from:
 * - parameters are `$n` placeholders the store binds client-side as typed literals
 *   (string → quoted, integer → `toInt64(n)`, float → `toFloat64(x)`), so no CAST;
 * - no TRUE/FALSE: booleans are UInt8 1/0, and come back as numbers ({@link clickhouse}.decode);
 * - TIMESTAMP columns hold Int64 microseconds since the epoch: time bounds are micros,
 *   and date values come back as micros;
 * - LIMIT/OFFSET take only number literals, and OFFSET needs a LIMIT; GROUP BY takes
 *   names, not positions;
 * - count(DISTINCT) of only nulls is null, not 0;
 * - `substringUTF8` needs a constant length and `replaceAll`/`match` constant patterns;
 * - identifiers in double quotes use backslash escapes;
 * - list columns are JSON text in the store, so they are left to JS; parsekv's pairs
 *   are (key, value, has value) tuples, as Nullable cannot sit inside an Array.
 */
import type { Value } from '../value.js';
import { STANDARD_SQL, kindOfColumnType, type SqlDialect } from './dialect.js';

/** A placeholder the store binds to a literal: the only SQL 18.16 accepts where a constant is required. */
const isPlaceholder = (sql: string): boolean => /^\$\d+$/.test(sql);

/**
 * The RE2 pattern of a general `*` pattern, matching exactly what semantics.ts
 * wildcardRegExp matches (JS `/is`: ASCII letters match either case and nothing else,
 * `*` spans line breaks), or undefined for a pattern with non-ASCII characters: RE2's
 * `(?i)` folds them differently (it even matches `k` with the Kelvin sign), so case is
 * spelled out as `[kK]` instead.
 */
function wildcardRegex(pattern: string): string | undefined {
  if ([...pattern].some((c) => c.charCodeAt(0) > 0x7f)) return undefined;
  const literal = (part: string): string => [...part].map((c) => {
    if (/[a-z]/i.test(c)) return `[${c.toLowerCase()}${c.toUpperCase()}]`;
    if (/[0-9]/.test(c)) return c;
    return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  }).join('');
  return `(?s)^${pattern.split('*').map(literal).join('.*')}$`;
}

/**
 * ClickHouse, 18.16 and later.
 *
 * @example
 * clickhouse.wildcard('"Image"', 'C:\\*.exe', params) // 'match("Image", $1)', $1 = '(?s)^[cC]\\x3a\\x5c.*\\x2e[eE][xX][eE]$'
 */
export const clickhouse: SqlDialect = {
  ...STANDARD_SQL,
  name: 'clickhouse',
  quoteIdent: (name) => '"' + name.replace(/[\\"]/g, (c) => '\\' + c) + '"',
  placeholder: (n) => `$${n}`,
  true: '1',
  false: '0',
  columnKind: (type) => {
    const kind = kindOfColumnType(type);
    return kind === 'list' ? 'unknown' : kind;
  },
  toDouble: (x) => `toFloat64(${x})`,
  toBigint: (x) => `toInt64(${x})`,
  integerText: (x) => `toString(${x})`,
  // Booleans are UInt8 here: toString would give 1/0.
  booleanText: (x) => `(CASE WHEN ${x} IS NULL THEN NULL WHEN ${x} = 1 THEN 'true' ELSE 'false' END)`,
  startsWith: (s, p) => `startsWith(${s}, ${p})`,
  endsWith: (s, p) => `endsWith(${s}, ${p})`,
  contains: (s, p) => `(position(${s}, ${p}) > 0)`,
  strpos: (s, n) => `positionUTF8(${s}, ${n})`,
  length: (s) => `lengthUTF8(${s})`,
  // substringUTF8 wants constant bounds on 18.16. A string whose bytes are all ASCII (as
  // many as its code points) is sliced by bytes; any other goes through UTF-32, where every
  // code point is 4 bytes (8× faster than splitting it into code points with extractAll on
  // bench:scale's lines). 18.16 evaluates every CASE branch for every row, so the UTF-32
  // branch is fed an empty string on ASCII rows.
  slice: (s, begin, end) => {
    const text = `ifNull(${s}, '')`;
    const ascii = `(length(${text}) = lengthUTF8(${text}))`;
    const b = `ifNull(${begin}, 0)`;
    const n = `(ifNull(${end}, 0) - ${b})`;
    const utf32 = `convertCharset(if(${ascii}, '', ${text}), 'UTF-8', 'UTF-32LE')`;
    return `(CASE WHEN ${s} IS NULL OR ${begin} IS NULL OR ${end} IS NULL THEN NULL ` +
      `WHEN ${ascii} THEN substring(${text}, ${b} + 1, ${n}) ` +
      `ELSE convertCharset(substring(${utf32}, 4 * ${b} + 1, 4 * ${n}), 'UTF-32LE', 'UTF-8') END)`;
  },
  replaceAll: (s, p, r) => (isPlaceholder(p) && isPlaceholder(r) ? `replaceAll(${s}, ${p}, ${r})` : undefined),
  wildcard: (s, pattern, params) => {
    const re = wildcardRegex(pattern);
    return re === undefined ? undefined : `match(${s}, ${params.add(re, 'VARCHAR')})`;
  },
  // count(DISTINCT x) of a Nullable column is NULL when every value is; count() is 0.
  countDistinct: (x) => `coalesce(count(DISTINCT ${x}), 0)`,
  timestamp: (at, params) => params.add(at.getTime() * 1000, 'BIGINT'),
  // Counts are numbers the parser made, never text: safe to write as literals. Above 2^53
  // every table is shorter, so clamping keeps the result. OFFSET needs a LIMIT on 18.16,
  // and one near 2^64 overflows there with the offset added (no rows at all): 2^53 - 1.
  limit: (limit, offset) => {
    const count = (n: number): string => String(Math.min(Math.max(0, Math.trunc(n)), Number.MAX_SAFE_INTEGER));
    if (offset === undefined || offset <= 0) return limit === undefined ? '' : ` LIMIT ${count(limit)}`;
    return ` LIMIT ${count(limit ?? Number.MAX_SAFE_INTEGER)} OFFSET ${count(offset)}`;
  },
  groupBy: (aliases) => aliases.join(', '),
  pairs: {
    // Nullable cannot sit inside an Array on 18.16 (nor can a lambda return Nullable(UInt8)
    // to arrayFilter), so a pair is a (key, value, has value) tuple of plain types. Byte
    // positions and byte substrings are exact here: the delimiter splits at a character
    // boundary. The trimmed set is javaTrim's (every code unit up to U+0020).
    list: (text, pd, kd) => {
      const trimmed = `arrayFilter(p -> p != '', arrayMap(p -> replaceRegexpAll(p, '^[\\\\x00-\\\\x20]+|[\\\\x00-\\\\x20]+$', ''), splitByString(${pd}, ifNull(${text}, ''))))`;
      return `arrayMap(p -> if(position(p, ${kd}) > 0, ` +
        `tuple(substring(p, 1, position(p, ${kd}) - 1), substring(p, position(p, ${kd}) + length(${kd})), toUInt8(1)), ` +
        `tuple(p, '', toUInt8(0))), ${trimmed})`;
    },
    lookup: (list, key, otherwise) => {
      const last = `arrayElement(arrayFilter(x -> tupleElement(x, 1) = ${key}, ${list}), -1)`;
      return `(CASE WHEN has(arrayMap(x -> tupleElement(x, 1), ${list}), ${key}) ` +
        `THEN (CASE WHEN tupleElement(${last}, 3) = 1 THEN tupleElement(${last}, 2) ELSE NULL END) ELSE ${otherwise} END)`;
    },
    read: (list) => (Array.isArray(list)
      ? (list as Value[][]).map((p) => [String(p[0]), p[2] === 1 ? p[1] ?? null : null] as const)
      : []),
  },
  decode: (value: Value, kind) => {
    if (kind === 'boolean' && typeof value === 'number') return value !== 0;
    if (kind === 'date' && (typeof value === 'number' || typeof value === 'string')) return new Date(Math.trunc(Number(value) / 1000));
    if (kind === 'number' && typeof value === 'string') return Number(value);
    return value;
  },
};
