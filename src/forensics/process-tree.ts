/**
 * Process trees from the store: for one process (by Sysmon ProcessGuid, or by host, PID and
 * time), its ancestors and descendants, built from Sysmon 1/5 and Security 4688/4689.
 *
 * The events of the process's host within a window around it are read with SQL and fed
 * to the detection ProcessTracker (src/detect/process-tracker.ts), which already knows
 * lifetimes by GUID and by PID+time, merges a Sysmon 1 and a 4688 of the same process
 * (same host and PID, created within its merge window, images not different) and resolves
 * a 4688's creator PID to the process alive *at the event's time*, not now (PIDs are
 * reused: ../shared/specs/windows-events.md §1). This module only adds what a tree view
 * needs on top: the events behind each process and the children of each.
 */
import { ProcessTracker, type ProcessRecord } from '../detect/process-tracker.js';
import { processId, type Event } from '../event/index.js';
import type { Store } from '../store/types.js';
import { forensicSql, SqlParams } from './sql.js';
import { allRows, eventFromRow, eventRef, hasTable, isoTime, SECURITY_TABLE, SYSMON_TABLE, tableColumns, type EventRef } from './store-rows.js';

/** Events read on each side of the process asked about, by default. */
export const DEFAULT_WINDOW_MS = 24 * 3600 * 1000;
/** Descendant levels shown by default. */
export const DEFAULT_DEPTH = 8;
/** At most this many creation/exit events are read per table for one tree. */
const MAX_EVENTS = 500_000;
/** Ancestor chains longer than this are cut (PID reuse can make chains loop; the tracker's records are checked too). */
const MAX_ANCESTORS = 64;

/** The fields of Sysmon 1/5 and 4688/4689 that the tracker reads (process-tracker.ts, security-fields.ts). */
const SYSMON_FIELDS = ['ProcessGuid', 'ProcessId', 'Image', 'CommandLine', 'User', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage'];
const SECURITY_FIELDS = ['NewProcessId', 'NewProcessName', 'CommandLine', 'ProcessId', 'ProcessName', 'ParentProcessName',
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'TargetUserSid', 'TargetUserName', 'TargetDomainName'];

/** Which process: its Sysmon GUID (host optional), or the one that had `pid` on `host` at `time`. */
export type ProcessQuery =
  | { readonly guid: string; readonly host?: string; readonly windowMs?: number }
  | { readonly host: string; readonly pid: number; readonly time: number; readonly windowMs?: number };

/** A process in a tree (the API's JSON shape). */
export interface ProcessNode {
  /** Unique within one answer: the GUID, else host|pid|start. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly guid: string | null;
  readonly image: string;
  readonly command_line: string | null;
  readonly user: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly parent_pid: number | null;
  readonly parent_guid: string | null;
  readonly focus: boolean;
  /** The Sysmon 1/5 and Security 4688/4689 events that describe the process. */
  readonly sources: { readonly sysmon: EventRef[]; readonly security: EventRef[] };
  readonly children: ProcessNode[];
}

/** A process tree: the path from the topmost known ancestor down to the focus, and the focus's descendants. */
export interface ProcessTree {
  readonly focus: string;
  readonly host: string;
  readonly root: ProcessNode;
  /** Node ids of the ancestors, parent first. */
  readonly ancestors: string[];
  readonly nodes: number;
  /** True when `depth` cut descendants off. */
  readonly truncated: boolean;
  /** The event window read (ISO). */
  readonly window: { readonly from: string; readonly to: string };
}

/** No process matches the query (the API answers 404). */
export class ProcessNotFoundError extends Error {
  override readonly name = 'ProcessNotFoundError';
}

/** A GUID as the tracker keys it: lowercase with braces; null when it is not a GUID. */
export function normalizeGuid(guid: string): string | null {
  const s = guid.trim().toLowerCase().replace(/^\{|\}$/g, '');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s) ? `{${s}}` : null;
}

/**
 * The processes of one host within a time window, as the tracker sees them, with the
 * events behind each record and the parent of each created process.
 */
export class HostProcesses {
  readonly tracker: ProcessTracker;
  /** Events per record, in time order. */
  private readonly evidence = new Map<ProcessRecord, { sysmon: EventRef[]; security: EventRef[] }>();
  private readonly parents = new Map<ProcessRecord, ProcessRecord>();
  private readonly kids = new Map<ProcessRecord, ProcessRecord[]>();

