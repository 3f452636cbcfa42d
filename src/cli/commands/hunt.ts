/**
 * `haetae hunt`: run Sigma rules and Haetae's packs over event files and print a timeline
 * of detections, with a summary of what was read and which rules loaded (and why not).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { PACK_NAMES, type PackName } from '../../detect/index.js';
import { huntFiles, type HuntSummary } from '../hunt-files.js';
import { FORMAT_DESCRIPTIONS, INPUT_FORMATS } from '../../formats/index.js';
import { LEVELS } from '../../detect/types.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError, type ParsedCommandLine } from '../args.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../inputs.js';
import { openOutput } from '../output.js';
import { Progress } from '../progress.js';
import { DETECTION_FORMATS, detectionHeader, formatDetection } from '../render/detections.js';

export const usage = `Usage: haetae hunt <files|folders...> [options]

Run detection rules over event files and print a timeline of detections.
Inputs: any format haetae reads (${INPUT_FORMATS.join(', ')}); folders are searched.
By default Haetae's own packs run (${PACK_NAMES.join(', ')}); add SigmaHQ or your rules with --rules.

Options:
  -r, --rules <dir|file>   Sigma rules (files or folders of .yml), repeatable
  -p, --pack <name>        run only these built-in packs (repeatable): ${PACK_NAMES.join(', ')}
      --no-packs           run no built-in pack (only --rules)
  -a, --allowlist <file>   the iis-webshell allowlist (default: the pack's allowlist.yml)
      --show-allowlist     print the Sigma filters the allowlist becomes, and exit
      --placeholder <n=v>  value for a %n% placeholder of the expand modifier, repeatable
  -l, --min-level <level>  ${LEVELS.join(', ')} (default: low)
  -f, --format <fmt>       table (default), csv, jsonl
  -o, --output <file>      write detections to a file instead of stdout
      --report <file>      write the rule load report (one JSON line per rule file)
      --max-per-rule <n>   detections kept per rule, the rest only counted (default 10000)
  -i, --input-format <f>   read every input as this format: ${INPUT_FORMATS.join(', ')}
  -t, --threads <n>        threads matching files (this one included), one file each at a time (default: all cores, ${availableParallelism()} here)
  -q, --quiet              no summary, no per-file problems on stderr
  -h, --help               show this help

Input formats:
${INPUT_FORMATS.map((f) => `  ${f.padEnd(10)} ${FORMAT_DESCRIPTIONS[f]}`).join('\n')}

Detections go to stdout (or -o), sorted by time; the summary and problems go to stderr.
Memory stays bounded whatever the input: past ~10,000 detections they wait, sorted, in
temporary files under $TMPDIR (default /tmp), removed at the end.
A bad file, record or rule is reported and skipped; the hunt goes on.
Exit code: 0 (also when there are detections), 2 on usage errors.`;

function placeholders(cl: ParsedCommandLine): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const raw = cl.values['placeholder'];
  for (const p of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
    const s = String(p);
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--placeholder must be name=value, got '${s}'`);
    (out[s.slice(0, eq)] ??= []).push(s.slice(eq + 1));
  }
  return out;
}

function list(cl: ParsedCommandLine, name: string): string[] {
  const v = cl.values[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** Runs `haetae hunt`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    rules: { type: 'string', short: 'r', multiple: true },
    pack: { type: 'string', short: 'p', multiple: true },
    'no-packs': { type: 'boolean' },
    allowlist: { type: 'string', short: 'a' },
    'show-allowlist': { type: 'boolean' },
    placeholder: { type: 'string', multiple: true },
    'min-level': { type: 'string', short: 'l' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    report: { type: 'string' },
    'max-per-rule': { type: 'string' },
    'input-format': { type: 'string', short: 'i' },
    threads: { type: 'string', short: 't' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const packs = list(cl, 'pack').map((p) => oneOf(p, 'pack', PACK_NAMES, 'iis-webshell'));
  const usePacks: PackName[] = flag(cl, 'no-packs') ? [] : packs.length > 0 ? packs : [...PACK_NAMES];
  const rules = list(cl, 'rules');
  if (usePacks.length === 0 && rules.length === 0) throw new UsageError('no rules: give --rules or leave the built-in packs on');
  const allowlist = str(cl, 'allowlist');
  if (allowlist !== undefined) {
    try { readFileSync(allowlist); } catch (e) { throw new UsageError(`--allowlist ${allowlist}: ${(e as Error).message}`); }
  }
  const options = {
    packs: usePacks, rules, allowlist, placeholders: placeholders(cl),
    minLevel: oneOf(str(cl, 'min-level'), 'min-level', LEVELS, 'low'),
    threads: positiveInt(str(cl, 'threads'), 'threads', availableParallelism()),
    maxPerRule: positiveInt(str(cl, 'max-per-rule'), 'max-per-rule', 10_000),
    inputFormat: str(cl, 'input-format') === undefined ? undefined : oneOf(str(cl, 'input-format'), 'input-format', INPUT_FORMATS, 'evtx'),
  };
  const format = oneOf(str(cl, 'format'), 'format', DETECTION_FORMATS, 'table');
  const quiet = flag(cl, 'quiet');
  const say = (line: string): void => { if (!quiet) process.stderr.write(line + '\n'); };

  if (flag(cl, 'show-allowlist')) {
    const { allowlistText } = await import('../../detect/index.js');
    process.stdout.write(allowlistText(options.allowlist) + '\n');
    return 0;
  }
  if (cl.positionals.length === 0) throw new UsageError('no input: give event files or folders');
  const { files, problems } = expandInputs(cl.positionals, INPUT_FILE_PATTERN);
  for (const p of problems) say(`haetae hunt: ${p}`);
  if (files.length === 0) throw new UsageError('no input files found');

  let totalBytes = 0;
  for (const f of files) { try { totalBytes += statSync(f).size; } catch { /* reported by the decoder */ } }
  const progress = new Progress(totalBytes, 'hunting', !quiet && process.stderr.isTTY === true);
  const result = await huntFiles(files, {
    ...options,
    onProgress: (bytes, events) => progress.advance(bytes, events),
    onIssue: (line) => { progress.finish(); say(line); },
  });
  progress.finish();

  const out = openOutput(str(cl, 'output'));
  await out.write(detectionHeader(format));
  for (const d of result.detections) {
    await out.write(formatDetection(d, format));
    if (out.closed) break;
  }
  await out.close();
  result.detections.dispose();
  const reportPath = str(cl, 'report');
  if (reportPath !== undefined) writeFileSync(reportPath, result.report.map((r) => JSON.stringify(r)).join('\n') + '\n');
  if (!quiet) process.stderr.write(summaryText(result.summary, reportPath));
  return 0;
}

