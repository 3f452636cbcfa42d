/**
 * Dates of the query language: Java `SimpleDateFormat` patterns (which `date()` and
 * `str(d, fmt)` take, as in Logpresso), time spans (`ago("1h")`, `datetrunc(d, "5m")`,
 * `timechart span=1h`) and calendar arithmetic (`dateadd`, `datediff`).
 *
 * Every computation here is in UTC. Logpresso formats and parses in the server's time
 * zone; Haetae reads events from many hosts and prints UTC everywhere, so a pattern without
 * a zone letter (`Z`, `X`, `z`) means UTC (specs/query-language.md "Functions").
 */
import { daysInMonth } from '../event/index.js';

/** Thrown for a pattern, span or unit written wrongly in the query (never for bad data). */
export class DateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateSyntaxError';
  }
}

// ---------------------------------------------------------------- SimpleDateFormat patterns

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

/** Letters Haetae implements; Java's others (G, w, W, F, u, L, …) are a syntax error. */
const LETTERS = new Set(['y', 'M', 'd', 'H', 'h', 'k', 'K', 'm', 's', 'S', 'a', 'E', 'D', 'Z', 'X', 'z']);
const NUMERIC = new Set(['y', 'd', 'H', 'h', 'k', 'K', 'm', 's', 'S', 'D']);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const tokenCache = new Map<string, Token[]>();

/** Splits a SimpleDateFormat pattern: runs of one letter, `'quoted text'`, `''` for a quote. */
function tokenize(pattern: string): Token[] {
  const cached = tokenCache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  const literal = (text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'literal') last.text += text;
    else tokens.push({ kind: 'literal', text });
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") { literal("'"); i += 2; continue; }
      const close = pattern.indexOf("'", i + 1);
      if (close < 0) throw new DateSyntaxError(`unterminated quote in date pattern "${pattern}"`);
      // Inside quotes, '' is a quote too ('o''clock').
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { text += "'"; j += 2; continue; }
          break;
        }
        text += pattern[j++];
      }
      if (j >= pattern.length) throw new DateSyntaxError(`unterminated quote in date pattern "${pattern}"`);
      literal(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw new DateSyntaxError(`unsupported letter '${c}' in date pattern "${pattern}"`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      literal(c);
      i++;
    }
  }
  if (tokenCache.size > 500) tokenCache.clear();
  tokenCache.set(pattern, tokens);
  return tokens;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Formats `date` (in UTC) with a SimpleDateFormat pattern. Supported letters: y M d H h k K
 * m s S a E D Z X z; `'text'` is literal. `S` is milliseconds (as in Java, `SSS` = 3 digits).
 *
 * @example
 * formatDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), 'yyyy-MM-dd HH:mm:ss.SSS') // '2024-01-02 03:04:05.006'
 */
export function formatDate(date: Date, pattern: string): string {
  let out = '';
  for (const t of tokenize(pattern)) {
    if (t.kind === 'literal') { out += t.text; continue; }
    const n = t.count;
    switch (t.letter) {
      case 'y': {
        const y = date.getUTCFullYear();
        out += n === 2 ? pad(y % 100, 2) : pad(y, n);
        break;
      }
      case 'M': {
        const m = date.getUTCMonth();
        out += n >= 4 ? MONTHS[m] : n === 3 ? MONTHS[m].slice(0, 3) : pad(m + 1, n);
        break;
      }
      case 'd': out += pad(date.getUTCDate(), n); break;
      case 'H': out += pad(date.getUTCHours(), n); break;
      case 'k': out += pad(date.getUTCHours() || 24, n); break;
      case 'h': out += pad(date.getUTCHours() % 12 || 12, n); break;
      case 'K': out += pad(date.getUTCHours() % 12, n); break;
      case 'm': out += pad(date.getUTCMinutes(), n); break;
      case 's': out += pad(date.getUTCSeconds(), n); break;
      case 'S': out += pad(date.getUTCMilliseconds(), n); break;
      case 'a': out += date.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'E': out += n >= 4 ? DAYS[date.getUTCDay()] : DAYS[date.getUTCDay()].slice(0, 3); break;
      case 'D': out += pad(dayOfYear(date), n); break;
      case 'Z': out += '+0000'; break;
      case 'X': out += 'Z'; break;
      case 'z': out += 'UTC'; break;
    }
  }
  return out;
}

