/**
 * The hunt pipeline behind `haetae hunt` (and its benchmark): rule files → RuleSet,
 * inputs decoded one after another (any format) → Hunt → sorted detections + summary.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Hunt, MatchStage, ProcessTracker, RuleSet, selectRuleSources, type CompactRuleSet, type DetectionTimeline, type Level, type PackName, type RuleHit, type RuleLoadEntry, type RuleProblem } from '../detect/index.js';
import { decodeFile, type InputFormat } from '../formats/index.js';
import { HeapBudget } from './heap-budget.js';
import { formatInputIssue } from './issues.js';

/**
 * Processes a hunt's trackers keep in all (at ~420 bytes each, ~100 MB): enough for a day
 * of a busy server's process creations, and what keeps a hunt under its 500 MB budget.
 * Each matching thread has its own tracker with its share of the records.
 */
export const HUNT_TRACKER_RECORDS = 250_000;

/**
 * Old-generation ceiling of each hunt worker's heap. Without one, V8 sizes a worker like
 * the main thread (a ceiling of several GB here) and then lets the heap grow to ~4× its
 * live data between full collections (its growing factor rises with the ceiling): the
 * worker's heap peaked at ~240 MiB over a bench hunt with ~76 MiB live, and two threads
 * peaked at ~590 MiB RSS. With 512 MiB the factor is ~1.4; the {@link HUNT_HEAP_BUDGET_MIB}
 * collections now keep it lower, and the ceiling is the hard bound that turns a runaway
 * worker into an error naming its files. The margin is wide: a worker's live heap is its
 * compiled rules (~30–70 MB), its tracker share (at most ~420 bytes ×
 * {@link HUNT_TRACKER_RECORDS} / threads) and one decoded batch.
 */
export const HUNT_WORKER_HEAP_MIB = 512;

/**
 * Heap budget of each matching thread (see {@link HeapBudget}): a full collection is forced
 * when the heap's used bytes pass it (or twice the live data, when that is more). The main
 * thread's live data in a bench hunt is ~60–100 MB (rules, its tracker share, the
 * detections not yet spilled); with the budget two threads over 591k events peaked at
 * ~455 MiB RSS instead of 564, and over 1.48M events at 460 (bench/RESULTS.md "Hunt").
 */
export const HUNT_HEAP_BUDGET_MIB = 128;

/** What to hunt with. */
export interface HuntFilesOptions {
  readonly packs: readonly PackName[];
  readonly rules: readonly string[];
  readonly allowlist?: string;
  readonly placeholders?: Readonly<Record<string, string[]>>;
  readonly minLevel?: Level;
  readonly maxPerRule?: number;
  readonly inputFormat?: InputFormat;
  /** Threads matching files in parallel, this one included (default: all cores, at most one per file; 1 = this thread only). */
  readonly threads?: number;
  /** Called as input is consumed (bytes, events). */
  readonly onProgress?: (bytes: number, events: number) => void;
  /** Called with each input problem, formatted (`file:line: error: reason`). */
  readonly onIssue?: (line: string) => void;
}

/**
 * What a hunt worker is started with: the main thread's rule set as plain data (parsed,
 * filtered, with prefilter literals: the worker compiles only what it runs).
 */
export interface HuntWorkerData {
  readonly rules: CompactRuleSet;
  /** The worker tracker's share of {@link HUNT_TRACKER_RECORDS}. */
  readonly trackerRecords: number;
  readonly placeholders?: Readonly<Record<string, string[]>>;
  readonly minLevel?: Level;
  readonly inputFormat?: InputFormat;
}
/** Main thread → worker. */
export type HuntWorkerRequest = { readonly kind: 'files'; readonly files: readonly string[] } | { readonly kind: 'end' };
/** Worker → main thread. */
export type HuntWorkerMessage =
  | { readonly kind: 'ready' }
  /** The worker starts on `file` (named if the worker then runs out of memory). */
  | { readonly kind: 'start'; readonly file: string }
  | { readonly kind: 'batch'; readonly hits: RuleHit[]; readonly bytes: number; readonly events: number; readonly issues: HuntIssue[] }
  | { readonly kind: 'end'; readonly events: number; readonly belowMinLevel: number };

