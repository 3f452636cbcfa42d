import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecencyList } from './recency.js';

test('RecencyList keeps keys in order of last use', () => {
  const r = new RecencyList<string, number>();
  r.set('a', 1);
  r.set('b', 2);
  r.set('c', 3);
  r.touch('a');
  assert.deepEqual(r.oldest(), ['b', 2]);
  r.set('b', 20); // setting is a use
  assert.deepEqual(r.values(), [3, 1, 20]);
  assert.equal(r.delete('c'), true);
  assert.equal(r.delete('c'), false);
  r.touch('zzz');
  assert.deepEqual(r.values(), [1, 20]);
  assert.equal(r.get('b'), 20);
  assert.equal(r.size, 2);
  r.delete('a');
  r.delete('b');
  assert.equal(r.oldest(), undefined);
  r.set('d', 4);
  assert.deepEqual(r.values(), [4]);
});
