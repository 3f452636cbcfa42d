/**
 * The alerts list (GET /api/alerts) with live updates from the SSE stream
 * (/api/alerts/stream: `event: alert` adds a row, `event: update` changes its count);
 * a row opens the alert's page.
 */
import { api, streamUrl } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

/** An alert as the API sends it (src/server/alert-model.ts). */
export interface Alert {
  readonly id: number;
  readonly time: string;
  readonly raised_at: string;
  readonly source: string;
  readonly name: string;
  readonly level: string;
  readonly key: string;
  readonly host: string | null;
  count: number;
  readonly fields: Record<string, unknown>;
}

/** Fetches recent alerts, newest first. */
export async function fetchAlerts(limit = 500): Promise<Alert[]> {
  return (await api<{ alerts: Alert[] }>('GET', `/api/alerts?limit=${limit}`)).alerts;
}

/** Fetches one alert by id (the alert after id − 1), or null. */
export async function fetchAlert(id: number): Promise<Alert | null> {
  const { alerts } = await api<{ alerts: Alert[] }>('GET', `/api/alerts?since=${id - 1}&limit=1`);
  return alerts[0]?.id === id ? alerts[0] : null;
}

function alertRow(a: Alert, fresh: boolean): HTMLElement {
  return h('tr', { class: `alert-row level-${a.level}${fresh ? ' fresh' : ''}`, 'data-id': a.id, onclick: () => { location.hash = `#/alert/${a.id}`; } },
    h('td', {}, String(a.id)), h('td', {}, a.time), h('td', { class: 'level' }, a.level),
    h('td', {}, h('a', { href: `#/alert/${a.id}`, class: 'alert-link' }, a.name)), h('td', {}, a.host ?? ''),
    h('td', { class: 'count' }, String(a.count)), h('td', {}, a.source));
}

/** Renders the list and keeps it live; returns a function that closes the stream. */
export function alertsView(root: HTMLElement): () => void {
  const body = h('tbody');
  const state = h('span', { class: 'live-state' }, t('offline'));
  const rows = new Map<number, HTMLElement>();
  const add = (a: Alert, fresh: boolean): void => {
    if (rows.has(a.id)) return;
    const tr = alertRow(a, fresh);
    rows.set(a.id, tr);
    // Newest on top, whichever arrives first (the stream or the list).
    const after = [...body.children].find((r) => Number((r as HTMLElement).dataset.id) < a.id);
    body.insertBefore(tr, after ?? null);
  };
  replace(root, h('h2', {}, t('alerts'), ' ', state),
    h('table', { class: 'alerts' },
      h('thead', {}, h('tr', {}, ['#', t('time'), t('level'), t('name'), t('host'), t('count'), t('source')].map((c) => h('th', {}, c)))), body));
  const source = new EventSource(streamUrl('/api/alerts/stream'));
  source.addEventListener('open', () => { state.textContent = `● ${t('live')}`; state.classList.add('on'); });
  source.addEventListener('error', () => { state.textContent = t('offline'); state.classList.remove('on'); });
  source.addEventListener('alert', (e) => add(JSON.parse((e as MessageEvent<string>).data) as Alert, true));
  source.addEventListener('update', (e) => {
    const a = JSON.parse((e as MessageEvent<string>).data) as Alert;
    const tr = rows.get(a.id);
    const cell = tr?.querySelector('.count');
    if (cell) cell.textContent = String(a.count);
  });
  // The list is read after the stream opens, so an alert raised in between is not missed (duplicates are skipped by id).
  void fetchAlerts().then((list) => { for (const a of list) add(a, false); }, (e: Error) => root.append(h('p', { class: 'error' }, e.message)));
  return () => source.close();
}
