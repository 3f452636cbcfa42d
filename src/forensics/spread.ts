/**
 * Spread: where a binary (by SHA256 or image name) ran, or where an indicator (IP address
 * or domain) was seen — each host with its count, first and last sighting and the first
 * event, hosts ordered by first sighting. The first host is patient zero.
 *
 * Where each kind is looked for:
 * - hash: Sysmon 1 `Hashes` SHA256, or SHA1/MD5 by the length given (read as splitHashes reads it: hashSql);
 * - image: Sysmon 1 `Image` and Security 4688 `NewProcessName`, by full path or by file name;
 * - IP: Sysmon 3 `DestinationIp`/`SourceIp`, Security 5156 `DestAddress`/`SourceAddress`;
 * - domain: Sysmon 22 `QueryName`, Sysmon 3 `DestinationHostname`.
 */
import { isIP } from 'node:net';
import { processId } from '../event/index.js';
import type { Row, Value } from '../query/value.js';
import type { Store } from '../store/types.js';
import { allRows, columnSet, fieldSql, hashSql, hasTable, isoTime, sqlString, SECURITY_TABLE, SYSMON_TABLE, text, type EventRef } from './store-rows.js';

/** What to trace. */
export type SpreadQuery = { readonly hash: string } | { readonly image: string } | { readonly ioc: string };

/** One host in a spread answer. */
export interface SpreadHost {
  readonly host: string;
  /** Matching events; a run that both Sysmon 1 and 4688 logged counts twice (see `by_table`). */
  readonly count: number;
  /** Matching events per table. */
  readonly by_table: Record<string, number>;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly first_event: { readonly ref: EventRef; readonly image: string | null; readonly command_line: string | null; readonly guid: string | null; readonly pid: number | null };
}

/** The spread of a hash, image or indicator. */
export interface SpreadAnswer {
  readonly kind: 'hash' | 'image' | 'ip' | 'domain';
  readonly value: string;
  readonly patient_zero: string | null;
  readonly hosts: SpreadHost[];
}

/** A place to look: a table, its event IDs, and the fields compared to the value (as SQL over its columns). */
interface Sighting {
  readonly table: string;
  readonly eventIds: readonly number[];
  /** SQL condition with `?` placeholders, and their values. */
  readonly where: (cols: ReadonlySet<string>) => { sql: string; params: Value[] };
  /** Image, command line, GUID and PID fields of the event (for the first event). */
  readonly image: string;
  readonly commandLine?: string;
  readonly pid: string;
}

/** Any of `fields` (as SQL) passes `compare`; the compared values are SQL literals (sqlString). */
const anyOf = (fields: readonly string[], compare: (f: string) => string) => (cols: ReadonlySet<string>): { sql: string; params: Value[] } => ({
  sql: `(${fields.map((f) => compare(fieldSql(cols, f))).join(' OR ')})`, params: [],
});

/** Where to look for a query, and its normalized value. */
function sightingsOf(q: SpreadQuery): { kind: SpreadAnswer['kind']; value: string; places: Sighting[] } {
  if ('hash' in q) {
    const value = q.hash.trim().toUpperCase();
    // The algorithm by the length of the hex: MD5 32, SHA1 40, SHA256 64 digits.
    const algo = value.length === 32 ? 'MD5' : value.length === 40 ? 'SHA1' : 'SHA256';
    return {
      kind: 'hash', value,
      places: [{ table: SYSMON_TABLE, eventIds: [1], where: (cols) => ({ sql: `${hashSql(fieldSql(cols, 'Hashes'), algo)} = ?`, params: [value] }), image: 'Image', commandLine: 'CommandLine', pid: 'ProcessId' }],
    };
  }
  if ('image' in q) {
    const value = q.image.trim();
    // A bare file name matches any path ending in \name; a path matches itself. Case is ignored.
    const byName = !value.includes('\\');
    const match = (field: string) => (cols: ReadonlySet<string>): { sql: string; params: Value[] } => {
      const f = `lower(${fieldSql(cols, field)})`;
      return byName ? { sql: `(${f} = lower(?) OR ends_with(${f}, lower(?)))`, params: [value, `\\${value}`] } : { sql: `${f} = lower(?)`, params: [value] };
    };
    return {
      kind: 'image', value,
      places: [
        { table: SYSMON_TABLE, eventIds: [1], where: match('Image'), image: 'Image', commandLine: 'CommandLine', pid: 'ProcessId' },
        { table: SECURITY_TABLE, eventIds: [4688], where: match('NewProcessName'), image: 'NewProcessName', commandLine: 'CommandLine', pid: 'NewProcessId' },
      ],
    };
  }
  const value = q.ioc.trim();
  if (isIP(value) !== 0) {
    const eq = (v: string) => (f: string): string => `${f} = ${sqlString(v)}`;
    return {
      kind: 'ip', value,
      places: [
        { table: SYSMON_TABLE, eventIds: [3], where: anyOf(['DestinationIp', 'SourceIp'], eq(value)), image: 'Image', pid: 'ProcessId' },
        { table: SECURITY_TABLE, eventIds: [5156], where: anyOf(['DestAddress', 'SourceAddress'], eq(value)), image: 'Application', pid: 'ProcessID' },
      ],
    };
  }
  const domain = value.toLowerCase().replace(/\.$/, '');
  const eqDomain = (f: string): string => `rtrim(lower(${f}), '.') = ${sqlString(domain)}`;
  return {
    kind: 'domain', value: domain,
    places: [
      { table: SYSMON_TABLE, eventIds: [22], where: anyOf(['QueryName'], eqDomain), image: 'Image', pid: 'ProcessId' },
      { table: SYSMON_TABLE, eventIds: [3], where: anyOf(['DestinationHostname'], eqDomain), image: 'Image', pid: 'ProcessId' },
    ],
  };
}

