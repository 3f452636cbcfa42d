/**
 * Server benchmark (issue 7): `haetae serve` in its own process, this process driving it
 * over loopback as Winlogbeat would — Elasticsearch `_bulk` requests of Winlogbeat-shaped
 * Sysmon documents — with the live rules (the built-in packs) on.
 *
 * 1. Sustained ingest: `--clients` concurrent senders post 1,000-document bulk requests for
 *    `--seconds`; the rate counts documents acknowledged (committed) per second.
 * 2. Ingest-to-alert latency at 10,000 events/s (`--latency-rate`): a 100-document request every 10 ms, the
 *    first document of each a marker that a per-event stream query turns into an alert;
 *    latency is from just before the request is sent to the alert arriving over SSE.
 *
 *     npm run bench:serve
 *     npm run bench:serve -- --seconds 30 --clients 4 --latency-seconds 10
 *
 * Prints one JSON document on stdout; progress on stderr. Peers: none named for this
 * issue (Logpresso and Elasticsearch are not installable here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSysmonEvents } from '../src/demo/index.js';
import { eventToEcs } from '../src/formats/ecs.js';
import { TokenStore, tokensFile } from '../src/server/tokens.js';
import { sseClient } from '../src/testing/server.js';
import { fail, log, machineInfo, ROOT, round } from './support.js';

const USAGE = 'usage: node dist/bench/serve.js [--seconds S] [--clients N] [--latency-seconds S] [--latency-rate EVENTS_PER_S]';
const DOCS_PER_REQUEST = 1000;
const TARGET_EVENTS_PER_S = 100_000;
const TARGET_P99_MS = 50;
const MARKER = 'HAETAE-BENCH-MARKER';

interface Options { seconds: number; clients: number; latencySeconds: number; latencyRate: number }

function options(argv: readonly string[]): Options {
  const o: Options = { seconds: 20, clients: 4, latencySeconds: 10, latencyRate: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const n = Number(argv[i + 1]);
    if (argv[i] === '--seconds') o.seconds = n;
    else if (argv[i] === '--clients') o.clients = n;
    else if (argv[i] === '--latency-seconds') o.latencySeconds = n;
    else if (argv[i] === '--latency-rate') o.latencyRate = n;
    else fail(USAGE);
    i++;
  }
  if (!(o.seconds > 0 && o.clients > 0 && o.latencySeconds > 0 && o.latencyRate >= 100)) fail(USAGE);
  return o;
}

/** Starts `haetae serve` in its own process; resolves with its URL. */
function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // HAETAE_SERVER_NODE_ARGS: node flags for the server only (e.g. --cpu-prof to profile it).
  const nodeArgs = (process.env['HAETAE_SERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/cli/main.js'), 'serve', '--data', dataDir, '--port', '0'], { cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(text);
      if (m) resolvePromise({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${text}`)));
  });
}

/** Winlogbeat-shaped bulk bodies of generated fleet Sysmon events. */
function bulkBodies(count: number, perRequest: number): string[] {
  const bodies: string[] = [];
  let body = '';
  let n = 0;
  for (const batch of generateSysmonEvents({ count: count * perRequest, seed: 11 })) {
    for (const e of batch) {
      body += `{"create":{"_index":"winlogbeat-8.19.0"}}\n${JSON.stringify(eventToEcs(e))}\n`;
      if (++n === perRequest) { bodies.push(body); body = ''; n = 0; }
    }
  }
  return bodies;
}

let requestNo = 0;

/** Posts one bulk body; returns the documents committed (0 when refused with 429). */
async function postBulk(url: string, token: string, body: string): Promise<number> {
  const r = await fetch(`${url}/_bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'idempotency-key': `bench-${process.pid}-${++requestNo}` },
    body,
  });
  const text = await r.text();
  if (r.status === 429) return 0;
  if (r.status !== 200) throw new Error(`bulk answered ${r.status}: ${text.slice(0, 300)}`);
  const answer = JSON.parse(text) as { errors: boolean; items: unknown[] };
  if (answer.errors) throw new Error(`bulk items failed: ${text.slice(0, 300)}`);
  return answer.items.length;
}

