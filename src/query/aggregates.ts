/**
 * The aggregates of `stats` and `timechart` (specs/query-language.md "Commands"), as
 * accumulators: the executor makes one per group and aggregate, adds each row's evaluated
 * arguments, and reads the result; partial accumulators (per partition or worker) merge.
 *
 * Null rule: every aggregate skips null inputs (`count(e)` counts the non-null ones);
 * with nothing added, `count` is 0 and the others are null.
 */
import type { AggregateName } from './ast.js';
import { compareValues, numberFromText } from './semantics.js';
import type { Value } from './value.js';
import { valueKey } from './exec/keys.js';

/** A running aggregate. */
export interface Accumulator {
  /** One row's evaluated arguments (`[]` for a bare `count`). */
  add(values: readonly Value[]): void;
  result(): Value;
  /** Folds in another accumulator of the same aggregate that saw *later* input. */
  merge(other: Accumulator): void;
}

/** How many values `values` and `array` keep (spec: max 100). */
export const MAX_COLLECTED = 100;

const ARITY: Record<AggregateName, [number, number]> = {
  count: [0, 1], sum: [1, 1], avg: [1, 1], min: [1, 1], max: [1, 1], first: [1, 1], last: [1, 1], dc: [1, 1],
  values: [1, 1], array: [1, 1], median: [1, 1], percentile: [2, 2], stddev: [1, 1], var: [1, 1],
};

/**
 * True for an aggregate's name (lower case), e.g. to tell `count` from a field.
 *
 * @example
 * isAggregateName('dc') // true
 */
export function isAggregateName(name: string): name is AggregateName {
  return Object.prototype.hasOwnProperty.call(ARITY, name);
}

/**
 * Checks an aggregate call's argument count: an error message, or undefined when fine.
 *
 * @example
 * checkAggregateArity('percentile', 1) // 'percentile() takes 2 arguments, got 1'
 */
export function checkAggregateArity(fn: AggregateName, n: number): string | undefined {
  const [min, max] = ARITY[fn];
  if (n >= min && n <= max) return undefined;
  const expected = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
  return `${fn}() takes ${expected}, got ${n}`;
}

/**
 * The number a numeric aggregate (sum, avg, median, percentile, stddev, var) reads from a
 * value: numbers, and numeric text (parsekv and rex produce strings). Null — skipped — for
 * null, non-numeric text and other types (unlike `+`, which counts other text as 0: an average
 * over `"-"` placeholders would otherwise drop toward zero).
 */
function numeric(v: Value): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  return typeof v === 'string' ? numberFromText(v, true) : null;
}

class Count implements Accumulator {
  n = 0;
  constructor(private readonly ofExpression: boolean) {}
  add(values: readonly Value[]): void {
    if (!this.ofExpression || values[0] !== null) this.n++;
  }
  result(): Value { return this.n; }
  merge(other: Accumulator): void { this.n += (other as Count).n; }
}

class Sum implements Accumulator {
  sum = 0;
  n = 0;
  constructor(private readonly average: boolean) {}
  add(values: readonly Value[]): void {
    const x = numeric(values[0]);
    if (x === null) return;
    this.sum += x;
    this.n++;
  }
  result(): Value { return this.n === 0 ? null : this.average ? this.sum / this.n : this.sum; }
  merge(other: Accumulator): void {
    const o = other as Sum;
    this.sum += o.sum;
    this.n += o.n;
  }
}

/** min / max by the query language's order (so any type; `"10"` is above every number). */
class Extreme implements Accumulator {
  best: Value = null;
  constructor(private readonly sign: 1 | -1) {}
  add(values: readonly Value[]): void {
    const v = values[0];
    if (v !== null && (this.best === null || this.sign * compareValues(v, this.best) > 0)) this.best = v;
  }
  result(): Value { return this.best; }
  merge(other: Accumulator): void { this.add([(other as Extreme).best]); }
}

class FirstLast implements Accumulator {
  value: Value = null;
  constructor(private readonly last: boolean) {}
  add(values: readonly Value[]): void {
    const v = values[0];
    if (v !== null && (this.last || this.value === null)) this.value = v;
  }
  result(): Value { return this.value; }
  merge(other: Accumulator): void { this.add([(other as FirstLast).value]); }
}

