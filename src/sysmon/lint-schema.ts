/**
 * Checks against Sysmon's schema: what the parser could not accept, fields the event type
 * does not have, and elements, conditions or fields newer than the declared
 * `schemaversion` (shared/specs/windows-events.md §1, "Schema history"; catalog.ts).
 * Sysmon reads `schemaversion` first and validates the whole file against that version's
 * schema (SysmonCommon xml.cpp: a DTD per version, then an exact, case-sensitive field
 * lookup that fails with "Incorrect field"): any of these makes it refuse the config.
 */
import { CONDITIONS, ELEMENT_SINCE, eventTag, FIELD_SINCE } from './catalog.js';
import { blockPlace, filterPlace, rulePlace, type Finding } from './lint-finding.js';
import type { FilterSite } from './lint-scope.js';
import { eventBlocks, type ConfigProblem, type SysmonConfig } from './model.js';

const REFUSED = 'Sysmon validates the file against the schema of its declared version and refuses the whole config';
const RAISE = 'Raise schemaversion to at least that version (the Sysmon you run must support it: `sysmon -s` prints its schema), or remove it.';

/** Parser problems about `schemaversion` are reported by {@link schemaVersionFindings}, with their fix. */
function aboutSchemaVersion(config: SysmonConfig, p: ConfigProblem): boolean {
  return p.line === config.line && /schemaversion/.test(p.message);
}

/**
 * `config`: what the parser found Sysmon would refuse (unknown tags and conditions, bad attributes…).
 *
 * @example
 * problemFindings(config, parseSysmonConfig(xml).problems).map((f) => f.effect)
 */
export function problemFindings(config: SysmonConfig, problems: readonly ConfigProblem[]): Finding[] {
  return problems.filter((p) => !aboutSchemaVersion(config, p)).map((p) => ({
    code: 'config', severity: 'error', line: p.line, rule: 'config structure', effect: p.message,
    fix: 'Correct the element as described: Sysmon checks the file against its schema before it applies any rule.',
  }));
}

/**
 * `schema-version`: a missing or malformed `schemaversion`.
 *
 * @example
 * schemaVersionFindings(parseSysmonConfig('<Sysmon/>').config)[0].code // 'schema-version'
 */
export function schemaVersionFindings(config: SysmonConfig): Finding[] {
  if (config.schema !== null) return [];
  const written = config.schemaVersion === '' ? 'has no schemaversion' : `has schemaversion="${config.schemaVersion}", which is not a version number`;
  return [{
    code: 'schema-version', severity: 'error', line: config.line, rule: '<Sysmon>',
    effect: `<Sysmon> ${written}: Sysmon reads the version before anything else and refuses the config ("Invalid schema version number"). Haetae checked the rest as for the newest schema.`,
    fix: 'Write the schema of the Sysmon you run, e.g. <Sysmon schemaversion="4.90"> (`sysmon -s` prints it).',
  }];
}

function newer(what: string, since: number, declared: number, line: number, rule: string): Finding {
  return {
    code: 'newer-than-schema', severity: 'error', line, rule,
    effect: `${what} came with schema ${since.toFixed(2)}; this config declares ${declared.toFixed(2)}: ${REFUSED}.`,
    fix: RAISE,
  };
}

/**
 * `newer-than-schema` for event tags, `<RuleGroup>` and `<Rule>` (§1 schema history).
 *
 * @example
 * elementVersionFindings(config) // <Rule> under schemaversion 4.21: newer-than-schema
 */
export function elementVersionFindings(config: SysmonConfig): Finding[] {
  const declared = config.schema;
  if (declared === null) return [];
  const out: Finding[] = [];
  const groups = new Set(eventBlocks(config).flatMap(({ group }) => (group ? [group] : [])));
  for (const g of groups) if (ELEMENT_SINCE.ruleGroup > declared) out.push(newer('<RuleGroup>', ELEMENT_SINCE.ruleGroup, declared, g.line, `RuleGroup "${g.name ?? ''}"`));
  for (const { block, group } of eventBlocks(config)) {
    const since = eventTag(block.tag)?.since;
    if (since !== undefined && since > declared) out.push(newer(`<${block.tag}>`, since, declared, block.line, blockPlace(block, group)));
    for (const item of block.items) {
      if (item.kind === 'rule' && ELEMENT_SINCE.rule > declared) out.push(newer('<Rule>', ELEMENT_SINCE.rule, declared, item.line, `${blockPlace(block, group)} › ${rulePlace(item)}`));
    }
  }
  return out;
}

/**
 * `newer-than-schema` for a filter's condition, field and `name` attribute.
 *
 * @example
 * filterVersionFindings(site, 4.5) // condition="not begin with" (4.70): newer-than-schema
 */
export function filterVersionFindings(site: FilterSite, declared: number | null): Finding[] {
  if (declared === null) return [];
  const f = site.filter;
  const rule = filterPlace(site.block, site.group, site.rule, f);
  const out: Finding[] = [];
  const conditionSince: number | undefined = CONDITIONS[f.condition];
  if (conditionSince !== undefined && conditionSince > declared) out.push(newer(`condition="${f.condition}"`, conditionSince, declared, f.line, rule));
  const fieldSince = Object.entries(FIELD_SINCE).find(([name]) => name.toLowerCase() === f.field.toLowerCase())?.[1];
  if (fieldSince !== undefined && fieldSince > declared) out.push(newer(`The field ${f.field}`, fieldSince, declared, f.line, rule));
  if (f.name !== undefined && ELEMENT_SINCE.ruleName > declared) out.push(newer('The name attribute (RuleName)', ELEMENT_SINCE.ruleName, declared, f.line, rule));
  return out;
}

/**
 * `unknown-field`: a filter on a field the event type does not have, or with the wrong case.
 *
 * @example
 * fieldFindings(site) // <CommandLine> in NetworkConnect: unknown-field
 */
export function fieldFindings(site: FilterSite): Finding[] {
  const f = site.filter;
  const spec = eventTag(site.block.tag);
  if (spec === undefined || spec.fields.includes(f.field)) return [];
  const rule = filterPlace(site.block, site.group, site.rule, f);
  const canonical = spec.fields.find((x) => x.toLowerCase() === f.field.toLowerCase());
  if (canonical !== undefined) {
    return [{
      code: 'unknown-field', severity: 'error', line: f.line, rule,
      effect: `<${f.field}> is spelled <${canonical}> in Sysmon's schema, and Sysmon looks field names up case-sensitively: ${REFUSED} ("Incorrect field ${f.field}").`,
      fix: `Write <${canonical}>.`,
    }];
  }
  return [{
    code: 'unknown-field', severity: 'error', line: f.line, rule,
    effect: `${spec.tag} events have no field ${f.field}: ${REFUSED} ("Incorrect field ${f.field}").`,
    fix: `Use one of the ${spec.tag} fields: ${spec.fields.join(', ')}.`,
  }];
}
