import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAggregateArity, createAccumulator, isAggregateName, MAX_COLLECTED } from './aggregates.js';
import type { AggregateName } from './ast.js';
import { parseIp } from './functions.js';
import type { Value } from './value.js';

/** Feeds one-argument rows to a fresh accumulator. */
function run(fn: AggregateName, values: readonly Value[], extra: Value[] = []): Value {
  const acc = createAccumulator(fn, 1 + extra.length);
  for (const v of values) acc.add([v, ...extra]);
  return acc.result();
}

/** The same values split over two accumulators, merged: must equal one pass. */
function runMerged(fn: AggregateName, values: readonly Value[], extra: Value[] = []): Value {
  const half = Math.floor(values.length / 2);
  const a = createAccumulator(fn, 1 + extra.length);
  const b = createAccumulator(fn, 1 + extra.length);
  values.slice(0, half).forEach((v) => a.add([v, ...extra]));
  values.slice(half).forEach((v) => b.add([v, ...extra]));
  a.merge(b);
  return a.result();
}

const SAMPLE: Value[] = [3, null, '5', 'n/a', 1, '-', 7, 2];

test('count counts rows; count(e) counts non-null values', () => {
  const rows = createAccumulator('count', 0);
  for (let i = 0; i < 4; i++) rows.add([]);
  assert.equal(rows.result(), 4);
  assert.equal(createAccumulator('count', 0).result(), 0);
  assert.equal(run('count', [1, null, '', null, 0]), 3);
  assert.equal(runMerged('count', [1, null, '', null, 0]), 3);
});

test('sum and avg read numbers and numeric text, skip the rest, and are null with nothing', () => {
  assert.equal(run('sum', SAMPLE), 18);
  assert.equal(run('avg', SAMPLE), 18 / 5);
  assert.equal(runMerged('avg', SAMPLE), 18 / 5);
  assert.equal(run('sum', []), null);
  assert.equal(run('avg', [null, 'x']), null);
  assert.equal(run('sum', ['1.5', ' 2 ', '0']), 3.5);
  assert.equal(run('avg', [true, [1], 4]), 4);
});

test('min and max use the query language order across types', () => {
  assert.equal(run('min', [3, null, 1, 2]), 1);
  assert.equal(run('max', [3, null, 1, 2]), 3);
  assert.equal(run('max', [9, '10']), '10'); // strings sort after numbers
  assert.equal(run('max', ['9', '10']), '9'); // text compares as text
  assert.equal(run('min', ['b', 'A', 'c']), 'A');
  assert.equal(run('max', ['b', 'A', 'C']), 'C');
  assert.equal(run('min', [null, null]), null);
  assert.equal(runMerged('max', [5, 1, 9, 2]), 9);
  assert.equal(runMerged('min', [5, 1, 9, 2]), 1);
  assert.equal((run('max', [parseIp('10.0.0.9'), parseIp('10.0.0.10')]) as { text: string }).text, '10.0.0.10');
});

test('first and last are in input order and skip nulls', () => {
  assert.equal(run('first', [null, 'a', 'b', null]), 'a');
  assert.equal(run('last', [null, 'a', 'b', null]), 'b');
  assert.equal(run('first', []), null);
  assert.equal(runMerged('first', ['a', 'b', 'c', 'd']), 'a');
  assert.equal(runMerged('last', ['a', 'b', 'c', 'd']), 'd');
  assert.equal(runMerged('last', ['a', 'b', null, null]), 'b');
});

test('dc counts distinct non-null values, type- and case-sensitively', () => {
  assert.equal(run('dc', ['a', 'A', 'a', null, 1, '1', 1.0, [1], [1], new Date(0), new Date(0)]), 6);
  assert.equal(run('dc', []), 0);
  assert.equal(runMerged('dc', ['x', 'y', 'x', 'z', 'y']), 3);
});

test('values: unique, sorted, at most 100; array: input order, at most 100', () => {
  assert.deepEqual(run('values', ['b', 'a', null, 'b', 2, 'A']), [2, 'A', 'a', 'b']);
  assert.deepEqual(run('values', []), []);
  const many = Array.from({ length: 250 }, (_, i) => i % 150);
  const values = run('values', many) as number[];
  assert.equal(values.length, MAX_COLLECTED);
  assert.deepEqual(values, Array.from({ length: 100 }, (_, i) => i)); // the first 100 distinct met
  assert.deepEqual(run('array', ['b', null, 'a', 'b']), ['b', 'a', 'b']);
  const arr = run('array', many) as number[];
  assert.equal(arr.length, MAX_COLLECTED);
  assert.deepEqual(arr, many.slice(0, 100));
  assert.deepEqual(runMerged('array', ['1', '2', '3', '4']), ['1', '2', '3', '4']);
  assert.deepEqual(runMerged('values', ['d', 'c', 'd', 'a']), ['a', 'c', 'd']);
  const acc = createAccumulator('array', 1);
  acc.add(['x']);
  (acc.result() as Value[]).push('mutated');
  assert.deepEqual(acc.result(), ['x']); // results are copies
});

test('median and percentile interpolate between ranks', () => {
  assert.equal(run('median', [5, 1, 3]), 3);
  assert.equal(run('median', [4, 1, 3, 2]), 2.5);
  assert.equal(run('median', ['10', null, 'x']), 10);
  assert.equal(run('median', []), null);
  const xs = [15, 20, 35, 40, 50];
  assert.equal(run('percentile', xs, [0]), 15);
  assert.equal(run('percentile', xs, [100]), 50);
  assert.equal(run('percentile', xs, [40]), 29);
  assert.equal(run('percentile', xs, ['95']), 48);
  assert.equal(run('percentile', xs, [101]), null);
  assert.equal(run('percentile', xs, [null]), null);
  assert.equal(runMerged('percentile', xs, [40]), 29);
  assert.equal(runMerged('median', [4, 1, 3, 2]), 2.5);
});

test('var and stddev are the sample statistics, null under two values', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.ok(Math.abs((run('var', xs) as number) - 32 / 7) < 1e-12);
  assert.ok(Math.abs((run('stddev', xs) as number) - Math.sqrt(32 / 7)) < 1e-12);
  assert.ok(Math.abs((runMerged('var', xs) as number) - 32 / 7) < 1e-12);
  assert.equal(run('var', [5]), null);
  assert.equal(run('stddev', []), null);
  assert.equal(run('var', [3, 3, null, 'x']), 0);
  // large, close values stay accurate (a naive sum of squares would lose them)
  const big = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
  assert.ok(Math.abs((run('var', big) as number) - 30) < 1e-6);
  const empty = createAccumulator('var', 1);
  const partial = createAccumulator('var', 1);
  partial.add([1]);
  partial.add([3]);
  partial.merge(empty);
  assert.equal(partial.result(), 2);
  empty.merge(partial);
  assert.equal(empty.result(), 2);
});

test('arity and names', () => {
  assert.equal(checkAggregateArity('count', 0), undefined);
  assert.equal(checkAggregateArity('count', 2), 'count() takes 0 to 1 arguments, got 2');
  assert.equal(checkAggregateArity('percentile', 1), 'percentile() takes 2 arguments, got 1');
  assert.equal(checkAggregateArity('sum', 0), 'sum() takes 1 argument, got 0');
  assert.throws(() => createAccumulator('sum', 0), /sum\(\) takes 1 argument/);
  assert.equal(isAggregateName('dc'), true);
  assert.equal(isAggregateName('substr'), false);
  assert.equal(isAggregateName('toString'), false);
});
