/**
 * The `--store` option every command that opens the store shares: a `clickhouse://`
 * address (the flag, else `store:` in haetae.yaml) or, without one, the embedded DuckDB
 * store in the data directory. Opening failures are one line naming the store, not a
 * stack trace; the ClickHouse store's notices (a shard down, batches kept in the spool)
 * go to stderr.
 */
import { resolve } from 'node:path';
import { isClickHouseUrl } from '../store/clickhouse/index.js';
import { openStoreAt } from '../store/open.js';
import type { Store } from '../store/types.js';

/**
 * The `--store` lines of a command's `--help`, the description starting at `column` (where
 * the command's other option descriptions start).
 */
export function storeOptionHelp(column: number): string {
  const indent = ' '.repeat(column);
  return [
    `${'      --store <url>'.padEnd(column)}a ClickHouse cluster instead of the embedded store:`,
    `${indent}clickhouse://host:port[,host:port…]/db?cluster=NAME (every shard's`,
    `${indent}HTTP port; --data then holds the local spool; README "ClickHouse`,
    `${indent}store"); also 'store:' in haetae.yaml`,
  ].join('\n');
}

/** The store address a command was given: the flag, else haetae.yaml's `store:`, else none (DuckDB). */
export function storeSpec(flagValue: string | undefined, configured: string | undefined): string | undefined {
  const spec = flagValue ?? configured;
  return spec === undefined || spec === '' ? undefined : spec;
}

/** True when `spec` names a ClickHouse store (so the data directory need not hold a database). */
export function isRemoteStore(spec: string | undefined): boolean {
  return spec !== undefined && isClickHouseUrl(spec);
}

/**
 * Opens the store for `command`, or prints why it cannot (`haetae <command>: …`) and
 * returns null (the command then exits 1).
 *
 * @example
 * const store = await openCommandStore('tables', { spec, dataDir });
 * if (store === null) return 1;
 */
export async function openCommandStore(command: string, options: { spec: string | undefined; dataDir: string; commitEvery?: number }): Promise<Store | null> {
  try {
    return await openStoreAt(options.spec, {
      dataDir: resolve(options.dataDir),
      onNotice: (m) => process.stderr.write(`haetae ${command}: ${m}\n`),
      ...(options.commitEvery !== undefined ? { commitEvery: options.commitEvery } : {}),
    });
  } catch (e) {
    process.stderr.write(`haetae ${command}: ${(e as Error).message}\n`);
    return null;
  }
}