/** Counts for the end-of-run summary. */
export interface HuntSummary {
  readonly files: number;
  readonly events: number;
  readonly seconds: number;
  /** Of `seconds`, the time spent reading, parsing and compiling rules (main thread). */
  readonly loadSeconds: number;
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
 * Hunts `files` and returns the detections (sorted by time; past a memory budget they are
 * read back from temporary files as they are iterated), the rule load report and a summary.
 *
 * @example
 * const { detections, summary } = await huntFiles(['case/'], { packs: ['iis-webshell'], rules: [] });
 */
export async function huntFiles(files: readonly string[], options: HuntFilesOptions): Promise<{ detections: DetectionTimeline; report: RuleLoadEntry[]; summary: HuntSummary }> {
  const started = performance.now();
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), files.length));
  const trackerRecords = Math.ceil(HUNT_TRACKER_RECORDS / threads);
  const { problems, ruleSet, tracker } = loadRules(options, trackerRecords);
  const loadSeconds = (performance.now() - started) / 1000;
  const report: RuleLoadEntry[] = [
    ...problems.map((p) => ({ file: p.file, kind: 'detection' as const, status: 'not-loaded' as const, reasons: [p.line !== undefined ? `line ${p.line}: ${p.message}` : p.message], targets: [] })),
    ...ruleSet.report,
  ];
  for (const p of ruleSet.problems) options.onIssue?.(`${p.file}${p.line !== undefined ? `:${p.line}` : ''}: warning: ${p.message}`);
  const hunt = new Hunt(ruleSet, { minLevel: options.minLevel, maxPerRule: options.maxPerRule });
  let inputErrors = 0;
  // This thread matches too, taking files from the same queue as the workers: one rule set
  // fewer in memory than a worker per thread, and no thread idle while workers start.
  const queue = [...files];
  const add = (hit: RuleHit): void => hunt.add(hit);
  const onError = (): void => { inputErrors++; };
  const workers = threads > 1 ? matchInWorkers(queue, threads - 1, { rules: ruleSet.compact(), trackerRecords, placeholders: options.placeholders, minLevel: options.minLevel, inputFormat: options.inputFormat }, options, add, onError) : Promise.resolve({ events: 0, belowMinLevel: 0 });
  const [here, there] = await Promise.all([matchHere(queue, ruleSet, tracker, options, add, onError), workers]);
  const counts = { events: here.events + there.events, belowMinLevel: here.belowMinLevel + there.belowMinLevel };
  const result = hunt.finish();
  for (const p of result.problems) options.onIssue?.(`hunt: warning: ${p}`);
  const notLoaded = report.filter((r) => r.status === 'not-loaded');
  const summary: HuntSummary = {
    files: files.length, events: counts.events, seconds: (performance.now() - started) / 1000, loadSeconds, inputErrors,
    rules: {
      loaded: report.filter((r) => r.status === 'loaded').length,
      dormant: report.filter((r) => r.status === 'dormant').length,
      notLoaded: notLoaded.length,
    },
    notLoadedSample: notLoaded.slice(0, 10).map((r) => `${r.file}: ${r.reasons.join('; ')}`),
    detections: Object.values(result.byLevel).reduce((a, b) => a + b, 0),
    byLevel: result.byLevel, belowMinLevel: result.belowMinLevel + counts.belowMinLevel, suppressed: result.suppressed,
  };
  return { detections: result.detections, report, summary };
}

/** An input problem, formatted for stderr, and whether it cost events. */
export interface HuntIssue { readonly line: string; readonly error: boolean }

/**
 * Decodes one file (without rendering messages: keywords render them when needed) and
 * matches its events, calling `onBatch` after each batch. An unexpected decoder failure is
 * an issue naming the file, never the end of the hunt. Shared by this thread and the workers.
 *
 * After each batch it yields to the event loop: EVTX reads are synchronous, so without
 * that the main thread would decode file after file on promise callbacks alone and never
 * hand the next file to an idle worker (measured: two threads no faster than one).
 */
export async function matchFile(
  file: string, stage: MatchStage, inputFormat: InputFormat | undefined, add: (hit: RuleHit) => void,
  onBatch: (bytes: number, events: number, issues: HuntIssue[]) => void,
): Promise<void> {
  try {
    for await (const batch of decodeFile(file, { format: inputFormat, render: false })) {
      for (const e of batch.events) stage.observe(e, file, add);
      onBatch(batch.bytes, batch.events.length, batch.issues.map((i) => ({ line: formatInputIssue(i), error: i.severity === 'error' })));
      await yieldToEventLoop();
    }
  } catch (e) {
    onBatch(0, 0, [{ line: `${file}: error: ${(e as Error).message}`, error: true }]);
  }
}

