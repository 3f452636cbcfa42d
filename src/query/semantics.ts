/**
 * What the operators of the query language do to values: ordering, comparison, `==` and
 * its wildcard patterns, arithmetic, truthiness, and how values print and serialize.
 * Every rule follows specs/query-language.md "Lexing and expressions"; where the spec is
 * silent the choice is written on the function (and follows Logpresso's engine, araqne-logdb,
 * where its behaviour is known).
 */
import { formatDate } from './dates.js';
import { IpAddress, type Value, type ValueMap } from './value.js';

// ---------------------------------------------------------------- ordering

/**
 * The rank of a value's type in the cross-type order
 * null < bool < number < date < ipv4 < ipv6 < string < array < map.
 *
 * @example
 * typeRank(null) < typeRank(5) && typeRank(5) < typeRank('10') // true
 */
export function typeRank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean': return 1;
    case 'number': return 2;
    case 'string': return 6;
  }
  if (v instanceof Date) return 3;
  if (v instanceof IpAddress) return v.version === 4 ? 4 : 5;
  if (Array.isArray(v)) return 7;
  return 8;
}

/**
 * Java's `String.CASE_INSENSITIVE_ORDER` (what Logpresso's comparator uses): UTF-16 unit by
 * unit, equal when equal after upper-casing or after lower-casing; then by length.
 */
function compareIgnoringCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    const cx = String.fromCharCode(x), cy = String.fromCharCode(y);
    x = cx.toUpperCase().charCodeAt(0);
    y = cy.toUpperCase().charCodeAt(0);
    if (x === y) continue;
    x = cx.toLowerCase().charCodeAt(0);
    y = cy.toLowerCase().charCodeAt(0);
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

function compareNumbers(a: number, b: number): number {
  // As Java's Double.compare: NaN above every number, NaN equal to itself.
  if (a < b) return -1;
  if (a > b) return 1;
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  return na === nb ? 0 : na ? 1 : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Compares two values; `exact` breaks ties between strings that differ only in case.
 * Maps (which Logpresso does not order: all maps compare equal there) compare by their
 * entries sorted by key, key first, then value.
 */
function compare(a: Value, b: Value, exact: boolean): number {
  const ra = typeRank(a), rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return 0;
    case 1: return (a === true ? 1 : 0) - (b === true ? 1 : 0);
    case 2: return compareNumbers(a as number, b as number);
    case 3: return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    case 4: case 5: return compareBytes((a as IpAddress).bytes, (b as IpAddress).bytes);
    case 6: {
      const c = compareIgnoringCase(a as string, b as string);
      if (c !== 0 || !exact) return c;
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    }
    case 7: {
      const x = a as Value[], y = b as Value[];
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compare(x[i], y[i], exact);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = a as ValueMap, y = b as ValueMap;
      const kx = Object.keys(x).sort(), ky = Object.keys(y).sort();
      for (let i = 0; i < kx.length && i < ky.length; i++) {
        if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
        const c = compare(x[kx[i]], y[ky[i]], exact);
        if (c !== 0) return c;
      }
      return kx.length - ky.length;
    }
  }
}

/**
 * The total order of values, for `sort`, `min`/`max` and `< <= > >=`:
 * null < bool < number < date < ipv4 < ipv6 < string < array < map; no coercion between
 * types (`"10"` sorts after every number). Strings compare case-insensitively (Java's
 * `compareToIgnoreCase`, as Logpresso); strings equal but for case are then ordered by
 * UTF-16 code units so that a sort is deterministic (`"A"` before `"a"`). Arrays compare
 * element by element, then by length. Returns a negative number, zero or a positive number.
 *
 * @example
 * compareValues('10', 5) > 0      // true: strings sort after numbers
 * compareValues('abc', 'ABD') < 0 // true: case-insensitive
 * compareValues('A', 'a') < 0     // true: the deterministic tie-break
 */
export function compareValues(a: Value, b: Value): number {
  return compare(a, b, true);
}

/** A comparison operator. */
export type ComparisonOperator = '<' | '<=' | '>' | '>=';

/**
 * `< <= > >=`: null when either side is null, else the order of {@link compareValues}
 * without its case tie-break (so `"abc" >= "ABC"` and `"abc" <= "ABC"` are both true, as
 * in Logpresso).
 *
 * @example
 * compareOp('>', '10', 5)   // true ("10" is a string, and strings sort after numbers)
 * compareOp('<', null, 5)   // null
 */
