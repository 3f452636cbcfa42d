/** Sigma string values: wildcard parsing and escapes (rules spec "Escape Character"), compiled tests. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePattern, literalRuns, parseSigmaString, printPattern } from './pattern.js';

test('parse: wildcards, escapes and placeholders', () => {
  assert.deepEqual(parseSigmaString('a*b?c'), [{ kind: 'text', text: 'a' }, { kind: 'any' }, { kind: 'text', text: 'b' }, { kind: 'one' }, { kind: 'text', text: 'c' }]);
  assert.deepEqual(parseSigmaString('a\\*b\\?'), [{ kind: 'text', text: 'a*b?' }]);
  // spec: `\\*` = backslash + wildcard; `\\\*` = backslash + star; three or four backslashes = two.
  assert.deepEqual(parseSigmaString('\\\\*'), [{ kind: 'text', text: '\\' }, { kind: 'any' }]);
  assert.deepEqual(parseSigmaString('\\\\\\*'), [{ kind: 'text', text: '\\*' }]);
  assert.deepEqual(parseSigmaString('\\\\\\x'), [{ kind: 'text', text: '\\\\x' }]);
  assert.deepEqual(parseSigmaString('\\\\\\\\'), [{ kind: 'text', text: '\\\\' }]);
  assert.deepEqual(parseSigmaString('C:\\Windows\\'), [{ kind: 'text', text: 'C:\\Windows\\' }]);
  assert.deepEqual(parseSigmaString('**'), [{ kind: 'any' }]);
  assert.deepEqual(parseSigmaString('%a%'), [{ kind: 'text', text: '%a%' }]);
  assert.deepEqual(parseSigmaString('\\%plain%name%', true), [{ kind: 'text', text: '%plain' }, { kind: 'placeholder', name: 'name' }]);
  assert.deepEqual(literalRuns(parseSigmaString('*\\a*b.exe')), ['\\a', 'b.exe']);
});

test('print reverses parse', () => {
  for (const s of ['a*b?c', 'a\\*b', 'C:\\Windows\\*', 'x\\\\\\*y', '%a%']) {
    assert.deepEqual(parseSigmaString(printPattern(parseSigmaString(s))), parseSigmaString(s), s);
  }
});

test('compiled tests choose the right shape and agree with a reference matcher', () => {
  const cases: [string, string, boolean][] = [
    ['abc', 'abc', true], ['abc', 'abcd', false], ['', '', true], ['', 'x', false], ['*', '', true],
    ['*abc*', 'xxabcxx', true], ['abc*', 'abcx', true], ['*abc', 'xabc', true], ['a*c', 'ac', true], ['a*c', 'abbc', true],
    ['ab*ba', 'aba', false], ['a?c', 'abc', true], ['a?c', 'ac', false], ['*a*b*c*', 'xaybzc', true], ['*a*b*c*', 'cba', false],
    ['a.c', 'abc', false], ['a(b', 'a(b', true], ['*x?', 'yx\n', true],
  ];
  for (const [p, s, want] of cases) assert.equal(compilePattern(parseSigmaString(p), true)(s), want, `${p} ~ ${JSON.stringify(s)}`);
  assert.ok(compilePattern(parseSigmaString('*ABC*'), false)('xabcx'), 'needles are lowercased when not cased');
  assert.ok(!compilePattern(parseSigmaString('*ABC*'), true)('xabcx'));
});
