/**
 * Many millions of Sysmon events for bench:scale without generating each one: a pool of
 * generated events (src/demo generator, `line` rendered as Windows does) encoded once as
 * store rows (`encodeEventRuns`), then replayed pass after pass. Generation and encoding
 * cost ~35 µs per event on this machine (1M events ≈ 35 s), so 100 million generated
 * events would take an hour of the benchmark's time before the stores do any work.
 *
 * Each pass shifts `_time` past the previous pass (passes follow each other in time, as a
 * longer log would) and renames the hosts (`WS-0006.corp.example` → `WS-0006-p3.corp.example`),
 * so the fleet grows with the data (25 hosts per pass: 2,500 hosts at 100 passes) and a
 * store sharded by host spreads it. Only the row text's prefix `"_time":N,"host":"X"` is
 * rebuilt; the rest of the row is the pool's string, shared by every pass.
 */
import { generateSysmonEvents } from '../src/demo/index.js';
import type { ImportBatch } from '../src/store/index.js';
import { encodeEventRuns, type EventRun, type FieldKinds } from '../src/store/index.js';

const PREFIX = /^"_time":(\d+),"host":"([A-Za-z0-9.-]+)"/;

/** Pooled events as row parts: time, host and the row text after the host. */
export class EventPool {
  /** `_time` of each pooled row, microseconds. */
  private readonly times: Float64Array;
  /** Index into {@link hosts} of each pooled row. */
  private readonly hostOf: Uint16Array;
  /** Each row's text after `"host":"X"` (starts with `,"channel":…`). */
  private readonly rests: string[];
  private readonly hosts: string[];
  /** Host names of each pass, built when a pass is first replayed. */
  private readonly passHosts = new Map<number, string[]>();
  /** Union of the pool's runs' field kinds: every replayed run declares all of them. */
  private readonly fields: FieldKinds = Object.create(null) as FieldKinds;
  private readonly channel: string;
  /** Microseconds between a row and its copy in the next pass (the pool's time span, rounded up to a day). */
  readonly passMicros: number;

  /** Generates and encodes `size` events (`seed` as the generator's). */
  constructor(readonly size: number, seed = 1) {
    this.times = new Float64Array(size);
    this.hostOf = new Uint16Array(size);
    this.rests = new Array<string>(size);
    this.hosts = [];
    const hostIndex = new Map<string, number>();
    let channel: string | null = null;
    let n = 0;
    let minTime = Infinity;
    let maxTime = -Infinity;
    for (const events of generateSysmonEvents({ count: size, seed, batchSize: 5000 })) {
      for (const run of encodeEventRuns(events)) {
        if (channel !== null && run.channel !== channel) throw new Error(`event pool: generator gave channel ${run.channel} after ${channel}`);
        channel = run.channel;
        for (const [k, [kinds, type]] of Object.entries(run.fields)) {
          const f = this.fields[k];
          if (f === undefined) this.fields[k] = [kinds, type];
          else f[0] |= kinds;
        }
        for (const row of run.rows) {
          const m = PREFIX.exec(row);
          if (m === null) throw new Error(`event pool: row ${n} does not start with "_time":N,"host":"…": ${row.slice(0, 80)}`);
          const t = Number(m[1]);
          let h = hostIndex.get(m[2]);
          if (h === undefined) { h = this.hosts.length; hostIndex.set(m[2], h); this.hosts.push(m[2]); }
          this.times[n] = t;
          this.hostOf[n] = h;
          this.rests[n] = row.slice(m[0].length);
          if (t < minTime) minTime = t;
          if (t > maxTime) maxTime = t;
          n++;
        }
      }
    }
    if (n !== size || channel === null) throw new Error(`event pool: generator gave ${n} events, not ${size}`);
    this.channel = channel;
    const day = 86_400_000_000;
    this.passMicros = Math.ceil((maxTime - minTime + 1) / day) * day;
  }

  /** Distinct hosts in one pass. */
  get hostsPerPass(): number {
    return this.hosts.length;
  }

  private hostsOfPass(pass: number): string[] {
    let names = this.passHosts.get(pass);
    if (names === undefined) {
      names = pass === 0 ? this.hosts : this.hosts.map((h) => { const dot = h.indexOf('.'); return dot < 0 ? `${h}-p${pass}` : `${h.slice(0, dot)}-p${pass}${h.slice(dot)}`; });
      this.passHosts.set(pass, names);
    }
    return names;
  }

  /**
   * Import batches of the replayed events `from` (inclusive) to `to` (exclusive), counted
   * from the first event of pass 0, `batchSize` rows per batch.
   */
  *batches(from: number, to: number, batchSize = 10_000): Generator<ImportBatch> {
    for (let start = from; start < to; start += batchSize) {
      const end = Math.min(to, start + batchSize);
      const rows = new Array<string>(end - start);
      for (let i = start; i < end; i++) {
        const pass = Math.floor(i / this.size);
        const j = i - pass * this.size;
        rows[i - start] = `"_time":${this.times[j] + pass * this.passMicros},"host":"${this.hostsOfPass(pass)[this.hostOf[j]]}"${this.rests[j]}`;
      }
      const run: EventRun = { channel: this.channel, rows, fields: this.fields };
      yield { events: [], runs: [run] };
    }
  }
}