export function compareOp(op: ComparisonOperator, a: Value, b: Value): boolean | null {
  if (a === null || b === null) return null;
  const c = compare(a, b, false);
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

// ---------------------------------------------------------------- equality

/**
 * Logpresso's value equality (its comparator returns 0): same type and equal value; numbers
 * numerically, dates by instant, IP addresses by bytes, arrays and maps element-wise, and two
 * strings case-insensitively (`"Admin"` equals `"admin"`) — araqne-logdb compares with
 * `compareToIgnoreCase`. A string never equals a number (`"80"` is not `80`).
 *
 * @example
 * looseEquals('Admin', 'admin') // true
 * looseEquals('80', 80)         // false
 */
export function looseEquals(a: Value, b: Value): boolean {
  return compare(a, b, false) === 0;
}

/**
 * Exact equality: as {@link looseEquals}, but strings are compared case-sensitively. What
 * `join` keys and `in()`'s non-string arguments use.
 *
 * @example
 * strictEquals('Admin', 'admin') // false
 * strictEquals(1, 1.0)           // true
 */
export function strictEquals(a: Value, b: Value): boolean {
  return compare(a, b, true) === 0;
}

/** A compiled `==` pattern: true when the (non-null) left side matches. */
export type EqualityPredicate = (left: Value) => boolean;

/**
 * Compiles the string literal on the right of `==` (spec "Lexing and expressions"):
 * no `*`: exact, case-sensitive; `"x*"` starts-with; `"*x"` ends-with; `"*x*"` contains (all
 * case-sensitive); any other pattern with `*`: the whole text must match, case-insensitively,
 * `*` standing for any run of characters.
 *
 * Choices where the spec is silent:
 * - the left side is matched as text: a string as is, any other value as {@link formatValue}
 *   prints it (araqne-logdb matches `left.toString()`), so `event_id == "4624"` is true for the
 *   number 4624 and `SourceIp == "10.*"` works on IP values;
 * - `*` matches line breaks too (Java's `.` would not; a user matching a multi-line `line` expects it to);
 * - `*` cannot be escaped; `"*"` alone matches every non-null value; `""` matches only `""`;
 * - a null left side never matches (the predicate returns false).
 *
 * @example
 * const isCreate = compileEquality('*Process Create*');
 * isCreate('Process Create:\r\nRuleName: -') // true
 * isCreate('process create:')                // false (contains is case-sensitive)
 * compileEquality('C:\\*\\cmd.exe')('c:\\windows\\system32\\CMD.EXE') // true (general pattern: case-insensitive)
 */
export function compileEquality(pattern: string): EqualityPredicate {
  const text = (v: Value): string => (typeof v === 'string' ? v : formatValue(v));
  const p = classifyPattern(pattern);
  switch (p.kind) {
    case 'exact': return (v) => v !== null && text(v) === p.text;
    case 'suffix': return (v) => v !== null && text(v).endsWith(p.text);
    case 'prefix': return (v) => v !== null && text(v).startsWith(p.text);
    case 'contains': return (v) => v !== null && text(v).includes(p.text);
    case 'wildcard': {
      const re = wildcardRegExp(pattern);
      return (v) => v !== null && re.test(text(v));
    }
  }
}

/** What a `==` string literal asks for: see {@link compileEquality}. */
export type PatternClass =
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains'; readonly text: string }
  | { readonly kind: 'wildcard' };

/**
 * Classifies a `==` pattern (shared by the JS matcher and SQL pushdown so both read a
 * pattern the same way).
 *
 * @example
 * classifyPattern('*Process Create*') // { kind: 'contains', text: 'Process Create' }
 * classifyPattern('*')                // { kind: 'suffix', text: '' }
 */
export function classifyPattern(pattern: string): PatternClass {
  const stars = countStars(pattern);
  const last = pattern.length - 1;
  if (stars === 0) return { kind: 'exact', text: pattern };
  if (stars === 1 && pattern[0] === '*') return { kind: 'suffix', text: pattern.slice(1) };
  if (stars === 1 && pattern[last] === '*') return { kind: 'prefix', text: pattern.slice(0, last) };
  if (stars === 2 && pattern[0] === '*' && pattern[last] === '*') return { kind: 'contains', text: pattern.slice(1, last) };
  return { kind: 'wildcard' };
}

function countStars(s: string): number {
  let n = 0;
  for (let i = s.indexOf('*'); i >= 0; i = s.indexOf('*', i + 1)) n++;
  return n;
}

/**
 * The anchored, case-insensitive regex of a general `*` pattern (`*` → any characters,
 * line breaks included).
 *
 * @example
 * wildcardRegExp('a*b*c').test('AxxBxxC') // true
 */
export function wildcardRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'is');
}

const patternCache = new Map<string, EqualityPredicate>();

