/**
 * Haetae's column types in ClickHouse, and values both ways.
 *
 * ClickHouse 18.16 has no DateTime64, Map or JSON type, so each column keeps the logical
 * type the DuckDB store would give it (BIGINT, VARCHAR, TIMESTAMP, JSON …) in its COMMENT
 * (`haetae:TIMESTAMP`) and a physical type that holds it exactly: TIMESTAMP as Int64
 * microseconds since the epoch (DuckDB's precision), BOOLEAN as UInt8, JSON and string
 * lists as JSON text. `columns()` reports the logical types, so the query planner reads a
 * ClickHouse table exactly as a DuckDB one.
 */
import { IpAddress, type Row, type Value } from '../../query/value.js';
import { clickhouse } from '../../query/sql/clickhouse.js';
import { valueFromJson, valueToJson } from '../values.js';

/** The logical types a column can have (the DuckDB store's names). */
export type LogicalType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'VARCHAR[]' | 'JSON' | 'TIMESTAMP';

const PHYSICAL: Readonly<Record<LogicalType, string>> = {
  BIGINT: 'Int64', INTEGER: 'Int32', DOUBLE: 'Float64', BOOLEAN: 'UInt8', VARCHAR: 'String', 'VARCHAR[]': 'String', JSON: 'String', TIMESTAMP: 'Int64',
};

/** Prefix of the column comment that records the logical type. */
const COMMENT_PREFIX = 'haetae:';

/** True for a type name this store can hold. */
export function isLogicalType(t: string): t is LogicalType {
  return Object.prototype.hasOwnProperty.call(PHYSICAL, t);
}

/** A column definition: quoted name, nullable physical type, logical type in the comment. */
export function columnDefinition(name: string, type: LogicalType, nullable = true): string {
  const physical = PHYSICAL[type];
  return `${quoteName(name)} ${nullable ? `Nullable(${physical})` : physical} COMMENT '${COMMENT_PREFIX}${type}'`;
}

/**
 * DDL giving a column its logical-type comment. 18.16 drops the COMMENT of
 * `ALTER TABLE … ADD COLUMN` (only CREATE TABLE keeps it), so an added column gets it here.
 */
export function commentColumn(table: string, name: string, type: LogicalType): string {
  return `ALTER TABLE ${quoteName(table)} COMMENT COLUMN ${quoteName(name)} '${COMMENT_PREFIX}${type}'`;
}

/** The logical type a column's comment records, or one guessed from its physical type (a table made outside Haetae). */
export function logicalTypeOf(physical: string, comment: string): LogicalType {
  if (comment.startsWith(COMMENT_PREFIX)) {
    const t = comment.slice(COMMENT_PREFIX.length);
    if (isLogicalType(t)) return t;
  }
  const base = physical.replace(/^Nullable\((.*)\)$/, '$1');
  if (/^U?Int(8|16|32)$/.test(base)) return base === 'UInt8' ? 'BOOLEAN' : 'INTEGER';
  if (/^U?Int64$/.test(base)) return 'BIGINT';
  if (/^Float/.test(base)) return 'DOUBLE';
  if (/^Array\(/.test(base)) return 'VARCHAR[]';
  if (/^DateTime/.test(base)) return 'TIMESTAMP';
  return 'VARCHAR';
}

/** Quotes an identifier: the ClickHouse dialect's quoting (double quotes, backslash escapes). */
export const quoteName: (name: string) => string = clickhouse.quoteIdent;

/** A string as a ClickHouse literal: backslash escapes (ClickHouse reads `\'` and `\\`). */
export function quoteString(s: string): string {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0') + "'";
}

/** A Date as the store's microseconds. */
export function dateMicros(d: Date): number {
  return d.getTime() * 1000;
}

/**
 * A bound parameter as literal SQL. Only values are ever written this way, and only through
 * {@link bindParameters}: strings are quoted, numbers typed, nothing else reaches the text.
 */
export function literal(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return `toInt64(${v})`;
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return `toFloat64(${String(v)})`;
  }
  if (v instanceof Date) return `toInt64(${dateMicros(v)})`;
  if (v instanceof IpAddress) return quoteString(v.text);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return quoteString(JSON.stringify(valueToJson(v)));
}

/**
 * Replaces `$1`…`$n` placeholders outside string literals and quoted identifiers with the
 * parameters' literals (18.16 has no server-side query parameters over HTTP).
 *
 * @example
 * bindParameters(`SELECT * FROM t WHERE "a$1" = $1`, ['x']) // `SELECT * FROM t WHERE "a$1" = 'x'`
 */
export function bindParameters(sql: string, parameters: readonly Value[]): string {
  if (parameters.length === 0 && !sql.includes('$')) return sql;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') { j += 2; continue; }
        if (sql[j] === c) { if (sql[j + 1] === c) { j += 2; continue; } break; }
        j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const m = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (m !== null) {
        const n = Number(m[1]);
        if (n < 1 || n > parameters.length) throw new Error(`SQL parameter $${n} has no value (${parameters.length} given)`);
        out += literal(parameters[n - 1]!);
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** A raw JSONEachRow value of a column of logical type `type` as a query Value. */
export function decodeValue(raw: unknown, type: LogicalType | undefined): Value {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'TIMESTAMP': return typeof raw === 'number' ? new Date(Math.trunc(raw / 1000)) : valueFromJson(raw);
    case 'BOOLEAN': return typeof raw === 'number' ? raw !== 0 : valueFromJson(raw);
    case 'JSON': case 'VARCHAR[]':
      if (typeof raw !== 'string') return valueFromJson(raw);
      try { return valueFromJson(JSON.parse(raw)); } catch { return raw; }
    default: return valueFromJson(raw);
  }
}

/** A Value as the JSONEachRow value of a column of logical type `type` (null when it cannot be held). */
export function encodeValue(v: Value, type: LogicalType): unknown {
  if (v === null) return null;
  switch (type) {
    case 'TIMESTAMP': return v instanceof Date ? dateMicros(v) : null;
    case 'BOOLEAN': return typeof v === 'boolean' ? (v ? 1 : 0) : null;
    case 'BIGINT': case 'INTEGER': return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
    case 'DOUBLE': return typeof v === 'number' ? (Number.isFinite(v) ? v : null) : null;
    case 'VARCHAR': return v instanceof IpAddress ? v.text : typeof v === 'string' ? v : JSON.stringify(valueToJson(v));
    case 'JSON': case 'VARCHAR[]': return JSON.stringify(valueToJson(v));
  }
}

/** A generic-table row as a JSONEachRow line over `columns`. */
export function encodeRowLine(row: Row, columns: readonly { name: string; type: LogicalType }[]): string {
  const o: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v !== undefined && v !== null) Object.defineProperty(o, c.name, { value: encodeValue(v, c.type), enumerable: true });
  }
  return JSON.stringify(o);
}
