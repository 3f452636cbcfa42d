/**
 * The network connections of one process: Sysmon 3 by its ProcessGuid, and Security 5156
 * (Windows Filtering Platform, permitted connection) by its PID on its host while it ran.
 * A 5156 names the process only by `ProcessID` (decimal) and `Application` (an NT device
 * path), so the PID is checked against the process tracker at the event's time — the
 * process that had that PID *then* (../shared/specs/windows-events.md: 5156 `DestAddress`,
 * Direction `%%14593` Outbound / `%%14592` Inbound).
 */
import type { ProcessRecord } from '../detect/process-tracker.js';
import { processId, type Event } from '../event/index.js';
import type { Store } from '../store/types.js';
import { locateProcess, type HostProcesses, type ProcessQuery } from './process-tree.js';
import { forensicSql, SqlParams } from './sql.js';
import { allRows, eventFromRow, eventRef, hasTable, isoTime, SECURITY_TABLE, SYSMON_TABLE, tableColumns, text, type EventRef } from './store-rows.js';

/** One connection of a process (the API's JSON shape). */
export interface Connection {
  readonly source: 'sysmon' | 'security';
  readonly ref: EventRef;
  readonly direction: 'outbound' | 'inbound' | null;
  readonly protocol: string | null;
  readonly source_ip: string | null;
  readonly source_port: number | null;
  readonly destination_ip: string | null;
  readonly destination_port: number | null;
  readonly destination_hostname: string | null;
}

/** The process a connection list is about. */
export interface ProcessSummary {
  readonly host: string;
  readonly pid: number;
  readonly guid: string | null;
  readonly image: string;
  readonly start: string | null;
  readonly end: string | null;
}

/** Connections of a process, a page of them. */
export interface ConnectionsAnswer {
  readonly process: ProcessSummary;
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly connections: Connection[];
}

const port = (v: unknown): number | null => processId(v as never);

function fromSysmon(e: Event): Connection {
  const d = e.data;
  const initiated = d.Initiated === true || String(d.Initiated).toLowerCase() === 'true';
  return {
    source: 'sysmon', ref: eventRef(SYSMON_TABLE, e), direction: d.Initiated === undefined ? null : initiated ? 'outbound' : 'inbound',
    protocol: text(d.Protocol), source_ip: text(d.SourceIp), source_port: port(d.SourcePort), destination_ip: text(d.DestinationIp),
    destination_port: port(d.DestinationPort), destination_hostname: text(d.DestinationHostname),
  };
}

function fromWfp(e: Event): Connection {
  const d = e.data;
  const dir = String(d.Direction ?? '');
  return {
    source: 'security', ref: eventRef(SECURITY_TABLE, e),
    direction: dir === '%%14593' || /^outbound$/i.test(dir) ? 'outbound' : dir === '%%14592' || /^inbound$/i.test(dir) ? 'inbound' : null,
    protocol: text(d.Protocol), source_ip: text(d.SourceAddress), source_port: port(d.SourcePort), destination_ip: text(d.DestAddress),
    destination_port: port(d.DestPort), destination_hostname: null,
  };
}

/** Sysmon 3 of the process: by GUID when it has one, else by PID at each event's time. */
async function sysmonConnections(store: Store, view: HostProcesses, p: ProcessRecord): Promise<Connection[]> {
  if (!(await hasTable(store, SYSMON_TABLE))) return [];
  const sql = forensicSql(store);
  const cols = await tableColumns(store, SYSMON_TABLE);
  const params = new SqlParams();
  const where = [`event_id = 3`, `${sql.lower('host')} = ${sql.lower(params.add(p.host))}`];
  if (p.guid !== undefined) where.push(`${sql.lower(sql.field(cols, 'ProcessGuid'))} = ${params.add(p.guid)}`);
  else where.push(`${sql.field(cols, 'ProcessId')} = ${params.add(String(p.pid))}`, `_time >= ${params.add(new Date(view.from))}`, `_time < ${params.add(new Date(view.to))}`);
  const rows = await allRows(store, `SELECT * FROM ${sql.ident(SYSMON_TABLE)} WHERE ${where.join(' AND ')} ORDER BY _time, _id`, params.values);
  return rows.map(eventFromRow).filter((e) => p.guid !== undefined || view.tracker.processAt(p.host, p.pid, Date.parse(e._time)) === p).map(fromSysmon);
}

/** 5156 of the process: its PID on its host, while it was the process with that PID. */
async function wfpConnections(store: Store, view: HostProcesses, p: ProcessRecord): Promise<Connection[]> {
  if (!(await hasTable(store, SECURITY_TABLE))) return [];
  const sql = forensicSql(store);
  const cols = await tableColumns(store, SECURITY_TABLE);
  const params = new SqlParams();
  const rows = await allRows(store,
    `SELECT * FROM ${sql.ident(SECURITY_TABLE)} WHERE event_id = 5156 AND ${sql.lower('host')} = ${sql.lower(params.add(p.host))}
     AND ${sql.field(cols, 'ProcessID')} = ${params.add(String(p.pid))} AND _time >= ${params.add(new Date(view.from))} AND _time < ${params.add(new Date(view.to))} ORDER BY _time, _id`,
    params.values);
  return rows.map(eventFromRow).filter((e) => view.tracker.processAt(p.host, p.pid, Date.parse(e._time)) === p).map(fromWfp);
}

/**
 * The connections of a process, oldest first, a page of them.
 *
 * @example
 * const { connections } = await processConnections(store, { guid: w3wpGuid }, 100, 0);
 */
export async function processConnections(store: Store, q: ProcessQuery, limit: number, offset: number): Promise<ConnectionsAnswer> {
  const { view, process: p } = await locateProcess(store, q);
  const all = [...await sysmonConnections(store, view, p), ...await wfpConnections(store, view, p)];
  all.sort((a, b) => a.ref.time.localeCompare(b.ref.time) || a.source.localeCompare(b.source));
  return {
    process: { host: p.host, pid: p.pid, guid: p.guid ?? null, image: p.image, start: isoTime(p.start ?? undefined), end: isoTime(p.end ?? undefined) },
    total: all.length, limit, offset, connections: all.slice(offset, offset + limit),
  };
}
