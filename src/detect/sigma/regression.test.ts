/**
 * Real data: the shared EVTX corpus and SigmaHQ's regression EVTX, decoded with
 * `decodeFile` (the regression rules themselves are checked through the whole engine, with
 * log-source mapping, in ../rule-set.test.ts).
 * - prefilter soundness: for every Windows rule and every decoded event, `matches(event)`
 *   implies `prefilterHolds(prefilter, event)`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Event } from '../../event/index.js';
import { decodeFile } from '../../formats/index.js';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../../testing/corpus.js';
import type { CompiledMatcher, LogSourceTarget } from '../types.js';
import { compileDetection, parseSigmaText, prefilterHolds, type DetectionRuleDoc } from './index.js';

/** Event data fields as they are, plus the System fields rules name (rules spec "Field Usage" 3.i). */
const SYSTEM: Readonly<Record<string, (e: Event) => string | number>> = {
  EventID: (e) => e.event_id, Channel: (e) => e.channel, Provider_Name: (e) => e.provider, Computer: (e) => e.host,
};
const plainTarget: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => SYSTEM[f] ?? ((e) => e.data[f]) };

async function decodeAll(file: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const b of decodeFile(file)) out.push(...b.events);
  return out;
}

function loadRules(dir: string): DetectionRuleDoc[] {
  return listFiles(dir, /\.yml$/).flatMap((f) => parseSigmaText(readFileSync(f, 'utf8'), f).documents)
    .filter((d): d is DetectionRuleDoc => d.kind === 'detection');
}

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
