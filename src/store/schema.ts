/**
 * The event table schema: `_id`, `_time`, the Event's system fields as typed columns,
 * `line`, `_extra` (JSON leftovers), then one typed column per data field, added when
 * the field first appears. Identifiers are always quoted; values are never spliced in.
 */
import type { EventValue, FieldType } from '../event/index.js';

/** The DuckDB types a data column can have. */
export type DataColumnType = 'BIGINT' | 'BOOLEAN' | 'VARCHAR' | 'VARCHAR[]';

/** A system column: its name (the Event's key) and type. */
export interface SystemColumn {
  readonly name: SystemField;
  readonly type: 'INTEGER' | 'BIGINT' | 'VARCHAR';
}

/** The Event's system fields, in Event order. */
export type SystemField = 'host' | 'channel' | 'provider' | 'provider_guid' | 'event_id' | 'qualifiers' | 'version' | 'level' | 'task' | 'opcode'
  | 'keywords' | 'record_id' | 'process_id' | 'thread_id' | 'user_sid' | 'activity_id' | 'related_activity_id';

/**
 * System columns. 16-bit and 8-bit Windows fields are INTEGER; record, process and thread
 * ids (unsigned 64/32-bit) BIGINT.
 */
export const SYSTEM_COLUMNS: readonly SystemColumn[] = [
  { name: 'host', type: 'VARCHAR' }, { name: 'channel', type: 'VARCHAR' }, { name: 'provider', type: 'VARCHAR' },
  { name: 'provider_guid', type: 'VARCHAR' }, { name: 'event_id', type: 'INTEGER' }, { name: 'qualifiers', type: 'INTEGER' },
  { name: 'version', type: 'INTEGER' }, { name: 'level', type: 'INTEGER' }, { name: 'task', type: 'INTEGER' },
  { name: 'opcode', type: 'INTEGER' }, { name: 'keywords', type: 'VARCHAR' }, { name: 'record_id', type: 'BIGINT' },
  { name: 'process_id', type: 'BIGINT' }, { name: 'thread_id', type: 'BIGINT' }, { name: 'user_sid', type: 'VARCHAR' },
  { name: 'activity_id', type: 'VARCHAR' }, { name: 'related_activity_id', type: 'VARCHAR' },
];

/** Name of the column holding data values that have no column of their own (JSON object). */
export const EXTRA_COLUMN = '_extra';

/** Every fixed column of an event table, in table order. */
export const FIXED_COLUMNS: readonly { name: string; type: string }[] = [
  { name: '_id', type: 'BIGINT' }, { name: '_time', type: 'TIMESTAMP' }, ...SYSTEM_COLUMNS,
  { name: 'line', type: 'VARCHAR' }, { name: EXTRA_COLUMN, type: 'JSON' },
];

/** The store's bookkeeping table of imported files. */
export const IMPORTS_TABLE = '_imports';

/**
 * A SQL identifier, quoted (DuckDB: `"` doubled inside).
 *
 * @example
 * quoteIdent('Image') // '"Image"'
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `CREATE TABLE` text for a new event table with the given data columns. */
export function createEventTableSql(table: string, data: readonly { name: string; type: string }[]): string {
  const cols = [...FIXED_COLUMNS, ...data].map((c) => `${quoteIdent(c.name)} ${c.type}`);
  return `CREATE TABLE ${quoteIdent(table)} (${cols.join(', ')})`;
}

/**
 * A data field's column type: from the field catalog's type when it knows one, else from the
 * first value seen (integers BIGINT, booleans BOOLEAN, string lists VARCHAR[], anything else VARCHAR).
 */
export function dataColumnType(catalogType: FieldType | undefined, value: EventValue): DataColumnType {
  switch (catalogType) {
    case 'number': return 'BIGINT';
    case 'boolean': return 'BOOLEAN';
    case 'array': return 'VARCHAR[]';
    case 'string': case 'guid': return 'VARCHAR';
    default:
      if (typeof value === 'number') return Number.isSafeInteger(value) ? 'BIGINT' : 'VARCHAR';
      if (typeof value === 'boolean') return 'BOOLEAN';
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || v === null)) return 'VARCHAR[]';
      return 'VARCHAR';
  }
}

/** True when `v` (not null) can be stored in a column of `type` and read back unchanged. */
export function fitsColumn(v: EventValue, type: string): boolean {
  switch (type) {
    case 'BIGINT': return typeof v === 'number' && Number.isSafeInteger(v);
    case 'INTEGER': return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'BOOLEAN': return typeof v === 'boolean';
    case 'VARCHAR[]': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'VARCHAR': return typeof v === 'string';
    default: return false;
  }
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An Event `_time` (ISO 8601, up to 9 fractional digits) as microseconds since the Unix
 * epoch (DuckDB TIMESTAMP precision: EVTX's 100 ns digit is dropped), or null if unparseable.
 *
 * @example
 * timeMicros('2024-05-01T10:00:00.1234567Z') // 1714557600123456n
 */
export function timeMicros(time: string): bigint | null {
  const fast = canonicalTimeMicros(time);
  if (fast !== null) return fast;
  const m = ISO_TIME.exec(time);
  if (m === null) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!Number.isFinite(ms)) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const micros = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0').slice(0, 6));
  return BigInt(ms - offsetMinutes * 60000) * 1000n + BigInt(micros);
}

/** The last minute prefix (`YYYY-MM-DDTHH:MM`) seen and its `Date.UTC`: events come in time order. */
let minutePrefix = '';
let minuteMs = 0;

/** Digit value of `s[i]`, or NaN. */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * {@link timeMicros} for the form every decoder writes (`2024-05-01T10:00:00.1234567Z`,
 * from FILETIME's 100 ns ticks) without the regular expression and BigInt arithmetic, which
 * cost ~1.7 µs per event on import; null for any other form.
 */
function canonicalTimeMicros(t: string): bigint | null {
  if (t.length !== 28 || t.charCodeAt(27) !== 90 /* Z */ || t.charCodeAt(10) !== 84 /* T */ || t.charCodeAt(19) !== 46 /* . */
    || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null;
  if (!t.startsWith(minutePrefix) || minutePrefix === '') {
    const year = digit(t, 0) * 1000 + digit(t, 1) * 100 + digit(t, 2) * 10 + digit(t, 3);
    const ms = Date.UTC(year, digit(t, 5) * 10 + digit(t, 6) - 1, digit(t, 8) * 10 + digit(t, 9), digit(t, 11) * 10 + digit(t, 12), digit(t, 14) * 10 + digit(t, 15));
    if (!Number.isFinite(ms)) return null;
    minutePrefix = t.slice(0, 16);
    minuteMs = ms;
  }
  if (Number.isNaN(digit(t, 26))) return null; // the 100 ns digit: checked, then dropped
  let frac = 0;
  for (let i = 20; i < 26; i++) frac = frac * 10 + digit(t, i);
  const micros = (minuteMs + (digit(t, 17) * 10 + digit(t, 18)) * 1000) * 1000 + frac;
  return Number.isSafeInteger(micros) ? BigInt(micros) : null;
}