  private constructor(readonly host: string, readonly from: number, readonly to: number, events: readonly { table: string; event: Event }[], windowMs: number) {
    // Nothing read may be evicted while the tree is built: the horizon spans the window.
    this.tracker = new ProcessTracker({ horizonMs: 4 * windowMs + DEFAULT_WINDOW_MS, maxRecords: 4 * MAX_EVENTS });
    for (const { event } of events) this.tracker.observe(event);
    // Resolved after every event is observed, so a creation whose parent's events came later still links.
    const creations = new Map<ProcessRecord, Event>();
    const synthetic = new Map<string, ProcessRecord>();
    for (const { table, event } of events) {
      const p = this.tracker.processOf(event);
      if (p === null) continue;
      let ev = this.evidence.get(p);
      if (ev === undefined) this.evidence.set(p, ev = { sysmon: [], security: [] });
      (table === SYSMON_TABLE ? ev.sysmon : ev.security).push(eventRef(table, event));
      const creation = event.event_id === 1 || event.event_id === 4688;
      // A Sysmon 1 links its parent by GUID: preferred over the 4688 twin.
      if (creation && (!creations.has(p) || event.event_id === 1)) creations.set(p, event);
    }
    for (const [p, creation] of creations) {
      let parent = this.tracker.parentOf(creation);
      if (parent === null || parent === p) continue;
      if (parent.start === null && parent.guid === undefined && this.tracker.processAt(parent.host, parent.pid, Date.parse(creation._time)) !== parent) {
        // A 4688 creator known only by ParentProcessName: the tracker makes a new record each time; one per PID and image.
        const key = `${parent.pid}|${parent.image.toLowerCase()}`;
        parent = synthetic.get(key) ?? (synthetic.set(key, parent), parent);
      }
      this.parents.set(p, parent);
      let list = this.kids.get(parent);
      if (list === undefined) this.kids.set(parent, list = []);
      list.push(p);
    }
    for (const list of this.kids.values()) list.sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.pid - b.pid);
  }

  /**
   * Reads the Sysmon 1/5 and Security 4688/4689 events of `host` in [from, to) and builds
   * the view. Host names compare case-insensitively.
   */
  static async load(store: Store, host: string, from: number, to: number, windowMs = DEFAULT_WINDOW_MS): Promise<HostProcesses> {
    const read = async (table: string, ids: readonly number[], fields: readonly string[]): Promise<{ table: string; event: Event }[]> => {
      if (!(await hasTable(store, table))) return [];
      // Only the fields the tracker reads: whole rows (with the rendered message) cost several times more.
      const sql = forensicSql(store);
      const cols = await tableColumns(store, table);
      const select = fields.map((f) => `${sql.field(cols, f)} AS ${sql.ident(f)}`).join(', ');
      const params = new SqlParams();
      const rows = await allRows(store,
        `SELECT _time, host, channel, provider, event_id, record_id, ${select} FROM ${sql.ident(table)}
         WHERE ${sql.lower('host')} = ${sql.lower(params.add(host))} AND event_id IN (${ids.join(', ')}) AND _time >= ${params.add(new Date(from))} AND _time < ${params.add(new Date(to))}
         ORDER BY _time, _id LIMIT ${MAX_EVENTS}`,
        params.values);
      return rows.map((r) => ({ table, event: eventFromRow(r) }));
    };
    const events = [...await read(SYSMON_TABLE, [1, 5], SYSMON_FIELDS), ...await read(SECURITY_TABLE, [4688, 4689], SECURITY_FIELDS)];
    events.sort((a, b) => Date.parse(a.event._time) - Date.parse(b.event._time));
    const name = events[0]?.event.host ?? host;
    return new HostProcesses(name, from, to, events, windowMs);
  }

  /** The events behind a record. */
  sourcesOf(p: ProcessRecord): { sysmon: EventRef[]; security: EventRef[] } {
    return this.evidence.get(p) ?? { sysmon: [], security: [] };
  }

  /** A record's parent, when known. */
  parentOf(p: ProcessRecord): ProcessRecord | null {
    return this.parents.get(p) ?? null;
  }

  /** A record's children, oldest first. */
  childrenOf(p: ProcessRecord): readonly ProcessRecord[] {
    return this.kids.get(p) ?? [];
  }

  /** Ancestors, parent first; stops at a record seen twice. */
  ancestorsOf(p: ProcessRecord): ProcessRecord[] {
    const out: ProcessRecord[] = [];
    const seen = new Set([p]);
    for (let q = this.parentOf(p); q !== null && !seen.has(q) && out.length < MAX_ANCESTORS; q = this.parentOf(q)) {
      out.push(q);
      seen.add(q);
    }
    return out;
  }
}

/** Where and when to look for a process asked for by GUID: a Sysmon event that names it (as itself, else as a parent). */
async function findGuid(store: Store, guid: string, host: string | undefined): Promise<{ host: string; time: number } | null> {
  if (!(await hasTable(store, SYSMON_TABLE))) return null;
  const sql = forensicSql(store);
  const cols = await tableColumns(store, SYSMON_TABLE);
  for (const field of ['ProcessGuid', 'ParentProcessGuid']) {
    const params = new SqlParams();
    const rows = await allRows(store,
      `SELECT host, _time FROM ${sql.ident(SYSMON_TABLE)} WHERE ${sql.lower(sql.field(cols, field))} = ${params.add(guid)}${host === undefined ? '' : ` AND ${sql.lower('host')} = ${sql.lower(params.add(host))}`}
       ORDER BY (event_id = 1) DESC, _time, _id LIMIT 1`,
      params.values);
    const r = rows[0];
    if (r !== undefined && r._time instanceof Date) return { host: String(r.host), time: r._time.getTime() };
  }
  return null;
}

