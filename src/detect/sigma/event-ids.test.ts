/** Event-ID routing derived from detections (soundness on all rules and the corpus: ../prefilter-equivalence.test.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultResolver, renamingResolver } from '../field-access.js';
import type { FieldResolver, LogSourceTarget } from '../types.js';
import { compileDetection, parseSigmaText, type DetectionRuleDoc } from './index.js';

const target = (resolve: FieldResolver = defaultResolver): LogSourceTarget => ({ name: 'test', channel: 'Security', provider: null, eventIds: [], resolve });

function idsOf(detection: string, resolve?: FieldResolver): readonly number[] | null {
  const text = `title: t\nlogsource:\n    product: windows\n    service: security\ndetection:\n${detection.replace(/^/gm, '    ')}\n`;
  const { documents, problems } = parseSigmaText(text, 't.yml');
  assert.deepEqual(problems, []);
  return compileDetection(documents[0] as DetectionRuleDoc, target(resolve)).eventIds;
}

test('EventID values of a selection, in numbers or canonical decimal strings', () => {
  assert.deepEqual(idsOf('sel:\n    EventID: 4720\ncondition: sel'), [4720]);
  assert.deepEqual(idsOf("sel:\n    EventID:\n        - 4625\n        - '4624'\n    LogonType: 3\ncondition: sel"), [4624, 4625]);
  assert.deepEqual(idsOf('sel:\n    eventid: 1102\ncondition: sel'), [1102]);
});

test('conditions: and intersects, or and 1 of unite, not and unrestricted parts give nothing', () => {
  const sels = 'a:\n    EventID: [1, 2]\nb:\n    EventID: [2, 3]\nc:\n    Other: x\n';
  assert.deepEqual(idsOf(`${sels}condition: a and b`), [2]);
  assert.deepEqual(idsOf(`${sels}condition: a or b`), [1, 2, 3]);
  assert.deepEqual(idsOf(`${sels}condition: 1 of them`), null);
  assert.deepEqual(idsOf(`${sels}condition: 1 of a or b`), [1, 2, 3]);
  assert.deepEqual(idsOf(`${sels}condition: a and not b`), [1, 2]);
  assert.deepEqual(idsOf(`${sels}condition: c and b`), [2, 3]);
  assert.deepEqual(idsOf(`${sels}condition: a or c`), null);
  assert.deepEqual(idsOf(`${sels}condition: not a`), null);
  assert.deepEqual(idsOf(`${sels}condition:\n    - a\n    - b`), [1, 2, 3]);
  assert.deepEqual(idsOf('sel:\n    - EventID: 1\n    - EventID: 7\ncondition: sel'), [1, 7]);
  assert.deepEqual(idsOf('sel:\n    - EventID: 1\n    - Other: 7\ncondition: sel'), null);
});

test('no routing from negations, comparisons, wildcards, non-canonical numbers or a renamed EventID', () => {
  for (const d of [
    'sel:\n    EventID|neq: 4720\ncondition: sel',
    'sel:\n    EventID|gt: 4000\ncondition: sel',
    "sel:\n    EventID: '47*'\ncondition: sel",
    "sel:\n    EventID: '04720'\ncondition: sel",
    "sel:\n    EventID|contains: '47'\ncondition: sel",
    'sel:\n    EventID: null\ncondition: sel',
    "sel:\n    EventID|re: '^4720$'\ncondition: sel",
  ]) assert.equal(idsOf(d), null, d);
  assert.equal(idsOf('sel:\n    EventID: 4720\ncondition: sel', renamingResolver({ EventID: 'Code' })), null);
});
