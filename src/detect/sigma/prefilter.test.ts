/** Prefilter derivation from conditions and selections, and its evaluation. (Soundness on real data: regression.test.ts.) */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyEvent, type EventValue } from '../../event/index.js';
import type { LogSourceTarget, Prefilter } from '../types.js';
import { compileDetection, parseSigmaText, prefilterHolds, type DetectionRuleDoc } from './index.js';

const target: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => (e) => e.data[f] };

function prefilterOf(detection: string): Prefilter | null {
  const text = `title: t\nlogsource:\n    product: windows\ndetection:\n${detection.replace(/^/gm, '    ')}\n`;
  const { documents, problems } = parseSigmaText(text, 't.yml');
  assert.deepEqual(problems, []);
  return compileDetection(documents[0] as DetectionRuleDoc, target).prefilter;
}
const needles = (p: Prefilter | null): string[] | null => p && p.anyOf.map((a) => `${a.field}:${a.needle}`).sort();
const alsoNeedles = (p: Prefilter | null): string[] | null => p?.alsoAnyOf?.map((a) => `${a.field}:${a.needle}`).sort() ?? null;

test('a selection picks its most selective field; needles are the longest literal runs, lowercased', () => {
  assert.deepEqual(needles(prefilterOf("sel:\n    Image|endswith: '\\CMD.exe'\n    CommandLine|contains:\n        - ' /c '\n        - ' /k '\ncondition: sel")), ['Image:\\cmd.exe']);
  assert.deepEqual(needles(prefilterOf("sel:\n    Image: 'C:*\\x\\longer_part.exe'\ncondition: sel")), ['Image:\\x\\longer_part.exe']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|contains|all:\n        - ab\n        - abcdef\ncondition: sel")), ['C:abcdef']);
  assert.equal(prefilterOf("sel:\n    C|windash|contains: ' -enc'\ncondition: sel")?.anyOf.length, 5);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|base64offset|contains: 'http://'\ncondition: sel")), ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v'].map((s) => `C:${s.toLowerCase()}`));
});

test('no prefilter where no literal is guaranteed', () => {
  for (const d of [
    "sel:\n    C|re: '\\d+'\ncondition: sel",
    "sel:\n    C|re: 'a?b*'\ncondition: sel",
    "sel:\n    C|re: 'abc|\\d'\ncondition: sel",
    "sel:\n    C|cased: 'äöü'\ncondition: sel",
    "sel:\n    C|neq: 'abc'\ncondition: sel",
    "sel:\n    EventID: 4688\ncondition: sel",
    "sel:\n    C: null\ncondition: sel",
    "sel:\n    C|exists: true\ncondition: sel",
    "sel:\n    C|cidr: 10.0.0.0/8\ncondition: sel",
    "sel:\n    C: '*'\ncondition: sel",
    "sel:\n    C: '?'\ncondition: sel",
    "keywords:\n    - 4624\ncondition: keywords",
    "sel:\n    - A: x\n    - B|re: '.'\ncondition: sel",
    "sel:\n    A: xyz\ncondition: not sel",
    "a:\n    A: xyz\nb:\n    B|re: '[xy]'\ncondition: a or b",
  ]) assert.equal(prefilterOf(d), null, d);
});

test('conditions: and keeps the better side, or / 1 of unite, all of keeps the best', () => {
  const sels = "a:\n    A|contains: aaaaaaaa\nb:\n    B|contains: bb\nc:\n    C|re: '\\w'\n";
  assert.deepEqual(needles(prefilterOf(`${sels}condition: a and b`)), ['A:aaaaaaaa']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: b and c`)), ['B:bb']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: a or b`)), ['A:aaaaaaaa', 'B:bb']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: b and not a`)), ['B:bb']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: 1 of them`)), null);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: 1 of a or 1 of b`)), ['A:aaaaaaaa', 'B:bb']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition: all of them`)), ['A:aaaaaaaa']);
  assert.deepEqual(needles(prefilterOf(`${sels}condition:\n    - a\n    - b`)), ['A:aaaaaaaa', 'B:bb']);
  assert.deepEqual(needles(prefilterOf("sel:\n    - A: xx\n    - B: yy\ncondition: sel")), ['A:xx', 'B:yy']);
});

