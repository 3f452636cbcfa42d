import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { listFiles, requireShared, sigmaRoot } from '../../testing/corpus.js';
import type { RuleProblem } from '../types.js';
import { parseCorrelation } from './parse.js';
import { correlationFromYaml, metaOf, yamlDocuments } from './fixtures.js';
import { parseTimespan } from './timespan.js';
import type { CorrelationRule } from './types.js';

const specDir = join(sigmaRoot, 'specification');

/** The problems of parsing `body` as the correlation section of a rule in `bad.yml`. */
function problemsOf(body: unknown): RuleProblem[] {
  const r = parseCorrelation(metaOf({ title: 'Bad one', id: 'bad-id' }, 'rules/bad.yml'), body);
  assert.ok('problems' in r, 'expected problems');
  for (const p of r.problems) {
    assert.equal(p.file, 'rules/bad.yml');
    assert.equal(p.rule, 'bad-id');
  }
  return r.problems;
}

/** Asserts exactly one problem, about `key`, whose message matches `pattern`. */
function assertProblem(body: unknown, key: string, pattern: RegExp): void {
  const problems = problemsOf(body);
  assert.equal(problems.length, 1, problems.map((p) => p.message).join('\n'));
  assert.ok(problems[0].message.startsWith(`${key}: `), problems[0].message);
  assert.match(problems[0].message, pattern);
}

const valid = { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '10m', condition: { gte: 10 } };

test('timespans: s, m, h, d (spec "Time Selection") and w; refused forms say why', () => {
  assert.deepEqual(parseTimespan('30s'), { text: '30s', ms: 30_000 });
  assert.deepEqual(parseTimespan('90m'), { text: '90m', ms: 5_400_000 });
  assert.deepEqual(parseTimespan('1h'), { text: '1h', ms: 3_600_000 });
  assert.deepEqual(parseTimespan('1d'), { text: '1d', ms: 86_400_000 });
  assert.deepEqual(parseTimespan('2w'), { text: '2w', ms: 14 * 86_400_000 });
  assert.match(parseTimespan('1H') as string, /must be lowercase \('h'\)/);
  assert.match(parseTimespan('5x') as string, /unknown unit 'x'/);
  assert.match(parseTimespan('1M') as string, /not fixed durations/);
  assert.match(parseTimespan('0m') as string, /greater than zero/);
  assert.match(parseTimespan(300) as string, /no unit/);
  assert.match(parseTimespan('1h30m') as string, /one unit letter/);
  assert.match(parseTimespan(['5m']) as string, /not a list/);
});

test('the spec\'s schema test files all parse, with their types and fields', () => {
  const files = listFiles(join(specDir, 'tests', 'schema', 'correlation'), /\.yml$/);
  assert.equal(files.length >= 8, true);
  const byType = new Map<string, CorrelationRule>();
  for (const file of files) {
    byType.set(file, correlationFromYaml(readFileSync(file, 'utf8'), file));
  }
  const rules = [...byType.values()];
  assert.deepEqual(new Set(rules.map((r) => r.type)), new Set(['event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile']));
  const valueCount = rules.find((r) => r.type === 'value_count');
  assert.ok(valueCount?.type === 'value_count');
  assert.deepEqual(valueCount.fields, ['User']);
  assert.deepEqual(valueCount.groupBy, ['ComputerName', 'WorkstationName']);
  assert.equal(valueCount.timespan.ms, 86_400_000);
  const temporal = rules.find((r) => r.type === 'temporal');
  assert.deepEqual(temporal?.condition, [{ op: 'gte', value: 3 }], 'no condition: all rules');
  const sum = rules.find((r) => r.type === 'value_sum');
  assert.ok(sum?.type === 'value_sum');
  assert.equal(sum.field, 'bytes_sent');
  assert.deepEqual(sum.condition, [{ op: 'gt', value: 1_000_000 }]);
  const pct = rules.find((r) => r.type === 'value_percentile');
  assert.ok(pct?.type === 'value_percentile');
  assert.equal(pct.percentile, 50, 'no percentile key: the median');
});

