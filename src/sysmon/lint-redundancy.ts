/**
 * Filters and rules that never decide anything (shared/specs/windows-events.md §1):
 * - `duplicate`: the same filter (field, condition, value, case-insensitively) twice in one
 *   scope, or the same `<Rule>` twice in one block;
 * - `unreachable`: an AND rule whose filters contradict each other (it never matches); an
 *   include rule whose every match is dropped first by an exclude rule (excludes are
 *   evaluated first); a rule or same-field filter whose every match is already matched by
 *   another one of the same onmatch (it never changes the decision, nor the RuleName).
 * Subsumption comes from lint-subsume.ts, which only answers yes when it can prove it.
 */
import { describeFilter, filterPlace, blockPlace, rulePlace, type Finding } from './lint-finding.js';
import { filterScopes, matchUnits, type FilterScope, type MatchUnit } from './lint-scope.js';
import { implies, satisfiable } from './lint-subsume.js';
import { fieldClauses, type ConfigRule, type FieldFilter } from './model.js';

function filterKey(f: FieldFilter): string {
  return `${f.field.toLowerCase()}\u0000${f.condition}\u0000${f.value.toLowerCase()}`;
}

function scopeName(scope: FilterScope): string {
  return scope.rule === null ? 'block' : '<Rule>';
}

/** `duplicate` filters within each scope. */
function duplicateFilters(scope: FilterScope): Finding[] {
  const seen = new Map<string, FieldFilter>();
  const out: Finding[] = [];
  for (const f of scope.filters) {
    const first = seen.get(filterKey(f));
    if (first === undefined) { seen.set(filterKey(f), f); continue; }
    // Alternatives are tried in order, so the copy never reports its name; in an AND <Rule> both are clauses.
    const alternative = !(scope.rule !== null && scope.relation === 'and');
    const renamed = alternative && (f.name ?? '') !== (first.name ?? '') ? ` Its name "${f.name ?? ''}" is never reported: the filter at line ${first.line} matches first.` : '';
    out.push({
      code: 'duplicate', severity: 'info', line: f.line, rule: filterPlace(scope.block, scope.group, scope.rule, f), related: [first.line],
      effect: `${describeFilter(f)} is already at line ${first.line} in this ${scopeName(scope)}: the copy changes nothing.${renamed}`,
      fix: `Remove line ${f.line}.`,
    });
  }
  return out;
}

function ruleKey(rule: ConfigRule, filters: readonly FieldFilter[]): string {
  return `${rule.groupRelation ?? 'or'}\u0001${filters.map(filterKey).sort().join('\u0001')}`;
}

/** `duplicate` `<Rule>`s within each block. */
function duplicateRules(scopes: readonly FilterScope[]): Finding[] {
  const seen = new Map<string, FilterScope>();
  const out: Finding[] = [];
  for (const scope of scopes) {
    if (scope.rule === null || scope.filters.length === 0) continue;
    const key = `${scope.blockIndex}\u0002${ruleKey(scope.rule, scope.filters)}`;
    const first = seen.get(key);
    if (first === undefined) { seen.set(key, scope); continue; }
    out.push({
      code: 'duplicate', severity: 'info', line: scope.rule.line, rule: `${blockPlace(scope.block, scope.group)} › ${rulePlace(scope.rule)}`,
      related: [first.rule!.line],
      effect: `This <Rule> has the same relation and filters as the <Rule> at line ${first.rule!.line}: it changes nothing.`,
      fix: `Remove the <Rule> at line ${scope.rule.line}.`,
    });
  }
  return out;
}

/** `unreachable`: `<Rule groupRelation="and">` filters on one field that no value satisfies together. */
function contradictions(scope: FilterScope): Finding[] {
  if (scope.rule === null || scope.relation !== 'and') return [];
  return fieldClauses(scope.filters).filter((group) => group.length > 1 && !satisfiable(group)).map((group) => ({
    code: 'unreachable', severity: 'warning' as const, line: scope.rule!.line,
    rule: `${blockPlace(scope.block, scope.group)} › ${rulePlace(scope.rule!)}`, related: group.map((f) => f.line),
    effect: `The <Rule> ANDs ${group.map(describeFilter).join(' and ')}, which no value satisfies at once: the rule never matches${scope.block.onmatch === 'include' ? ' and logs nothing' : ' and drops nothing'}.`,
    fix: `If any of them may match, write groupRelation="or" (or move them out of the <Rule>); otherwise correct the values.`,
  }));
}

/** False for an AND rule whose filters contradict each other (reported by {@link contradictions}; it would be "implied" by anything). */
function possible(u: MatchUnit): boolean {
  return u.scope.rule === null || u.scope.relation !== 'and' || fieldClauses(u.clauses.flat()).every(satisfiable);
}

