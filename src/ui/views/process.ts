/**
 * The process views: the interactive tree (expand/collapse; click a process to select
 * it), the Sysmon and Security evidence of a chain side by side, a process's network
 * connections (Sysmon 3 and Security 5156, public destinations marked), and a process's
 * events. The tree and the connections come from the forensics API (process-tree.ts);
 * a process's events from `/api/query`.
 */
import { api, quote, runQuery, type ResultRow } from '../api.js';
import { baseName, cellText, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { classifyIp } from '../../event/normalize.js';
import { ancestors, type ProcessNode } from '../process-tree.js';
import { treeGraph } from '../tree-graph.js';
import { arraySource, VirtualTable } from '../vtable.js';

/** A process as one line: image name, PID, time. */
function label(n: ProcessNode): HTMLElement {
  return h('span', { class: 'proc-label' },
    h('b', { class: 'proc-image' }, baseName(n.image) || '?'),
    h('span', { class: 'proc-pid' }, ` ${n.pid}`),
    h('span', { class: 'proc-logs' }, n.sysmon ? ' S' : '', n.security ? ' 4688' : ''),
    h('span', { class: 'proc-cmd' }, ` ${n.commandLine}`));
}

/**
 * The tree from the root of `focus`'s ancestry: the path to `focus` and `focus`'s own
 * subtree start expanded (the API's tree holds only the path above the focus);
 * `onSelect` gets the clicked process.
 */
export function treeWidget(focus: ProcessNode, onSelect: (n: ProcessNode) => void): HTMLElement {
  const path = new Set<ProcessNode>([focus, ...ancestors(focus)]);
  const root = [...path].find((n) => !n.parent || !path.has(n.parent)) ?? focus;
  const inFocus = (n: ProcessNode): boolean => { for (let p: ProcessNode | undefined = n; p; p = p.parent) if (p === focus) return true; return false; };
  const container = h('div', { class: 'tree', role: 'tree' });
  const nodeEl = (n: ProcessNode): HTMLElement => {
    const open = path.has(n) || inFocus(n);
    const kids = h('ul', { class: 'tree-children', role: 'group' });
    const toggle = h('button', { class: 'tree-toggle', 'aria-label': 'toggle', disabled: n.children.length === 0 }, n.children.length === 0 ? '·' : open ? '▾' : '▸');
    const li = h('li', { class: `tree-node${n === focus ? ' focus' : ''}`, role: 'treeitem', 'data-key': n.key, 'data-image': baseName(n.image).toLowerCase(), 'aria-expanded': String(open) },
      h('div', { class: 'tree-row' }, toggle, h('a', { href: '#', class: 'tree-select', onclick: (e: Event) => { e.preventDefault(); container.querySelectorAll('.selected').forEach((x) => x.classList.remove('selected')); li.classList.add('selected'); onSelect(n); } }, label(n))), kids);
    let built = false;
    const setOpen = (o: boolean): void => {
      if (o && !built) { built = true; replace(kids, n.children.map(nodeEl)); }
      kids.hidden = !o;
      li.setAttribute('aria-expanded', String(o));
      if (n.children.length > 0) toggle.textContent = o ? '▾' : '▸';
    };
    toggle.addEventListener('click', () => setOpen(kids.hidden !== false));
    setOpen(open);
    return li;
  };
  replace(container, h('ul', { class: 'tree-root' }, nodeEl(root)));
  requestAnimationFrame(() => container.querySelector('.tree-node.focus')?.scrollIntoView({ block: 'nearest' }));
  return container;
}

/** System columns of a stored event left out of an evidence card. */
const QUIET_FIELDS = new Set(['_table', '_id', 'line', 'channel', 'provider', 'provider_guid', 'version', 'level', 'task', 'opcode', 'keywords', 'process_id', 'thread_id', 'user_sid', 'qualifiers', 'activity_id', 'related_activity_id']);

/** A log event as a field list (or a note that this log has no twin). */
function evidenceCard(kind: 'sysmon' | 'security', row: ResultRow | undefined, inferredFrom?: ProcessNode['inferredFrom']): HTMLElement {
  const title = kind === 'sysmon' ? `${t('sysmonEvidence')} (Sysmon 1)` : `${t('securityEvidence')} (4688)`;
  const child = inferredFrom?.[kind];
  if (!row && child) {
    // The parent's creation is not stored: show what the child's event says about it
    // (Sysmon: the Parent* fields; 4688: the creator's PID and ParentProcessName).
    const fields = Object.entries(child).filter(([k, v]) => (/^Parent/.test(k) || (kind === 'security' && k === 'ProcessId')) && v !== null && v !== '');
    return h('div', { class: `evidence ${kind} inferred` }, h('h4', {}, title), h('p', { class: 'hint' }, t('inferred')),
      h('dl', {}, fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, cellText(v))])));
  }
  if (!row) return h('div', { class: `evidence ${kind} missing` }, h('h4', {}, title), h('p', {}, t('noTwin')));
  // The event's data fields first; the system fields that say nothing about the process and the rendered message are left out.
  return h('div', { class: `evidence ${kind}` }, h('h4', {}, title),
    h('dl', {}, Object.entries(row).filter(([k, v]) => v !== null && v !== '' && !QUIET_FIELDS.has(k)).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, cellText(v))])),
    typeof row.line === 'string' && row.line !== '' ? h('details', {}, h('summary', {}, 'message'), h('pre', { class: 'message' }, row.line)) : null);
}

