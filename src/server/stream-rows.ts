/**
 * A committed event as a row of its table, the way `table sysmon` would return it, so
 * that one query gives the same rows over stored events and in a stream query
 * (stream-rows.test.ts checks it against the store on corpus events).
 *
 * The store keeps each value as the Event has it — in its typed column when it fits,
 * else in `_extra`, which the store merges back into the row under the same name — so
 * the row is: `_table`, `_time` (a Date at the store's precision: microseconds are
 * dropped to milliseconds on reading), every non-null system field, every non-null data
 * field, `line`. What differs: no `_id` (the store assigns it inside the commit; the
 * committed-events listener does not see it), and field order (the store's follows the
 * table's column order).
 */
import { SYSTEM_COLUMNS, timeMicros } from '../store/index.js';
import type { Event } from '../event/index.js';
import { newRow, valueFromJson, type Row } from '../query/index.js';

/**
 * `_time` as the store reads it back: microseconds (timeMicros) truncated to milliseconds.
 * EVTX's own form (`…:SS.fffffffZ`) takes a shortcut — its milliseconds are its first 23
 * characters — worth half a microsecond per event; times before 1970 take the long way
 * (truncation toward zero differs there).
 */
function rowTime(t: string): Date | null {
  if (t.length === 28 && t.charCodeAt(27) === 90 && t.charCodeAt(19) === 46) {
    const ms = Date.parse(`${t.slice(0, 23)}Z`);
    if (ms >= 0) return new Date(ms);
  }
  const micros = timeMicros(t);
  return micros === null ? null : new Date(Number(micros / 1000n));
}

/**
 * The row of `e` in `table`.
 *
 * @example
 * eventRow(event, 'sysmon') // { _table: 'sysmon', _time: Date, host: 'WEB01', …, Image: '…', line: 'Process Create:\r\n…' }
 */
export function eventRow(e: Event, table: string): Row {
  const row = newRow();
  row['_table'] = table;
  const time = rowTime(e._time);
  // An unreadable time is kept as text in `_extra` by the store, and read back as text.
  if (time !== null) row['_time'] = time;
  else if (e._time !== '') row['_time'] = e._time;
  for (const c of SYSTEM_COLUMNS) {
    const v = e[c.name];
    if (v !== null) row[c.name] = v;
  }
  const data = e.data;
  for (const k in data) {
    const v = data[k];
    if (v === null || v === undefined) continue;
    // Lists and other structures come back from the store's JSON as query values.
    row[k] = typeof v === 'object' ? valueFromJson(v) : v;
  }
  // The line column is read after `_extra`: a data field called `line` does not replace it.
  row['line'] = e.line;
  return row;
}
