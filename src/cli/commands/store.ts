/**
 * `haetae store`: operating a ClickHouse store — `migrate` (create or upgrade the schema
 * on every shard), `stats` (shards, tables, the spool) and `retention` (drop old day
 * partitions). The embedded DuckDB store needs none of these: it upgrades itself when
 * opened and lives in one file.
 */
import { ClickHouseStore, type ClickHouseStats } from '../../store/clickhouse/index.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { migrateShards, type ShardSchemaReport } from '../clickhouse-migrate.js';
import { loadConfig } from '../config.js';
import { renderTable } from '../render/rows.js';
import { isRemoteStore, openCommandStore, storeOptionHelp, storeSpec } from '../store-at.js';
import { newRow, type Row, type Value } from '../../query/value.js';

export const usage = `Usage: haetae store <migrate|stats|retention> [options]

Operate a ClickHouse store (README "ClickHouse store"):
  migrate     create or upgrade the schema: the database and the bookkeeping tables on
              every shard, and on each shard every table and column another shard has
              (a shard that was down when a table was made); prints each shard's tables
  stats       shards (up or down, version, rows, bytes on disk, partitions), tables with
              their event counts, batches this data directory's spool still holds
  retention   --keep <N>d: drop, on every shard, the day partitions of event tables
              older than N days (whole UTC days)

Options:
  -d, --data <dir>        data directory: the spool of this collector (default ./haetae-data)
${storeOptionHelp(26)}
      --keep <N>d         retention: days of events to keep, e.g. 30d
  -f, --format <fmt>      table (default) or json (migrate, stats)
  -h, --help              show this help

Exit code: 0 ok, 1 a shard is down or the cluster cannot be reached, 2 usage.`;

const ACTIONS = ['migrate', 'stats', 'retention'] as const;
type Action = (typeof ACTIONS)[number];

const MS_PER_DAY = 86_400_000;

/** `--keep 30d` (or `30`) as days. */
function keepDays(text: string | undefined): number {
  if (text === undefined) throw new UsageError('retention needs --keep <N>d, e.g. --keep 30d');
  const m = /^(\d+)d?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--keep must be a number of days like 30d, got '${text}'`);
  return positiveInt(m[1], 'keep', 1);
}

function row(o: Record<string, Value>): Row {
  return Object.assign(newRow(), o);
}

/** What to say about shards that are down: who, and that ingest keeps their events. */
function downNote(down: readonly { server: string; error?: string }[], spool: string | null): string {
  if (down.length === 0) return '';
  const names = down.map((d) => `${d.server} (${d.error ?? 'down'})`).join(', ');
  return `shard ${names} is down: collectors keep its events in their spools${spool !== null ? ` (this one: ${spool})` : ''} and send them when it answers\n`;
}

function printMigration(reports: readonly ShardSchemaReport[]): string {
  const rows: Row[] = [];
  for (const r of reports) {
    if (!r.up) { rows.push(row({ shard: r.server, state: 'down', table: null, engine: null, columns: null, change: r.error ?? null })); continue; }
    for (const t of r.tables) {
      const added = r.added.filter((a) => a.startsWith(`${t.name}.`)).length;
      const change = r.created.includes(t.name) ? 'created' : added > 0 ? `${added} column(s) added` : null;
      rows.push(row({ shard: r.server, state: `up ${r.version ?? ''}`.trim(), table: t.name, engine: t.engine, columns: t.columns, change }));
    }
  }
  return renderTable(rows);
}

function printStats(s: ClickHouseStats): string {
  const shards = renderTable(s.shards.map((x) => row({
    shard: x.server, state: x.up ? 'up' : 'down', version: x.version ?? null, rows: x.rows ?? null, bytes: x.bytes ?? null, partitions: x.partitions ?? null, error: x.error ?? null,
  })));
  const tables = s.tables.length > 0 ? renderTable(s.tables.map((t) => row({ table: t.name, events: t.events }))) : s.shards.every((x) => x.up) ? '(no tables)\n' : '(tables not counted: a shard is down)\n';
  return `store ${s.store}${s.cluster !== null ? ` (cluster ${s.cluster})` : ''}\n${shards}${tables}spool ${s.spooled.dir}: ${s.spooled.batches} batch(es) waiting\n`;
}

/** Runs `haetae store`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    store: { type: 'string' },
    keep: { type: 'string' },
    format: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help') || cl.positionals.length === 0) { process.stdout.write(usage + '\n'); return flag(cl, 'help') ? 0 : 2; }
  const action = cl.positionals[0] as Action;
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action '${cl.positionals[0]}' (one of ${ACTIONS.join(', ')})`);
  if (cl.positionals.length > 1) throw new UsageError(`unexpected argument '${cl.positionals[1]}'`);
  const format = oneOf(str(cl, 'format'), 'format', ['table', 'json'] as const, 'table');
  const days = action === 'retention' ? keepDays(str(cl, 'keep')) : 0;
  const config = loadConfig(str(cl, 'data'));
  const spec = storeSpec(str(cl, 'store'), config.store);
  if (!isRemoteStore(spec)) throw new UsageError('haetae store works on a ClickHouse store: give --store clickhouse://… (or store: in haetae.yaml); the embedded store upgrades itself when opened');
  const store = await openCommandStore(`store ${action}`, { spec, dataDir: config.dataDir });
  if (store === null) return 1;
  if (!(store instanceof ClickHouseStore)) { await store.close(); throw new UsageError(`'${spec}' did not open a ClickHouse store`); }
  try {
    switch (action) {
      case 'migrate': {
        const reports = await migrateShards(store.address);
        const down = reports.filter((r) => !r.up);
        process.stdout.write(format === 'json' ? JSON.stringify({ store: store.path, shards: reports }, null, 2) + '\n' : printMigration(reports));
        if (down.length > 0) process.stderr.write(`haetae store migrate: ${downNote(down, null)}haetae store migrate: run it again once every shard answers\n`);
        return down.length > 0 ? 1 : 0;
      }
      case 'stats': {
        const stats = await store.stats();
        const down = stats.shards.filter((s) => !s.up);
        process.stdout.write(format === 'json' ? JSON.stringify(stats, null, 2) + '\n' : printStats(stats));
        if (down.length > 0) process.stderr.write(`haetae store stats: ${downNote(down, `${stats.spooled.batches} batch(es) in ${stats.spooled.dir}`)}`);
        return down.length > 0 ? 1 : 0;
      }
      case 'retention': {
        const before = new Date(Date.now() - days * MS_PER_DAY);
        let dropped: Map<string, number>;
        try {
          dropped = await store.dropBefore(before);
        } catch (e) {
          process.stderr.write(`haetae store retention: ${(e as Error).message}; run it again once every shard answers\n`);
          return 1;
        }
        const total = [...dropped.values()].reduce((a, b) => a + b, 0);
        process.stdout.write(`dropped ${total} day partition(s) before ${before.toISOString().slice(0, 10)}${total > 0 ? `: ${[...dropped].map(([t, n]) => `${t} ${n}`).join(', ')}` : ''}\n`);
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}
