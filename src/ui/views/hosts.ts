/** The host list (GET /api/hosts): events per host and log, first and last event, and alert counts. */
import { api, quote } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fetchAlerts } from './alerts.js';

interface HostRow {
  host: string; events: number; first_seen: string; last_seen: string;
  channels: { table: string; channel: string; events: number }[];
}

/** Renders the hosts table; a host links to its events in the query console. */
export async function hostsView(root: HTMLElement): Promise<void> {
  replace(root, h('h2', {}, t('hosts')), t('loading'));
  const [answer, alerts] = await Promise.all([api<{ total: number; hosts: HostRow[] }>('GET', '/api/hosts?limit=10000'), fetchAlerts(10_000)]);
  const alertCount = new Map<string, number>();
  for (const a of alerts) if (a.host) alertCount.set(a.host, (alertCount.get(a.host) ?? 0) + 1);
  const tables = [...new Set(answer.hosts.flatMap((r) => r.channels.map((c) => c.table)))].sort();
  replace(root, h('h2', {}, `${t('hosts')} — ${answer.total}`),
    h('table', { class: 'hosts' },
      h('thead', {}, h('tr', {}, [t('host'), ...tables, t('first'), t('last'), t('alerts')].map((c) => h('th', {}, c)))),
      h('tbody', {}, answer.hosts.map((r) => h('tr', { class: 'host-row', 'data-host': r.host },
        h('td', {}, h('a', { href: `#/query?q=${encodeURIComponent(`table ${tables.join(', ')} | search host == ${quote(r.host)} | sort -_time`)}` }, r.host)),
        tables.map((tb) => h('td', { class: 'num' }, r.channels.filter((c) => c.table === tb).reduce((n, c) => n + c.events, 0).toLocaleString())),
        h('td', {}, r.first_seen), h('td', {}, r.last_seen), h('td', { class: 'num' }, String(alertCount.get(r.host) ?? 0)))))));
}
