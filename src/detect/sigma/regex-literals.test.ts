/**
 * Required literals of regexes: what the reader understands, what it refuses, and
 * soundness (a match always contains a literal, case aside) on random regexes and texts
 * and on every `re` value of SigmaHQ's Windows rules against the corpus's field values.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeFile } from '../../formats/index.js';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../../testing/corpus.js';
import { parseSigmaText, translateRegex, type DetectionRuleDoc } from './index.js';
import { requiredLiterals } from './regex-literals.js';

const sorted = (n: readonly string[] | null): string[] | null => n && [...n].sort();

test('literal runs, groups, alternations and lookaheads give literals, lowercased', () => {
  const cases: [RegExp, string[] | null][] = [
    [/abc/, ['abc']],
    [/ABC/i, ['abc']],
    [/\$PSHome\[\s*\d{1,3}\s*\]/, ['$pshome[']],
    [/(cmdline|powershell)\.x/, ['cmdline', 'powershell']],
    [/(cmd|powershell)\.exe/, ['.exe']],
    [/(a)\1/, ['a']],
    [/(?:cmd|pwsh)\.exe$/, ['.exe']],
    [/^[Ee][Nn][Vv]:x/, ['env:x']],
    [/a\.b\\c\/d/, ['a.b\\c/d']],
    [/\x41\u0042c/, ['abc']],
    [/ab+cd/, ['ab']],
    [/(?=.*secret)\w+/, ['secret']],
    [/(?<name>evil)\k<name>/, ['evil']],
    [/x{2}yz/, ['yz']],
    [/a{,2}bcd/, ['a{,2}bcd']],
    [/\bfoo\b bar/, [' bar']],
    [/[.]exe/, ['.exe']],
    [/ab(?!cd)ef/, ['ab']],
  ];
  for (const [re, want] of cases) assert.deepEqual(sorted(requiredLiterals(re)), sorted(want), String(re));
});

test('nothing is guaranteed by optional atoms, classes, back-references, non-ASCII or unknown flags', () => {
  for (const re of [/a?b*/, /\d+/, /[ab]/, /[^a]/, /[a-c]/, /(\w)\1/, /./, /ab|\d/, /(ab|)/, /é/, /\p{L}/u, /x/g, /(?:)/, new RegExp('[]')]) {
    assert.equal(requiredLiterals(re), null, String(re));
  }
});

test('control, octal and numbered back-reference escapes take their characters with them', () => {
  // `\cJ` is a newline; `\12` after one group and `\012` are octal escapes (a newline).
  const cases: [RegExp, string][] = [[/\cJabc/, '\nabc'], [new RegExp('(a)\\12xyz'), 'a\nxyz'], [new RegExp('\\012xyz'), '\nxyz'], [/(ab)\1cd/, 'ababcd']];
  for (const [re, text] of cases) {
    assert.ok(re.test(text), `${String(re)} matches its text`);
    const needles = requiredLiterals(re);
    assert.ok(needles === null || needles.some((n) => text.toLowerCase().includes(n)), `${String(re)} → ${JSON.stringify(needles)} is not in ${JSON.stringify(text)}`);
  }
});

/** A small random regex over an alphabet that exercises case, classes, groups and quantifiers. */
function randomRegex(rnd: (n: number) => number, depth = 0): string {
  const atoms = ['a', 'B', 'b', '.', '\\.', '[aA]', '[ab]', '\\d', '\\w', 'é', '\\x41', '(?:ab)', '[^a]', '\\b', '^', '$'];
  let out = '';
  for (let i = 0, n = 1 + rnd(3); i < n; i++) {
    const pick = rnd(10);
    if (pick === 0 && depth < 2) out += `(${randomRegex(rnd, depth + 1)}|${randomRegex(rnd, depth + 1)})`;
    else if (pick === 1 && depth < 2) out += `(?${rnd(2) ? '=' : '!'}${randomRegex(rnd, depth + 1)})`;
    else out += atoms[rnd(atoms.length)];
    if (!/[\^$b]$/.test(out)) out += ['', '', '', '*', '+', '?', '{2}', '{1,3}', '+?'][rnd(9)];
  }
  return out;
}

test('soundness on random regexes × every short text: every match contains a literal (lowercased)', () => {
  let seed = 11;
  // High bits: an LCG's low bits repeat quickly.
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed >>> 16) % n; };
  // Every text of up to 4 characters over an alphabet the regex atoms use (2,801 texts).
  let texts = [''];
  for (let len = 1, last = ['']; len <= 4; len++) { last = last.flatMap((t) => [...'aAbB.1é'].map((c) => t + c)); texts = texts.concat(last); }
  let regexes = 0, checked = 0;
  for (let r = 0; r < 1500; r++) {
    const source = randomRegex(rnd);
    let re: RegExp;
    try { re = new RegExp(source, rnd(2) ? 'i' : ''); } catch { continue; }
    const needles = requiredLiterals(re);
    if (!needles) continue;
    regexes++;
    for (const text of texts) {
      if (!re.test(text)) continue;
      checked++;
      assert.ok(needles.some((n) => text.toLowerCase().includes(n)), `/${source}/${re.flags} matches ${JSON.stringify(text)} without any of ${JSON.stringify(needles)}`);
    }
  }
  assert.ok(regexes > 300 && checked > 10000, `only ${regexes} regexes with literals, ${checked} matching texts checked`);
});

test('soundness on SigmaHQ re values × corpus field values', async () => {
  const regexes: RegExp[] = [];
  for (const f of listFiles(join(sigmaRoot, 'rules', 'windows'), /\.yml$/)) {
    for (const doc of parseSigmaText(readFileSync(f, 'utf8'), f).documents) {
      if (doc.kind !== 'detection') continue;
      for (const sel of Object.values((doc as DetectionRuleDoc).detection.selections)) {
        for (const alt of sel.alternatives) for (const fm of alt) {
          if (!fm.modifiers.includes('re')) continue;
          const flags = fm.modifiers.filter((m) => m === 'i' || m === 'm' || m === 's').join('');
          for (const v of fm.values) if (typeof v === 'string') regexes.push(translateRegex(v, flags));
        }
      }
    }
  }
  const withLiterals = regexes.map((re) => ({ re, needles: requiredLiterals(re) })).filter((x) => x.needles !== null);
  assert.ok(withLiterals.length > regexes.length / 2, `${withLiterals.length} of ${regexes.length} regexes have literals`);
  const values = new Set<string>();
  const files = [...listFiles(requireShared(join(corpusRoot, 'evtx')), /\.evtx$/i), ...listFiles(join(sigmaRoot, 'regression_data', 'rules', 'windows'), /\.evtx$/i)];
  for (const f of files) for await (const b of decodeFile(f, { render: false })) for (const e of b.events) for (const v of Object.values(e.data)) if (typeof v === 'string') values.add(v);
  let matches = 0;
  for (const v of values) {
    const lower = v.toLowerCase();
    for (const { re, needles } of withLiterals) {
      if (!re.test(v)) continue;
      matches++;
      assert.ok(needles?.some((n) => lower.includes(n)), `${String(re)} matches ${JSON.stringify(v.slice(0, 200))} without any of ${JSON.stringify(needles)}`);
    }
  }
  console.log(`re values: ${regexes.length}, with literals: ${withLiterals.length}, distinct field values: ${values.size}, matches checked: ${matches}`);
  assert.ok(matches > 20, `only ${matches} regex matches: the check would not notice a wrong literal`);
});