/**
 * Reads, parses and compiles the selected rules (a function of its own so the rule
 * texts are garbage once parsed).
 */
function loadRules(options: HuntFilesOptions, trackerRecords: number): { problems: RuleProblem[]; ruleSet: RuleSet; tracker: ProcessTracker } {
  const { sources, problems } = selectRuleSources(options);
  const tracker = new ProcessTracker({ maxRecords: trackerRecords });
  return { problems, ruleSet: RuleSet.load(sources, { placeholders: options.placeholders, tracker }), tracker };
}

/** Matches files in this thread, taking each from `queue` (shared with the workers) until it is empty. */
async function matchHere(
  queue: string[], ruleSet: RuleSet, tracker: ProcessTracker, options: HuntFilesOptions, add: (hit: RuleHit) => void, onError: () => void,
): Promise<{ events: number; belowMinLevel: number }> {
  const stage = new MatchStage(ruleSet, tracker, options.minLevel);
  const heap = new HeapBudget(HUNT_HEAP_BUDGET_MIB << 20);
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    await matchFile(file, stage, options.inputFormat, add, (bytes, events, issues) => {
      for (const issue of issues) { if (issue.error) onError(); options.onIssue?.(issue.line); }
      options.onProgress?.(bytes, events);
      heap.check();
    });
  }
  return { events: stage.events, belowMinLevel: stage.belowMinLevel };
}

/**
 * Files handed to a worker at once: up to this many, and up to {@link BYTES_AHEAD} (at
 * least one file). The main thread answers a worker only between its own batches, and
 * one small file at a time left a worker idle a quarter of a corpus hunt.
 */
export const MAX_FILES_AHEAD = 8;
const BYTES_AHEAD = 8 << 20;

/**
 * The next files from `queue` for a worker (see {@link MAX_FILES_AHEAD}). Never throws:
 * it runs in the main thread's message handler, and a file that cannot be read is the
 * worker's to report.
 *
 * @example
 * worker.postMessage({ kind: 'files', files: takeFiles(queue) });
 */
export function takeFiles(queue: string[]): string[] {
  const files: string[] = [];
  let bytes = 0;
  while (queue.length > 0 && files.length < MAX_FILES_AHEAD && (files.length === 0 || bytes < BYTES_AHEAD)) {
    const file = queue.shift() as string;
    files.push(file);
    bytes += sizeOf(file);
  }
  return files;
}

/** A file's size, 0 when it cannot be read: the worker then reports it as an input problem. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Matches files in `threads` workers, each taking files from `queue` while it runs low. */
function matchInWorkers(
  queue: string[], threads: number, data: HuntWorkerData, options: HuntFilesOptions, add: (hit: RuleHit) => void, onError: () => void,
): Promise<{ events: number; belowMinLevel: number }> {
  const totals = { events: 0, belowMinLevel: 0 };
  return new Promise((resolve, reject) => {
    let running = threads;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./hunt-worker.js', import.meta.url), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: HUNT_WORKER_HEAP_MIB } });
      // The file this worker is on, to name it if the worker fails.
      let current: string | null = null;
      worker.on('message', (m: HuntWorkerMessage) => {
        switch (m.kind) {
          case 'ready': {
            const files = takeFiles(queue);
            worker.postMessage(files.length === 0 ? { kind: 'end' } : { kind: 'files', files } satisfies HuntWorkerRequest);
            break;
          }
          case 'start':
            current = m.file;
            break;
          case 'batch':
            for (const hit of m.hits) add(hit);
            for (const issue of m.issues) { if (issue.error) onError(); options.onIssue?.(issue.line); }
            options.onProgress?.(m.bytes, m.events);
            break;
          case 'end':
            totals.events += m.events;
            totals.belowMinLevel += m.belowMinLevel;
            break;
        }
      });
      worker.on('error', (e: Error & { code?: string }) => {
        if (e.code !== 'ERR_WORKER_OUT_OF_MEMORY') { reject(e); return; }
        const where = current !== null ? `while hunting ${current}` : 'while loading the rules';
        reject(new Error(`a hunt worker ran out of its ${HUNT_WORKER_HEAP_MIB} MiB heap ${where} (run with --threads 1)`, { cause: e }));
      });
      worker.on('exit', () => { if (--running === 0) resolve(totals); });
    }
  });
}
