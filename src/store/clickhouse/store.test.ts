/**
 * The ClickHouse store on a two-shard cluster of local servers: the store contract suite
 * unchanged, then what only a cluster does — events sharded by host, a shard killed and
 * restarted during ingest with nothing acknowledged lost and nothing duplicated, the
 * spool sent by the next run, retention by day partition.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../../event/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../../testing/clickhouse-cluster.js';
import { allRows, storeContract } from '../../testing/store-contract.js';
import type { StoreOptions } from '../types.js';
import { openClickHouseStore, shardOf, type ClickHouseStoreOptions } from './index.js';

let cluster: ClickHouseCluster;
let databases = 0;

before(async () => { cluster = await startClickHouseCluster({ shards: 2 }); });
after(async () => { await cluster.stop(); });

/** A store on a new, empty database of the cluster, with its own spool. */
function openFresh(options: StoreOptions & ClickHouseStoreOptions = {}, database = `haetae_${++databases}`): ReturnType<typeof openClickHouseStore> {
  const url = cluster.storeUrl.replace(`/${cluster.database}?`, `/${database}?`);
  return openClickHouseStore(url, { spoolDir: mkdtempSync(join(tmpdir(), 'haetae-spool-')), ...options });
}

storeContract('clickhouse', (options) => openFresh(options));

function sysmonEvent(host: string, n: number, time = Date.UTC(2024, 4, 1, 10, 0, 0) + n * 1000): Event {
  return {
    _time: new Date(time).toISOString(), host, channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon',
    provider_guid: null, event_id: 1, qualifiers: null, version: 5, level: 4, task: 1, opcode: 0, keywords: null, record_id: n,
    process_id: 4, thread_id: 8, user_sid: null, activity_id: null, related_activity_id: null,
    data: { Image: 'C:\\Windows\\System32\\cmd.exe', ProcessId: 1000 + n, ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe' }, line: `Process Create:\r\nN: ${n}`,
  };
}

/** Rows of a table's local part on each shard. */
async function shardCounts(database: string, table: string): Promise<number[]> {
  const out: number[] = [];
  for (const n of cluster.nodes) {
    const r = await fetch(`http://127.0.0.1:${n.httpPort}/?database=${database}`, { method: 'POST', body: `SELECT count() FROM _local_${table}` });
    out.push(Number((await r.text()).trim()));
  }
  return out;
}

test('each host\'s events live on one shard, the one shardOf names; queries see all shards', async () => {
  const store = await openFresh({}, 'haetae_shard');
  try {
    const hosts = ['WEB01', 'WEB02', 'DC01', 'SQL01', 'ws-17'];
    const events = hosts.flatMap((h) => Array.from({ length: 20 }, (_, i) => sysmonEvent(h, i)));
    await store.importEvents('sysmon', [{ events }]);
    const perShard = await shardCounts('haetae_shard', 'sysmon');
    const expected = [0, 0];
    for (const h of hosts) expected[shardOf(h, 2)]! += 20;
    assert.deepEqual(perShard, expected);
    assert.ok(expected[0]! > 0 && expected[1]! > 0, 'the chosen hosts spread over both shards');
    const [r] = await allRows(store.runSql('SELECT count(*) AS n, uniqExact(host) AS h FROM sysmon'));
    assert.deepEqual([r!.n, r!.h], [100, 5]);
    assert.equal(shardOf('web01', 2), shardOf('WEB01', 2));
  } finally {
    await store.close();
  }
});

test('a shard killed and restarted during ingest: every acknowledged event stored once', async () => {
  const store = await openFresh({ commitEvery: 500, retryMs: 200 });
  const hosts = Array.from({ length: 16 }, (_, i) => `HOST${i}`);
  let acknowledged = 0;
  try {
    async function* batches(): AsyncGenerator<{ events: Event[] }> {
      for (let b = 0; b < 40; b++) {
        if (b === 10) await cluster.killShard(1);
        if (b === 30) await cluster.restartShard(1);
        yield { events: Array.from({ length: 250 }, (_, i) => sysmonEvent(hosts[(b * 250 + i) % hosts.length]!, b * 250 + i)) };
      }
    }
    const result = await store.importEvents('sysmon', batches(), { onCommit: (p) => { acknowledged = p.committed; } });
    assert.equal(result.events, 10_000);
    assert.equal(acknowledged, 10_000);
    await store.flush();
    for (let i = 0; i < 100 && store.spooledBatches() > 0; i++) { await new Promise((r) => setTimeout(r, 100)); await store.flush(); }
    assert.equal(store.spooledBatches(), 0, 'the spool is empty once the shard is back');
    const [r] = await allRows(store.runSql('SELECT count(*) AS n, uniqExact(record_id) AS u, uniqExact(_id) AS ids FROM sysmon'));
    assert.deepEqual([r!.n, r!.u, r!.ids], [10_000, 10_000, 10_000]);
  } finally {
    await cluster.restartShard(1);
    await store.close();
  }
});

test('batches spooled while a shard is down are sent by the next run with the same spool; none twice', async () => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'haetae-spool-'));
  const notices: string[] = [];
  const first = await openFresh({ spoolDir, onNotice: (m) => notices.push(m) }, 'haetae_reopen');
  // Sources' counts are on every shard: whichever shard a key hashes to may be the one down.
  const key = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].find((k) => shardOf(k, 2) === 0)!;
  await cluster.killShard(0);
  try {
    const events = Array.from({ length: 400 }, (_, i) => sysmonEvent(`H${i % 8}`, i));
    const r = await first.importEvents('sysmon', [{ events, source: { key, name: 'batch one' }, sourceDone: true }]);
    assert.equal(r.events, 400, 'acknowledged while shard 0 is down');
    assert.equal((await first.importState(key))?.complete, true, 'the spooled batch counts for the source');
    await first.close();
    assert.ok(notices.some((m) => /stay in .*spool/.test(m)), notices.join('\n'));
  } finally {
    await cluster.restartShard(0);
  }
  const second = await openFresh({ spoolDir }, 'haetae_reopen');
  try {
    assert.equal(second.spooledBatches(), 0);
    const [r] = await allRows(second.runSql('SELECT count(*) AS n, uniqExact(_id) AS ids FROM sysmon'));
    assert.deepEqual([r!.n, r!.ids], [400, 400]);
    assert.deepEqual(await second.importState(key), { events: 400, complete: true });
  } finally {
    await second.close();
  }
});

