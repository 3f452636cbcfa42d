/**
 * The model of a parsed Sigma correlation rule and what the correlation engine consumes
 * and produces.
 *
 * Spec: ../shared/sigma/specification/specification/sigma-correlation-rules-specification.md
 * (Sigma correlation rules v2.1.0), cited below as "correlation spec".
 */
import type { Event, EventValue } from '../../event/index.js';
import type { RuleMeta } from '../types.js';

/**
 * Correlation spec "Correlation type" and "Correlation Types" (v2.1 adds the value_* metrics).
 *
 * @example
 * (CORRELATION_TYPES as readonly string[]).includes('temporal'); // true
 */
export const CORRELATION_TYPES = [
  'event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/**
 * Correlation spec "Condition": the comparison operators (v2.1 adds `neq`).
 *
 * @example
 * const op: ComparisonOperator = 'gte';
 */
export const COMPARISON_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/**
 * One criterion of a condition, e.g. `gte: 100` → `{ op: 'gte', value: 100 }`. A condition
 * is a non-empty list of these, linked by AND (correlation spec "Condition": "To define a
 * range, you can use the conjunction 'AND' in the mapping").
 *
 * @example
 * const range: readonly Comparison[] = [{ op: 'gt', value: 100 }, { op: 'lte', value: 200 }];
 */
export interface Comparison {
  readonly op: ComparisonOperator;
  readonly value: number;
}

/**
 * `timespan:` as written and in milliseconds (correlation spec "Time Selection").
 *
 * @example
 * const ts: Timespan = { text: '90m', ms: 5_400_000 };
 */
export interface Timespan {
  readonly text: string;
  readonly ms: number;
}

/** What every correlation rule has, whatever its type. */
interface CorrelationCommon {
  readonly kind: 'correlation';
  readonly meta: RuleMeta;
  /**
   * `rules:` — references to Sigma rules or other correlations, each by `id` or `name`
   * (correlation spec "Related rules"), in the order written (it matters for `temporal_ordered`).
   */
  readonly rules: readonly string[];
  /**
   * `group-by:` — field names or alias names (correlation spec "Grouping"); empty when the
   * rule has none, in which case all matches fall into one group.
   */
  readonly groupBy: readonly string[];
  readonly timespan: Timespan;
  /** `condition:` operators, ANDed; for temporal types without a condition: `gte <number of rules>`. */
  readonly condition: readonly Comparison[];
  /**
   * `aliases:` — alias name → (rule reference → field name in that rule's events)
   * (correlation spec "Field Name Aliases").
   */
  readonly aliases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** `generate:` — also report the referenced rules' own matches (correlation spec "Generate"); default false. */
  readonly generate: boolean;
}

/** `event_count`: the number of matches in the window (correlation spec "Event Count"). */
export interface EventCountRule extends CorrelationCommon {
  readonly type: 'event_count';
}

/**
 * `value_count`: the number of distinct values of `field` (correlation spec "Value Count").
 * Several fields are "linked by an AND": a value is the tuple of their values.
 */
export interface ValueCountRule extends CorrelationCommon {
  readonly type: 'value_count';
  readonly fields: readonly string[];
}

/**
 * `temporal` / `temporal_ordered`: how many of the referenced rules matched in the window
 * (for `temporal_ordered`, in the listed order) (correlation spec "Temporal Proximity").
 */
export interface TemporalRule extends CorrelationCommon {
  readonly type: 'temporal' | 'temporal_ordered';
}

/** `value_sum` / `value_avg`: the sum or mean of the numeric values of `field` (correlation spec "Value Sum", "Value Average"). */
export interface ValueMetricRule extends CorrelationCommon {
  readonly type: 'value_sum' | 'value_avg';
  readonly field: string;
}

/**
 * `value_percentile`: the `percentile`-th percentile of the numeric values of `field`
 * (correlation spec "Value Percentile"; the spec names no key for which percentile, so the
 * condition's `percentile:` key, as Sigma tooling writes it, chooses it, default 50: "median
 * is a percentile 50").
 */
export interface ValuePercentileRule extends CorrelationCommon {
  readonly type: 'value_percentile';
  readonly field: string;
  /** 0–100. */
  readonly percentile: number;
}

/**
 * A parsed correlation rule, tagged by `type`.
 *
 * @example
 * if (rule.type === 'value_sum') console.log(rule.field, rule.timespan.ms);
 */
export type CorrelationRule = EventCountRule | ValueCountRule | TemporalRule | ValueMetricRule | ValuePercentileRule;

/**
 * A match of a rule that a correlation may reference: a detection rule's match, or a
 * correlation hit fed back by the engine (chaining).
 *
 * @example
 * const m: BaseMatch = { ruleId: 'a8418a5a-…', ruleName: 'failed_login', time: Date.parse(e._time), event: e,
 *   field: (f) => (f === 'User' ? e.data.TargetUserName : undefined) };
 */
export interface BaseMatch {
  readonly ruleId: string;
  readonly ruleName?: string;
  /** Event time, epoch milliseconds. */
  readonly time: number;
  readonly event: Event;
  /** Reads a Sigma field of the event with the matching rule's field mapping; undefined when absent. */
  field(sigmaField: string): EventValue | undefined;
}

/**
 * A correlation rule firing for one group.
 *
 * @example
 * for (const hit of engine.observe(match)) console.log(hit.rule.meta.title, hit.group, hit.events, hit.value);
 */
export interface CorrelationHit {
  readonly rule: CorrelationRule;
  /** Time (epoch ms) of the last event that completed the hit. */
  readonly time: number;
  /** The last event that completed the hit. */
  readonly event: Event;
  /** group-by name → value (null when the event lacks the field). */
  readonly group: Readonly<Record<string, EventValue>>;
  /**
   * event_count / value_*: the number of matches in the window; temporal types: the number
   * of referenced rules whose matches make up the hit.
   */
  readonly events: number;
  /** The aggregate the condition was tested on (count, distinct values, sum, mean, percentile). */
  readonly value?: number;
}
