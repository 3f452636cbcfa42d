/**
 * Sysmon generator throughput (src/demo/generator.ts), one core: events per second of
 * `generateSysmonEvents` (which renders every `line` with renderLine), of renderLine
 * alone on the same events, and of generation plus Haetae JSON serialization (what
 * `haetae generate` does). Prints one JSON document on stdout; progress on stderr.
 *
 *   npm run --silent bench:generate [-- --count N]   (default 2,000,000)
 */
import { parseArgs } from 'node:util';
import { generateSysmonEvents } from '../src/demo/index.js';
import { renderLine } from '../src/event/index.js';
import { formatEvent } from '../src/formats/write.js';
import { cpuSample, foreignLoad, log, machineInfo, round, waitForQuiet } from './support.js';

const { values } = parseArgs({ options: { count: { type: 'string' } } });
const count = Number(values.count ?? 2_000_000);

/** Runs `work`, returning events/s by wall clock and by this process's CPU time, and the machine's other load. */
function measure(name: string, work: () => number): Record<string, unknown> {
  const a = cpuSample();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const n = work();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const load = foreignLoad(a, cpuSample());
  const row = { name, events: n, seconds: round(wall, 2), events_per_s: round(n / wall), events_per_cpu_s: round(n / ((cpu.user + cpu.system) / 1e6)), other_load_cores: load ? round(load.other, 2) : null };
  log(`${name}: ${row.events_per_s} events/s`);
  return row;
}

await waitForQuiet();
const rows = [
  measure('generate (with line)', () => { let n = 0; for (const b of generateSysmonEvents({ count, seed: 1 })) n += b.length; return n; }),
  measure('renderLine alone, same events', () => {
    let n = 0;
    for (const b of generateSysmonEvents({ count: Math.min(count, 200_000), seed: 1 })) {
      // Rendered 5 times per generated batch so that generation is a small part of the time.
      for (let k = 0; k < 5; k++) for (const e of b) { if (renderLine(e).length === 0) throw new Error('empty line'); n++; }
    }
    return n;
  }),
  measure('generate + jsonl', () => { let n = 0, bytes = 0; for (const b of generateSysmonEvents({ count, seed: 1 })) for (const e of b) { bytes += formatEvent(e, 'jsonl').length; n++; } return bytes > 0 ? n : 0; }),
];
process.stdout.write(JSON.stringify({ machine: machineInfo(), count, rows }, null, 2) + '\n');
