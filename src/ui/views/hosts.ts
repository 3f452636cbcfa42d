/** The host list: events per host in each log, first and last event, and alert counts. */
import { quote, runQuery } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { fetchAlerts } from './alerts.js';

/** Renders the hosts table; a host links to its events in the query console. */
export async function hostsView(root: HTMLElement): Promise<void> {
  replace(root, h('h2', {}, t('hosts')), t('loading'));
  const [answer, alerts] = await Promise.all([
    runQuery('table sysmon, security | stats count, min(_time) as first, max(_time) as last by host, channel | sort host, channel', 100_000),
    fetchAlerts(10_000),
  ]);
  const byHost = new Map<string, { channels: Record<string, number>; first: string; last: string }>();
  for (const r of answer.rows) {
    const host = String(r.host);
    const e = byHost.get(host) ?? { channels: {}, first: String(r.first), last: String(r.last) };
    e.channels[String(r.channel)] = Number(r.count);
    if (String(r.first) < e.first) e.first = String(r.first);
    if (String(r.last) > e.last) e.last = String(r.last);
    byHost.set(host, e);
  }
  const alertCount = new Map<string, number>();
  for (const a of alerts) if (a.host) alertCount.set(a.host, (alertCount.get(a.host) ?? 0) + 1);
  const channels = [...new Set(answer.rows.map((r) => String(r.channel)))];
  replace(root, h('h2', {}, `${t('hosts')} — ${byHost.size}`),
    h('table', { class: 'hosts' },
      h('thead', {}, h('tr', {}, [t('host'), ...channels, t('first'), t('last'), t('alerts')].map((c) => h('th', {}, c)))),
      h('tbody', {}, [...byHost].map(([host, e]) => h('tr', { class: 'host-row', 'data-host': host },
        h('td', {}, h('a', { href: `#/query?q=${encodeURIComponent(`table sysmon, security | search host == ${quote(host)} | sort -_time`)}` }, host)),
        channels.map((c) => h('td', { class: 'num' }, (e.channels[c] ?? 0).toLocaleString())),
        h('td', {}, e.first), h('td', {}, e.last), h('td', { class: 'num' }, String(alertCount.get(host) ?? 0)))))));
}
