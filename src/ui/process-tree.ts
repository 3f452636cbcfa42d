/**
 * Process trees from the forensics API (`GET /api/forensics/process-tree`,
 * src/forensics/API.md): the server links processes (Sysmon by ProcessGuid, 4688 by PID
 * and time, both merged) and returns the path from the topmost known ancestor to the
 * process asked about, plus its descendants, each with references to its Sysmon and
 * Security events. Here the creation events (Sysmon 1, Security 4688) are fetched
 * (`GET /api/forensics/events`) and put on the nodes, so each log's evidence can be shown
 * side by side. A process known only as a parent (w3wp.exe started before the logs
 * begin) has no creation event; what its children's events say about it (Sysmon's
 * Parent* fields, 4688's creator PID and ParentProcessName) stands in.
 */
import { api, type ResultRow } from './api.js';

/** A reference to a stored event, as the forensics API gives it. */
export interface EventRef { readonly table: string; readonly event_id: number; readonly record_id: number | null; readonly time: string }

/** A process of the API's tree. */
interface ApiNode {
  id: string; host: string; pid: number; guid: string | null; image: string; command_line: string | null; user: string | null;
  start: string | null; end: string | null; focus: boolean; sources: { sysmon: EventRef[]; security: EventRef[] }; children: ApiNode[];
}

/** The API's answer. */
interface ApiTree { focus: string; host: string; root: ApiNode; ancestors: string[]; nodes: number; truncated: boolean }

/** One process in the console: identity, creation events, family. */
export interface ProcessNode {
  readonly key: string;
  readonly host: string;
  readonly pid: number;
  readonly image: string;
  readonly commandLine: string;
  readonly user: string;
  /** Creation time, epoch ms (NaN when only seen as a parent). */
  readonly start: number;
  /** Exit time, epoch ms (NaN when not seen). */
  readonly end: number;
  readonly guid?: string;
  sysmon?: ResultRow;
  security?: ResultRow;
  /** For a process whose creation is not stored: a child's event in each log. */
  inferredFrom?: { sysmon?: ResultRow; security?: ResultRow };
  parent?: ProcessNode;
  readonly children: ProcessNode[];
}

/** How to name a process to the API: by GUID, or by host, PID and a time it ran. */
export type ProcessQuery = { guid: string; host?: string } | { host: string; pid: number | string; time: string };

/** Record ids per table of the creation events (Sysmon 1, Security 4688) in a tree. */
function creationRefs(root: ApiNode): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const walk = (n: ApiNode): void => {
    for (const ref of [...n.sources.sysmon, ...n.sources.security]) {
      if ((ref.event_id === 1 || ref.event_id === 4688) && ref.record_id !== null) out.set(ref.table, [...(out.get(ref.table) ?? []), ref.record_id]);
    }
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Fetches stored events by table, host and record ids (at most 1000 per request, the API's limit). */
export async function fetchEvents(table: string, host: string, recordIds: readonly number[]): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  for (let i = 0; i < recordIds.length; i += 1000) {
    const q = new URLSearchParams({ table, host, record_id: recordIds.slice(i, i + 1000).join(',') });
    out.push(...(await api<{ events: ResultRow[] }>('GET', `/api/forensics/events?${q}`)).events);
  }
  return out;
}

/** Loads a process's tree with its creation events; returns the focus node. */
export async function loadProcessTree(q: ProcessQuery): Promise<ProcessNode> {
  const params = new URLSearchParams('guid' in q ? { guid: q.guid, ...(q.host ? { host: q.host } : {}) } : { host: q.host, pid: String(q.pid), time: q.time });
  const tree = await api<ApiTree>('GET', `/api/forensics/process-tree?${params}`);
  const rows = new Map<string, ResultRow>();
  for (const [table, ids] of creationRefs(tree.root)) {
    for (const r of await fetchEvents(table, tree.host, ids)) rows.set(`${table}:${String(r.record_id)}`, r);
  }
  const creation = (refs: EventRef[], eventId: number): ResultRow | undefined => {
    const ref = refs.find((r) => r.event_id === eventId);
    return ref ? rows.get(`${ref.table}:${String(ref.record_id)}`) : undefined;
  };
  let focus: ProcessNode | undefined;
  const build = (n: ApiNode, parent?: ProcessNode): ProcessNode => {
    const node: ProcessNode = {
      key: n.id, host: n.host, pid: n.pid, image: n.image, commandLine: n.command_line ?? '', user: n.user ?? '',
      start: n.start === null ? Number.NaN : Date.parse(n.start), end: n.end === null ? Number.NaN : Date.parse(n.end),
      guid: n.guid ?? undefined, sysmon: creation(n.sources.sysmon, 1), security: creation(n.sources.security, 4688), parent, children: [],
    };
    if (n.focus || n.id === tree.focus) focus = node;
    for (const c of n.children) node.children.push(build(c, node));
    if (!node.sysmon && !node.security && node.children.length > 0) {
      node.inferredFrom = { sysmon: node.children.find((c) => c.sysmon)?.sysmon, security: node.children.find((c) => c.security)?.security };
    }
    return node;
  };
  const root = build(tree.root);
  return focus ?? root;
}

/** A node's ancestors, nearest first. */
export function ancestors(node: ProcessNode): ProcessNode[] {
  const out: ProcessNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.push(p);
  return out;
}
