/**
 * A config seen the way Sysmon combines its filters (shared/specs/windows-events.md §1),
 * for the linter's checks: the filters of each scope with the relation that joins them,
 * and the rules ("units") Sysmon evaluates, each an AND of clauses that OR filters.
 * - loose filters of a block: OR when the block's relation is `or` (schema <= 4.1, or a
 *   `RuleGroup groupRelation="or"`); otherwise AND of fields, same-field filters OR'ed;
 * - `<Rule groupRelation="and">`: AND of every child, same field included;
 * - `<Rule>` with `or` or no groupRelation: OR of its children.
 */
import { eventBlocks, fieldClauses, type ConfigRule, type EventBlock, type FieldFilter, type RuleGroup, type SysmonConfig } from './model.js';
import { blockRelation } from './simulate.js';

/** One filter with everything around it. */
export interface FilterSite {
  readonly block: EventBlock;
  readonly group: RuleGroup | null;
  /** The `<Rule>` holding the filter, or null for a loose filter of the block. */
  readonly rule: ConfigRule | null;
  readonly filter: FieldFilter;
}

/** Filters that Sysmon joins with one relation: a block's loose filters, or one `<Rule>`'s children. */
export interface FilterScope {
  readonly block: EventBlock;
  readonly group: RuleGroup | null;
  readonly rule: ConfigRule | null;
  /** `or`: every filter is its own alternative; `and`: fields ANDed (a block: same field OR'ed; a Rule: all ANDed). */
  readonly relation: 'and' | 'or';
  readonly filters: readonly FieldFilter[];
  /** Index of the block among the config's blocks (document order). */
  readonly blockIndex: number;
}

/** A rule as Sysmon evaluates it: matches when every clause has a filter that matches. */
export interface MatchUnit {
  readonly scope: FilterScope;
  readonly clauses: readonly (readonly FieldFilter[])[];
  /** Line of the unit's `<Rule>`, else of its first filter. */
  readonly line: number;
  /** Evaluation order in the config (Sysmon reports the first matching rule's name). */
  readonly order: number;
}

function filtersOf(items: readonly { kind: string }[]): FieldFilter[] {
  return items.filter((i): i is FieldFilter => i.kind === 'filter');
}

/**
 * Every filter of the config with its block, group and Rule, in document order.
 *
 * @example
 * filterSites(config).map((s) => s.filter.line)
 */
export function filterSites(config: SysmonConfig): FilterSite[] {
  return eventBlocks(config).flatMap(({ block, group }) => block.items.flatMap((item): FilterSite[] => {
    if (item.kind === 'filter') return [{ block, group, rule: null, filter: item }];
    if (item.kind === 'rule') return filtersOf(item.items).map((filter) => ({ block, group, rule: item, filter }));
    return [];
  }));
}

/**
 * The scopes of every block: its loose filters (when it has any), then each `<Rule>`.
 *
 * @example
 * filterScopes(config).map((s) => s.relation) // ['or', 'and'] for an or-group block and a Rule (and)
 */
export function filterScopes(config: SysmonConfig): FilterScope[] {
  return eventBlocks(config).flatMap(({ block, group }, blockIndex) => {
    const loose = filtersOf(block.items);
    const scopes: FilterScope[] = loose.length > 0 ? [{ block, group, rule: null, relation: blockRelation(config.schema, group), filters: loose, blockIndex }] : [];
    for (const item of block.items) {
      if (item.kind === 'rule') scopes.push({ block, group, rule: item, relation: item.groupRelation === 'and' ? 'and' : 'or', filters: filtersOf(item.items), blockIndex });
    }
    return scopes;
  });
}

/** The units Sysmon evaluates for one scope, with their place in document order. */
function scopeUnits(scope: FilterScope): { unit: Omit<MatchUnit, 'order'>; at: number }[] {
  const { filters, block, rule } = scope;
  if (filters.length === 0) return [];
  // Document position: block, item in the block, child in the <Rule>.
  const at = (f: FieldFilter): number => scope.blockIndex * 1e9 + (rule === null ? block.items.indexOf(f) * 1e4 : block.items.indexOf(rule) * 1e4 + rule.items.indexOf(f));
  if (scope.relation === 'or') return filters.map((f) => ({ unit: { scope, clauses: [[f]], line: f.line }, at: at(f) }));
  const clauses = rule === null ? fieldClauses(filters) : filters.map((f) => [f]);
  return [{ unit: { scope, clauses, line: rule?.line ?? filters[0].line }, at: at(filters[0]) }];
}

/**
 * Every unit of the config, in Sysmon's evaluation order (blocks in order, rules in order within a block).
 *
 * @example
 * matchUnits(config).map((u) => u.clauses.length) // 1 per filter of an or block; fields of an and block
 */
export function matchUnits(config: SysmonConfig): MatchUnit[] {
  return filterScopes(config)
    .flatMap(scopeUnits)
    .sort((a, b) => a.at - b.at)
    .map(({ unit }, order) => ({ ...unit, order }));
}
