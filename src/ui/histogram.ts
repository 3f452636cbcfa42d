/**
 * A time histogram of result rows' `_time`: equal-width bins between the earliest and
 * latest time, drawn as SVG bars with the bin's count and range in each bar's tooltip.
 */

const SVG = 'http://www.w3.org/2000/svg';
const BINS = 60;

/** Bins of times (milliseconds since the epoch). */
export interface Bins { readonly from: number; readonly width: number; readonly counts: number[] }

/** Counts times into `bins` equal bins; null when there is no time. */
export function binTimes(times: readonly number[], bins = BINS): Bins | null {
  if (times.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) { if (t < min) min = t; if (t > max) max = t; }
  const width = Math.max(1, (max - min) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const t of times) counts[Math.min(bins - 1, Math.floor((t - min) / width))]++;
  return { from: min, width, counts };
}

/** The `_time` of each row that has one, as epoch milliseconds. */
export function rowTimes(rows: readonly Record<string, unknown>[]): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r._time;
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (Number.isFinite(ms)) out.push(ms);
  }
  return out;
}

/** An SVG histogram with its time range below (an empty element when no row has a time). */
export function histogram(rows: readonly Record<string, unknown>[]): HTMLElement {
  const box = document.createElement('div');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'histogram');
  const bins = binTimes(rowTimes(rows));
  if (bins === null) return box;
  const w = 600;
  const hgt = 80;
  // Stretched to the page's width; the labels are HTML so the stretch does not distort them.
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const peak = Math.max(...bins.counts);
  const bw = w / bins.counts.length;
  bins.counts.forEach((c, i) => {
    if (c === 0) return;
    const bh = Math.max(1, (c / peak) * hgt);
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(i * bw + 0.5));
    rect.setAttribute('y', String(hgt - bh));
    rect.setAttribute('width', String(Math.max(1, bw - 1)));
    rect.setAttribute('height', String(bh));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${new Date(bins.from + i * bins.width).toISOString()} — ${c}`;
    rect.appendChild(title);
    svg.appendChild(rect);
  });
  const label = (t: number): HTMLElement => {
    const span = document.createElement('span');
    span.textContent = new Date(t).toISOString().replace('T', ' ').slice(0, 19);
    return span;
  };
  const axis = document.createElement('div');
  axis.className = 'histogram-axis';
  axis.append(label(bins.from), label(bins.from + bins.width * bins.counts.length));
  box.append(svg, axis);
  return box;
}
