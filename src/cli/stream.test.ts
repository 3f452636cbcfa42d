/** `haetae stream` against an in-process server: the CLI is a client of the stream API. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultRealtimeSettings } from '../server/realtime-config.js';
import { startTestServer } from '../testing/server.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Runs the CLI asynchronously (the server answering it lives in this process). */
function haetae(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'stream', ...args], { env: { ...process.env, HAETAE_SERVER: '', HAETAE_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('haetae stream: create, list, disable, enable, delete; errors from the server shown with exit code 1', async () => {
  const t = await startTestServer({ settings: { rules: { ...defaultRealtimeSettings().rules, enabled: false } } });
  try {
    const as = (token: string): Record<string, string> => ({ HAETAE_SERVER: t.server.url, HAETAE_TOKEN: token });
    const help = await haetae(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /haetae stream create <name>/);
    assert.equal((await haetae(['list'])).code, 2, 'no token: a usage error');

    const created = await haetae(['create', 'children', '--query', 'table sysmon | search event_id == 1 | fields host, Image', '--level', 'high', '--throttle', '5m', '--key', 'host,Image'], as(t.adminToken));
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^children {2}running {2}per-event {2}high/);
    const def = (await t.api('GET', '/api/streams/children')).body;
    assert.deepEqual([def['throttle'], def['key']], ['5m', ['host', 'Image']]);

    const bad = await haetae(['create', 'counts', '--query', 'table sysmon | stats count by Image'], as(t.adminToken));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /HTTP 400: stream counts: .*stats needs all the rows of a window/s);
    const windowed = await haetae(['create', 'counts', '--query', 'table sysmon | stats count by Image', '--interval', '60', '--no-alert'], as(t.adminToken));
    assert.equal(windowed.code, 0, windowed.stderr);

    const listed = await haetae(['list', '--server', t.server.url, '--token', t.readToken]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n').map((l) => l.split('  ').slice(0, 3)), [['children', 'running', 'per-event'], ['counts', 'running', 'every 60s']]);
    const denied = await haetae(['disable', 'children'], as(t.readToken));
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /HTTP 403/);
    assert.match((await haetae(['disable', 'children'], as(t.adminToken))).stdout, /^children {2}stopped/);
    assert.match((await haetae(['enable', 'children'], as(t.adminToken))).stdout, /^children {2}running/);
    assert.equal((await haetae(['delete', 'counts'], as(t.adminToken))).code, 0);
    assert.equal((await haetae(['delete', 'counts'], as(t.adminToken))).code, 1);
    const json = JSON.parse((await haetae(['list', '--json'], as(t.readToken))).stdout) as { name: string }[];
    assert.deepEqual(json.map((s) => s.name), ['children']);
    const unreachable = await haetae(['list', '--server', 'http://127.0.0.1:9', '--token', 'x']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  } finally {
    await t.close();
  }
});