/** Each process of a chain with its Sysmon and Security creation events side by side. */
export function evidencePanel(chain: readonly ProcessNode[]): HTMLElement {
  return h('div', { class: 'evidence-chain' }, chain.map((n, i) => h('section', { class: 'evidence-step', 'data-image': baseName(n.image).toLowerCase() },
    h('h3', {}, `${i === 0 ? '' : '→ '}${baseName(n.image)} (PID ${n.pid})`),
    h('div', { class: 'side-by-side' }, evidenceCard('sysmon', n.sysmon, n.inferredFrom), evidenceCard('security', n.security, n.inferredFrom)))));
}

/** A connection as the forensics API gives it. */
interface Connection {
  source: 'sysmon' | 'security'; ref: { time: string; record_id: number | null }; direction: string | null; protocol: string | null;
  source_ip: string | null; source_port: number | null; destination_ip: string | null; destination_port: number | null; destination_hostname: string | null;
}

/**
 * A process's connections (`/api/forensics/connections`: Sysmon 3 by ProcessGuid, 5156 by
 * PID while it was this process's): the outbound ones to public addresses listed per log
 * side by side, all of them in a table below.
 */
export async function connectionsPanel(n: ProcessNode): Promise<HTMLElement> {
  const q = n.guid ? new URLSearchParams({ guid: n.guid, host: n.host }) : new URLSearchParams({ host: n.host, pid: String(n.pid), time: new Date(n.start).toISOString() });
  q.set('limit', '10000');
  const answer = await api<{ total: number; connections: Connection[] }>('GET', `/api/forensics/connections?${q}`);
  const out = answer.connections.filter((c) => c.direction === 'outbound' && classifyIp(c.destination_ip ?? '') === 'public');
  const list = (source: Connection['source'], cls: string): HTMLElement => {
    const rows = out.filter((c) => c.source === source);
    return h('ul', { class: cls }, rows.length === 0 ? h('li', {}, t('noTwin')) : rows.slice(0, 50).map((c) => h('li', { class: 'conn' },
      `${c.ref.time} → ${c.destination_ip ?? ''}:${c.destination_port ?? ''}${c.destination_hostname ? ` (${c.destination_hostname})` : ''}`)));
  };
  const table = new VirtualTable();
  table.setData(arraySource(answer.connections.map((c) => ({ time: c.ref.time, log: c.source === 'sysmon' ? 'Sysmon 3' : 'Security 5156', direction: c.direction, protocol: c.protocol,
    source_ip: c.source_ip, source_port: c.source_port, destination_ip: c.destination_ip, destination_port: c.destination_port, record_id: c.ref.record_id }))));
  return h('div', { class: 'connections' },
    h('h3', {}, `${t('connections')} ${baseName(n.image)} (PID ${n.pid}) — ${t('outbound')}`),
    h('div', { class: 'side-by-side' },
      h('div', { class: 'evidence sysmon' }, h('h4', {}, 'Sysmon 3'), list('sysmon', 'public-sysmon')),
      h('div', { class: 'evidence security' }, h('h4', {}, 'Security 5156'), list('security', 'public-security'))),
    h('details', {}, h('summary', {}, `${answer.total} ${t('rows')}`), table.element));
}

