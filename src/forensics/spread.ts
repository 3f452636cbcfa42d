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
import type { Row } from '../query/value.js';
import type { Store } from '../store/types.js';
import { forensicSql, hashSql, SqlParams, type ForensicSql, type TableColumns } from './sql.js';
import { allRows, hasTable, isoTime, SECURITY_TABLE, SYSMON_TABLE, tableColumns, text, type EventRef } from './store-rows.js';

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
  /** SQL condition over the table's columns, its values as parameters. */
  readonly where: Condition;
  /** Image, command line, GUID and PID fields of the event (for the first event). */
  readonly image: string;
  readonly commandLine?: string;
  readonly pid: string;
}

/** An SQL condition over a table's columns; values it compares with are added to `params`. */
type Condition = (sql: ForensicSql, cols: TableColumns, params: SqlParams) => string;

/** Any of `fields` (as SQL) passes `compare`. */
const anyOf = (fields: readonly string[], compare: (sql: ForensicSql, f: string, params: SqlParams) => string): Condition => (sql, cols, params) =>
  `(${fields.map((f) => compare(sql, sql.field(cols, f), params)).join(' OR ')})`;

/** Where to look for a query, and its normalized value. */
function sightingsOf(q: SpreadQuery): { kind: SpreadAnswer['kind']; value: string; places: Sighting[] } {
  if ('hash' in q) {
    const value = q.hash.trim().toUpperCase();
    // The algorithm by the length of the hex: MD5 32, SHA1 40, SHA256 64 digits.
    const algo = value.length === 32 ? 'MD5' : value.length === 40 ? 'SHA1' : 'SHA256';
    return {
      kind: 'hash', value,
      places: [{ table: SYSMON_TABLE, eventIds: [1], where: (sql, cols, params) => `${hashSql(sql, sql.field(cols, 'Hashes'), algo)} = ${params.add(value)}`, image: 'Image', commandLine: 'CommandLine', pid: 'ProcessId' }],
    };
  }
  if ('image' in q) {
    const value = q.image.trim();
    // A bare file name matches any path ending in \name; a path matches itself. Case is ignored.
    const byName = !value.includes('\\');
    const match = (field: string): Condition => (sql, cols, params) => {
      const f = sql.lower(sql.field(cols, field));
      const eq = `${f} = ${sql.lower(params.add(value))}`;
      return byName ? `(${eq} OR ${sql.endsWith(f, sql.lower(params.add(`\\${value}`)))})` : eq;
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
    const eq = (v: string) => (_sql: ForensicSql, f: string, params: SqlParams): string => `${f} = ${params.add(v)}`;
    return {
      kind: 'ip', value,
      places: [
        { table: SYSMON_TABLE, eventIds: [3], where: anyOf(['DestinationIp', 'SourceIp'], eq(value)), image: 'Image', pid: 'ProcessId' },
        { table: SECURITY_TABLE, eventIds: [5156], where: anyOf(['DestAddress', 'SourceAddress'], eq(value)), image: 'Application', pid: 'ProcessID' },
      ],
    };
  }
  const domain = value.toLowerCase().replace(/\.$/, '');
  const eqDomain = (sql: ForensicSql, f: string, params: SqlParams): string => `${sql.trimTrailingDots(sql.lower(f))} = ${params.add(domain)}`;
  return {
    kind: 'domain', value: domain,
    places: [
      { table: SYSMON_TABLE, eventIds: [22], where: anyOf(['QueryName'], eqDomain), image: 'Image', pid: 'ProcessId' },
      { table: SYSMON_TABLE, eventIds: [3], where: anyOf(['DestinationHostname'], eqDomain), image: 'Image', pid: 'ProcessId' },
    ],
  };
}

/** One host's sightings in one place: count, first and last time, and the first event (a row with its fields). */
interface HostSighting {
  readonly host: string;
  readonly count: number;
  readonly first: Date;
  readonly last: Date;
  readonly row: Row;
}

/**
 * Per host (names compared case-insensitively): count, first and last time, and the first
 * event's fields, from one place. The engine groups by host and returns the events at each
 * host's first time; of those, the one stored first is the first event.
 */
async function hostsIn(store: Store, place: Sighting): Promise<HostSighting[]> {
  if (!(await hasTable(store, place.table))) return [];
  const sql = forensicSql(store);
  const cols = await tableColumns(store, place.table);
  const params = new SqlParams();
  const match = `event_id IN (${place.eventIds.join(', ')}) AND ${place.where(sql, cols, params)}`;
  const table = sql.ident(place.table);
  const rows = await allRows(store, `
    SELECT host, _time, _id, event_id, record_id, image, command_line, guid, pid, n, last_seen FROM (
      SELECT host, _time, _id, event_id, record_id, ${sql.field(cols, place.image)} AS image,
             ${place.commandLine ? sql.field(cols, place.commandLine) : 'NULL'} AS command_line,
             ${sql.field(cols, 'ProcessGuid')} AS guid, ${sql.field(cols, place.pid)} AS pid, ${sql.lower('host')} AS host_key, _time AS first_time
      FROM ${table} WHERE ${match}) AS e
    ${sql.innerJoin} (SELECT ${sql.lower('host')} AS host_key, min(_time) AS first_time, count(*) AS n, max(_time) AS last_seen
      FROM ${table} WHERE ${match} GROUP BY host_key) AS g USING (host_key, first_time)`, params.values);
  const byHost = new Map<string, HostSighting & { id: number }>();
  for (const r of rows) {
    const key = String(r.host).toLowerCase();
    const first = sql.time(r._time);
    const last = sql.time(r.last_seen);
    const id = Number(r._id);
    const seen = byHost.get(key);
    if (first === null || last === null || (seen !== undefined && seen.id <= id)) continue;
    byHost.set(key, { host: String(r.host), count: Number(r.n), first, last, row: r, id });
  }
  return [...byHost.values()];
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
    for (const { host, count, first, last, row } of await hostsIn(store, place)) {
      const key = host.toLowerCase();
      const seen = byHost.get(key);
      if (seen === undefined) {
        byHost.set(key, { host, count, byTable: { [place.table]: count }, first, last, row, table: place.table });
        continue;
      }
      seen.count += count;
      seen.byTable[place.table] = (seen.byTable[place.table] ?? 0) + count;
      if (last > seen.last) seen.last = last;
      if (first < seen.first) Object.assign(seen, { first, row, table: place.table });
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
