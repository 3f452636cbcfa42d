/**
 * DuckDB specifics of SQL pushdown: identifier quoting, parameter placeholders and what
 * a store column type means for the language's value types. Generic by default; a
 * dialect is a short file of overrides (STYLE.md, after PRQL and Kysely).
 */

/** The language-level kind of an SQL expression's value, when the planner knows it. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'list' | 'null' | 'unknown';

/** Quotes an identifier (doubling embedded quotes); values never go into SQL text. */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * The kind of values a DuckDB column type yields once read back as a query Value.
 *
 * @example
 * kindOfColumnType('BIGINT') // 'number'
 */
export function kindOfColumnType(type: string): ValueKind {
  const t = type.toUpperCase();
  if (t === 'VARCHAR' || t === 'UUID') return 'string';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|HUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t.startsWith('TIMESTAMP')) return 'date';
  if (t.endsWith('[]')) return 'list';
  return 'unknown';
}

/** Collects bound parameters and hands out `$n` placeholders for them. */
export class Parameters {
  readonly values: Array<string | number> = [];
  private readonly seen = new Map<string, number>();

  /** A placeholder for `value`, cast so DuckDB knows its type; the same value reuses its placeholder. */
  add(value: string | number, type: 'VARCHAR' | 'DOUBLE' | 'BIGINT'): string {
    const key = `${type}:${typeof value}:${String(value)}`;
    let n = this.seen.get(key);
    if (n === undefined) {
      this.values.push(value);
      n = this.values.length;
      this.seen.set(key, n);
    }
    return `CAST($${n} AS ${type})`;
  }

  /** Forgets parameters added after `mark` (a failed translation's). */
  truncate(mark: number): void {
    this.values.length = mark;
    for (const [k, n] of this.seen) if (n > mark) this.seen.delete(k);
  }
}

/** True when `sql` is cheap to repeat: a column reference, a parameter or a constant. */
export function isSimpleSql(sql: string): boolean {
  return /^("(?:[^"]|"")*"|CAST\(\$\d+ AS \w+\)|NULL|TRUE|FALSE)$/.test(sql);
}
