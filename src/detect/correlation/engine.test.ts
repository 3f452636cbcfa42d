import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventValue } from '../../event/index.js';
import { CorrelationEngine } from './engine.js';
import { correlationFromYaml, matchOf, MINUTE, SECOND } from './fixtures.js';
import type { BaseMatch, CorrelationHit } from './types.js';

const HOUR = 60 * MINUTE;

/** Feeds matches in order; returns every hit, flush included. */
function run(engine: CorrelationEngine, matches: readonly BaseMatch[]): CorrelationHit[] {
  const hits: CorrelationHit[] = [];
  for (const m of matches) hits.push(...engine.observe(m));
  hits.push(...engine.flush());
  return hits;
}

/** A compact view of hits for assertions. */
function summary(hits: readonly CorrelationHit[]): { rule: string; at: number; group: Record<string, EventValue>; events: number; value?: number }[] {
  return hits.map((h) => ({ rule: h.rule.meta.title, at: h.time - Date.parse('2024-05-01T10:00:00Z'), group: { ...h.group }, events: h.events, value: h.value }));
}

// Correlation spec "Event Count": the "Many failed logins" example.
const manyFailedLogins = correlationFromYaml(`title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100`);
const FAILED = '5638f7c0-ac70-491d-8465-2a65075e0d86';

test('event_count (spec example): 100 failed logons on one host within an hour fire once, on the 100th', () => {
  const engine = new CorrelationEngine([manyFailedLogins]);
  const matches: BaseMatch[] = [];
  for (let i = 0; i < 100; i++) {
    matches.push(matchOf(FAILED, i * 30 * SECOND, { ComputerName: 'DC01' }));
    if (i < 60) matches.push(matchOf(FAILED, i * 30 * SECOND, { ComputerName: 'DC02' })); // another group: only 60
  }
  const hits = run(engine, matches);
  assert.deepEqual(summary(hits), [{ rule: 'Many failed logins', at: 99 * 30 * SECOND, group: { ComputerName: 'DC01' }, events: 100, value: 100 }]);
  assert.equal(hits[0].event.host, 'DC01');
});

test('event_count: the window is (t − timespan, t]; an event exactly one timespan older is out', () => {
  const rule = correlationFromYaml('title: two\ncorrelation: { type: event_count, rules: [r], group-by: [ComputerName], timespan: 5m, condition: { gte: 2 } }');
  assert.equal(run(new CorrelationEngine([rule]), [matchOf('r', 0, { ComputerName: 'A' }), matchOf('r', 5 * MINUTE, { ComputerName: 'A' })]).length, 0);
  assert.equal(run(new CorrelationEngine([rule]), [matchOf('r', 0, { ComputerName: 'A' }), matchOf('r', 5 * MINUTE - 1, { ComputerName: 'A' })]).length, 1);
});

test('a group that fires starts over: 25 matches against gte 10 give two hits', () => {
  const rule = correlationFromYaml('title: burst\ncorrelation: { type: event_count, rules: [r], timespan: 1h, condition: { gte: 10 } }');
  const hits = run(new CorrelationEngine([rule]), Array.from({ length: 25 }, (_, i) => matchOf('r', i * SECOND, {})));
  assert.deepEqual(hits.map((h) => [h.time - hits[0].time, h.events]), [[0, 10], [10 * SECOND, 10]]);
  assert.deepEqual(hits[0].group, {}, 'no group-by: one group');
});

test('group-by: values compare by exact string form; a missing field is the group null', () => {
  const rule = correlationFromYaml('title: g\ncorrelation: { type: event_count, rules: [r], group-by: [User], timespan: 1h, condition: { gte: 2 } }');
  const hits = run(new CorrelationEngine([rule]), [
    matchOf('r', 0, { User: 'alice' }), matchOf('r', 1, { User: 'ALICE' }), // case differs: two groups
    matchOf('r', 2, { User: 4 }), matchOf('r', 3, { User: '4' }), // same string form
    matchOf('r', 4, {}), matchOf('r', 5, { User: null }), // absent and null: the null group
    matchOf('r', 6, { User: '' }), matchOf('r', 7, { User: 'null' }), // neither is null
  ]);
  assert.deepEqual(summary(hits).map((h) => [h.at, h.group]), [[3, { User: '4' }], [5, { User: null }]]);
});

