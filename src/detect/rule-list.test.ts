/** RuleList: which entries' predicates run, given their prefilters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyEvent, type Event } from '../event/index.js';
import { defaultResolver } from './field-access.js';
import type { LoadedRule } from './rule-set.js';
import { RuleList, type RuleEntry } from './rule-list.js';
import type { CompiledMatcher, LogSourceTarget, PrefilterAlternative } from './types.js';

const target: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: defaultResolver };
const alt = (field: string, needle: string): PrefilterAlternative => ({ field, needle, accessor: defaultResolver(field) ?? (() => undefined) });
const ev = (data: Record<string, string>): Event => ({ ...emptyEvent(), data });

/** A list of one entry whose predicate counts its runs (and always matches). */
function counted(anyOf: PrefilterAlternative[], alsoAnyOf?: PrefilterAlternative[]): { list: RuleList; runs: () => number } {
  let runs = 0;
  const matcher: CompiledMatcher = { target, eventIds: null, prefilter: alsoAnyOf ? { anyOf, alsoAnyOf } : { anyOf }, matches: () => { runs++; return true; } };
  const list = new RuleList(true);
  list.add({ rule: {} as LoadedRule, matcher, provider: null, order: 0 } satisfies RuleEntry);
  return { list, runs: () => runs };
}

function collect(list: RuleList, e: Event): number {
  const hits: RuleEntry[] = [];
  list.collect(e, '', hits);
  return hits.length;
}

test('an entry runs only when a needle of its first clause and one of its second occur', () => {
  const { list, runs } = counted([alt('Image', '\\windows\\')], [alt('CommandLine', '\\..\\..\\'), alt('CommandLine', '.exe\\..\\')]);
  assert.equal(collect(list, ev({ Image: 'C:\\Windows\\x.exe', CommandLine: 'x' })), 0);
  assert.equal(runs(), 0, 'the second clause failed: no predicate run');
  assert.equal(collect(list, ev({ Image: 'C:\\Temp\\x.exe', CommandLine: 'a\\..\\..\\b' })), 0);
  assert.equal(runs(), 0);
  assert.equal(collect(list, ev({ Image: 'C:\\WINDOWS\\x.exe', CommandLine: 'A.EXE\\..\\B' })), 1);
  assert.equal(runs(), 1);
});

test('without prefilters every entry runs', () => {
  let runs = 0;
  const list = new RuleList(false);
  const matcher: CompiledMatcher = { target, eventIds: null, prefilter: { anyOf: [alt('Image', 'nowhere')] }, matches: () => { runs++; return false; } };
  list.add({ rule: {} as LoadedRule, matcher, provider: null, order: 0 });
  collect(list, ev({ Image: 'x' }));
  assert.equal(runs, 1);
});
