/** Parsing Sigma YAML: document kinds, metadata, the selection model, and located problems. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSigmaText, type DetectionRuleDoc, type FilterDoc } from './index.js';

const bad = `title: Bad one
id: 11111111-1111-1111-1111-111111111111
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\cmd.exe'
        CommandLine|containz: 'x'
        Foo|contains|startswith: y
        Bar|re: '(?<!a'
        Ip|cidr: '10.0.0.0/33'
        Hash|base64|wide: z
    condition: selection and not filter
level: hgh
---
title: Good rule, bad condition
logsource:
    product: windows
detection:
    sel:
        A: 1
    condition: 'sel and (sel or'
---
title: Fine
logsource:
    product: windows
detection:
    sel:
        A: 1
    condition: sel
---
detection: {}
---
title: [unclosed
`;

test('problems are precise, located, and one bad document does not stop the others', () => {
  const { documents, problems } = parseSigmaText(bad, 'x.yml');
  assert.deepEqual(documents.map((d) => d.meta.title), ['Fine']);
  const at = (re: RegExp): { line?: number; column?: number; message: string } => {
    const p = problems.find((x) => re.test(x.message));
    assert.ok(p, `no problem matching ${re}; got:\n${problems.map((x) => x.message).join('\n')}`);
    return p;
  };
  const unknown = at(/unknown modifier/);
  assert.equal(unknown.message, "unknown modifier 'containz' in 'CommandLine|containz' (line 9, col 9); known: contains, startswith, endswith, all, exists, cased, neq, windash, re, i, m, s, base64, base64offset, utf16le, utf16be, utf16, wide, lt, lte, gt, gte, minute, hour, day, week, month, year, cidr, expand, fieldref");
  assert.deepEqual([unknown.line, unknown.column], [9, 9]);
  assert.match(at(/cannot be combined/).message, /^'Foo\|contains\|startswith': 'contains' and 'startswith' cannot be combined.*\(line 10, col 9\)$/);
  assert.match(at(/regular expression/).message, /'Bar\|re': invalid regular expression \/\(\?<!a\/: .*\(line 11, col 9\)/);
  assert.match(at(/not an IPv4 or IPv6 network/).message, /'10\.0\.0\.0\/33'.*\(line 12, col 9\)/);
  assert.match(at(/'wide' must be followed/).message, /\(line 13, col 9\)/);
  const filter = at(/unknown search identifier 'filter'/);
  assert.deepEqual([filter.line, filter.column], [14, 34]);
  assert.ok(!problems.some((p) => /unknown search identifier 'selection'/.test(p.message)), 'a selection with problems still counts as defined');
  assert.match(at(/invalid level/).message, /invalid level 'hgh'; valid: informational, low, medium, high, critical \(line 15, col 8\)/);
  const cond = at(/condition 'sel and \(sel or'/);
  assert.equal(cond.line, 23);
  assert.match(at(/'title' is required/).message, /line 33/);
  assert.match(at(/^YAML: /).message, /\(line 36, col \d+\)$/);
  assert.ok(problems.filter((p) => p.line === 9).every((p) => p.file === 'x.yml'));
  assert.equal(problems.find((p) => /containz/.test(p.message))?.rule, '11111111-1111-1111-1111-111111111111');
});

test('more modifier and value checks', () => {
  const check = (field: string, value: string): string[] => parseSigmaText(`title: t\nlogsource: {product: windows}\ndetection:\n    sel:\n        ${field}: ${value}\n    condition: sel\n`, 'f.yml').problems.map((p) => p.message);
  assert.match(check('F|i', 'x')[0], /'i' is a flag of 're' and needs it/);
  assert.match(check('F|re|contains', 'x')[0], /'contains' cannot be combined with 're'/);
  assert.match(check('F|exists', 'yes')[0], /'exists' takes true or false/);
  assert.match(check('F|all', 'x')[0], /'all' needs a list of at least two values/);
  assert.match(check('F|gt', 'abc')[0], /'gt' needs a number/);
  assert.match(check('F', '[a, null]')[0], /null cannot be part of a list/);
  assert.match(check('F|contains|base64', 'x')[0], /'contains' before 'base64' would encode its wildcard; write 'base64\|contains'/);
  assert.match(check('F|base64', "'a*'")[0], /'base64' cannot encode the wildcard/);
  assert.match(check('F|re', "'(?i:abc)'")[0], /inline flag group/);
  assert.match(check('F|contains|contains', 'x')[0], /repeated/);
  assert.match(check('F', '{a: 1}')[0], /the value must be a string, number, boolean, null or a list of them/);
  assert.match(check('F|contains', '[]')[0], /empty list/);
  assert.deepEqual(check('F|re|ignorecase', 'x'), [], 'pySigma aliases of the re flags');
  assert.deepEqual(check('F|base64offset|contains', 'x'), []);
  const noCondition = parseSigmaText('title: t\nlogsource: {product: windows}\ndetection:\n    sel: {A: 1}\n', 'f.yml').problems;
  assert.match(noCondition[0].message, /'detection' has no 'condition' \(line 4, col 5\)/);
  const aggregation = parseSigmaText('title: t\nlogsource: {product: windows}\ndetection:\n    sel: {A: 1}\n    condition: sel | count() > 5\n', 'f.yml').problems;
  assert.match(aggregation[0].message, /aggregation expressions .* use a correlation rule \(line 5, col 20\)/);
});

test('documents: metadata, selection model, correlation and filter kinds', () => {
  const text = `title: Whoami
id: 0e95725d-7320-415d-80f7-004da920fc11
name: whoami_exec
status: test
description: Detects whoami
author: Someone
references:
    - https://example.com
tags:
    - attack.discovery
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains|all:
            - '/all'
            - '/priv'
    alt:
        - ParentImage: x
        - ParentImage: y
    keywords:
        - evil
        - 4688
    condition:
        - selection
        - 1 of alt and keywords
fields:
    - CommandLine
falsepositives:
    - Admins
level: high
---
title: Many failed logons
correlation:
    type: event_count
    rules: [whoami_exec]
    group-by: [User]
    timespan: 5m
    condition: {gte: 10}
---
title: Filter admins
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 0e95725d-7320-415d-80f7-004da920fc11
    selection:
        User|startswith: 'adm_'
    condition: selection
`;
  const { documents, problems } = parseSigmaText(text, 'r.yml');
  assert.deepEqual(problems, []);
  assert.deepEqual(documents.map((d) => d.kind), ['detection', 'correlation', 'filter']);
  const rule = documents[0] as DetectionRuleDoc;
  assert.deepEqual({ ...rule.meta, location: undefined }, {
    title: 'Whoami', id: '0e95725d-7320-415d-80f7-004da920fc11', name: 'whoami_exec', status: 'test', description: 'Detects whoami',
    level: 'high', tags: ['attack.discovery'], author: 'Someone', references: ['https://example.com'], falsepositives: ['Admins'], fields: ['CommandLine'], location: undefined,
  });
  assert.deepEqual(rule.meta.location, { file: 'r.yml', line: 1, column: 1 });
  assert.deepEqual(rule.logsource, { category: 'process_creation', product: 'windows' });
  const sel = rule.detection.selections.selection;
  assert.equal(sel.alternatives.length, 1);
  assert.deepEqual(sel.alternatives[0].map((f) => [f.field, f.modifiers, f.values]), [['Image', ['endswith'], ['\\whoami.exe']], ['CommandLine', ['contains', 'all'], ['/all', '/priv']]]);
  assert.deepEqual(sel.alternatives[0][1].location, { file: 'r.yml', line: 17, column: 9 });
  assert.equal(rule.detection.selections.alt.alternatives.length, 2);
  assert.deepEqual(rule.detection.selections.keywords.alternatives[0].map((f) => [f.field, f.values]), [['', ['evil', 4688]]]);
  assert.deepEqual(rule.detection.conditions.map((c) => [c.text, c.location.line]), [['selection', 27], ['1 of alt and keywords', 28]]);
  assert.deepEqual(documents[1].kind === 'correlation' && documents[1].body, { type: 'event_count', rules: ['whoami_exec'], 'group-by': ['User'], timespan: '5m', condition: { gte: 10 } });
  const filter = documents[2] as FilterDoc;
  assert.deepEqual(filter.filter.rules, ['0e95725d-7320-415d-80f7-004da920fc11']);
  assert.deepEqual(Object.keys(filter.filter.selections), ['selection']);
  assert.deepEqual(filter.filter.conditions.map((c) => c.text), ['selection']);
});

test('empty documents are skipped; a non-mapping document and Sigma 1 collections are problems', () => {
  assert.deepEqual(parseSigmaText('', 'e.yml'), { documents: [], problems: [] });
  assert.deepEqual(parseSigmaText('---\n---\n', 'e.yml'), { documents: [], problems: [] });
  assert.match(parseSigmaText('- a\n- b\n', 'e.yml').problems[0].message, /must be a mapping/);
  assert.match(parseSigmaText('action: global\ntitle: x\n', 'e.yml').problems[0].message, /rule collections/);
  assert.match(parseSigmaText('title: x\nlogsource: {product: windows}\n', 'e.yml').problems[0].message, /no 'detection', 'correlation' or 'filter' section/);
  assert.match(parseSigmaText('title: x\ndetection: {sel: {A: 1}, condition: sel}\n', 'e.yml').problems[0].message, /'logsource' is required/);
  assert.match(parseSigmaText('title: x\ntitle: y\n', 'e.yml').problems[0].message, /^YAML: .*unique.*\(line 2, col 1\)/);
});
