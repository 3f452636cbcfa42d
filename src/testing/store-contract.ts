/**
 * The store contract suite: what every Store backend must do, run unchanged against the
 * embedded DuckDB store (src/store/store.test.ts) and the ClickHouse cluster store
 * (src/store/clickhouse/store.test.ts). Each test opens a fresh, empty store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { IpAddress, newRow, type Row } from '../query/value.js';
import { TableMapping, type ImportBatch, type Store, type StoreOptions } from '../store/index.js';
import { corpusRoot, requireShared } from './corpus.js';

/** Opens a fresh, empty store of the backend under test. */
export type OpenStore = (options?: StoreOptions) => Promise<Store>;

const EVTX = join(corpusRoot, 'evtx', 'EVTX-to-MITRE-Attack');
/** Corpus files the contract imports: Sysmon, Security, PowerShell EVTX and an NXLog JSON export. */
export const CONTRACT_FILES = [
  join(EVTX, 'TA0006-Credential Access', 'T1003-Credential dumping', 'ID1-LSASS dump with LSASSY (SYSMON).evtx'),
  join(EVTX, 'TA0008-Lateral Movement', 'T1550-Use Alternate Authentication Material', 'ID4624-Mimikatz Pass the hash.evtx'),
  join(EVTX, 'TA0008-Lateral Movement', 'T1021.003-Distributed Component Object Model (DCOM)', 'ID4103,4104-DCOMexec native via PowerShell.evtx'),
  join(corpusRoot, 'json', 'covenant_copy_smb_CreateRequest.json.gz'),
];

/** Every event of a file, decoded. */
export async function decodeAll(file: string): Promise<Event[]> {
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

/** All rows of a stream. */
export async function allRows(it: AsyncIterable<Row[]>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const rows of it) out.push(...rows);
  return out;
}

/** Registers the contract's tests, named `label: …`. */
export function storeContract(label: string, open: OpenStore): void {
  const FILES = CONTRACT_FILES.map(requireShared);
  const all = allRows;
  test(`${label}: imports corpus EVTX and NXLog events: per-table counts and every value read back as decoded`, async () => {
    const store = await open({ commitEvery: 700 });
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
      const [count] = await all(store.runSql('SELECT count(*) AS n, max(_id) AS m, min(event_id) AS lo, max(event_id) AS hi FROM security WHERE event_id = $1', [4624]));
      assert.equal(count.n, sec.filter((e) => e.event_id === 4624).length);
      assert.deepEqual([count.lo, count.hi], [4624, 4624]);
      for (const f of FILES) assert.equal((await store.importState(f))?.complete, true);
    } finally {
      await store.close();
    }
  });

  test(`${label}: a data field colliding in case, or not fitting its column, is kept in _extra and read back`, async () => {
    const store = await open();
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

  test(`${label}: writeRows round-trips strings, integers, doubles, booleans, dates, string lists, mixed values`, async () => {
    const store = await open();
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

  test(`${label}: re-importing a source that is complete adds nothing; its state says complete`, async () => {
    const store = await open();
    try {
      const file = FILES[1]!;
      const first = await store.importEvents('auto', asBatches([file]));
      assert.ok(first.events > 0);
      assert.deepEqual(await store.importState(file), { events: first.events, complete: true });
      const states = await store.importStates([file, 'never-imported']);
      assert.deepEqual([...states.keys()], [file]);
      const [before] = await all(store.runSql('SELECT count(*) AS n FROM security'));
      assert.equal(before!.n, first.events);
    } finally {
      await store.close();
    }
  });

  test(`${label}: appendRows creates, appends and adds columns; updateRows changes only the keyed rows`, async () => {
    const store = await open();
    try {
      const row = (o: Record<string, unknown>): Row => Object.assign(newRow(), o) as Row;
      const columns = [{ name: '_id', type: 'BIGINT' }, { name: '_time', type: 'TIMESTAMP' }, { name: 'name', type: 'VARCHAR' }, { name: '_extra', type: 'JSON' }];
      await store.appendRows('log', columns, [row({ _id: 1, _time: new Date('2024-05-01T10:00:00Z'), name: 'a', _extra: row({ DestinationIp: '203.0.113.7' }) })]);
      await store.appendRows('log', [...columns, { name: 'count', type: 'BIGINT' }], [row({ _id: 2, _time: new Date('2024-05-01T10:00:01Z'), name: 'b', count: 5 })]);
      assert.deepEqual((await store.columns('log'))!.map((c) => `${c.name} ${c.type}`), ['_id BIGINT', '_time TIMESTAMP', 'name VARCHAR', '_extra JSON', 'count BIGINT']);
      await store.updateRows('log', '_id', [{ key: 2, values: row({ count: 7 }) }]);
      await assert.rejects(store.updateRows('log', '_id', [{ key: 1, values: row({ count: 9 }) }, { key: 2, values: row({ nope: 1 }) }]), /no column 'nope'/);
      assert.deepEqual((await all(store.scan('log', { order: 'asc' }))).map((r) => ({ ...r })), [
        { _table: 'log', _id: 1, _time: new Date('2024-05-01T10:00:00Z'), name: 'a', DestinationIp: '203.0.113.7' },
        { _table: 'log', _id: 2, _time: new Date('2024-05-01T10:00:01Z'), name: 'b', count: 7 },
      ]);
      assert.ok((await store.tableNames()).includes('log'));
    } finally {
      await store.close();
    }
  });
}
