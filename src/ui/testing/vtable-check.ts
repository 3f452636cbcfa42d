/**
 * In-page check of the virtualized table on a million rows, run by the browser test
 * (src/cli/ui-browser.test.ts bundles this file alone): jumps through the whole scroll
 * range, timing each slice render and counting the rows in the DOM. The rows are
 * generated here, in the page, because the query API caps results at query_max_rows.
 * Not part of the console's bundle.
 */
import { VirtualTable } from '../vtable.js';

/** What the check measured. */
export interface ScrollCheck {
  /** Most `.vt-row` elements in the DOM at any point. */
  readonly maxRows: number;
  /** Highest row index rendered at the end of the scroll range. */
  readonly last: number;
  /** Lowest row index rendered at the middle of the scroll range. */
  readonly middleFirst: number;
  /** Rows wholly inside the viewport at the middle. */
  readonly middleVisible: number;
  /** 95th percentile and worst render time, ms. */
  readonly p95: number;
  readonly worst: number;
}

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

/** Shows `n` generated rows in a table inside `host` and scrolls through them in 100 jumps. */
export async function checkMillionRows(host: HTMLElement, n = 1_000_000): Promise<ScrollCheck> {
  const table = new VirtualTable();
  host.appendChild(table.element);
  table.setData({ count: n, row: (i) => ({ _time: new Date(1714521600000 + i * 1000).toISOString(), host: `WS-${i % 500}`, event_id: 1 + (i % 3), Image: `C:\\Windows\\p${i}.exe` }) });
  const viewport = table.element.querySelector<HTMLElement>('.vt-viewport')!;
  const rendered = (): number[] => [...table.element.querySelectorAll<HTMLElement>('.vt-row')].map((r) => Number(r.dataset.row));
  const times: number[] = [];
  let maxRows = 0;
  const max = viewport.scrollHeight - viewport.clientHeight;
  for (let step = 0; step <= 100; step++) {
    viewport.scrollTop = Math.round((max * step) / 100);
    const t0 = performance.now();
    table.render();
    times.push(performance.now() - t0);
    await frame();
    maxRows = Math.max(maxRows, rendered().length);
  }
  const last = Math.max(...rendered());
  viewport.scrollTop = Math.round(max / 2);
  await frame();
  const middleFirst = Math.min(...rendered());
  const vr = viewport.getBoundingClientRect();
  const middleVisible = [...table.element.querySelectorAll<HTMLElement>('.vt-row')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= vr.top && b.bottom <= vr.bottom; }).length;
  times.sort((a, b) => a - b);
  return { maxRows, last, middleFirst, middleVisible, p95: times[Math.floor(times.length * 0.95)], worst: times[times.length - 1] };
}
