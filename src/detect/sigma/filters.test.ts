/** Global filters (filters spec): applied by id or name, log source checked, selections kept apart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyEvent, type EventValue } from '../../event/index.js';
import type { LogSourceTarget } from '../types.js';
import { applyFilters, compileDetection, parseSigmaText, type DetectionRuleDoc, type FilterDoc } from './index.js';

const target: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => (e) => e.data[f] };
const ev = (data: Record<string, EventValue>) => ({ ...emptyEvent(), data });

const text = `title: Data Compressed - rar.exe
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
name: rar_compress
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\rar.exe'
    selection_cli:
        CommandLine|contains: ' a '
    filter_main:
        CommandLine|contains: 'backup'
    condition: all of selection* and not filter_main
---
title: Any selection
id: 11111111-1111-1111-1111-111111111111
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        Image|endswith: '\\x.exe'
    condition: 1 of them
---
title: Network rule
id: 22222222-2222-2222-2222-222222222222
logsource:
    category: network_connection
    product: windows
detection:
    sel:
        Image|endswith: '\\x.exe'
    condition: sel
---
title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - rar_compress
        - 11111111-1111-1111-1111-111111111111
        - 22222222-2222-2222-2222-222222222222
        - 33333333-3333-3333-3333-333333333333
    selection:
        User|startswith: 'adm_'
    selection_2:
        User: 'root'
    condition: 1 of selection*
`;

test('filters add "and not <filter>" to the rules they name, when the log source agrees', () => {
  const { documents, problems } = parseSigmaText(text, 'f.yml');
  assert.deepEqual(problems, []);
  const rules = documents.filter((d): d is DetectionRuleDoc => d.kind === 'detection');
  const filters = documents.filter((d): d is FilterDoc => d.kind === 'filter');
  const out = applyFilters(rules, filters);
  assert.deepEqual(out.problems.map((p) => p.message), [
    "filter 'Filter Administrator account' not applied to rule 'Network rule': log source {\"category\":\"process_creation\",\"product\":\"windows\"} does not match the rule's {\"category\":\"network_connection\",\"product\":\"windows\"}",
    "filter 'Filter Administrator account' refers to rule '33333333-3333-3333-3333-333333333333', which is not loaded",
  ].sort((a, b) => (a.includes('not loaded') ? 1 : 0) - (b.includes('not loaded') ? 1 : 0)));
  const [rar, any, net] = out.rules;
  assert.equal(rar.detection.conditions[0].text, 'selection and selection_cli and not filter_main and not (_filter1_selection or _filter1_selection_2)');
  assert.equal(any.detection.conditions[0].text, 'sel and not (_filter1_selection or _filter1_selection_2)');
  assert.equal(net, rules[2], 'rule left as it was');
  assert.equal(rules[0].detection.conditions[0].text, 'all of selection* and not filter_main', 'input not mutated');

  const m = compileDetection(rar, target);
  assert.ok(m.matches(ev({ Image: 'C:\\rar.exe', CommandLine: 'rar a x', User: 'bob' })));
  assert.ok(!m.matches(ev({ Image: 'C:\\rar.exe', CommandLine: 'rar a x', User: 'adm_bob' })));
  assert.ok(!m.matches(ev({ Image: 'C:\\rar.exe', CommandLine: 'rar a x', User: 'ROOT' })));
  const a = compileDetection(any, target);
  assert.ok(a.matches(ev({ Image: 'C:\\x.exe', User: 'bob' })) && !a.matches(ev({ Image: 'C:\\x.exe', User: 'adm_x' })));
});

test('two filters on one rule get separate selection names', () => {
  const { documents } = parseSigmaText(text, 'f.yml');
  const rules = documents.filter((d): d is DetectionRuleDoc => d.kind === 'detection');
  const filter = documents.find((d): d is FilterDoc => d.kind === 'filter') as FilterDoc;
  const out = applyFilters(rules.slice(1, 2), [filter, filter]);
  assert.deepEqual(Object.keys(out.rules[0].detection.selections), ['sel', '_filter1_selection', '_filter1_selection_2', '_filter2_selection', '_filter2_selection_2']);
  assert.equal(out.rules[0].detection.conditions[0].text, 'sel and not (_filter1_selection or _filter1_selection_2) and not (_filter2_selection or _filter2_selection_2)');
});
