/**
 * The SQL the forensic views send, spelled for the store's engine: DuckDB (the embedded
 * store) or ClickHouse 18.16 and later (src/store/clickhouse). The views write one query
 * each out of these pieces; only what the two engines spell differently is here, keyed
 * on the store's `sqlDialect` name, so a view never tests the engine itself.
 *
 * What differs, and why each piece exists:
 * - string literals: DuckDB doubles quotes and keeps backslashes, ClickHouse reads
 *   backslash escapes (a regex literal must be written for the engine that reads it);
 * - identifiers: DuckDB resolves them case-insensitively, ClickHouse does not, so a field
 *   is written with the column's real name ({@link TableColumns});
 * - data fields as text: DuckDB casts, ClickHouse formats booleans (UInt8) as DuckDB
 *   does (`true`/`false`); fields kept in `_extra` JSON are read with
 *   `json_extract_string` or, on 18.16 (no JSONExtract), `visitParamExtract*`;
 * - aggregates into lists, joins (ClickHouse wants ALL/ANY) and a few function names;
 * - results: ClickHouse returns computed times as Int64 microseconds and booleans as 0/1
 *   ({@link ForensicSql.time}, {@link ForensicSql.bool}).
 *
 * Every view passes values as `$n` placeholders ({@link SqlParams}), which both stores bind.
 */
import type { Value } from '../query/value.js';
import type { Store } from '../store/types.js';
import { quoteString } from '../store/clickhouse/index.js';
import { clickhouse as clickhouseDialect } from '../query/sql/clickhouse.js';

/** A table's columns by lower-cased name: the real name and the store's type name. */
export type TableColumns = ReadonlyMap<string, { readonly name: string; readonly type: string }>;

/** A hash algorithm of a Sysmon `Hashes` field. */
export type HashAlgo = 'SHA256' | 'SHA1' | 'MD5' | 'IMPHASH';

/** One engine's spelling of the pieces the forensic queries are made of. */
export interface ForensicSql {
  readonly name: 'duckdb' | 'clickhouse';
  /** A SQL string literal (for constants the code chooses and regexes; input goes through SqlParams). */
  string(s: string): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** Lower case, Unicode-aware as DuckDB's `lower`. */
  lower(x: string): string;
  /**
   * A data field of a table as text: its column (numbers in decimal, booleans `true`/`false`),
   * else `_extra`'s value for it when rows keep it there (a name that differs only in case
   * from another column, such as 5156 `ProcessID` next to 4688 `ProcessId`), else NULL.
   */
  field(columns: TableColumns, name: string): string;
  /** The first capture group of RE2 `re` in `s`, '' when it does not match. */
  regexGroup(s: string, re: string): string;
  endsWith(s: string, suffix: string): string;
  contains(s: string, part: string): string;
  /** `s` without trailing dots. */
  trimTrailingDots(s: string): string;
  /** An IPv4 address (text) as its 32-bit number, NULL when the text is not one. */
  ipv4(s: string): string;
  /** The prefix length of an IPv4 CIDR network (`a.b.c.d/n`), NULL when it has none from 0 to 32. */
  prefixLength(network: string): string;
  /** The address part of a CIDR network text. */
  networkAddress(network: string): string;
  /** `a` shifted right by `bits`. */
  shiftRight(a: string, bits: string): string;
  /** Join keywords: each row of both sides that match; each left row with its one match or none. */
  readonly innerJoin: string;
  readonly leftJoin: string;
  /** Distinct non-null values of `x` in a group (0 when none). */
  countDistinct(x: string): string;
  /** The distinct non-null values of `x` in a group, sorted, the first `limit` (an empty list when none). */
  sortedDistinct(x: string, limit?: number, where?: string): string;
  /** True when `cond` held for some row of the group where `present`; NULL when there is no such row. */
  anyTrue(cond: string, present: string): string;
  /** True when some element of the text list `list`, lower-cased, is one of the literals `values`. */
  listHasLower(list: string, values: string): string;
  /** The first element of `list` whose lower case is one of the literals `values`. */
  firstLower(list: string, values: string): string;
  /** A computed time value read back (DuckDB: a Date; ClickHouse: microseconds) as a Date, or null. */
  time(v: Value | undefined): Date | null;
  /** A computed boolean read back (ClickHouse: 0/1) as a boolean, or null. */
  bool(v: Value | undefined): boolean | null;
}

