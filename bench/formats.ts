/**
 * Input-format decoding benchmark: events/s of every decoder behind `decodeFile` (what
 * `haetae` runs on a user's files), one core.
 *
 *     npm run bench:formats                    # full run: ≥ 10 s per measurement (a few minutes)
 *     npm run bench:formats -- --quick         # ≥ 2 s per measurement
 *
 * Inputs:
 * - nxlog: the NXLog JSON files of ../shared/corpus/json (gzip, as shipped), and the same
 *   files decompressed into a temp dir, so that the cost of gunzip can be told apart;
 * - xml, evtx-json, ecs, haetae, text: generated in a temp dir from the EVTX corpus by
 *   Haetae's own writers, one file per .evtx (recordToXml, recordToEvtxJson, eventToEcs,
 *   JSON.stringify(Event) with `line` rendered, renderLine of Sysmon/Security events);
 * - evtx: the EVTX corpus itself, for reference.
 *
 * Prints one JSON document on stdout; progress goes to stderr. Every measurement runs in a
 * fresh child process (`--child <spec>`), so its max RSS is the peak memory of that
 * measurement alone and no JIT state carries over between decoders.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { eventFromRecord, GENERIC_RENDERING_MARK, renderLine, SECURITY_PROVIDER, SYSMON_PROVIDER } from '../src/event/index.js';
import { readEvtxFileSync, recordToEvtxJson, recordToXml } from '../src/evtx/index.js';
import { decodeFile, eventToEcs } from '../src/formats/index.js';
import { cpuSample, displayPath, fail, foreignLoad, log, machineInfo, ROOT, round, runJsonChild, waitForQuiet } from './support.js';

const SCRIPT = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;
/** The issue's target for NXLog JSON, events/s on one core. */
const TARGET_NXLOG_EVENTS_PER_S = 200_000;

// ───────────────────────────── options ─────────────────────────────

interface Options {
  readonly quick: boolean;
  readonly minSeconds: number;
  readonly evtxDir: string;
  readonly jsonDir: string;
  /** Keep the generated inputs (their directory is printed) instead of deleting them. */
  readonly keep: boolean;
  /** Only these inputs (names of {@link INPUTS}), or all. */
  readonly only: ReadonlySet<string> | null;
  readonly label: string | null;
}

/** Names of the inputs, in the order they are measured. */
const INPUTS = ['nxlog-gzip', 'nxlog-plain', 'xml', 'evtx-json', 'ecs', 'haetae', 'text', 'evtx'] as const;

const USAGE = 'usage: node --expose-gc dist/bench/formats.js [--quick] [--seconds S] [--only NAME,…] [--evtx-corpus DIR] [--json-corpus DIR] [--keep] [--label TEXT]';

function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let seconds: number | null = null;
  let evtxDir = resolve(ROOT, '../shared/corpus/evtx');
  let jsonDir = resolve(ROOT, '../shared/corpus/json');
  let keep = false;
  let only: Set<string> | null = null;
  let label: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--seconds') {
      seconds = Number(argv[++i]);
      if (!Number.isFinite(seconds) || seconds <= 0) fail(`--seconds needs a positive number\n${USAGE}`);
    } else if (a === '--evtx-corpus') evtxDir = resolve(argv[++i] ?? fail(USAGE));
    else if (a === '--json-corpus') jsonDir = resolve(argv[++i] ?? fail(USAGE));
    else if (a === '--keep') keep = true;
    else if (a === '--only') only = new Set((argv[++i] ?? fail(USAGE)).split(','));
    else if (a === '--label') label = argv[++i] ?? fail(USAGE);
    else fail(`unknown argument ${a}\n${USAGE}`);
  }
  for (const name of only ?? []) if (!(INPUTS as readonly string[]).includes(name)) fail(`--only: unknown input ${name} (inputs: ${INPUTS.join(', ')})`);
  return { quick, minSeconds: seconds ?? (quick ? 2 : 10), evtxDir, jsonDir, keep, only, label };
}

/** Files of a directory (recursively) whose names end with one of `exts`, sorted. */
function listFiles(dir: string, exts: readonly string[]): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && exts.some((x) => d.name.toLowerCase().endsWith(x)))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

