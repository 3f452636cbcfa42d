/**
 * Every SigmaHQ rule file under the shared sigma folder (rules, rules-emerging-threats,
 * rules-threat-hunting, rules-placeholder) parses, and every detection rule compiles
 * against a trivial target; fewer than 1% may fail, each failure is printed.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listFiles, requireShared, sigmaRoot } from '../../testing/corpus.js';
import type { LogSourceTarget } from '../types.js';
import { compileDetection, parseSigmaText, SigmaCompileError } from './index.js';

const target: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => (e) => e.data[f] };
/** Values for the standard placeholders (rules spec "Standard Placeholders") and the ones SigmaHQ uses. */
const placeholders = new Proxy({} as Record<string, string[]>, { get: (_, name) => [`${String(name)}_value*`] });

test('every SigmaHQ rule parses and compiles', () => {
  const root = requireShared(sigmaRoot);
  const dirs = readdirSync(root).filter((d) => d.startsWith('rules'));
  const files = dirs.flatMap((d) => listFiles(join(root, d), /\.ya?ml$/));
  const failures: string[] = [];
  const counts = { files: files.length, detection: 0, correlation: 0, filter: 0, compiled: 0, prefiltered: 0 };
  for (const file of files) {
    const { documents, problems } = parseSigmaText(readFileSync(file, 'utf8'), file);
    for (const p of problems) failures.push(`${file}: ${p.message}`);
    for (const doc of documents) {
      counts[doc.kind]++;
      if (doc.kind !== 'detection') continue;
      try {
        const m = compileDetection(doc, target, { placeholders });
        counts.compiled++;
        if (m.prefilter) counts.prefiltered++;
      } catch (e) {
        if (!(e instanceof SigmaCompileError)) throw e;
        failures.push(`${file}: ${e.message}`);
      }
    }
  }
  console.log(JSON.stringify(counts), `failures: ${failures.length}`);
  for (const f of failures) console.log(`  ${f}`);
  assert.ok(files.length > 3000, `expected the SigmaHQ rule folders, found ${files.length} files`);
  assert.ok(failures.length < files.length / 100, `${failures.length} of ${files.length} rule files failed`);
});
