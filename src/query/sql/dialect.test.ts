/**
 * The SQL each dialect writes for the same queries, spelled out: DuckDB's is the SQL
 * pushdown wrote before dialects existed (byte for byte), ClickHouse's the overrides of
 * clickhouse.ts. Whether that SQL gives the JS pipeline's rows is tested by running it
 * (../conformance*.test.ts, clickhouse.test.ts); this pins the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../parser.js';
import { pushdown, type TableSchema } from './pushdown.js';
import { clickhouse } from './clickhouse.js';
import { duckdb } from './duckdb.js';
import type { SqlDialect } from './dialect.js';

const SCHEMA: TableSchema = {
  name: 'ev',
  extraFields: [],
  columns: [
    { name: '_time', type: 'TIMESTAMP' }, { name: '_id', type: 'BIGINT' }, { name: 'Image', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' }, { name: 'line', type: 'VARCHAR' },
  ],
};
const NOW = new Date(Date.UTC(2024, 4, 2));

function sqlOf(query: string, dialect?: SqlDialect): [string, ReadonlyArray<string | number>] {
  const p = pushdown(parseQuery(query).commands, SCHEMA, NOW, dialect);
  assert.ok(p, 'pushed');
  return [p.sql, p.parameters];
}

const WILDCARD_STATS = 'table duration=1h ev | search Image == "C:\\\\*.exe" and n > 2 | stats count, dc(Image) as d, sum(n) as t by Image';
const CONTAINS_EVAL = 'table offset=1 ev | search line == "*Create*" or isnull(n) | eval i = indexof(line, ":") + 3, b = true | fields i, b';

test('DuckDB: the SQL pushdown wrote before dialects, unchanged (and the default dialect)', () => {
  const stats: [string, ReadonlyArray<string | number>] = [
    "SELECT \"Image\" AS \"__h0\", count(*) AS \"__h1\", count(DISTINCT \"Image\") AS \"__h2\", sum(CAST(\"n\" AS DOUBLE)) AS \"__h3\" FROM (SELECT * FROM (SELECT * FROM \"ev\" WHERE \"_time\" >= CAST($1 AS VARCHAR)::TIMESTAMP) AS s0 WHERE coalesce((coalesce(coalesce((\"Image\" ILIKE CAST($2 AS VARCHAR) ESCAPE '\\'), FALSE), FALSE) AND coalesce((\"n\" > CAST($3 AS BIGINT)), FALSE)), FALSE)) AS s1 GROUP BY 1",
    ["2024-05-01T23:00:00.000Z","C:\\\\%.exe",2],
  ];
  assert.deepEqual(sqlOf(WILDCARD_STATS), stats);
  assert.deepEqual(sqlOf(WILDCARD_STATS, duckdb), stats);
  assert.deepEqual(sqlOf(CONTAINS_EVAL), [
    "SELECT \"__h0\", \"__h1\" FROM (SELECT *, TRUE AS \"__h1\" FROM (SELECT *, (CAST((strpos(\"line\", CAST($3 AS VARCHAR)) - 1) AS DOUBLE) + CAST(CAST($4 AS BIGINT) AS DOUBLE)) AS \"__h0\" FROM (SELECT * FROM (SELECT * FROM \"ev\" ORDER BY \"_time\" DESC, \"_id\" DESC OFFSET CAST($1 AS BIGINT)) AS s0 WHERE coalesce((coalesce(coalesce(contains(\"line\", CAST($2 AS VARCHAR)), FALSE), FALSE) OR coalesce((\"n\" IS NULL), FALSE)), FALSE)) AS s1) AS s2) AS result ORDER BY \"_time\" DESC, \"_id\" DESC",
    [1,"Create",":",3],
  ]);
});

test('ClickHouse: $n placeholders, 1/0, micros, RE2 classes for wildcards, names in GROUP BY, a literal LIMIT before OFFSET', () => {
  assert.deepEqual(sqlOf(WILDCARD_STATS, clickhouse), [
    "SELECT \"Image\" AS \"__h0\", count(*) AS \"__h1\", coalesce(count(DISTINCT \"Image\"), 0) AS \"__h2\", sum(toFloat64(\"n\")) AS \"__h3\" FROM (SELECT * FROM (SELECT * FROM \"ev\" WHERE \"_time\" >= $1) AS s0 WHERE coalesce((coalesce(coalesce(match(\"Image\", $2), 0), 0) AND coalesce((\"n\" > $3), 0)), 0)) AS s1 GROUP BY \"__h0\"",
    [1714604400000000,"(?s)^[cC]\\x3a\\x5c.*\\x2e[eE][xX][eE]$",2],
  ]);
  assert.deepEqual(sqlOf(CONTAINS_EVAL, clickhouse), [
    "SELECT \"__h0\", \"__h1\" FROM (SELECT *, 1 AS \"__h1\" FROM (SELECT *, (toFloat64((positionUTF8(\"line\", $2) - 1)) + toFloat64($3)) AS \"__h0\" FROM (SELECT * FROM (SELECT * FROM \"ev\" ORDER BY \"_time\" DESC, \"_id\" DESC LIMIT 9007199254740991 OFFSET 1) AS s0 WHERE coalesce((coalesce(coalesce((position(\"line\", $1) > 0), 0), 0) OR coalesce((\"n\" IS NULL), 0)), 0)) AS s1) AS s2) AS result ORDER BY \"_time\" DESC, \"_id\" DESC",
    ["Create",":",3],
  ]);
});

test('ClickHouse: general patterns with non-ASCII letters and list columns stay in JS', () => {
  assert.equal(pushdown(parseQuery('table ev | search Image == "É*.exe"').commands, SCHEMA, NOW, clickhouse)?.commandCount, 1);
  const withList: TableSchema = { ...SCHEMA, columns: [...SCHEMA.columns, { name: 'tags', type: 'VARCHAR[]' }] };
  assert.equal(pushdown(parseQuery('table ev | eval x = isnull(tags)').commands, withList, NOW, clickhouse)?.commandCount, 1);
  assert.equal(pushdown(parseQuery('table ev | eval x = isnull(tags)').commands, withList, NOW, duckdb)?.commandCount, 2);
});

