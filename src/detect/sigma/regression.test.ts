/**
 * Real data: SigmaHQ's regression data (an EVTX per rule holding events the rule must
 * match) and the shared EVTX corpus, decoded with `decodeFile`.
 * - every regression rule matches at least one event of its EVTX (a few rules need the
 *   log-source field mapping that logsource.ts adds; the test allows 2 misses and prints each);
 * - prefilter soundness: for every Windows rule and every decoded event, `matches(event)`
 *   implies `prefilterHolds(prefilter, event)`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { Event } from '../../event/index.js';
import { decodeFile } from '../../formats/index.js';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../../testing/corpus.js';
import type { CompiledMatcher, LogSourceTarget } from '../types.js';
import { compileDetection, parseSigmaText, prefilterHolds, type DetectionRuleDoc } from './index.js';

/** Event data fields as they are, plus the System fields rules name (rules spec "Field Usage" 3.i). */
const SYSTEM: Readonly<Record<string, (e: Event) => string | number>> = {
  EventID: (e) => e.event_id, Channel: (e) => e.channel, Provider_Name: (e) => e.provider, Computer: (e) => e.host,
};
/** Sigma strips spaces from field names (rules spec "Field Usage" 2): `SourceName` reads `Source Name`. */
const withoutSpaces = (e: Event, f: string): Event['data'][string] | undefined => {
  for (const k in e.data) if (k.includes(' ') && k.replaceAll(' ', '') === f) return e.data[k];
  return undefined;
};
const plainTarget: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => SYSTEM[f] ?? ((e) => e.data[f]) };
const target: LogSourceTarget = {
  name: 'test', channel: null, provider: null, eventIds: [],
  resolve: (f) => SYSTEM[f] ?? ((e) => e.data[f] ?? withoutSpaces(e, f)),
};

async function decodeAll(file: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const b of decodeFile(file)) out.push(...b.events);
  return out;
}

function loadRules(dir: string): DetectionRuleDoc[] {
  return listFiles(dir, /\.yml$/).flatMap((f) => parseSigmaText(readFileSync(f, 'utf8'), f).documents)
    .filter((d): d is DetectionRuleDoc => d.kind === 'detection');
}

test('SigmaHQ regression data: each rule matches its own EVTX', async () => {
  const root = requireShared(join(sigmaRoot, 'regression_data'));
  const byId = new Map<string, DetectionRuleDoc>();
  for (const d of ['rules', 'rules-emerging-threats', 'rules-threat-hunting']) for (const r of loadRules(join(sigmaRoot, d))) if (r.meta.id) byId.set(r.meta.id, r);
  const misses: string[] = [];
  let checked = 0;
  for (const info of listFiles(root, /^info\.yml$/)) {
    const meta = parse(readFileSync(info, 'utf8')) as { rule_metadata: { id: string }[] };
    for (const { id } of meta.rule_metadata) {
      const rule = byId.get(id);
      const evtx = join(dirname(info), `${id}.evtx`);
      if (!rule) { misses.push(`${info}: rule ${id} not found`); continue; }
      let events: Event[];
      try { events = await decodeAll(evtx); } catch { continue; }
      if (events.length === 0) continue; // no EVTX for this rule (another kind of regression data)
      checked++;
      const m = compileDetection(rule, target);
      if (!events.some(m.matches)) misses.push(`${rule.meta.title} (${id}), ${events.length} events`);
    }
  }
  console.log(`regression rules checked: ${checked}, not matching: ${misses.length}`);
  for (const m of misses) console.log(`  ${m}`);
  assert.ok(checked > 100, `only ${checked} regression rules checked`);
  assert.ok(misses.length <= 2, `${misses.length} of ${checked} regression rules did not match their events`);
});

test('prefilter soundness: a match implies the prefilter holds (Windows rules × corpus events)', async () => {
  const rules = loadRules(join(sigmaRoot, 'rules', 'windows'));
  const matchers: CompiledMatcher[] = rules.map((r) => compileDetection(r, plainTarget));
  const files = listFiles(requireShared(join(corpusRoot, 'evtx')), /\.evtx$/);
  // A spread of files (every 12th) keeps the run short; the regression EVTX add events rules are known to match.
  const picked = [...files.filter((_, i) => i % 12 === 0), ...listFiles(join(sigmaRoot, 'regression_data', 'rules', 'windows'), /\.evtx$/)];
  let events = 0, matches = 0, skipped = 0;
  const unsound: string[] = [];
  for (const file of picked) {
    for (const e of await decodeAll(file)) {
      events++;
      matchers.forEach((m, i) => {
        const pass = prefilterHolds(m.prefilter, e);
        if (!pass) skipped++;
        if (m.matches(e)) {
          matches++;
          if (!pass) unsound.push(`${rules[i].meta.title}: event ${e.event_id} ${e.record_id} in ${file}`);
        }
      });
    }
  }
  console.log(`rules: ${matchers.length}, events: ${events}, matches: ${matches}, prefilter skips: ${(100 * skipped / (events * matchers.length)).toFixed(1)}%`);
  assert.deepEqual(unsound.slice(0, 20), []);
  assert.ok(matches > 50, `only ${matches} matches: the test would not notice an unsound prefilter`);
});
