/**
 * The host list: every host in the event tables with its event count, first and last
 * event, per channel. One aggregation query over all event tables (generic tables such
 * as `alerts` and feeds are not event tables and are left out).
 */
import type { Store } from '../store/types.js';
import { isEventTableSchema } from '../store/event-table.js';
import { forensicSql } from './sql.js';
import { allRows, isoTime } from './store-rows.js';

/** A channel of a host. */
export interface HostChannel {
  readonly table: string;
  readonly channel: string;
  readonly events: number;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
}

/** A host (the API's JSON shape). */
export interface HostSummary {
  readonly host: string;
  readonly events: number;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
  readonly channels: HostChannel[];
}

/** A page of hosts, by name. */
export interface HostsAnswer {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly hosts: HostSummary[];
}

/** Code-point order (as both engines compare text), not the locale's. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Hosts of the store, ordered by name (case-insensitive), a page of them. The engine
 * counts per table, host and channel; the hosts (a few thousand at most, not events) are
 * merged, ordered and paged here, so both store engines give the same page.
 *
 * @example
 * const { hosts } = await hostList(store, 100, 0);
 */
export async function hostList(store: Store, limit: number, offset: number): Promise<HostsAnswer> {
  const sql = forensicSql(store);
  const tables: string[] = [];
  for (const name of await store.tableNames()) {
    const columns = await store.columns(name);
    if (columns !== null && isEventTableSchema(columns)) tables.push(name);
  }
  if (tables.length === 0) return { total: 0, limit, offset, hosts: [] };
  const union = tables.map((t) => `SELECT host, channel, ${sql.string(t)} AS tbl, count(*) AS n, min(_time) AS first, max(_time) AS last FROM ${sql.ident(t)} GROUP BY host, channel`).join('\nUNION ALL\n');
  const byHost = new Map<string, { host: string; events: number; first: Date | null; last: Date | null; channels: HostChannel[] }>();
  for (const r of await allRows(store, union)) {
    const name = typeof r.host === 'string' ? r.host : '';
    const first = sql.time(r.first);
    const last = sql.time(r.last);
    let h = byHost.get(name);
    if (h === undefined) byHost.set(name, h = { host: name, events: 0, first, last, channels: [] });
    const n = Number(r.n);
    h.events += n;
    if (first !== null && (h.first === null || first < h.first)) h.first = first;
    if (last !== null && (h.last === null || last > h.last)) h.last = last;
    h.channels.push({ table: String(r.tbl), channel: typeof r.channel === 'string' ? r.channel : '', events: n, first_seen: isoTime(first ?? undefined), last_seen: isoTime(last ?? undefined) });
  }
  const all = [...byHost.values()].sort((a, b) => byCodePoint(a.host.toLowerCase(), b.host.toLowerCase()) || byCodePoint(a.host, b.host));
  const hosts = all.slice(offset, offset + limit).map((h): HostSummary => ({
    host: h.host, events: h.events, first_seen: isoTime(h.first ?? undefined), last_seen: isoTime(h.last ?? undefined),
    channels: h.channels.sort((a, b) => b.events - a.events || byCodePoint(a.channel, b.channel) || byCodePoint(a.table, b.table)),
  }));
  return { total: all.length, limit, offset, hosts };
}
