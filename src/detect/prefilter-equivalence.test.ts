/**
 * Prefilters and event-ID routing are only shortcuts: with them on, a rule set must report
 * exactly what it reports with them off (every rule of an event's log source run on it);
 * so must the rule set a hunt worker rebuilds from the compact form.
 * Checked for every SigmaHQ rule (rules, emerging threats, threat hunting) and the
 * built-in packs over the whole EVTX corpus and SigmaHQ's regression EVTX, whose events
 * the rules are known to match; and on a hand-broken prefilter, to show the check fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyEvent, type Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../testing/corpus.js';
import { ProcessTracker } from './process-tracker.js';
import { readRuleSources, type RuleSource } from './rule-files.js';
import { RuleSet } from './rule-set.js';
import { selectRuleSources } from './rule-sources.js';
import type { Prefilter } from './types.js';

/**
 * What rule sets report differently from `unfiltered` over `events` (fed to one shared
 * tracker first), and how many hits there are.
 */
async function compare(events: AsyncIterable<Event>, tracker: ProcessTracker, filtered: RuleSet | readonly RuleSet[], unfiltered: RuleSet): Promise<{ differences: string[]; hits: number; rules: Set<string> }> {
  const differences: string[] = [];
  const rules = new Set<string>();
  let hits = 0;
  const names = (set: RuleSet, e: Event): string[] => {
    const out: string[] = [];
    set.match(e, (rule, matcher) => out.push(`${rule.key}@${matcher.target.name}`));
    return out;
  };
  for await (const e of events) {
    tracker.observe(e);
    const off = names(unfiltered, e);
    for (const [i, set] of (Array.isArray(filtered) ? filtered : [filtered]).entries()) {
      const on = names(set, e);
      if (on.join() !== off.join()) differences.push(`${e.channel} ${e.event_id} record ${e.record_id}: rule set ${i} with prefilters [${on.join(', ')}], without [${off.join(', ')}]`);
    }
    hits += off.length;
    for (const h of off) rules.add(h);
  }
  return { differences, hits, rules };
}

async function* eventsOf(files: readonly string[]): AsyncGenerator<Event> {
  for (const f of files) for await (const b of decodeFile(f, { render: false })) yield* b.events;
}

const pair = (sources: readonly RuleSource[], tracker: ProcessTracker): [RuleSet, RuleSet] =>
  [RuleSet.load(sources, { tracker }), RuleSet.load(sources, { tracker, prefilters: false })];

test('SigmaHQ rules and packs over the corpus: the same detections with and without prefilters, and from the compact form', async () => {
  const { sources, problems } = readRuleSources(['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => requireShared(join(sigmaRoot, d))));
  assert.deepEqual(problems, []);
  const packs = selectRuleSources({ packs: ['iis-webshell'], rules: [] }).sources;
  const tracker = new ProcessTracker();
  const [on, off] = pair([...sources, ...packs], tracker);
  // What a hunt worker gets: the plain-data form, cloned as postMessage would.
  const restored = RuleSet.fromCompact(structuredClone(on.compact()), { tracker });
  const files = [
    ...listFiles(requireShared(join(corpusRoot, 'evtx')), /\.evtx$/i),
    ...listFiles(requireShared(join(sigmaRoot, 'regression_data')), /\.evtx$/i),
  ];
  const { differences, hits, rules } = await compare(eventsOf(files), tracker, [on, restored], off);
  console.log(`files: ${files.length}, hits: ${hits}, distinct rule targets hit: ${rules.size}, differences: ${differences.length}`);
  assert.deepEqual(differences.slice(0, 20), []);
  // Enough rules match for a wrong prefilter to show: the regression EVTX alone hit over 150.
  assert.ok(rules.size > 300, `only ${rules.size} rule targets matched anything`);
});

test('the comparison catches a prefilter that rejects a matching event', async () => {
  const rule = 'title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource:\n    product: windows\n    service: security\ndetection:\n    sel:\n        EventID: 4625\n        TargetUserName|contains: adm\n    condition: sel\n';
  const tracker = new ProcessTracker();
  const [on, off] = pair([{ file: 't.yml', text: rule }], tracker);
  const event = (user: string): Event => ({ ...emptyEvent(), channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', event_id: 4625, data: { TargetUserName: user } });
  async function* events(): AsyncGenerator<Event> { yield event('admin'); yield event('guest'); }
  assert.deepEqual((await compare(events(), tracker, on, off)).differences, []);
  const [broken] = pair([{ file: 't.yml', text: rule }], tracker);
  const matcher = broken.rules[0].matchers[0] as { prefilter: Prefilter | null };
  assert.ok(matcher.prefilter, 'the rule has a prefilter to break');
  matcher.prefilter = { anyOf: matcher.prefilter.anyOf.map((a) => ({ ...a, needle: 'nowhere' })) };
  const { differences } = await compare(events(), tracker, broken, off);
  assert.equal(differences.length, 1, differences.join('\n'));
});
