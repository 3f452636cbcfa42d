/**
 * EVTX decoding benchmark: Haetae against @ts-evtx/core and libevtx's `evtxexport`, on
 * the shared corpus and on a ≥ 1 GiB file written by Haetae's own EvtxWriter.
 *
 *     npm run bench:evtx                       # full run (several minutes)
 *     npm run bench:evtx -- --quick            # 2 s per measurement, no big file
 *     npm run bench:evtx -- --big-size 2048    # big file of 2 GiB instead of 1 GiB
 *
 * Prints one JSON document on stdout; progress goes to stderr. Every in-process (Node)
 * measurement runs in a fresh child process (`--child <spec>`), so that JIT state, heap
 * growth and the big file's generation in one measurement cannot colour another, and so
 * that the child's max RSS is the peak memory of exactly that measurement.
 *
 * "Decoding" a record means, per tool, producing its natural full output:
 * - Haetae: readEvtxFileSync + eventFromRecord (the normalized Event) for every record;
 * - @ts-evtx/core: `record.renderXml()` (low-level API) or `evtx(file).forEach` (its event objects);
 * - evtxexport: `evtxexport -f xml FILE`, records counted from its stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { eventFromRecord, eventToXml, type Event } from '../src/event/index.js';
import { decodeFilesParallel, EvtxWriteError, EvtxWriter, readEvtxFileSync } from '../src/evtx/index.js';
import { cpuSample, displayPath, fail, firstLine, foreignLoad, log, machineInfo, packageVersion, ROOT, round, runJsonChild, waitForQuiet } from './support.js';

const SCRIPT = fileURLToPath(import.meta.url);
/** The renderer that builds Events in the workers and returns no text. */
const EVENTS_RENDERER = new URL('../src/cli/render/events.js', import.meta.url);
const MiB = 1024 * 1024;
const TARGET_RECORDS_PER_S = 300_000;
const TARGET_PEAK_RSS_MIB = 300;

// ───────────────────────────── options ─────────────────────────────

interface Options {
  readonly quick: boolean;
  /** Minimum measured seconds per measurement. */
  readonly minSeconds: number;
  /** Big file size in MiB; null skips the big file. */
  readonly bigMiB: number | null;
  /** Peers slower than this on the big file are stopped and reported as partial. */
  readonly timeBoxSeconds: number;
  readonly threads: number;
  readonly corpusDir: string;
  readonly outDir: string;
  /** Free text stored in the report, e.g. the commit measured when running outside git. */
  readonly label: string | null;
}

const USAGE = 'usage: node --expose-gc dist/bench/evtx.js [--quick] [--big-size MiB] [--seconds S] [--time-box S] [--threads N] [--corpus DIR] [--label TEXT]';

