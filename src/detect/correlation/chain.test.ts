import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireShared, sigmaRoot } from '../../testing/corpus.js';
import { CorrelationEngine } from './engine.js';
import { correlationFromYaml, matchOf, metaOf, MINUTE, SECOND, yamlDocuments } from './fixtures.js';
import { parseCorrelation } from './parse.js';
import type { BaseMatch, CorrelationHit, CorrelationRule } from './types.js';

function run(engine: CorrelationEngine, matches: readonly BaseMatch[]): CorrelationHit[] {
  const hits: CorrelationHit[] = [];
  for (const m of matches) hits.push(...engine.observe(m));
  hits.push(...engine.flush());
  return hits;
}

/** The spec's closing example, "Failed Logins Followed by Successful Login", read from the spec. */
function specExample(): { correlations: CorrelationRule[]; detections: { id?: string; name?: string }[] } {
  const spec = readFileSync(requireShared(join(sigmaRoot, 'specification', 'specification', 'sigma-correlation-rules-specification.md')), 'utf8');
  const section = spec.slice(spec.indexOf('### Failed Logins Followed by Successful Login'));
  const block = /```ya?ml\n([\s\S]*?)```/.exec(section)![1];
  const correlations: CorrelationRule[] = [];
  const detections: { id?: string; name?: string }[] = [];
  for (const doc of yamlDocuments(block)) {
    if (doc.correlation === undefined) {
      detections.push(metaOf(doc));
      continue;
    }
    const parsed = parseCorrelation(metaOf(doc, 'mr_failed_then_success.yml'), doc.correlation);
    assert.ok('rule' in parsed);
    correlations.push(parsed.rule);
  }
  return { correlations, detections };
}