// Correlation spec "Value Count": the "Failed login" example.
const failedLoginUsers = correlationFromYaml(`title: Failed login
id: 0e95725d-7320-415d-80f7-004da920fc12
correlation:
    type: value_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
        - WorkstationName
    timespan: 1d
    condition:
        field: User
        gte: 100`);

test('value_count (spec example): 100 distinct users from one source to one host in a day', () => {
  const matches: BaseMatch[] = [];
  for (let i = 0; i < 300; i++) {
    // 99 distinct users, repeated: never enough
    matches.push(matchOf(FAILED, i * MINUTE, { ComputerName: 'DC01', WorkstationName: 'WS7', User: `user${i % 99}` }));
  }
  matches.push(matchOf(FAILED, 301 * MINUTE, { ComputerName: 'DC01', WorkstationName: 'WS8', User: 'user-x' })); // other group
  matches.push(matchOf(FAILED, 302 * MINUTE, { ComputerName: 'DC01', WorkstationName: 'WS7', User: 'user-new' }));
  const hits = run(new CorrelationEngine([failedLoginUsers]), matches);
  assert.deepEqual(summary(hits), [{ rule: 'Failed login', at: 302 * MINUTE, group: { ComputerName: 'DC01', WorkstationName: 'WS7' }, events: 301, value: 100 }]);
});

test('value_count: values seen only before the window no longer count', () => {
  const rule = correlationFromYaml('title: vc\ncorrelation: { type: value_count, rules: [r], group-by: [Host], timespan: 1h, condition: { field: User, gte: 3 } }');
  const hits = run(new CorrelationEngine([rule]), [
    matchOf('r', 0, { Host: 'h', User: 'a' }),
    matchOf('r', 30 * MINUTE, { Host: 'h', User: 'b' }),
    matchOf('r', 61 * MINUTE, { Host: 'h', User: 'c' }), // 'a' left the window: 2 distinct
    matchOf('r', 62 * MINUTE, { Host: 'h', User: 'b' }),
    matchOf('r', 80 * MINUTE, { Host: 'h', User: 'd' }), // b, c, d
  ]);
  assert.deepEqual(summary(hits).map((h) => [h.at, h.value, h.events]), [[80 * MINUTE, 3, 4]]);
});

test('value_count over several fields counts distinct tuples', () => {
  const rule = correlationFromYaml('title: vc2\ncorrelation: { type: value_count, rules: [r], timespan: 1h, condition: { field: [User, Domain], gte: 3 } }');
  const hits = run(new CorrelationEngine([rule]), [
    matchOf('r', 0, { User: 'a', Domain: 'X' }), matchOf('r', 1, { User: 'a', Domain: 'Y' }),
    matchOf('r', 2, { User: 'a', Domain: 'X' }), matchOf('r', 3, { User: 'b', Domain: 'X' }),
  ]);
  assert.deepEqual(summary(hits).map((h) => h.at), [3]);
});

// Correlation spec "Temporal Proximity": recon commands a, b, c in any order within 5 minutes.
const recon = correlationFromYaml(`title: Recon
correlation:
    type: temporal
    rules:
        - recon_cmd_a
        - recon_cmd_b
        - recon_cmd_c
    group-by:
        - ComputerName
        - User
    timespan: 5m`);
const reconOrdered = correlationFromYaml(`title: Recon ordered
correlation:
    type: temporal_ordered
    rules:
        - recon_cmd_a
        - recon_cmd_b
        - recon_cmd_c
    group-by:
        - ComputerName
        - User
    timespan: 5m`);

function recons(order: string, stepMs = MINUTE, who: Record<string, EventValue> = { ComputerName: 'WEB01', User: 'iis' }): BaseMatch[] {
  return [...order].map((c, i) => matchOf(`recon_cmd_${c}`, i * stepMs, who));
}

