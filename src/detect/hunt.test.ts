/** A hunt whose results spill to temporary files reports exactly what an in-memory hunt reports. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { demoDataset } from '../demo/demo-dataset.js';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../testing/corpus.js';
import { Hunt, MatchStage, type HuntOptions, type HuntResult } from './hunt.js';
import { ProcessTracker } from './process-tracker.js';
import { RuleSet } from './rule-set.js';
import { selectRuleSources } from './rule-sources.js';

interface Input { readonly file: string; readonly event: Event }

function hunt(inputs: readonly Input[], rules: string[], options: HuntOptions): Hunt {
  const tracker = new ProcessTracker();
  const set = RuleSet.load(selectRuleSources({ packs: ['iis-webshell'], rules }).sources, { tracker });
  const h = new Hunt(set, options);
  const stage = new MatchStage(set, tracker);
  for (const { file, event } of inputs) stage.observe(event, file, (hit) => h.add(hit));
  return h;
}

/** Hunts in memory and with `spillBytes`; asserts the same results and that `spills` folders were written. */
function assertSpillChangesNothing(inputs: readonly Input[], rules: string[], spillBytes: number, spills: number): HuntResult {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-hunt-test-'));
  try {
    const reference = hunt(inputs, rules, { maxPerRule: 2000 }).finish();
    const spilling = hunt(inputs, rules, { spillBytes, spillDir: dir, maxPerRule: 2000 });
    assert.equal(readdirSync(dir).length, spills, 'the small budget made the hunt spill');
    const spilled = spilling.finish();
    // JSON text: a detection read back from a run file has no `undefined` properties.
    assert.equal(JSON.stringify([...spilled.detections]), JSON.stringify([...reference.detections]));
    assert.equal(spilled.detections.count, reference.detections.count);
    assert.deepEqual(spilled.byLevel, reference.byLevel);
    assert.deepEqual([...spilled.suppressed], [...reference.suppressed]);
    spilled.detections.dispose();
    assert.deepEqual(readdirSync(dir), [], 'the run files are removed');
    return reference;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('spilling detections to disk changes nothing: SigmaHQ rules over a third of the corpus', async () => {
  const files = listFiles(requireShared(join(corpusRoot, 'evtx')), /\.evtx$/i).filter((_, i) => i % 3 === 0);
  const inputs: Input[] = [];
  for (const file of files) for await (const batch of decodeFile(file, { render: false })) for (const event of batch.events) inputs.push({ file, event });
  const result = assertSpillChangesNothing(inputs, [join(sigmaRoot, 'rules', 'windows')], 200_000, 1);
  assert.ok(result.detections.count > 1000, `only ${result.detections.count} detections`);
});

test('spilling correlation inputs to disk changes nothing: the demo webshell story', () => {
  // The story makes the pack's cross-confirmation correlations fire (8 inputs, 6 hits).
  const inputs = demoDataset({ sysmonEvents: 3000 }).map((event) => ({ file: 'demo', event }));
  const result = assertSpillChangesNothing(inputs, [], 1500, 2);
  assert.ok([...result.detections].filter((d) => d.target === 'correlation').length >= 4, 'correlations ran');
});

test('a hunt that cannot write its temporary files keeps every detection and says why', () => {
  const inputs = demoDataset({ sysmonEvents: 3000 }).map((event) => ({ file: 'demo', event }));
  const reference = hunt(inputs, [], {}).finish();
  const stuck = hunt(inputs, [], { spillBytes: 1500, spillDir: join(tmpdir(), 'haetae-no-such-folder', 'deeper') }).finish();
  assert.equal(JSON.stringify([...stuck.detections]), JSON.stringify([...reference.detections]));
  assert.equal(stuck.problems.length, 2);
  assert.match(stuck.problems[0], /cannot write detections to a temporary file .*haetae-no-such-folder/);
  assert.deepEqual(reference.problems, []);
});
