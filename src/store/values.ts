/**
 * DuckDB values ↔ query {@link Value}s. Reading: BIGINT/HUGEINT/DECIMAL → number, LIST and
 * ARRAY → array, MAP/STRUCT → null-prototype object, TIMESTAMP/DATE → Date, JSON → the
 * parsed value, anything else exotic → its text. Writing (bound parameters, `writeRows`):
 * safe integers → BIGINT, other numbers DOUBLE, Date → TIMESTAMP, string lists → VARCHAR[].
 */
import {
  DuckDBArrayValue, DuckDBBlobValue, DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
  DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampTZValue,
  DuckDBTimestampValue, DuckDBUnionValue, listValue, timestampValue, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { IpAddress, isValueMap, type Row, type Value, type ValueMap } from '../query/value.js';

const MS_PER_DAY = 86_400_000;

function dateFromMillis(ms: number): Value {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A JSON-parsed value as a Value: objects become null-prototype maps. */
export function valueFromJson(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(valueFromJson);
  if (typeof v === 'object') {
    const m: ValueMap = Object.create(null) as ValueMap;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m[k] = valueFromJson(x);
    return m;
  }
  return null;
}

/**
 * One DuckDB value as a Value. `json` marks a JSON-typed column (its text is parsed).
 *
 * @example
 * valueFromDuckDB(42n) // 42
 */
export function valueFromDuckDB(v: DuckDBValue, json = false): Value {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
      if (json) { try { return valueFromJson(JSON.parse(v)); } catch { return v; } }
      return v;
    case 'number': case 'boolean': return v;
    case 'bigint': return Number(v);
  }
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return dateFromMillis(Number(v.micros / 1000n));
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map((x) => valueFromDuckDB(x));
  if (v instanceof DuckDBStructValue) {
    const m: ValueMap = Object.create(null) as ValueMap;
    for (const [k, x] of Object.entries(v.entries)) m[k] = valueFromDuckDB(x);
    return m;
  }
  if (v instanceof DuckDBMapValue) {
    const m: ValueMap = Object.create(null) as ValueMap;
    for (const e of v.entries) m[String(valueFromDuckDB(e.key))] = valueFromDuckDB(e.value);
    return m;
  }
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBDateValue) return dateFromMillis(v.days * MS_PER_DAY);
  if (v instanceof DuckDBTimestampMillisecondsValue) return dateFromMillis(Number(v.millis));
  if (v instanceof DuckDBTimestampSecondsValue) return dateFromMillis(Number(v.seconds) * 1000);
  if (v instanceof DuckDBTimestampNanosecondsValue) return dateFromMillis(Number(v.nanos / 1_000_000n));
  if (v instanceof DuckDBUnionValue) return valueFromDuckDB(v.value);
  if (v instanceof DuckDBBlobValue) return Buffer.from(v.bytes).toString('hex').toUpperCase();
  return v.toString();
}

/** True when a result column of this type holds JSON text. */
export function isJsonType(t: DuckDBType): boolean {
  return t.alias === 'JSON';
}

/**
 * A Value as a DuckDB value for a bound parameter or a generic column: safe integers as
 * BIGINT, Dates as TIMESTAMP, IP addresses as their text, lists as lists, maps as JSON text.
 *
 * @example
 * valueToDuckDB(4688) // 4688n
 */
export function valueToDuckDB(v: Value): DuckDBValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v instanceof Date) return timestampValue(BigInt(v.getTime()) * 1000n);
  if (v instanceof IpAddress) return v.text;
  if (Array.isArray(v)) return listValue(v.map(valueToDuckDB));
  return JSON.stringify(valueToJson(v));
}

/**
 * Spreads an `_extra` value (the JSON object of data fields without a column of their own)
 * into `row`, null fields left out; false when `extra` is not an object (then the caller
 * keeps it as a plain value). Both stores read `_extra` this way.
 */
export function mergeExtra(row: Row, extra: Value): boolean {
  if (extra === null || !isValueMap(extra)) return false;
  for (const k of Object.keys(extra)) { const x = extra[k]; if (x !== null && x !== undefined) row[k] = x; }
  return true;
}

/** A Value as plain JSON data (Dates as ISO text, IPs as text, maps as objects). */
export function valueToJson(v: Value): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof IpAddress) return v.text;
  if (Array.isArray(v)) return v.map(valueToJson);
  if (v !== null && isValueMap(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: valueToJson(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}
