/**
 * `haetae sysmon lint` as users run it: exit codes (0 clean or warnings only, 1 with an
 * error finding, 2 for usage errors), the text and JSON output shapes, unreadable files
 * named, and every shared community config linted without a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../testing/corpus.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';
import { lintSysmonConfig, type LintResult } from '../sysmon/lint.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-sysmon-lint-'));
const GUIDE_NETWORK = join(projectRoot, 'src', 'sysmon', 'testdata', 'guide-network.xml');
const GUIDE_PROCESS = join(projectRoot, 'src', 'sysmon', 'testdata', 'guide-process.xml');

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'sysmon', 'lint', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('text output: file:line: severity [code] effect, then rule: and fix:, then a summary; exit 1 on an error', () => {
  const r = haetae(GUIDE_NETWORK);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 4 * 3 + 1);
  for (let i = 0; i < 12; i += 3) {
    assert.match(lines[i], /guide-network\.xml:1[234]: error \[(cidr|always-true)\] \S/);
    assert.match(lines[i + 1], /^ {4}rule: NetworkConnect include \(RuleGroup "", or\) › DestinationIp is not "/);
    assert.match(lines[i + 2], /^ {4}fix: {2}\S/);
  }
  assert.match(lines[12], /guide-network\.xml: 4 errors, 0 warnings, 0 info$/);
});

test('exit 0 with warnings only; --min-severity hides what is below it', () => {
  const r = haetae(GUIDE_PROCESS);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /guide-process\.xml:8: warning \[silences-default\] ProcessCreate is logged by default/);
  const quiet = haetae('--min-severity', 'error', GUIDE_PROCESS, GUIDE_NETWORK);
  assert.equal(quiet.code, 1);
  assert.doesNotMatch(quiet.stdout, /silences-default/);
  assert.match(quiet.stdout, /\n2 files: 4 errors, 0 warnings, 0 info\n$/);
});

test('--format json gives every finding with its fields', () => {
  const r = haetae('--format', 'json', GUIDE_NETWORK, GUIDE_PROCESS);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as { files: LintResult[]; summary: Record<string, number> };
  assert.deepEqual(out.summary, { error: 4, warning: 1, info: 0 });
  assert.deepEqual(out.files.map((f) => f.file), [GUIDE_NETWORK, GUIDE_PROCESS]);
  const [always] = out.files[0].findings;
  assert.deepEqual(Object.keys(always).sort(), ['code', 'effect', 'fix', 'line', 'related', 'rule', 'severity']);
  assert.equal(always.code, 'always-true');
});

test('a file that is not XML is an error naming the file; a missing one is a usage error', () => {
  const notXml = join(dir, 'notes.txt');
  writeFileSync(notXml, 'IIS logging: w3wp & friends\n');
  const r = haetae(notXml);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^${notXml.replace(/[.\\/]/g, '\\$&')}:1: error \\[config\\] Not a Sysmon config: XML error at line 1, column 1`));
  const missing = haetae(join(dir, 'nope.xml'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.xml: ENOENT/);
  assert.equal(haetae().code, 2);
  assert.equal(haetae('--format', 'yaml', GUIDE_NETWORK).code, 2);
  assert.match(haetae('--help').stdout, /Usage: haetae sysmon lint/);
});

test('lints every shared community config without crashing, with the findings of the library', () => {
  const configs = sharedSysmonConfigs();
  const r = haetae('--format', 'json', ...configs);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as { files: LintResult[] };
  assert.equal(out.files.length, configs.length);
  configs.forEach((path, i) => assert.deepEqual(out.files[i], JSON.parse(JSON.stringify(lintSysmonConfig(readFileSync(path), path))), path));
  const errors = out.files.some((f) => f.findings.some((x) => x.severity === 'error'));
  assert.equal(r.code, errors ? 1 : 0);
});
