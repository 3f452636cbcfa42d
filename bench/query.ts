/**
 * Query benchmark (issue 4): generated Sysmon events (src/demo/generator.ts, realistic
 * fields and Windows' own message text in `line`) imported into a DuckDB store, then the
 * seed query and a field search, each timed with SQL pushdown, without pushdown (the JS
 * pipeline over every row), and as hand-written DuckDB SQL in the same run.
 *
 *   npm run --silent bench:query [-- --count N] [--data DIR] [--skip-js]
 *
 * --count   events to generate (default 10,000,000)
 * --data    store directory, kept between runs (default: $TMPDIR/haetae-bench-query-<count>);
 *           an existing store with the right count is reused and the import is not re-timed
 * --skip-js skip the JS-only runs (minutes on 10 million rows)
 *
 * Prints one JSON document on stdout; progress on stderr.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSysmonEvents } from '../src/demo/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { SEARCH_QUERY, SEED_QUERY, timeQuery } from './seed-queries.js';
import { dirBytes, log, machineInfo, round, waitForQuiet } from './support.js';

const { values } = parseArgs({ options: { count: { type: 'string' }, data: { type: 'string' }, 'skip-js': { type: 'boolean' } } });
const count = Number(values.count ?? 10_000_000);
const dataDir = values.data ?? join(tmpdir(), `haetae-bench-query-${count}`);

/** What an SQL user would write for the seed question over the message text. */
const SEED_SQL_LINE = `SELECT regexp_extract(line, '\\r\\nImage: ([^\\r\\n]*)', 1) AS "Image",
  substr(regexp_extract(line, '\\r\\nHashes: ([^\\r\\n]*)', 1), strpos(regexp_extract(line, '\\r\\nHashes: ([^\\r\\n]*)', 1), 'SHA256=') + 7) AS "Hashes",
  count(*) AS count
FROM sysmon WHERE contains(line, 'Process Create') GROUP BY 1, 2 ORDER BY count DESC`;

/** The same question over the typed columns (what an SQL user with this schema would write). */
const SEED_SQL_COLUMNS = `SELECT "Image", substr("Hashes", strpos("Hashes", 'SHA256=') + 7) AS "Hashes", count(*) AS count
FROM sysmon WHERE event_id = 1 GROUP BY 1, 2 ORDER BY count DESC`;

const SEARCH_SQL = `SELECT _time, host, "Image", "CommandLine" FROM sysmon WHERE ends_with("Image", '\\cmd.exe') ORDER BY _time DESC, _id DESC`;

async function storedCount(store: Store): Promise<number> {
  return (await store.tables()).find((t) => t.name === 'sysmon')?.events ?? 0;
}

async function load(): Promise<{ store: Store; import: Record<string, unknown> | null }> {
  mkdirSync(dataDir, { recursive: true });
  let store = await openStore({ dataDir });
  const have = await storedCount(store);
  if (have === count) {
    log(`reusing ${dataDir} (${have} events)`);
    return { store, import: null };
  }
  if (have !== 0) {
    await store.close();
    throw new Error(`${dataDir} holds ${have} events, not ${count}: remove it or pass another --data`);
  }
  log(`generating and importing ${count.toLocaleString('en-US')} events into ${dataDir}`);
  const t0 = performance.now();
  let last = 0;
  async function* batches(): AsyncIterable<{ events: ReturnType<typeof generateSysmonEvents> extends Iterable<infer B> ? B : never }> {
    for (const events of generateSysmonEvents({ count, seed: 1, batchSize: 5000 })) yield { events };
  }
  const result = await store.importEvents('sysmon', batches(), {
    onCommit: (p) => {
      if (p.committed - last >= 500_000) { last = p.committed; log(`  ${p.committed.toLocaleString('en-US')} committed`); }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  store = await openStore({ dataDir });
  const bytes = dirBytes(dataDir);
  return {
    store,
    import: {
      events: result.events, seconds: round(seconds, 1), events_per_s: round(result.events / seconds),
      note: 'generation (with renderLine) and import in one process, one core for JS',
      store_bytes: bytes, store_bytes_per_event: round(bytes / result.events, 1),
    },
  };
}

async function timeSql(store: Store, sql: string): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of store.runSql(sql)) rows += batch.length;
  return { seconds: round((performance.now() - t0) / 1000, 3), rows };
}

const { store, import: imported } = await load();
try {
  await waitForQuiet();
  const results: Record<string, unknown>[] = [];
  const run = async (name: string, f: () => Promise<{ seconds: number; rows: number }>): Promise<number> => {
    // One warm-up (file cache, DuckDB buffers), then the best of three.
    await f();
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) { const r = await f(); times.push(r.seconds); rows = r.rows; }
    const best = Math.min(...times);
    results.push({ name, seconds: best, runs: times, rows });
    log(`${name}: ${best} s (${rows} rows)`);
    return best;
  };
  const seedPush = await run('seed stats query, pushdown', () => timeQuery(store, SEED_QUERY, true));
  const seedLine = await run('seed, hand-written SQL over line', () => timeSql(store, SEED_SQL_LINE));
  const seedCols = await run('seed, hand-written SQL over typed columns', () => timeSql(store, SEED_SQL_COLUMNS));
  const searchPush = await run('field search, pushdown', () => timeQuery(store, SEARCH_QUERY, true));
  const searchSql = await run('field search, hand-written SQL', () => timeSql(store, SEARCH_SQL));
  if (!values['skip-js']) {
    // One run each: minutes on millions of rows.
    for (const [name, q] of [['seed stats query, JS only', SEED_QUERY], ['field search, JS only', SEARCH_QUERY]] as const) {
      const r = await timeQuery(store, q, false);
      results.push({ name, seconds: r.seconds, runs: [r.seconds], rows: r.rows });
      log(`${name}: ${r.seconds} s`);
    }
  }
  process.stdout.write(JSON.stringify({
    machine: machineInfo(), events: count, data: dataDir, import: imported, results,
    ratios: {
      seed_pushdown_vs_sql_over_line: round(seedPush / seedLine, 2),
      seed_pushdown_vs_sql_over_columns: round(seedPush / seedCols, 2),
      search_pushdown_vs_sql: round(searchPush / searchSql, 2),
    },
    targets: { pushdown_within_sql: 1.5, seed_under_s: 10, seed_moonshot_under_s: 1, import_events_per_s: 150_000 },
  }, null, 2) + '\n');
} finally {
  await store.close();
}
if (!existsSync(dataDir)) log('store removed');