/** Collects the values of `$n` placeholders. */
export class SqlParams {
  readonly values: Value[] = [];

  /** The placeholder of a new parameter holding `v`. */
  add(v: Value): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** RE2: an IPv4 address, dotted decimal, anchored. */
const IPV4_RE = '^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$';
/** RE2: a prefix length from 0 to 32 after the `/` of a CIDR network. */
const PREFIX_RE = '/([0-9]|[12][0-9]|3[0-2])$';

const duckdbString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const duckdbIdent = (name: string): string => '"' + name.replace(/"/g, '""') + '"';

const duckdb: ForensicSql = {
  name: 'duckdb',
  string: duckdbString,
  ident: duckdbIdent,
  lower: (x) => `lower(${x})`,
  field: (columns, name) => {
    const extra = `json_extract_string("_extra", ${duckdbString('$.' + name)})`;
    const c = columns.get(name.toLowerCase());
    return c === undefined ? extra : `coalesce(CAST(${duckdbIdent(c.name)} AS VARCHAR), ${extra})`;
  },
  regexGroup: (s, re) => `regexp_extract(${s}, ${duckdbString(re)}, 1)`,
  endsWith: (s, suffix) => `ends_with(${s}, ${suffix})`,
  contains: (s, part) => `contains(${s}, ${part})`,
  trimTrailingDots: (s) => `rtrim(${s}, '.')`,
  ipv4: (s) => {
    const octet = (i: number): string => `TRY_CAST(split_part(${s}, '.', ${i}) AS BIGINT)`;
    return `CASE WHEN regexp_matches(${s}, ${duckdbString(IPV4_RE)}) THEN ${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)} END`;
  },
  prefixLength: (n) => `CASE WHEN regexp_matches(${n}, ${duckdbString(PREFIX_RE)}) THEN TRY_CAST(split_part(${n}, '/', 2) AS BIGINT) END`,
  networkAddress: (n) => `split_part(${n}, '/', 1)`,
  shiftRight: (a, bits) => `(${a} >> ${bits})`,
  innerJoin: 'JOIN',
  leftJoin: 'LEFT JOIN',
  countDistinct: (x) => `count(DISTINCT ${x})`,
  sortedDistinct: (x, limit, where) => {
    const list = `coalesce(list(DISTINCT ${x} ORDER BY ${x}) FILTER (WHERE ${x} IS NOT NULL${where === undefined ? '' : ` AND (${where})`}), [])`;
    return limit === undefined ? list : `${list}[1:${limit}]`;
  },
  anyTrue: (cond, present) => `bool_or(${cond}) FILTER (WHERE ${present})`,
  listHasLower: (list, values) => `list_has_any(list_transform(${list}, x -> lower(x)), [${values}])`,
  firstLower: (list, values) => `list_filter(${list}, x -> lower(x) IN (${values}))[1]`,
  time: (v) => (v instanceof Date ? v : null),
  bool: (v) => (typeof v === 'boolean' ? v : null),
};

/** ClickHouse's string literals (backslash escapes) and identifiers, as its store and dialect write them. */
const clickhouseString = quoteString;
const clickhouseIdent = clickhouseDialect.quoteIdent;

/** Text of a value kept in `_extra` (JSON text): strings unquoted, numbers and booleans as written, NULL when absent or null. */
function clickhouseExtra(name: string): string {
  const key = clickhouseString(name);
  const raw = `visitParamExtractRaw("_extra", ${key})`;
  return `if(visitParamHas("_extra", ${key}) AND ${raw} != 'null', if(startsWith(${raw}, '"'), visitParamExtractString("_extra", ${key}), ${raw}), NULL)`;
}

const clickhouse: ForensicSql = {
  name: 'clickhouse',
  string: clickhouseString,
  ident: clickhouseIdent,
  lower: (x) => `lowerUTF8(${x})`,
  field: (columns, name) => {
    const c = columns.get(name.toLowerCase());
    if (c === undefined) return clickhouseExtra(name);
    const col = clickhouseIdent(c.name);
    const text = c.type === 'BOOLEAN' ? `multiIf(isNull(${col}), NULL, ${col} != 0, 'true', 'false')` : `CAST(${col} AS Nullable(String))`;
    return `coalesce(${text}, ${clickhouseExtra(name)})`;
  },
  regexGroup: (s, re) => `extract(${s}, ${clickhouseString(re)})`,
  endsWith: (s, suffix) => `endsWith(${s}, ${suffix})`,
  contains: (s, part) => `(position(${s}, ${part}) > 0)`,
  trimTrailingDots: (s) => `replaceRegexpOne(${s}, '\\\\.+$', '')`,
  ipv4: (s) => {
    const octet = (i: number): string => `toInt64OrZero(splitByChar('.', ifNull(${s}, ''))[${i}])`;
    return `if(match(${s}, ${clickhouseString(IPV4_RE)}), ${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)}, NULL)`;
  },
  prefixLength: (n) => `if(match(${n}, ${clickhouseString(PREFIX_RE)}), toInt64OrZero(splitByChar('/', ifNull(${n}, ''))[2]), NULL)`,
  networkAddress: (n) => `splitByChar('/', ifNull(${n}, ''))[1]`,
  shiftRight: (a, bits) => `bitShiftRight(${a}, ${bits})`,
  innerJoin: 'ALL INNER JOIN',
  leftJoin: 'ANY LEFT JOIN',
  countDistinct: (x) => `uniqExact(${x})`,
  sortedDistinct: (x, limit, where) => {
    const list = `arraySort(${where === undefined ? `groupUniqArray(${x})` : `groupUniqArrayIf(${x}, ${where})`})`;
    return limit === undefined ? list : `arraySlice(${list}, 1, ${limit})`;
  },
  // A Nullable result, so a group without such rows (and an unmatched LEFT JOIN row) reads NULL.
  anyTrue: (cond, present) => `if(countIf(${present}) = 0, NULL, maxIf(${cond}, ${present}))`,
  listHasLower: (list, values) => `arrayExists(x -> lowerUTF8(x) IN (${values}), ${list})`,
  firstLower: (list, values) => `arrayFilter(x -> lowerUTF8(x) IN (${values}), ${list})[1]`,
  time: (v) => {
    if (v instanceof Date) return v;
    if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))) return new Date(Math.trunc(Number(v) / 1000));
    return null;
  },
  bool: (v) => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : null),
};

/**
 * The forensic SQL of a store's engine (DuckDB unless the store speaks ClickHouse).
 *
 * @example
 * const sql = forensicSql(store); sql.lower('host') // 'lowerUTF8(host)' on ClickHouse
 */
export function forensicSql(store: Store): ForensicSql {
  return store.sqlDialect?.name === 'clickhouse' ? clickhouse : duckdb;
}

/**
 * SQL for one algorithm's value in a Sysmon `Hashes` field (`SHA1=…,MD5=…,SHA256=…`), upper
 * case, '' when absent — read as splitHashes (src/event/normalize.ts) reads it: comma-
 * separated `ALGO=value`, names and values trimmed, case ignored.
 *
 * @example
 * hashSql(sql, '"Hashes"', 'SHA256')
 */
export function hashSql(sql: ForensicSql, hashes: string, algo: HashAlgo): string {
  return `upper(${sql.regexGroup(hashes, `(?i)(?:^|,)\\s*${algo}\\s*=\\s*([^,]*?)\\s*(?:,|$)`)})`;
}