test('re values guarantee their required literals; cased values their ASCII runs', () => {
  assert.deepEqual(needles(prefilterOf("sel:\n    C|re: 'abc'\ncondition: sel")), ['C:abc']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|re: '\\$PSHome\\[\\s*\\d{1,3}\\s*\\]'\ncondition: sel")), ['C:$pshome[']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|re: '(?i)(New-Object|Invoke)-x'\ncondition: sel")), ['C:invoke', 'C:new-object']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|re:\n        - 'foo\\d'\n        - 'bar.'\ncondition: sel")), ['C:bar', 'C:foo']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|cased: 'Ab*Cdé'\ncondition: sel")), ['C:ab']);
  assert.deepEqual(needles(prefilterOf("sel:\n    C|contains|cased: 'EvilThing'\ncondition: sel")), ['C:evilthing']);
});

test('keywords: needles over every data value and the rendered message', () => {
  const p = prefilterOf("keywords:\n    - 'Mimikatz'\n    - 'Seat*belt'\ncondition: keywords");
  assert.deepEqual(needles(p), [':mimikatz', ':seat']);
  const ev = (data: Record<string, EventValue>, line = 'x') => ({ ...emptyEvent(), data, line });
  assert.ok(prefilterHolds(p, ev({ A: 'ok', B: ['x', 'MIMIKATZ.exe'] })));
  assert.ok(prefilterHolds(p, ev({ A: 'ok' }, 'Threat Seatbelt found')));
  assert.ok(!prefilterHolds(p, ev({ A: 'ok', N: 42 })));
});

test('prefilterHolds: lowercased text of the field (arrays joined, numbers as text) contains a needle', () => {
  const p = prefilterOf("sel:\n    C|contains: 'Evil'\ncondition: sel");
  const ev = (data: Record<string, EventValue>) => ({ ...emptyEvent(), data });
  assert.deepEqual(needles(p), ['C:evil']);
  assert.ok(prefilterHolds(p, ev({ C: 'very EVIL' })));
  assert.ok(prefilterHolds(p, ev({ C: ['a', 'xEvil'] })));
  assert.ok(!prefilterHolds(p, ev({ C: 'good' })));
  assert.ok(!prefilterHolds(p, ev({})));
  assert.ok(!prefilterHolds(p, ev({ C: null })));
  assert.ok(prefilterHolds(null, ev({})));
  const n = prefilterOf("sel:\n    N|contains: '42'\ncondition: sel");
  assert.ok(prefilterHolds(n, ev({ N: 1420 })));
});

test('a second clause: the next most selective field of an and, the second best clauses of an or', () => {
  const sel = "sel:\n    Image|contains: '\\Windows\\'\n    CommandLine|contains:\n        - '\\..\\..\\'\n        - '\\..\\System32\\'\ncondition: sel";
  const p = prefilterOf(sel);
  assert.deepEqual(needles(p), ['Image:\\windows\\']);
  assert.deepEqual(alsoNeedles(p), ['CommandLine:\\..\\..\\', 'CommandLine:\\..\\system32\\']);
  const ev = (data: Record<string, EventValue>) => ({ ...emptyEvent(), data });
  assert.ok(prefilterHolds(p, ev({ Image: 'C:\\Windows\\x.exe', CommandLine: 'x \\..\\..\\y' })));
  assert.ok(!prefilterHolds(p, ev({ Image: 'C:\\Windows\\x.exe', CommandLine: 'x y' })), 'the first clause alone is not enough');
  assert.ok(!prefilterHolds(p, ev({ Image: 'C:\\x.exe', CommandLine: 'x \\..\\..\\y' })));
  const sels = "a:\n    A|contains: aaaaaaaa\n    B|contains: bbbbbb\nb:\n    C|contains: cccccccc\n";
  const or = prefilterOf(`${sels}condition: a or b`);
  assert.deepEqual(needles(or), ['A:aaaaaaaa', 'C:cccccccc']);
  assert.deepEqual(alsoNeedles(or), ['B:bbbbbb', 'C:cccccccc']);
  assert.equal(alsoNeedles(prefilterOf(`${sels}condition: b`)), null, 'one field, one clause');
  const all = prefilterOf("sel:\n    C|contains|all:\n        - abcdefgh\n        - xy\ncondition: sel");
  assert.deepEqual([needles(all), alsoNeedles(all)], [['C:abcdefgh'], ['C:xy']]);
});