test('temporal (spec example): all three rules within 5 minutes, in any order, by the same user on the same host', () => {
  assert.deepEqual(summary(run(new CorrelationEngine([recon]), recons('cab'))), [
    { rule: 'Recon', at: 2 * MINUTE, group: { ComputerName: 'WEB01', User: 'iis' }, events: 3, value: 3 },
  ]);
  assert.equal(run(new CorrelationEngine([recon]), recons('cab', 150 * SECOND)).length, 0, 'c at 0 and b at 5m: not within 5 minutes');
  assert.equal(run(new CorrelationEngine([recon]), recons('aab')).length, 0, 'c never matched');
  const twoUsers = [...recons('ab'), matchOf('recon_cmd_c', 2 * MINUTE, { ComputerName: 'WEB01', User: 'admin' })];
  assert.equal(run(new CorrelationEngine([recon]), twoUsers).length, 0, 'another user is another group');
});

test('temporal_ordered (spec): the same rules must appear in the listed order', () => {
  assert.equal(run(new CorrelationEngine([reconOrdered]), recons('abc')).length, 1);
  assert.equal(run(new CorrelationEngine([reconOrdered]), recons('cab')).length, 0);
  assert.equal(run(new CorrelationEngine([reconOrdered]), recons('cba')).length, 0);
  assert.equal(run(new CorrelationEngine([reconOrdered]), recons('acb')).length, 0);
  assert.deepEqual(summary(run(new CorrelationEngine([reconOrdered]), recons('acbc'))).map((h) => h.at), [3 * MINUTE]);
  // the chain must fit the window: a at 0, b at 3m, c at 6m is too long; a again at 4m restarts it
  assert.equal(run(new CorrelationEngine([reconOrdered]), recons('abc', 3 * MINUTE)).length, 0);
  const restarted = [matchOf('recon_cmd_a', 0, { ComputerName: 'W', User: 'u' }), matchOf('recon_cmd_a', 4 * MINUTE, { ComputerName: 'W', User: 'u' }),
    matchOf('recon_cmd_b', 5 * MINUTE, { ComputerName: 'W', User: 'u' }), matchOf('recon_cmd_c', 8 * MINUTE, { ComputerName: 'W', User: 'u' })];
  assert.deepEqual(summary(run(new CorrelationEngine([reconOrdered]), restarted)).map((h) => h.at), [8 * MINUTE]);
  // the unordered rule fires on the same input as soon as all three are in
  assert.equal(run(new CorrelationEngine([recon]), recons('cba')).length, 1);
});

test('temporal with a condition counts matched rules: gte 2 of 3 (ordered: the first two in order)', () => {
  const anyTwo = correlationFromYaml('title: two of three\ncorrelation: { type: temporal, rules: [a, b, c], timespan: 5m, condition: { gte: 2 } }');
  assert.deepEqual(summary(run(new CorrelationEngine([anyTwo]), [matchOf('c', 0, {}), matchOf('c', 1, {}), matchOf('b', 2, {})])).map((h) => [h.at, h.events]), [[2, 2]]);
  const firstTwo = correlationFromYaml('title: first two\ncorrelation: { type: temporal_ordered, rules: [a, b, c], timespan: 5m, condition: { gte: 2 } }');
  assert.equal(run(new CorrelationEngine([firstTwo]), [matchOf('b', 0, {}), matchOf('c', 1, {})]).length, 0);
  assert.equal(run(new CorrelationEngine([firstTwo]), [matchOf('a', 0, {}), matchOf('b', 1, {})]).length, 1);
});

// Correlation spec "Value Sum": "Possible Exfiltration to Website".
const exfiltration = correlationFromYaml(`title: Possible Exfiltration to Website
correlation:
    type: value_sum
    rules:
        - website_access
    group-by:
        - SourceIP
        - User
    timespan: 1h
    condition:
        field: bytes_sent
        gt: 1000000`);

