/**
 * The query console: an editor (a textarea over a highlighted copy of its text, so the
 * caret and selection stay native), Ctrl+Enter to run, errors from the server's
 * `diagnostics` underlined at their span and listed with line and column, the results in
 * a virtualized table with a time histogram above, CSV/JSON downloads and the history.
 * Results longer than a page (the row limit field) are paged from the server as the
 * table scrolls (paged.ts); the histogram and the downloads cover the first page.
 */
import { ApiError, runQuery, type ResultRow } from '../api.js';
import { h, replace } from '../dom.js';
import { download, queryHistory, remember, toCsv } from '../export.js';
import { highlightNodes, lineColumn, type Mark } from '../highlight.js';
import { histogram } from '../histogram.js';
import { PagedSource } from '../paged.js';
import { t } from '../i18n.js';
import { arraySource, VirtualTable } from '../vtable.js';

/** What the server sends for a query that does not parse. */
interface Diagnostic { readonly message: string; readonly hint?: string; readonly span: { start: number; end: number } }

/** The default query: process creations by image, the seed's first question. */
export const SEED_QUERY = 'table sysmon | search event_id == 1 | stats count by Image | sort -count';

/** Renders the console into `root`; `initial` is a query to load (and run). */
export function queryView(root: HTMLElement, initial?: string): void {
  const overlay = h('pre', { class: 'editor-overlay', 'aria-hidden': 'true' });
  const editor = h('textarea', { class: 'editor-input', spellcheck: 'false', rows: 4, 'aria-label': t('query') });
  editor.value = initial ?? queryHistory()[0] ?? SEED_QUERY;
  const limit = h('input', { type: 'number', min: 1, value: 10000, class: 'limit', 'aria-label': t('limit') });
  const status = h('span', { class: 'status' });
  const problems = h('ul', { class: 'problems' });
  const chart = h('div', { class: 'chart' });
  // A row of a process (host and ProcessGuid) opens that process's tree.
  const table = new VirtualTable((_, row) => {
    if (typeof row.host === 'string' && typeof row.ProcessGuid === 'string' && row.ProcessGuid !== '') location.hash = `#/tree/${encodeURIComponent(row.host)}/${encodeURIComponent(row.ProcessGuid)}`;
  });
  const history = h('select', { class: 'history', 'aria-label': t('history') });
  let rows: ResultRow[] = [];
  let columns: string[] = [];
  let marks: Mark[] = [];

  const paint = (): void => {
    replace(overlay, highlightNodes(editor.value, marks));
    overlay.scrollTop = editor.scrollTop;
    overlay.scrollLeft = editor.scrollLeft;
  };
  const fillHistory = (): void => {
    replace(history, h('option', { value: '' }, `${t('history')}…`), queryHistory().map((q) => h('option', { value: q }, q.length > 120 ? `${q.slice(0, 120)}…` : q)));
  };
  const run = async (): Promise<void> => {
    const text = editor.value;
    marks = [];
    replace(problems);
    replace(status, t('running'));
    try {
      const pageSize = Number(limit.value) || 10_000;
      const answer = await runQuery(text, pageSize);
      remember(text);
      fillHistory();
      rows = answer.rows;
      columns = [...new Set(rows.slice(0, 200).flatMap((r) => Object.keys(r)))];
      replace(chart, histogram(rows));
      if (answer.truncated && answer.count === pageSize) {
        // More rows than a page: the rest is fetched page by page as the table scrolls.
        const total = await PagedSource.total(text);
        const source = new PagedSource(text, total, pageSize, rows, () => {
          table.refresh();
          if (source.error) replace(status, h('span', { class: 'error' }, source.error.message));
        });
        table.setData(source, columns);
        replace(status, `${total.toLocaleString()} ${t('rows')} · ${t('paged')} ${pageSize.toLocaleString()} · ${answer.ms} ms`);
      } else {
        table.setData(arraySource(rows), columns);
        replace(status, `${answer.count.toLocaleString()} ${t('rows')} · ${answer.ms} ms${answer.truncated ? ` · ${t('truncated')}` : ''}`);
      }
      if (answer.count === 0) replace(status, t('noRows'));
    } catch (e) {
      replace(status, h('span', { class: 'error' }, t('error')));
      const diagnostics = e instanceof ApiError && Array.isArray(e.body.diagnostics) ? (e.body.diagnostics as Diagnostic[]) : [];
      if (diagnostics.length === 0) replace(problems, h('li', { class: 'problem' }, (e as Error).message));
      marks = diagnostics.map((d) => ({ start: d.span.start, end: d.span.end, message: d.message }));
      replace(problems, diagnostics.map((d) => {
        const at = lineColumn(text, d.span.start);
        return h('li', { class: 'problem', 'data-line': at.line, 'data-column': at.column },
          `${t('line')} ${at.line}, ${t('column')} ${at.column}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
      }));
    }
    paint();
  };

  editor.addEventListener('input', () => { marks = []; paint(); });
  editor.addEventListener('scroll', paint);
  editor.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void run(); } });
  history.addEventListener('change', () => { if (history.value) { editor.value = history.value; marks = []; paint(); } });
  fillHistory();
  paint();
  const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');
  replace(root,
    h('div', { class: 'editor' }, overlay, editor),
    h('div', { class: 'toolbar' },
      h('button', { class: 'primary run', onclick: () => void run() }, t('run')),
      h('label', {}, `${t('limit')} `, limit), history,
      h('button', { class: 'download-csv', onclick: () => download(`haetae-${stamp()}.csv`, 'text/csv', toCsv(columns, rows)) }, t('downloadCsv')),
      h('button', { class: 'download-json', onclick: () => download(`haetae-${stamp()}.json`, 'application/json', JSON.stringify(rows, null, 1)) }, t('downloadJson')),
      status),
    problems, chart, table.element);
  if (initial !== undefined) void run();
}
