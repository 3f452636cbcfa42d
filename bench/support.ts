/**
 * What every benchmark script needs around its measurements: the project root, stderr
 * logging, child processes that report one JSON line, the machine's load from procfs
 * (a shared machine's other work must not land unseen in a measurement) and its description.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the nearest directory above the benchmarks holding package.json. Found
 * rather than fixed at `../..` so that a private build (`tsc --outDir bench/out/dist`)
 * can run while others rebuild dist/ under a shared checkout.
 */
export const ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

function projectRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return resolve(dir, '../..');
  }
}

/** Prints a usage error and exits with status 2. */
export function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(2);
}

/** Progress for humans: stderr only, stdout is reserved for the JSON document. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Rounds for the report. */
export const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

/** A path relative to the project when it is near it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(ROOT, path);
  return rel.startsWith(join('..', '..')) ? path : rel;
}

/** Runs `script` in a child Node process with `args` and parses the JSON line it prints last. */
export function runJsonChild<T>(script: string, args: readonly string[], what: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolvePromise(JSON.parse(last) as T);
      else reject(new Error(`child for ${what} exited with ${signal ?? code}`));
    });
  });
}

/** The first line a command prints, or null when it fails. */
export function firstLine(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.trim().split('\n')[0] ?? null) : null;
}

/** The version in a package.json under the project root, or null. */
export function packageVersion(path: string): string | null {
  try { return (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { version: string }).version; } catch { return null; }
}

/** CPU, memory, OS, Node and the Haetae commit measured. */
export function machineInfo(): Record<string, unknown> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    available_parallelism: availableParallelism(),
    memory_gib: round(totalmem() / 1024 ** 3, 1),
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    haetae: `${packageVersion('package.json')} (${firstLine('git', ['-C', ROOT, 'describe', '--always', '--dirty']) ?? 'no git'})`,
  };
}

/** Clock ticks per second of /proc/stat and /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU counters, in clock ticks: the machine's busy and stolen time, and ours (this process and its reaped children). */
export interface CpuSample {
  readonly at: number;
  readonly busy: number;
  readonly steal: number;
  readonly ours: number;
}

/** Reads the counters (Linux procfs); null elsewhere. */
export function cpuSample(): CpuSample | null {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const self = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised command name: utime, stime, cutime, cstime are the 12th to 15th.
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number);
    return { at: performance.now(), busy: user + nice + system + irq + softirq, steal, ours: f[11] + f[12] + f[13] + f[14] };
  } catch {
    return null;
  }
}

/** Average cores used by processes other than ours, and stolen by the hypervisor, between two samples. */
export function foreignLoad(a: CpuSample | null, b: CpuSample | null): { other: number; steal: number } | null {
  if (!a || !b || b.at <= a.at) return null;
  const ticks = ((b.at - a.at) / 1000) * USER_HZ;
  return { other: Math.max(0, (b.busy - a.busy - (b.ours - a.ours)) / ticks), steal: (b.steal - a.steal) / ticks };
}

/**
 * Waits (at most `maxSeconds`) for a one-second window in which other processes use
 * less than a fifth of a core: a shared machine's test runs would otherwise land in the
 * middle of a measurement.
 */
export async function waitForQuiet(maxSeconds = 30): Promise<void> {
  const start = performance.now();
  let warned = false;
  while (performance.now() - start < maxSeconds * 1000) {
    const a = cpuSample();
    await new Promise((done) => setTimeout(done, 1000));
    const load = foreignLoad(a, cpuSample());
    if (!load || load.other < 0.2) return;
    if (!warned) { log(`waiting for other processes to go quiet (${load.other.toFixed(2)} cores busy)…`); warned = true; }
  }
  log(`machine still busy after ${maxSeconds} s; measuring anyway (see other_load_cores)`);
}

/**
 * Bytes of every file under `dir` (a store's data directory), recursively. A file or folder
 * that vanishes while it is walked counts 0: a database server merging parts removes them.
 */
export function dirBytes(dir: string): number {
  let n = 0;
  let names: string[];
  try { names = readdirSync(dir); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0; throw e; }
  for (const f of names) {
    const p = join(dir, f);
    const s = statSync(p, { throwIfNoEntry: false });
    if (s !== undefined) n += s.isDirectory() ? dirBytes(p) : s.size;
  }
  return n;
}

/**
 * Ids of the running processes whose command line contains `text` (Linux procfs; none
 * elsewhere): how a benchmark finds the servers it started, to count their CPU time.
 */
export function pidsWithCommandLine(text: string): number[] {
  const pids: number[] = [];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try { if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text)) pids.push(Number(d)); } catch { /* exited meanwhile */ }
    }
  } catch { /* no procfs */ }
  return pids;
}

/** CPU seconds (user + system) used so far by the processes `pids`; an exited one counts 0. */
export function processCpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ').map(Number);
      ticks += f[11] + f[12];
    } catch { /* exited */ }
  }
  return ticks / USER_HZ;
}