/** Per host: count, first and last time, and the first event's fields, from one place. */
async function hostsIn(store: Store, place: Sighting): Promise<Row[]> {
  if (!(await hasTable(store, place.table))) return [];
  const cols = await columnSet(store, place.table);
  const { sql, params } = place.where(cols);
  return allRows(store, `
    SELECT host, _time, event_id, record_id, ${fieldSql(cols, place.image)} AS image,
           ${place.commandLine ? fieldSql(cols, place.commandLine) : 'NULL'} AS command_line,
           ${fieldSql(cols, 'ProcessGuid')} AS guid, ${fieldSql(cols, place.pid)} AS pid,
           count(*) OVER w AS n, max(_time) OVER w AS last_seen, row_number() OVER (PARTITION BY lower(host) ORDER BY _time, _id) AS rn
    FROM "${place.table}" WHERE event_id IN (${place.eventIds.join(', ')}) AND ${sql}
    WINDOW w AS (PARTITION BY lower(host))
    QUALIFY rn = 1`, params);
}

/**
 * Hosts where a hash or image ran, or an IP or domain was seen, by first sighting.
 *
 * @example
 * (await spread(store, { hash: DEMO_STORY.payload.sha256 })).patient_zero // 'WEB01.corp.example'
 */
export async function spread(store: Store, q: SpreadQuery): Promise<SpreadAnswer> {
  const { kind, value, places } = sightingsOf(q);
  const byHost = new Map<string, { host: string; count: number; byTable: Record<string, number>; first: Date; last: Date; row: Row; table: string }>();
  for (const place of places) {
    for (const r of await hostsIn(store, place)) {
      const key = String(r.host).toLowerCase();
      const first = r._time as Date;
      const last = r.last_seen as Date;
      const seen = byHost.get(key);
      if (seen === undefined) {
        byHost.set(key, { host: String(r.host), count: Number(r.n), byTable: { [place.table]: Number(r.n) }, first, last, row: r, table: place.table });
        continue;
      }
      seen.count += Number(r.n);
      seen.byTable[place.table] = (seen.byTable[place.table] ?? 0) + Number(r.n);
      if (last > seen.last) seen.last = last;
      if (first < seen.first) Object.assign(seen, { first, row: r, table: place.table });
    }
  }
  const hosts = [...byHost.values()].sort((a, b) => a.first.getTime() - b.first.getTime()).map((h): SpreadHost => {
    return {
      host: h.host, count: h.count, by_table: h.byTable, first_seen: isoTime(h.first)!, last_seen: isoTime(h.last)!,
      first_event: {
        ref: { table: h.table, event_id: Number(h.row.event_id), record_id: typeof h.row.record_id === 'number' ? h.row.record_id : null, time: isoTime(h.first)! },
        image: text(h.row.image), command_line: text(h.row.command_line), guid: text(h.row.guid),
        pid: typeof h.row.pid === 'string' ? processId(h.row.pid) : null,
      },
    };
  });
  return { kind, value, patient_zero: hosts[0]?.host ?? null, hosts };
}
