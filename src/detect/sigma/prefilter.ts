/**
 * Prefilters: a cheap necessary condition for a compiled rule (types.ts `Prefilter`),
 * so an engine can skip most rules for an event with a few substring tests.
 *
 * Derived from the condition (necessary.ts): `A and B` keeps the more selective side,
 * `A or B` and `1 of` need both/all sides (union; none if one side has none), `not X`
 * gives none. A selection (OR of maps, each an AND of fields) takes, per map, one field
 * whose values all guarantee a literal: positive string patterns (each variant
 * contributing its longest literal run; with `cased`, only ASCII runs) and `re` values
 * (regex-literals.ts), never `neq`, numbers, `null`, `exists`, `cidr`, `fieldref`.
 * Keywords (field `''`) read every data value and the rendered message as one text.
 * Soundness: every match of such a value contains that run (case aside), so if the rule
 * matches, the lowercased text of that field contains a needle ({@link prefilterHolds}).
 *
 * @example
 * // `Image|endswith: '\cmd.exe'` and `CommandLine|contains: [' /c ', ' /k ']`
 * // → { anyOf: [{ field: 'Image', needle: '\\cmd.exe', accessor }] }
 */
import { renderLine, type Event } from '../../event/index.js';
import type { FieldAccessor, FieldResolver, Prefilter } from '../types.js';
import type { ConditionNode } from './condition.js';
import { foldCase } from './fold.js';
import { deriveNecessary, type NecessaryAlgebra, type PlannedField, type PlannedSelection } from './necessary.js';
import { literalRuns, type Pattern } from './pattern.js';
import { moreSelective, requiredLiterals } from './regex-literals.js';

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

const isAscii = (s: string): boolean => { for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false; return true; };

/**
 * The longest literal run of a pattern, lowercased; '' when it has none. `cased` patterns
 * compare the raw value, so only their ASCII runs are sure to survive lowercasing.
 */
function needleOf(p: Pattern, cased: boolean): string {
  let best = '';
  for (const run of literalRuns(p)) if (run.length > best.length && (!cased || isAscii(run))) best = run;
  return best.toLowerCase();
}

function union(sets: readonly Alternatives[]): Alternatives {
  if (sets.length === 1) return sets[0];
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
  const needles = (x: readonly Alternative[]): string[] => x.map((y) => y.needle);
  for (const s of sets) if (s && (!pick || moreSelective(needles(s), needles(pick)))) pick = s;
  return pick;
}

const algebra: NecessaryAlgebra<readonly Alternative[]> = { every: best, some: union };

/**
 * What keywords search (compile.ts `compileKeywords`): every data value, then the rendered
 * message (rendered here if the event has none yet, as the keyword test would), one per
 * line. A keyword's needle is in one of them, so it is in this text.
 */
function keywordText(e: Event): string {
  if (e.line === '') e.line = renderLine(e);
  let out = '';
  for (const k in e.data) {
    const v = e.data[k];
    if (v !== null && v !== undefined) out += `${Array.isArray(v) ? v.join('\n') : String(v)}\n`;
  }
  return out + e.line;
}

const ABSENT: FieldAccessor = () => undefined;

/**
 * What a prefilter alternative on `field` reads with a target's resolver: the field, or
 * for keywords (`''`) all values and the message; absent when the target lacks the field.
 * (How another thread rebuilds a prefilter from its literals: rule-set.ts `fromCompact`.)
 *
 * @example
 * prefilterAccessor(target.resolve, 'CommandLine')(event) // the command line
 */
export function prefilterAccessor(resolve: FieldResolver, field: string): FieldAccessor {
  return field === '' ? keywordText : (resolve(field) ?? ABSENT);
}

/** The alternatives one field match guarantees, or null if it guarantees none. */
function fieldAlternatives({ match, accessor: own, plan }: PlannedField): Alternatives {
  if (plan.negate || plan.tests.length === 0) return null;
  const accessor = match.field === '' ? keywordText : own;
  const perValue: Alternatives[] = plan.tests.map((t) => {
    const needles = t.kind === 'pattern' ? t.variants.map((v) => needleOf(v, plan.cased)) : t.kind === 'regex' ? requiredLiterals(t.regex) : null;
    if (!needles || needles.some((n) => n === '')) return null;
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
  const anyOf = deriveNecessary(conditions, selections, names, fieldAlternatives, algebra);
  return anyOf && anyOf.length > 0 ? { anyOf: [...anyOf].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0)) } : null;
}
