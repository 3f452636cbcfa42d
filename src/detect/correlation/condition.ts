/**
 * Correlation conditions: operators ANDed over one aggregate (correlation spec "Condition").
 */
import type { Comparison, ComparisonOperator } from './types.js';

const TEST: Readonly<Record<ComparisonOperator, (value: number, limit: number) => boolean>> = {
  gt: (v, l) => v > l,
  gte: (v, l) => v >= l,
  lt: (v, l) => v < l,
  lte: (v, l) => v <= l,
  eq: (v, l) => v === l,
  neq: (v, l) => v !== l,
};

/**
 * True when `value` meets every criterion (the spec's AND of the mapping's entries).
 *
 * @example
 * meetsCondition([{ op: 'gt', value: 100 }, { op: 'lte', value: 200 }], 150); // true
 */
export function meetsCondition(condition: readonly Comparison[], value: number): boolean {
  return condition.every((c) => TEST[c.op](value, c.value));
}

/**
 * True when the condition only bounds the aggregate from below (`gt`, `gte`): it can then
 * be decided as soon as it holds, because more events can only make counts grow. Any
 * `lt`, `lte`, `eq` or `neq` makes the answer depend on the whole window, so it is decided
 * when the window closes (see engine.ts, "Windows").
 *
 * @example
 * isLowerBoundOnly([{ op: 'gte', value: 10 }]); // true
 * isLowerBoundOnly([{ op: 'lt', value: 3 }]);   // false
 */
export function isLowerBoundOnly(condition: readonly Comparison[]): boolean {
  return condition.every((c) => c.op === 'gt' || c.op === 'gte');
}

/**
 * A count S such that every count ≥ S gives the same answer as S for every operator of the
 * condition: counting can stop (saturate) at S without changing the outcome. For `gte: 100`
 * it is 101; for `lt: 5`, 6; for `eq: 3`, 4.
 *
 * @example
 * countSaturation([{ op: 'gt', value: 100 }, { op: 'lte', value: 200 }]); // 201
 */
export function countSaturation(condition: readonly Comparison[]): number {
  let max = 0;
  for (const c of condition) max = Math.max(max, Math.floor(c.value) + 1);
  return max;
}
