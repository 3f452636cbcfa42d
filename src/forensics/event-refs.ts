/**
 * The stored events behind forensic answers: the rows an EventRef (table, event ID,
 * record ID) names on a host, whole, so a view can show a process's Sysmon and Security
 * evidence side by side.
 */
import { isEventTableSchema } from '../store/event-table.js';
import { valueToJson } from '../store/values.js';
import type { Store } from '../store/types.js';
import { forensicSql, SqlParams } from './sql.js';
import { allRows } from './store-rows.js';

/** Most record IDs fetched at once. */
export const MAX_REFS = 1000;

/** The referenced events are not in an event table (the API answers 400). */
export class BadRefError extends Error {
  override readonly name = 'BadRefError';
}

/**
 * The rows of `table` on `host` with the given record IDs (every column, `_time` as ISO),
 * oldest first. Record IDs are per channel and host, so host and table are required.
 *
 * @example
 * const rows = await eventsByRecord(store, 'sysmon', 'WEB01.corp.example', [588395, 588396]);
 */
export async function eventsByRecord(store: Store, table: string, host: string, recordIds: readonly number[]): Promise<Record<string, unknown>[]> {
  if (recordIds.length > MAX_REFS) throw new BadRefError(`at most ${MAX_REFS} record IDs at once`);
  const columns = await store.columns(table);
  if (columns === null || !isEventTableSchema(columns)) throw new BadRefError(`'${table}' is not an event table`);
  if (recordIds.length === 0) return [];
  const sql = forensicSql(store);
  const params = new SqlParams();
  const rows = await allRows(store,
    `SELECT * FROM ${sql.ident(table)} WHERE ${sql.lower('host')} = ${sql.lower(params.add(host))} AND record_id IN (${recordIds.map((id) => params.add(id)).join(', ')}) ORDER BY _time, _id`,
    params.values);
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== null) o[k] = valueToJson(v);
    return o;
  });
}
