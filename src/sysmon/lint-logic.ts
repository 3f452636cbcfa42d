/**
 * Checks of how filters and blocks combine (shared/specs/windows-events.md §1, confirmed
 * by SysmonCommon rules.c FilterEventRules/MatchFilterGroup):
 * - `always-true`: negative filters (`is not`, `excludes`, `not begin with`…) OR'ed — in an
 *   `or` block, in a `<Rule>` without `groupRelation="and"`, or on one field of an AND
 *   block — hold for (nearly) every value, so the block matches (nearly) every event;
 * - `silences-default`: ProcessCreate/ProcessTerminate are logged with no block; an include
 *   block logs only what it matches;
 * - `empty-include`: an include block without filters logs nothing;
 * - `rule-without-relation`: `<Rule>` without groupRelation ORs its children;
 * - `several-excludes`: several blocks and no match drop the event, so exclude blocks split
 *   in two drop everything neither excludes.
 */
import { eventTag } from './catalog.js';
import { describeFilter, filterPlace, linesText, blockPlace, rulePlace, type Finding } from './lint-finding.js';
import { filterScopes, type FilterScope } from './lint-scope.js';
import { isNegative, satisfiable } from './lint-subsume.js';
import { eventBlocks, fieldClauses, type EventBlock, type FieldFilter, type SysmonConfig } from './model.js';
import { SysmonSimulator } from './simulate.js';

const POSITIVE_FORM = { 'is not': 'is', 'excludes': 'contains', 'excludes any': 'contains any', 'excludes all': 'contains all', 'not begin with': 'begin with', 'not end with': 'end with' } as const;

/** The positive form of a negative filter: the values for which the negative one is false. */
function positiveForm(f: FieldFilter): FieldFilter {
  return { ...f, condition: POSITIVE_FORM[f.condition as keyof typeof POSITIVE_FORM] ?? f.condition };
}

/**
 * How far an OR of negative filters is from "always true": null when it holds for every
 * value; else the values for which it is false, described.
 */
function exceptions(negatives: readonly FieldFilter[]): string | null {
  // The OR of negatives is false exactly where all their positive forms hold.
  const positives = negatives.map(positiveForm);
  if (!satisfiable(positives)) return null;
  return positives.map(describeFilter).join(' and ');
}

/** Why the filters of a scope are OR'ed, in the reader's terms. */
function whyOr(scope: FilterScope, schema: number | null): string {
  if (scope.rule !== null) return scope.rule.groupRelation === 'or' ? '<Rule groupRelation="or">' : 'a <Rule> without groupRelation ORs its filters';
  if (scope.group !== null) return `<RuleGroup groupRelation="or"> makes every filter of the block a rule of its own`;
  return `schemaversion ${String(schema)} (<= 4.1) ORs the filters of a block`;
}

/** What matching (nearly) every event means for the block. */
function consequence(block: EventBlock, nearly: boolean): string {
  const every = nearly ? 'nearly every' : 'every';
  return block.onmatch === 'include'
    ? `it logs ${every} ${block.tag} event on the host`
    : `it drops ${every} ${block.tag} event: ${nearly ? 'almost ' : ''}none is logged`;
}

/** ", whatever the filters on Image say" when the scope has filters on other fields. */
function others(scope: FilterScope, group: readonly FieldFilter[]): string {
  const fields = [...new Set(scope.filters.filter((f) => !group.includes(f)).map((f) => f.field))];
  return fields.length === 0 ? '' : `, whatever the filters on ${fields.join(', ')} say`;
}

const OR_FIX = 'Put the filters that must all hold — these and the filters they qualify (e.g. Image) — in one <Rule groupRelation="and">; or drop the unwanted values with positive filters (is, begin with) in an exclude block.';

/** `always-true` in a scope whose filters are alternatives (an `or` block or `<Rule>`). */
function orScopeFindings(scope: FilterScope, schema: number | null): Finding[] {
  const out: Finding[] = [];
  const what = scope.rule === null ? 'the block' : 'the <Rule>';
  for (const group of fieldClauses(scope.filters.filter((f) => isNegative(f.condition)))) {
    const [first] = group;
    const rule = filterPlace(scope.block, scope.group, scope.rule, first);
    if (group.length === 1) {
      const except = describeFilter(positiveForm(first));
      out.push({
        code: 'always-true', severity: 'warning', line: first.line, rule,
        effect: `${describeFilter(first)} is a rule of its own here (${whyOr(scope, schema)}): ${what} matches every ${scope.block.tag} event except where ${except} — ${scope.block.onmatch === 'include' ? 'it logs all of them, probably far more than meant' : 'it drops all of them'}.`,
        fix: `Combine it with the filters it qualifies in a <Rule groupRelation="and">, or move its positive form (${except}) to an exclude block.`,
      });
      continue;
    }
    const except = exceptions(group);
    out.push({
      code: 'always-true', severity: except === null ? 'error' : 'warning', line: first.line, rule, related: group.slice(1).map((f) => f.line),
      effect: `The ${group.length} negative filters on ${first.field} (${linesText(group.map((f) => f.line))}) are OR'ed — ${whyOr(scope, schema)} — and ${except === null ? 'at least one of them holds for every value' : `together they hold for every value except where ${except}`}: ${what} matches ${except === null ? 'every' : 'nearly every'} ${scope.block.tag} event${others(scope, group)}, so ${consequence(scope.block, except !== null)}.`,
      fix: OR_FIX,
    });
  }
  return out;
}

