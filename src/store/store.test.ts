import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBDataChunk, DuckDBInstance, BIGINT, VARCHAR } from '@duckdb/node-api';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { IpAddress, newRow, type Row } from '../query/value.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';
import { openStore, StoreBusyError, TableMapping, channelSlug, type ImportBatch, type Store } from './index.js';

const EVTX = join(corpusRoot, 'evtx', 'EVTX-to-MITRE-Attack');
const FILES = [
  join(EVTX, 'TA0006-Credential Access', 'T1003-Credential dumping', 'ID1-LSASS dump with LSASSY (SYSMON).evtx'),
  join(EVTX, 'TA0008-Lateral Movement', 'T1550-Use Alternate Authentication Material', 'ID4624-Mimikatz Pass the hash.evtx'),
  join(EVTX, 'TA0008-Lateral Movement', 'T1021.003-Distributed Component Object Model (DCOM)', 'ID4103,4104-DCOMexec native via PowerShell.evtx'),
  join(corpusRoot, 'json', 'covenant_copy_smb_CreateRequest.json.gz'),
].map(requireShared);

async function decodeAll(file: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const b of decodeFile(file)) out.push(...b.events);
  return out;
}

async function* asBatches(files: readonly string[]): AsyncGenerator<ImportBatch> {
  for (const f of files) {
    for await (const b of decodeFile(f)) yield { events: b.events, source: { key: f, name: f } };
    yield { events: [], source: { key: f, name: f }, sourceDone: true };
  }
}

async function all(it: AsyncIterable<Row[]>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const rows of it) out.push(...rows);
  return out;
}

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

test('imports corpus EVTX and NXLog events: per-table counts and every value read back as decoded', async () => {
  const store = await openStore({ memory: true }, { commitEvery: 700 });
  try {
    const result = await store.importEvents('auto', asBatches(FILES));
    const expected = new Map<string, Event[]>();
    const mapping = new TableMapping();
    for (const f of FILES) for (const e of await decodeAll(f)) {
      const t = mapping.tableFor(e.channel);
      expected.set(t, [...(expected.get(t) ?? []), e]);
    }
    assert.ok(expected.has('sysmon') && expected.has('security') && expected.has('powershell_operational'), [...expected.keys()].join());
    const tables = await store.tables();
    assert.deepEqual(new Map(tables.map((t) => [t.name, t.events])), new Map([...expected].map(([t, es]) => [t, es.length])));
    assert.equal(result.events, [...expected.values()].reduce((n, es) => n + es.length, 0));
    const sysmonCols = new Map((await store.columns('sysmon'))!.map((c) => [c.name, c.type]));
    assert.equal(sysmonCols.get('ProcessId'), 'BIGINT');
    assert.equal(sysmonCols.get('Image'), 'VARCHAR');
    assert.equal(sysmonCols.get('_time'), 'TIMESTAMP');
    assert.equal(sysmonCols.get('event_id'), 'INTEGER');
    for (const [table, events] of expected) {
      // Expected order: _time, then import order (stable sort).
      const want = events.map((e, i) => ({ e, i, t: Date.parse(e._time) })).sort((a, b) => a.t - b.t || a.i - b.i);
      const rows = await all(store.scan(table, { order: 'asc' }));
      assert.equal(rows.length, want.length, table);
      rows.forEach((row, k) => {
        const e = want[k].e;
        assert.equal(row._table, table);
        assert.equal((row._time as Date).getTime(), Date.parse(e._time), `${table} ${k}`);
        for (const f of ['host', 'channel', 'provider', 'event_id', 'record_id', 'process_id', 'user_sid', 'line'] as const) {
          if (e[f] !== null) assert.equal(row[f], e[f], `${table} ${k} ${f}`);
          else assert.ok(!(f in row));
        }
        for (const [name, v] of Object.entries(e.data)) {
          if (v === null) assert.ok(!(name in row) || name === 'line');
          else assert.deepEqual(row[name], v, `${table} row ${k} ${name}`);
        }
        assert.equal(Object.keys(row).at(-1), 'line');
      });
      const desc = await all(store.scan(table, { order: 'desc', limit: 3, offset: 1 }));
      assert.deepEqual(desc.map((r) => r._id), rows.slice(-4, -1).reverse().map((r) => r._id));
    }
    const sec = expected.get('security')!;
    const mid = new Date(Date.parse(sec[Math.floor(sec.length / 2)]._time));
    const after = await all(store.scan('security', { from: mid, order: 'asc' }));
    assert.equal(after.length, sec.filter((e) => Date.parse(e._time) >= mid.getTime()).length);
    assert.ok(after.length > 0 && after.length < sec.length);
    const [count] = await all(store.runSql('SELECT count(*) AS n, max(_id) AS m, list(DISTINCT event_id ORDER BY event_id) AS ids FROM security WHERE event_id = $1', [4624]));
    assert.equal(count.n, sec.filter((e) => e.event_id === 4624).length);
    assert.deepEqual(count.ids, [4624]);
    for (const f of FILES) assert.equal((await store.importState(f))?.complete, true);
  } finally {
    await store.close();
  }
});