function dayOfYear(date: Date): number {
  return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

interface Parser { re: RegExp; fields: Token[] }
const parserCache = new Map<string, Parser>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds (once per pattern) a regex whose groups are the pattern's fields, in order. */
function parserFor(pattern: string): Parser {
  const cached = parserCache.get(pattern);
  if (cached) return cached;
  const tokens = tokenize(pattern);
  let src = '^';
  const fields: Token[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'literal') { src += escapeRegExp(t.text); return; }
    fields.push(t);
    const next = tokens[i + 1];
    // As SimpleDateFormat does: a number directly followed by another number field
    // (yyyyMMddHHmmss) takes exactly as many digits as letters; otherwise any number.
    const abutting = next?.kind === 'field' && (NUMERIC.has(next.letter) || (next.letter === 'M' && next.count <= 2));
    const numeric = NUMERIC.has(t.letter) || (t.letter === 'M' && t.count <= 2);
    if (numeric) src += abutting ? `(\\d{${t.count}})` : t.letter === 'y' && t.count === 2 ? '(\\d{2})' : '(\\d+)';
    else if (t.letter === 'M') src += '([A-Za-z]+)';
    else if (t.letter === 'E') src += '([A-Za-z]+)';
    else if (t.letter === 'a') src += '(AM|PM|am|pm)';
    else if (t.letter === 'Z') src += '([+-]\\d{4}|Z)';
    else if (t.letter === 'X') src += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
    else src += '(UTC|GMT|Z|[+-]\\d{2}:?\\d{2})'; // z
  });
  const parser = { re: new RegExp(src, 'i'), fields };
  if (parserCache.size > 500) parserCache.clear();
  parserCache.set(pattern, parser);
  return parser;
}

