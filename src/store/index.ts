/**
 * The store: event tables and generic tables in an embedded DuckDB database (a data
 * directory, or memory). Public face of the module.
 *
 * @example
 * import { openStore } from './store/index.js';
 * const store = await openStore({ dataDir: './haetae-data' });
 * for await (const rows of store.scan('sysmon', { order: 'desc', limit: 10 })) console.log(rows);
 * await store.close();
 */
export { openStore, DATABASE_FILE } from './duckdb-store.js';
export {
  StoreBusyError, type Store, type StoreLocation, type StoreOptions, type TableInfo, type ColumnInfo, type ScanOptions,
  type ImportBatch, type ImportSource, type ImportState, type ImportOptions, type ImportResult, type CommitProgress,
} from './types.js';
export { TableMapping, channelSlug, loadTableMapping, isValidTableName, DEFAULT_TABLES } from './table-names.js';
export { SYSTEM_COLUMNS, FIXED_COLUMNS, EXTRA_COLUMN, quoteIdent, timeMicros } from './schema.js';
export { encodeEventRuns, encodeRow, type EventRun, type FieldKinds } from './event-rows.js';
export { inferColumns, type InferredColumn } from './infer-columns.js';
export {
  openClickHouseStore, ClickHouseStore, isClickHouseUrl, parseClickHouseUrl, shardOf,
  type ClickHouseStoreOptions, type ClickHouseStats, type ShardStats,
} from './clickhouse/index.js';
export { openStoreAt, type StoreSpecOptions } from './open.js';
