/**
 * Reading event rows back for forensics: bounded SELECTs on the store, stored rows turned
 * back into Events (so the detection code that reads Events, such as the process tracker,
 * runs on them unchanged), and the small shapes every forensic answer shares.
 */
import { emptyEvent, setField, type Event, type EventValue } from '../event/index.js';
import type { Row, Value } from '../query/value.js';
import { FIXED_COLUMNS } from '../store/schema.js';
import type { Store } from '../store/types.js';
import type { TableColumns } from './sql.js';

/** The tables Sysmon and Security events go to (store/table-names.ts DEFAULT_TABLES). */
export const SYSMON_TABLE = 'sysmon';
export const SECURITY_TABLE = 'security';

/** A stored event that is evidence for something; find it again by table, host, event ID and record ID. */
export interface EventRef {
  readonly table: string;
  readonly event_id: number;
  readonly record_id: number | null;
  /** ISO 8601 UTC. */
  readonly time: string;
}

/** Every row of one SELECT with bound `$n` parameters. */
export async function allRows(store: Store, sql: string, parameters: readonly Value[] = []): Promise<Row[]> {
  const out: Row[] = [];
  for await (const rows of store.runSql(sql, parameters)) out.push(...rows);
  return out;
}

/** True when the store has the table. */
export async function hasTable(store: Store, table: string): Promise<boolean> {
  return (await store.tableNames()).includes(table);
}

/** A table's columns by lower-cased name (empty when it does not exist). */
export async function tableColumns(store: Store, table: string): Promise<TableColumns> {
  return new Map(((await store.columns(table)) ?? []).map((c) => [c.name.toLowerCase(), c]));
}

const SYSTEM = new Set(FIXED_COLUMNS.map((c) => c.name));

/**
 * A stored row as the Event it was imported from: system columns back to their fields,
 * data columns into `data` (the store merges `_extra` into selected rows; null columns,
 * which the event lacked, are left out).
 */
export function eventFromRow(row: Row): Event {
  const e = emptyEvent();
  e._time = isoTime(row._time) ?? '';
  e.host = typeof row.host === 'string' ? row.host : '';
  e.channel = typeof row.channel === 'string' ? row.channel : '';
  e.provider = typeof row.provider === 'string' ? row.provider : '';
  e.event_id = typeof row.event_id === 'number' ? row.event_id : 0;
  e.record_id = typeof row.record_id === 'number' ? row.record_id : null;
  for (const k of Object.keys(row)) {
    const v = row[k];
    if (SYSTEM.has(k) || v === null || v === undefined) continue;
    setField(e.data, k, eventValue(v));
  }
  return e;
}

function eventValue(v: Value): EventValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(eventValue);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A time value as ISO 8601 UTC, or null. */
export function isoTime(v: Value | number | undefined): string | null {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v).toISOString() : null;
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return null;
}

/** The reference to a stored event row (or an Event read back from one). */
export function eventRef(table: string, e: Pick<Event, 'event_id' | 'record_id' | '_time'>): EventRef {
  return { table, event_id: e.event_id, record_id: e.record_id, time: new Date(e._time).toISOString() };
}

/** A text value, or null for absent, empty and `-`. */
export function text(v: Value | EventValue | undefined): string | null {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' && v !== '-' ? v : null;
}
