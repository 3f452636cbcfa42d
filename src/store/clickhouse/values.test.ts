import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindParameters, decodeValue, encodeValue, literal, logicalTypeOf, quoteString } from './values.js';
import { describeAddress, isClickHouseUrl, parseClickHouseUrl } from './url.js';
import { supportedVersion } from './store.js';

test('parameters are bound outside strings and quoted identifiers, as typed literals', () => {
  assert.equal(bindParameters(`SELECT "a$1", '$1', $1, $2, $3 FROM t WHERE x = $10`, ['x', 1, 1.5, null, null, null, null, null, null, true]),
    `SELECT "a$1", '$1', 'x', toInt64(1), toFloat64(1.5) FROM t WHERE x = 1`);
  assert.equal(bindParameters(`SELECT 'it\\'s $1', $1`, ["o'neil\\"]), `SELECT 'it\\'s $1', 'o\\'neil\\\\'`);
  assert.equal(bindParameters('SELECT $1', [new Date('2024-05-01T10:00:00.123Z')]), 'SELECT toInt64(1714557600123000)');
  assert.throws(() => bindParameters('SELECT $2', ['a']), /\$2 has no value/);
  assert.equal(literal(Number.NaN), 'nan');
  assert.equal(quoteString('a\0b'), "'a\\0b'");
});

test('logical types come from column comments, or are guessed from the physical type', () => {
  assert.equal(logicalTypeOf('Nullable(Int64)', 'haetae:TIMESTAMP'), 'TIMESTAMP');
  assert.equal(logicalTypeOf('Nullable(String)', 'haetae:JSON'), 'JSON');
  assert.equal(logicalTypeOf('Nullable(UInt8)', ''), 'BOOLEAN');
  assert.equal(logicalTypeOf('DateTime', ''), 'TIMESTAMP');
  assert.equal(logicalTypeOf('LowCardinality(String)', 'haetae:nonsense'), 'VARCHAR');
});

test('values round-trip through their ClickHouse form', () => {
  const d = new Date('2024-05-01T10:00:00.123Z');
  assert.deepEqual(decodeValue(encodeValue(d, 'TIMESTAMP'), 'TIMESTAMP'), d);
  assert.equal(decodeValue(encodeValue(true, 'BOOLEAN'), 'BOOLEAN'), true);
  assert.deepEqual(decodeValue(encodeValue(['a', 'b'], 'VARCHAR[]'), 'VARCHAR[]'), ['a', 'b']);
  assert.deepEqual(decodeValue(encodeValue([], 'VARCHAR[]'), 'VARCHAR[]'), []);
  assert.equal(encodeValue('x', 'BIGINT'), null, 'a value that does not fit its column is not stored');
});

test('store addresses: shards, database, cluster, credentials; errors name the part', () => {
  const a = parseClickHouseUrl('clickhouse://u:p%40ss@10.0.0.5:8123,[::1]:8124/logs?cluster=prod');
  assert.deepEqual(a.shards, [{ host: '10.0.0.5', port: 8123 }, { host: '::1', port: 8124 }]);
  assert.deepEqual([a.database, a.cluster, a.user, a.password, a.secure], ['logs', 'prod', 'u', 'p@ss', false]);
  assert.equal(describeAddress(a), 'clickhouse://10.0.0.5:8123,[::1]:8124/logs?cluster=prod');
  const one = parseClickHouseUrl('clickhouses://ch.example');
  assert.deepEqual([one.shards, one.database, one.cluster, one.secure], [[{ host: 'ch.example', port: 8123 }], 'haetae', null, true]);
  assert.equal(parseClickHouseUrl('clickhouse://a:1,b:2/x').cluster, 'haetae');
  assert.throws(() => parseClickHouseUrl('clickhouse://a:99999/x'), /port 99999/);
  assert.throws(() => parseClickHouseUrl('clickhouse://a/x-y'), /database 'x-y'/);
  assert.throws(() => parseClickHouseUrl('clickhouse://a/x?shards=2'), /unknown option 'shards'/);
  assert.ok(isClickHouseUrl('ClickHouse://a') && !isClickHouseUrl('./haetae-data'));
});

test('server versions: 18.16 and later are supported', () => {
  assert.ok(supportedVersion('18.16.1'));
  assert.ok(supportedVersion('24.8.4.13'));
  assert.ok(!supportedVersion('18.14.19'));
  assert.ok(!supportedVersion('garbage'));
});
