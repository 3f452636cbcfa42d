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

  /** A placeholder for `value`, cast so DuckDB knows its type. */
  add(value: string | number, type: 'VARCHAR' | 'DOUBLE' | 'BIGINT'): string {
    this.values.push(value);
    return `CAST($${this.values.length} AS ${type})`;
  }
}