async function throughput(url: string, token: string, o: Options): Promise<Record<string, unknown>> {
  const bodies = bulkBodies(64, DOCS_PER_REQUEST);
  const bytes = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
  log(`ingest: ${o.clients} clients × ${DOCS_PER_REQUEST}-document bulk requests (${Math.round(bytes / 1024)} KiB each) for ${o.seconds} s`);
  let acked = 0;
  let refused = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  await Promise.all(Array.from({ length: o.clients }, async () => {
    while (performance.now() < deadline) {
      const n = await postBulk(url, token, bodies[next++ % bodies.length]);
      if (n === 0) { refused++; await new Promise((r) => setTimeout(r, 20)); } else acked += n;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(acked / seconds);
  return { documents: acked, seconds: round(seconds, 1), eventsPerSecond: rate, refused429: refused, target: { eventsPerSecond: TARGET_EVENTS_PER_S, met: rate >= TARGET_EVENTS_PER_S } };
}

async function latency(url: string, token: string, o: Options): Promise<Record<string, unknown>> {
  const create = await fetch(`${url}/api/streams`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench_marker', query: `table sysmon | search CommandLine == "*${MARKER}*"`, interval: 0, level: 'high' }),
  });
  if (create.status >= 300) throw new Error(`creating the stream query: ${create.status} ${await create.text()}`);
  const sse = await sseClient(`${url}/api/alerts/stream?access_token=${token}`);
  const template = bulkBodies(8, 99);
  const markerDoc = JSON.stringify(eventToEcs([...generateSysmonEvents({ count: 200, seed: 12 })].flat().find((e) => e.event_id === 1)!));
  const sent = new Map<number, number>();
  const received = new Map<number, number>();
  let seen = 0;
  const watch = setInterval(() => {
    for (; seen < sse.events.length; seen++) {
      const m = new RegExp(`${MARKER}-(\\d+)`).exec(sse.events[seen].data);
      if (m && sse.events[seen].event === 'alert' && !received.has(Number(m[1]))) received.set(Number(m[1]), performance.now());
    }
  }, 1);
  const every = 100_000 / o.latencyRate; // ms between 100-document requests
  log(`latency: 100-document requests every ${round(every, 1)} ms (${o.latencyRate} events/s) for ${o.latencySeconds} s, one marker each`);
  const pending: Promise<number>[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < o.latencySeconds * 1000; i++) {
    const due = started + i * every;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const marker = markerDoc.replace(/"command_line":"[^"]*"/, `"command_line":"cmd.exe /c echo ${MARKER}-${i}"`).replace(/"CommandLine":"[^"]*"/, `"CommandLine":"cmd.exe /c echo ${MARKER}-${i}"`);
    const body = `{"create":{"_index":"winlogbeat-8.19.0"}}\n${marker}\n${template[i % template.length]}`;
    sent.set(i, performance.now());
    pending.push(postBulk(url, token, body));
  }
  await Promise.all(pending);
  const settle = performance.now() + 5000;
  while (received.size < sent.size && performance.now() < settle) await new Promise((r) => setTimeout(r, 20));
  clearInterval(watch);
  sse.close();
  const ms = [...received].map(([i, t]) => t - sent.get(i)!).sort((a, b) => a - b);
  const pct = (p: number): number => round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN, 1);
  return {
    eventsPerSecond: o.latencyRate, markers: sent.size, alerts: received.size, p50Ms: pct(0.5), p90Ms: pct(0.9), p99Ms: pct(0.99), maxMs: round(ms[ms.length - 1] ?? NaN, 1),
    target: { p99Ms: TARGET_P99_MS, met: received.size === sent.size && pct(0.99) <= TARGET_P99_MS },
  };
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-bench-serve-'));
  const token = new TokenStore(tokensFile(dataDir)).create('bench', 'admin').token;
  const { child, url } = await startServer(dataDir);
  try {
    const ingest = await throughput(url, token, o);
    const alerts = await latency(url, token, o);
    process.stdout.write(JSON.stringify({
      benchmark: 'serve', machine: machineInfo(), server: 'haetae serve (own process), live rules: built-in packs',
      client: 'this process, Elasticsearch _bulk over loopback, Winlogbeat-shaped Sysmon documents',
      ingest, alerts, peers: 'none named for this issue',
    }, null, 2) + '\n');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 1; });
