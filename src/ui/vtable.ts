/**
 * A virtualized results table: only the rows in view (plus a small margin) exist in the
 * DOM, so a million rows scroll as smoothly as a hundred. Rows have one fixed height;
 * the scroll area's height stands for all rows, and the visible slice is re-rendered on
 * the next animation frame after a scroll. Browsers cap an element's height (about 33
 * million pixels in Chromium), so past that many pixels the scroll position is scaled.
 */
import { cellText, h } from './dom.js';

/** Rows by index: an array, or anything that can produce row i on demand. */
export interface RowSource {
  readonly count: number;
  row(i: number): Record<string, unknown>;
}

/** Row height in pixels (keep in step with `.vt-row` in style.css). */
export const ROW_HEIGHT = 24;
const MAX_SCROLL_PX = 30_000_000;
const OVERSCAN = 8;

/** The table widget. */
export class VirtualTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private columns: string[] = [];
  private widths: string[] = [];
  private source: RowSource = { count: 0, row: () => ({}) };
  private pending = false;
  private first = -1;
  private last = -1;

  /** `onRowClick` gets the row index and the row. */
  constructor(private readonly onRowClick?: (index: number, row: Record<string, unknown>) => void) {
    this.header = h('div', { class: 'vt-header' });
    this.spacer = h('div', { class: 'vt-spacer' });
    this.body = h('div', { class: 'vt-body' });
    this.viewport = h('div', { class: 'vt-viewport', onscroll: () => this.schedule() }, this.spacer, this.body);
    this.element = h('div', { class: 'vt' }, this.header, this.viewport);
    this.viewport.addEventListener('click', (e) => {
      const rowEl = (e.target as Element).closest<HTMLElement>('.vt-row');
      if (rowEl && this.onRowClick) { const i = Number(rowEl.dataset.row); this.onRowClick(i, this.source.row(i)); }
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Shows rows; the columns default to the union of the first 200 rows' keys, in order seen. */
  setData(source: RowSource, columns?: readonly string[]): void {
    this.source = source;
    this.columns = columns ? [...columns] : columnsOf(source);
    this.widths = this.columns.map((c) => `${columnWidth(c)}px`);
    this.header.replaceChildren(...this.columns.map((c, i) => sized(h('div', { class: 'vt-cell', title: c }, c), this.widths[i])));
    const width = `${this.columns.reduce((w, c) => w + columnWidth(c), 0)}px`;
    this.header.style.width = width;
    this.body.style.width = width;
    this.spacer.style.height = `${Math.min(source.count * ROW_HEIGHT, MAX_SCROLL_PX)}px`;
    this.spacer.style.width = width;
    this.viewport.scrollTop = 0;
    this.first = this.last = -1;
    this.render();
  }

  /** The first row index the scroll position shows. */
  private virtualTop(): number {
    const total = this.source.count * ROW_HEIGHT;
    const max = Math.max(1, Math.min(total, MAX_SCROLL_PX) - this.viewport.clientHeight);
    const scale = total > MAX_SCROLL_PX ? (total - this.viewport.clientHeight) / max : 1;
    return this.viewport.scrollTop * scale;
  }

  private schedule(): void {
    // One render per frame, however many scroll events arrive.
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.render(); });
  }

  /** Re-renders the visible rows (e.g. when a page of them has arrived). */
  refresh(): void {
    this.first = this.last = -1;
    this.schedule();
  }

  /** Renders the visible slice now (scroll handlers call it on the next frame). */
  render(): void {
    this.header.style.transform = `translateX(${-this.viewport.scrollLeft}px)`;
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 1;
    const virtualTop = this.virtualTop();
    const top = Math.floor(virtualTop / ROW_HEIGHT);
    const first = Math.max(0, top - OVERSCAN);
    const last = Math.min(this.source.count, top + visible + OVERSCAN);
    // The body sits where the slice starts, relative to the scrolled viewport.
    this.body.style.transform = `translateY(${this.viewport.scrollTop - (virtualTop - first * ROW_HEIGHT)}px)`;
    if (first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.source.row(i);
      rows.push(h('div', { class: 'vt-row', 'data-row': i }, this.columns.map((c, ci) => {
        const text = cellText(row[c]);
        return sized(h('div', { class: 'vt-cell', title: text.length > 20 ? text.slice(0, 2000) : undefined }, text.length > 300 ? `${text.slice(0, 300)}…` : text), this.widths[ci]);
      })));
    }
    this.body.replaceChildren(...rows);
  }
}

/** Sets an element's width (through the CSSOM: the console's CSP allows no inline style attributes). */
function sized(el: HTMLElement, width: string): HTMLElement {
  el.style.width = width;
  return el;
}

/** Column width in pixels by name: times and messages wider, ids narrower. */
function columnWidth(name: string): number {
  if (name === '_time' || name === 'time') return 200;
  if (name === 'sha256') return 500;
  if (name === 'line' || name === 'CommandLine' || name === 'Hashes' || name === 'images' || name === 'key') return 420;
  if (name === '_id' || name === 'event_id' || name === 'count' || name === 'level') return 90;
  return 180;
}

function columnsOf(source: RowSource): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(source.count, 200); i++) for (const k of Object.keys(source.row(i))) seen.add(k);
  return [...seen];
}

/** A row source over an array. */
export function arraySource(rows: readonly Record<string, unknown>[]): RowSource {
  return { count: rows.length, row: (i) => rows[i] };
}
