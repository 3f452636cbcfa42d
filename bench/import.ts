/**
 * `haetae import` throughput: EVTX files decoded and stored in a fresh data directory,
 * (a) the shared EVTX corpus, (b) one large generated Sysmon EVTX file. Reports events/s
 * (hashing to last commit, as the command prints it), store bytes per event and peak RSS.
 *
 *     npm run --silent bench:import                      # generates 1,000,000 events first
 *     npm run --silent bench:import -- --evtx /tmp/gen1m.evtx
 *     npm run --silent bench:import -- --count 300000 --threads 2
 *
 * Prints one JSON document on stdout; progress on stderr. Each import runs in a fresh child
 * process (`--child`), so that its max RSS is the peak memory of exactly that import.
 * Generated data lives in a temporary directory and is removed afterwards.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importFiles } from '../src/cli/import-files.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../src/cli/inputs.js';
import { generateSysmonEvents } from '../src/demo/index.js';
import { eventToXml } from '../src/event/index.js';
import { EvtxWriter } from '../src/evtx/index.js';
import { DATABASE_FILE, openStore } from '../src/store/index.js';
import { cpuSample, displayPath, foreignLoad, log, machineInfo, ROOT, round, runJsonChild, waitForQuiet } from './support.js';

const SCRIPT = fileURLToPath(import.meta.url);
const TARGET_EVENTS_PER_S = 150_000;

interface ImportRun {
  readonly name: string;
  readonly input: string;
  readonly input_mib: number;
  readonly events: number;
  readonly seconds: number;
  readonly events_per_s: number;
  readonly events_per_cpu_s: number;
  readonly store_bytes_per_event: number;
  readonly peak_rss_mib: number;
  readonly other_load_cores: number | null;
}

/** Child: imports `input` into a fresh data directory and prints one JSON line. */
async function child(name: string, input: string, threads: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-bench-import-'));
  try {
    const { files } = expandInputs([input], INPUT_FILE_PATTERN);
    let bytes = 0;
    for (const f of files) bytes += statSync(f).size;
    const store = await openStore({ dataDir });
    const a = cpuSample();
    const cpu0 = process.cpuUsage();
    const summary = await importFiles(store, files, { table: 'auto', threads });
    const cpu = process.cpuUsage(cpu0);
    const load = foreignLoad(a, cpuSample());
    await store.close();
    const db = join(dataDir, DATABASE_FILE);
    let size = 0;
    for (const f of [db, `${db}.wal`]) if (existsSync(f)) size += statSync(f).size;
    const run: ImportRun = {
      name, input: displayPath(input), input_mib: round(bytes / 1048576, 1), events: summary.events, seconds: round(summary.seconds, 2),
      events_per_s: round(summary.events / summary.seconds), events_per_cpu_s: round(summary.events / ((cpu.user + cpu.system) / 1e6)),
      store_bytes_per_event: round(size / Math.max(1, summary.events)), peak_rss_mib: round(process.resourceUsage().maxRSS / 1024, 1),
      other_load_cores: load ? round(load.other, 2) : null,
    };
    process.stdout.write(JSON.stringify(run) + '\n');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Writes `count` generated Sysmon events as one EVTX file. */
function generateEvtx(path: string, count: number): void {
  const writer = new EvtxWriter(path);
  try {
    for (const batch of generateSysmonEvents({ count, seed: 1 })) for (const e of batch) writer.writeRecord(eventToXml(e), e._time);
  } finally {
    writer.close();
  }
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' }, input: { type: 'string' }, evtx: { type: 'string' }, count: { type: 'string' },
    threads: { type: 'string' }, corpus: { type: 'string' },
  },
});
const threads = Number(values.threads ?? availableParallelism());
if (values.child !== undefined) {
  await child(values.child, values.input!, threads);
} else {
  const corpus = resolve(values.corpus ?? join(ROOT, '../shared/corpus/evtx'));
  let tmp: string | null = null;
  let big = values.evtx === undefined ? null : resolve(values.evtx);
  if (big === null) {
    tmp = mkdtempSync(join(tmpdir(), 'haetae-bench-gen-'));
    big = join(tmp, 'generated.evtx');
    const count = Number(values.count ?? 1_000_000);
    log(`generating ${count} Sysmon events into ${big}…`);
    generateEvtx(big, count);
  }
  try {
    const rows: ImportRun[] = [];
    for (const [name, input] of [['corpus', corpus], ['generated file', big]] as const) {
      await waitForQuiet();
      log(`importing ${name} (${input})…`);
      const r = await runJsonChild<ImportRun>(SCRIPT, ['--child', name, '--input', input, '--threads', String(threads)], name);
      log(`${name}: ${r.events} events, ${r.events_per_s} events/s, ${r.store_bytes_per_event} bytes/event, ${r.peak_rss_mib} MiB peak RSS`);
      rows.push(r);
    }
    process.stdout.write(JSON.stringify({ machine: machineInfo(), threads, target_events_per_s: TARGET_EVENTS_PER_S, rows }, null, 2) + '\n');
  } finally {
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
  }
}