test('a data field colliding in case, or not fitting its column, is kept in _extra and read back', async () => {
  const store = await openStore({ memory: true });
  try {
    const base: Event = {
      _time: '2024-05-01T10:00:00.1234567Z', host: 'WEB01', channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon',
      provider_guid: null, event_id: 1, qualifiers: null, version: 5, level: 4, task: 1, opcode: 0, keywords: '0x8000000000000000', record_id: 7,
      process_id: 4, thread_id: 8, user_sid: null, activity_id: null, related_activity_id: null, data: { ProcessId: 4120, Image: 'C:\\x.exe' }, line: 'Process Create:',
    };
    const odd: Event = { ...base, record_id: 8, data: { ProcessId: '0x1018', processid: 'lower', Host: 'data host', Tags: ['a', 'b'], Ratio: 0.5 } };
    await store.importEvents('sysmon', [{ events: [base, odd] }]);
    const rows = await all(store.scan('sysmon', { order: 'asc' }));
    assert.equal(rows[0].ProcessId, 4120);
    assert.equal(rows[1].ProcessId, '0x1018');
    assert.equal(rows[1].processid, 'lower');
    assert.equal(rows[1].Host, 'data host');
    assert.equal(rows[1].host, 'WEB01');
    assert.deepEqual(rows[1].Tags, ['a', 'b']);
    assert.equal(rows[1].Ratio, 0.5);
    const [x] = await all(store.runSql('SELECT _extra FROM sysmon WHERE record_id = 8'));
    assert.equal(x.ProcessId, '0x1018');
  } finally {
    await store.close();
  }
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
    const events = await decodeAll(FILES[1]);
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

test('writeRows round-trips strings, integers, doubles, booleans, dates, string lists, mixed values', async () => {
  const store = await openStore({ memory: true });
  try {
    const rows: Row[] = [
      Object.assign(newRow(), { s: 'a', i: 1, d: 1.5, b: true, t: new Date('2024-05-01T10:00:00.123Z'), l: ['x', 'y'], m: 1, ip: new IpAddress('10.0.0.1', new Uint8Array([10, 0, 0, 1])) }),
      Object.assign(newRow(), { s: 'b', i: -(2 ** 40), d: 3, b: false, t: new Date(0), l: [], m: 'two', ['__proto__']: 'p' }),
      Object.assign(newRow(), { s: null, m: [1, 'x'] }),
    ];
    await store.writeRows('fixture', rows);
    const cols = new Map((await store.columns('fixture'))!.map((c) => [c.name, c.type]));
    assert.deepEqual([...cols.values()], ['BIGINT', 'VARCHAR', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP', 'VARCHAR[]', 'JSON', 'VARCHAR', 'VARCHAR']);
    const back = await all(store.scan('fixture'));
    assert.equal(back.length, 3);
    assert.deepEqual({ ...back[0] }, { _table: 'fixture', _id: 3, s: 'a', i: 1, d: 1.5, b: true, t: new Date('2024-05-01T10:00:00.123Z'), l: ['x', 'y'], m: 1, ip: '10.0.0.1' });
    assert.equal(back[1].i, -(2 ** 40));
    assert.equal(back[1].d, 3);
    assert.equal(back[1].m, 'two');
    assert.equal(back[1].__proto__, 'p');
    assert.deepEqual(back[1].l, []);
    assert.deepEqual({ ...back[2] }, { _table: 'fixture', _id: 1, m: [1, 'x'] });
    await store.writeRows('fixture', [Object.assign(newRow(), { only: 1 })]);
    assert.deepEqual((await store.columns('fixture'))!.map((c) => c.name), ['_id', 'only']);
    await store.dropTable('fixture');
    assert.equal(await store.columns('fixture'), null);
    await assert.rejects(store.writeRows('bad name', []), /not a valid table name/);
    await assert.rejects(store.writeRows('x', [Object.assign(newRow(), { a: 1, A: 2 })]), /differ only in case/);
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
