/** `haetae forensics` as a user runs it: on a data directory holding the demo dataset. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoDataset, DEMO_STORY } from '../demo/index.js';
import type { SpreadAnswer } from '../forensics/spread.js';
import { openStore } from '../store/index.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
let dataDir: string;

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'haetae-forensics-'));
  const store = await openStore({ dataDir });
  await store.importEvents('auto', [{ events: demoDataset() }]);
  await store.close();
});

after(() => rmSync(dataDir, { recursive: true, force: true }));

test('haetae forensics --help lists the views', () => {
  const r = haetae('forensics', '--help');
  assert.equal(r.code, 0);
  for (const v of ['tree', 'connections', 'prevalence', 'spread', 'ioc', 'hosts']) assert.match(r.stdout, new RegExp(`^  ${v} `, 'm'));
});

test('haetae forensics spread --hash: WEB01 first, then FS01 (json and table)', () => {
  const json = haetae('forensics', 'spread', '--data', dataDir, '--hash', DEMO_STORY.payload.sha256, '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  const a = JSON.parse(json.stdout) as SpreadAnswer;
  assert.deepEqual(a.hosts.map((h) => h.host), [DEMO_STORY.webHost, DEMO_STORY.lateralHost]);
  const table = haetae('forensics', 'spread', '--data', dataDir, '--hash', DEMO_STORY.payload.sha256);
  assert.match(table.stdout, new RegExp(`patient zero ${DEMO_STORY.webHost}`));
});

test('haetae forensics tree by host, hex PID and time; usage errors', () => {
  const whoami = demoDataset().find((e) => e.host === DEMO_STORY.webHost && e.event_id === 1 && String(e.data.Image).endsWith('\\whoami.exe'))!;
  const r = haetae('forensics', 'tree', '--data', dataDir, '--host', whoami.host, '--pid', '0x' + Number(whoami.data.ProcessId).toString(16), '--time', whoami._time);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const at = (name: string): number => lines.findIndex((l) => l.includes(name));
  assert.ok(at('w3wp.exe') < at('cmd.exe') && at('cmd.exe') < at('* C:\\Windows\\System32\\whoami.exe'), r.stdout);
  assert.equal(haetae('forensics', 'tree', '--data', dataDir, '--pid', '3').code, 2);
  assert.equal(haetae('forensics', 'nope', '--data', dataDir).code, 2);
  const missing = haetae('forensics', 'tree', '--data', dataDir, '--guid', '{00000000-1111-2222-3333-444444444444}');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no Sysmon event names process/);
});
