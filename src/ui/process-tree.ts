/**
 * Process trees from stored events, built in the browser from `/api/query` results of
 * one host: Sysmon 1 (ProcessCreate) links child to parent by ProcessGuid; Security 4688
 * links by PID and time (`NewProcessId` is the child, `ProcessId` the creator, both hex —
 * specs/windows-events.md: PIDs are reused, so the creator is the latest process with that
 * PID started before the child). A 4688 and a Sysmon 1 for the same process (same PID and
 * image, within two seconds) merge into one node carrying both events, so the evidence of
 * each log shows side by side. Process ends are not read: a PID's lifetime is taken to
 * run until its next creation, which is enough to pick the creator but not to say when a
 * process ended. A parent whose own creation is not stored (w3wp.exe started before
 * the logs begin) is still known from its children's events — Sysmon 1 names it
 * (ParentProcessGuid, ParentProcessId, ParentImage, ParentCommandLine, ParentUser) and
 * 4688 gives its PID and ParentProcessName — so it becomes an `inferred` node, and the
 * tree keeps its top.
 */
import type { ResultRow } from './api.js';

/** One process: its identity, and the Sysmon and/or Security event of its creation. */
export interface ProcessNode {
  readonly key: string;
  readonly pid: number;
  readonly image: string;
  readonly commandLine: string;
  readonly user: string;
  /** Creation time, epoch ms. */
  readonly start: number;
  readonly guid?: string;
  sysmon?: ResultRow;
  security?: ResultRow;
  /** Known only from its children's parent fields (its creation is not stored): a child's event in each log. */
  inferredFrom?: { sysmon?: ResultRow; security?: ResultRow };
  parent?: ProcessNode;
  readonly children: ProcessNode[];
}

/** Twins are at most this far apart (Sysmon and the audit policy stamp the same creation independently). */
const TWIN_MS = 2000;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : /^0x/i.test(str(v)) ? parseInt(str(v).slice(2), 16) : Number(v));
const time = (v: unknown): number => Date.parse(str(v));

/** All processes of one host's creations, linked to their parents and children. */
export class ProcessForest {
  readonly nodes: ProcessNode[] = [];
  private readonly byGuid = new Map<string, ProcessNode>();
  private readonly byPid = new Map<number, ProcessNode[]>();
  private readonly inferred = new Map<string, ProcessNode>();

  /** `sysmon`: Sysmon event 1 rows; `security`: Security 4688 rows (same host). */
  constructor(sysmon: readonly ResultRow[], security: readonly ResultRow[]) {
    for (const r of sysmon) {
      const node: ProcessNode = {
        key: str(r.ProcessGuid) || `sysmon:${str(r.record_id)}`, pid: num(r.ProcessId), image: str(r.Image), commandLine: str(r.CommandLine),
        user: str(r.User), start: time(r._time), guid: str(r.ProcessGuid) || undefined, sysmon: r, children: [],
      };
      this.nodes.push(node);
      if (node.guid) this.byGuid.set(node.guid.toLowerCase(), node);
      this.indexPid(node);
    }
    for (const r of security) {
      const pid = num(r.NewProcessId);
      const start = time(r._time);
      const image = str(r.NewProcessName);
      const twin = (this.byPid.get(pid) ?? []).find((n) => n.security === undefined && n.image.toLowerCase() === image.toLowerCase() && Math.abs(n.start - start) <= TWIN_MS);
      if (twin) { twin.security = r; continue; }
      const node: ProcessNode = {
        key: `security:${str(r.record_id)}`, pid, image, commandLine: str(r.CommandLine),
        user: [str(r.SubjectDomainName), str(r.SubjectUserName)].filter(Boolean).join('\\'), start, security: r, children: [],
      };
      this.nodes.push(node);
      this.indexPid(node);
    }
    for (const list of this.byPid.values()) list.sort((a, b) => a.start - b.start);
    const stored = [...this.nodes];
    for (const node of stored) {
      const parent = this.parentOf(node) ?? this.inferredParent(node);
      if (parent && parent !== node) {
        node.parent = parent;
        parent.children.push(node);
        if (parent.inferredFrom) { parent.inferredFrom.sysmon ??= node.sysmon; parent.inferredFrom.security ??= node.security; }
      }
    }
    for (const node of this.nodes) node.children.sort((a, b) => a.start - b.start);
  }

  private indexPid(node: ProcessNode): void {
    const list = this.byPid.get(node.pid) ?? [];
    list.push(node);
    this.byPid.set(node.pid, list);
  }

  /** The parent: by ParentProcessGuid (Sysmon), else the creator PID's latest process started before. */
  private parentOf(node: ProcessNode): ProcessNode | undefined {
    const parentGuid = str(node.sysmon?.ParentProcessGuid).toLowerCase();
    if (parentGuid && this.byGuid.has(parentGuid)) return this.byGuid.get(parentGuid);
    const parentPid = node.sysmon ? num(node.sysmon.ParentProcessId) : num(node.security?.ProcessId);
    let best: ProcessNode | undefined;
    for (const c of this.byPid.get(parentPid) ?? []) if (c.start <= node.start + TWIN_MS && c !== node) best = c;
    return best;
  }

  /** The parent named by a node's event when its creation is not stored (one node per GUID, or per PID and image). */
  private inferredParent(node: ProcessNode): ProcessNode | undefined {
    const row = node.sysmon ?? node.security;
    if (!row) return undefined;
    const guid = node.sysmon ? str(row.ParentProcessGuid) : '';
    const pid = node.sysmon ? num(row.ParentProcessId) : num(row.ProcessId);
    const image = str(node.sysmon ? row.ParentImage : row.ParentProcessName);
    if (!Number.isFinite(pid) || (image === '' && guid === '')) return undefined;
    const byPidImage = `inferred:${pid}:${image.toLowerCase()}`;
    const known = (guid ? this.byGuid.get(guid.toLowerCase()) : undefined) ?? this.inferred.get(byPidImage);
    if (known) return known;
    const parent: ProcessNode = {
      key: guid || byPidImage, pid, image, commandLine: node.sysmon ? str(row.ParentCommandLine) : '', user: node.sysmon ? str(row.ParentUser) : '',
      start: Number.NaN, guid: guid || undefined, inferredFrom: {}, children: [],
    };
    this.nodes.push(parent);
    if (guid) this.byGuid.set(guid.toLowerCase(), parent);
    this.inferred.set(byPidImage, parent);
    return parent;
  }

  /** The node a stored event created (by channel and record id), if any. */
  byRecord(channel: string, recordId: number): ProcessNode | undefined {
    const security = channel.toLowerCase() === 'security';
    return this.nodes.find((n) => num((security ? n.security : n.sysmon)?.record_id) === recordId);
  }

  /** The node with a key. */
  byKey(key: string): ProcessNode | undefined {
    return this.nodes.find((n) => n.key === key);
  }
}

/** A node's ancestors, nearest first. */
export function ancestors(node: ProcessNode): ProcessNode[] {
  const out: ProcessNode[] = [];
  const seen = new Set<ProcessNode>([node]);
  for (let p = node.parent; p && !seen.has(p); p = p.parent) { out.push(p); seen.add(p); }
  return out;
}

/** A node and its descendants, depth first, at most `max`. */
export function descendants(node: ProcessNode, max = 200): ProcessNode[] {
  const out: ProcessNode[] = [];
  const walk = (n: ProcessNode): void => {
    for (const c of n.children) { if (out.length >= max) return; out.push(c); walk(c); }
  };
  walk(node);
  return out;
}