/** Parses the command line (everything after the script name). */
function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let seconds: number | null = null;
  let bigMiB: number | null = 1024;
  let timeBox = 60;
  let threads = availableParallelism();
  let corpusDir = resolve(ROOT, '../shared/corpus/evtx');
  let label: string | null = null;
  const number = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) fail(`${flag} needs a positive number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--big-size') bigMiB = number(a, argv[++i]);
    else if (a === '--seconds') seconds = number(a, argv[++i]);
    else if (a === '--time-box') timeBox = number(a, argv[++i]);
    else if (a === '--threads') threads = Math.floor(number(a, argv[++i]));
    else if (a === '--corpus') corpusDir = resolve(argv[++i] ?? fail(USAGE));
    else if (a === '--label') label = argv[++i] ?? fail(USAGE);
    else fail(`unknown argument ${a}\n${USAGE}`);
  }
  return {
    quick,
    minSeconds: seconds ?? (quick ? 2 : 10),
    bigMiB: quick ? null : bigMiB,
    timeBoxSeconds: quick ? Math.min(timeBox, 10) : timeBox,
    threads,
    corpusDir,
    outDir: join(ROOT, 'bench/out'),
    label,
  };
}

// ───────────────────────────── inputs ─────────────────────────────

interface InputFile {
  readonly path: string;
  /** Apparent size: what a reader reads. */
  readonly size: number;
  /** Bytes allocated on disk (many corpus files are sparse: pre-allocated, never-written chunks). */
  readonly allocated: number;
}

/** Every *.evtx under `dir`, sorted so that every process sees the same order. */
function listEvtxFiles(dir: string): InputFile[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.evtx'))
    .map((d) => join(d.parentPath, d.name))
    .sort()
    .map((path) => fileInfo(path));
}

/** Where a child process takes its input from (paths, not file lists: argv is size-limited). */
type InputSpec = { readonly kind: 'corpus'; readonly dir: string } | { readonly kind: 'file'; readonly path: string };

function fileInfo(path: string): InputFile {
  const st = statSync(path);
  return { path, size: st.size, allocated: st.blocks * 512 };
}

function inputFiles(input: InputSpec): InputFile[] {
  return input.kind === 'corpus' ? listEvtxFiles(input.dir) : [fileInfo(input.path)];
}

const totalBytes = (files: readonly InputFile[]): number => files.reduce((s, f) => s + f.size, 0);

/** python-evtx's record count for the corpus (test/reference), to check every tool's output against. */
function referenceRecordCount(): number | null {
  try {
    const ref = JSON.parse(readFileSync(join(ROOT, 'test/reference/corpus-record-counts.json'), 'utf8')) as { files: Record<string, { records: number | null }> };
    return Object.values(ref.files).reduce((s, f) => s + (f.records ?? 0), 0);
  } catch {
    return null;
  }
}

// ───────────────────────────── measuring ─────────────────────────────

/** What one or more passes over an input did. */
interface Work {
  records: number;
  bytes: number;
  /** Records or files the tool reported as failed. */
  errors: number;
  /** Stopped at the time box before the end of the input. */
  partial: boolean;
}

interface Measurement extends Work {
  seconds: number;
  /** Complete passes over the input (a partial pass is not counted). */
  passes: number;
}

/** Processes the input `repeat` times, stopping early (partial) once `deadline` (performance.now() ms) passes. */
type Pass = (repeat: number, deadline: number) => Promise<Work>;

const emptyWork = (): Work => ({ records: 0, bytes: 0, errors: 0, partial: false });

function addWork(total: Work, w: Work): void {
  total.records += w.records;
  total.bytes += w.bytes;
  total.errors += w.errors;
  total.partial ||= w.partial;
}

/**
 * Runs `pass` until at least `minSeconds` of measured work, or until the time box ends it.
 * An optional untimed warm-up pass lets the JIT settle and tells how many repetitions
 * fill the remaining time, so that batch-oriented passes (worker pools) start once.
 */
async function measureRepeated(pass: Pass, minSeconds: number, warmup: boolean, timeBoxSeconds: number | null): Promise<Measurement> {
  let perPass = 0;
  if (warmup) {
    const t = performance.now();
    await pass(1, Infinity);
    perPass = (performance.now() - t) / 1000;
  }
  const total = emptyWork();
  let seconds = 0;
  let passes = 0;
  const deadline = timeBoxSeconds === null ? Infinity : performance.now() + timeBoxSeconds * 1000;
  while (seconds < minSeconds && !total.partial) {
    const repeat = perPass > 0 ? Math.max(1, Math.ceil((minSeconds - seconds) / perPass)) : 1;
    globalThis.gc?.(); // collect the previous batch's garbage outside the timed region
    const t = performance.now();
    const w = await pass(repeat, deadline);
    seconds += (performance.now() - t) / 1000;
    addWork(total, w);
    if (!w.partial) passes += repeat;
    perPass = seconds / Math.max(1, passes);
  }
  return { ...total, seconds, passes };
}

// ───────────────────────────── Haetae ─────────────────────────────

/** Decodes every record and builds its Event, on this thread. */
function haetaeSinglePass(files: readonly InputFile[], repeat: number): Work {
  const w = emptyWork();
  for (let r = 0; r < repeat; r++) {
    for (const f of files) {
      readEvtxFileSync(f.path, {}, (chunk) => {
        for (const issue of chunk.issues) if (issue.severity === 'error') w.errors++;
        for (const rec of chunk.records) if (eventFromRecord(rec) !== null) w.records++;
      });
      w.bytes += f.size;
    }
  }
  return w;
}

/** The same work spread over `threads` worker threads by decodeFilesParallel. */
async function haetaeParallelPass(files: readonly InputFile[], repeat: number, threads: number): Promise<Work> {
  const w = emptyWork();
  // One call over the list repeated `repeat` times: the worker pool starts once per batch.
  const paths = Array.from({ length: repeat }, () => files.map((f) => f.path)).flat();
  for await (const slice of decodeFilesParallel(paths, { renderer: EVENTS_RENDERER, threads, ordered: false })) {
    w.records += slice.records;
    for (const issue of slice.issues) if (issue.severity === 'error') w.errors++;
  }
  w.bytes = totalBytes(files) * repeat; // slice.bytes rounds a truncated last chunk up
  return w;
}

// ───────────────────────────── @ts-evtx/core ─────────────────────────────

/** Loaded on demand so that Haetae's child processes carry none of it. */
async function loadTsEvtx(): Promise<typeof import('@ts-evtx/core')> {
  return import('@ts-evtx/core');
}

/** Low-level API: every record rendered to its XML string. */
async function tsEvtxXmlPass(files: readonly InputFile[], repeat: number, deadline: number): Promise<Work> {
  const { EvtxFile } = await loadTsEvtx();
  const w = emptyWork();
  for (let r = 0; r < repeat; r++) {
    for (const f of files) {
      let file: InstanceType<typeof EvtxFile>;
      try {
        // The constructor, not EvtxFile.openSync: openSync refuses files over 100 MB.
        file = new EvtxFile(readFileSync(f.path));
      } catch {
        w.errors++;
        w.bytes += f.size;
        continue;
      }
      try {
        for (const rec of file.records()) {
          // Checking the clock every 64 records costs nothing next to rendering them.
          if ((w.records & 63) === 0 && performance.now() > deadline) {
            w.partial = true;
            w.bytes += rec.offset; // the bytes before this record were processed
            return w;
          }
          try {
            if (rec.renderXml().length > 0) w.records++;
          } catch {
            w.errors++;
          }
        }
      } catch {
        w.errors++; // chunk-level failure: the rest of the file is lost
      }
      w.bytes += f.size;
    }
  }
  return w;
}

/** High-level API: `evtx(file).forEach`, its normalized event objects (closest to Haetae's Event). */
async function tsEvtxEventsPass(files: readonly InputFile[], repeat: number): Promise<Work> {
  const { evtx } = await loadTsEvtx();
  const w = emptyWork();
  for (let r = 0; r < repeat; r++) {
    for (const f of files) {
      try {
        await evtx(f.path).forEach(() => { w.records++; });
      } catch {
        w.errors++;
      }
      w.bytes += f.size;
    }
  }
  return w;
}

// ───────────────────────────── child processes ─────────────────────────────

type NodeTool = 'haetae' | 'ts-evtx-xml' | 'ts-evtx-events';

/** A measurement to run in a child process. */
interface ChildSpec {
  readonly tool: NodeTool;
  readonly input: InputSpec;
  readonly threads: number;
  readonly minSeconds: number;
  readonly warmup: boolean;
  readonly timeBoxSeconds: number | null;
}

interface ChildReport extends Measurement {
  /** Max RSS of the child process (all threads), MiB. */
  peakRssMiB: number;
  /** RSS of the child before any work (Node itself, the modules), MiB. */
  baselineRssMiB: number;
}

/** Child side: runs the measurement and prints its report as one JSON line. */
async function runChild(spec: ChildSpec): Promise<void> {
  const baselineRssMiB = process.memoryUsage().rss / MiB;
  const files = inputFiles(spec.input);
  const pass: Pass =
    spec.tool === 'ts-evtx-xml' ? (repeat, deadline) => tsEvtxXmlPass(files, repeat, deadline)
      : spec.tool === 'ts-evtx-events' ? (repeat) => tsEvtxEventsPass(files, repeat)
        : spec.threads > 1 ? (repeat) => haetaeParallelPass(files, repeat, spec.threads)
          : async (repeat) => haetaeSinglePass(files, repeat);
  const m = await measureRepeated(pass, spec.minSeconds, spec.warmup, spec.timeBoxSeconds);
  // maxRSS is in KiB on Linux.
  const report: ChildReport = { ...m, peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB };
  process.stdout.write(JSON.stringify(report) + '\n');
}

function spawnChild(spec: ChildSpec): Promise<ChildReport> {
  return runJsonChild<ChildReport>(SCRIPT, ['--child', JSON.stringify(spec)], spec.tool);
}

// ───────────────────────────── evtxexport ─────────────────────────────

/**
 * Counts top-level events in evtxexport's XML as it streams: each starts a line with
 * `<Event ` (nested Event elements in UserData are indented). A match split across two
 * reads is caught by carrying the previous read's last bytes over.
 */
class EventLineCounter {
  private static readonly PATTERN = Buffer.from('\n<Event ');
  private tail: Buffer = Buffer.alloc(0);
  count = 0;
  push(data: Buffer): void {
    const buf = this.tail.length > 0 ? Buffer.concat([this.tail, data]) : data;
    for (let i = buf.indexOf(EventLineCounter.PATTERN); i >= 0; i = buf.indexOf(EventLineCounter.PATTERN, i + 1)) this.count++;
    // Shorter than the pattern, so a match can never lie wholly inside the carried tail.
    this.tail = buf.subarray(Math.max(0, buf.length - (EventLineCounter.PATTERN.length - 1)));
  }
}

interface ExportRun {
  readonly records: number;
  readonly ok: boolean;
  readonly timedOut: boolean;
  /** VmHWM of the process sampled while it ran (Linux), KiB. */
  readonly peakRssKiB: number | null;
}

/** Peak RSS of a running process so far (the high-water mark only grows), KiB. */
function highWaterMarkKiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // the process just ended, or no procfs
  }
}

/** Runs `evtxexport -f xml file`, killing it at `deadline`; never rejects for the tool's own failure. */
function runEvtxexport(file: string, deadline: number, sampleRss: boolean): Promise<ExportRun> {
  return new Promise((resolvePromise) => {
    const child = spawn('evtxexport', ['-f', 'xml', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    const counter = new EventLineCounter();
    let timedOut = false;
    let peak: number | null = null;
    child.stdout.on('data', (b: Buffer) => counter.push(b));
    const timer = Number.isFinite(deadline)
      ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, Math.max(0, deadline - performance.now()))
      : null;
    const sampler = sampleRss && child.pid !== undefined
      ? setInterval(() => { peak = highWaterMarkKiB(child.pid!) ?? peak; }, 100)
      : null;
    const finish = (ok: boolean): void => {
      if (timer) clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      resolvePromise({ records: counter.count, ok, timedOut, peakRssKiB: peak });
    };
    child.on('error', () => finish(false));
    child.on('close', (code) => finish(code === 0 && !timedOut));
  });
}

/** Files on which evtxexport failed in the last corpus pass (they are the same every pass). */
let evtxexportFailures: string[] = [];

/** evtxexport over every file, `concurrency` processes at a time (it has no threads of its own). */
async function evtxexportPass(files: readonly InputFile[], repeat: number, concurrency: number, corpusDir: string): Promise<Work> {
  const w = emptyWork();
  const failed = new Set<string>();
  const queue = Array.from({ length: repeat }, () => files).flat();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) {
      const f = queue[next++];
      const run = await runEvtxexport(f.path, Infinity, false);
      w.records += run.records;
      w.bytes += f.size;
      if (!run.ok) { w.errors++; failed.add(relative(corpusDir, f.path)); }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  evtxexportFailures = [...failed].sort();
  return w;
}

// ───────────────────────────── the big file ─────────────────────────────

interface BigFile {
  readonly path: string;
  readonly bytes: number;
  readonly records: number;
  /** Corpus events the writer refused (EvtxWriteError), counted over the whole generation. */
  readonly writeErrors: number;
  readonly generated: boolean;
}

/** Sidecar stored next to the cached file; a mismatch means the file must be rebuilt. */
interface BigFileMeta {
  readonly targetBytes: number;
  readonly bytes: number;
  readonly records: number;
  readonly writeErrors: number;
}

/** Decodes the corpus once into Events: the material the big file is written from. */
function corpusEvents(files: readonly InputFile[]): Event[] {
  const events: Event[] = [];
  for (const f of files) {
    readEvtxFileSync(f.path, {}, (chunk) => {
      for (const rec of chunk.records) {
        const e = eventFromRecord(rec);
        if (e) events.push(e);
      }
    });
  }
  return events;
}

/** Returns the cached big file, or writes it: the corpus's Events over and over until ≥ target. */
function ensureBigFile(files: readonly InputFile[], mib: number, outDir: string): BigFile {
  const path = join(outDir, mib === 1024 ? 'big-1g.evtx' : `big-${mib}m.evtx`);
  const metaPath = `${path}.json`;
  const targetBytes = Math.ceil(mib * MiB);
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as BigFileMeta;
    if (meta.targetBytes === targetBytes && statSync(path).size === meta.bytes) {
      log(`reusing ${relative(ROOT, path)} (${(meta.bytes / MiB).toFixed(0)} MiB, ${meta.records} records)`);
      return { path, bytes: meta.bytes, records: meta.records, writeErrors: meta.writeErrors, generated: false };
    }
  }
  mkdirSync(outDir, { recursive: true });
  const events = corpusEvents(files);
  if (events.length === 0) fail('the corpus decoded to no events; cannot build the big file');
  log(`writing ${relative(ROOT, path)}: ${mib} MiB from ${events.length} corpus events, repeated (progress below)`);
  // Written under a temporary name so that an interrupted run never leaves a file that looks complete.
  const tmp = `${path}.partial`;
  const writer = new EvtxWriter(tmp);
  const start = performance.now();
  let lastReport = start;
  let writeErrors = 0;
  let attempts = 0;
  for (let size = 0; size < targetBytes; attempts++) {
    const e = events[attempts % events.length];
    try {
      // A fresh EventRecordID per copy, as a real log of this size would have.
      writer.writeRecord(eventToXml({ ...e, record_id: writer.recordCount + 1 }), e._time);
    } catch (err) {
      if (!(err instanceof EvtxWriteError)) throw err;
      writeErrors++;
    }
    if (attempts % 1000 === 0) {
      size = statSync(tmp).size; // grows a 64 KiB chunk at a time
      const now = performance.now();
      if (now - lastReport > 5000) {
        const rate = writer.recordCount / ((now - start) / 1000);
        const eta = size > 0 ? ((targetBytes - size) / size) * ((now - start) / 1000) : NaN;
        log(`  ${(size / MiB).toFixed(0)} / ${mib} MiB, ${writer.recordCount} records, ${rate.toFixed(0)} rec/s, ~${eta.toFixed(0)} s left`);
        lastReport = now;
      }
    }
  }
  const records = writer.recordCount;
  writer.close();
  renameSync(tmp, path);
  const bytes = statSync(path).size;
  const meta: BigFileMeta = { targetBytes, bytes, records, writeErrors };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2) + '\n');
  log(`wrote ${(bytes / MiB).toFixed(0)} MiB, ${records} records in ${((performance.now() - start) / 1000).toFixed(0)} s; ${writeErrors} events refused by the writer`);
  return { path, bytes, records, writeErrors, generated: true };
}

// ───────────────────────────── report ─────────────────────────────

/** One row of the results table. */
interface Result {
  tool: string;
  input: 'corpus' | 'big';
  threads: number;
  records?: number;
  bytes?: number;
  seconds?: number;
  records_per_s?: number;
  mb_per_s?: number;
  passes?: number;
  errors?: number;
  partial?: boolean;
  peak_rss_mb?: number;
  baseline_rss_mb?: number;
  /** Cores' worth of CPU used by other processes on the machine during the measurement. */
  other_load_cores?: number;
  /** Cores' worth of CPU the hypervisor gave to other guests during the measurement. */
  steal_cores?: number;
  skipped?: string;
  notes?: string;
}


function resultRow(tool: string, input: Result['input'], threads: number, m: Measurement, extra: Partial<Result> = {}): Result {
  const row: Result = {
    tool, input, threads,
    records: m.records, bytes: m.bytes, seconds: round(m.seconds, 2),
    records_per_s: round(m.records / m.seconds), mb_per_s: round(m.bytes / MiB / m.seconds, 1),
    passes: m.passes, errors: m.errors,
  };
  if (m.partial) row.partial = true;
  return { ...row, ...extra };
}

function childRow(tool: string, input: Result['input'], threads: number, r: ChildReport, notes?: string): Result {
  return resultRow(tool, input, threads, r, { peak_rss_mb: round(r.peakRssMiB, 1), baseline_rss_mb: round(r.baselineRssMiB, 1), ...(notes ? { notes } : {}) });
}

function logRow(r: Result): void {
  if (r.skipped) { log(`${r.tool} / ${r.input} / ${r.threads}T: skipped (${r.skipped})`); return; }
  const rss = r.peak_rss_mb !== undefined ? `, peak RSS ${r.peak_rss_mb} MiB` : '';
  const load = r.other_load_cores ? `, other processes used ${r.other_load_cores} cores` : '';
  log(`${r.tool} / ${r.input} / ${r.threads}T: ${r.records_per_s?.toLocaleString('en')} rec/s, ${r.mb_per_s} MiB/s (${r.records} records in ${r.seconds} s${r.partial ? ', PARTIAL' : ''}${rss}${load})`);
}

/**
 * Runs one measurement; a failure becomes a row saying so instead of ending the run.
 * Waits for the machine to be quiet first, and records how busy other processes kept it.
 */
async function attempt(rows: Result[], tool: string, input: Result['input'], threads: number, run: () => Promise<Result>): Promise<Result | null> {
  await waitForQuiet();
  log(`measuring ${tool} / ${input} / ${threads} thread(s)…`);
  try {
    const before = cpuSample();
    const row = await run();
    const load = foreignLoad(before, cpuSample());
    if (load) { row.other_load_cores = round(load.other, 2); row.steal_cores = round(load.steal, 2); }
    rows.push(row);
    logRow(row);
    return row;
  } catch (e) {
    rows.push({ tool, input, threads, skipped: `failed: ${(e as Error).message}` });
    log(`${tool} / ${input}: FAILED ${(e as Error).message}`);
    return null;
  }
}

function skip(rows: Result[], tool: string, input: Result['input'], threads: number, reason: string): void {
  rows.push({ tool, input, threads, skipped: reason });
}

// ───────────────────────────── machine calibration ─────────────────────────────

/** A fixed amount of pure CPU work for one worker: no memory traffic, no I/O, no GC. */
const SPIN_WORKER = `
  let x = 0;
  for (let i = 0; i < 1e9; i++) x = (x + i) | 0;
  require('node:worker_threads').parentPort.postMessage(x);
`;

/** Seconds for `n` workers to each do the fixed spin concurrently. */
async function spinSeconds(n: number): Promise<number> {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((done, reject) => {
    const w = new Worker(SPIN_WORKER, { eval: true });
    w.once('message', () => { void w.terminate(); done(); });
    w.once('error', reject);
  })));
  return (performance.now() - t) / 1000;
}

/**
 * How much CPU throughput `threads` threads really get here, relative to one. Virtual
 * machines may expose cores they cannot run concurrently (quotas, busy hosts); without
 * this ceiling an "all cores" figure cannot be told apart from a decoder's own scaling.
 */
async function cpuScaling(threads: number): Promise<{ threads: number; one_thread_s: number; all_threads_s: number; speedup: number }> {
  // Best of three, alternating, so that a burst of foreign load hits neither side alone.
  let one = Infinity;
  let all = Infinity;
  for (let i = 0; i < 3; i++) {
    one = Math.min(one, await spinSeconds(1));
    all = Math.min(all, await spinSeconds(threads));
  }
  return { threads, one_thread_s: round(one, 2), all_threads_s: round(all, 2), speedup: round((threads * one) / all, 2) };
}

// ───────────────────────────── main ─────────────────────────────

async function measureCorpus(o: Options, rows: Result[], reference: number | null): Promise<void> {
  const corpus: InputSpec = { kind: 'corpus', dir: o.corpusDir };
  const node = (tool: NodeTool, threads: number): ChildSpec => ({ tool, input: corpus, threads, minSeconds: o.minSeconds, warmup: true, timeBoxSeconds: null });
  const checked = (r: ChildReport): string | undefined =>
    reference === null || r.records === reference * r.passes ? undefined : `record count ${r.records} ≠ ${r.passes} × ${reference} (python-evtx reference)`;

  await attempt(rows, 'haetae', 'corpus', 1, async () => {
    const r = await spawnChild(node('haetae', 1));
    return childRow('haetae', 'corpus', 1, r, checked(r) ?? 'readEvtxFileSync + eventFromRecord per record');
  });
  if (o.threads > 1) await attempt(rows, 'haetae', 'corpus', o.threads, async () => {
    const r = await spawnChild(node('haetae', o.threads));
    return childRow('haetae', 'corpus', o.threads, r, checked(r) ?? 'decodeFilesParallel, events renderer (Events built in workers; worker start-up included)');
  });
  await attempt(rows, '@ts-evtx/core', 'corpus', 1, async () => {
    const r = await spawnChild(node('ts-evtx-xml', 1));
    return childRow('@ts-evtx/core', 'corpus', 1, r, checked(r) ?? 'new EvtxFile(buffer).records() + record.renderXml()');
  });
  await attempt(rows, '@ts-evtx/core (events)', 'corpus', 1, async () => {
    const r = await spawnChild(node('ts-evtx-events', 1));
    return childRow('@ts-evtx/core (events)', 'corpus', 1, r, checked(r) ?? 'evtx(file).forEach: its normalized event objects');
  });
  if (o.threads > 1) skip(rows, '@ts-evtx/core', 'corpus', o.threads, 'no parallel API');
  for (const threads of new Set([1, o.threads])) {
    await attempt(rows, 'evtxexport', 'corpus', threads, async () => {
      const m = await measureRepeated((repeat) => evtxexportPass(listEvtxFiles(o.corpusDir), repeat, threads, o.corpusDir), o.minSeconds, false, null);
      const perPass = m.errors / Math.max(1, m.passes);
      return resultRow('evtxexport', 'corpus', threads, m, {
        notes: `one process per file${threads > 1 ? `, ${threads} at a time` : ''}; exits 1 on ${perPass} files per pass (${evtxexportFailures.length} distinct), records counted from its XML output`,
      });
    });
  }
}

async function measureBig(o: Options, rows: Result[], big: BigFile): Promise<void> {
  const input: InputSpec = { kind: 'file', path: big.path };
  const spec = (tool: NodeTool, threads: number, timeBox: number | null): ChildSpec => ({ tool, input, threads, minSeconds: o.minSeconds, warmup: false, timeBoxSeconds: timeBox });
  const checked = (r: ChildReport): string | undefined =>
    r.partial || r.records === big.records * r.passes ? undefined : `record count ${r.records} ≠ ${r.passes} × ${big.records} written`;

  await attempt(rows, 'haetae', 'big', 1, async () => {
    const r = await spawnChild(spec('haetae', 1, null));
    return childRow('haetae', 'big', 1, r, checked(r) ?? 'peak RSS is the whole child process');
  });
  if (o.threads > 1) await attempt(rows, 'haetae', 'big', o.threads, async () => {
    const r = await spawnChild(spec('haetae', o.threads, null));
    return childRow('haetae', 'big', o.threads, r, checked(r) ?? 'decodeFilesParallel (1 MiB tasks); peak RSS includes the workers');
  });
  await attempt(rows, '@ts-evtx/core', 'big', 1, async () => {
    const r = await spawnChild(spec('ts-evtx-xml', 1, o.timeBoxSeconds));
    const how = 'reads the whole file into memory first (counted in the time)';
    return childRow('@ts-evtx/core', 'big', 1, r, r.partial ? `PARTIAL: stopped by the ${o.timeBoxSeconds} s time box; rates over the records it did; ${how}` : checked(r) ?? how);
  });
  skip(rows, '@ts-evtx/core (events)', 'big', 1, 'evtx()/readResolvedEvents use EvtxFile.open, which refuses files over 100 MB');
  await attempt(rows, 'evtxexport', 'big', 1, async () => {
    const t = performance.now();
    const run = await runEvtxexport(big.path, t + o.timeBoxSeconds * 1000, true);
    const seconds = (performance.now() - t) / 1000;
    // A killed run's bytes are unknown: estimate them from the file's bytes per record.
    const bytes = run.timedOut ? Math.round((run.records * big.bytes) / big.records) : big.bytes;
    const m: Measurement = { records: run.records, bytes, errors: run.ok || run.timedOut ? 0 : 1, partial: run.timedOut, seconds, passes: run.timedOut ? 0 : 1 };
    const notes = run.timedOut
      ? `PARTIAL: killed by the ${o.timeBoxSeconds} s time box; MiB/s estimated from records × file bytes per record`
      : run.ok ? 'single pass (a single run exceeds the minimum time or the time box bounds it)' : 'evtxexport exited with an error';
    return resultRow('evtxexport', 'big', 1, m, { ...(run.peakRssKiB !== null ? { peak_rss_mb: round(run.peakRssKiB / 1024, 1) } : {}), notes });
  });
  if (o.threads > 1) skip(rows, 'evtxexport', 'big', o.threads, 'one file, and evtxexport is single-threaded');
}

/** Compares the Haetae rows with the issue's targets. */
function targetReport(rows: readonly Result[], threads: number): Record<string, unknown> {
  const find = (input: Result['input'], t: number): Result | undefined => rows.find((r) => r.tool === 'haetae' && r.input === input && r.threads === t && !r.skipped);
  const corpus = find('corpus', 1)?.records_per_s ?? null;
  const big = find('big', 1)?.records_per_s ?? null;
  const rss = find('big', 1)?.peak_rss_mb ?? null;
  const rssAll = find('big', threads)?.peak_rss_mb ?? null;
  const measured = [corpus, big].filter((x): x is number => x !== null);
  return {
    single_thread_records_per_s: {
      target: TARGET_RECORDS_PER_S, corpus, big,
      met: measured.length === 0 ? null : measured.every((x) => x >= TARGET_RECORDS_PER_S),
    },
    peak_rss_mb_big_file: {
      target_below: TARGET_PEAK_RSS_MIB, single_thread: rss, all_cores: rssAll,
      met: rss === null ? null : rss < TARGET_PEAK_RSS_MIB,
      all_cores_met: rssAll === null ? null : rssAll < TARGET_PEAK_RSS_MIB,
    },
  };
}

/** What the parent asks a `--generate` child for. */
interface GenerateSpec {
  readonly corpusDir: string;
  readonly mib: number;
  readonly outDir: string;
}

/**
 * Gets the big file from a child process: generating it fills a heap with the corpus's
 * Events, and a parent that large would make every later process spawn (evtxexport runs
 * one per file) slower to fork.
 */
function bigFileViaChild(spec: GenerateSpec): Promise<BigFile> {
  return runJsonChild<BigFile>(SCRIPT, ['--generate', JSON.stringify(spec)], 'big file generation');
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') return runChild(JSON.parse(argv[1] ?? fail(USAGE)) as ChildSpec);
  if (argv[0] === '--generate') {
    const g = JSON.parse(argv[1] ?? fail(USAGE)) as GenerateSpec;
    process.stdout.write(JSON.stringify(ensureBigFile(listEvtxFiles(g.corpusDir), g.mib, g.outDir)) + '\n');
    return;
  }
  const o = parseOptions(argv);
  if (!existsSync(o.corpusDir)) fail(`corpus not found: ${o.corpusDir}`);
  const files = listEvtxFiles(o.corpusDir);
  const reference = referenceRecordCount();
  log(`corpus: ${files.length} files, ${(totalBytes(files) / MiB).toFixed(1)} MiB; ${o.minSeconds} s per measurement; ${o.threads} threads for "all cores"`);
  const started = new Date();
  const machine = { ...machineInfo(), threads_used: o.threads, ts_evtx_core: packageVersion('node_modules/@ts-evtx/core/package.json'), evtxexport: firstLine('evtxexport', ['-V']) }; // before measuring: the commit measured is the one built
  const rows: Result[] = [];
  await waitForQuiet();
  const scalingBefore = await cpuScaling(o.threads);
  log(`CPU scaling check: ${o.threads} spinning threads did ${scalingBefore.speedup}× the work of one (ideal ${o.threads}×)`);
  let big: BigFile | null = null;
  let bigError: string | null = null;
  if (o.bigMiB !== null) {
    try {
      big = await bigFileViaChild({ corpusDir: o.corpusDir, mib: o.bigMiB, outDir: o.outDir });
    } catch (e) {
      bigError = (e as Error).message;
      log(`no big file, its measurements are skipped: ${bigError}`);
    }
  }
  await measureCorpus(o, rows, reference);
  if (big) await measureBig(o, rows, big);
  await waitForQuiet();
  const scalingAfter = await cpuScaling(o.threads);
  log(`CPU scaling check: ${scalingAfter.speedup}× at the end`);

  const doc = {
    date: started.toISOString(),
    command: `npm run bench:evtx${argv.length ? ' -- ' + argv.join(' ') : ''}`,
    ...(o.label ? { label: o.label } : {}),
    machine: { ...machine, cpu_scaling: { before: scalingBefore, after: scalingAfter } },
    units: { mb: 'MiB (2^20 bytes)', mb_per_s: 'input EVTX bytes per second', seconds: 'wall clock, measured passes only' },
    settings: { min_seconds: o.minSeconds, time_box_seconds: o.timeBoxSeconds, quick: o.quick },
    corpus: { dir: displayPath(o.corpusDir), files: files.length, records: reference, bytes: totalBytes(files), allocated_bytes: files.reduce((s, f) => s + f.allocated, 0) },
    big: big ? { path: displayPath(big.path), bytes: big.bytes, records: big.records, write_errors: big.writeErrors, generated_this_run: big.generated } : bigError && { error: bigError },
    evtxexport_failed_files: evtxexportFailures,
    results: rows,
    targets: targetReport(rows, o.threads),
  };
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

await main(process.argv.slice(2));