class DistinctCount implements Accumulator {
  seen = new Set<string>();
  add(values: readonly Value[]): void {
    if (values[0] !== null) this.seen.add(valueKey(values[0]));
  }
  result(): Value { return this.seen.size; }
  merge(other: Accumulator): void {
    for (const k of (other as DistinctCount).seen) this.seen.add(k);
  }
}

/** `values`: the first 100 distinct values met, returned in the query language's order. */
class Values implements Accumulator {
  seen = new Map<string, Value>();
  add(values: readonly Value[]): void {
    const v = values[0];
    if (v === null || this.seen.size >= MAX_COLLECTED) return;
    const k = valueKey(v);
    if (!this.seen.has(k)) this.seen.set(k, v);
  }
  result(): Value { return [...this.seen.values()].sort(compareValues); }
  merge(other: Accumulator): void {
    for (const v of (other as Values).seen.values()) this.add([v]);
  }
}

/** `array`: the first 100 non-null values, in input order. */
class Collect implements Accumulator {
  items: Value[] = [];
  add(values: readonly Value[]): void {
    if (values[0] !== null && this.items.length < MAX_COLLECTED) this.items.push(values[0]);
  }
  result(): Value { return this.items.slice(); }
  merge(other: Accumulator): void {
    for (const v of (other as Collect).items) this.add([v]);
  }
}

/**
 * `percentile(e, p)` and `median(e)` (= percentile 50): linear interpolation between the
 * closest ranks (numpy's default, Excel's PERCENTILE.INC), so the median of an even count is
 * the mean of the two middle values. p is in 0..100, read from the first row that has a
 * number for it; a p outside that range gives null.
 */
class Percentile implements Accumulator {
  xs: number[] = [];
  p: number | null;
  constructor(p?: number) { this.p = p ?? null; }
  add(values: readonly Value[]): void {
    const x = numeric(values[0]);
    if (this.p === null && values.length > 1) this.p = numeric(values[1]);
    if (x !== null) this.xs.push(x);
  }
  result(): Value {
    if (this.xs.length === 0 || this.p === null || this.p < 0 || this.p > 100) return null;
    const xs = this.xs.slice().sort((a, b) => a - b);
    const rank = (this.p / 100) * (xs.length - 1);
    const lo = Math.floor(rank), hi = Math.ceil(rank);
    return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo);
  }
  merge(other: Accumulator): void {
    const o = other as Percentile;
    for (const x of o.xs) this.xs.push(x);
    if (this.p === null) this.p = o.p;
  }
}

/**
 * `var` and `stddev`: the *sample* variance (n − 1 denominator) and its square root, as
 * SPL's `var`/`stdev`; null for fewer than two values. Welford's running form (stable for
 * large, close values), merged with Chan's formula.
 */
class Variance implements Accumulator {
  n = 0;
  mean = 0;
  m2 = 0;
  constructor(private readonly root: boolean) {}
  add(values: readonly Value[]): void {
    const x = numeric(values[0]);
    if (x === null) return;
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  result(): Value {
    if (this.n < 2) return null;
    const v = this.m2 / (this.n - 1);
    return this.root ? Math.sqrt(v) : v;
  }
  merge(other: Accumulator): void {
    const o = other as Variance;
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.mean += (d * o.n) / n;
    this.n = n;
  }
}

/**
 * A new accumulator for `fn` called with `argCount` arguments (`count` with 0 counts rows,
 * with 1 counts non-null values). Throws on a wrong argument count (check first with
 * {@link checkAggregateArity} to report it at the query's span).
 *
 * @example
 * const acc = createAccumulator('avg', 1);
 * for (const v of [1, '2', null, 'n/a', 6]) acc.add([v]);
 * acc.result() // 3
 */
export function createAccumulator(fn: AggregateName, argCount: number): Accumulator {
  const problem = checkAggregateArity(fn, argCount);
  if (problem) throw new Error(problem);
  switch (fn) {
    case 'count': return new Count(argCount === 1);
    case 'sum': return new Sum(false);
    case 'avg': return new Sum(true);
    case 'min': return new Extreme(-1);
    case 'max': return new Extreme(1);
    case 'first': return new FirstLast(false);
    case 'last': return new FirstLast(true);
    case 'dc': return new DistinctCount();
    case 'values': return new Values();
    case 'array': return new Collect();
    case 'median': return new Percentile(50);
    case 'percentile': return new Percentile();
    case 'stddev': return new Variance(true);
    case 'var': return new Variance(false);
  }
}
