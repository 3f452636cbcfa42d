import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFile } from '../formats/index.js';
import { TableMapping } from '../store/index.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Events per table, decoded directly from the files whose content is distinct. */
async function expectedCounts(files: readonly string[]): Promise<Map<string, number>> {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const mapping = new TableMapping();
  for (const f of files) {
    const h = createHash('sha256').update(readFileSync(f)).digest('hex');
    if (seen.has(h)) continue;
    seen.add(h);
    for await (const b of decodeFile(f)) for (const e of b.events) { const t = mapping.tableFor(e.channel); counts.set(t, (counts.get(t) ?? 0) + 1); }
  }
  return counts;
}

function storedCounts(dir: string): Map<string, number> {
  const r = haetae('tables', '--data', dir, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  return new Map((JSON.parse(r.stdout) as { name: string; events: number }[]).map((t) => [t.name, t.events]));
}

test('import and tables answer --help; bad options are usage errors', () => {
  for (const c of ['import', 'tables']) {
    const r = haetae(c, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`Usage: haetae ${c}`));
  }
  assert.equal(haetae('import', '--table', 'no such', 'x.evtx').code, 2);
  const none = haetae('tables', '--data', join(tmpdir(), 'haetae-no-store-here'));
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no store in/);
  assert.doesNotMatch(none.stderr, /at .*\.js/);
});

test('import stores corpus EVTX and NXLog files per channel; a re-import adds nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-import-'));
  const evtx = listFiles(join(corpusRoot, 'evtx', 'EVTX-to-MITRE-Attack', 'TA0008-Lateral Movement'), /\.evtx$/i);
  const json = requireShared(join(corpusRoot, 'json', 'psh_lsass_memory_dump_comsvcs.json.gz'));
  const files = [...evtx, json];
  const r = haetae('import', '--data', dir, ...files);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const want = await expectedCounts(files);
  const total = [...want.values()].reduce((a, b) => a + b, 0);
  assert.match(r.stdout, new RegExp(`imported ${total.toLocaleString('en-US')} events in [0-9.]+ s \\([0-9,]+ events/s\\)`));
  assert.match(r.stdout, /bytes\/event/);
  assert.deepEqual(storedCounts(dir), want);
  const again = haetae('import', '--data', dir, ...files);
  assert.match(again.stdout, /imported 0 events/);
  assert.match(again.stdout, new RegExp(`skipped ${files.length} file\\(s\\) already imported`));
  assert.deepEqual(storedCounts(dir), want);
  const forced = haetae('import', '--data', dir, '--table', 'everything', json);
  assert.match(forced.stdout, /skipped 1 file/);
  const table = haetae('tables', '--data', dir);
  assert.match(table.stdout, /^table +events +first +last\n/);
  assert.match(table.stdout, /\nsysmon +[0-9,]+ +20\d\d-/);
});

test('kill -9 mid-import loses nothing reported committed; re-running completes it without duplicates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-kill-'));
  const root = requireShared(join(corpusRoot, 'evtx'));
  const child = spawn(process.execPath, [MAIN, 'import', '--data', dir, '--commit-every', '300', '-v', '-q', '-t', '1', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  let reported = 0;
  let busy: ReturnType<typeof haetae> | null = null;
  await new Promise<void>((res, rej) => {
    let text = '';
    child.stderr.on('data', (d: Buffer) => {
      text += d.toString();
      const all = [...text.matchAll(/committed (\d+) events/g)];
      if (all.length >= 3 && reported === 0) {
        busy = haetae('tables', '--data', dir);
        const last = [...text.matchAll(/committed (\d+) events/g)].at(-1)!;
        child.kill('SIGKILL');
        reported = Number(last[1]);
        res();
      }
    });
    child.on('exit', () => { if (reported === 0) rej(new Error(`import ended before it could be killed:\n${text}`)); });
  });
  await new Promise((r) => child.on('exit', r));
  assert.ok(busy !== null);
  const b = busy as ReturnType<typeof haetae>;
  assert.equal(b.code, 1);
  assert.match(b.stderr, /data directory .*haetae-kill-.* is in use by another process.*use another --data directory/);
  assert.doesNotMatch(b.stderr, /at .*\.js:\d+/);
  const afterKill = [...storedCounts(dir).values()].reduce((a, c) => a + c, 0);
  assert.ok(afterKill >= reported, `${afterKill} stored, ${reported} reported committed`);
  const rerun = haetae('import', '--data', dir, '-q', root);
  assert.ok(rerun.code === 0 || rerun.code === 1, rerun.stderr);
  const want = await expectedCounts(listFiles(root, /\.evtx$/i));
  assert.deepEqual(storedCounts(dir), want);
  assert.ok(afterKill < [...want.values()].reduce((a, c) => a + c, 0), 'the kill happened mid-import');
});
