/**
 * Prefilters: a cheap necessary condition for a compiled rule (types.ts `Prefilter`),
 * so an engine can skip most rules for an event with a few substring tests.
 *
 * Derived from the condition: `A and B` keeps the more selective side, `A or B` and
 * `1 of` need both/all sides (union; none if one side has none), `not X` gives none.
 * A selection (OR of maps, each an AND of fields) takes, per map, one field whose values
 * are all positive, case-insensitive string patterns (no `re`, `neq`, `cased`, numbers,
 * `null`, `exists`, `cidr`, `fieldref`), each variant contributing its longest literal run.
 * Soundness: every pattern match on the lowercased value contains that run, so if the rule
 * matches, the lowercased text of that field contains a needle ({@link prefilterHolds}).
 *
 * @example
 * // `Image|endswith: '\cmd.exe'` and `CommandLine|contains: [' /c ', ' /k ']`
 * // → { anyOf: [{ field: 'Image', needle: '\\cmd.exe', accessor }] }
 */
import type { Event } from '../../event/index.js';
import type { FieldAccessor, Prefilter } from '../types.js';
import { foldCase } from './fold.js';
import { identifierMatches, type ConditionKind, type ConditionNode } from './condition.js';
import type { FieldMatch } from './model.js';
import type { FieldPlan } from './modifiers.js';
import { literalRuns, type Pattern } from './pattern.js';

/** A selection with each field match's plan and accessor, as the compiler built them. */
export interface PlannedSelection {
  readonly name: string;
  readonly alternatives: readonly (readonly { readonly match: FieldMatch; readonly accessor: FieldAccessor; readonly plan: FieldPlan }[])[];
}

type Alternative = Prefilter['anyOf'][number];
type Alternatives = readonly Alternative[] | null;

/**
 * Whether an event passes a prefilter: some alternative's field, as lowercased text
 * (arrays joined), contains its needle. A null prefilter always passes.
 *
 * @example
 * if (!prefilterHolds(m.prefilter, event)) return; // m.matches(event) would be false
 */
export function prefilterHolds(prefilter: Prefilter | null, event: Event): boolean {
  if (!prefilter) return true;
  // Alternatives of one field are adjacent: read and fold each field once.
  let field = '';
  let text: string | null = null;
  for (const alt of prefilter.anyOf) {
    if (alt.field !== field || text === null) {
      field = alt.field;
      const v = alt.accessor(event);
      text = v === undefined || v === null ? '' : foldCase(typeof v === 'string' ? v : String(v));
    }
    if (text.includes(alt.needle)) return true;
  }
  return false;
}

/** The longest literal run of a pattern, lowercased; '' when it has none. */
function needleOf(p: Pattern): string {
  let best = '';
  for (const run of literalRuns(p)) if (run.length > best.length) best = run;
  return best.toLowerCase();
}

/** Sort key: longer shortest needle first (capped: 8 characters are selective enough), then fewer alternatives. */
function better(a: readonly Alternative[], b: readonly Alternative[]): boolean {
  const min = (x: readonly Alternative[]): number => Math.min(8, ...x.map((y) => y.needle.length));
  const [ma, mb] = [min(a), min(b)];
  return ma !== mb ? ma > mb : a.length < b.length;
}

function union(sets: readonly Alternatives[]): Alternatives {
  const out: Alternative[] = [];
  const seen = new Set<string>();
  for (const s of sets) {
    if (!s) return null;
    for (const a of s) {
      const key = `${a.field}\u0000${a.needle}`;
      if (!seen.has(key)) { seen.add(key); out.push(a); }
    }
  }
  return out;
}

function best(sets: readonly Alternatives[]): Alternatives {
  let pick: Alternatives = null;
  for (const s of sets) if (s && (!pick || better(s, pick))) pick = s;
  return pick;
}

/** The alternatives one field match guarantees, or null if it guarantees none. */
function fieldAlternatives(match: FieldMatch, accessor: FieldAccessor, plan: FieldPlan): Alternatives {
  if (match.field === '' || plan.negate || plan.cased || plan.tests.length === 0) return null;
  const perValue: Alternatives[] = plan.tests.map((t) => {
    if (t.kind !== 'pattern') return null;
    const needles = t.variants.map(needleOf);
    if (needles.some((n) => n === '')) return null;
    return needles.map((needle) => ({ accessor, field: match.field, needle }));
  });
  return plan.all ? best(perValue) : union(perValue);
}

/**
 * Derives the prefilter of a rule from its conditions (OR-ed) and planned selections.
 *
 * @example
 * derivePrefilter([parseCondition('sel and not filter')], planned, ['sel', 'filter'])
 * // the alternatives of `sel`, or null
 */
export function derivePrefilter(conditions: readonly ConditionNode[], selections: Readonly<Record<string, PlannedSelection>>, names: readonly string[]): Prefilter | null {
  const cache = new Map<string, Alternatives>();
  const ofSelection = (name: string): Alternatives => {
    if (!cache.has(name)) {
      const sel = selections[name];
      cache.set(name, union(sel.alternatives.map((alt) => best(alt.map((f) => fieldAlternatives(f.match, f.accessor, f.plan))))));
    }
    return cache.get(name) ?? null;
  };
  const derive: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => Alternatives } = {
    ref: (n) => (Object.hasOwn(selections, n.name) ? ofSelection(n.name) : null),
    of: (n) => {
      const hit = names.filter((name) => identifierMatches(name, n.pattern)).map(ofSelection);
      return hit.length === 0 ? null : n.quantifier === 'one' ? union(hit) : best(hit);
    },
    not: () => null,
    and: (n) => best(n.operands.map(go)),
    or: (n) => union(n.operands.map(go)),
  };
  const go = (n: ConditionNode): Alternatives => (derive[n.kind] as (x: ConditionNode) => Alternatives)(n);
  const anyOf = union(conditions.map(go));
  return anyOf && anyOf.length > 0 ? { anyOf: [...anyOf].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)) } : null;
}
