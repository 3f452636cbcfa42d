/**
 * The DuckDB store: the store contract (src/testing/store-contract.ts) plus what only an
 * embedded DuckDB database does (transactions, the appender, one writing process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBDataChunk, DuckDBInstance, BIGINT, VARCHAR } from '@duckdb/node-api';
import type { Event } from '../event/index.js';
import { allRows as all, CONTRACT_FILES, decodeAll, storeContract } from '../testing/store-contract.js';
import { requireShared } from '../testing/corpus.js';
import { openStore, StoreBusyError, TableMapping, channelSlug, type ImportBatch, type Store } from './index.js';

storeContract('duckdb', (options) => openStore({ memory: true }, options));

test('table names: sysmon, security, channel slugs, user map', () => {
  const m = new TableMapping({ 'Microsoft-Windows-PowerShell/Operational': 'powershell' });
  assert.equal(m.tableFor('Microsoft-Windows-Sysmon/Operational'), 'sysmon');
  assert.equal(m.tableFor('Security'), 'security');
  assert.equal(m.tableFor('microsoft-windows-powershell/operational'), 'powershell');
  assert.equal(channelSlug('Microsoft-Windows-PowerShell/Operational'), 'powershell_operational');
  assert.equal(channelSlug('Windows PowerShell'), 'windows_powershell');
  assert.equal(channelSlug(''), 'unknown');
  assert.equal(channelSlug('7-Zip/Log'), 't_7_zip_log');
});

test('appender rows join the explicit transaction on their connection (ROLLBACK discards them)', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run('CREATE TABLE t (a BIGINT, b VARCHAR)');
  await c.run('BEGIN TRANSACTION');
  const app = await c.createAppender('t');
  const chunk = DuckDBDataChunk.create([BIGINT, VARCHAR], 2);
  chunk.setColumnValues(0, [1n, 2n]);
  chunk.setColumnValues(1, ['x', null]);
  app.appendDataChunk(chunk);
  app.flushSync();
  app.closeSync();
  const other = await db.connect();
  assert.deepEqual((await other.runAndReadAll('SELECT count(*) FROM t')).getRows(), [[0n]]);
  await c.run('ROLLBACK');
  assert.deepEqual((await c.runAndReadAll('SELECT count(*) FROM t')).getRows(), [[0n]]);
  db.closeSync();
});

test('readers during an import see only whole committed batches', async () => {
  const store = await openStore({ memory: true }, { commitEvery: 400 });
  try {
    const events = await decodeAll(requireShared(CONTRACT_FILES[1]!));
    assert.ok(events.length > 0);
    const copies: Event[] = [];
    while (copies.length < 4000) copies.push(...events);
    async function* slow(): AsyncGenerator<ImportBatch> {
      for (let i = 0; i < copies.length; i += 100) { await new Promise((r) => setImmediate(r)); yield { events: copies.slice(i, i + 100) }; }
    }
    const importing = store.importEvents('events', slow());
    let done = false;
    void importing.then(() => { done = true; }, () => { done = true; });
    const seen: number[] = [];
    while (!done) {
      if ((await store.columns('events')) === null) continue;
      const [r] = await all(store.runSql('SELECT count(*) AS n, coalesce(max(_id), 0) AS m FROM events'));
      assert.equal(r.n, r.m, 'ids are contiguous in every snapshot');
      assert.ok((r.n as number) % 400 === 0 || r.n === copies.length, `count ${String(r.n)} is a whole number of commits`);
      seen.push(r.n as number);
    }
    await importing;
    assert.ok(seen.some((n) => n > 0 && n < copies.length), `saw an import in progress: ${seen.join(',')}`);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  } finally {
    await store.close();
  }
});

test('a data directory busy in another process gives an error naming it and what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-busy-'));
  const index = fileURLToPath(new URL('./index.js', import.meta.url));
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    `const { openStore } = await import(${JSON.stringify(index)}); const s = await openStore({ dataDir: ${JSON.stringify(dir)} }); process.stdout.write('open\\n'); process.stdin.on('end', async () => { await s.close(); }); process.stdin.resume();`,
  ], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => { child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('open')) res(); }); child.on('exit', () => rej(new Error('child exited'))); });
  try {
    await assert.rejects(openStore({ dataDir: dir }), (e: unknown) => {
      assert.ok(e instanceof StoreBusyError);
      assert.match(e.message, new RegExp(`data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another process.*use another --data directory`));
      return true;
    });
  } finally {
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
  }
  const store: Store = await openStore({ dataDir: dir });
  await store.close();
});

test('DuckDB memory limit: 40% of the machine by default, HAETAE_DUCKDB_MEMORY to change it, a bad value named', async () => {
  const setting = async (): Promise<string> => {
    const store = await openStore({ memory: true });
    try {
      const rows = await all(store.runSql("SELECT current_setting('memory_limit') AS m"));
      return String(rows[0]!['m']);
    } finally {
      await store.close();
    }
  };
  const saved = process.env['HAETAE_DUCKDB_MEMORY'];
  try {
    delete process.env['HAETAE_DUCKDB_MEMORY'];
    const gib = (text: string): number => {
      const m = /^([\d.]+) (KiB|MiB|GiB|TiB)$/.exec(text);
      assert.ok(m, text);
      return Number(m[1]) * { KiB: 2 ** -20, MiB: 2 ** -10, GiB: 1, TiB: 1024 }[m[2] as 'KiB'];
    };
    const expected = (totalmem() * 0.4) / 2 ** 30;
    assert.ok(Math.abs(gib(await setting()) - expected) < 0.05 * expected + 0.01, await setting());
    process.env['HAETAE_DUCKDB_MEMORY'] = '1GB';
    assert.ok(Math.abs(gib(await setting()) - 0.93) < 0.01);
    process.env['HAETAE_DUCKDB_MEMORY'] = 'lots';
    await assert.rejects(openStore({ memory: true }), /HAETAE_DUCKDB_MEMORY=lots: not a size/);
  } finally {
    if (saved === undefined) delete process.env['HAETAE_DUCKDB_MEMORY']; else process.env['HAETAE_DUCKDB_MEMORY'] = saved;
  }
});
