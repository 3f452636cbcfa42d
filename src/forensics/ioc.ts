/**
 * IOC matching of stored events against threat-intel feeds: which stored events name an
 * item of which feed. Feeds are the tables `feed_<name>` the server's feed registry keeps
 * (src/server/feeds.ts: one row per item, `ip`, `domain` or `hash`; domains lower-case
 * without the trailing dot, hashes upper-case hex). Compared fields:
 * - ip: Sysmon 3 `DestinationIp`, `SourceIp`; Security 5156 `DestAddress`, `SourceAddress`;
 * - domain: Sysmon 22 `QueryName`, Sysmon 3 `DestinationHostname`;
 * - hash: the SHA256, SHA1 and MD5 in Sysmon 1 and 7 `Hashes`.
 * IPv4 CIDR items of IP feeds (`network` rows) match the addresses inside them; IPv6
 * networks are not matched.
 */
import { processId } from '../event/index.js';
import type { Row } from '../query/value.js';
import type { Store } from '../store/types.js';
import { forensicSql, hashSql, type ForensicSql } from './sql.js';
import { allRows, isoTime, SECURITY_TABLE, SYSMON_TABLE, tableColumns, text, type EventRef } from './store-rows.js';

/** The store table prefix of feeds (src/server/feeds.ts feedTable). */
const FEED_PREFIX = 'feed_';

/** A stored event that names a feed item (the API's JSON shape). */
export interface IocMatch {
  readonly feed: string;
  readonly kind: 'ip' | 'domain' | 'hash';
  readonly value: string;
  readonly field: string;
  readonly host: string;
  readonly ref: EventRef;
  readonly image: string | null;
  readonly guid: string | null;
  readonly pid: number | null;
}

