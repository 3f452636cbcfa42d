/**
 * Scale benchmark (issue 9): ingest rate and the seed stats query on 100 million generated
 * Sysmon events, one DuckDB node (openStore) against a two-shard ClickHouse cluster of
 * local servers (startClickHouseCluster + openClickHouseStore), in the same run, and how
 * both grow from 10 to 100 million events: each store ingests up to the checkpoint, the
 * query is timed, the store grows to the total (copied inside it, or with --ingest-all
 * ingested), and the query is timed again.
 *
 *   npm run --silent bench:scale [-- --events N] [--checkpoint N] [--pool N] [--stores duckdb,clickhouse]
 *                                [--data DIR] [--runs N] [--keep] [--quick] [--ingest-all]
 *
 * --events      total events per store (default 100,000,000)
 * --checkpoint  events at the first measurement (default 10,000,000)
 * --pool        distinct generated events, replayed with shifted times and renamed hosts
 *               (default 1,000,000; see event-pool.ts)
 * --stores      which stores, in order (default duckdb,clickhouse)
 * --data        parent of the stores' directories (default: the OS temporary directory)
 * --runs        timed runs of the query at each measurement (default 1; all are reported)
 * --keep        keep the stores' data (default: each is removed after its measurements,
 *               so that the disk holds one 100M-event store at a time)
 * --ingest-all  ingest every event through Haetae. By default the stores grow from the
 *               checkpoint to the total by copying the checkpoint's rows inside the store
 *               (shifted in time, new ids: DuckDB INSERT … SELECT; ClickHouse the same on each
 *               shard's local table), and the ingest rate is measured over the checkpoint's
 *               events: Haetae's ingest on this 2-core machine (20–40k events/s) would take
 *               hours per store for 100 million.
 * --quick       1,000,000 events, checkpoint 100,000, pool 100,000: a sanity run
 *
 * The query runs through Haetae's engine (parseQuery + executeQuery, pushdown on), so the
 * SQL each store is given is what is measured; the plan (explainPlan) is in the report.
 * Prints one JSON document on stdout; progress on stderr.
 */
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { explainPlan, parseQuery, planQuery, type Row } from '../src/query/index.js';
import { openClickHouseStore, openStore, type Store } from '../src/store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../src/testing/clickhouse-cluster.js';
import { EventPool } from './event-pool.js';
import { SEED_QUERY, timeQuery } from './seed-queries.js';
import {
  cpuSample, dirBytes, fail, foreignLoad, log, machineInfo, pidsWithCommandLine, processCpuSeconds, round, waitForQuiet,
} from './support.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string' }, checkpoint: { type: 'string' }, pool: { type: 'string' }, stores: { type: 'string' },
    data: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' }, quick: { type: 'boolean' }, 'ingest-all': { type: 'boolean' },
  },
});
const quick = values.quick === true;
const total = Number(values.events ?? (quick ? 1_000_000 : 100_000_000));
const checkpoint = Number(values.checkpoint ?? (quick ? 100_000 : 10_000_000));
const poolSize = Number(values.pool ?? (quick ? 100_000 : 1_000_000));
const runs = Number(values.runs ?? 1);
const storeNames = (values.stores ?? 'duckdb,clickhouse').split(',');
const parent = resolve(values.data ?? tmpdir());
for (const [name, n] of [['--events', total], ['--checkpoint', checkpoint], ['--pool', poolSize], ['--runs', runs]] as const) {
  if (!Number.isSafeInteger(n) || n < 1) fail(`${name} must be a positive integer`);
}
if (checkpoint > total) fail('--checkpoint must not exceed --events');
for (const s of storeNames) if (s !== 'duckdb' && s !== 'clickhouse') fail(`--stores: unknown store ${s} (duckdb, clickhouse)`);

/** A store under test: how to open it, what its data weighs, whose CPU it uses besides ours. */
interface Subject {
  readonly store: Store;
  readonly description: string;
  bytesOnDisk(): number;
  /** CPU seconds used so far by the store's server processes (0 for an embedded store). */
  serverCpuSeconds(): number;
  /** Closes the store and removes its data (unless --keep). */
  dispose(): Promise<void>;
  /**
   * Appends `times` copies of the sysmon table's first `events` rows (ids 1…events of each
   * writer range), copy k shifted by k × `shiftMicros` with ids offset by k × `events`.
   */
  copy(events: number, times: number, shiftMicros: number): Promise<void>;
}

