/**
 * Sound reasoning about filters on one field, for the unreachable and redundant checks:
 * "every value this filter matches, that one matches too" and "no value matches all of
 * these". Both answer false when unsure, so a finding built on them is always true.
 * Values compare lowercased as strings, as Sysmon does (shared/specs/windows-events.md §1).
 */
import type { Condition } from './catalog.js';
import { alternatives, conditionTest } from './conditions.js';
import type { FieldFilter } from './model.js';

const NEGATIVE: ReadonlySet<Condition> = new Set(['is not', 'excludes', 'excludes any', 'excludes all', 'not begin with', 'not end with']);

/**
 * True for the conditions that hold when something is absent (`is not`, `excludes`, `not begin with`…).
 *
 * @example
 * isNegative('not begin with') // true; isNegative('contains') // false
 */
export function isNegative(condition: Condition): boolean {
  return NEGATIVE.has(condition);
}

/**
 * The only values a filter can match, lowercased, when it names them (`is`, `is any`, `image` with a path).
 *
 * @example
 * exactValues(f('is any', 'A.exe;b.exe')) // ['a.exe', 'b.exe'] (f as in implies)
 */
export function exactValues(f: FieldFilter): string[] | null {
  const x = f.value.toLowerCase();
  if (f.condition === 'is') return [x];
  if (f.condition === 'is any') return alternatives(f.value);
  if (f.condition === 'image' && x.includes('\\')) return [x];
  return null;
}

/** What every value a positive filter matches must hold: a prefix, a suffix, substrings. */
interface Shape {
  readonly prefix?: string;
  readonly suffix?: string;
  readonly needles: readonly string[];
  /** `image` with a bare file name: the value is that name or ends with `\` + it. */
  readonly base?: string;
}

function shapeOf(f: FieldFilter): Shape | null {
  const x = f.value.toLowerCase();
  switch (f.condition) {
    case 'begin with': return { prefix: x, needles: [x] };
    case 'end with': return { suffix: x, needles: [x] };
    case 'contains': return { needles: [x] };
    case 'contains all': return { needles: alternatives(f.value) };
    case 'image': return x.includes('\\') ? null : { suffix: x, needles: [x], base: x };
    default: return null;
  }
}

/**
 * True when every value `a` matches is matched by `b` too (both on the same field).
 *
 * @example
 * const f = (condition: Condition, value: string): FieldFilter => ({ kind: 'filter', field: 'Image', condition, value, line: 0 });
 * implies(f('is', 'C:\\x\\a.exe'), f('end with', '.exe')) // true
 * implies(f('contains', 'cmd'), f('end with', 'cmd.exe')) // false; the reverse is true
 */
export function implies(a: FieldFilter, b: FieldFilter): boolean {
  const y = b.value.toLowerCase();
  const exact = exactValues(a);
  if (exact !== null) {
    const test = conditionTest(b.condition, b.value);
    return exact.every((v) => test(v));
  }
  // `is not y` holds for every value of `a` exactly when `a` rejects y.
  if (b.condition === 'is not') return !conditionTest(a.condition, a.value)(y);
  const s = shapeOf(a);
  if (s === null) return false;
  const contained = (needle: string): boolean => s.needles.some((n) => n.includes(needle));
  switch (b.condition) {
    case 'begin with': return s.prefix !== undefined && s.prefix.startsWith(y);
    case 'end with': return s.suffix !== undefined && s.suffix.endsWith(y);
    case 'contains': return contained(y);
    case 'contains any': return alternatives(b.value).some(contained);
    case 'contains all': return alternatives(b.value).every(contained);
    case 'image': return !y.includes('\\') && s.base === y;
    default: return false;
  }
}

/** The longest of values that must all be prefixes (or suffixes) of one value; null when two conflict. */
function chain(values: readonly string[], fits: (longer: string, shorter: string) => boolean): string | null | undefined {
  if (values.length === 0) return undefined;
  const longest = values.reduce((a, b) => (b.length > a.length ? b : a));
  return values.every((v) => fits(longest, v)) ? longest : null;
}

/**
 * False when no value can match all of `filters` at once (they are ANDed, on one field);
 * true when some value can, or when it cannot be decided simply.
 *
 * @example
 * satisfiable([f('is', 'a.exe'), f('is', 'b.exe')]) // false (f as in {@link implies})
 * satisfiable([f('begin with', 'C:\\Windows\\'), f('not begin with', 'C:\\')]) // false
 */
export function satisfiable(filters: readonly FieldFilter[]): boolean {
  const exact = filters.map(exactValues).filter((v): v is string[] => v !== null);
  if (exact.length > 0) {
    const tests = filters.map((f) => conditionTest(f.condition, f.value));
    return exact[0].some((v) => tests.every((t) => t(v)));
  }
  const shapes = filters.map(shapeOf).filter((s): s is Shape => s !== null);
  const prefix = chain(shapes.flatMap((s) => (s.prefix !== undefined ? [s.prefix] : [])), (l, v) => l.startsWith(v));
  const suffix = chain(shapes.flatMap((s) => (s.suffix !== undefined ? [s.suffix] : [])), (l, v) => l.endsWith(v));
  if (prefix === null || suffix === null) return false;
  if (new Set(shapes.flatMap((s) => (s.base !== undefined ? [s.base] : []))).size > 1) return false;
  const needles = shapes.flatMap((s) => s.needles);
  const present = (n: string): boolean => n === '' || needles.some((x) => x.includes(n));
  return filters.every((f) => {
    const y = f.value.toLowerCase();
    switch (f.condition) {
      // Every value begins and ends with "": such a negative filter never holds.
      case 'not begin with': return y !== '' && !(prefix !== undefined && prefix.startsWith(y));
      case 'not end with': return y !== '' && !(suffix !== undefined && suffix.endsWith(y));
      case 'excludes': return !present(y);
      case 'excludes any': return !alternatives(f.value).some(present);
      case 'excludes all': return !alternatives(f.value).every(present);
      default: return true;
    }
  });
}
