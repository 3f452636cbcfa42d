/** `haetae tables`: the store's tables with their event counts and time ranges. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_FILE } from '../../store/index.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { loadConfig } from '../config.js';
import { isRemoteStore, openCommandStore, storeOptionHelp, storeSpec } from '../store-at.js';

export const usage = `Usage: haetae tables [options]

List the store's tables: events, first and last event time (UTC).

Options:
  -d, --data <dir>        data directory (default ./haetae-data)
${storeOptionHelp(26)}
  -f, --format <fmt>      table (default) or json (name, events, first, last, columns)
  -h, --help              show this help`;

/** Runs `haetae tables`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    store: { type: 'string' },
    format: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const format = oneOf(str(cl, 'format'), 'format', ['table', 'json'] as const, 'table');
  const config = loadConfig(str(cl, 'data'));
  const dataDir = resolve(config.dataDir);
  const spec = storeSpec(str(cl, 'store'), config.store);
  if (!isRemoteStore(spec) && !existsSync(join(dataDir, DATABASE_FILE))) {
    process.stderr.write(`haetae tables: no store in ${dataDir} (run 'haetae import --data ${dataDir} <files>' first)\n`);
    return 1;
  }
  const store = await openCommandStore('tables', { spec, dataDir });
  if (store === null) return 1;
  let tables;
  try { tables = await store.tables(); } finally { await store.close(); }
  if (format === 'json') {
    process.stdout.write(JSON.stringify(tables.map((t) => ({ name: t.name, events: t.events, first: t.first?.toISOString() ?? null, last: t.last?.toISOString() ?? null, columns: t.columns }))) + '\n');
    return 0;
  }
  const rows = [['table', 'events', 'first', 'last'], ...tables.map((t) => [t.name, t.events.toLocaleString('en-US'), t.first?.toISOString() ?? '-', t.last?.toISOString() ?? '-'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd() + '\n');
  return 0;
}