test('value_sum (spec example): more than 1 MB sent by one user from one address within an hour', () => {
  const who = { SourceIP: '10.0.0.5', User: 'bob' };
  const hits = run(new CorrelationEngine([exfiltration]), [
    matchOf('website_access', 0, { ...who, bytes_sent: 400_000 }),
    matchOf('website_access', 10 * MINUTE, { ...who, bytes_sent: '400000' }), // text from EVTX data counts
    matchOf('website_access', 20 * MINUTE, { ...who, bytes_sent: '-' }), // not a number: an event, no bytes
    matchOf('website_access', 30 * MINUTE, { SourceIP: '10.0.0.6', User: 'bob', bytes_sent: 900_000 }),
    matchOf('website_access', 65 * MINUTE, { ...who, bytes_sent: 300_000 }), // the first left the window: 700 000
    matchOf('website_access', 66 * MINUTE, { ...who, bytes_sent: 300_001 }), // 1 000 001
  ]);
  assert.deepEqual(summary(hits), [{ rule: 'Possible Exfiltration to Website', at: 66 * MINUTE, group: who, events: 4, value: 1_000_001 }]);
});

// Correlation spec "Value Average": "Suspicious average network traffic".
const averageTraffic = correlationFromYaml(`title: Suspicious average network traffic
correlation:
    type: value_avg
    rules:
        - rule_a_id
    group-by:
        - SourceIP
        - User
    timespan: 24h
    condition:
        field: BytesOut
        gt: 500`);

test('value_avg (spec example): the mean of BytesOut over a day exceeds 500', () => {
  const who = { SourceIP: '10.0.0.9', User: 'eve' };
  const hits = run(new CorrelationEngine([averageTraffic]), [
    matchOf('rule_a_id', 0, { ...who, BytesOut: 100 }),
    matchOf('rule_a_id', HOUR, { ...who }), // no BytesOut: not part of the mean
    matchOf('rule_a_id', 2 * HOUR, { ...who, BytesOut: 800 }), // mean 450
    matchOf('rule_a_id', 3 * HOUR, { ...who, BytesOut: 700 }), // mean 533.3
  ]);
  assert.deepEqual(summary(hits).map((h) => [h.at, h.events, Math.round(h.value! * 10) / 10]), [[3 * HOUR, 4, 533.3]]);
  const none = run(new CorrelationEngine([averageTraffic]), [matchOf('rule_a_id', 0, { ...who, BytesOut: 'n/a' })]);
  assert.equal(none.length, 0, 'no numeric value: no mean, no hit');
});

test('value_percentile: the given percentile of a numeric field compared with the threshold', () => {
  const p90 = correlationFromYaml('title: p90\ncorrelation: { type: value_percentile, rules: [net], group-by: [Image], timespan: 1h, condition: { field: Bytes, percentile: 90, gte: 4600 } }');
  const bytes = [1000, 2000, 3000, 4000, 5000]; // p90 by linear interpolation: 4600
  const hits = run(new CorrelationEngine([p90]), bytes.map((b, i) => matchOf('net', i * MINUTE, { Image: 'x.exe', Bytes: b })));
  assert.deepEqual(summary(hits).map((h) => [h.at, h.value, h.events]), [[4 * MINUTE, 4600, 5]]);
  const median = correlationFromYaml('title: median\ncorrelation: { type: value_percentile, rules: [net], timespan: 1h, condition: { field: Bytes, gt: 2500 } }');
  assert.deepEqual(summary(run(new CorrelationEngine([median]), [1000, 2000, 3000, 4000, 5000].map((b, i) => matchOf('net', i, { Bytes: b })))).map((h) => [h.at, h.value]), [[4, 3000]],
    'default percentile 50: the median of 1000…4000 is 2500 (not > 2500); of 1000…5000, 3000');
});

test('value_percentile (spec example): a non-numeric field such as Image never yields a percentile', () => {
  const rare = correlationFromYaml(`title: A computer spawned a processes name in the last 24h than 1% of all the processes.
correlation:
    type: value_percentile
    rules:
        - process_creation
    group-by:
        - ComputerName
    timespan: 24h
    condition:
        field: image
        lte: 1`);
  const hits = run(new CorrelationEngine([rare]), [matchOf('process_creation', 0, { ComputerName: 'A', image: 'C:\\Windows\\System32\\cmd.exe' })]);
  assert.equal(hits.length, 0);
});

