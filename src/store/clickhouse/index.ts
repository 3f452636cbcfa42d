/**
 * The ClickHouse store (issue 9): the Store contract on a cluster of ClickHouse shards.
 *
 * @example
 * import { openClickHouseStore } from './store/clickhouse/index.js';
 * const store = await openClickHouseStore('clickhouse://127.0.0.1:8123/haetae');
 */
export { openClickHouseStore, ClickHouseStore, type ClickHouseStoreOptions, type ClickHouseStats, type ShardStats } from './store.js';
export { parseClickHouseUrl, isClickHouseUrl, describeAddress, type ClickHouseAddress } from './url.js';
export { ClickHouseError, ClickHouseUnreachableError } from './http.js';
export { shardOf } from './schema.js';
export { quoteString, bindParameters, literal } from './values.js';
