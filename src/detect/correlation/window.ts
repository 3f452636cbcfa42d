/**
 * What one correlation keeps for one group while its window is open, per correlation type
 * (correlation spec "Correlation Types"), and the aggregate its condition is tested on.
 *
 * A window holds matches whose times are in a range the engine chooses (engine.ts,
 * "Windows"): the engine adds matches in non-decreasing time order and, for sliding
 * windows, expires those at or before `now - timespan`. Each state is bounded: counts
 * saturate where the condition can no longer change (condition.ts `countSaturation`), and
 * stored samples are capped, dropping the oldest (counted in `dropped`).
 */
import type { EventValue } from '../../event/index.js';
import { countSaturation } from './condition.js';
import { interpolatedPercentile, insertSorted, removeSorted } from './percentile.js';
import type { CorrelationRule, CorrelationType } from './types.js';
import { RecencyList } from './recency.js';
import { numericValue, valueKey } from './values.js';

/**
 * The aggregate a condition is tested on, and how many matches or rules made it.
 *
 * @example
 * const m: Measure = { value: 1_200_000, events: 3 }; // value_sum of three matches
 */
export interface Measure {
  readonly value: number;
  readonly events: number;
}

/**
 * One group's state for one correlation rule.
 *
 * @example
 * w.add(t, [0], read); w.expire(t - span); const m = w.measure();
 */
export interface WindowState {
  /**
   * Adds a match at `time` (≥ every earlier time) that satisfies `rules[i]` for each `i` in
   * `indexes`; `read` reads a field of it (group-by aliases already applied).
   */
  add(time: number, indexes: readonly number[], read: (field: string) => EventValue | undefined): void;
  /** Forgets matches at or before `horizon` (sliding windows only). */
  expire(horizon: number): void;
  /** The aggregate now, or null when it is undefined (no numeric value for a metric). */
  measure(): Measure | null;
  /** Samples dropped so far because of the per-group cap. */
  readonly dropped: number;
}

/**
 * Limits shared by all states.
 *
 * @example
 * const limits: WindowLimits = { maxSamples: 10_000, sliding: true };
 */
export interface WindowLimits {
  /** Cap on stored samples (times, numbers) per group. */
  readonly maxSamples: number;
  /** Sliding windows expire matches; closing windows keep everything until they close. */
  readonly sliding: boolean;
}

/** A queue of (time, item) in time order, capped: past the cap the oldest entry goes. */
class TimeQueue<T> {
  private times: number[] = [];
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(private readonly cap: number, private readonly onRemove?: (item: T) => void) {}

  get length(): number {
    return this.times.length - this.head;
  }

  push(time: number, item: T): void {
    this.times.push(time);
    this.items.push(item);
    if (this.length > this.cap) {
      this.dropped++;
      this.removeHead();
    }
  }

  expire(horizon: number): void {
    while (this.length > 0 && this.times[this.head] <= horizon) this.removeHead();
  }

