/**
 * What the Sysmon config linter reports: a finding names the line, the rule as a reader
 * finds it in the file, what the rule really does under Sysmon's semantics
 * (shared/specs/windows-events.md §1), and how to fix it. The helpers here describe
 * places and filters the same way in every check.
 */
import type { ConfigRule, EventBlock, FieldFilter, RuleGroup } from './model.js';

/** How bad a finding is: `error` — Sysmon refuses the file or the rule cannot do what it says; `warning` — it logs or drops other events than it appears to; `info` — harmless but worth cleaning. */
export type Severity = 'error' | 'warning' | 'info';

/** Severities from the most to the least severe. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One thing the linter found. */
export interface Finding {
  /** Stable short code: `cidr`, `always-true`, `silences-default`… */
  readonly code: string;
  readonly severity: Severity;
  /** 1-based line in the config (the first line involved when several are). */
  readonly line: number;
  /** Where, human-readable: `NetworkConnect include (RuleGroup "x", or) › DestinationIp is not "10.0.0.0/8"`. */
  readonly rule: string;
  /** What the config really does there. */
  readonly effect: string;
  /** How to write it so that it does what was meant. */
  readonly fix: string;
  /** Other lines involved (the duplicate, the subsuming filter…), when there are any. */
  readonly related?: readonly number[];
}

/** The findings for one config file, sorted by line. */
export interface LintResult {
  readonly file: string;
  readonly findings: readonly Finding[];
}

/**
 * An event block as a reader names it: tag, onmatch and the RuleGroup around it.
 *
 * @example
 * blockPlace(block, group) // 'NetworkConnect include (RuleGroup "", or)'
 */
export function blockPlace(block: EventBlock, group: RuleGroup | null): string {
  if (group === null) return `${block.tag} ${block.onmatch}`;
  return `${block.tag} ${block.onmatch} (RuleGroup "${group.name ?? ''}"${group.groupRelation ? `, ${group.groupRelation}` : ''})`;
}

/**
 * A `<Rule>` as a reader names it: `Rule "name" (and)`, `Rule (no groupRelation)`.
 *
 * @example
 * rulePlace(rule) // 'Rule "w3wp outbound" (and)'
 */
export function rulePlace(rule: ConfigRule): string {
  return `Rule${rule.name !== undefined ? ` "${rule.name}"` : ''} (${rule.groupRelation ?? 'no groupRelation'})`;
}

/**
 * A filter as written, condition canonical: `Image end with "\w3wp.exe"`.
 *
 * @example
 * describeFilter({ kind: 'filter', field: 'DestinationIp', condition: 'is not', value: '10.0.0.0/8', line: 3 })
 * // 'DestinationIp is not "10.0.0.0/8"'
 */
export function describeFilter(f: FieldFilter): string {
  return `${f.field} ${f.condition} "${f.value}"`;
}

/**
 * The place of a filter: block, then its `<Rule>` if any, then the filter.
 *
 * @example
 * filterPlace(block, group, rule, f) // 'ProcessCreate include › Rule (and) › Image end with "\\cmd.exe"'
 */
export function filterPlace(block: EventBlock, group: RuleGroup | null, rule: ConfigRule | null, f: FieldFilter): string {
  return [blockPlace(block, group), ...(rule ? [rulePlace(rule)] : []), describeFilter(f)].join(' › ');
}

/**
 * "line 12", "lines 12, 14 and 15".
 *
 * @example
 * linesText([12, 14, 15]) // 'lines 12, 14 and 15'
 */
export function linesText(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}
