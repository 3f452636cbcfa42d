/** The hunt pipeline with worker threads (the main thread matching too) against one thread. */
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusRoot, listFiles, requireShared, sigmaRoot } from '../testing/corpus.js';
import type { Detection } from '../detect/index.js';
import { huntFiles, takeFiles } from './hunt-files.js';

test('three threads match every event once and report what one thread reports (outside tracker-dependent Security fields)', async () => {
  const files = listFiles(requireShared(join(corpusRoot, 'evtx')), /\.evtx$/i).filter((_, i) => i % 6 === 0);
  const options = { packs: ['iis-webshell' as const], rules: [join(sigmaRoot, 'rules', 'windows')], minLevel: 'informational' as const };
  const one = await huntFiles(files, { ...options, threads: 1 });
  const three = await huntFiles(files, { ...options, threads: 3 });
  assert.equal(three.summary.events, one.summary.events);
  // Each thread has its own process tracker (README "haetae hunt"): Security 4688/5156
  // fields filled from it, and correlations, may differ with the file split; the rest may not.
  const key = (d: Detection): string => `${d.file}#${d.recordId}#${d.ruleId}#${d.target}`;
  const comparable = (ds: Iterable<Detection>): string[] => [...ds].filter((d) => d.channel !== 'Security' && d.target !== 'correlation').map(key).sort();
  const expected = comparable(one.detections);
  assert.ok(expected.length > 100, `only ${expected.length} comparable detections`);
  assert.deepEqual(comparable(three.detections), expected);
});

test('files for a worker are taken without throwing, even a path that cannot be stat-ed (a symlink loop)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-hunt-files-'));
  symlinkSync(join(dir, 'b.evtx'), join(dir, 'a.evtx'));
  symlinkSync(join(dir, 'a.evtx'), join(dir, 'b.evtx'));
  const queue = [join(dir, 'a.evtx'), join(dir, 'missing.evtx'), ...Array.from({ length: 10 }, (_, i) => join(dir, `n${i}.evtx`))];
  assert.deepEqual(takeFiles(queue), [join(dir, 'a.evtx'), join(dir, 'missing.evtx'), ...Array.from({ length: 6 }, (_, i) => join(dir, `n${i}.evtx`))]);
  assert.equal(queue.length, 4);
});