async function openDuckDb(): Promise<Subject> {
  const dataDir = mkdtempSync(join(parent, 'haetae-bench-scale-duckdb-'));
  const store = await openStore({ dataDir });
  return {
    store, description: `DuckDB, one embedded node (${dataDir})`,
    bytesOnDisk: () => dirBytes(dataDir),
    serverCpuSeconds: () => 0,
    async copy(events, times, shiftMicros) {
      for (let k = 1; k <= times; k++) {
        const sql = `INSERT INTO sysmon SELECT * REPLACE ("_id" + ${k * events} AS "_id", "_time" + to_microseconds(${k * shiftMicros}) AS "_time") FROM sysmon WHERE "_id" <= ${events}`;
        for await (const _ of store.runSql(sql)) { /* no rows */ }
        log(`  copy ${k}/${times}: ${((k + 1) * events).toLocaleString('en-US')} events`);
      }
    },
    async dispose() {
      await store.close();
      if (values.keep) log(`kept ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function openClickHouse(): Promise<Subject> {
  const cluster: ClickHouseCluster = await startClickHouseCluster({ shards: 2, root: parent });
  const pids = cluster.nodes.flatMap((n) => pidsWithCommandLine(`--config-file=${join(n.dir, 'config.xml')}`));
  if (pids.length !== cluster.nodes.length) log(`warning: found ${pids.length} clickhouse-server processes for ${cluster.nodes.length} shards; server CPU may be undercounted`);
  // The write-ahead spool goes beside the servers' data, not into ./haetae-data.
  const spoolDir = mkdtempSync(join(parent, 'haetae-bench-scale-spool-'));
  let store: Store;
  try {
    store = await openClickHouseStore(cluster.storeUrl, { spoolDir, onNotice: (m) => log(`  clickhouse store: ${m}`) });
  } catch (e) {
    await cluster.stop();
    rmSync(spoolDir, { recursive: true, force: true });
    throw e;
  }
  return {
    store, description: `ClickHouse, ${cluster.nodes.length} shards on this machine (${cluster.storeUrl})`,
    bytesOnDisk: () => cluster.nodes.reduce((n, node) => n + dirBytes(join(node.dir, 'data')), 0),
    serverCpuSeconds: () => processCpuSeconds(pids),
    async copy(events, times, shiftMicros) {
      // Each shard copies its own rows (a host stays on its shard); ids stay in their writer's range.
      const columns = (await store.columns('sysmon'))!.map((c) => `"${c.name}"`);
      const span = 2 ** 40;
      for (let k = 1; k <= times; k++) {
        const select = columns.map((c) => (c === '"_id"' ? `"_id" + ${k * events}` : c === '"_time"' ? `"_time" + ${k * shiftMicros}` : c)).join(', ');
        await Promise.all(cluster.nodes.map(async (n) => {
          const sql = `INSERT INTO _local_sysmon (${columns.join(', ')}) SELECT ${select} FROM _local_sysmon WHERE ("_id" % ${span}) <= ${events}`;
          const r = await fetch(`http://127.0.0.1:${n.httpPort}/?database=${cluster.database}`, { method: 'POST', body: sql });
          if (!r.ok) throw new Error(`copy on shard ${n.httpPort}: ${await r.text()}`);
        }));
        log(`  copy ${k}/${times}: ${((k + 1) * events).toLocaleString('en-US')} events`);
      }
    },
    async dispose() {
      await store.close();
      await cluster.stop({ keep: values.keep === true });
      if (values.keep) log(`kept ${cluster.nodes.map((n) => n.dir).join(', ')} and ${spoolDir}`);
      else rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Imports the pool's replay from `from` to `to`; rates over wall time and over the CPU time spent. */
async function ingest(subject: Subject, pool: EventPool, from: number, to: number): Promise<Record<string, unknown>> {
  const a = cpuSample();
  const cpu0 = process.cpuUsage();
  const server0 = subject.serverCpuSeconds();
  const t0 = performance.now();
  let lastLog = 0;
  const result = await subject.store.importEvents('sysmon', pool.batches(from, to), {
    onCommit: (p) => {
      if (p.committed - lastLog >= 5_000_000 || p.committed === to - from) {
        lastLog = p.committed;
        const s = (performance.now() - t0) / 1000;
        log(`  ${(from + p.committed).toLocaleString('en-US')} events, ${Math.round(p.committed / s).toLocaleString('en-US')} events/s`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = subject.serverCpuSeconds() - server0;
  const load = foreignLoad(a, cpuSample());
  if (result.events !== to - from) throw new Error(`ingest ${from}–${to}: the store reports ${result.events} events committed, not ${to - from}`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 + serverCpu;
  return {
    from, to, events: result.events, seconds: round(seconds, 1), events_per_s: round(result.events / seconds),
    cpu_seconds: round(cpuSeconds, 1), events_per_cpu_s: round(result.events / cpuSeconds),
    // foreignLoad counts running child servers as "other": take theirs out.
    other_load_cores: load ? round(Math.max(0, load.other - serverCpu / seconds), 2) : null,
  };
}

/** The seed query's result as comparable text: rows sorted, keys in a fixed order. */
function canonical(rows: readonly Row[]): string {
  return rows.map((r) => JSON.stringify([r.Image ?? null, r.Hashes ?? null, r.count ?? null])).sort().join('\n');
}

/** Times the seed query `runs` times; returns the report entry and the last run's rows. */
async function measureQuery(subject: Subject, events: number): Promise<{ entry: Record<string, unknown>; rows: Row[] }> {
  // A store with server processes merges parts after an insert: let that settle (and others' work) first.
  await waitForQuiet(subject.serverCpuSeconds() > 0 ? 120 : 30);
  const times: number[] = [];
  let rows: Row[] = [];
  let load: number | null = null;
  for (let i = 0; i < runs; i++) {
    const kept: Row[] = [];
    const a = cpuSample();
    const s0 = subject.serverCpuSeconds();
    let r: { seconds: number; rows: number };
    try {
      r = await timeQuery(subject.store, SEED_QUERY, true, kept);
    } catch (e) {
      // A store that cannot run the query still has ingest figures worth reporting.
      const error = e instanceof Error ? e.message : String(e);
      log(`  seed stats query at ${events.toLocaleString('en-US')} events failed: ${error.slice(0, 300)}`);
      return { entry: { events, seconds: null, error, bytes_on_disk: subject.bytesOnDisk() }, rows: [] };
    }
    const l = foreignLoad(a, cpuSample());
    if (l) load = Math.max(load ?? 0, Math.max(0, l.other - (subject.serverCpuSeconds() - s0) / r.seconds));
    times.push(r.seconds);
    rows = kept;
    log(`  seed stats query at ${events.toLocaleString('en-US')} events: ${r.seconds} s, ${r.rows} rows`);
  }
  const counted = rows.reduce((n, r) => n + (typeof r.count === 'number' ? r.count : 0), 0);
  const bytes = subject.bytesOnDisk();
  return {
    entry: {
      events, seconds: Math.min(...times), runs: times, rows: rows.length, process_creates_counted: counted,
      other_load_cores: load === null ? null : round(load, 2), bytes_on_disk: bytes, bytes_per_event: round(bytes / events, 1),
    },
    rows,
  };
}

interface StoreReport {
  readonly store: string;
  readonly description: string;
  readonly plan: string;
  readonly ingest: Record<string, unknown>[];
  readonly copied?: Record<string, unknown>;
  readonly query: Record<string, unknown>[];
  readonly growth: Record<string, number>;
  readonly results: string[];
}

async function measure(name: string, pool: EventPool): Promise<StoreReport> {
  log(`${name}: starting`);
  const subject = name === 'duckdb' ? await openDuckDb() : await openClickHouse();
  try {
    const ingests: Record<string, unknown>[] = [];
    const queries: Record<string, unknown>[] = [];
    const results: string[] = [];
    let plan = '';
    let at = 0;
    let copied: Record<string, unknown> | null = null;
    for (const point of checkpoint === total ? [total] : [checkpoint, total]) {
      if (values['ingest-all'] !== true && at > 0) {
        if (point % at !== 0) throw new Error('--copy needs --events to be a multiple of --checkpoint');
        log(`${name}: copying the first ${at.toLocaleString('en-US')} events ${point / at - 1} times inside the store`);
        const t0 = performance.now();
        await subject.copy(at, point / at - 1, Math.ceil(at / poolSize) * pool.passMicros);
        copied = { from: at, to: point, seconds: round((performance.now() - t0) / 1000, 1), note: 'rows copied inside the store, not ingested through Haetae' };
      } else {
        log(`${name}: ingesting to ${point.toLocaleString('en-US')} events`);
        ingests.push(await ingest(subject, pool, at, point));
      }
      at = point;
      if (plan === '') plan = explainPlan(await planQuery(parseQuery(SEED_QUERY), { source: subject.store, now: new Date() }));
      const q = await measureQuery(subject, point);
      queries.push(q.entry);
      results.push(canonical(q.rows));
    }
    const growth: Record<string, number> = {};
    if (queries.length === 2) {
      growth.events = round(total / checkpoint, 2);
      if (queries.every((q) => typeof q.seconds === 'number')) growth.query_seconds = round((queries[1].seconds as number) / (queries[0].seconds as number), 2);
      if (ingests.length === 2) growth.ingest_events_per_s = round((ingests[1].events_per_s as number) / (ingests[0].events_per_s as number), 2);
      growth.bytes_on_disk = round((queries[1].bytes_on_disk as number) / (queries[0].bytes_on_disk as number), 2);
    }
    return { store: name, description: subject.description, plan, ingest: ingests, ...(copied ? { copied } : {}), query: queries, growth, results };
  } finally {
    await subject.dispose();
  }
}

mkdirSync(parent, { recursive: true });

function freeGiB(): number {
  const s = statfsSync(parent);
  return round((s.bavail * s.bsize) / 1024 ** 3, 1);
}

log(`${total.toLocaleString('en-US')} events per store (first measurement at ${checkpoint.toLocaleString('en-US')}), stores ${storeNames.join(', ')}, data under ${parent} (${freeGiB()} GiB free)`);
const t0 = performance.now();
const pool = new EventPool(poolSize);
const poolSeconds = round((performance.now() - t0) / 1000, 1);
log(`pool of ${poolSize.toLocaleString('en-US')} events generated and encoded in ${poolSeconds} s (${pool.hostsPerPass} hosts per pass)`);

const reports: StoreReport[] = [];
for (const name of storeNames) reports.push(await measure(name, pool));

// Both stores must give the same answer at each measurement (otherwise the times compare
// different work): true/false per measurement, null where fewer than two stores answered.
const sameRows = (reports[0]?.query ?? []).map((_, i) => {
  const answers = reports.filter((r) => r.query[i]?.error === undefined).map((r) => r.results[i]);
  return answers.length < 2 ? null : answers.every((a) => a === answers[0]);
});
if (sameRows.includes(false)) log('warning: the stores returned different rows for the seed query');
const summary: Record<string, unknown> = {};
for (const r of reports) {
  const last = r.query[r.query.length - 1];
  summary[r.store] = {
    ingest_events_per_s: r.ingest.map((i) => i.events_per_s), [`query_seconds_at_${total}`]: last.seconds,
    query_seconds: r.query.map((q) => q.seconds), growth: r.growth, bytes_per_event: round((last.bytes_on_disk as number) / total, 1),
  };
}
process.stdout.write(JSON.stringify({
  machine: machineInfo(), events: total, checkpoint, query: SEED_QUERY,
  pool: { events: poolSize, seconds: poolSeconds, hosts_per_pass: pool.hostsPerPass, passes: Math.ceil(total / poolSize), pass_days: pool.passMicros / 86_400_000_000 },
  data: parent, free_gib_after: freeGiB(), same_rows: sameRows, summary,
  stores: reports.map(({ results: _r, ...rest }) => rest),
}, null, 2) + '\n');