// ───────────────────────────── inputs ─────────────────────────────

/** One benchmark input: a set of files one decoder reads. */
interface InputSet {
  readonly name: string;
  readonly format: string;
  readonly dir: string;
  readonly exts: readonly string[];
  /** How the files were made. */
  readonly how: string;
  /** Events the writer put in the files (null: not generated here). */
  readonly events: number | null;
}

/** What the generator child wrote: events per generated input. */
type Generated = Record<'xml' | 'evtx-json' | 'ecs' | 'haetae' | 'text', { files: number; events: number }>;

/**
 * Writes the generated inputs under `out` from the EVTX corpus, one file per .evtx (files
 * that would be empty, as text for a log without Sysmon/Security events, are not written).
 */
function generate(evtxDir: string, out: string): Generated {
  const made: Generated = { xml: { files: 0, events: 0 }, 'evtx-json': { files: 0, events: 0 }, ecs: { files: 0, events: 0 }, haetae: { files: 0, events: 0 }, text: { files: 0, events: 0 } };
  const ext = { xml: '.xml', 'evtx-json': '.jsonl', ecs: '.json', haetae: '.jsonl', text: '.txt' } as const;
  for (const name of Object.keys(made) as (keyof Generated)[]) mkdirSync(join(out, name), { recursive: true });
  const files = listFiles(evtxDir, ['.evtx']);
  files.forEach((path, i) => {
    const parts: Record<keyof Generated, string[]> = { xml: [], 'evtx-json': [], ecs: [], haetae: [], text: [] };
    readEvtxFileSync(path, {}, (chunk) => {
      for (const rec of chunk.records) {
        const e = eventFromRecord(rec);
        if (e === null) continue;
        parts.xml.push(recordToXml(rec.nodes));
        parts['evtx-json'].push(recordToEvtxJson(rec.nodes));
        e.line = renderLine(e);
        parts.ecs.push(JSON.stringify(eventToEcs(e)));
        parts.haetae.push(JSON.stringify(e));
        if ((e.provider === SYSMON_PROVIDER || e.provider === SECURITY_PROVIDER) && !e.line.split('\r\n', 1)[0].includes(GENERIC_RENDERING_MARK)) parts.text.push(e.line);
      }
    });
    // Unique, recognisable names: the index keeps same-named logs of different folders apart.
    const stem = `${String(i).padStart(3, '0')}-${basename(path, '.evtx').replace(/[^\w.-]+/g, '_')}`;
    for (const name of Object.keys(parts) as (keyof Generated)[]) {
      const lines = parts[name];
      if (lines.length === 0) continue;
      const body = name === 'xml' ? `<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n${lines.join('\n')}\n</Events>\n`
        : name === 'text' ? lines.join('\r\n\r\n') + '\r\n'
          : lines.join('\n') + '\n';
      writeFileSync(join(out, name, stem + ext[name]), body);
      made[name].files++;
      made[name].events += lines.length;
    }
  });
  return made;
}

/** Decompressed copies of the NXLog files (the `.gz` dropped from the name). */
function decompressJson(jsonDir: string, out: string): number {
  mkdirSync(out, { recursive: true });
  const files = listFiles(jsonDir, ['.json.gz']);
  for (const f of files) writeFileSync(join(out, basename(f, '.gz')), gunzipSync(readFileSync(f)));
  return files.length;
}

// ───────────────────────────── measuring ─────────────────────────────

interface Work {
  events: number;
  bytes: number;
  errors: number;
  warnings: number;
}

interface ChildSpec {
  readonly dir: string;
  readonly exts: readonly string[];
  readonly minSeconds: number;
}

interface ChildReport extends Work {
  files: number;
  seconds: number;
  /** CPU time of the whole process (all threads: gunzip runs on libuv's pool). */
  cpuSeconds: number;
  passes: number;
  peakRssMiB: number;
  baselineRssMiB: number;
}

/** One pass: every file through `decodeFile` (format detected, as the CLI does by default). */
async function decodePass(files: readonly string[], sizes: readonly number[]): Promise<Work> {
  const w: Work = { events: 0, bytes: 0, errors: 0, warnings: 0 };
  for (let i = 0; i < files.length; i++) {
    for await (const b of decodeFile(files[i])) {
      w.events += b.events.length;
      for (const issue of b.issues) if (issue.severity === 'error') w.errors++; else w.warnings++;
    }
    w.bytes += sizes[i];
  }
  return w;
}

