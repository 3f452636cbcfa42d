/**
 * The query conformance suite on the ClickHouse store over a two-shard cluster of local
 * servers (runner: conformance-runner.ts): the same cases, the same expected rows, with
 * pushdown in the ClickHouse dialect and with the JS pipeline alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClickHouseStore } from '../store/index.js';
import { startClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { conformanceSuite, type ConformanceStore } from './conformance-runner.js';
import type { RowSource } from './exec/context.js';
import { clickhouse } from './sql/clickhouse.js';

conformanceSuite('clickhouse', async (): Promise<ConformanceStore> => {
  const cluster = await startClickHouseCluster({ shards: 2 });
  const spoolDir = mkdtempSync(join(tmpdir(), 'haetae-conformance-spool-'));
  const store = await openClickHouseStore(cluster.storeUrl, { spoolDir });
  return {
    // The store names its dialect once it imports ./sql/clickhouse.ts (merged with this suite).
    sqlDialect: (store as RowSource).sqlDialect ?? clickhouse,
    tableNames: () => store.tableNames(),
    columns: (table) => store.columns(table),
    scan: (table, request) => store.scan(table, request),
    extraFields: (table) => store.extraFields(table),
    runSql: (sql, parameters) => store.runSql(sql, parameters),
    dropTable: (table) => store.dropTable(table),
    writeRows: (table, rows) => store.writeRows(table, rows),
    close: async () => {
      await store.close();
      await cluster.stop();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
});
