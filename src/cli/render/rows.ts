/**
 * Query results on the terminal and in files: an aligned text table, CSV, JSON lines or
 * one JSON array. Values print as the language's `str()` does (../../query/semantics.ts).
 */
import type { Row } from '../../query/value.js';
import { formatValue, valueToJson } from '../../query/semantics.js';

/** Output formats of `haetae query`. */
export const ROW_FORMATS = ['table', 'csv', 'jsonl', 'json'] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

/** Longest cell the table format shows before cutting with `…` (full values: use jsonl). */
const MAX_CELL = 120;

/** The columns of a set of rows: fields in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: Row[string] | undefined): string {
  if (v === undefined || v === null) return '';
  const s = formatValue(v).replace(/\r?\n/g, '⏎').replace(/\t/g, ' ');
  return s.length > MAX_CELL ? s.slice(0, MAX_CELL - 1) + '…' : s;
}

/**
 * An aligned text table of rows (the whole result must be known to align it).
 *
 * @example
 * renderTable([{ Image: 'cmd.exe', count: 3 }]) // "Image   count\n------- -----\ncmd.exe 3\n"
 */
export function renderTable(rows: readonly Row[]): string {
  const cols = columnsOf(rows);
  if (cols.length === 0) return '';
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]): string => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join(' ').trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** CSV (RFC 4180) with a header row. */
export function renderCsv(rows: readonly Row[]): string {
  const cols = columnsOf(rows);
  const out = [cols.map(csvField).join(',')];
  for (const r of rows) out.push(cols.map((c) => { const v = r[c]; return v === undefined || v === null ? '' : csvField(formatValue(v)); }).join(','));
  return out.join('\r\n') + '\r\n';
}

/** One JSON object per line. */
export function renderJsonLines(rows: readonly Row[]): string {
  let s = '';
  for (const r of rows) s += JSON.stringify(rowToJson(r)) + '\n';
  return s;
}

/** A row as a plain JSON object (dates as ISO 8601 UTC). */
export function rowToJson(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = valueToJson(v);
  return out;
}
