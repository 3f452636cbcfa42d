/**
 * The whole engine on SigmaHQ's own material: every rule file loads (or is reported with
 * a reason), and every rule with regression data detects its own EVTX through the real
 * log-source mapping, prefilter index and hunt.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { decodeFile } from '../formats/index.js';
import { listFiles, requireShared, sigmaRoot } from '../testing/corpus.js';
import { Hunt, MatchStage } from './hunt.js';
import { ProcessTracker } from './process-tracker.js';
import { readRuleSources } from './rule-files.js';
import { RuleSet } from './rule-set.js';

const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting', 'rules-placeholder'];

test('every SigmaHQ rule file loads; fewer than 1% not loaded, each with a reason', () => {
  const { sources, problems } = readRuleSources(RULE_DIRS.map((d) => requireShared(join(sigmaRoot, d))));
  assert.deepEqual(problems, []);
  const set = RuleSet.load(sources);
  const { loaded, dormant, notLoaded } = set.summary();
  const failed = set.report.filter((r) => r.status === 'not-loaded');
  for (const f of failed) console.log(`not loaded: ${f.file}: ${f.reasons.join('; ')}`);
  console.log(`rule files: ${sources.length}; loaded ${loaded}, dormant ${dormant} (non-Windows log sources), not loaded ${notLoaded}`);
  assert.equal(loaded + dormant + notLoaded, sources.length, 'one report entry per rule file');
  assert.ok(notLoaded < sources.length / 100, `${notLoaded} of ${sources.length} not loaded`);
  for (const f of failed) assert.ok(f.reasons.length > 0 && f.reasons.every((r) => r.length > 10), `${f.file} has a reason`);
  assert.ok(sources.length > 3000, `expected the SigmaHQ rule folders, found ${sources.length} files`);
  assert.ok(loaded > 2300, `${loaded} Windows rules loaded`);
  // Given values for their `expand` placeholders (rules spec "Placeholders"), the rules
  // not loaded parse and compile too: every SigmaHQ rule is within the engine's reach.
  const placeholders = new Proxy({} as Record<string, string[]>, { get: (_, name) => [`${String(name)}_value*`] });
  const retried = RuleSet.load(sources.filter((src) => failed.some((f) => f.file === src.file)), { placeholders });
  assert.deepEqual(retried.report.filter((r) => r.status === 'not-loaded'), []);
});

test('SigmaHQ regression data: hunting each rule\'s EVTX with that rule reports it', async () => {
  const root = requireShared(join(sigmaRoot, 'regression_data'));
  const files = new Map<string, string>();
  for (const d of RULE_DIRS.slice(0, 3)) for (const f of listFiles(join(sigmaRoot, d), /\.yml$/)) files.set(f.slice(f.lastIndexOf('/') + 1, -4), f);
  let checked = 0;
  const misses: string[] = [];
  for (const info of listFiles(root, /^info\.yml$/)) {
    const meta = parse(readFileSync(info, 'utf8')) as { rule_metadata: { id: string; title: string }[]; regression_tests_info?: { type: string }[] };
    // Regression data of other kinds (e.g. Cisco's raw text, commented out upstream) has no EVTX.
    if (!meta.regression_tests_info?.some((t) => t.type === 'evtx')) continue;
    const ruleFile = files.get(dirname(info).slice(dirname(info).lastIndexOf('/') + 1));
    assert.ok(ruleFile, `rule file for ${info}`);
    const tracker = new ProcessTracker();
    const set = RuleSet.load([{ file: ruleFile, text: readFileSync(ruleFile, 'utf8') }], { tracker });
    assert.equal(set.rules.length, 1, `${ruleFile} loads: ${JSON.stringify(set.report)}`);
    const hunt = new Hunt(set);
    const stage = new MatchStage(set, tracker);
    for (const { id } of meta.rule_metadata) {
      const evtx = join(dirname(info), `${id}.evtx`);
      for await (const batch of decodeFile(evtx, { render: false })) for (const e of batch.events) stage.observe(e, evtx, (hit) => hunt.add(hit));
      checked++;
      const found = [...hunt.finish().detections].some((d) => d.ruleId === id);
      if (!found) misses.push(`${meta.rule_metadata[0].title} (${ruleFile})`);
    }
  }
  console.log(`regression rules checked: ${checked}; not detected: ${misses.length}`);
  assert.ok(checked >= 150, `only ${checked} regression rules checked`);
  assert.deepEqual(misses, []);
});