/** The end-of-run summary for stderr. */
function summaryText(s: HuntSummary, reportPath: string | undefined): string {
  const lines = [
    '',
    `Summary: ${s.files} file(s), ${s.events.toLocaleString('en-US')} events in ${s.seconds.toFixed(1)} s (${Math.round(s.events / Math.max(s.seconds, 1e-9)).toLocaleString('en-US')} events/s), ${s.inputErrors} input problem(s)`,
    `Rules: ${s.rules.loaded} loaded, ${s.rules.dormant} dormant (log source not read by Haetae), ${s.rules.notLoaded} not loaded` +
      (s.rules.notLoaded > 0 ? (reportPath ? ` (reasons in ${reportPath})` : ' (see below; --report FILE for all)') : ''),
  ];
  for (const n of s.notLoadedSample) lines.push(`  not loaded: ${n}`);
  const levels = [...LEVELS].reverse().map((l) => `${l} ${s.byLevel[l]}`).join(', ');
  lines.push(`Detections: ${s.detections} (${levels})${s.belowMinLevel > 0 ? `; ${s.belowMinLevel} below --min-level not shown` : ''}`);
  for (const [rule, n] of s.suppressed) lines.push(`  ${n} more detections of ${rule} counted but not listed (--max-per-rule)`);
  return lines.join('\n') + '\n';
}
