/**
 * Sigma correlation rules (spec v2.1 "Sigma Correlation Rules"): parse the `correlation:`
 * section, then run the rules over a time-ordered stream of rule matches. Public face of
 * `detect/correlation/`.
 *
 * @example
 * const parsed = parseCorrelation(meta, body);
 * if ('rule' in parsed) {
 *   const engine = new CorrelationEngine([parsed.rule]);
 *   for (const m of matches) for (const hit of engine.observe(m)) console.log(hit.rule.meta.title, hit.group);
 *   engine.flush();
 * }
 */
export { parseCorrelation } from './parse.js';
export { parseTimespan } from './timespan.js';
export { meetsCondition, isLowerBoundOnly, countSaturation } from './condition.js';
export { valueKey, numericValue } from './values.js';
export { interpolatedPercentile } from './percentile.js';
export { CorrelationEngine, type CorrelationEngineOptions, type CorrelationStats, type RuleKeys } from './engine.js';
export {
  CORRELATION_TYPES, COMPARISON_OPERATORS,
  type BaseMatch, type Comparison, type ComparisonOperator, type CorrelationHit, type CorrelationRule, type CorrelationType,
  type EventCountRule, type TemporalRule, type Timespan, type ValueCountRule, type ValueMetricRule, type ValuePercentileRule,
} from './types.js';
