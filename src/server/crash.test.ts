/**
 * Crash test (issue 7 acceptance): `kill -9` the server under ingest load, restart it;
 * every acknowledged event is present exactly once. Clients then resend what was not
 * acknowledged with the same Idempotency-Key, as a shipper would, and every batch is
 * present exactly once.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { demoEvents } from '../demo/index.js';
import { TokenStore, tokensFile } from './tokens.js';

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const BATCHES = 400;
const PER_BATCH = 100;
const CLIENTS = 4;

/** Starts `haetae serve` as a child; resolves with its URL once it listens. */
function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start in 30 s:\n${log}`)); }, 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(log);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
}

/** Batch `b` as NDJSON: events with record IDs unique across the test. */
function batch(b: number): string {
  return demoEvents({ count: PER_BATCH, seed: b + 1, host: 'CRASH' })
    .map((e, i) => JSON.stringify({ ...e, record_id: b * PER_BATCH + i + 1 }))
    .join('\n') + '\n';
}

async function send(url: string, token: string, b: number): Promise<boolean> {
  try {
    const r = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'idempotency-key': `crash-${b}` }, body: batch(b) });
    await r.text();
    return r.status === 200;
  } catch {
    return false; // the connection died with the server: not acknowledged
  }
}

/** How many times each record ID is stored. */
async function storedRecordIds(url: string, token: string): Promise<Map<number, number>> {
  const r = await fetch(`${url}/api/query`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'table sysmon, security | search host == "CRASH" | stats count by record_id', limit: 1_000_000 }) });
  const body = await r.json() as { rows: { record_id: number; count: number }[] };
  assert.equal(r.status, 200, JSON.stringify(body));
  return new Map(body.rows.map((row) => [Number(row.record_id), Number(row.count)]));
}

it('keeps every acknowledged event exactly once across kill -9, and resent batches once', { timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-crash-'));
  const tokens = new TokenStore(tokensFile(dataDir));
  const token = tokens.create('crash', 'admin').token;
  const first = await serve(dataDir);
  const acked = new Set<number>();
  let next = 0;
  let killed = false;
  // Load: clients send batches until the server is killed, a little after 200 acknowledgements.
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!killed && next < BATCHES) {
      const b = next++;
      if (await send(first.url, token, b)) acked.add(b);
      if (!killed && acked.size >= 200) { killed = true; first.child.kill('SIGKILL'); }
    }
  });
  await Promise.all(clients);
  await new Promise((r) => first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r));
  assert.ok(killed, 'the server was killed under load');
  const sent = next;

  const second = await serve(dataDir);
  try {
    const stored = await storedRecordIds(second.url, token);
    for (const b of acked) {
      for (let i = 1; i <= PER_BATCH; i++) assert.equal(stored.get(b * PER_BATCH + i), 1, `acknowledged batch ${b}, event ${i}`);
    }
    for (const [id, n] of stored) assert.equal(n, 1, `record ${id} stored ${n} times`);
    // Shippers resend what was not acknowledged, with the same keys.
    for (let b = 0; b < sent; b++) if (!acked.has(b)) assert.ok(await send(second.url, token, b), `resent batch ${b}`);
    const after = await storedRecordIds(second.url, token);
    assert.equal(after.size, sent * PER_BATCH);
    for (const [id, n] of after) assert.equal(n, 1, `record ${id} stored ${n} times after resending`);
  } finally {
    second.child.kill('SIGTERM');
  }
});