  private removeHead(): void {
    const item = this.items[this.head];
    this.head++;
    this.onRemove?.(item);
    // Compact once half the arrays are dead, so memory follows the live length.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** How many matches a window holds: a queue of times when sliding, a counter otherwise. */
class Tally {
  private readonly queue: TimeQueue<null> | null;
  private total = 0;

  constructor(limits: WindowLimits, cap: number) {
    this.queue = limits.sliding ? new TimeQueue<null>(cap) : null;
  }

  add(time: number): void {
    if (this.queue) this.queue.push(time, null);
    else this.total++;
  }

  expire(horizon: number): void {
    this.queue?.expire(horizon);
  }

  get count(): number {
    return this.queue ? this.queue.length : this.total;
  }

  get dropped(): number {
    return this.queue?.dropped ?? 0;
  }
}

/**
 * `event_count`: the number of matches (correlation spec "Event Count"). The queue of
 * times is capped at the condition's saturation count, so a group holds at most that many
 * times whatever the event rate, and the decision stays exact.
 */
class EventCountWindow implements WindowState {
  private readonly tally: Tally;

  constructor(rule: CorrelationRule, limits: WindowLimits) {
    this.tally = new Tally(limits, Math.max(1, countSaturation(rule.condition)));
  }

  add(time: number): void {
    this.tally.add(time);
  }

  expire(horizon: number): void {
    this.tally.expire(horizon);
  }

  measure(): Measure {
    return { value: this.tally.count, events: this.tally.count };
  }

  get dropped(): number {
    return 0; // saturation drops never change the decision
  }
}

/**
 * `value_count`: the number of distinct values of the field(s) (correlation spec "Value
 * Count"; several fields: distinct tuples). Keeps each value with the time it was last
 * seen, least recently seen first, capped at the saturation count: the dropped value is
 * the least recently seen, so within the window the count stays exact up to saturation.
 * A match lacking the field contributes the value `null` (counted as a value: absence is
 * data, as in group-by).
 */
class ValueCountWindow implements WindowState {
  private readonly lastSeen = new RecencyList<string, number>();
  private readonly saturation: number;
  private readonly tally: Tally;

  constructor(private readonly fields: readonly string[], rule: CorrelationRule, limits: WindowLimits) {
    this.saturation = Math.max(1, countSaturation(rule.condition));
    this.tally = new Tally(limits, limits.maxSamples);
  }

  add(time: number, _indexes: readonly number[], read: (field: string) => EventValue | undefined): void {
    const key = this.fields.length === 1 ? valueKey(read(this.fields[0])) : JSON.stringify(this.fields.map((f) => valueKey(read(f))));
    this.lastSeen.set(key, time);
    if (this.lastSeen.size > this.saturation) this.lastSeen.delete(this.lastSeen.oldest()![0]);
    this.tally.add(time);
  }

  expire(horizon: number): void {
    for (let oldest = this.lastSeen.oldest(); oldest && oldest[1] <= horizon; oldest = this.lastSeen.oldest()) this.lastSeen.delete(oldest[0]);
    this.tally.expire(horizon);
  }

  measure(): Measure {
    return { value: this.lastSeen.size, events: this.tally.count };
  }

  get dropped(): number {
    return this.tally.dropped;
  }
}

/**
 * `value_sum` / `value_avg` over the numeric values of the field (correlation spec "Value
 * Sum", "Value Average"). Matches whose value is absent or not a number count as events
 * but not in the sum or mean; with no numeric value in the window there is no aggregate
 * and the condition does not hold. Closing windows keep only the running sum.
 */
class ValueMetricWindow implements WindowState {
  private sum = 0;
  private numbers = 0;
  private readonly samples: TimeQueue<number> | null;
  private readonly tally: Tally;

  constructor(private readonly field: string, private readonly mean: boolean, limits: WindowLimits) {
    this.tally = new Tally(limits, limits.maxSamples);
    this.samples = limits.sliding ? new TimeQueue<number>(limits.maxSamples, (v) => this.remove(v)) : null;
  }

  add(time: number, _indexes: readonly number[], read: (field: string) => EventValue | undefined): void {
    this.tally.add(time);
    const v = numericValue(read(this.field));
    if (v === null) return;
    this.sum += v;
    this.numbers++;
    this.samples?.push(time, v);
  }

  private remove(v: number): void {
    this.numbers--;
    // Reset at empty so floating-point residue from subtraction cannot accumulate.
    this.sum = this.numbers === 0 ? 0 : this.sum - v;
  }

  expire(horizon: number): void {
    this.samples?.expire(horizon);
    this.tally.expire(horizon);
  }

  measure(): Measure | null {
    if (this.numbers === 0) return null;
    return { value: this.mean ? this.sum / this.numbers : this.sum, events: this.tally.count };
  }

  get dropped(): number {
    return (this.samples?.dropped ?? 0) + this.tally.dropped;
  }
}

/**
 * `value_percentile`: the given percentile of the numeric values of the field
 * (correlation spec "Value Percentile"), by linear interpolation between closest ranks
 * (percentile.ts). Values are kept sorted beside their time queue.
 */
class ValuePercentileWindow implements WindowState {
  private readonly sorted: number[] = [];
  private readonly samples: TimeQueue<number>;
  private readonly tally: Tally;

  constructor(private readonly field: string, private readonly percentile: number, limits: WindowLimits) {
    this.tally = new Tally(limits, limits.maxSamples);
    this.samples = new TimeQueue<number>(limits.maxSamples, (v) => removeSorted(this.sorted, v));
  }

  add(time: number, _indexes: readonly number[], read: (field: string) => EventValue | undefined): void {
    this.tally.add(time);
    const v = numericValue(read(this.field));
    if (v === null) return;
    insertSorted(this.sorted, v);
    this.samples.push(time, v);
  }

  expire(horizon: number): void {
    this.samples.expire(horizon);
    this.tally.expire(horizon);
  }

  measure(): Measure | null {
    if (this.sorted.length === 0) return null;
    return { value: interpolatedPercentile(this.sorted, this.percentile), events: this.tally.count };
  }

  get dropped(): number {
    return this.samples.dropped + this.tally.dropped;
  }
}

/**
 * `temporal`: how many of the referenced rules matched in the window, in any order
 * (correlation spec "Temporal Proximity"). Keeps the last match time of each rule.
 */
class TemporalWindow implements WindowState {
  private readonly last: (number | undefined)[];

  constructor(rule: CorrelationRule) {
    this.last = new Array<number | undefined>(rule.rules.length).fill(undefined);
  }

  add(time: number, indexes: readonly number[]): void {
    for (const i of indexes) this.last[i] = time;
  }

  expire(horizon: number): void {
    for (let i = 0; i < this.last.length; i++) {
      const t = this.last[i];
      if (t !== undefined && t <= horizon) this.last[i] = undefined;
    }
  }

  measure(): Measure {
    const matched = this.last.filter((t) => t !== undefined).length;
    return { value: matched, events: matched };
  }

  get dropped(): number {
    return 0;
  }
}

/**
 * `temporal_ordered`: how many of the referenced rules, from the first, matched one after
 * another in the listed order within the window (correlation spec "Ordered Temporal
 * Proximity": "the events appear in the order provided"). `start[i]` is the latest start
 * time of a chain rules[0] → … → rules[i] seen in order; a later start keeps the chain in
 * the window longest. A chain of k rules fits the window while `start[k-1]` does, and
 * `start[i] ≤ start[i-1]`, so the chains that fit always form a prefix of the list.
 * Matches with the same time are in order as observed.
 */
class TemporalOrderedWindow implements WindowState {
  private readonly start: (number | undefined)[];

  constructor(rule: CorrelationRule) {
    this.start = new Array<number | undefined>(rule.rules.length).fill(undefined);
  }

  add(time: number, indexes: readonly number[]): void {
    // Highest index first, so one match never serves as two consecutive steps.
    for (const i of [...indexes].sort((a, b) => b - a)) {
      if (i === 0) this.start[0] = time;
      else {
        const previous = this.start[i - 1];
        if (previous !== undefined) this.start[i] = Math.max(this.start[i] ?? previous, previous);
      }
    }
  }

  expire(horizon: number): void {
    for (let i = 0; i < this.start.length; i++) {
      const t = this.start[i];
      if (t !== undefined && t <= horizon) this.start[i] = undefined;
    }
  }

  measure(): Measure {
    let n = 0;
    while (n < this.start.length && this.start[n] !== undefined) n++;
    return { value: n, events: n };
  }

  get dropped(): number {
    return 0;
  }
}

/** One factory per correlation type; adding a type fails to compile until it has one. */
const WINDOWS: Readonly<Record<CorrelationType, (rule: CorrelationRule, limits: WindowLimits) => WindowState>> = {
  event_count: (rule, limits) => new EventCountWindow(rule, limits),
  value_count: (rule, limits) => new ValueCountWindow(rule.type === 'value_count' ? rule.fields : [], rule, limits),
  value_sum: (rule, limits) => new ValueMetricWindow(metricField(rule), false, limits),
  value_avg: (rule, limits) => new ValueMetricWindow(metricField(rule), true, limits),
  value_percentile: (rule, limits) => new ValuePercentileWindow(metricField(rule), rule.type === 'value_percentile' ? rule.percentile : 50, limits),
  temporal: (rule) => new TemporalWindow(rule),
  temporal_ordered: (rule) => new TemporalOrderedWindow(rule),
};

function metricField(rule: CorrelationRule): string {
  return 'field' in rule ? rule.field : '';
}

/**
 * A new, empty window state for one group of `rule`.
 *
 * @example
 * const w = newWindow(rule, { maxSamples: 10_000, sliding: true });
 * w.add(t, [0], (f) => match.field(f)); w.expire(t - rule.timespan.ms); w.measure();
 */
export function newWindow(rule: CorrelationRule, limits: WindowLimits): WindowState {
  return WINDOWS[rule.type](rule, limits);
}