/** A page of matches, newest first. */
export interface IocAnswer {
  readonly feeds: string[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly matches: IocMatch[];
}

/** A field of an event table compared with a feed column. */
interface Probe {
  readonly table: string;
  readonly eventIds: readonly number[];
  readonly kind: IocMatch['kind'];
  readonly field: string;
  /** Label of the field in answers (e.g. `Hashes:SHA256`). */
  readonly label: string;
  /** SQL turning the field's SQL into the feed's form. */
  readonly form: (sql: ForensicSql, field: string) => string;
  readonly image: string;
  readonly pid: string;
}

const same = (_sql: ForensicSql, f: string): string => f;
const domainForm = (sql: ForensicSql, f: string): string => sql.trimTrailingDots(sql.lower(f));

const PROBES: readonly Probe[] = [
  { table: SYSMON_TABLE, eventIds: [3], kind: 'ip', field: 'DestinationIp', label: 'DestinationIp', form: same, image: 'Image', pid: 'ProcessId' },
  { table: SYSMON_TABLE, eventIds: [3], kind: 'ip', field: 'SourceIp', label: 'SourceIp', form: same, image: 'Image', pid: 'ProcessId' },
  { table: SECURITY_TABLE, eventIds: [5156], kind: 'ip', field: 'DestAddress', label: 'DestAddress', form: same, image: 'Application', pid: 'ProcessID' },
  { table: SECURITY_TABLE, eventIds: [5156], kind: 'ip', field: 'SourceAddress', label: 'SourceAddress', form: same, image: 'Application', pid: 'ProcessID' },
  { table: SYSMON_TABLE, eventIds: [22], kind: 'domain', field: 'QueryName', label: 'QueryName', form: domainForm, image: 'Image', pid: 'ProcessId' },
  { table: SYSMON_TABLE, eventIds: [3], kind: 'domain', field: 'DestinationHostname', label: 'DestinationHostname', form: domainForm, image: 'Image', pid: 'ProcessId' },
  ...(['SHA256', 'SHA1', 'MD5'] as const).map((algo): Probe => ({
    table: SYSMON_TABLE, eventIds: [1, 7], kind: 'hash', field: 'Hashes', label: `Hashes:${algo}`, form: (sql, f) => hashSql(sql, f, algo), image: 'Image', pid: 'ProcessId',
  })),
];

/** Names of the feeds in the store (tables `feed_<name>`). */
export async function feedNames(store: Store): Promise<string[]> {
  return (await store.tableNames()).filter((t) => t.startsWith(FEED_PREFIX)).map((t) => t.slice(FEED_PREFIX.length)).sort();
}

/**
 * Stored events matching the items of one feed (or every feed), newest first, a page of them.
 * Throws when the named feed does not exist.
 *
 * @example
 * const { matches } = await iocMatches(store, 'blocklist', 100, 0);
 */
export async function iocMatches(store: Store, feed: string | undefined, limit: number, offset: number): Promise<IocAnswer> {
  const all = await feedNames(store);
  if (feed !== undefined && !all.includes(feed)) throw new UnknownFeedError(`no feed '${feed}' (table ${FEED_PREFIX}${feed}); feeds: ${all.join(', ') || 'none'}`);
  const feeds = feed === undefined ? all : [feed];
  const tables = new Set(await store.tableNames());
  const sql = forensicSql(store);
  const parts: string[] = [];
  for (const name of feeds) {
    const feedTable = sql.ident(FEED_PREFIX + name);
    const feedCols = await tableColumns(store, FEED_PREFIX + name);
    for (const p of PROBES) {
      if (!tables.has(p.table)) continue;
      const cols = await tableColumns(store, p.table);
      // The event side: the fields a match shows, and the probed field in the feed's form as `item`.
      const events = `SELECT host, _time, _id, event_id, record_id, ${sql.field(cols, p.image)} AS image, ${sql.field(cols, 'ProcessGuid')} AS guid,
               ${sql.field(cols, p.pid)} AS pid, ${p.form(sql, sql.field(cols, p.field))} AS item
        FROM ${sql.ident(p.table)} WHERE event_id IN (${p.eventIds.join(', ')})`;
      const select = (value: string): string => `SELECT ${sql.string(name)} AS feed, ${sql.string(p.kind)} AS kind, ${value} AS value, ${sql.string(p.label)} AS field, host, _time, _id,
               event_id, record_id, ${sql.string(p.table)} AS tbl, image, guid, pid FROM (${events}) AS e`;
      const column = (c: string): string => `${sql.ident(feedCols.get(c)!.name)}`;
      const present = (c: string): string => `${column(c)} IS NOT NULL AND ${column(c)} <> ''`;
      if (feedCols.has(p.kind)) {
        // USING, not ON: 18.16 reads the right side's key wrong after `ON a = b` (it is the value shown).
        parts.push(`${select('item')} ${sql.innerJoin} (SELECT ${column(p.kind)} AS item FROM ${feedTable} WHERE ${present(p.kind)}) AS f USING (item)`);
      }
      // IPv4 networks of an IP feed: the address and the network agree on the prefix's bits.
      if (p.kind === 'ip' && feedCols.has('network')) {
        const net = column('network');
        const nets = `SELECT ${net} AS network, ${sql.ipv4(sql.networkAddress(net))} AS base, 32 - ${sql.prefixLength(net)} AS bits
          FROM ${feedTable} WHERE ${present('network')} AND ${net} NOT LIKE '%:%'`;
        parts.push(`${select('network')} CROSS JOIN (${nets}) AS f WHERE ${sql.shiftRight(sql.ipv4('item'), 'bits')} = ${sql.shiftRight('base', 'bits')}`);
      }
    }
  }
  if (parts.length === 0) return { feeds, total: 0, limit, offset, matches: [] };
  const union = parts.join('\nUNION ALL\n');
  const [count] = await allRows(store, `SELECT count(*) AS total FROM (${union}) AS m`);
  // Ties in time are ordered by what the event is, not by `_id`, which each store assigns its own way.
  const rows = await allRows(store, `SELECT * FROM (${union}) AS m ORDER BY _time DESC, tbl, host, record_id DESC, feed, field, value, _id DESC LIMIT ${limit} OFFSET ${offset}`);
  return { feeds, total: Number(count?.total ?? 0), limit, offset, matches: rows.map((r) => matchOf(sql, r)) };
}

/** The feed asked for does not exist (the API answers 404). */
export class UnknownFeedError extends Error {
  override readonly name = 'UnknownFeedError';
}

function matchOf(sql: ForensicSql, r: Row): IocMatch {
  return {
    feed: String(r.feed), kind: r.kind as IocMatch['kind'], value: String(r.value), field: String(r.field), host: String(r.host),
    ref: { table: String(r.tbl), event_id: Number(r.event_id), record_id: typeof r.record_id === 'number' ? r.record_id : null, time: isoTime(sql.time(r._time) ?? undefined)! },
    image: text(r.image), guid: text(r.guid), pid: typeof r.pid === 'string' ? processId(r.pid) : null,
  };
}
