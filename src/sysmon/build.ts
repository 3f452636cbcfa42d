/**
 * Constructors for config model nodes that Haetae writes itself (the generator, the merge):
 * configs are built as model objects and printed by print.ts, never as XML text, so every
 * value is escaped and every element is one Sysmon knows. Created nodes have line 0.
 */
import type { Condition } from './catalog.js';
import type { ConfigComment, ConfigRule, EventBlock, FieldFilter, Relation, RuleGroup } from './model.js';

/**
 * A field filter.
 *
 * @example
 * filter('Image', 'end with', '\\w3wp.exe') // <Image condition="end with">\w3wp.exe</Image>
 */
export function filter(field: string, condition: Condition, value: string, name?: string): FieldFilter {
  return { kind: 'filter', field, condition, value, ...(name !== undefined ? { name } : {}), line: 0 };
}

/**
 * A comment; the text is padded with spaces, and `--` (not allowed in an XML comment) is
 * replaced, so any sentence can be passed.
 *
 * @example
 * comment('why this rule exists') // <!-- why this rule exists -->
 */
export function comment(text: string): ConfigComment {
  return { kind: 'comment', text: ` ${text.replace(/-{2,}/g, '-').replace(/-$/, '- ')} ` };
}

/**
 * `<Rule groupRelation="and">`: every child must match, filters on one field included (§1).
 *
 * @example
 * andRule([filter('Image', 'end with', '\\w3wp.exe'), filter('Initiated', 'is', 'true')], 'w3wp outbound')
 */
export function andRule(items: readonly (FieldFilter | ConfigComment)[], name?: string): ConfigRule {
  return { kind: 'rule', ...(name !== undefined ? { name } : {}), groupRelation: 'and', items, line: 0 };
}

/**
 * A `<RuleGroup>` holding one event block, the layout of the community configs.
 *
 * @example
 * ruleGroup('iis-webshell', 'and', block('NetworkConnect', 'include', [rule]))
 */
export function ruleGroup(name: string | undefined, groupRelation: Relation, ...items: (EventBlock | ConfigComment)[]): RuleGroup {
  return { kind: 'group', ...(name !== undefined ? { name } : {}), groupRelation, items, line: 0 };
}

/**
 * An event block.
 *
 * @example
 * block('ProcessCreate', 'exclude', []) // <ProcessCreate onmatch="exclude"/>
 */
export function block(tag: string, onmatch: 'include' | 'exclude', items: EventBlock['items']): EventBlock {
  return { kind: 'block', tag, onmatch, items, line: 0 };
}