/** {@link compileEquality}, remembered for the most recent patterns. */
export function cachedEquality(pattern: string): EqualityPredicate {
  let p = patternCache.get(pattern);
  if (!p) {
    if (patternCache.size >= 1000) patternCache.clear();
    p = compileEquality(pattern);
    patternCache.set(pattern, p);
  }
  return p;
}

/**
 * `==` and `!=`. Both are false when the left side is null (spec). With a string literal on
 * the right (`rightIsStringLiteral`), the right side is a pattern (see {@link compileEquality});
 * an executor should compile it once with `compileEquality` instead of calling this per row.
 * Otherwise (a field, a function, a number literal, a string built by `concat`…) there are no
 * wildcards: a field holding `"a*"` is compared as the two characters `a*`, as araqne-logdb
 * does. Then both are also false when the right side is null (araqne-logdb; use `isnull`/`isnotnull`),
 * and equality is {@link looseEquals}: type-strict except that all numbers compare
 * numerically, and two strings compare case-insensitively as Logpresso's comparator does.
 *
 * @example
 * equalsOp('==', 'Process Create:\r\n…', '*Process Create*', true) // true
 * equalsOp('!=', null, 'x', true)                                  // false
 * equalsOp('==', 'a*', 'a*')                                       // true (not a pattern)
 * equalsOp('==', 'abc', 'a*')                                      // false
 * equalsOp('==', '80', 80)                                         // false
 */
export function equalsOp(op: '==' | '!=', left: Value, right: Value, rightIsStringLiteral = false): boolean {
  if (left === null) return false;
  if (rightIsStringLiteral && typeof right === 'string') {
    const m = cachedEquality(right)(left);
    return op === '==' ? m : !m;
  }
  if (right === null) return false;
  const eq = looseEquals(left, right);
  return op === '==' ? eq : !eq;
}

// ---------------------------------------------------------------- arithmetic

/** An arithmetic operator. */
export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** A whole decimal number as written in logs: optional sign, digits, fraction, exponent. */
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The number a string stands for in arithmetic: decimal text (surrounding blanks ignored)
 * is parsed; any other string is 0 (spec). Null for a string only when `strict`.
 *
 * @example
 * numberFromText(' 42 ') // 42
 * numberFromText('0x10') // 0 (hex is not numeric text)
 */
export function numberFromText(s: string, strict = false): number | null {
  const t = s.trim();
  if (NUMERIC_TEXT.test(t)) return Number(t);
  return strict ? null : 0;
}

/** A number operand of arithmetic: numbers as is, strings per the spec; null for other types. */
export function arithmeticNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return numberFromText(v);
  return null;
}

/**
 * `+ - * /` (spec "Lexing and expressions"): a null operand gives null; numeric strings are
 * parsed and other strings count as 0; `/` gives a double and division by zero gives null;
 * `+` never concatenates. Choices where the spec is silent:
 * - date ± number moves the date by that many milliseconds, number + date likewise, and
 *   date − date is the difference in milliseconds (use `dateadd`/`datediff` for calendar units);
 * - every other operand type (booleans, IPs, lists, maps, and dates with `*` `/`) gives null;
 * - numbers are doubles: `7 / 2` is 3.5, `10 / 5` is 2 (Logpresso prints `2.0`), and integer
 *   results beyond 2^53 lose precision.
 *
 * @example
 * arith('+', '10', 5)  // 15
 * arith('+', 'abc', 5) // 5
 * arith('/', 7, 2)     // 3.5
 * arith('/', 1, 0)     // null
 * arith('-', null, 1)  // null
 */
export function arith(op: ArithmeticOperator, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (a instanceof Date || b instanceof Date) return dateArith(op, a, b);
  const x = arithmeticNumber(a), y = arithmeticNumber(b);
  if (x === null || y === null) return null;
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? null : x / y;
  }
}

function dateArith(op: ArithmeticOperator, a: Value, b: Value): Value {
  if (a instanceof Date && b instanceof Date) return op === '-' ? a.getTime() - b.getTime() : null;
  if (a instanceof Date && (op === '+' || op === '-')) {
    const n = arithmeticNumber(b);
    return n === null ? null : new Date(a.getTime() + (op === '+' ? n : -n));
  }
  if (b instanceof Date && op === '+') {
    const n = arithmeticNumber(a);
    return n === null ? null : new Date(b.getTime() + n);
  }
  return null;
}

/**
 * Unary minus: null gives null; numbers and strings as in {@link arith} (`-"abc"` is 0);
 * other types give null. Never yields -0.
 *
 * @example
 * negate('5') // -5
 * negate(null) // null
 */
export function negate(v: Value): Value {
  const n = arithmeticNumber(v);
  return n === null ? null : n === 0 ? 0 : -n;
}