/** `always-true` for the same-field groups of an AND block: OR'ed, they may hold for every value. */
function andBlockFindings(scope: FilterScope): Finding[] {
  const out: Finding[] = [];
  const fields = fieldClauses(scope.filters);
  for (const group of fields) {
    const negatives = group.filter((f) => isNegative(f.condition));
    if (negatives.length === 0 || group.length < 2) continue;
    const [first] = group;
    // With positive filters beside them the OR holds at least where the negatives do.
    const except = exceptions(negatives);
    const otherFields = fields.filter((g) => g !== group).map((g) => g[0].field);
    const scopeMatch = otherFields.length === 0 ? `every ${scope.block.tag} event` : `every ${scope.block.tag} event that the filters on ${otherFields.join(', ')} match`;
    out.push({
      code: 'always-true', severity: except === null ? 'error' : 'warning', line: first.line,
      rule: filterPlace(scope.block, scope.group, null, first), related: group.slice(1).map((f) => f.line),
      effect: `The ${group.length} filters on ${first.field} (${linesText(group.map((f) => f.line))}) are OR'ed, as filters on one field of a block always are, and ${except === null ? `the negative ones alone hold for every value: the ${first.field} condition is always true, so the block matches ${scopeMatch}` : `they hold for every value except, at most, where ${except}: the block matches nearly ${scopeMatch}`}${scope.block.onmatch === 'include' ? ' — and logs it' : ' — and drops it'}.`,
      fix: `If all of them must hold, put them in one <Rule groupRelation="and"> together with the filters on the other fields${negatives.some((f) => f.condition === 'is not') ? '; to list allowed values, use one "is any" or positive filters in an exclude block' : ''}.`,
    });
  }
  return out;
}

/**
 * `always-true` findings of every scope.
 *
 * @example
 * alwaysTrueFindings(parseSysmonConfig(guideNetworkXml).config)[0].code // 'always-true'
 */
export function alwaysTrueFindings(config: SysmonConfig): Finding[] {
  return filterScopes(config).flatMap((scope) => {
    if (scope.relation === 'or') return orScopeFindings(scope, config.schema);
    return scope.rule === null ? andBlockFindings(scope) : [];
  });
}

function hasFilters(block: EventBlock): boolean {
  return block.items.some((i) => i.kind === 'filter' || (i.kind === 'rule' && i.items.some((x) => x.kind === 'filter')));
}

