/**
 * The web console's entry: the login form (an API token, checked against
 * /api/tables and kept in sessionStorage), the navigation, the language switch, and a
 * hash router (#/query, #/alerts, #/alert/ID, #/tree/HOST/KEY, #/prevalence,
 * #/spread/hash|image|ioc/VALUE, #/hosts). Each view renders into the main element; the alerts view's
 * live stream is closed when another view replaces it.
 */
import { api, ApiError, currentToken, setToken } from './api.js';
import { h, replace } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import { alertDetailView } from './views/alert-detail.js';
import { alertsView } from './views/alerts.js';
import { hostsView } from './views/hosts.js';
import { prevalenceView, spreadView } from './views/prevalence.js';
import { processExplorer } from './views/process.js';
import { loadProcessTree } from './process-tree.js';
import { queryView } from './views/query.js';

const app = document.getElementById('app') ?? document.body;
let closeView: () => void = () => undefined;

function loginView(message?: string): void {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', placeholder: 'hae_…', class: 'token-input', 'aria-label': t('token') });
  const error = h('p', { class: 'error login-error' }, message ?? '');
  const form = h('form', { class: 'login' },
    h('h1', {}, t('title')), h('label', {}, t('token'), input), h('p', { class: 'hint' }, t('tokenHint')),
    h('button', { type: 'submit', class: 'primary' }, t('login')), error, languageButton());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    api('GET', '/api/tables', undefined, token).then(() => { setToken(token); render(); }, (err: Error) => {
      error.textContent = err instanceof ApiError && err.status === 401 ? `${t('error')}: ${err.message}` : err.message;
    });
  });
  replace(app, form);
  input.focus();
}

function languageButton(): HTMLElement {
  return h('button', { type: 'button', class: 'lang', onclick: () => { setLang(lang() === 'ko' ? 'en' : 'ko'); render(); } }, t('language'));
}

function nav(): HTMLElement {
  const link = (hash: string, label: string): HTMLElement => h('a', { href: hash, class: location.hash.startsWith(hash) ? 'active' : '' }, label);
  return h('nav', {}, h('b', { class: 'brand' }, t('title')),
    link('#/query', t('query')), link('#/alerts', t('alerts')), link('#/prevalence', t('prevalence')), link('#/hosts', t('hosts')),
    h('span', { class: 'spacer' }), languageButton(),
    h('button', { type: 'button', class: 'logout', onclick: () => { setToken(null); render(); } }, t('logout')));
}

/** Renders the view the URL's hash names. */
function render(): void {
  closeView();
  closeView = () => undefined;
  document.documentElement.lang = lang();
  document.title = t('title');
  if (currentToken() === null) { loginView(); return; }
  const main = h('main');
  replace(app, nav(), main);
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const fail = (e: Error): void => replace(main, h('p', { class: 'error' }, `${t('error')}: ${e.message}`));
  switch (parts[0]) {
    case 'alerts': closeView = alertsView(main); break;
    case 'alert': alertDetailView(main, Number(parts[1])).catch(fail); break;
    case 'tree':
      loadProcessTree({ host: parts[1], guid: parts[2] }).then((node) => processExplorer(main, parts[1], node)).catch(fail);
      break;
    case 'prevalence': prevalenceView(main).catch(fail); break;
    case 'spread': spreadView(main, parts[1], parts[2]).catch(fail); break;
    case 'hosts': hostsView(main).catch(fail); break;
    default: queryView(main, new URLSearchParams(search).get('q') ?? undefined);
  }
}

window.addEventListener('hashchange', render);
window.addEventListener('haetae:logout', () => loginView());
render();
