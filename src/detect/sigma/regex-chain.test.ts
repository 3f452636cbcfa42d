/**
 * Literal chains: what is taken, what is refused, and agreement with the regex engine on
 * random chains and texts (multi-line, overlapping literals, flags).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { literalChainTest } from './regex-chain.js';

test('chains of literals are taken; anything else is left to the regex', () => {
  for (const re of [/\+.*\+/, /a.*b.*c/, /`.*`.*`/, /\{.*?\{/, /ab.*cd/s, /\^.*\^/i, /x.*y/m]) assert.ok(literalChainTest(re), String(re));
  for (const re of [/abc/, /^a.*b/, /a.*b$/, /\d.*x/, /a.+b/, /(a).*b/, /a|b.*c/, /a.*b/i, /a.*b/g, /a.*b/u, /.*a.*b/, /a.*b.*/, /[ab].*c/, /a\n.*b/]) {
    assert.equal(literalChainTest(re), null, String(re));
  }
});

test('a chain agrees with the regex engine', () => {
  const cases: [RegExp, string, boolean][] = [
    [/\+.*\+.*\+/, 'a+b+c+', true],
    [/\+.*\+.*\+/, 'a+b+c', false],
    [/\+.*\+/, 'a+\nb+', false],
    [/\+.*\+/s, 'a+\nb+', true],
    [/\+.*\+/, 'x\r+a+', true],
    [/aa.*aa/, 'aaa', false],
    [/aa.*aa/, 'aaaa', true],
  ];
  for (const [re, s, want] of cases) {
    assert.equal(re.test(s), want, `${re} on ${JSON.stringify(s)}`);
    assert.equal(literalChainTest(re)?.(s), want, `chain ${re} on ${JSON.stringify(s)}`);
  }
});

test('random chains agree with the regex engine on random texts', () => {
  let seed = 7;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const alphabet = ['a', 'b', '+', '{', '\n', '\r', '\u2028'];
  const word = (max: number, from: readonly string[]): string => Array.from({ length: 1 + rand(max) }, () => from[rand(from.length)]).join('');
  let taken = 0;
  for (let r = 0; r < 300; r++) {
    const literals = Array.from({ length: 2 + rand(3) }, () => word(2, ['a', 'b', '+', '{']));
    const source = literals.map((l) => l.replace(/[+{]/g, '\\$&')).join(rand(2) === 0 ? '.*' : '.*?');
    const re = new RegExp(source, rand(3) === 0 ? 's' : '');
    const chain = literalChainTest(re);
    assert.ok(chain, `${re} is a chain`);
    taken++;
    for (let t = 0; t < 40; t++) {
      const s = word(14, alphabet);
      assert.equal(chain(s), re.test(s), `${re} on ${JSON.stringify(s)}`);
    }
  }
  assert.equal(taken, 300);
});
