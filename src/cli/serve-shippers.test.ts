import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventToEcs } from '../formats/index.js';
import { corpusEvents, SHIPPING_FILES } from '../testing/stored-events.js';
import { snareFields } from '../testing/syslog-shapes.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

test('haetae serve --syslog-tcp/--syslog-udp (and haetae.yaml) start the shipper endpoints: Elasticsearch bulk and Snare over UDP reach the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-serve-shippers-'));
  const data = join(dir, 'data');
  // TCP from haetae.yaml, UDP from the flag (flags win where both are given).
  writeFileSync(join(dir, 'haetae.yaml'), 'serve:\n  syslog_tcp_port: 0\n');
  const created = spawnSync(process.execPath, [MAIN, 'token', 'create', '--name', 'shipper', '--role', 'admin', '--data', data], { encoding: 'utf8', cwd: dir });
  assert.equal(created.status, 0, created.stderr);
  const token = created.stdout.trim();
  const server = spawn(process.execPath, [MAIN, 'serve', '--data', data, '--port', '0', '--syslog-udp', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  try {
    const ready = await new Promise<{ url: string; tcp: number; udp: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
      server.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const url = /serving .* at (http:\/\/\S+)/.exec(stderr)?.[1];
        const ports = /syslog: listening on TCP [\d.]+:(\d+) and UDP [\d.]+:(\d+)/.exec(stderr);
        if (url !== undefined && ports !== null) { clearTimeout(timer); resolve({ url, tcp: Number(ports[1]), udp: Number(ports[2]) }); }
      });
      server.on('exit', () => reject(new Error(`server exited:\n${stderr}`)));
    });
    assert.ok(ready.tcp > 0 && ready.udp > 0);
    const [sysmon, security] = [await corpusEvents(SHIPPING_FILES.sysmon), await corpusEvents(SHIPPING_FILES.security)];
    const auth = { authorization: `Basic ${Buffer.from(`winlogbeat:${token}`).toString('base64')}` };
    const bulk = await fetch(`${ready.url}/_bulk`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson' },
      body: sysmon.map((e) => `{"create":{"_index":"winlogbeat-8.19.0"}}\n${JSON.stringify(eventToEcs(e))}\n`).join(''),
    });
    assert.equal(bulk.status, 200);
    assert.equal(((await bulk.json()) as { errors: boolean }).errors, false);
    const line = snareFields(security[1], 1);
    const sent = spawnSync('logger', ['-n', '127.0.0.1', '-P', String(ready.udp), '--udp', '--rfc3164', '-t', 'MSWinEventLog', '--size', '65000', line], { encoding: 'utf8' });
    assert.equal(sent.status, 0, `logger: ${sent.error?.message ?? sent.stderr}`);
    const deadline = Date.now() + 15_000;
    let tables: { name: string; events: number }[] = [];
    while (Date.now() < deadline) {
      tables = ((await (await fetch(`${ready.url}/api/tables`, { headers: auth })).json()) as { tables: typeof tables }).tables;
      if (tables.some((t) => t.name === 'security')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(Object.fromEntries(tables.map((t) => [t.name, t.events])), { sysmon: sysmon.length, security: 1 });
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
