/** `haetae tables`: the store's tables with their event counts and time ranges. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATABASE_FILE, openStore, StoreBusyError, type Store } from '../../store/index.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';

export const usage = `Usage: haetae tables [options]

List the store's tables: events, first and last event time (UTC).

Options:
  -d, --data <dir>      data directory (default ./haetae-data)
  -f, --format <fmt>    table (default) or json (name, events, first, last, columns)
  -h, --help            show this help`;

/** Runs `haetae tables`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    format: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const format = oneOf(str(cl, 'format'), 'format', ['table', 'json'] as const, 'table');
  const dataDir = resolve(str(cl, 'data') ?? 'haetae-data');
  if (!existsSync(join(dataDir, DATABASE_FILE))) {
    process.stderr.write(`haetae tables: no store in ${dataDir} (run 'haetae import --data ${dataDir} <files>' first)\n`);
    return 1;
  }
  let store: Store;
  try { store = await openStore({ dataDir }); } catch (e) {
    process.stderr.write(`haetae tables: ${e instanceof StoreBusyError ? e.message : (e as Error).message}\n`);
    return 1;
  }
  const tables = await store.tables();
  await store.close();
  if (format === 'json') {
    process.stdout.write(JSON.stringify(tables.map((t) => ({ name: t.name, events: t.events, first: t.first?.toISOString() ?? null, last: t.last?.toISOString() ?? null, columns: t.columns }))) + '\n');
    return 0;
  }
  const rows = [['table', 'events', 'first', 'last'], ...tables.map((t) => [t.name, t.events.toLocaleString('en-US'), t.first?.toISOString() ?? '-', t.last?.toISOString() ?? '-'])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd() + '\n');
  return 0;
}