const FAILED = { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' };
const SUCCESS = { id: '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', name: 'successful_login' };

test('chaining (spec example): ten failed logons of a user, then a successful one, within 10 minutes', () => {
  const { correlations, detections } = specExample();
  assert.deepEqual(correlations.map((c) => c.type), ['temporal_ordered', 'event_count']);
  const engine = new CorrelationEngine(correlations);
  assert.deepEqual(engine.problems, []);
  assert.deepEqual(engine.unresolvedReferences(detections), []);
  assert.deepEqual([...engine.referencedRuleKeys()].sort(), ['failed_login', 'successful_login'], 'the inner correlation is fed internally');
  // spec "Generate": referenced rules are not reported on their own by default
  assert.equal(engine.outputSuppressed(FAILED), true);
  assert.equal(engine.outputSuppressed({ name: 'multiple_failed_login' }), true);
  assert.equal(engine.outputSuppressed({ id: 'b180ead8-d58f-40b2-ae54-c8940995b9b6' }), false);

  const matches: BaseMatch[] = [];
  for (let i = 0; i < 10; i++) matches.push(matchOf(FAILED, i * 20 * SECOND, { User: 'alice', EventID: 4625 }));
  for (let i = 0; i < 9; i++) matches.push(matchOf(FAILED, i * 20 * SECOND + 1, { User: 'bob', EventID: 4625 })); // only nine
  matches.push(matchOf(SUCCESS, 5 * MINUTE, { User: 'bob', EventID: 4624 }));
  matches.push(matchOf(SUCCESS, 6 * MINUTE, { User: 'alice', EventID: 4624 }));
  matches.sort((a, b) => a.time - b.time);
  const hits = run(engine, matches);
  assert.deepEqual(hits.map((h) => [h.rule.meta.title, h.time - matches[0].time, h.group, h.events]), [
    ['Multiple failed logons', 180 * SECOND, { User: 'alice' }, 10],
    ['Correlation - Multiple Failed Logins Followed by Successful Login', 6 * MINUTE, { User: 'alice' }, 2],
  ]);
  assert.equal(hits[1].event.data.EventID, 4624, 'the outer hit carries the event that completed it');
});

test('chaining (spec example): a successful logon before the failures does not complete the ordered chain', () => {
  const engine = new CorrelationEngine(specExample().correlations);
  const matches = [matchOf(SUCCESS, 0, { User: 'alice' }), ...Array.from({ length: 10 }, (_, i) => matchOf(FAILED, (i + 1) * SECOND, { User: 'alice' }))];
  assert.deepEqual(run(engine, matches).map((h) => h.rule.meta.title), ['Multiple failed logons']);
});

test('a chained correlation reads its group-by from the inner hit, else from the event that completed it', () => {
  const inner = correlationFromYaml('title: inner\nname: many_procs\ncorrelation: { type: event_count, rules: [proc], group-by: [User], timespan: 5m, condition: { gte: 2 } }');
  const outer = correlationFromYaml('title: outer\ncorrelation: { type: event_count, rules: [many_procs], group-by: [User, Computer], timespan: 1h, condition: { gte: 2 } }');
  const engine = new CorrelationEngine([outer, inner]); // order given does not matter
  const hits = run(engine, [
    matchOf('proc', 0, { User: 'u', Computer: 'W1' }), matchOf('proc', 1, { User: 'u', Computer: 'W1' }),
    matchOf('proc', 2, { User: 'u', Computer: 'W2' }), matchOf('proc', 3, { User: 'u', Computer: 'W1' }),
  ]);
  assert.deepEqual(hits.map((h) => [h.rule.meta.title, { ...h.group }]), [
    ['inner', { User: 'u' }],
    ['inner', { User: 'u' }],
    ['outer', { User: 'u', Computer: 'W1' }],
  ]);
});

test('hits of closing windows are chained too, also at flush', () => {
  const quiet = correlationFromYaml('title: quiet\nname: quiet_host\ncorrelation: { type: event_count, rules: [beat], group-by: [Host], timespan: 10m, condition: { lt: 2 } }');
  const twoQuiet = correlationFromYaml('title: two quiet windows\ncorrelation: { type: event_count, rules: [quiet_host], group-by: [Host], timespan: 1h, condition: { gte: 2 } }');
  const engine = new CorrelationEngine([quiet, twoQuiet]);
  const hits = run(engine, [matchOf('beat', 0, { Host: 'A' }), matchOf('beat', 10 * MINUTE, { Host: 'A' })]);
  assert.deepEqual(hits.map((h) => [h.rule.meta.title, h.group.Host]), [['quiet', 'A'], ['quiet', 'A'], ['two quiet windows', 'A']]);
});

test('reference cycles and duplicate ids are problems; those correlations do not run', () => {
  const a = correlationFromYaml('title: A\nname: a\ncorrelation: { type: event_count, rules: [b, base], timespan: 5m, condition: { gte: 1 } }', 'a.yml');
  const b = correlationFromYaml('title: B\nname: b\ncorrelation: { type: event_count, rules: [a], timespan: 5m, condition: { gte: 1 } }', 'b.yml');
  const self = correlationFromYaml('title: S\nname: s\ncorrelation: { type: event_count, rules: [s], timespan: 5m, condition: { gte: 1 } }', 's.yml');
  const ok = correlationFromYaml('title: OK\nid: ok-1\ncorrelation: { type: event_count, rules: [base], timespan: 5m, condition: { gte: 1 } }', 'ok.yml');
  const twin = correlationFromYaml('title: Twin\nid: ok-1\ncorrelation: { type: event_count, rules: [base], timespan: 5m, condition: { gte: 1 } }', 'twin.yml');
  const engine = new CorrelationEngine([a, b, self, ok, twin]);
  assert.deepEqual(engine.problems.map((p) => [p.file, p.message]), [
    ['twin.yml', "id: 'ok-1' is already used by correlation 'OK'; this one is ignored"],
    ['a.yml', "correlation.rules: references form a cycle (through 'b'); the correlation cannot run"],
    ['b.yml', "correlation.rules: references form a cycle (through 'a'); the correlation cannot run"],
    ['s.yml', "correlation.rules: references form a cycle (through 's'); the correlation cannot run"],
  ]);
  assert.deepEqual(run(engine, [matchOf('base', 0, {})]).map((h) => h.rule.meta.title), ['OK']);
  assert.deepEqual([...engine.referencedRuleKeys()], ['base']);
});

test('unresolved references and alias entries for rules not referenced are reported', () => {
  const rule = correlationFromYaml(`title: T
id: t-1
correlation:
  type: temporal
  rules: [known_by_name, 1111-id, missing_rule]
  group-by: [ip]
  timespan: 1m
  aliases:
    ip:
      known_by_name: SourceIp
      known_by_id: DestinationIp
      stranger: Ip`, 'mr_t.yml');
  const engine = new CorrelationEngine([rule]);
  const problems = engine.unresolvedReferences([{ id: '0000-id', name: 'known_by_name' }, { id: '1111-id', name: 'known_by_id' }]);
  assert.deepEqual(problems.map((p) => [p.file, p.rule, p.message]), [
    ['mr_t.yml', 't-1', "correlation.rules: 'missing_rule' matches no rule id or name"],
    ['mr_t.yml', 't-1', "correlation.aliases.ip.stranger: 'stranger' is not one of the rules this correlation references (known_by_name, 1111-id, missing_rule)"],
  ]);
});

test('generate: true keeps the referenced rules\' own matches in the output', () => {
  const gen = correlationFromYaml('title: G\ncorrelation: { type: event_count, rules: [r1], generate: true, timespan: 5m, condition: { gte: 2 } }');
  const plain = correlationFromYaml('title: P\ncorrelation: { type: event_count, rules: [r1, r2], timespan: 5m, condition: { gte: 2 } }');
  const engine = new CorrelationEngine([gen, plain]);
  assert.equal(engine.outputSuppressed({ id: 'r1' }), false, 'one referencing correlation asks for it');
  assert.equal(engine.outputSuppressed({ id: 'r2' }), true);
  assert.equal(engine.outputSuppressed({ id: 'r3' }), false, 'not referenced at all');
});
