/**
 * Hash prevalence and spread, computed by the server's query engine from Sysmon 1
 * `Hashes` (the SHA256 part): every executable by SHA256 with its run count, host count,
 * first and last sighting and image paths, rarest first (a binary on one host that
 * nothing else runs is where to look); and for one hash, the hosts in order of first
 * sighting — the first is patient zero — each run linked to its process tree.
 */
import { quote, runQuery } from '../api.js';
import { cellText, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { arraySource, VirtualTable } from '../vtable.js';

const WITH_SHA256 = 'table sysmon | search event_id == 1 | rex field=Hashes "SHA256=(?<sha256>[0-9A-Fa-f]{64})" | search isnotnull(sha256)';

/** The prevalence table: one row per SHA256; a row opens its spread. */
export async function prevalenceView(root: HTMLElement): Promise<void> {
  replace(root, h('h2', {}, t('prevalence')), t('loading'));
  const answer = await runQuery(`${WITH_SHA256} | stats count, dc(host) as hosts, min(_time) as first, max(_time) as last, values(Image) as images by sha256 | sort hosts, count`, 100_000);
  const columns = ['sha256', 'hosts', 'count', 'first', 'last', 'images'];
  const table = new VirtualTable((_, row) => { location.hash = `#/spread/${String(row.sha256)}`; });
  table.setData(arraySource(answer.rows), columns);
  // Narrow by hash or image path as you type (all rows are in the browser: one per distinct binary).
  const filter = h('input', { type: 'search', class: 'prevalence-filter', placeholder: `${t('sha256')} / ${t('images')}` });
  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    table.setData(arraySource(needle === '' ? answer.rows : answer.rows.filter((r) => cellText(r.sha256).toLowerCase().includes(needle) || cellText(r.images).toLowerCase().includes(needle))), columns);
  });
  replace(root, h('h2', {}, `${t('prevalence')} — ${answer.count.toLocaleString()} SHA256`), h('p', { class: 'hint' }, t('onlyRare'), ' ', filter), table.element);
}

/** The spread of one SHA256: hosts by first sighting, patient zero first. */
export async function spreadView(root: HTMLElement, sha256: string): Promise<void> {
  replace(root, h('h2', {}, `${t('spread')} ${sha256}`), t('loading'));
  const answer = await runQuery(`${WITH_SHA256} | search sha256 == ${quote(sha256.toUpperCase())} or sha256 == ${quote(sha256.toLowerCase())} | stats count, min(_time) as first, max(_time) as last, values(Image) as images, values(ProcessGuid) as guids by host | sort first`);
  const rows = answer.rows;
  replace(root,
    h('p', {}, h('a', { href: '#/prevalence' }, `← ${t('prevalence')}`)),
    h('h2', {}, `${t('spread')} — ${sha256}`),
    rows.length === 0 ? h('p', {}, t('noRows')) : h('p', { class: 'patient-zero' }, `${t('patientZero')}: `, h('b', {}, String(rows[0].host)), ` (${String(rows[0].first)})`),
    h('ol', { class: 'spread' }, rows.map((r) => h('li', { class: 'spread-host', 'data-host': String(r.host) },
      h('b', {}, String(r.host)), ` — ${t('first')} ${String(r.first)}, ${t('last')} ${String(r.last)}, ${String(r.count)}× `,
      h('code', {}, (r.images as string[] | undefined ?? []).join(', ')),
      // Each run's process tree: where the binary came from (its parents) and what it did.
      (r.guids as string[] | undefined ?? []).slice(0, 5).flatMap((g) => [' ', h('a', { class: 'spread-tree', href: `#/tree/${encodeURIComponent(String(r.host))}/${encodeURIComponent(g)}` }, `${t('tree')} ${g}`)]),
      ' ', h('a', { href: `#/query?q=${encodeURIComponent(`${WITH_SHA256} | search host == ${quote(String(r.host))} and sha256 == ${quote(sha256)}`)}` }, t('relatedEvents'))))));
}
