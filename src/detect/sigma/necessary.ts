/**
 * Necessary conditions of a compiled rule, derived bottom-up over its condition: the
 * common walk behind the literal prefilter (prefilter.ts) and event-ID routing
 * (event-ids.ts). Each field match gives a fact ("this field contains one of these
 * needles", "EventID is one of these") or null (nothing guaranteed); an algebra combines
 * facts where the condition requires every part (`and`, `all of`, a map's fields) or
 * some part (`or`, `1 of`, a selection's list of maps, a rule's list of conditions).
 * `not X` guarantees nothing about X's fields, so it gives null.
 *
 * Soundness rests on two rules an algebra must follow: `every` may return any one of its
 * non-null facts (or something implied by all of them), and `some` must return null when
 * one part is null (that part can match without any fact holding).
 *
 * @example
 * deriveNecessary([parseCondition('sel and not filter')], planned, ['sel', 'filter'], fieldFact, algebra)
 * // the fact of `sel`: `not filter` adds nothing
 */
import type { FieldAccessor } from '../types.js';
import { identifierMatches, type ConditionKind, type ConditionNode } from './condition.js';
import type { FieldMatch } from './model.js';
import type { FieldPlan } from './modifiers.js';

/** One field match with its plan and accessor, as the compiler built them. */
export interface PlannedField {
  readonly match: FieldMatch;
  readonly accessor: FieldAccessor;
  readonly plan: FieldPlan;
}

/** A selection with each field match planned: OR over alternatives, each an AND of fields. */
export interface PlannedSelection {
  readonly name: string;
  readonly alternatives: readonly (readonly PlannedField[])[];
}

/** How facts combine (null = nothing guaranteed); see the module comment for soundness. */
export interface NecessaryAlgebra<T> {
  /** All parts hold: any non-null part is guaranteed; null only when every part is null. */
  every(parts: readonly (T | null)[]): T | null;
  /** One part holds: null as soon as one part is null. */
  some(parts: readonly (T | null)[]): T | null;
}

/**
 * The fact every match of a rule guarantees, from its conditions (OR-ed) and planned
 * selections; `field` gives each field match's own fact.
 *
 * @example
 * deriveNecessary(asts, planned, Object.keys(planned), (f) => (f.match.field === 'EventID' ? … : null), algebra)
 */
export function deriveNecessary<T>(
  conditions: readonly ConditionNode[], selections: Readonly<Record<string, PlannedSelection>>, names: readonly string[],
  field: (f: PlannedField) => T | null, algebra: NecessaryAlgebra<T>,
): T | null {
  const cache = new Map<string, T | null>();
  const ofSelection = (name: string): T | null => {
    if (!cache.has(name)) cache.set(name, algebra.some(selections[name].alternatives.map((alt) => algebra.every(alt.map(field)))));
    return cache.get(name) ?? null;
  };
  const derive: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => T | null } = {
    ref: (n) => (Object.hasOwn(selections, n.name) ? ofSelection(n.name) : null),
    of: (n) => {
      const hit = names.filter((name) => identifierMatches(name, n.pattern)).map(ofSelection);
      return hit.length === 0 ? null : n.quantifier === 'one' ? algebra.some(hit) : algebra.every(hit);
    },
    not: () => null,
    and: (n) => algebra.every(n.operands.map(go)),
    or: (n) => algebra.some(n.operands.map(go)),
  };
  const go = (n: ConditionNode): T | null => (derive[n.kind] as (x: ConditionNode) => T | null)(n);
  return algebra.some(conditions.map(go));
}
