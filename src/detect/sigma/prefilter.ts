/**
 * Prefilters: a cheap necessary condition for a compiled rule (types.ts `Prefilter`),
 * so an engine can skip most rules for an event with a few substring tests.
 *
 * Derived from the condition (necessary.ts) as up to two clauses that must both hold,
 * each a set of alternatives of which one must: `A and B` keeps the two most selective
 * clauses of both sides, `A or B` and `1 of` need both/all sides (each side's best
 * clauses united, then its second best; none if one side has none), `not X` gives none.
 * Two clauses because one often lets most events through: in
 * `Image|contains: '\Windows\'` and `CommandLine|contains: '\..\..\'` the first
 * alone passes nearly every process creation. A selection (OR of maps, each an AND of fields) takes, per map, one field
 * whose values all guarantee a literal: positive string patterns (each variant
 * contributing its longest literal run; with `cased`, only ASCII runs) and `re` values
 * (regex-literals.ts), never `neq`, numbers, `null`, `exists`, `cidr`, `fieldref`.
 * Keywords (field `''`) read every data value and the rendered message as one text.
 * Soundness: every match of such a value contains that run (case aside), so if the rule
 * matches, the lowercased text of that field contains a needle ({@link prefilterHolds}).
 *
 * @example
 * // `Image|endswith: '\cmd.exe'` and `CommandLine|contains: [' /c ', ' /k ']`
 * // → { anyOf: [{ field: 'Image', needle: '\\cmd.exe', accessor }], alsoAnyOf: [{ field: 'CommandLine', needle: ' /c ', … }, { … ' /k ' … }] }
 */
import { renderLine, type Event } from '../../event/index.js';
import type { FieldAccessor, FieldResolver, Prefilter, PrefilterAlternative } from '../types.js';
import type { ConditionNode } from './condition.js';
import { foldCase } from './fold.js';
import { deriveNecessary, type NecessaryAlgebra, type PlannedField, type PlannedSelection } from './necessary.js';
import { literalRuns, type Pattern } from './pattern.js';
import { moreSelective, requiredLiterals } from './regex-literals.js';

type Alternative = PrefilterAlternative;
/** One necessary condition: some alternative holds (never empty). */
type Clause = readonly Alternative[];
/**
 * Necessary conditions that must all hold, most selective first, at most
 * {@link MAX_CLAUSES}; null when nothing is guaranteed.
 */
type Clauses = readonly Clause[] | null;

/** Clauses a prefilter keeps (types.ts `Prefilter`: `anyOf` and `alsoAnyOf`). */
const MAX_CLAUSES = 2;

/**
 * Whether an event passes a prefilter: for each of its clauses, some alternative's field,
 * as lowercased text (arrays joined), contains its needle. A null prefilter always passes.
 *
 * @example
 * if (!prefilterHolds(m.prefilter, event)) return; // m.matches(event) would be false
 */
export function prefilterHolds(prefilter: Prefilter | null, event: Event): boolean {
  if (!prefilter) return true;
  return clauseHolds(prefilter.anyOf, event) && (prefilter.alsoAnyOf === undefined || clauseHolds(prefilter.alsoAnyOf, event));
}

/**
 * Whether one clause of a prefilter holds: some alternative's field, as lowercased text,
 * contains its needle.
 *
 * @example
 * clauseHolds(prefilter.alsoAnyOf, event)
 */
export function clauseHolds(clause: readonly PrefilterAlternative[], event: Event): boolean {
  // Alternatives of one field are adjacent: read and fold each field once.
  let field = '';
  let text: string | null = null;
  for (const alt of clause) {
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

function union(clauses: readonly Clause[]): Clause {
  if (clauses.length === 1) return clauses[0];
  const out: Alternative[] = [];
  const seen = new Set<string>();
  for (const c of clauses) {
    for (const a of c) {
      const key = `${a.field}\u0000${a.needle}`;
      if (!seen.has(key)) { seen.add(key); out.push(a); }
    }
  }
  return out;
}

const clauseKey = (c: Clause): string => c.map((a) => `${a.field}\u0000${a.needle}`).sort().join('\u0001');

/** The most selective distinct clauses of `clauses`, best first, at most {@link MAX_CLAUSES}. */
function mostSelective(clauses: readonly Clause[]): Clauses {
  if (clauses.length === 0) return null;
  if (clauses.length === 1) return clauses;
  const distinct = new Map<string, { clause: Clause; needles: string[] }>();
  for (const c of clauses) {
    const key = clauseKey(c);
    if (!distinct.has(key)) distinct.set(key, { clause: c, needles: c.map((a) => a.needle) });
  }
  const sorted = [...distinct.values()].sort((a, b) => (moreSelective(a.needles, b.needles) ? -1 : moreSelective(b.needles, a.needles) ? 1 : 0));
  return sorted.slice(0, MAX_CLAUSES).map((x) => x.clause);
}

/** All parts hold: every clause of every part is necessary; keep the best ones. */
function every(parts: readonly Clauses[]): Clauses {
  return mostSelective(parts.flatMap((p) => p ?? []));
}

/**
 * One part holds: a clause taken from each part, united, is necessary (whichever part
 * holds, its clause does). The best clauses united, then the second best (or best) ones.
 */
function some(parts: readonly Clauses[]): Clauses {
  if (parts.length === 1) return parts[0];
  const known: (readonly Clause[])[] = [];
  for (const p of parts) { if (!p) return null; known.push(p); }
  const out: Clause[] = [];
  for (let k = 0; k < MAX_CLAUSES; k++) out.push(union(known.map((p) => p[Math.min(k, p.length - 1)])));
  return mostSelective(out);
}

const algebra: NecessaryAlgebra<readonly Clause[]> = { every, some };

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

/** The clauses one field match guarantees, or null if it guarantees none. */
function fieldClauses({ match, accessor: own, plan }: PlannedField): Clauses {
  if (plan.negate || plan.tests.length === 0) return null;
  const accessor = match.field === '' ? keywordText : own;
  const perValue: Clauses[] = plan.tests.map((t) => {
    const needles = t.kind === 'pattern' ? t.variants.map((v) => needleOf(v, plan.cased)) : t.kind === 'regex' ? requiredLiterals(t.regex) : null;
    if (!needles || needles.length === 0 || needles.some((n) => n === '')) return null;
    return [needles.map((needle) => ({ accessor, field: match.field, needle }))];
  });
  return plan.all ? every(perValue) : some(perValue);
}

/**
 * Derives the prefilter of a rule from its conditions (OR-ed) and planned selections.
 *
 * @example
 * derivePrefilter([parseCondition('sel and not filter')], planned, ['sel', 'filter'])
 * // the alternatives of `sel`, or null
 */
export function derivePrefilter(conditions: readonly ConditionNode[], selections: Readonly<Record<string, PlannedSelection>>, names: readonly string[]): Prefilter | null {
  const clauses = deriveNecessary(conditions, selections, names, fieldClauses, algebra);
  if (!clauses || clauses.length === 0) return null;
  const byField = (c: Clause): Alternative[] => [...c].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return clauses.length === 1 ? { anyOf: byField(clauses[0]) } : { anyOf: byField(clauses[0]), alsoAnyOf: byField(clauses[1]) };
}
