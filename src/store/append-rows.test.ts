import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newRow, type Row } from '../query/value.js';
import { emptyEvent } from '../event/index.js';
import { openStore } from './index.js';

async function all(it: AsyncIterable<Row[]>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const rows of it) out.push(...rows);
  return out;
}

const row = (o: Record<string, unknown>): Row => Object.assign(newRow(), o) as Row;

test('appendRows creates the table, appends, adds missing columns; _extra JSON is merged on reading like an event table', async () => {
  const store = await openStore({ memory: true });
  try {
    const columns = [{ name: '_id', type: 'BIGINT' }, { name: '_time', type: 'TIMESTAMP' }, { name: 'name', type: 'VARCHAR' }, { name: '_extra', type: 'JSON' }];
    await store.appendRows('log', columns, [row({ _id: 1, _time: new Date('2024-05-01T10:00:00Z'), name: 'a', _extra: row({ DestinationIp: '203.0.113.7' }) })]);
    await store.appendRows('log', columns, [row({ _id: 2, _time: new Date('2024-05-01T10:00:01Z'), name: 'b', _extra: null })]);
    await store.appendRows('log', [...columns, { name: 'count', type: 'BIGINT' }], [row({ _id: 3, _time: new Date('2024-05-01T10:00:02Z'), name: 'c', count: 5 })]);
    assert.deepEqual((await store.columns('log'))!.map((c) => `${c.name} ${c.type}`), ['_id BIGINT', '_time TIMESTAMP', 'name VARCHAR', '_extra JSON', 'count BIGINT']);
    const rows = await all(store.scan('log', { order: 'asc' }));
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { _table: 'log', _id: 1, _time: new Date('2024-05-01T10:00:00Z'), name: 'a', DestinationIp: '203.0.113.7' },
      { _table: 'log', _id: 2, _time: new Date('2024-05-01T10:00:01Z'), name: 'b' },
      { _table: 'log', _id: 3, _time: new Date('2024-05-01T10:00:02Z'), name: 'c', count: 5 },
    ]);
    assert.ok((await store.tableNames()).includes('log'), 'a user table: `table log` finds it');
  } finally {
    await store.close();
  }
});

test('appendRows writes JS numbers into 32-bit, small and floating columns; a wrong value names its column', async () => {
  const store = await openStore({ memory: true });
  try {
    const types = ['INTEGER', 'SMALLINT', 'TINYINT', 'UINTEGER', 'FLOAT', 'DOUBLE', 'BIGINT', 'HUGEINT'];
    const columns = types.map((type) => ({ name: type.toLowerCase(), type }));
    await store.appendRows('n', columns, [row(Object.fromEntries(columns.map((c) => [c.name, 5]))), row(Object.fromEntries(columns.map((c) => [c.name, null])))]);
    const rows = await all(store.runSql(`SELECT ${columns.map((c) => c.name).join(', ')} FROM n ORDER BY integer NULLS LAST`));
    assert.deepEqual(rows.map((r) => columns.map((c) => r[c.name] ?? null)), [types.map(() => 5), types.map(() => null)]);
    await assert.rejects(store.appendRows('n', columns, [row({ integer: 7.5 })]), /column 'integer' \(INTEGER\)/);
  } finally {
    await store.close();
  }
});

test('appendRows into an event table fills its hidden recipe flag column too', async () => {
  const store = await openStore({ memory: true });
  try {
    const e = { ...emptyEvent(), _time: '2024-05-01T10:00:00.0000000Z', host: 'h', channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon', event_id: 1, record_id: 1, data: { Image: 'a.exe' }, line: 'Process Create:\r\nImage: a.exe' };
    await store.importEvents('sysmon', [{ events: [e] }]);
    // A later import adds a column after the flag's.
    await store.importEvents('sysmon', [{ events: [{ ...e, record_id: 2, data: { Image: 'b.exe', Rule: 'r' } }] }]);
    assert.ok(await store.lineKvFields?.('sysmon'), 'the import wrote the flag column');
    const columns = (await store.columns('sysmon'))!;
    await store.appendRows('sysmon', columns, [row({ _time: new Date('2024-05-01T10:00:01Z'), host: 'h', record_id: 3, Image: 'c.exe', Rule: 's' })]);
    assert.deepEqual((await all(store.scan('sysmon', { order: 'asc' }))).map((r) => [r['record_id'], r['Image'], r['Rule'] ?? null]), [[1, 'a.exe', null], [2, 'b.exe', 'r'], [3, 'c.exe', 's']]);
  } finally {
    await store.close();
  }
});

test('updateRows sets columns of the rows with the key, in one transaction; an unknown column rolls it back', async () => {
  const store = await openStore({ memory: true });
  try {
    const columns = [{ name: '_id', type: 'BIGINT' }, { name: 'count', type: 'BIGINT' }];
    await store.appendRows('t', columns, [row({ _id: 1, count: 1 }), row({ _id: 2, count: 1 })]);
    await store.updateRows('t', '_id', [{ key: 2, values: row({ count: 7 }) }]);
    assert.deepEqual((await all(store.runSql('SELECT _id, count FROM t ORDER BY _id'))).map((r) => [r['_id'], r['count']]), [[1, 1], [2, 7]]);
    await assert.rejects(store.updateRows('t', '_id', [{ key: 1, values: row({ count: 9 }) }, { key: 2, values: row({ nope: 1 }) }]), /no column 'nope'/);
    assert.deepEqual((await all(store.runSql('SELECT _id, count FROM t ORDER BY _id'))).map((r) => [r['_id'], r['count']]), [[1, 1], [2, 7]]);
  } finally {
    await store.close();
  }
});
