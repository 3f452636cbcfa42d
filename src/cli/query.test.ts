import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const haetae = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

test('haetae query: rows, explain, and errors with a caret', () => {
  const dir = requireShared(join(corpusRoot, 'evtx'));
  const file = listFiles(dir, /\.evtx$/i).find((f) => /sysmon/i.test(f));
  assert.ok(file, 'a Sysmon EVTX file in the corpus');
  const data = mkdtempSync(join(tmpdir(), 'haetae-query-'));
  try {
    assert.equal(haetae('import', '--data', data, file).status, 0);
    const rows = haetae('query', '--data', data, '-f', 'jsonl', 'table sysmon | stats count by event_id | sort -count');
    assert.equal(rows.status, 0, rows.stderr);
    const parsed = rows.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event_id: number; count: number });
    assert.ok(parsed.length > 0 && parsed.every((r) => typeof r.count === 'number' && r.count > 0));
    const explain = haetae('query', '--data', data, '--explain', 'table sysmon | search event_id == 1 | stats count');
    assert.match(explain.stdout, /pushed down to the store \(duckdb SQL, 3 commands\)/);
    assert.match(explain.stdout, /SQL: SELECT/);
    const bad = haetae('query', '--data', data, 'table sysmon | serch x');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /error at line 1, column 16: unknown command 'serch'/);
    assert.match(bad.stderr, /\^{5}/);
    const missing = haetae('query', '--data', data, 'table nosuch');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /table 'nosuch' not found/);
    assert.equal(haetae('query', '--help').status, 0);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
