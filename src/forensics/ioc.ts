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
import { allRows, columnSet, fieldSql, hashSql, isoTime, SECURITY_TABLE, sqlString, SYSMON_TABLE, text, type EventRef } from './store-rows.js';

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
  readonly form: (sql: string) => string;
  readonly image: string;
  readonly pid: string;
}

const same = (f: string): string => f;
const domainForm = (f: string): string => `rtrim(lower(${f}), '.')`;

const PROBES: readonly Probe[] = [
  { table: SYSMON_TABLE, eventIds: [3], kind: 'ip', field: 'DestinationIp', label: 'DestinationIp', form: same, image: 'Image', pid: 'ProcessId' },
  { table: SYSMON_TABLE, eventIds: [3], kind: 'ip', field: 'SourceIp', label: 'SourceIp', form: same, image: 'Image', pid: 'ProcessId' },
  { table: SECURITY_TABLE, eventIds: [5156], kind: 'ip', field: 'DestAddress', label: 'DestAddress', form: same, image: 'Application', pid: 'ProcessID' },
  { table: SECURITY_TABLE, eventIds: [5156], kind: 'ip', field: 'SourceAddress', label: 'SourceAddress', form: same, image: 'Application', pid: 'ProcessID' },
  { table: SYSMON_TABLE, eventIds: [22], kind: 'domain', field: 'QueryName', label: 'QueryName', form: domainForm, image: 'Image', pid: 'ProcessId' },
  { table: SYSMON_TABLE, eventIds: [3], kind: 'domain', field: 'DestinationHostname', label: 'DestinationHostname', form: domainForm, image: 'Image', pid: 'ProcessId' },
  ...(['SHA256', 'SHA1', 'MD5'] as const).map((algo): Probe => ({
    table: SYSMON_TABLE, eventIds: [1, 7], kind: 'hash', field: 'Hashes', label: `Hashes:${algo}`, form: (f) => hashSql(f, algo), image: 'Image', pid: 'ProcessId',
  })),
];

/** SQL: an IPv4 address (text) as a 32-bit number, NULL when the text is not one. */
function ipv4Sql(v: string): string {
  const octet = (i: number): string => `TRY_CAST(split_part(${v}, '.', ${i}) AS BIGINT)`;
  return `CASE WHEN regexp_full_match(${v}, '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}')
    THEN ${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)} END`;
}

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
  const parts: string[] = [];
  for (const name of feeds) {
    const feedCols = await columnSet(store, FEED_PREFIX + name);
    for (const p of PROBES) {
      if (!tables.has(p.table)) continue;
      const cols = await columnSet(store, p.table);
      const field = p.form(fieldSql(cols, p.field));
      const select = (feedColumn: string): string => `
        SELECT ${sqlString(name)} AS feed, ${sqlString(p.kind)} AS kind, f."${feedColumn}" AS value, ${sqlString(p.label)} AS field, e.host, e._time, e._id,
               e.event_id, e.record_id, ${sqlString(p.table)} AS tbl, ${fieldSql(cols, p.image)} AS image, ${fieldSql(cols, 'ProcessGuid')} AS guid,
               ${fieldSql(cols, p.pid)} AS pid
        FROM "${p.table}" e JOIN "${FEED_PREFIX + name}" f`;
      const where = (feedColumn: string): string => `WHERE e.event_id IN (${p.eventIds.join(', ')}) AND f."${feedColumn}" IS NOT NULL AND f."${feedColumn}" <> ''`;
      if (feedCols.has(p.kind)) parts.push(`${select(p.kind)} ON ${field} = f."${p.kind}" ${where(p.kind)}`);
      // IPv4 networks of an IP feed: the address and the network agree on the prefix's bits.
      if (p.kind === 'ip' && feedCols.has('network')) {
        const bits = `(32 - TRY_CAST(split_part(f.network, '/', 2) AS BIGINT))`;
        parts.push(`${select('network')} ON ${ipv4Sql(field)} >> ${bits} = ${ipv4Sql(`split_part(f.network, '/', 1)`)} >> ${bits}
          ${where('network')} AND f.network NOT LIKE '%:%'`);
      }
    }
  }
  if (parts.length === 0) return { feeds, total: 0, limit, offset, matches: [] };
  const union = parts.join('\nUNION ALL\n');
  const page = (l: number, o: number): string => `SELECT *, count(*) OVER () AS total FROM (${union}) ORDER BY _time DESC, _id DESC, feed, field LIMIT ${l} OFFSET ${o}`;
  const rows = await allRows(store, page(limit, offset));
  // An offset past the end returns no row to carry the total: ask for the first row instead.
  const total = rows.length > 0 || offset === 0 ? Number(rows[0]?.total ?? 0) : Number((await allRows(store, page(1, 0)))[0]?.total ?? 0);
  return { feeds, total, limit, offset, matches: rows.map(matchOf) };
}

/** The feed asked for does not exist (the API answers 404). */
export class UnknownFeedError extends Error {
  override readonly name = 'UnknownFeedError';
}

function matchOf(r: Row): IocMatch {
  return {
    feed: String(r.feed), kind: r.kind as IocMatch['kind'], value: String(r.value), field: String(r.field), host: String(r.host),
    ref: { table: String(r.tbl), event_id: Number(r.event_id), record_id: typeof r.record_id === 'number' ? r.record_id : null, time: isoTime(r._time)! },
    image: text(r.image), guid: text(r.guid), pid: typeof r.pid === 'string' ? processId(r.pid) : null,
  };
}