// ---------------------------------------------------------------- truth

/**
 * Whether `search` keeps a row for this value, and how `and`, `or`, `not()`, `if()` and
 * `case()` read a condition: true, or any non-null value that is not a boolean (spec:
 * `"abc"`, `0`, `[]` are all true). Null and false are not.
 *
 * @example
 * isTruthy(true) && isTruthy('x') && isTruthy(0) // true
 * isTruthy(null) || isTruthy(false)              // false
 */
export function isTruthy(v: Value): boolean {
  return v === null ? false : typeof v === 'boolean' ? v : true;
}

/**
 * `and` / `or`. Two-valued: each side is read with {@link isTruthy} (so null counts as false)
 * and the result is always a boolean. Logpresso treats any non-null non-boolean as true (spec);
 * a three-valued null would change nothing for `search`, which drops null and false alike, so
 * the simpler rule is kept. `not(x)` is likewise `!isTruthy(x)`: `not(x > 5)` keeps rows where
 * `x` is missing, as SPL's `NOT x>5` does. An executor may short-circuit: the right side does
 * not change a false `and` or a true `or`.
 *
 * @example
 * logicalOp('and', 'x', true) // true
 * logicalOp('or', null, false) // false
 */
export function logicalOp(op: 'and' | 'or', a: Value, b: Value): boolean {
  return op === 'and' ? isTruthy(a) && isTruthy(b) : isTruthy(a) || isTruthy(b);
}

// ---------------------------------------------------------------- printing

/** How dates print: UTC, to the millisecond, the layout of Sysmon's `UtcTime`. */
export const DATE_DISPLAY_FORMAT = 'yyyy-MM-dd HH:mm:ss.SSS';

/**
 * A value as text, for tables, `str()`, `concat()` and matching `==` patterns against
 * non-string values:
 * - null → `null` (as `concat` appends it; a table may show an empty cell instead);
 * - numbers: integers without a fraction (`2`, not Java's `2.0`: Haetae's numbers carry no
 *   int/double distinction), others in the shortest form that reads back (`0.1`, `1e+21`);
 * - dates in UTC as `yyyy-MM-dd HH:mm:ss.SSS` (Sysmon's `UtcTime` layout; Logpresso prints local
 *   time with an offset instead);
 * - IP addresses in canonical text; lists as `[a, b]`; maps as `{k=v, k2=v2}` (Java's layouts),
 *   their elements printed by the same rules.
 *
 * @example
 * formatValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))) // '2024-01-02 03:04:05.000'
 * formatValue(['a', 1, null])                           // '[a, 1, null]'
 */
export function formatValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return v;
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : formatDate(v, DATE_DISPLAY_FORMAT);
  if (v instanceof IpAddress) return v.text;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return `{${Object.keys(v).map((k) => `${k}=${formatValue(v[k])}`).join(', ')}}`;
}

// ---------------------------------------------------------------- JSON

/** A JSON value (what `JSON.parse` returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A value as JSON for output: dates as ISO 8601 UTC strings (`2024-01-02T03:04:05.000Z`),
 * IP addresses as text, maps as objects, non-finite numbers (which JSON cannot hold) as null.
 *
 * @example
 * JSON.stringify(valueToJson([new Date(0), 1.5])) // '["1970-01-01T00:00:00.000Z",1.5]'
 */
export function valueToJson(v: Value): JsonValue {
  if (v === null) return null;
  switch (typeof v) {
    case 'string': case 'boolean': return v;
    case 'number': return Number.isFinite(v) ? v : null;
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof IpAddress) return v.text;
  if (Array.isArray(v)) return v.map(valueToJson);
  const out: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
  for (const k of Object.keys(v)) out[k] = valueToJson(v[k]);
  return out;
}

/**
 * A JSON value as a query value: objects become maps (null prototype, so a `__proto__` key
 * is data), arrays lists. Strings stay strings — no date or IP is guessed from text, so a
 * date written by {@link valueToJson} reads back as its ISO string (use `date()` to convert).
 *
 * @example
 * valueFromJson({ a: [1, 'x'] }) // map { a: [1, 'x'] }
 */
export function valueFromJson(j: unknown): Value {
  if (j === null || j === undefined) return null;
  switch (typeof j) {
    case 'string': case 'boolean': return j;
    case 'number': return j;
    case 'object': {
      if (Array.isArray(j)) return j.map(valueFromJson);
      const out: ValueMap = Object.create(null) as ValueMap;
      for (const k of Object.keys(j)) out[k] = valueFromJson((j as Record<string, unknown>)[k]);
      return out;
    }
    default: return null;
  }
}

