/**
 * The query conformance suite on the ClickHouse store over a two-shard cluster of local
 * servers (runner: conformance-runner.ts): the same cases, the same expected rows, with
 * pushdown in the ClickHouse dialect and with the JS pipeline alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClickHouseStore, type Store } from '../store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { conformanceSuite } from './conformance-runner.js';
import { clickhouse } from './sql/clickhouse.js';

let cluster: ClickHouseCluster | undefined;
let spoolDir = '';
let store: Store | undefined;

conformanceSuite('clickhouse', async () => {
  cluster = await startClickHouseCluster({ shards: 2 });
  spoolDir = mkdtempSync(join(tmpdir(), 'haetae-conformance-spool-'));
  store = await openClickHouseStore(cluster.storeUrl, { spoolDir });
  return store;
}, async () => {
  await cluster?.stop();
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
});

test('clickhouse: the store answers pushed SQL in the ClickHouse dialect', () => {
  assert.equal(store?.sqlDialect, clickhouse);
});