test('upper-bounded conditions are decided when the window closes: lt, eq and ranges', () => {
  const few = correlationFromYaml('title: few\ncorrelation: { type: event_count, rules: [r], group-by: [Host], timespan: 10m, condition: { lt: 3 } }');
  const engine = new CorrelationEngine([few]);
  const hits: CorrelationHit[] = [];
  for (const [host, at] of [['A', 0], ['B', 0], ['A', MINUTE], ['B', MINUTE], ['B', 2 * MINUTE], ['B', 3 * MINUTE]] as const) {
    hits.push(...engine.observe(matchOf('r', at, { Host: host })));
  }
  assert.equal(hits.length, 0, 'nothing is decided while the windows are open');
  // a match at 10 minutes closes both windows [0, 10m): A had 2 (fires), B had 4
  hits.push(...engine.observe(matchOf('r', 10 * MINUTE, { Host: 'C' })));
  assert.deepEqual(summary(hits), [{ rule: 'few', at: MINUTE, group: { Host: 'A' }, events: 2, value: 2 }]);
  assert.deepEqual(summary(engine.flush()).map((h) => h.group), [{ Host: 'C' }], 'flush closes the open window of C');

  const range = correlationFromYaml('title: range\ncorrelation: { type: event_count, rules: [r], group-by: [Host], timespan: 10m, condition: { gt: 2, lte: 4 } }');
  const counts = { A: 2, B: 3, C: 4, D: 5 };
  const matches = Object.entries(counts).flatMap(([host, n]) => Array.from({ length: n }, (_, i) => matchOf('r', i * SECOND, { Host: host })))
    .sort((a, b) => a.time - b.time);
  assert.deepEqual(run(new CorrelationEngine([range]), matches).map((h) => h.group.Host).sort(), ['B', 'C']);

  const exactly = correlationFromYaml('title: eq\ncorrelation: { type: value_count, rules: [r], timespan: 1h, condition: { field: User, eq: 2 } }');
  assert.equal(run(new CorrelationEngine([exactly]), [matchOf('r', 0, { User: 'a' }), matchOf('r', 1, { User: 'b' })]).length, 1);
  assert.equal(run(new CorrelationEngine([exactly]), ['a', 'b', 'c'].map((u, i) => matchOf('r', i, { User: u }))).length, 0);

  const quiet = correlationFromYaml('title: quiet\ncorrelation: { type: value_sum, rules: [r], timespan: 1h, condition: { field: n, neq: 10 } }');
  assert.deepEqual(run(new CorrelationEngine([quiet]), [matchOf('r', 0, { n: 4 }), matchOf('r', 1, { n: 6 }), matchOf('r', HOUR, { n: 1 })]).map((h) => h.value), [1],
    'the first window sums to 10: no hit; the second sums to 1');
});

// Correlation spec "Field Name Aliases": the example correlation.
const aliased = correlationFromYaml(`title: internal error then connection
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip`);

test('aliases (spec example): the same addresses in different fields of different rules group together', () => {
  const error = { id: 'e-1', name: 'internal_error' };
  const connection = { id: 'c-1', name: 'new_network_connection' };
  const hits = run(new CorrelationEngine([aliased]), [
    matchOf(error, 0, { 'destination.ip': '10.1.1.1', 'source.ip': '203.0.113.9', 'http.response.status_code': 500 }),
    matchOf(connection, 2 * SECOND, { 'source.ip': '10.1.1.2', 'destination.ip': '203.0.113.9' }), // another internal host
    matchOf(connection, 3 * SECOND, { 'source.ip': '10.1.1.1', 'destination.ip': '203.0.113.9' }),
  ]);
  assert.deepEqual(summary(hits).map((h) => [h.at, h.group]), [[3 * SECOND, { internal_ip: '10.1.1.1', remote_ip: '203.0.113.9' }]]);
  // the alias applies by rule name; a rule outside the alias reads the alias name as a field
  assert.equal(run(new CorrelationEngine([aliased]), [
    matchOf(error, 0, { 'destination.ip': '10.1.1.1', 'source.ip': '203.0.113.9' }),
    matchOf(connection, 11 * SECOND, { 'source.ip': '10.1.1.1', 'destination.ip': '203.0.113.9' }),
  ]).length, 0, 'outside 10s');
});