function offsetMinutes(text: string): number {
  if (/^(Z|UTC|GMT)$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Parses `text` with a SimpleDateFormat pattern; null when the text does not fit. As
 * Java's `parse(String)`, text after the pattern is ignored; unlike Java's lenient default,
 * out-of-range fields (month 13, 25 o'clock) do not roll over but fail. Without a zone field
 * the time is UTC. Two-digit years (`yy`) land within 80 years before and 20 after `now`.
 *
 * @example
 * parseDate('2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')?.toISOString() // '2024-01-02T03:04:05.000Z'
 * parseDate('20240102', 'yyyyMMdd')?.getUTCDate() // 2
 */
export function parseDate(text: string, pattern: string, now: Date = new Date()): Date | null {
  const { re, fields } = parserFor(pattern);
  const m = re.exec(text);
  if (!m) return null;
  let year = 1970, month = 0, day = 1, hour = 0, minute = 0, second = 0, ms = 0, offset = 0;
  let pm: boolean | undefined;
  let hour12: number | undefined;
  let yday: number | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as Extract<Token, { kind: 'field' }>;
    const v = m[i + 1];
    const n = Number(v);
    switch (f.letter) {
      case 'y':
        if (f.count === 2 && v.length === 2) {
          const base = now.getUTCFullYear() - 80;
          year = base - (base % 100) + n;
          if (year < base) year += 100;
        } else year = n;
        break;
      case 'M':
        if (f.count <= 2) month = n - 1;
        else {
          const idx = MONTHS.findIndex((name) => (v.length === 3 ? name.slice(0, 3) : name).toLowerCase() === v.toLowerCase());
          if (idx < 0) return null;
          month = idx;
        }
        break;
      case 'd': day = n; break;
      case 'H': hour = n; break;
      case 'k': hour = n === 24 ? 0 : n; break;
      case 'h': hour12 = n === 12 ? 0 : n; break;
      case 'K': hour12 = n; break;
      case 'm': minute = n; break;
      case 's': second = n; break;
      case 'S': ms = n; break;
      case 'a': pm = v.toUpperCase() === 'PM'; break;
      case 'E': if (!DAYS.some((d) => d.toLowerCase() === v.toLowerCase() || d.slice(0, 3).toLowerCase() === v.toLowerCase())) return null; break;
      case 'D': yday = n; break;
      default: offset = offsetMinutes(v); // Z X z
    }
  }
  if (hour12 !== undefined) hour = hour12 + (pm ? 12 : 0);
  else if (pm !== undefined && pm && hour < 12) hour += 12;
  if (month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || ms > 999) return null;
  let t = Date.UTC(year, month, day, hour, minute, second, ms);
  if (yday !== undefined) t = Date.UTC(year, 0, yday, hour, minute, second, ms);
  // Date.UTC maps years 0–99 to 1900–1999; set the year explicitly.
  const d = new Date(t);
  if (year >= 0 && year < 100) d.setUTCFullYear(year);
  return new Date(d.getTime() - offset * 60_000);
}


// ---------------------------------------------------------------- spans and calendar arithmetic

/** Units of spans and of `dateadd`/`datediff`: the query language's `TimeUnit`s, plus years and milliseconds. */
export type DateUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'mon' | 'y';

const FIXED_MS: Record<Exclude<DateUnit, 'mon' | 'y'>, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Unit names `dateadd`/`datediff` accept, Logpresso's (`year`, `mon`, `day`, `hour`, `min`, `sec`, `msec`) and the span letters. */
const UNIT_NAMES: Record<string, DateUnit> = {
  y: 'y', year: 'y', years: 'y',
  mon: 'mon', month: 'mon', months: 'mon',
  w: 'w', week: 'w', weeks: 'w',
  d: 'd', day: 'd', days: 'd',
  h: 'h', hour: 'h', hours: 'h',
  m: 'm', min: 'm', minute: 'm', minutes: 'm',
  s: 's', sec: 's', second: 's', seconds: 's',
  ms: 'ms', msec: 'ms', millisecond: 'ms', milliseconds: 'ms',
};

/**
 * The unit named by `name` (case-insensitive), e.g. for `dateadd(d, "day", 1)`.
 *
 * @example
 * dateUnit('Hour') // 'h'
 */
export function dateUnit(name: string): DateUnit {
  const u = UNIT_NAMES[name.toLowerCase()];
  if (!u) throw new DateSyntaxError(`unknown date unit "${name}" (use year, mon, week, day, hour, min, sec or msec)`);
  return u;
}

/** A number of units, as `ago("1h")` and `datetrunc(d, "5m")` write it. */
export interface DateSpan { readonly amount: number; readonly unit: DateUnit }

/**
 * Parses a span: a positive integer and one of s, m, h, d, w, mon, y (`"15m"`, `"1mon"`).
 *
 * @example
 * parseDateSpan('15m') // { amount: 15, unit: 'm' }
 */
export function parseDateSpan(text: string): DateSpan {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d|w|mon|y)\s*$/i.exec(text);
  if (!m || Number(m[1]) === 0) throw new DateSyntaxError(`bad time span "${text}" (expected e.g. 30s, 5m, 1h, 1d, 1w, 1mon, 1y)`);
  return { amount: Number(m[1]), unit: m[2].toLowerCase() as DateUnit };
}

/**
 * `date` moved by `n` units (negative: back). Months and years are calendar units: the day
 * of month is clamped as Java's `Calendar.add` does (Jan 31 + 1 mon = Feb 28 or 29).
 *
 * @example
 * addToDate(new Date('2024-01-31T00:00:00Z'), 'mon', 1).toISOString() // '2024-02-29T00:00:00.000Z'
 */
export function addToDate(date: Date, unit: DateUnit, n: number): Date {
  if (unit !== 'mon' && unit !== 'y') return new Date(date.getTime() + n * FIXED_MS[unit]);
  const months = unit === 'y' ? n * 12 : n;
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const d = new Date(date.getTime());
  d.setUTCFullYear(year, month, day);
  return d;
}

/**
 * How many whole units lie from `a` to `b` (negative when `b` is earlier), truncated toward
 * zero. Months and years count calendar months, as Java's `ChronoUnit.MONTHS.between`.
 *
 * @example
 * diffDates(new Date('2024-01-31T00:00:00Z'), new Date('2024-02-29T00:00:00Z'), 'mon') // 0
 * diffDates(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-03T12:00:00Z'), 'd')   // 2
 */
export function diffDates(a: Date, b: Date, unit: DateUnit): number {
  if (unit !== 'mon' && unit !== 'y') return Math.trunc((b.getTime() - a.getTime()) / FIXED_MS[unit]);
  let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  // The last month is whole only when b's position within its month reaches a's.
  const within = (d: Date): number => d.getTime() - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (months > 0 && within(b) < within(a)) months--;
  else if (months < 0 && within(b) > within(a)) months++;
  return unit === 'y' ? Math.trunc(months / 12) : months;
}

/** Monday 1970-01-05, the first week boundary after the epoch (weeks start on Monday, ISO 8601). */
const FIRST_MONDAY = Date.UTC(1970, 0, 5);

/**
 * The start of the span-sized bucket holding `date` (UTC): seconds to days are multiples of
 * the span since the epoch; weeks start on Monday; months and years are multiples counted
 * from January 1970 / year 0. Used by `datetrunc` and `timechart`.
 *
 * @example
 * truncateDate(new Date('2024-01-02T03:17:05Z'), { amount: 15, unit: 'm' }).toISOString() // '2024-01-02T03:15:00.000Z'
 */
export function truncateDate(date: Date, span: DateSpan): Date {
  const t = date.getTime();
  const { amount, unit } = span;
  if (unit === 'w') {
    const size = amount * FIXED_MS.w;
    return new Date(t - mod(t - FIRST_MONDAY, size));
  }
  if (unit === 'mon') {
    const months = date.getUTCFullYear() * 12 + date.getUTCMonth() - 1970 * 12;
    const start = months - mod(months, amount) + 1970 * 12;
    return utcDate(Math.floor(start / 12), mod(start, 12));
  }
  if (unit === 'y') {
    const y = date.getUTCFullYear();
    return utcDate(y - mod(y, amount), 0);
  }
  const size = amount * FIXED_MS[unit];
  return new Date(t - mod(t, size));
}

function utcDate(year: number, month: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 1);
  return d;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
