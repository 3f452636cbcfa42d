/**
 * An alert's page: what fired, then the story around it — the process tree of the
 * alert's process (found by the stored event's channel and record id), the Sysmon and
 * Security creation events of parent, process and children side by side, and the
 * parent's network connections (for the IIS webshell: w3wp.exe → cmd.exe → whoami.exe and
 * w3wp's connection out to the attacker's server).
 */
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fetchAlert, type Alert } from './alerts.js';
import { loadForest, processExplorer } from './process.js';
import type { ProcessNode } from '../process-tree.js';
import type { ProcessForest } from '../process-tree.js';

/** The process an alert is about: by the record it fired on, else by PID and image. */
export function alertProcess(forest: ProcessForest, a: Alert): ProcessNode | undefined {
  const f = a.fields;
  const recordId = Number(f.record_id);
  if (Number.isFinite(recordId) && typeof f.channel === 'string') {
    const n = forest.byRecord(f.channel, recordId);
    if (n) return n;
  }
  const pid = Number(f.ProcessId);
  const image = typeof f.Image === 'string' ? f.Image.toLowerCase() : undefined;
  return forest.nodes.find((n) => n.pid === pid && (image === undefined || n.image.toLowerCase() === image));
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
  if (!a.host) { replace(story, t('processNotFound')); return; }
  const forest = await loadForest(a.host);
  const focus = alertProcess(forest, a);
  if (!focus) { replace(story, t('processNotFound')); return; }
  processExplorer(story, a.host, focus);
}