test('rules are referenced by id or by name; a match counts once even if both are listed', () => {
  const byBoth = correlationFromYaml('title: both\ncorrelation: { type: event_count, rules: [53ba33fd, failed_login], timespan: 5m, condition: { gte: 2 } }');
  const rule = { id: '53ba33fd', name: 'failed_login' };
  assert.equal(run(new CorrelationEngine([byBoth]), [matchOf(rule, 0, {})]).length, 0);
  assert.equal(run(new CorrelationEngine([byBoth]), [matchOf(rule, 0, {}), matchOf('53ba33fd', 1, {})]).length, 1);
  const engine = new CorrelationEngine([byBoth, recon]);
  assert.deepEqual([...engine.referencedRuleKeys()].sort(), ['53ba33fd', 'failed_login', 'recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c']);
});

test('memory: groups leave when their window passes; the per-rule group cap evicts the least recently used', () => {
  const rule = correlationFromYaml('title: cap\ncorrelation: { type: event_count, rules: [r], group-by: [Host], timespan: 5m, condition: { gte: 2 } }');
  const engine = new CorrelationEngine([rule], { maxGroupsPerRule: 2 });
  engine.observe(matchOf('r', 0, { Host: 'A' }));
  engine.observe(matchOf('r', 1, { Host: 'B' }));
  engine.observe(matchOf('r', 2, { Host: 'C' })); // evicts A
  assert.deepEqual({ open: engine.stats().openGroups, evicted: engine.stats().groupsEvicted }, { open: 2, evicted: 1 });
  assert.equal(engine.observe(matchOf('r', 3, { Host: 'A' })).length, 0, 'A started over'); // evicts B
  assert.equal(engine.observe(matchOf('r', 4, { Host: 'C' })).length, 1);
  engine.observe(matchOf('r', 10 * MINUTE, { Host: 'D' }));
  assert.equal(engine.stats().openGroups, 1, 'A left the window; only D remains');
  assert.equal(engine.stats().hits, 1);
});

test('memory: samples per group are capped, oldest first, and counted', () => {
  const rule = correlationFromYaml('title: sum\ncorrelation: { type: value_sum, rules: [r], timespan: 1h, condition: { field: n, gte: 1000 } }');
  const engine = new CorrelationEngine([rule], { maxSamplesPerGroup: 3 });
  const hits = run(engine, [1, 1, 1, 1, 1].map((n, i) => matchOf('r', i, { n })));
  assert.equal(hits.length, 0);
  assert.equal(engine.stats().samplesDropped, 4, 'two numbers and two event times beyond the cap of 3');
  const big = new CorrelationEngine([failedLoginUsers]);
  for (let i = 0; i < 1000; i++) big.observe(matchOf(FAILED, i, { ComputerName: 'A', WorkstationName: 'B', User: `u${i}` }));
  assert.deepEqual({ hits: big.stats().hits, open: big.stats().openGroups }, { hits: 10, open: 0 }, '1000 distinct users against gte 100');
});

test('late matches within a timespan count at the clock time; later ones are dropped', () => {
  const rule = correlationFromYaml('title: late\ncorrelation: { type: event_count, rules: [r], timespan: 5m, condition: { gte: 2 } }');
  const engine = new CorrelationEngine([rule]);
  engine.observe(matchOf('r', 10 * MINUTE, {}));
  assert.equal(engine.observe(matchOf('r', 9 * MINUTE, {})).length, 1, 'one minute late: counted');
  engine.observe(matchOf('r', 20 * MINUTE, {}));
  assert.equal(engine.observe(matchOf('r', 14 * MINUTE, {})).length, 0, 'six minutes late: dropped');
  assert.deepEqual({ clamped: engine.stats().lateClamped, dropped: engine.stats().lateDropped }, { clamped: 1, dropped: 1 });
});