/**
 * Finds a process: reads its host's process events around it and returns the view and
 * the process's record. Throws ProcessNotFoundError when nothing matches.
 *
 * @example
 * const { view, process } = await locateProcess(store, { host: 'WEB01', pid: 0x1a4, time: Date.parse('2024-05-01T10:44:52Z') });
 */
export async function locateProcess(store: Store, q: ProcessQuery): Promise<{ view: HostProcesses; process: ProcessRecord }> {
  const windowMs = q.windowMs ?? DEFAULT_WINDOW_MS;
  if ('guid' in q) {
    const guid = normalizeGuid(q.guid);
    if (guid === null) throw new ProcessNotFoundError(`'${q.guid}' is not a process GUID`);
    const at = await findGuid(store, guid, q.host);
    if (at === null) throw new ProcessNotFoundError(`no Sysmon event names process ${guid}${q.host === undefined ? '' : ` on ${q.host}`}`);
    const view = await HostProcesses.load(store, at.host, at.time - windowMs, at.time + windowMs, windowMs);
    const process = view.tracker.byGuid(at.host, guid);
    if (process === null) throw new ProcessNotFoundError(`process ${guid} on ${at.host} has no creation, exit or parent link in the window`);
    return { view, process };
  }
  const view = await HostProcesses.load(store, q.host, q.time - windowMs, q.time + windowMs, windowMs);
  const process = view.tracker.processAt(q.host, q.pid, q.time);
  if (process === null) throw new ProcessNotFoundError(`no process had PID ${q.pid} on ${q.host} at ${new Date(q.time).toISOString()}`);
  return { view, process };
}

/**
 * The process tree around one process: the chain of its ancestors from the topmost known
 * one, and its descendants down to `depth` levels.
 *
 * @example
 * const tree = await processTree(store, { guid: '{4d68ad5d-…}' }); // tree.root … focus
 */
export async function processTree(store: Store, q: ProcessQuery, depth = DEFAULT_DEPTH): Promise<ProcessTree> {
  const { view, process } = await locateProcess(store, q);
  const ids = new Map<ProcessRecord, string>();
  const used = new Set<string>();
  const idOf = (p: ProcessRecord): string => {
    let id = ids.get(p);
    if (id !== undefined) return id;
    const base = p.guid ?? `${p.host}|${p.pid}|${isoTime(p.start ?? undefined) ?? p.image}`;
    id = base;
    for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
    used.add(id);
    ids.set(p, id);
    return id;
  };
  let count = 0;
  let truncated = false;
  const node = (p: ProcessRecord, children: ProcessNode[]): ProcessNode => {
    count++;
    return {
      id: idOf(p), host: p.host, pid: p.pid, guid: p.guid ?? null, image: p.image, command_line: p.commandLine ?? null, user: p.user ?? null,
      start: isoTime(p.start ?? undefined), end: isoTime(p.end ?? undefined), parent_pid: p.parentPid ?? null, parent_guid: p.parentGuid ?? null,
      focus: p === process, sources: view.sourcesOf(p), children,
    };
  };
  const seen = new Set<ProcessRecord>();
  const descend = (p: ProcessRecord, level: number): ProcessNode => {
    seen.add(p);
    const kids = view.childrenOf(p).filter((c) => !seen.has(c));
    if (level >= depth && kids.length > 0) truncated = true;
    return node(p, level >= depth ? [] : kids.map((c) => descend(c, level + 1)));
  };
  const ancestors = view.ancestorsOf(process);
  for (const a of ancestors) seen.add(a);
  let root = descend(process, 0);
  for (const a of ancestors) root = node(a, [root]);
  return {
    focus: idOf(process), host: view.host, root, ancestors: ancestors.map(idOf), nodes: count, truncated,
    window: { from: new Date(view.from).toISOString(), to: new Date(view.to).toISOString() },
  };
}

/**
 * A process query from text parameters (API query string, CLI flags): `guid`, or `host`,
 * `pid` (decimal or 0x hex) and `time` (ISO 8601). Returns an error message instead when
 * they do not make one.
 */
export function processQueryFrom(p: { guid?: string; host?: string; pid?: string; time?: string; windowHours?: string }): ProcessQuery | string {
  let windowMs: number | undefined;
  if (p.windowHours !== undefined) {
    const h = Number(p.windowHours);
    if (!Number.isFinite(h) || h <= 0 || h > 24 * 366) return 'window_hours must be a positive number of hours';
    windowMs = h * 3600 * 1000;
  }
  if (p.guid !== undefined && p.guid !== '') return { guid: p.guid, ...(p.host ? { host: p.host } : {}), ...(windowMs ? { windowMs } : {}) };
  if (!p.host || p.pid === undefined || p.time === undefined) return 'give guid, or host, pid and time';
  const pid = processId(p.pid);
  if (pid === null) return `pid must be a decimal or 0x hex process ID, not '${p.pid}'`;
  const time = Date.parse(p.time);
  if (Number.isNaN(time)) return `time must be an ISO 8601 time, not '${p.time}'`;
  return { host: p.host, pid, time, ...(windowMs ? { windowMs } : {}) };
}

