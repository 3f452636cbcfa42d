/**
 * Which rule files a hunt runs: the chosen built-in packs, the user's `--rules`, and the
 * pack allowlist turned into Sigma filters.
 */
import { readFileSync } from 'node:fs';
import { allowlistFilters, parseAllowlist } from './allowlist.js';
import { packAllowlist, packRules, type PackName } from './packs.js';
import { readRuleSources, type RuleSource } from './rule-files.js';
import type { RuleProblem } from './types.js';

/** What to load. */
export interface RuleSelection {
  readonly packs: readonly PackName[];
  readonly rules: readonly string[];
  /** Allowlist file for the iis-webshell pack; default the pack's own allowlist.yml. */
  readonly allowlist?: string;
}

/**
 * Reads the rule files of a selection, plus the allowlist filters when the iis-webshell
 * pack is on.
 *
 * @example
 * const { sources, problems } = selectRuleSources({ packs: ['iis-webshell'], rules: ['sigma/rules/windows'] });
 */
export function selectRuleSources(selection: RuleSelection): { sources: RuleSource[]; problems: RuleProblem[] } {
  const { sources, problems } = readRuleSources([...selection.packs.map(packRules), ...selection.rules]);
  if (selection.packs.includes('iis-webshell')) {
    const file = selection.allowlist ?? packAllowlist('iis-webshell');
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch (e) { problems.push({ file, message: `cannot read allowlist: ${(e as Error).message}` }); return { sources, problems }; }
    const parsed = parseAllowlist(text, file);
    problems.push(...parsed.problems);
    const filters = allowlistFilters(parsed.allowlist, file);
    if (filters) sources.push(filters);
  }
  return { sources, problems };
}

/**
 * The Sigma filters an allowlist file becomes (for `haetae hunt --show-allowlist`).
 *
 * @example
 * console.log(allowlistText('my-allowlist.yml'));
 */
export function allowlistText(file: string = packAllowlist('iis-webshell')): string {
  const parsed = parseAllowlist(readFileSync(file, 'utf8'), file);
  const problems = parsed.problems.map((p) => `# ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  const filters = allowlistFilters(parsed.allowlist, file);
  return [...problems, filters ? filters.text : `# ${file}: the allowlist is empty; no filters`].join('\n');
}
