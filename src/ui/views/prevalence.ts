/**
 * Hash prevalence and spread from the forensics API (src/forensics/API.md): every
 * executable by SHA256 with its runs, hosts, first and last sighting, image paths and
 * allowlist status, rarest first (a binary one host ran once is where to look), the
 * known-good hidden on request; and for a hash, image name or IOC, the hosts in order of
 * first sighting — the first is patient zero — each first run linked to its process tree.
 */
import { api, type ResultRow } from '../api.js';
import { cellText, h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { arraySource, VirtualTable } from '../vtable.js';

/** Most prevalence rows one request returns (the API's page limit). */
const PAGE = 10_000;

interface Prevalence { total: number; allowlist: { hashes: number; signers: number }; rows: ResultRow[] }

/** The prevalence table; a row opens its hash's spread. */
export async function prevalenceView(root: HTMLElement): Promise<void> {
  replace(root, h('h2', {}, t('prevalence')), t('loading'));
  const columns = ['sha256', 'hosts', 'runs', 'first_seen', 'last_seen', 'images', 'allowed_by', 'signers'];
  const table = new VirtualTable((_, row) => { location.hash = `#/spread/hash/${String(row.sha256)}`; });
  const heading = h('h2', {}, t('prevalence'));
  const image = h('input', { type: 'search', class: 'prevalence-filter', placeholder: t('images') });
  const hideAllowed = h('input', { type: 'checkbox', class: 'hide-allowed', checked: true });
  const load = async (): Promise<void> => {
    const q = new URLSearchParams({ limit: String(PAGE), order: 'rare' });
    if (hideAllowed.checked) q.set('hide_allowed', '1');
    if (image.value.trim() !== '') q.set('image', image.value.trim());
    const answer = await api<Prevalence>('GET', `/api/forensics/prevalence?${q}`);
    table.setData(arraySource(answer.rows), columns);
    replace(heading, `${t('prevalence')} — ${answer.total.toLocaleString()} SHA256${answer.total > answer.rows.length ? ` (${answer.rows.length.toLocaleString()})` : ''}`);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  image.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => void load(), 250); });
  hideAllowed.addEventListener('change', () => void load());
  await load();
  replace(root, heading,
    h('p', { class: 'hint' }, t('onlyRare'), ' ', image, ' ', h('label', {}, hideAllowed, ` ${t('hideAllowed')}`), ' ', spreadSearch()),
    table.element);
}

/** A box to look up the spread of a hash, an image name or an IP/domain. */
function spreadSearch(): HTMLElement {
  const input = h('input', { type: 'search', class: 'spread-search', placeholder: `${t('spread')}: SHA256 / svch0st.exe / 45.77.65.211` });
  const form = h('form', { class: 'inline' }, input);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (v === '') return;
    const kind = /^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(v) ? 'hash' : /\.(exe|dll|com|scr|ps1|bat)$/i.test(v) ? 'image' : 'ioc';
    location.hash = `#/spread/${kind}/${encodeURIComponent(v)}`;
  });
  return form;
}

interface SpreadHost {
  host: string; count: number; first_seen: string; last_seen: string; by_table: Record<string, number>;
  first_event: { image: string | null; command_line: string | null; guid: string | null; pid: number | null } | null;
}

/** The spread of a hash (`kind` hash), image or IOC: hosts by first sighting, patient zero first. */
export async function spreadView(root: HTMLElement, kind: string, value: string): Promise<void> {
  replace(root, h('h2', {}, `${t('spread')} ${value}`), t('loading'));
  const param = kind === 'image' ? 'image' : kind === 'ioc' ? 'ioc' : 'hash';
  const answer = await api<{ kind: string; value: string; patient_zero: string | null; hosts: SpreadHost[] }>('GET', `/api/forensics/spread?${param}=${encodeURIComponent(value)}`);
  replace(root,
    h('p', {}, h('a', { href: '#/prevalence' }, `← ${t('prevalence')}`)),
    h('h2', {}, `${t('spread')} — ${answer.kind} ${answer.value}`),
    answer.patient_zero === null ? h('p', {}, t('noRows')) : h('p', { class: 'patient-zero' }, `${t('patientZero')}: `, h('b', {}, answer.patient_zero), ` (${answer.hosts[0]?.first_seen ?? ''})`),
    h('ol', { class: 'spread' }, answer.hosts.map((r) => h('li', { class: 'spread-host', 'data-host': r.host },
      h('b', {}, r.host), ` — ${t('first')} ${r.first_seen}, ${t('last')} ${r.last_seen}, ${r.count}× (${Object.entries(r.by_table).map(([k, v]) => `${k} ${v}`).join(', ')}) `,
      h('code', {}, cellText(r.first_event?.image ?? '')),
      // The first run's process tree: where the binary came from (its parents) and what it did.
      r.first_event?.guid ? [' ', h('a', { class: 'spread-tree', href: `#/tree/${encodeURIComponent(r.host)}/${encodeURIComponent(r.first_event.guid)}` }, t('tree'))] : null))));
}
