/**
 * What SQL pushdown needs to know about the engine it writes for: a {@link SqlDialect}.
 * The translation (expr.ts, pushdown.ts) is generic; a dialect is a short file of
 * overrides and capability flags next to it (duckdb.ts, clickhouse.ts), after PRQL's
 * `sql/dialect.rs` and Kysely's `src/dialect/*` (STYLE.md). {@link STANDARD_SQL} holds the
 * pieces that are plain standard SQL, so each dialect only spells what its engine does
 * differently.
 */
import type { Value } from '../value.js';

/** The language-level kind of an SQL expression's value, when the planner knows it. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'list' | 'null' | 'unknown';

/** The SQL type a bound parameter is given. */
export type ParameterType = 'VARCHAR' | 'DOUBLE' | 'BIGINT';

/**
 * One SQL engine's spelling of what pushdown writes. Every method returns SQL text built
 * from SQL text (never from values: values go through {@link Parameters}); `undefined`
 * means "this engine cannot compute it exactly", and the planner leaves the command to
 * the JS pipeline.
 */
export interface SqlDialect {
  /** For `--explain` and error messages. */
  readonly name: string;
  /** Quotes an identifier so any name is safe. */
  quoteIdent(name: string): string;
  /** The placeholder of parameter `n` (1-based) holding a value of `type`. */
  placeholder(n: number, type: ParameterType): string;
  /** Boolean constants. */
  readonly true: string;
  readonly false: string;
  /** The kind of values a column of this store type yields ('unknown' keeps it out of SQL). */
  columnKind(type: string): ValueKind;
  /** A number as a double. */
  toDouble(x: string): string;
  /** A whole double (already truncated) as a 64-bit integer. */
  toBigint(x: string): string;
  /** A BIGINT's decimal text (JS's `String(n)` for a safe integer); null stays null. */
  integerText(x: string): string;
  /** A BOOLEAN column's value as `true`/`false` (JS's `String(b)`); null stays null. */
  booleanText(x: string): string;
  /** Drops the fraction of a double, toward zero. */
  trunc(x: string): string;
  startsWith(s: string, prefix: string): string;
  endsWith(s: string, suffix: string): string;
  /** True when `s` holds `part` (case-sensitive). */
  contains(s: string, part: string): string;
  /** 1-based position of the first `needle` in `s`, in code points; 0 when absent. */
  strpos(s: string, needle: string): string;
  /** Length of `s` in code points. */
  length(s: string): string;
  /**
   * Code points `begin` (0-based) up to `end` (exclusive) of `s`; only called where
   * `0 <= begin < length(s)` and `begin <= end <= length(s)` whenever all three are non-null,
   * and must be null when any is null.
   */
  slice(s: string, begin: string, end: string): string;
  /**
   * Every occurrence of the non-empty `pattern` in `s` replaced by `replacement`, or
   * undefined when the engine cannot take these arguments (e.g. a non-constant replacement).
   */
  replaceAll(s: string, pattern: string, replacement: string): string | undefined;
  /**
   * True when all of `s` matches the language's general `*` pattern (anchored,
   * case-insensitive the way semantics.ts wildcardRegExp is, `*` spanning line breaks),
   * or undefined when this engine cannot match it exactly.
   */
  wildcard(s: string, pattern: string, params: Parameters): string | undefined;
  /** A bound for a TIMESTAMP column (the time window of `table`). */
  timestamp(at: Date, params: Parameters): string;
  /** The number of distinct non-null values of `x` in a group: 0, never null, when all are null. */
  countDistinct(x: string): string;
  /** The ` LIMIT … OFFSET …` clause (leading space) for either or both counts. */
  limit(limit: number | undefined, offset: number | undefined, params: Parameters): string;
  /** The `GROUP BY` list of a select whose first `aliases.length` items are the keys. */
  groupBy(aliases: readonly string[]): string;
  /**
   * parsekv's pair list as SQL, or undefined when the engine has no exact form (then
   * parsekv and everything after it run in JS). See pushdown.ts pushParsekv.
   */
  readonly pairs?: {
    /** The list of `{k, v}` pairs of `text` split at `pairdelim`, each trimmed of `ws`, split at the first `kvdelim`. */
    list(text: string, pairdelim: string, kvdelim: string, ws: string): string;
    /** The value of the last pair keyed `key` in `list`, else `otherwise`. */
    lookup(list: string, key: string, otherwise: string): string;
    /** The pairs of a list as the store returns it; absent when they come back as `{k, v}` maps. */
    read?(list: Value): ReadonlyArray<readonly [string, Value]>;
  };
  /**
   * A result value as the JS pipeline would hold it, given the kind the planner knows:
   * an engine without booleans or timestamps returns them as numbers. Absent when the
   * store already returns every value as the JS pipeline holds it.
   */
  decode?(value: Value, kind: ValueKind): Value;
}

