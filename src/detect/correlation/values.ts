/**
 * How correlation reads values from matches: group-by values, distinct-value keys and
 * numbers for the value_* metrics.
 */
import type { EventValue } from '../../event/index.js';

/**
 * The string form two values are compared by: group-by values and `value_count` values
 * are equal when their string forms are ("compared exactly": case-sensitive, no trimming;
 * the number 4 and the string "4" are equal, as a PID read as decimal or text).
 * A missing field is `null`, which differs from every string, also from "" and "null".
 *
 * @example
 * valueKey('WEB01'); // 's:WEB01'
 * valueKey(4) === valueKey('4'); // true
 * valueKey(undefined) === valueKey(null); // true
 */
export function valueKey(value: EventValue | undefined): string {
  if (value === undefined || value === null) return 'n';
  if (Array.isArray(value)) return `a:${JSON.stringify(value)}`;
  return `s:${String(value)}`;
}

/**
 * A value as a number for value_sum / value_avg / value_percentile: numbers as they are,
 * strings that are whole decimal or `0x` hex numbers or decimal fractions (EVTX data
 * often carries numbers as text), else null (the value does not take part).
 *
 * @example
 * numericValue('1500'); // 1500
 * numericValue('0x10'); // 16
 * numericValue('n/a');  // null
 */
export function numericValue(value: EventValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+)$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}