test('retention drops whole days older than the cut-off, on every shard', async () => {
  const store = await openFresh();
  try {
    const day = 86_400_000;
    const t0 = Date.UTC(2024, 4, 1, 12);
    const events = [0, 1, 2].flatMap((d) => Array.from({ length: 10 }, (_, i) => sysmonEvent(`H${i}`, d * 10 + i, t0 + d * day + i)));
    await store.importEvents('sysmon', [{ events }]);
    const dropped = await store.dropBefore(new Date(t0 + 2 * day - 12 * 3_600_000));
    assert.equal([...dropped.values()].reduce((a, b) => a + b, 0) >= 2, true);
    const rows = await allRows(store.scan('sysmon', { order: 'asc' }));
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => (r._time as Date).getTime() >= t0 + 2 * day));
  } finally {
    await store.close();
  }
});

test('stats name every shard, its version, and the spool', async () => {
  const store = await openFresh();
  try {
    await store.importEvents('sysmon', [{ events: [sysmonEvent('A', 1)] }]);
    const s = await store.stats();
    assert.equal(s.shards.length, 2);
    assert.ok(s.shards.every((x) => x.up && /^\d+\.\d+/.test(x.version ?? '')));
    assert.deepEqual(s.tables, [{ name: 'sysmon', events: 1 }]);
    assert.equal(s.spooled.batches, 0);
  } finally {
    await store.close();
  }
});

test('a batch sent again (its answer lost) is not stored twice; one stored in part is completed exactly', async () => {
  const spoolA = mkdtempSync(join(tmpdir(), 'haetae-spool-'));
  const spoolB = mkdtempSync(join(tmpdir(), 'haetae-spool-'));
  const first = await openFresh({ spoolDir: spoolA }, 'haetae_resend');
  await cluster.killShard(1);
  try {
    await first.importEvents('sysmon', [{ events: Array.from({ length: 300 }, (_, i) => sysmonEvent(`H${i % 6}`, i)) }]);
    await first.close();
  } finally {
    await cluster.restartShard(1);
  }
  // The same acknowledged batch twice: spool B is a copy taken before spool A is sent.
  cpSync(spoolA, spoolB, { recursive: true });
  const second = await openFresh({ spoolDir: spoolA }, 'haetae_resend');
  await second.close();
  const count = (): Promise<number[]> => shardCounts('haetae_resend', 'sysmon');
  const stored = await count();
  assert.equal(stored[0]! + stored[1]!, 300);
  // Shard 1 loses some of the batch's rows, as an insert cut short across partitions would.
  const shard1 = cluster.nodes[1]!;
  await fetch(`http://127.0.0.1:${shard1.httpPort}/?database=haetae_resend`, { method: 'POST', body: 'ALTER TABLE _local_sysmon DELETE WHERE record_id % 2 = 0' });
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`http://127.0.0.1:${shard1.httpPort}/?database=haetae_resend`, { method: 'POST', body: 'SELECT count() FROM system.mutations WHERE is_done = 0' });
    if ((await r.text()).trim() === '0') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok((await count())[1]! < stored[1]!, 'shard 1 lost rows');
  const third = await openFresh({ spoolDir: spoolB }, 'haetae_resend');
  try {
    assert.deepEqual(await count(), stored, 'the resent batch completes shard 1 and adds nothing to shard 0');
    const [r] = await allRows(third.runSql('SELECT count(*) AS n, uniqExact(_id) AS ids, uniqExact(record_id) AS rec FROM sysmon'));
    assert.deepEqual([r!.n, r!.ids, r!.rec], [300, 300, 300]);
  } finally {
    await third.close();
  }
});