/** The kind of values a DuckDB column type yields once read back as a query Value. */
export function kindOfColumnType(type: string): ValueKind {
  const t = type.toUpperCase();
  if (t === 'VARCHAR' || t === 'UUID') return 'string';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t.startsWith('TIMESTAMP')) return 'date';
  if (t.endsWith('[]')) return 'list';
  return 'unknown';
}

/**
 * The standard-SQL parts every dialect starts from: double-quoted identifiers, typed
 * `CAST` placeholders, `TRUE`/`FALSE`, `CAST` conversions and positional `GROUP BY`. Column types are DuckDB's names, which every store
 * reports (see ../exec/context.ts ColumnInfo).
 */
export const STANDARD_SQL = {
  quoteIdent: (name: string): string => '"' + name.replace(/"/g, '""') + '"',
  placeholder: (n: number, type: ParameterType): string => `CAST($${n} AS ${type})`,
  true: 'TRUE',
  false: 'FALSE',
  columnKind: kindOfColumnType,
  toDouble: (x: string): string => `CAST(${x} AS DOUBLE)`,
  toBigint: (x: string): string => `CAST(${x} AS BIGINT)`,
  integerText: (x: string): string => `CAST(${x} AS VARCHAR)`,
  booleanText: (x: string): string => `CAST(${x} AS VARCHAR)`,
  trunc: (x: string): string => `trunc(${x})`,
  countDistinct: (x: string): string => `count(DISTINCT ${x})`,
  limit: (limit: number | undefined, offset: number | undefined, params: Parameters): string =>
    (limit !== undefined ? ` LIMIT ${params.add(limit, 'BIGINT')}` : '') +
    (offset !== undefined && offset > 0 ? ` OFFSET ${params.add(offset, 'BIGINT')}` : ''),
  groupBy: (aliases: readonly string[]): string => aliases.map((_, i) => String(i + 1)).join(', '),
} satisfies Partial<SqlDialect>;

/** Collects bound parameters and hands out the dialect's placeholders for them. */
export class Parameters {
  readonly values: Array<string | number> = [];
  private readonly seen = new Map<string, number>();

  constructor(readonly dialect: Pick<SqlDialect, 'placeholder'>) {}

  /** A placeholder for `value` of SQL type `type`; the same value reuses its placeholder. */
  add(value: string | number, type: ParameterType): string {
    const key = `${type}:${typeof value}:${String(value)}`;
    let n = this.seen.get(key);
    if (n === undefined) {
      this.values.push(value);
      n = this.values.length;
      this.seen.set(key, n);
    }
    return this.dialect.placeholder(n, type);
  }

  /** Forgets parameters added after `mark` (a failed translation's). */
  truncate(mark: number): void {
    this.values.length = mark;
    for (const [k, n] of this.seen) if (n > mark) this.seen.delete(k);
  }
}

/** True when `sql` is cheap to repeat: a quoted column reference, a parameter or a constant. */
export function isSimpleSql(sql: string): boolean {
  // Quoted names: doubled quotes (standard SQL) or backslash escapes (ClickHouse).
  return /^("(?:[^"]|"")*"|"(?:[^"\\]|\\.)*"|CAST\(\$\d+ AS \w+\)|\$\d+|NULL|TRUE|FALSE|0|1)$/.test(sql);
}
