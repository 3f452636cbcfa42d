/**
 * Sigma global filters (sigma-filters-specification.md): a filter document names rules
 * (by `id` or `name`, "Relative rules") and a selection + condition; every named rule
 * whose log source agrees with the filter's ("Log source": each of category, product,
 * service the filter sets must be equal, case-insensitively) gets the filter as
 * `<rule condition> and not (<filter condition>)` (bracketed as needed), for each of its conditions.
 *
 * The filter's selections are copied into the rule as `_filter<k>_<name>`: the leading
 * underscore keeps them out of the rule's `1 of them` (rules spec "Condition"); `of`
 * patterns in both conditions are expanded to explicit names first, so a rule's
 * `1 of sel*` cannot pick up filter selections either. Rules are copied, never mutated.
 *
 * @example
 * const { rules, problems } = applyFilters(detectionRules, filterDocs);
 * // rule 6f3e… now has condition 'selection and not _filter1_selection'
 */
import type { RuleProblem } from '../types.js';
import { ConditionError, identifierMatches, parseCondition, printCondition, type ConditionKind, type ConditionNode } from './condition.js';
import type { DetectionRuleDoc, FilterDoc, Selection } from './model.js';

/** What {@link applyFilters} returns: all rules (filtered ones replaced) and problems. */
export interface FilterResult {
  readonly rules: DetectionRuleDoc[];
  readonly problems: RuleProblem[];
}

/**
 * Rewrites a condition with `of` patterns replaced by explicit names (`rename` applied).
 * A pattern matching nothing throws, as the compiler would.
 */
function explicitCondition(ast: ConditionNode, names: readonly string[], rename: (n: string) => string): ConditionNode {
  const rewrite: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => ConditionNode } = {
    ref: (n) => ({ ...n, name: rename(n.name) }),
    of: (n) => {
      const hit = names.filter((name) => identifierMatches(name, n.pattern)).map((name): ConditionNode => ({ kind: 'ref', name: rename(name), column: n.column }));
      if (hit.length === 0) throw new ConditionError(`'${n.pattern ?? 'them'}' matches no search identifier`, n.column);
      return hit.length === 1 ? hit[0] : { kind: n.quantifier === 'one' ? 'or' : 'and', operands: hit };
    },
    not: (n) => ({ kind: 'not', operand: go(n.operand) }),
    and: (n) => ({ kind: 'and', operands: n.operands.map(go) }),
    or: (n) => ({ kind: 'or', operands: n.operands.map(go) }),
  };
  const go = (n: ConditionNode): ConditionNode => (rewrite[n.kind] as (x: ConditionNode) => ConditionNode)(n);
  return go(ast);
}

const sameLogSource = (filter: FilterDoc, rule: DetectionRuleDoc): boolean =>
  (['category', 'product', 'service'] as const).every((k) => filter.logsource[k] === undefined || filter.logsource[k]?.toLowerCase() === rule.logsource[k]?.toLowerCase());

/**
 * Applies filters to detection rules. Problems: a filter naming a rule that is not among
 * `rules`, a log source that does not agree, a condition that cannot be combined.
 *
 * @example
 * applyFilters([rule], [filter]).rules[0].detection.conditions[0].text
 * // 'selection and not filter_main and not _filter1_selection'
 */
export function applyFilters(rules: readonly DetectionRuleDoc[], filters: readonly FilterDoc[]): FilterResult {
  const problems: RuleProblem[] = [];
  const byRef = new Map<string, number[]>();
  rules.forEach((r, i) => {
    for (const ref of [r.meta.id, r.meta.name]) if (ref) byRef.set(ref, [...(byRef.get(ref) ?? []), i]);
  });
  const out = [...rules];
  const applied = new Map<number, number>();
  for (const filter of filters) {
    const report = (message: string): void => { problems.push({ ...filter.meta.location, message, rule: filter.meta.id ?? filter.meta.title }); };
    const filterNames = Object.keys(filter.filter.selections);
    for (const ref of new Set(filter.filter.rules)) {
      const hits = byRef.get(ref);
      if (!hits) { report(`filter '${filter.meta.title}' refers to rule '${ref}', which is not loaded`); continue; }
      for (const i of new Set(hits)) {
        const rule = out[i];
        if (!sameLogSource(filter, rule)) {
          report(`filter '${filter.meta.title}' not applied to rule '${rule.meta.title}': log source ${JSON.stringify(filter.logsource)} does not match the rule's ${JSON.stringify(rule.logsource)}`);
          continue;
        }
        const k = (applied.get(i) ?? 0) + 1;
        const prefix = `_filter${k}_`;
        const ruleNames = Object.keys(rule.detection.selections);
        try {
          const filterAst: ConditionNode = { kind: 'or', operands: filter.filter.conditions.map((c) => explicitCondition(parseCondition(c.text), filterNames, (n) => prefix + n)) };
          const negated: ConditionNode = { kind: 'not', operand: filterAst.operands.length === 1 ? (filterAst.operands[0]) : filterAst };
          const conditions = rule.detection.conditions.map((c) => ({
            text: printCondition({ kind: 'and', operands: [explicitCondition(parseCondition(c.text), ruleNames, (n) => n), negated] }),
            location: c.location,
          }));
          const selections: Record<string, Selection> = { ...rule.detection.selections };
          for (const [name, sel] of Object.entries(filter.filter.selections)) selections[prefix + name] = { ...sel, name: prefix + name };
          out[i] = { ...rule, detection: { selections, conditions } };
          applied.set(i, k);
        } catch (e) {
          if (!(e instanceof ConditionError)) throw e;
          report(`filter '${filter.meta.title}' not applied to rule '${rule.meta.title}': ${e.message} (column ${e.column})`);
        }
      }
    }
  }
  return { rules: out, problems };
}