/** Child side: one untimed warm-up pass, then passes until `minSeconds` of measured work. */
async function runChild(spec: ChildSpec): Promise<void> {
  const baselineRssMiB = process.memoryUsage().rss / MiB;
  const files = listFiles(spec.dir, spec.exts);
  const sizes = files.map((f) => statSync(f).size);
  await decodePass(files, sizes);
  const total: Work = { events: 0, bytes: 0, errors: 0, warnings: 0 };
  let seconds = 0;
  let cpuSeconds = 0;
  let passes = 0;
  while (seconds < spec.minSeconds) {
    globalThis.gc?.(); // the previous pass's garbage is collected outside the timed region
    const cpu = process.cpuUsage();
    const t = performance.now();
    const w = await decodePass(files, sizes);
    seconds += (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    cpuSeconds += (used.user + used.system) / 1e6;
    passes++;
    total.events += w.events; total.bytes += w.bytes; total.errors += w.errors; total.warnings += w.warnings;
  }
  const report: ChildReport = { ...total, files: files.length, seconds, cpuSeconds, passes, peakRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB };
  process.stdout.write(JSON.stringify(report) + '\n');
}

// ───────────────────────────── report ─────────────────────────────

interface Result {
  input: string;
  format: string;
  files?: number;
  events?: number;
  bytes?: number;
  passes?: number;
  seconds?: number;
  events_per_s?: number;
  mb_per_s?: number;
  /** Events per second of CPU time (all of the process's threads). */
  events_per_cpu_s?: number;
  cpu_cores_used?: number;
  errors?: number;
  warnings?: number;
  peak_rss_mb?: number;
  baseline_rss_mb?: number;
  other_load_cores?: number;
  how?: string;
  notes?: string;
  skipped?: string;
}

async function measure(o: Options, set: InputSet): Promise<Result> {
  await waitForQuiet();
  log(`measuring ${set.name} (${set.format})…`);
  const before = cpuSample();
  try {
    const r = await runJsonChild<ChildReport>(SCRIPT, ['--child', JSON.stringify({ dir: set.dir, exts: set.exts, minSeconds: o.minSeconds } satisfies ChildSpec)], set.name);
    const perPass = r.events / r.passes;
    const notes: string[] = [];
    if (set.events !== null && perPass !== set.events) notes.push(`decoded ${perPass} events per pass, ${set.events} written`);
    const row: Result = {
      input: set.name, format: set.format, files: r.files, events: perPass, bytes: r.bytes / r.passes, passes: r.passes,
      seconds: round(r.seconds, 2), events_per_s: round(r.events / r.seconds), mb_per_s: round(r.bytes / MiB / r.seconds, 1),
      events_per_cpu_s: round(r.events / r.cpuSeconds), cpu_cores_used: round(r.cpuSeconds / r.seconds, 2),
      errors: r.errors / r.passes, warnings: r.warnings / r.passes,
      peak_rss_mb: round(r.peakRssMiB, 1), baseline_rss_mb: round(r.baselineRssMiB, 1), how: set.how,
    };
    const load = foreignLoad(before, cpuSample())?.other ?? null;
    if (load !== null) row.other_load_cores = round(load, 2);
    if (notes.length > 0) row.notes = notes.join('; ');
    log(`${set.name}: ${row.events_per_s?.toLocaleString('en')} events/s, ${row.mb_per_s} MiB/s (${row.events} events × ${row.passes} passes in ${row.seconds} s; ${row.events_per_cpu_s?.toLocaleString('en')} events per CPU-second; peak RSS ${row.peak_rss_mb} MiB)`);
    return row;
  } catch (e) {
    log(`${set.name}: FAILED ${(e as Error).message}`);
    return { input: set.name, format: set.format, skipped: `failed: ${(e as Error).message}` };
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') return runChild(JSON.parse(argv[1] ?? fail(USAGE)) as ChildSpec);
  if (argv[0] === '--generate') {
    const [evtxDir, out] = argv.slice(1);
    if (evtxDir === undefined || out === undefined) fail(USAGE);
    process.stdout.write(JSON.stringify(generate(evtxDir, out)) + '\n');
    return;
  }
  const o = parseOptions(argv);
  for (const d of [o.evtxDir, o.jsonDir]) if (!existsSync(d)) fail(`corpus not found: ${d}`);
  const started = new Date();
  const machine = machineInfo();
  const tmp = mkdtempSync(join(tmpdir(), 'haetae-bench-formats-'));
  try {
    log(`generating inputs in ${tmp} from ${displayPath(o.evtxDir)}…`);
    const t = performance.now();
    const made = await runJsonChild<Generated>(SCRIPT, ['--generate', o.evtxDir, join(tmp, 'gen')], 'input generation');
    const plainFiles = decompressJson(o.jsonDir, join(tmp, 'nxlog-plain'));
    log(`generated in ${((performance.now() - t) / 1000).toFixed(0)} s: ${Object.entries(made).map(([k, v]) => `${k} ${v.events} events/${v.files} files`).join(', ')}; ${plainFiles} NXLog files decompressed`);
    const gen = (name: keyof Generated, exts: string[], how: string): InputSet => ({ name, format: name, dir: join(tmp, 'gen', name), exts, how, events: made[name].events });
    const sets: InputSet[] = [
      { name: 'nxlog-gzip', format: 'nxlog', dir: o.jsonDir, exts: ['.json.gz'], how: `${displayPath(o.jsonDir)}/*.json.gz as shipped (gunzip included)`, events: null },
      { name: 'nxlog-plain', format: 'nxlog', dir: join(tmp, 'nxlog-plain'), exts: ['.json'], how: 'the same files decompressed beforehand (no gunzip)', events: null },
      gen('xml', ['.xml'], 'recordToXml per record in an <Events> wrapper, one file per .evtx'),
      gen('evtx-json', ['.jsonl'], 'recordToEvtxJson per record, one JSON line each, one file per .evtx'),
      gen('ecs', ['.json'], 'JSON.stringify(eventToEcs(event)) per line (message = renderLine), one file per .evtx'),
      gen('haetae', ['.jsonl'], 'JSON.stringify(event) per line (line = renderLine), one file per .evtx'),
      gen('text', ['.txt'], 'renderLine of Sysmon and Security events with a template, blank-line separated, one file per .evtx'),
      { name: 'evtx', format: 'evtx', dir: o.evtxDir, exts: ['.evtx'], how: `${displayPath(o.evtxDir)}, for reference`, events: null },
    ];
    const rows: Result[] = [];
    for (const set of sets) if (o.only === null || o.only.has(set.name)) rows.push(await measure(o, set));
    const nx = (name: string): number | null => rows.find((r) => r.input === name)?.events_per_s ?? null;
    const nxCpu = (name: string): number | null => rows.find((r) => r.input === name)?.events_per_cpu_s ?? null;
    const doc = {
      date: started.toISOString(),
      command: `npm run bench:formats${argv.length ? ' -- ' + argv.join(' ') : ''}`,
      ...(o.label ? { label: o.label } : {}),
      machine,
      units: { mb: 'MiB (2^20 bytes) of input files as stored (compressed for gzip)', seconds: 'wall clock, measured passes only (one untimed warm-up pass first)', events_per_cpu_s: 'events per CPU-second of the whole process, all threads' },
      settings: { min_seconds: o.minSeconds, quick: o.quick, evtx_corpus: displayPath(o.evtxDir), json_corpus: displayPath(o.jsonDir) },
      results: rows,
      targets: {
        nxlog_events_per_s: {
          target: TARGET_NXLOG_EVENTS_PER_S,
          gzip: nx('nxlog-gzip'), gzip_per_cpu_s: nxCpu('nxlog-gzip'), plain: nx('nxlog-plain'), plain_per_cpu_s: nxCpu('nxlog-plain'),
          met: nx('nxlog-gzip') === null ? null : (nx('nxlog-gzip') ?? 0) >= TARGET_NXLOG_EVENTS_PER_S,
        },
      },
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } finally {
    if (o.keep) log(`inputs kept in ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
