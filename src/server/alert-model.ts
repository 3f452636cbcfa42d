/**
 * An alert: what a stream query's output row or a live rule's match becomes. The same
 * object is stored (table `alerts`), pushed over Server-Sent Events and sent to sinks.
 *
 * In the store, `alerts` is a generic table written by `appendRows`:
 * `_id` (the alert id), `_time` (the event time), `raised_at`, `source`, `name`, `level`,
 * `key`, `host`, `count`, and `_extra` (JSON: the event fields). The store merges
 * `_extra` into each row it reads, as it does for event tables, so
 * `table alerts | search name == "blocklist" | fields _time, host, DestinationIp` works
 * on the event's own field names. An event field named like one of the alert's own
 * attributes is renamed `event_<name>` in the alert, everywhere (API, SSE, sinks, table):
 * a stream row's `count` (from `stats count`) is the alert's `fields.event_count`, while
 * `count` is the number of events throttling merged into the alert.
 */
import { createHash } from 'node:crypto';
import type { Level } from '../detect/index.js';
import { newRow, valueFromJson, valueToJson, type Row, type Value } from '../query/index.js';
import type { ColumnInfo } from '../store/index.js';

/** JSON data (what `valueToJson` makes). */
export type JsonValue = ReturnType<typeof valueToJson>;

/** Where an alert comes from. */
export type AlertSource = 'stream' | 'rule';

/** One alert (the JSON shape of the API, SSE, webhook, syslog and file sinks). */
export interface Alert {
  /** Increasing id (SSE `id:`; `Last-Event-ID` resumes after it). */
  readonly id: number;
  /** The event time (ISO 8601), or when it was raised if the row had no `_time`. */
  readonly time: string;
  readonly raised_at: string;
  readonly source: AlertSource;
  /** The stream query's name, or the rule's title. */
  readonly name: string;
  readonly level: Level;
  /** The deduplication key (see alert-throttle.ts). */
  readonly key: string;
  readonly host: string | null;
  /** Events merged into this alert by throttling (1 = just its own). */
  count: number;
  /** The event's fields: the stream's output row, or the rule's key fields and context. */
  readonly fields: Readonly<Record<string, JsonValue>>;
}

/** The `alerts` table's name. */
export const ALERTS_TABLE = 'alerts';

/** The `alerts` table's columns (appendRows creates the table with them). */
export const ALERT_COLUMNS: readonly ColumnInfo[] = [
  { name: '_id', type: 'BIGINT' }, { name: '_time', type: 'TIMESTAMP' }, { name: 'raised_at', type: 'TIMESTAMP' },
  { name: 'source', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' }, { name: 'level', type: 'VARCHAR' },
  { name: 'key', type: 'VARCHAR' }, { name: 'host', type: 'VARCHAR' }, { name: 'count', type: 'BIGINT' }, { name: '_extra', type: 'JSON' },
];

/** Names an event field may not keep (in `_extra` they would hide the alert's own columns when read). */
const RESERVED = new Set([...ALERT_COLUMNS.map((c) => c.name), '_table', 'id', 'time', 'fields']);

/**
 * The name an event field has in an alert: its own, unless the alert has an attribute
 * of that name.
 *
 * @example
 * alertFieldName('count') // 'event_count'
 * alertFieldName('_table') // 'event_table'
 */
export function alertFieldName(name: string): string {
  if (!RESERVED.has(name)) return name;
  // `_id` would become `event_id`, the Windows event ID's name.
  return name === '_id' ? 'event_row_id' : `event_${name.replace(/^_/, '')}`;
}

/** Longest string value kept in an alert's fields (a rendered message can be long). */
const MAX_FIELD_CHARS = 2000;
/** Most fields kept per alert. */
const MAX_FIELDS = 100;
/** Longest key kept as text; longer keys are hashed. */
const MAX_KEY_CHARS = 200;

/**
 * An alert's fields from a row: JSON values, nulls left out, long strings clipped,
 * at most 100 fields. `_time` and `host` are left out (the alert has them itself).
 *
 * @example
 * compactFields(row) // { Image: 'C:\\…\\w3wp.exe', DestinationIp: '203.0.113.7', … }
 */
export function compactFields(row: Row): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  let n = 0;
  for (const k of Object.keys(row)) {
    if (k === '_time' || k === 'host' || k === '__proto__') continue;
    const v = row[k] ?? null;
    if (v === null) continue;
    if (n++ >= MAX_FIELDS) break;
    out[alertFieldName(k)] = typeof v === 'string' && v.length > MAX_FIELD_CHARS ? `${v.slice(0, MAX_FIELD_CHARS)}…` : valueToJson(v);
  }
  return out;
}

/**
 * The key of an alert: the values of `keyFields` (all fields when absent; `host` is the
 * alert's host), joined by `|`; a key longer than 200 characters is replaced by its hash.
 *
 * @example
 * alertKey({ DestinationIp: '203.0.113.7' }, 'WEB01', ['host', 'DestinationIp']) // 'WEB01|203.0.113.7'
 */
export function alertKey(fields: Readonly<Record<string, JsonValue>>, host: string | null, keyFields?: readonly string[]): string {
  const names = keyFields ?? Object.keys(fields);
  const text = names.map((f) => {
    const v = f === 'host' && !(f in fields) ? host : fields[f] ?? null;
    return v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }).join('|');
  return text.length <= MAX_KEY_CHARS ? text : `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** An alert as a row of the `alerts` table. */
export function alertRow(a: Alert): Row {
  const row = newRow();
  row['_id'] = a.id;
  row['_time'] = new Date(a.time);
  row['raised_at'] = new Date(a.raised_at);
  row['source'] = a.source;
  row['name'] = a.name;
  row['level'] = a.level;
  row['key'] = a.key;
  row['host'] = a.host;
  row['count'] = a.count;
  row['_extra'] = Object.assign(newRow(), a.fields as Record<string, Value>);
  return row;
}

function isoOf(v: Value | undefined): string {
  return v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : '';
}

function parseFields(text: string): Value {
  try { return valueFromJson(JSON.parse(text)); } catch { return null; }
}

/** An alert read back from the table (`_extra` selected as `fields`). */
export function alertFromRow(r: Row): Alert {
  // ClickHouse answers a renamed JSON column as its text.
  const raw = r['fields'];
  const fields = typeof raw === 'string' ? parseFields(raw) : raw;
  return {
    id: Number(r['_id']), time: isoOf(r['_time']), raised_at: isoOf(r['raised_at']), source: r['source'] as AlertSource,
    name: String(r['name'] ?? ''), level: r['level'] as Level, key: String(r['key'] ?? ''), host: typeof r['host'] === 'string' ? r['host'] : null,
    count: Number(r['count'] ?? 1),
    fields: fields !== null && fields !== undefined && typeof fields === 'object' && !Array.isArray(fields) && !(fields instanceof Date)
      ? (valueToJson(fields) as Record<string, JsonValue>) : {},
  };
}
