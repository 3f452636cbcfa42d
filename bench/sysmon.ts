/**
 * Sysmon config simulation benchmark: a 4 MB config (sysmon-modular's, grown with variants
 * of its own filters) read, compiled and run over 1 million Sysmon events of the simulated
 * fleet (src/demo). Target (issue 6): under 5 s for the whole simulation.
 *
 *     npm run bench:sysmon
 *     npm run bench:sysmon -- --events 2000000 --config-mb 8
 *
 * Events are generated before the clock starts (a pool, cycled) so that only the simulator
 * is timed. Prints one JSON document on stdout; progress on stderr.
 *
 * Peers: Sysmon's own engine runs only inside the Windows driver/service; no npm or Debian
 * package simulates Sysmon configs, so there is no peer to run beside it here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSysmonEvents } from '../src/demo/index.js';
import type { EventValue } from '../src/event/index.js';
import { eventBlocks, type EventBlock, type FieldFilter, type SysmonConfig } from '../src/sysmon/model.js';
import { parseSysmonConfig } from '../src/sysmon/parse.js';
import { printSysmonConfig } from '../src/sysmon/print.js';
import { SysmonSimulator } from '../src/sysmon/simulate.js';
import { displayPath, fail, log, machineInfo, ROOT, round } from './support.js';

const USAGE = 'usage: node dist/bench/sysmon.js [--events N] [--config-mb MB] [--config FILE]';
const TARGET_SECONDS = 5;
const POOL = 200_000;

interface Options { events: number; configMb: number; config: string }

function options(argv: readonly string[]): Options {
  const o: Options = { events: 1_000_000, configMb: 4, config: resolve(ROOT, '../shared/sysmon-configs/sysmon-modular-sysmonconfig.xml') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--events') o.events = Number(argv[++i]);
    else if (a === '--config-mb') o.configMb = Number(argv[++i]);
    else if (a === '--config') o.config = resolve(argv[++i] ?? fail(USAGE));
    else fail(USAGE);
  }
  if (!(o.events > 0) || !(o.configMb > 0)) fail(USAGE);
  return o;
}

/** A filter with its value varied (copy `k`): same field and condition, a value real events rarely carry. */
function variant(f: FieldFilter, k: number): FieldFilter {
  const tag = `v${k}`;
  const value = f.condition === 'end with' || f.condition === 'not end with' ? `${tag}${f.value}` : `${f.value}${tag}`;
  return { ...f, value };
}

/** The config with every block's items repeated as variants until its text reaches `bytes`. */
function grow(config: SysmonConfig, bytes: number): string {
  const base = printSysmonConfig(config).length;
  const copies = Math.max(0, Math.ceil(bytes / base) - 1);
  const grown = (b: EventBlock): EventBlock => {
    const items = [...b.items];
    for (let k = 1; k <= copies; k++) {
      for (const i of b.items) {
        if (i.kind === 'filter') items.push(variant(i, k));
        else if (i.kind === 'rule') items.push({ ...i, items: i.items.map((f) => (f.kind === 'filter' ? variant(f, k) : f)) });
      }
    }
    return { ...b, items };
  };
  const filtering = config.filtering.map((item) => (item.kind === 'block' ? grown(item) : item.kind === 'group' ? { ...item, items: item.items.map((b) => (b.kind === 'block' ? grown(b) : b)) } : item));
  return printSysmonConfig({ ...config, filtering });
}

function main(): void {
  const o = options(process.argv.slice(2));
  const text = grow(parseSysmonConfig(readFileSync(o.config), o.config).config, o.configMb * 1024 * 1024);
  log(`config: ${(text.length / 1048576).toFixed(1)} MB from ${displayPath(o.config)}`);

  const pool: { eventId: number; data: Record<string, EventValue> }[] = [];
  for (const batch of generateSysmonEvents({ count: Math.min(POOL, o.events), seed: 7 })) for (const e of batch) pool.push({ eventId: e.event_id, data: e.data });
  log(`events: a pool of ${pool.length} generated Sysmon events, cycled to ${o.events}`);

  const t0 = performance.now();
  const { config, problems } = parseSysmonConfig(text);
  const t1 = performance.now();
  const simulator = new SysmonSimulator(config);
  const t2 = performance.now();
  let logged = 0;
  for (let i = 0; i < o.events; i++) {
    const e = pool[i % pool.length];
    if (simulator.decide(e.eventId, e.data).decision === 'include') logged++;
  }
  const t3 = performance.now();
  const filters = eventBlocks(config).reduce((n, { block }) => n + block.items.reduce((m, i) => m + (i.kind === 'filter' ? 1 : i.kind === 'rule' ? i.items.length : 0), 0), 0);
  const total = (t3 - t0) / 1000;
  process.stdout.write(JSON.stringify({
    benchmark: 'sysmon-simulate',
    machine: machineInfo(),
    config: { source: displayPath(o.config), bytes: text.length, filters, problems: problems.length },
    events: o.events,
    logged,
    seconds: { parse: round((t1 - t0) / 1000, 3), compile: round((t2 - t1) / 1000, 3), simulate: round((t3 - t2) / 1000, 3), total: round(total, 3) },
    eventsPerSecond: Math.round(o.events / ((t3 - t2) / 1000)),
    target: { seconds: TARGET_SECONDS, met: total < TARGET_SECONDS },
    peers: 'none runnable: Sysmon evaluates configs only inside its Windows service',
  }, null, 2) + '\n');
}

main();
