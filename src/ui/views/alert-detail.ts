/**
 * An alert's page: what fired, then the story around it — the process tree of the
 * alert's process (the stored event it fired on, read back), the Sysmon and
 * Security creation events of parent, process and children side by side, and the
 * parent's network connections (for the IIS webshell: w3wp.exe → cmd.exe → whoami.exe and
 * w3wp's connection out to the attacker's server).
 */
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fetchAlert, type Alert } from './alerts.js';
import { processExplorer } from './process.js';
import { fetchEvents, loadProcessTree, type ProcessQuery } from '../process-tree.js';

/**
 * How to ask for the alert's process: the event it fired on (channel and record id) read
 * back — its ProcessGuid (Sysmon), or its process's PID (4688's NewProcessId, else the
 * event's ProcessId/ProcessID) at its time; without a record, the alert's own fields.
 */
export async function alertProcess(a: Alert): Promise<ProcessQuery | null> {
  if (!a.host) return null;
  const f = a.fields;
  let row: Record<string, unknown> = f;
  let time = a.time;
  if (typeof f.record_id === 'number' && typeof f.channel === 'string') {
    const table = f.channel === 'Security' ? 'security' : /sysmon/i.test(f.channel) ? 'sysmon' : null;
    const found = table ? (await fetchEvents(table, a.host, [f.record_id]))[0] : undefined;
    if (found) { row = found; time = String(found._time); }
  }
  if (typeof row.ProcessGuid === 'string' && row.ProcessGuid !== '') return { guid: row.ProcessGuid, host: a.host };
  const pid = row.NewProcessId ?? row.ProcessId ?? row.ProcessID;
  return typeof pid === 'number' || typeof pid === 'string' ? { host: a.host, pid, time } : null;
}

/** Renders the alert page for an id. */
export async function alertDetailView(root: HTMLElement, id: number): Promise<void> {
  replace(root, t('loading'));
  const a = await fetchAlert(id);
  if (a === null) { replace(root, h('p', { class: 'error' }, `${t('alert')} ${id}: ${t('notFound')}`)); return; }
  const story = h('div', { class: 'story' }, t('loading'));
  replace(root,
    h('p', {}, h('a', { href: '#/alerts' }, `← ${t('alerts')}`)),
    h('h2', { class: `alert-title level-${a.level}` }, `#${a.id} ${a.name}`),
    h('dl', { class: 'alert-meta' },
      [[t('time'), a.time], [t('level'), a.level], [t('host'), a.host ?? ''], [t('count'), String(a.count)], [t('source'), a.source], ['key', a.key]]
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('details', {}, h('summary', {}, t('fields')), h('pre', { class: 'alert-fields' }, JSON.stringify(a.fields, null, 2))),
    story);
  const q = await alertProcess(a);
  if (q === null || !a.host) { replace(story, t('processNotFound')); return; }
  processExplorer(story, a.host, await loadProcessTree(q));
}
