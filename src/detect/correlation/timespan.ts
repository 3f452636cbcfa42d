/**
 * `timespan:` of a correlation rule (correlation spec "Time Selection": "number + letter
 * (in lowercase)": `Xs`, `Xm`, `Xh`, `Xd`; e.g. "1h30 : `timespan: 90m`").
 */
import type { Timespan } from './types.js';

/**
 * Milliseconds per unit letter. The spec lists s, m, h and d; `w` (7 days) is accepted too,
 * as Sigma tooling does. Months and years are not fixed durations and are refused.
 */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a timespan; returns why it is invalid as a string.
 *
 * @example
 * parseTimespan('90m'); // { text: '90m', ms: 5400000 }
 * parseTimespan('1H');  // "unit 'H' must be lowercase …"
 */
export function parseTimespan(text: unknown): Timespan | string {
  if (typeof text === 'number') return `${text} has no unit; write a number and a lowercase unit letter (s, m, h, d or w), e.g. 5m`;
  if (typeof text !== 'string') return `must be a string such as 5m, not ${describe(text)}`;
  const m = /^(\d+)([A-Za-z])$/.exec(text.trim());
  if (!m) return `'${text}' is not a number followed by one unit letter (s, m, h, d or w), e.g. 90m`;
  const [, digits, unit] = m;
  if (unit === 'M' || unit === 'y') return `'${text}': months and years are not fixed durations; use days (d) instead`;
  if (!(unit in UNIT_MS)) {
    const lower = unit.toLowerCase();
    if (lower in UNIT_MS) return `'${text}': unit '${unit}' must be lowercase ('${lower}')`;
    return `'${text}': unknown unit '${unit}'; use s, m, h, d or w`;
  }
  const count = Number(digits);
  if (count <= 0) return `'${text}' must be greater than zero`;
  const ms = count * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) return `'${text}' is too long`;
  return { text, ms };
}

/** A short description of a YAML value for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
