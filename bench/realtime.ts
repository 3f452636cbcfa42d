/**
 * Real-time cost per event: what live rules and stream queries add to ingest, measured on
 * generated fleet Sysmon events (src/demo/generator.ts) inside one in-process server:
 *
 * - `event_row`: turning an event into the row a stream query reads (stream-rows.ts);
 * - `live_rules`: the built-in packs on every event (tracker + rule set + correlations);
 * - `stream_blocklist`: the blocklist stream query (Sysmon 3 joined with a 1,000-address
 *   feed) on every event, with its alerts raised;
 * - `ingest_off` / `ingest_on`: events committed through the ingest queue (no HTTP) without
 *   and with the real-time modules, waiting until rules and streams have caught up.
 *
 *     node dist/bench/realtime.js [--events N]
 *
 * Prints one JSON document on stdout (µs per event, events per second); progress on stderr.
 * The HTTP ingest rate with live rules on is `bench:serve`'s job.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSysmonEvents, WEBSHELL_ATTACKER_IP } from '../src/demo/index.js';
import type { Event } from '../src/event/index.js';
import { createRealtime } from '../src/server/realtime.js';
import { defaultRealtimeSettings } from '../src/server/realtime-config.js';
import { HaetaeServer } from '../src/server/server.js';
import { eventRow } from '../src/server/stream-rows.js';
import { fail, log, machineInfo, round } from './support.js';

const USAGE = 'usage: node dist/bench/realtime.js [--events N]';
const SLICE = 4096;

function eventCount(argv: readonly string[]): number {
  const i = argv.indexOf('--events');
  if (i < 0) return 200_000;
  const n = Number(argv[i + 1]);
  return Number.isInteger(n) && n > 0 ? n : fail(USAGE);
}

/** µs per event of the fastest of three rounds (the first warms the JIT). */
async function perEvent(events: readonly Event[], run: (slice: readonly Event[]) => Promise<void> | void): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    for (let i = 0; i < events.length; i += SLICE) await run(events.slice(i, i + SLICE));
    best = Math.min(best, performance.now() - started);
  }
  return round((best * 1000) / events.length, 3);
}

async function ingestRate(events: readonly Event[], realtime: boolean): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-bench-rt-'));
  try {
    const rt = realtime ? createRealtime(defaultRealtimeSettings()) : null;
    const server = await HaetaeServer.start({ dataDir, port: 0, modules: rt?.modules ?? [], log: () => undefined });
    const started = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < events.length; i += 5000) pending.push(server.ingest.submit(events.slice(i, i + 5000), { kind: 'bench', name: 'bench' }));
    await Promise.all(pending);
    if (rt) { await rt.rules.idle(); await rt.streams.idle(); }
    const seconds = (performance.now() - started) / 1000;
    await server.close();
    return Math.round(events.length / seconds);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const count = eventCount(process.argv.slice(2));
  log(`generating ${count} events`);
  const events: Event[] = [];
  for (const batch of generateSysmonEvents({ count })) events.push(...batch);

  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-bench-rt-'));
  const rt = createRealtime(defaultRealtimeSettings());
  const server = await HaetaeServer.start({ dataDir, port: 0, modules: rt.modules, log: () => undefined });
  try {
    mkdirSync(join(dataDir, 'feeds'), { recursive: true });
    const listed = [WEBSHELL_ATTACKER_IP, ...Array.from({ length: 999 }, (_, i) => `198.51.${i >> 8}.${i & 255}`)];
    writeFileSync(join(dataDir, 'feeds', 'blocklist.txt'), listed.join('\n'));
    const token = server.tokens.create('bench', 'admin').token;
    const call = async (path: string, body: unknown): Promise<void> => {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) fail(`${path}: ${res.status} ${await res.text()}`);
    };
    await call('/api/feeds', { name: 'blocklist', file: 'blocklist.txt', type: 'ip' });
    await call('/api/streams', {
      name: 'blocklist', level: 'high',
      query: 'table sysmon | search event_id == 3 | join DestinationIp [ table feed_blocklist | fields ip | rename ip as DestinationIp ] | fields _time, host, Image, DestinationIp, DestinationPort',
    });
    log('measuring event rows');
    const rowUs = await perEvent(events, (slice) => { for (const e of slice) eventRow(e, 'sysmon'); });
    log('measuring live rules');
    const rulesUs = await perEvent(events, (slice) => rt.rules.observe(slice));
    log('measuring the blocklist stream');
    const streamUs = await perEvent(events, async (slice) => { rt.streams.consume(slice); await rt.streams.idle(); });
    await rt.alerts.flushed();
    const alerts = rt.alerts.stats.raised;
    await server.close();
    log('measuring ingest without and with the real-time modules');
    const off = await ingestRate(events, false);
    const on = await ingestRate(events, true);
    process.stdout.write(JSON.stringify({
      machine: machineInfo(), events: count,
      us_per_event: { event_row: rowUs, live_rules: rulesUs, stream_blocklist: streamUs },
      blocklist_alerts_in_3_rounds: alerts,
      ingest_events_per_s: { realtime_off: off, realtime_on: on },
    }, null, 2) + '\n');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
