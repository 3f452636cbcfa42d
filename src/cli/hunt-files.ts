/**
 * The hunt pipeline behind `haetae hunt` (and its benchmark): rule files → RuleSet,
 * inputs decoded one after another (any format) → Hunt → sorted detections + summary.
 */
import { performance } from 'node:perf_hooks';
import { Hunt, ProcessTracker, RuleSet, selectRuleSources, type Detection, type Level, type PackName, type RuleLoadEntry } from '../detect/index.js';
import { decodeFile, type InputFormat } from '../formats/index.js';
import { formatInputIssue } from './issues.js';

/** What to hunt with. */
export interface HuntFilesOptions {
  readonly packs: readonly PackName[];
  readonly rules: readonly string[];
  readonly allowlist?: string;
  readonly placeholders?: Readonly<Record<string, string[]>>;
  readonly minLevel?: Level;
  readonly maxPerRule?: number;
  readonly inputFormat?: InputFormat;
  /** Called as input is consumed (bytes, events). */
  readonly onProgress?: (bytes: number, events: number) => void;
  /** Called with each input problem, formatted (`file:line: error: reason`). */
  readonly onIssue?: (line: string) => void;
}

/** Counts for the end-of-run summary. */
export interface HuntSummary {
  readonly files: number;
  readonly events: number;
  readonly seconds: number;
  readonly inputErrors: number;
  readonly rules: { readonly loaded: number; readonly dormant: number; readonly notLoaded: number };
  /** A few "file: reason" lines for rules not loaded. */
  readonly notLoadedSample: readonly string[];
  readonly detections: number;
  readonly byLevel: Readonly<Record<Level, number>>;
  readonly belowMinLevel: number;
  readonly suppressed: ReadonlyMap<string, number>;
}

/**
 * Hunts `files` and returns the detections (sorted by time), the rule load report and a summary.
 *
 * @example
 * const { detections, summary } = await huntFiles(['case/'], { packs: ['iis-webshell'], rules: [] });
 */
export async function huntFiles(files: readonly string[], options: HuntFilesOptions): Promise<{ detections: Detection[]; report: RuleLoadEntry[]; summary: HuntSummary }> {
  const started = performance.now();
  const { sources, problems } = selectRuleSources(options);
  const tracker = new ProcessTracker();
  const ruleSet = RuleSet.load(sources, { placeholders: options.placeholders, tracker });
  const report: RuleLoadEntry[] = [
    ...problems.map((p) => ({ file: p.file, kind: 'detection' as const, status: 'not-loaded' as const, reasons: [p.line !== undefined ? `line ${p.line}: ${p.message}` : p.message], targets: [] })),
    ...ruleSet.report,
  ];
  for (const p of ruleSet.problems) options.onIssue?.(`${p.file}${p.line !== undefined ? `:${p.line}` : ''}: warning: ${p.message}`);
  const hunt = new Hunt(ruleSet, { minLevel: options.minLevel, maxPerRule: options.maxPerRule, tracker });
  let inputErrors = 0;
  for (const file of files) {
    for await (const batch of decodeFile(file, { format: options.inputFormat })) {
      for (const e of batch.events) hunt.observe(e, file);
      for (const issue of batch.issues) { if (issue.severity === 'error') inputErrors++; options.onIssue?.(formatInputIssue(issue)); }
      options.onProgress?.(batch.bytes, batch.events.length);
    }
  }
  const result = hunt.finish();
  const notLoaded = report.filter((r) => r.status === 'not-loaded');
  const summary: HuntSummary = {
    files: files.length, events: result.events, seconds: (performance.now() - started) / 1000, inputErrors,
    rules: {
      loaded: report.filter((r) => r.status === 'loaded').length,
      dormant: report.filter((r) => r.status === 'dormant').length,
      notLoaded: notLoaded.length,
    },
    notLoadedSample: notLoaded.slice(0, 10).map((r) => `${r.file}: ${r.reasons.join('; ')}`),
    detections: Object.values(result.byLevel).reduce((a, b) => a + b, 0),
    byLevel: result.byLevel, belowMinLevel: result.belowMinLevel, suppressed: result.suppressed,
  };
  return { detections: result.detections, report, summary };
}
