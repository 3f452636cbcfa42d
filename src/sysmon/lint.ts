/**
 * The Sysmon config linter: what a config really does, where that differs from what it
 * reads as, and the fix (shared/specs/windows-events.md §1). Stages:
 * 1. raw text: bare `&` (Sysmon refuses the file; lint-ampersand.ts), then a copy with
 *    them escaped is parsed, so every other finding still shows;
 * 2. schema: parser problems, `schemaversion`, unknown fields, elements newer than the
 *    declared schema (lint-schema.ts);
 * 3. values: CIDR, wildcards, whitespace, string comparisons (lint-values.ts);
 * 4. logic: OR'ed negative filters, include blocks that silence defaults, empty includes,
 *    `<Rule>` without groupRelation, split exclude blocks (lint-logic.ts);
 * 5. redundancy: duplicate and unreachable filters and rules (lint-redundancy.ts).
 */
import { escapeAmpersands, findBareAmpersands } from './lint-ampersand.js';
import type { Finding, LintResult } from './lint-finding.js';
import { alwaysTrueFindings, emptyIncludeFindings, ruleRelationFindings, severalExcludesFindings, silencedDefaultFindings } from './lint-logic.js';
import { redundancyFindings } from './lint-redundancy.js';
import { elementVersionFindings, fieldFindings, filterVersionFindings, problemFindings, schemaVersionFindings } from './lint-schema.js';
import { filterSites } from './lint-scope.js';
import { filterValueFindings } from './lint-values.js';
import { decodeConfigBytes, parseSysmonConfig, SysmonConfigError } from './parse.js';

export { formatFindings, summarize, type LintSummary } from './lint-format.js';
export { SEVERITIES, type Finding, type LintResult, type Severity } from './lint-finding.js';

/** `unescaped-ampersand` findings, one per bare `&`. */
function ampersandFindings(text: string): { findings: Finding[]; escaped: string } {
  const bare = findBareAmpersands(text);
  const findings = bare.map((a): Finding => ({
    code: 'unescaped-ampersand', severity: 'error', line: a.line, rule: a.context,
    effect: `A bare "&" (column ${a.column}) is not XML: Sysmon refuses the whole config file, not just this rule.`,
    fix: 'Write "&amp;" for a literal "&" (the linter read it so for the other checks).',
  }));
  return { findings, escaped: escapeAmpersands(text, bare) };
}

/** A file that is not a Sysmon config at all: one error finding naming the line. */
function unreadable(file: string, e: SysmonConfigError): Finding {
  const message = e.message.startsWith(`${file}:`) ? e.message.slice(file.length + 1).trim() : e.message;
  const line = Number(/^(\d+):/.exec(message)?.[1] ?? /line (\d+)/.exec(message)?.[1] ?? 1);
  return {
    code: 'config', severity: 'error', line, rule: 'config file', effect: `Not a Sysmon config: ${message.replace(/^\d+:\s*/, '')}.`,
    fix: 'Give a Sysmon XML config (<Sysmon schemaversion="…"><EventFiltering>…</EventFiltering></Sysmon>).',
  };
}

function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.code.localeCompare(b.code) || a.rule.localeCompare(b.rule);
}

/**
 * Lints a Sysmon config (text, or the file's bytes in any encoding Sysmon reads).
 * Never throws for a bad config: what cannot be read is a finding.
 *
 * @example
 * const { findings } = lintSysmonConfig(readFileSync('sysmonconfig.xml'), 'sysmonconfig.xml');
 * findings.filter((f) => f.severity === 'error').map((f) => `${f.line}: [${f.code}] ${f.effect}`)
 */
export function lintSysmonConfig(input: string | Uint8Array, file = 'config'): LintResult {
  const text = typeof input === 'string' ? input.replace(/^\ufeff/, '') : decodeConfigBytes(input);
  const { findings: ampersands, escaped } = ampersandFindings(text);
  let parsed;
  try {
    parsed = parseSysmonConfig(escaped, file);
  } catch (e) {
    if (!(e instanceof SysmonConfigError)) throw e;
    // Text that does not even open with markup is no XML at all: its "&"s are not worth a finding each.
    const xml = /^\s*</.test(text);
    return { file, findings: [...(xml ? ampersands : []), unreadable(file, e)].sort(byPosition) };
  }
  const { config, problems } = parsed;
  const sites = filterSites(config);
  const findings = [
    ...ampersands,
    ...problemFindings(config, problems),
    ...schemaVersionFindings(config),
    ...elementVersionFindings(config),
    ...sites.flatMap((s) => [...filterVersionFindings(s, config.schema), ...fieldFindings(s), ...filterValueFindings(s, config.schema)]),
    ...alwaysTrueFindings(config),
    ...silencedDefaultFindings(config),
    ...emptyIncludeFindings(config),
    ...ruleRelationFindings(config),
    ...severalExcludesFindings(config),
    ...redundancyFindings(config),
  ];
  return { file, findings: findings.sort(byPosition) };
}
