import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileStream, parseStreamDefinition, sourceMatches, StreamDefinitionError } from './stream-definition.js';

const compile = (query: string, extra: Record<string, unknown> = {}, streams: readonly string[] = []): ReturnType<typeof compileStream> =>
  compileStream(parseStreamDefinition({ name: 's', query, ...extra }), new Set(streams));

function refused(query: string, message: RegExp, extra: Record<string, unknown> = {}, streams: readonly string[] = []): void {
  assert.throws(() => compile(query, extra, streams), (e: unknown) => {
    assert.ok(e instanceof StreamDefinitionError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

test('defaults, and settings checked with the reason', () => {
  assert.deepEqual(parseStreamDefinition({ name: 'blocklist', query: 'table sysmon' }), {
    name: 'blocklist', query: 'table sysmon', interval: 0, enabled: true, level: 'medium', alert: true, subquery_refresh: 300,
  });
  assert.deepEqual(parseStreamDefinition({ name: 'x', query: 'table t', interval: '1m', throttle: 60, key: ['host'] }, 'x'),
    { name: 'x', query: 'table t', interval: 60, enabled: true, level: 'medium', alert: true, subquery_refresh: 300, throttle: '60s', key: ['host'] });
  assert.throws(() => parseStreamDefinition({ name: '1x', query: 'table t' }), /name: a letter/);
  assert.throws(() => parseStreamDefinition({ name: 'x', query: 'table t', level: 'severe' }), /level: one of informational/);
  assert.throws(() => parseStreamDefinition({ name: 'x', query: 'table t', interval: '5M' }), /months and years/);
  assert.throws(() => parseStreamDefinition({ name: 'x', query: 'table t', intervall: 5 }), /unknown setting 'intervall'/);
  assert.throws(() => parseStreamDefinition({ name: 'x', query: 'table t' }, 'y'), /differs from the URL's 'y'/);
});

test('per event: row commands stream; stats, sort, timechart, dedup, limit and search limit= need an interval', () => {
  const c = compile('table sysmon | search event_id == 3 | eval d = lower(DestinationIp) | parsekv overlay=t | rename d as dst | fields dst | explode dst');
  assert.deepEqual(c.sources, ['sysmon']);
  assert.equal(c.commands.length, 6);
  for (const [q, what] of [
    ['table sysmon | stats count by Image', 'stats'], ['table sysmon | sort -_time', 'sort'], ['table sysmon | timechart span=1m count', 'timechart'],
    ['table sysmon | dedup Image', 'dedup'], ['table sysmon | limit 10', 'limit'], ['table sysmon | search limit=5 event_id == 1', 'search limit='],
  ] as const) {
    refused(q, new RegExp(`${what.replace(/[=]/g, '\\$&')} needs all the rows of a window, so it cannot run per event \\(interval 0\\)[\\s\\S]*hint: give the stream an interval`));
    assert.equal(compile(q, { interval: 60 }).def.interval, 60, `${q} runs per window`);
  }
});

test('errors point at the command in the query text', () => {
  refused('table sysmon\n| search event_id == 3\n| stats count by Image', /error at line 3, column 3: stats needs[\s\S]*\| stats count by Image\n\s+\^{5}/);
  refused('table sysmon | serch x', /unknown command 'serch'/);
  refused('wget url="http://127.0.0.1/x"', /starts with table NAME/);
  refused('table sysmon | wget', /wget cannot run in a stream query: it would fetch once per event/);
  refused('table duration=1h sysmon', /table only names the source tables; duration= apply to stored queries/);
});

test('join and lookup only against static data: not the sources, not a stream; right/full joins need a window', () => {
  const c = compile('table sysmon | join DestinationIp [ table feed_blocklist | fields ip | rename ip as DestinationIp ] | lookup assets host output owner');
  assert.equal(c.statics.length, 1);
  assert.deepEqual(c.lookups, ['assets']);
  const join = c.commands[0]!;
  assert.ok(join.kind === 'join' && join.subquery.commands[0]!.kind === 'table' && join.subquery.commands[0]!.tables[0]!.name === '__static_0', 'the subquery reads its snapshot');
  compile('table sysmon | join DestinationIp [ wget url="http://127.0.0.1:8080/ip.txt" | eval ip = split(line, "\\r\\n") | fields ip | explode ip | rename ip as DestinationIp ]');
  refused('table sysmon | join ProcessGuid [ table sysmon | search event_id == 1 ]', /'sysmon' is a source of this stream query: a join or lookup reads a static snapshot/);
  refused('table sys* | join ProcessGuid [ table sysmon ]', /'sysmon' is a source of this stream query/);
  refused('table sysmon | lookup sysmon ProcessGuid output Image', /'sysmon' is a source/);
  refused('table sysmon | join x [ table hits ]', /'hits' is a stream query/, {}, ['hits']);
  refused('table sysmon | join type=full x [ table feed_a ]', /join type=full cannot run per event/);
  assert.equal(compile('table sysmon | join type=full x [ table feed_a ]', { interval: 10 }).statics.length, 1);
  refused('table s | search x == 1', /cannot read its own output/);
});

test('sources: names match tables case-insensitively; patterns match stored tables', () => {
  assert.ok(sourceMatches('sysmon', 'sysmon'));
  assert.ok(sourceMatches('sys*', 'sysmon'));
  assert.ok(!sourceMatches('sysmon', 'security'));
  assert.deepEqual(compile('table hits, security', {}, ['hits']).sources, ['hits', 'security']);
});

test('throttle and key become the alert throttle', () => {
  assert.deepEqual(compile('table sysmon', { throttle: '5m', key: ['host', 'Image'] }).throttle, { windowMs: 300_000, key: ['host', 'Image'] });
  assert.equal(compile('table sysmon').throttle, undefined);
});
