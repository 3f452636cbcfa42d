/**
 * `haetae sysmon lint`: what Sysmon configs really do where it differs from what they read
 * as — CIDR and wildcard values, OR'ed negative filters, include blocks that silence the
 * default process logging, schema mistakes, duplicate and unreachable rules — each with
 * the line, the rule, the effect and the fix. Exit 1 when any finding is an error.
 */
import { readFileSync } from 'node:fs';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { formatFindings, lintSysmonConfig, SEVERITIES, summarize, type LintResult, type Severity } from '../../sysmon/lint.js';

/** Usage of `haetae sysmon lint`. */
export const usage = `Usage: haetae sysmon lint <config.xml...> [--format text|json] [--min-severity info|warning|error]

Tell what Sysmon configs really do (schema 3.x to 4.90+, UTF-8 or UTF-16): each finding
gives the line, the rule, what Sysmon does with it, and the fix.

Options:
  -f, --format <f>        text (default) or json
  --min-severity <s>      show findings of this severity or worse: info (default), warning, error
  -h, --help              show this help

Exit status: 0 when no finding is an error, 1 otherwise, 2 for a usage error.`;

function readConfig(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The results keeping only findings at `min` or worse. */
function atLeast(results: readonly LintResult[], min: Severity): LintResult[] {
  const keep = SEVERITIES.slice(0, SEVERITIES.indexOf(min) + 1);
  return results.map((r) => ({ ...r, findings: r.findings.filter((f) => keep.includes(f.severity)) }));
}

/** Runs `haetae sysmon lint`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
    'min-severity': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length === 0) throw new UsageError('give at least one config file');
  const format = oneOf(str(cl, 'format'), 'format', ['text', 'json'] as const, 'text');
  const min = oneOf(str(cl, 'min-severity'), 'min-severity', SEVERITIES, 'info');
  const files = cl.positionals.map((path) => ({ path, bytes: readConfig(path) }));
  const results = files.map(({ path, bytes }) => lintSysmonConfig(bytes, path));
  if (format === 'json') {
    const shown = atLeast(results, min);
    process.stdout.write(JSON.stringify({ files: shown, summary: summarize(shown) }, null, 2) + '\n');
  } else {
    process.stdout.write(formatFindings(results, min));
  }
  return summarize(results).error > 0 ? 1 : 0;
}