/** True when every event `a` matches is matched by `b`: each clause of `b` is implied by some clause of `a`. */
function unitImplies(a: MatchUnit, b: MatchUnit): boolean {
  return b.clauses.every((cb) => a.clauses.some((ca) => ca.length > 0 && ca.every((f) => cb.some((g) => g.field.toLowerCase() === f.field.toLowerCase() && implies(f, g)))));
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** The RuleName a unit reports whichever of its filters matches, or null when that depends on the filter. */
function fixedName(u: MatchUnit): string | null {
  const fallback = nonEmpty(u.scope.rule?.name) ?? nonEmpty(u.scope.group?.name) ?? '';
  const names = new Set(u.clauses.flat().map((f) => nonEmpty(f.name) ?? fallback));
  return names.size === 1 ? [...names][0] : null;
}

/** A unit as the reader finds it: `Image is "x" (line 4)`, `the <Rule> at line 7`. */
function describeUnit(u: MatchUnit): string {
  const filters = u.clauses.flat();
  return filters.length === 1 ? `${describeFilter(filters[0])} (line ${u.line})` : `the ${u.scope.rule === null ? 'block\'s filters' : '<Rule>'} at line ${u.line}`;
}

function article(onmatch: 'include' | 'exclude'): string {
  return onmatch === 'include' ? 'an include' : 'an exclude';
}

function unitPlace(u: MatchUnit): string {
  const filters = u.clauses.flat();
  if (filters.length === 1) return filterPlace(u.scope.block, u.scope.group, u.scope.rule, filters[0]);
  return `${blockPlace(u.scope.block, u.scope.group)}${u.scope.rule ? ` › ${rulePlace(u.scope.rule)}` : ''}`;
}

/** `unreachable`: include rules whose every match an exclude rule drops first (§1: excludes are evaluated first). */
function shadowedIncludes(units: readonly MatchUnit[]): Finding[] {
  const out: Finding[] = [];
  const excludes = units.filter((u) => u.scope.block.onmatch === 'exclude');
  for (const u of units) {
    if (u.scope.block.onmatch !== 'include') continue;
    const e = excludes.find((x) => x.scope.block.tag === u.scope.block.tag && unitImplies(u, x));
    if (e === undefined) continue;
    out.push({
      code: 'unreachable', severity: 'warning', line: u.line, rule: unitPlace(u), related: [e.line],
      effect: `Every event that ${describeUnit(u)} matches is also matched by the exclude rule ${describeUnit(e)}, and Sysmon evaluates excludes first: this include rule never logs anything.`,
      fix: `Narrow the exclude rule at line ${e.line} (e.g. in a <Rule groupRelation="and"> with a filter the include rule does not meet), or remove the include rule.`,
    });
  }
  return out;
}

/**
 * Whether `later` adds nothing beside `earlier`, given `later` ⊆ `earlier`: excludes drop
 * either way; an include matters only for the RuleName it would report first.
 */
function addsNothing(sub: MatchUnit, sup: MatchUnit): boolean {
  if (sub.scope.block.onmatch === 'exclude') return true;
  const name = fixedName(sub);
  if (name !== null && name === fixedName(sup)) return true;
  return sub.scope.blockIndex === sup.scope.blockIndex && sup.order < sub.order;
}

/** `unreachable` (redundant): rules of one onmatch whose every match another rule already matches. */
function redundantUnits(units: readonly MatchUnit[], duplicates: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const groups = new Map<string, MatchUnit[]>();
  for (const u of units) {
    const key = `${u.scope.block.tag}\u0000${u.scope.block.onmatch}`;
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  for (const group of groups.values()) {
    for (const u of group) {
      const sup = group.find((v) => v !== u && unitImplies(u, v) && !(unitImplies(v, u) && v.order > u.order) && addsNothing(u, v));
      if (sup === undefined || duplicates.has(`${u.line}:${sup.line}`)) continue;
      out.push({
        code: 'unreachable', severity: 'info', line: u.line, rule: unitPlace(u), related: [sup.line],
        effect: `Every event that ${describeUnit(u)} matches is already matched by ${describeUnit(sup)} in ${article(u.scope.block.onmatch)} block: this rule never changes what is ${u.scope.block.onmatch === 'include' ? 'logged, nor the RuleName reported' : 'dropped'}.`,
        fix: `Remove it, or narrow the rule at line ${sup.line} if it was meant to be more specific.`,
      });
    }
  }
  return out;
}

/** `unreachable` (redundant) same-field filters inside one AND-block clause: OR'ed, the narrower one adds nothing. */
function redundantInClauses(units: readonly MatchUnit[], duplicates: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  for (const u of units) {
    if (u.scope.rule !== null) continue;
    for (const clause of u.clauses) {
      for (const f of clause) {
        const sup = clause.find((g) => g !== f && implies(f, g) && !(implies(g, f) && clause.indexOf(g) > clause.indexOf(f))
          && (u.scope.block.onmatch === 'exclude' || clause.indexOf(g) < clause.indexOf(f) || (f.name ?? '') === (g.name ?? '')));
        if (sup === undefined || duplicates.has(`${f.line}:${sup.line}`)) continue;
        out.push({
          code: 'unreachable', severity: 'info', line: f.line, rule: filterPlace(u.scope.block, u.scope.group, null, f), related: [sup.line],
          effect: `Filters on one field of a block are OR'ed, and every value ${describeFilter(f)} matches, ${describeFilter(sup)} (line ${sup.line}) matches too: this filter changes nothing.`,
          fix: `Remove it, or narrow the filter at line ${sup.line} if it was meant to be more specific.`,
        });
      }
    }
  }
  return out;
}

/**
 * The duplicate and unreachable findings of a config.
 *
 * @example
 * redundancyFindings(config).filter((f) => f.code === 'duplicate').map((f) => [f.line, f.related])
 */
export function redundancyFindings(config: Parameters<typeof filterScopes>[0]): Finding[] {
  const scopes = filterScopes(config);
  const duplicates = [...scopes.flatMap(duplicateFilters), ...duplicateRules(scopes)];
  const pairs = new Set(duplicates.map((d) => `${d.line}:${d.related?.[0]}`));
  const units = matchUnits(config).filter(possible);
  return [
    ...duplicates,
    ...scopes.flatMap(contradictions),
    ...shadowedIncludes(units),
    ...redundantUnits(units, pairs),
    ...redundantInClauses(units, pairs),
  ];
}
