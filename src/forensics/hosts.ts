/**
 * The host list: every host in the event tables with its event count, first and last
 * event, per channel. One aggregation query over all event tables (generic tables such
 * as `alerts` and feeds are not event tables and are left out).
 */
import type { Store } from '../store/types.js';
import { isEventTableSchema } from '../store/event-table.js';
import { allRows, isoTime, sqlString } from './store-rows.js';

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

/**
 * Hosts of the store, ordered by name (case-insensitive), a page of them.
 *
 * @example
 * const { hosts } = await hostList(store, 100, 0);
 */
export async function hostList(store: Store, limit: number, offset: number): Promise<HostsAnswer> {
  const tables = (await store.tables()).filter((t) => isEventTableSchema(t.columns));
  if (tables.length === 0) return { total: 0, limit, offset, hosts: [] };
  const union = tables.map((t) => `SELECT host, channel, ${sqlString(t.name)} AS tbl, count(*) AS n, min(_time) AS first, max(_time) AS last FROM "${t.name}" GROUP BY host, channel`).join('\nUNION ALL\n');
  const rows = await allRows(store, `
    WITH c AS (${union}),
    h AS (SELECT host, sum(n) AS n, min(first) AS first, max(last) AS last FROM c GROUP BY host),
    page AS (SELECT *, count(*) OVER () AS total FROM h ORDER BY lower(host), host LIMIT ${limit} OFFSET ${offset})
    SELECT page.host, page.n, page.first, page.last, page.total, c.tbl, c.channel, c.n AS cn, c.first AS cfirst, c.last AS clast
    FROM page JOIN c ON c.host IS NOT DISTINCT FROM page.host
    ORDER BY lower(page.host), page.host, c.n DESC, c.channel`);
  const hosts: HostSummary[] = [];
  let total = 0;
  for (const r of rows) {
    total = Number(r.total);
    let h = hosts.at(-1);
    const name = r.host === null ? '' : String(r.host);
    if (h === undefined || h.host !== name) {
      h = { host: name, events: Number(r.n), first_seen: isoTime(r.first), last_seen: isoTime(r.last), channels: [] };
      hosts.push(h);
    }
    h.channels.push({ table: String(r.tbl), channel: String(r.channel ?? ''), events: Number(r.cn), first_seen: isoTime(r.cfirst), last_seen: isoTime(r.clast) });
  }
  if (rows.length === 0 && offset > 0) total = (await hostList(store, 1, 0)).total;
  return { total, limit, offset, hosts };
}