/** Events that Sysmon logs by default, to show by simulation what an include block stops logging. */
const DEFAULT_EXAMPLES: Readonly<Record<string, readonly [string, Record<string, string>][]>> = {
  ProcessCreate: [
    ['cmd.exe started by explorer.exe', { Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe', CommandLine: 'cmd.exe', User: 'CORP\\alice' }],
    ['whoami.exe started by cmd.exe', { Image: 'C:\\Windows\\System32\\whoami.exe', ParentImage: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'whoami /all', User: 'CORP\\alice' }],
    ['notepad.exe started by explorer.exe', { Image: 'C:\\Windows\\System32\\notepad.exe', ParentImage: 'C:\\Windows\\explorer.exe', CommandLine: 'notepad.exe', User: 'CORP\\alice' }],
  ],
  ProcessTerminate: [
    ['notepad.exe ending', { Image: 'C:\\Windows\\System32\\notepad.exe', User: 'CORP\\alice' }],
    ['cmd.exe ending', { Image: 'C:\\Windows\\System32\\cmd.exe', User: 'CORP\\alice' }],
  ],
};

/**
 * `silences-default`: an include block for a type Sysmon logs by default (§1: ProcessCreate, ProcessTerminate).
 *
 * @example
 * silencedDefaultFindings(parseSysmonConfig(guideProcessXml).config)[0].line // the include block's line
 */
export function silencedDefaultFindings(config: SysmonConfig): Finding[] {
  const blocks = eventBlocks(config);
  const sim = new SysmonSimulator(config);
  const out: Finding[] = [];
  for (const spec of [eventTag('ProcessCreate'), eventTag('ProcessTerminate')]) {
    if (spec === undefined) continue;
    const mine = blocks.filter(({ block }) => block.tag === spec.tag);
    const includes = mine.filter(({ block }) => block.onmatch === 'include' && hasFilters(block));
    if (includes.length === 0) continue; // an empty include block is reported as empty-include
    const excludes = mine.filter(({ block }) => block.onmatch === 'exclude');
    const [{ block, group }] = includes;
    const dropped = (DEFAULT_EXAMPLES[spec.tag] ?? []).find(([, fields]) => sim.decide(spec.eventIds[0], fields).decision === 'exclude');
    const alsoExclude = excludes.length > 0 ? `; with the exclude block${excludes.length > 1 ? 's' : ''} at ${linesText(excludes.map((e) => e.block.line))} as well, an event that no block matches is dropped too` : '';
    out.push({
      code: 'silences-default', severity: 'warning', line: block.line, rule: blockPlace(block, group),
      related: [...includes.slice(1), ...excludes].map((b) => b.block.line),
      effect: `${spec.tag} is logged by default: with no ${spec.tag} block Sysmon logs every event. This include block logs only the events its rules match${alsoExclude}, so every other ${spec.tag === 'ProcessCreate' ? 'process start' : 'process exit'} on the host stops being logged${dropped ? ` (simulated: ${dropped[0]} is dropped)` : ''}.`,
      fix: `To keep the default, use only exclude blocks for ${spec.tag} (an exclude block keeps everything it does not match); if the include list is deliberate, say so in a comment — nothing else of this type is logged.`,
    });
  }
  return out;
}

/**
 * `empty-include`: an include block with no filters, which logs nothing (§1).
 *
 * @example
 * emptyIncludeFindings(config).map((f) => f.rule) // ['ImageLoad include (RuleGroup "", or)']
 */
export function emptyIncludeFindings(config: SysmonConfig): Finding[] {
  const blocks = eventBlocks(config);
  return blocks.filter(({ block }) => block.onmatch === 'include' && !hasFilters(block)).map(({ block, group }) => {
    const others = blocks.filter((b) => b.block.tag === block.tag && b.block !== block && b.block.onmatch === 'include' && hasFilters(b.block));
    const spec = eventTag(block.tag);
    const effect = others.length > 0
      ? `This include block has no filters: it matches nothing and adds nothing to the include block${others.length > 1 ? 's' : ''} at ${linesText(others.map((b) => b.block.line))}.`
      : `An include block with no filters matches nothing: no ${block.tag} event is logged${spec?.loggedByDefault ? ` (with no ${block.tag} block at all, Sysmon would log every one)` : ''}.`;
    return {
      code: 'empty-include', severity: 'info' as const, line: block.line, rule: blockPlace(block, group), effect,
      fix: others.length > 0 ? 'Remove the empty block.' : `Fine if deliberate (it turns ${block.tag} off). To log every ${block.tag} event instead, write an empty exclude block; to log some, add include filters.`,
    };
  });
}

/**
 * `rule-without-relation`: a `<Rule>` with no groupRelation, which Sysmon ORs (§1; the docs claim AND).
 *
 * @example
 * ruleRelationFindings(config).map((f) => f.severity) // 'warning' for 2+ filters, 'info' for one
 */
export function ruleRelationFindings(config: SysmonConfig): Finding[] {
  return filterScopes(config).filter((s) => s.rule !== null && s.rule.groupRelation === undefined).map((scope) => {
    const rule = scope.rule!;
    const n = scope.filters.length;
    return {
      code: 'rule-without-relation', severity: n >= 2 ? 'warning' as const : 'info' as const, line: rule.line,
      rule: `${blockPlace(scope.block, scope.group)} › ${rulePlace(rule)}`,
      effect: n >= 2
        ? `This <Rule> has no groupRelation: Sysmon ORs its ${n} filters (the documentation says AND; the engine does OR), so it matches when any one of ${scope.filters.map(describeFilter).join(', ')} does.`
        : `This <Rule> has no groupRelation: Sysmon ORs its filters (the documentation says AND). With ${n === 0 ? 'no filter' : 'one filter'} it makes no difference yet; a filter added later would be OR'ed.`,
      fix: 'Write groupRelation="and" if all filters must hold, groupRelation="or" if any may.',
    };
  });
}

/**
 * `several-excludes`: two or more exclude blocks and no include block for a type (rules.c: several blocks, no match → dropped).
 *
 * @example
 * severalExcludesFindings(config).map((f) => f.line) // the second exclude block of a type
 */
export function severalExcludesFindings(config: SysmonConfig): Finding[] {
  const byTag = new Map<string, ReturnType<typeof eventBlocks>>();
  for (const b of eventBlocks(config)) byTag.set(b.block.tag, [...(byTag.get(b.block.tag) ?? []), b]);
  const out: Finding[] = [];
  for (const [tag, blocks] of byTag) {
    const excludes = blocks.filter((b) => b.block.onmatch === 'exclude');
    if (excludes.length < 2 || excludes.length !== blocks.length) continue;
    const [, second] = excludes;
    out.push({
      code: 'several-excludes', severity: 'warning', line: second.block.line, rule: blockPlace(second.block, second.group),
      related: excludes.filter((b) => b !== second).map((b) => b.block.line),
      effect: `${tag} has ${excludes.length} exclude blocks (${linesText(excludes.map((b) => b.block.line))}) and no include block. Sysmon keeps an unmatched event only when a type has exactly one block; with several, an event that no block matches is dropped — so no ${tag} event is logged at all.`,
      fix: `Merge the exclude filters into one ${tag} exclude block (RuleGroups can hold one block each: use one RuleGroup).`,
    });
  }
  return out;
}
