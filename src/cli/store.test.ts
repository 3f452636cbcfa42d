/**
 * `haetae store` and `--store` on a two-shard ClickHouse cluster of local servers: import
 * and query through the CLI, `store migrate` giving a shard the tables and columns another
 * has, `store stats`, `store retention`, and what the commands say when a shard is down
 * (naming it; ingest keeps spooling) or no shard answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shardOf } from '../store/clickhouse/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { hashFile } from './import-files.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-store-cli-'));
let cluster: ClickHouseCluster;
let databases = 0;

before(async () => { cluster = await startClickHouseCluster({ shards: 2 }); });
after(async () => { await cluster.stop(); });

/** Runs the CLI without blocking this process (the cluster's servers are its children). */
function haetae(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The cluster's address with a database of its own. */
function freshUrl(): string {
  return cluster.storeUrl.replace(`/${cluster.database}?`, `/haetae_cli_${++databases}?`);
}

async function sql(node: number, database: string, text: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${cluster.nodes[node]!.httpPort}/?database=${database}`, { method: 'POST', body: text });
  const body = await r.text();
  if (!r.ok) throw new Error(`${text}: ${body}`);
  return body.trim();
}

/** Five Sysmon process starts per host and day, as Event JSON lines. */
function eventsFile(name: string, hosts: readonly string[], days: readonly number[], salt = 0): string {
  const lines: string[] = [];
  for (const host of hosts) {
    for (const day of days) {
      for (let n = 0; n < 5; n++) {
        lines.push(JSON.stringify({
          _time: new Date(Date.UTC(2024, 4, day, 10, 0, n)).toISOString(), host, channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon',
          event_id: 1, record_id: salt * 10_000 + day * 100 + n, data: { Image: 'C:\\Windows\\System32\\cmd.exe', ProcessId: 1000 + n },
        }));
      }
    }
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** {@link eventsFile} whose import record (keyed by the content hash) lives on shard `shard`. */
function eventsFileOnShard(shard: number, name: string, hosts: readonly string[], days: readonly number[]): string {
  for (let salt = 0; ; salt++) {
    const path = eventsFile(name, hosts, days, salt);
    if (shardOf(hashFile(path), 2) === shard) return path;
  }
}

/** Hosts whose events land on different shards (shardOf: FNV-1a, checked by the store's own test). */
const HOSTS = ['WEB01', 'WEB02', 'DC01', 'SQL01', 'ws-17'];

test('--store appears in the help of every command that opens the store; store needs a ClickHouse address', async () => {
  for (const command of ['serve', 'import', 'query', 'tables', 'forensics', 'store']) {
    const r = await haetae(command, '--help');
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, /--store <url>\s+a ClickHouse cluster instead of the embedded store/, command);
  }
  const r = await haetae('store', 'stats', '--data', join(dir, 'duck'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /haetae store works on a ClickHouse store: give --store clickhouse:\/\//);
});

test('import and query through --store; store stats counts tables, shards and the spool', async () => {
  const url = freshUrl();
  const data = join(dir, 'stats');
  const imported = await haetae('import', '--store', url, '--data', data, eventsFile('stats.jsonl', HOSTS, [1, 20]));
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported 50 events/);
  const query = await haetae('query', '--store', url, '--data', data, '--no-pushdown', '-f', 'json', 'table sysmon | stats count by host');
  assert.equal(query.code, 0, query.stderr);
  const counts = (JSON.parse(query.stdout) as { host: string; count: number }[]).map((r) => `${r.host}=${r.count}`).sort();
  assert.deepEqual(counts, HOSTS.map((h) => `${h}=10`).sort());

  const stats = await haetae('store', 'stats', '--store', url, '--data', data, '--format', 'json');
  assert.equal(stats.code, 0, stats.stderr);
  const s = JSON.parse(stats.stdout) as { shards: { server: string; up: boolean; version: string; rows: number; partitions: number }[]; tables: { name: string; events: number }[]; spooled: { batches: number } };
  assert.deepEqual(s.shards.map((x) => [x.server, x.up]), cluster.nodes.map((n) => [`127.0.0.1:${n.httpPort}`, true]));
  for (const x of s.shards) assert.match(x.version, /^\d+\.\d+/);
  // Every shard holds some hosts' events (two days: two partitions of sysmon at least).
  for (const x of s.shards) assert.ok(x.rows >= 10 && x.partitions >= 2, JSON.stringify(x));
  assert.deepEqual(s.tables, [{ name: 'sysmon', events: 50 }]);
  assert.equal(s.spooled.batches, 0);
  const text = await haetae('store', 'stats', '--store', url, '--data', data);
  assert.match(text.stdout, /sysmon\s+50/);
  assert.match(text.stdout, /0 batch\(es\) waiting/);
});

test('store migrate gives each shard the tables and columns another shard has, and reports each shard', async () => {
  const url = freshUrl();
  const db = `haetae_cli_${databases}`;
  const data = join(dir, 'migrate');
  const first = await haetae('store', 'migrate', '--store', url, '--data', data, '--format', 'json');
  assert.equal(first.code, 0, first.stderr);
  const fresh = JSON.parse(first.stdout) as { shards: { up: boolean; tables: { name: string }[] }[] };
  for (const shard of fresh.shards) {
    assert.ok(shard.up);
    for (const t of ['_imports', '_local__imports', '_writers', '_local__writers', '_extra_fields', '_local__extra_fields']) assert.ok(shard.tables.some((x) => x.name === t), t);
  }
  assert.equal((await haetae('import', '--store', url, '--data', data, eventsFile('migrate.jsonl', HOSTS, [3]))).code, 0);
  // As if shard 1 was down when `lonely` was made, and shard 0 when sysmon got a column.
  await sql(0, db, `CREATE TABLE _local_lonely ("_id" Int64, "name" Nullable(String) COMMENT 'haetae:VARCHAR') ENGINE = MergeTree ORDER BY tuple()`);
  await sql(0, db, `CREATE TABLE lonely AS _local_lonely ENGINE = Distributed(haetae, ${db}, _local_lonely)`);
  await sql(0, db, `INSERT INTO _local_lonely VALUES (1, 'only here')`);
  await sql(1, db, `ALTER TABLE _local_sysmon ADD COLUMN "Late" Nullable(String)`);
  await sql(1, db, `ALTER TABLE _local_sysmon COMMENT COLUMN "Late" 'haetae:VARCHAR'`);
  await assert.rejects(sql(1, db, 'SELECT count() FROM lonely'), /doesn't exist/);

  const migrated = await haetae('store', 'migrate', '--store', url, '--data', data, '--format', 'json');
  assert.equal(migrated.code, 0, migrated.stderr);
  const report = JSON.parse(migrated.stdout) as { shards: { created: string[]; added: string[] }[] };
  assert.deepEqual(report.shards.map((s) => [s.created, s.added]), [[[], ['_local_sysmon.Late']], [['_local_lonely', 'lonely'], []]]);
  assert.equal(await sql(1, db, 'SELECT count() FROM lonely'), '1');
  assert.equal(await sql(0, db, `SELECT comment FROM system.columns WHERE database = '${db}' AND table = '_local_sysmon' AND name = 'Late'`), 'haetae:VARCHAR');
  const again = await haetae('store', 'migrate', '--store', url, '--data', data, '--format', 'json');
  assert.deepEqual((JSON.parse(again.stdout) as { shards: { created: string[]; added: string[] }[] }).shards.map((s) => [s.created, s.added]), [[[], []], [[], []]]);
  const table = await haetae('store', 'migrate', '--store', url, '--data', data);
  assert.match(table.stdout, /_local_lonely\s+MergeTree/);
});

test('store retention drops the day partitions older than --keep, on every shard', async () => {
  const url = freshUrl();
  const data = join(dir, 'retention');
  assert.equal((await haetae('import', '--store', url, '--data', data, eventsFile('retention.jsonl', HOSTS, [1, 20]))).code, 0);
  // Keep from 2024-05-10 (midway between the two days) on.
  const days = Math.floor((Date.now() - Date.UTC(2024, 4, 10)) / 86_400_000);
  assert.equal((await haetae('store', 'retention', '--store', url, '--data', data)).code, 2, 'retention without --keep');
  const r = await haetae('store', 'retention', '--keep', `${days}d`, '--store', url, '--data', data);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^dropped [2-9] day partition\(s\) before 2024-05-1\d: sysmon [2-9]\n$/);
  const left = await haetae('query', '--store', url, '--data', data, '--no-pushdown', '-f', 'json', 'table sysmon | stats count, min(_time) as first');
  assert.deepEqual(JSON.parse(left.stdout), [{ count: 25, first: '2024-05-20T10:00:00.000Z' }]);
});

test('a shard down: import is spooled and acknowledged, stats / migrate / retention name the shard; back up, the spool is sent once', async () => {
  const url = freshUrl();
  const data = join(dir, 'down');
  assert.equal((await haetae('import', '--store', url, '--data', data, eventsFile('before.jsonl', HOSTS, [5]))).code, 0);
  const down = `127.0.0.1:${cluster.nodes[1]!.httpPort}`;
  await cluster.killShard(1);
  try {
    // Import records are kept on every shard: a file is imported whichever shard its key names.
    const other = await haetae('import', '--store', url, '--data', data, eventsFileOnShard(1, 'other.jsonl', HOSTS, [7]));
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /imported 25 events/);
    const imported = await haetae('import', '--store', url, '--data', data, eventsFileOnShard(0, 'during.jsonl', HOSTS, [6]));
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /imported 25 events/);
    assert.match(imported.stderr, new RegExp(`shard ${down} is down`));
    assert.match(imported.stderr, /batch\(es\) stay in .*spool/);

    const stats = await haetae('store', 'stats', '--store', url, '--data', data);
    assert.equal(stats.code, 1);
    assert.match(stats.stdout, new RegExp(`${down}\\s+down`));
    assert.match(stats.stderr, new RegExp(`shard ${down} \\(.*\\) is down: collectors keep its events in their spools \\(this one: 2 batch\\(es\\) in .*spool\\)`));
    const migrate = await haetae('store', 'migrate', '--store', url, '--data', data);
    assert.equal(migrate.code, 1);
    assert.match(migrate.stderr, new RegExp(`shard ${down} .*is down`));
    const retention = await haetae('store', 'retention', '--keep', '1d', '--store', url, '--data', data);
    assert.equal(retention.code, 1);
    assert.match(retention.stderr, new RegExp(`shard ${down} is down`));
    // Nothing was dropped anywhere (checked below: all 75 events are there).
  } finally {
    await cluster.restartShard(1);
  }
  // Opening the store sends the spool.
  const stats = await haetae('store', 'stats', '--store', url, '--data', data, '--format', 'json');
  assert.equal(stats.code, 0, stats.stderr);
  const s = JSON.parse(stats.stdout) as { tables: { name: string; events: number }[]; spooled: { batches: number } };
  assert.deepEqual([s.tables, s.spooled.batches], [[{ name: 'sysmon', events: 75 }], 0]);
});

test('no shard answers: one line saying so, exit 1', async () => {
  const url = 'clickhouse://127.0.0.1:1,127.0.0.1:2/haetae?cluster=haetae';
  for (const args of [['store', 'stats'], ['tables'], ['query', 'table sysmon']]) {
    const r = await haetae(...args, '--store', url, '--data', join(dir, 'nowhere'));
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /^haetae [a-z ]+: clickhouse:\/\/127\.0\.0\.1:1,127\.0\.0\.1:2\/haetae\?cluster=haetae: no shard answers \(.*\); is ClickHouse running\?\n$/, r.stderr);
  }
});