/** The events a process made or was made by (Sysmon by ProcessGuid; Security by PID during its lifetime), in a table. */
export async function eventsPanel(host: string, n: ProcessNode): Promise<HTMLElement> {
  const hex = `0x${n.pid.toString(16)}`;
  const [sysmon, security] = await Promise.all([
    n.guid ? runQuery(`table sysmon | search host == ${quote(host)} and (ProcessGuid == ${quote(n.guid)} or ParentProcessGuid == ${quote(n.guid)}) | sort _time`, 10_000) : Promise.resolve({ rows: [] as ResultRow[] }),
    runQuery(`table security | search host == ${quote(host)} and (NewProcessId == ${quote(hex)} or ProcessId == ${quote(hex)} or ProcessID == ${n.pid}) | sort _time`, 10_000),
  ]);
  // A PID is reused: only the Security events while it was this process's are its own.
  const own = security.rows.filter((r) => { const at = Date.parse(cellText(r._time)); return !(at < n.start - 1000) && !(at > n.end + 1000); });
  const rows = [...sysmon.rows, ...own].sort((a, b) => cellText(a._time).localeCompare(cellText(b._time)));
  const table = new VirtualTable();
  table.setData(arraySource(rows), ['_time', 'channel', 'event_id', 'record_id', 'Image', 'NewProcessName', 'CommandLine', 'DestinationIp', 'DestAddress', 'TargetFilename', 'line']);
  return h('div', { class: 'process-events' }, h('h3', {}, `${t('events')} ${baseName(n.image)} (PID ${n.pid}) — ${rows.length} ${t('rows')}`), table.element);
}

/** Renders a tree for a process with its evidence, its and its parent's connections, and its events; clicking a node re-focuses the panels. */
export function processExplorer(root: HTMLElement, host: string, focus: ProcessNode): void {
  const evidence = h('div', { class: 'panel-evidence' });
  const conns = h('div', { class: 'panel-connections' });
  const events = h('div', { class: 'panel-events' });
  const select = (n: ProcessNode): void => {
    // The story of a process: its parent, itself, its children (w3wp → cmd → whoami for the webshell's cmd).
    const chain = [...(n.parent ? [n.parent] : []), n, ...n.children.slice(0, 10)];
    replace(evidence, evidencePanel(chain));
    replace(conns, t('loading'));
    replace(events, t('loading'));
    // Its own connections, and its parent's (the webshell's cmd.exe is quiet; its w3wp.exe called out).
    void Promise.all([n, ...(n.parent ? [n.parent] : [])].map((p) => connectionsPanel(p)))
      .then((els) => replace(conns, els), (e: Error) => replace(conns, h('p', { class: 'error' }, e.message)));
    void eventsPanel(host, n).then((el) => replace(events, el), (e: Error) => replace(events, h('p', { class: 'error' }, e.message)));
  };
  // The drawn graph and the list select together: a click in either focuses the panels and marks both.
  const graph = treeGraph(focus, (n) => { list.querySelectorAll('.selected').forEach((x) => x.classList.remove('selected')); select(n); });
  const list = treeWidget(focus, (n) => { graph.select(n); select(n); });
  replace(root,
    h('div', { class: 'process-layout' },
      h('div', { class: 'panel-tree' }, h('h3', {}, `${t('processTree')} — ${host}`), graph.element, list),
      h('div', { class: 'panel-detail' }, evidence, conns, events)));
  graph.select(focus);
  select(focus);
}
