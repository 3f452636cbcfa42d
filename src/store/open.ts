/**
 * Opening the store a command names: a data directory (embedded DuckDB, the default) or a
 * `clickhouse://` address (a ClickHouse cluster, issue 9).
 */
import { join, resolve } from 'node:path';
import { openStore } from './duckdb-store.js';
import { isClickHouseUrl, openClickHouseStore, parseClickHouseUrl } from './clickhouse/index.js';
import type { Store, StoreOptions } from './types.js';

/** Options of {@link openStoreAt}. */
export interface StoreSpecOptions extends StoreOptions {
  /** The local data directory: DuckDB's database, or the ClickHouse store's spool (`<dataDir>/clickhouse-<db>`). */
  readonly dataDir: string;
  /** Operational notices of a ClickHouse store (a shard down, batches kept in the spool). */
  readonly onNotice?: (message: string) => void;
}

/**
 * Opens `spec` when it is a ClickHouse address, else the DuckDB store in `options.dataDir`.
 *
 * @example
 * const store = await openStoreAt(flags.store ?? null, { dataDir: './haetae-data' });
 */
export async function openStoreAt(spec: string | null | undefined, options: StoreSpecOptions): Promise<Store> {
  if (spec !== null && spec !== undefined && spec !== '' && isClickHouseUrl(spec)) {
    const { database } = parseClickHouseUrl(spec);
    return openClickHouseStore(spec, { ...options, spoolDir: join(resolve(options.dataDir), `clickhouse-${database}`) });
  }
  if (spec !== null && spec !== undefined && spec !== '') throw new Error(`--store '${spec}' is not a store address: use clickhouse://host:port[,host:port…]/database (or --data DIR for the embedded store)`);
  return openStore({ dataDir: options.dataDir }, options);
}
