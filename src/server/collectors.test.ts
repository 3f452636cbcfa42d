/**
 * Several collectors, one cluster (issue 9): two `haetae serve` processes' servers with
 * their own data directories on one two-shard ClickHouse cluster, the endpoints split
 * between them by host. Each collector's live rules see its hosts' events, correlations
 * included; every alert is stored once, numbered in its collector's own id range; either
 * collector answers queries over both collectors' events. And ingest while a shard is down
 * keeps acknowledging: the spool sends the events once the shard is back, none lost or
 * duplicated.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoDataset } from '../demo/index.js';
import type { Event } from '../event/index.js';
import { ClickHouseStore } from '../store/clickhouse/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { iisPackDetections } from '../testing/pack-detections.js';
import { startTestServer, type TestServer, shipEvents } from '../testing/server.js';
import { defaultRealtimeSettings } from './realtime-config.js';

const PACK = { ...defaultRealtimeSettings().rules, packs: ['iis-webshell' as const] };
const NO_RULES = { ...defaultRealtimeSettings().rules, enabled: false };

let cluster: ClickHouseCluster;
let databases = 0;

before(async () => { cluster = await startClickHouseCluster({ shards: 2 }); });
after(async () => { await cluster.stop(); });

/** The cluster's address with a database of its own. */
function freshUrl(): string {
  return cluster.storeUrl.replace(`/${cluster.database}?`, `/haetae_collectors_${++databases}?`);
}


async function query(t: TestServer, text: string): Promise<Record<string, unknown>[]> {
  const { status, body } = await t.api('POST', '/api/query', { query: text, limit: 100_000 });
  assert.equal(status, 200, JSON.stringify(body));
  return body['rows'] as Record<string, unknown>[];
}

function countBy<T>(items: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

const signature = (name: string, time: unknown, host: unknown): string => `${name}|${new Date(time as string).toISOString()}|${String(host)}`;

test('two collectors on one cluster, split by host: rules and correlations per host, each alert stored once, queries see both', { timeout: 300_000 }, async () => {
  // The demo's intrusion on the first collector's hosts, the same story on other hosts for the second.
  const first = demoDataset();
  const second = first.map((e) => JSON.parse(JSON.stringify(e).replaceAll('corp.example', 'branch.example')) as Event);
  const firstHosts = new Set(first.map((e) => e.host));
  assert.ok(second.every((e) => !firstHosts.has(e.host)), 'the collectors share no host');
  const expected1 = iisPackDetections(first);
  const expected2 = iisPackDetections(second);
  assert.ok(expected1.some((d) => d.target === 'correlation' && d.correlation!.events >= 2), 'a correlation of several events of one host');
  assert.equal(expected2.length, expected1.length);

  const url = freshUrl();
  const c1 = await startTestServer({ store: url, settings: { rules: PACK } });
  // The second throttles: its alerts' counts are updated in place (a ClickHouse mutation).
  const c2 = await startTestServer({ store: url, settings: { rules: { ...PACK, throttle: { windowMs: 86_400_000, key: ['host'] } } } });
  try {
    assert.notEqual(c1.dataDir, c2.dataDir);
    await Promise.all([shipEvents(c1, first, 5, { settleEach: true }), shipEvents(c2, second, 5, { settleEach: true })]);

    // Either collector answers over both collectors' events.
    const sysmon = countBy([...first, ...second].filter((e) => e.channel === 'Microsoft-Windows-Sysmon/Operational'), (e) => e.host);
    for (const c of [c1, c2]) assert.deepEqual(countBy(await query(c, 'table sysmon | fields host'), (r) => String(r['host'])), sysmon);

    // Each alert once in the table, whichever collector is asked.
    const rows = await query(c1, 'table alerts | fields _id, _time, name, host, count');
    assert.deepEqual(await query(c2, 'table alerts | fields _id, _time, name, host, count'), rows);
    assert.equal(new Set(rows.map((r) => r['_id'])).size, rows.length, 'alert ids are unique across collectors');
    const byCollector = (hosts: (h: string) => boolean): Record<string, unknown>[] => rows.filter((r) => hosts(String(r['host'])));
    const rows1 = byCollector((h) => firstHosts.has(h));
    const rows2 = byCollector((h) => !firstHosts.has(h));
    assert.equal(rows1.length + rows2.length, rows.length);
    // Collector 1: one alert per detection, correlations included, exactly as a hunt finds them.
    assert.deepEqual(rows1.map((r) => signature(String(r['name']), r['_time'], r['host'])).sort(), expected1.map((d) => signature(d.ruleTitle, d.time, d.host)).sort());
    // Collector 2: one alert per rule and host, its count every detection merged into it.
    assert.deepEqual(
      Object.fromEntries(rows2.map((r) => [`${String(r['name'])}|${String(r['host'])}`, r['count']]).sort(([a], [b]) => String(a).localeCompare(String(b)))),
      countBy(expected2, (d) => `${d.ruleTitle}|${d.host}`),
    );
    assert.ok(rows2.some((r) => Number(r['count']) > 1), 'some count was updated after the alert was stored');
    // The collectors number alerts in different writer ranges.
    const ranges = [c1, c2].map((c) => (c.server.store as ClickHouseStore).idRange);
    assert.ok(rows1.every((r) => Number(r['_id']) >= ranges[0]!.first && Number(r['_id']) < ranges[0]!.end));
    assert.ok(rows2.every((r) => Number(r['_id']) >= ranges[1]!.first && Number(r['_id']) < ranges[1]!.end));
    // The alert API reads the shared table: the second collector lists the first's correlation alerts too.
    const { body } = await c2.api('GET', '/api/alerts?source=rule&since=0&limit=10000&min_level=low');
    const listed = body['alerts'] as { name: string; host: string; fields: Record<string, unknown> }[];
    const correlations = listed.filter((a) => a.fields['correlation'] !== undefined && firstHosts.has(a.host));
    assert.equal(correlations.length, expected1.filter((d) => d.target === 'correlation').length);
  } finally {
    await c1.close();
    await c2.close();
  }
});

test('ingest while a shard is down keeps acknowledging; the shard back, every event is stored once', { timeout: 120_000 }, async () => {
  const events = demoDataset().slice(0, 3000);
  const hosts = countBy(events, (e) => e.host);
  const t = await startTestServer({ store: freshUrl(), settings: { rules: NO_RULES } });
  const store = t.server.store as ClickHouseStore;
  try {
    await shipEvents(t, events.slice(0, 1000), 2, { settleEach: true });
    await cluster.killShard(1);
    try {
      await shipEvents(t, events.slice(1000), 4, { settleEach: true });
      assert.ok(store.spooledBatches() > 0, 'the down shard\'s events wait in the spool');
    } finally {
      await cluster.restartShard(1);
    }
    await store.flush();
    assert.equal(store.spooledBatches(), 0);
    // Every event once: per host as sent, no table holding an id twice.
    const tables = (await t.api('GET', '/api/tables')).body['tables'] as { name: string; events: number }[];
    assert.equal(tables.reduce((n, x) => n + x.events, 0), events.length, JSON.stringify(tables));
    const stored: Record<string, unknown>[] = [];
    for (const { name } of tables) {
      const rows = await query(t, `table ${name} | fields _id, host`);
      assert.equal(new Set(rows.map((r) => r['_id'])).size, rows.length, `${name}: no event stored twice`);
      stored.push(...rows);
    }
    assert.deepEqual(countBy(stored, (r) => String(r['host'])), hosts);
  } finally {
    await t.close();
  }
});
