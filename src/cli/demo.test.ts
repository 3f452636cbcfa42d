/**
 * `haetae demo` and `haetae serve --demo` as a newcomer runs them: the demo writes one
 * EVTX file per host and channel and shows what the iis-webshell pack finds; the server,
 * started on the same (otherwise empty) data directory, loads the demo dataset and
 * answers the seed query over HTTP at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_STORY } from '../demo/index.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

test('haetae demo writes per-host EVTX files and shows the webshell and the tool on two hosts; serve --demo then loads the dataset', async () => {
  const data = mkdtempSync(join(tmpdir(), 'haetae-demo-cli-'));
  const demo = spawnSync(process.execPath, [MAIN, 'demo', '--data', data], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(demo.status, 0, demo.stderr);
  for (const host of ['WEB01', 'DC01', 'FS01', 'WS-0001', 'WS-0002']) {
    for (const file of ['Security.evtx', 'Microsoft-Windows-Sysmon%4Operational.evtx']) assert.ok(existsSync(join(data, 'demo', host, file)), `${host}/${file}`);
  }
  assert.match(demo.stdout, /The iis-webshell pack finds 12 detections/);
  assert.match(demo.stdout, /CRITICAL +IIS Worker Outbound Connection Confirmed by Both Sysmon and the Windows Filtering Platform/);
  assert.match(demo.stdout, new RegExp(`ran on 2 hosts:\\n.*WEB01\\.corp\\.example  C:\\\\Users\\\\Public\\\\svch0st\\.exe .*\\n.*FS01\\.corp\\.example  C:\\\\Windows\\\\svch0st\\.exe`));

  // The data directory holds only demo/ so far: serve --demo still counts it as empty.
  const server = spawn(process.execPath, [MAIN, 'serve', '--demo', '--port', '0', '--data', data], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let log = '';
    server.stderr.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`serve --demo did not get ready in 120 s:\n${log}`)), 120_000);
      server.stderr.on('data', (chunk: string) => {
        log += chunk;
        if (/created an admin token/.test(log)) { clearTimeout(deadline); resolve(); }
      });
      server.once('exit', (code) => { clearTimeout(deadline); reject(new Error(`serve exited with ${code}:\n${log}`)); });
    });
    await ready;
    assert.match(log, /demo: loaded \d+ events of a day on 5 hosts/);
    const url = /serving .* at (http:\/\/\S+)/.exec(log)![1];
    const token = /\(shown once\): (\S+)/.exec(log)![1];
    const res = await fetch(`${url}/api/query`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'table sysmon | search event_id == 1 | stats count by Image, Hashes | sort -count' }),
    });
    assert.equal(res.status, 200);
    const body = await res.json() as { rows: { Image: string; Hashes: string; count: number }[] };
    const tool = body.rows.filter((r) => r.Hashes === DEMO_STORY.payload.hashes).map((r) => r.Image).sort();
    assert.deepEqual(tool, [DEMO_STORY.payload.webPath, DEMO_STORY.payload.lateralPath].sort());
  } finally {
    const exited = new Promise((resolve) => { if (server.exitCode !== null) resolve(server.exitCode); else server.once('exit', resolve); });
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});
