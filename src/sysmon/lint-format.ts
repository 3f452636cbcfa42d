/**
 * Lint findings as text for people: compiler-style `file:line: severity [code] effect`
 * lines, each followed by the rule it is about and the fix, and a summary line.
 */
import { SEVERITIES, type Finding, type LintResult, type Severity } from './lint-finding.js';

/** Finding counts by severity. */
export type LintSummary = Record<Severity, number>;

/**
 * Counts the findings of several results by severity.
 *
 * @example
 * summarize([lintSysmonConfig(xml)]) // { error: 4, warning: 0, info: 0 }
 */
export function summarize(results: readonly LintResult[]): LintSummary {
  const out: LintSummary = { error: 0, warning: 0, info: 0 };
  for (const r of results) for (const f of r.findings) out[f.severity]++;
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

/** The summary line: `2 files: 3 errors, 1 warning, 0 info`. */
function summaryLine(results: readonly LintResult[], shown: LintSummary = summarize(results)): string {
  const where = results.length === 1 ? results[0].file : `${results.length} files`;
  return `${where}: ${SEVERITIES.map((s) => plural(shown[s], s)).join(', ')}`;
}

/** One finding as text: the headline, then indented `rule:` and `fix:` lines. */
function formatFinding(file: string, f: Finding): string {
  return `${file}:${f.line}: ${f.severity} [${f.code}] ${f.effect}\n    rule: ${f.rule}\n    fix:  ${f.fix}`;
}

/**
 * The findings of several files as text, at `minSeverity` or above, ending with the summary
 * line (which counts the findings shown).
 *
 * @example
 * process.stdout.write(formatFindings([lintSysmonConfig(xml, 'c.xml')], 'warning'));
 */
export function formatFindings(results: readonly LintResult[], minSeverity: Severity = 'info'): string {
  const keep = SEVERITIES.slice(0, SEVERITIES.indexOf(minSeverity) + 1);
  const shown = results.map((r) => ({ ...r, findings: r.findings.filter((f) => keep.includes(f.severity)) }));
  const blocks = shown.flatMap((r) => r.findings.map((f) => formatFinding(r.file, f)));
  return [...blocks, summaryLine(shown)].join('\n') + '\n';
}