test('every complete correlation example in the spec text parses', () => {
  const spec = readFileSync(requireShared(join(specDir, 'specification', 'sigma-correlation-rules-specification.md')), 'utf8');
  const blocks = [...spec.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const parsed: CorrelationRule[] = [];
  for (const block of blocks) {
    for (const doc of yamlDocuments(block)) {
      const body = doc?.correlation as Record<string, unknown> | undefined;
      if (!body || body.type === undefined) continue; // fragments (e.g. only `rules:`)
      const r = parseCorrelation(metaOf(doc, 'spec.md'), body);
      assert.ok('rule' in r, `${JSON.stringify(body)}: ${'problems' in r ? r.problems.map((p) => p.message).join('; ') : ''}`);
      parsed.push(r.rule);
    }
  }
  assert.ok(parsed.length >= 9, `found ${parsed.length}`);
  const aliased = parsed.find((r) => r.aliases.size > 0);
  assert.deepEqual(aliased && Object.fromEntries([...aliased.aliases].map(([a, m]) => [a, Object.fromEntries(m)])), {
    internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
    remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
  });
});

test('conditions: ranges are ANDed; value_count takes a field list; percentile and generate are read', () => {
  const range = parseCorrelation(metaOf({ title: 't' }), { ...valid, condition: { gt: 100, lte: 200 } });
  assert.ok('rule' in range);
  assert.deepEqual(range.rule.condition, [{ op: 'gt', value: 100 }, { op: 'lte', value: 200 }]);
  assert.equal(range.rule.generate, false);
  const multi = correlationFromYaml(`title: t
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [IpAddress]
  timespan: 1h
  generate: true
  condition: { field: [TargetUserName, TargetDomainName], gte: 5 }`);
  assert.ok(multi.type === 'value_count');
  assert.deepEqual(multi.fields, ['TargetUserName', 'TargetDomainName']);
  assert.equal(multi.generate, true);
  const p95 = correlationFromYaml(`title: t
correlation: { type: value_percentile, rules: [net], group-by: [Image], timespan: 1d, condition: { field: bytes, percentile: 95, gt: 1.5e6 } }`);
  assert.ok(p95.type === 'value_percentile');
  assert.equal(p95.percentile, 95);
  assert.deepEqual(p95.condition, [{ op: 'gt', value: 1_500_000 }]);
  const noGroup = correlationFromYaml('title: t\ncorrelation: { type: event_count, rules: [a], timespan: 5m, condition: { gte: 2 } }');
  assert.deepEqual(noGroup.groupBy, []);
});

test('parse errors name the key and say what is expected', () => {
  assertProblem('just text', 'correlation', /must be a mapping/);
  assertProblem({ ...valid, type: 'event_counts' }, 'correlation.type', /unknown type "event_counts"; one of event_count, value_count/);
  assertProblem({ ...valid, type: undefined }, 'correlation.type', /missing/);
  assertProblem({ ...valid, timespan: undefined }, 'correlation.timespan', /missing/);
  assertProblem({ ...valid, timespan: '10min' }, 'correlation.timespan', /one unit letter/);
  assertProblem({ ...valid, timespan: '10M' }, 'correlation.timespan', /months and years/);
  assertProblem({ ...valid, condition: undefined }, 'correlation.condition', /missing; event_count needs e\.g\. condition: \{ gte: 100 \}/);
  assertProblem({ ...valid, condition: { ge: 10 } }, 'correlation.condition.ge', /unknown operator/);
  assertProblem({ ...valid, condition: { gte: '10' } }, 'correlation.condition.gte', /must be a number, not string "10"/);
  assertProblem({ ...valid, condition: {} }, 'correlation.condition', /has no operator/);
  assertProblem({ ...valid, condition: 10 }, 'correlation.condition', /must be a mapping of operators/);
  assertProblem({ ...valid, condition: { gte: 10, field: 'User' } }, 'correlation.condition.field', /event_count does not use a field; did you mean value_count/);
  assertProblem({ ...valid, type: 'value_sum' }, 'correlation.condition.field', /missing; value_sum needs the field/);
  assertProblem({ ...valid, type: 'value_avg', condition: { gt: 1, field: ['a', 'b'] } }, 'correlation.condition.field', /must be a field name, not a list/);
  assertProblem({ ...valid, type: 'value_count', condition: { gt: 1, field: [] } }, 'correlation.condition.field', /empty list/);
  assertProblem({ ...valid, type: 'value_percentile', condition: { gt: 1, field: 'x', percentile: 101 } }, 'correlation.condition.percentile', /from 0 to 100/);
  assertProblem({ ...valid, condition: { gt: 1, percentile: 50 } }, 'correlation.condition.percentile', /only value_percentile/);
  assertProblem({ ...valid, rules: undefined }, 'correlation.rules', /missing/);
  assertProblem({ ...valid, rules: [] }, 'correlation.rules', /is empty/);
  assertProblem({ ...valid, rules: 'failed_login' }, 'correlation.rules', /must be a list of names, not string "failed_login" \(write \[failed_login\]\)/);
  assertProblem({ ...valid, rules: ['a', 'a'] }, 'correlation.rules[1]', /listed twice/);
  assertProblem({ ...valid, 'group-by': 'User' }, 'correlation.group-by', /must be a list/);
  assertProblem({ ...valid, 'group-by': ['User', 7] }, 'correlation.group-by[1]', /non-empty string, not number 7/);
  assertProblem({ ...valid, aliases: ['ip'] }, 'correlation.aliases', /must be a mapping of alias/);
  assertProblem({ ...valid, aliases: { ip: 'source.ip' } }, 'correlation.aliases.ip', /non-empty mapping of rule name → field name/);
  assertProblem({ ...valid, aliases: { ip: { failed_login: 5 } } }, 'correlation.aliases.ip.failed_login', /must be a field name/);
  assertProblem({ ...valid, generate: 'yes' }, 'correlation.generate', /true or false/);
  assertProblem({ ...valid, groupby: ['User'] }, 'correlation.groupby', /unknown key; expected one of type, rules, aliases, group-by/);
});

test('all problems of a document are reported at once', () => {
  const problems = problemsOf({ type: 'value_sum', rules: 'x', timespan: '5q', condition: { gt: 'a' } });
  assert.deepEqual(problems.map((p) => p.message.split(':')[0]).sort(), [
    'correlation.condition.field', 'correlation.condition.gt', 'correlation.rules', 'correlation.timespan',
  ]);
});

test('YAML numbers as written reach the condition unchanged', () => {
  const doc = parseYaml('correlation: { type: value_avg, rules: [a], timespan: 24h, condition: { field: BytesOut, gt: 500.5, neq: 1000 } }') as Record<string, unknown>;
  const r = parseCorrelation(metaOf({ title: 't' }), doc.correlation);
  assert.ok('rule' in r);
  assert.deepEqual(r.rule.condition, [{ op: 'gt', value: 500.5 }, { op: 'neq', value: 1000 }]);
});
