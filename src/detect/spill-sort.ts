/**
 * An external merge sort for a hunt's results: items are kept in memory up to a byte
 * budget, then sorted and written to a temporary file as one sorted run (JSON lines); the
 * sorted sequence is the k-way merge of the runs and what is still in memory.
 *
 * Why: a hunt keeps every detection (and every correlation input) until it can sort them
 * by time, and inputs come file by file in any order. Without a spill the heap grows with
 * the input (issue 5: "memory under 500 MB whatever the input size"); with one it grows
 * only with the number of runs (one read buffer each).
 *
 * The merge is stable: equal items come out in the order they were pushed (runs are
 * merged with ties broken by run number, and each run is sorted stably), so the result is
 * what one in-memory stable sort would give.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How items are ordered, measured and stored. */
export interface SpillSortOptions<T> {
  readonly compare: (a: T, b: T) => number;
  /** Approximate heap bytes an item holds (what the budget counts). */
  readonly sizeOf: (item: T) => number;
  /** Bytes of items kept in memory before a run is written. */
  readonly budgetBytes: number;
  /**
   * What is written for an item (default the item itself), with JSON.stringify: a
   * smaller form (shared parts as references) makes spilling cheaper.
   */
  readonly store?: (item: T) => unknown;
  /** Turns a stored line, parsed, back into an item (default the parsed value). */
  readonly revive?: (json: unknown) => T;
  /** Parent of the temporary folder (default the OS temporary folder). */
  readonly dir?: string;
  /** What the items are, for error messages ("detections"). */
  readonly what: string;
}

/** Bytes of run data read at a time, in all, while merging. */
const MERGE_READ_BYTES = 8 << 20;
/** Bytes of the buffer run lines are encoded into and written from (see {@link writeRun}). */
const WRITE_BYTES = 1 << 20;

/**
 * Collects items and gives them back sorted, spilling sorted runs to disk past a budget.
 *
 * @example
 * const s = new SpillSort<Detection>({ what: 'detections', compare: byTime, sizeOf: () => 800, budgetBytes: 64 << 20 });
 * for (const d of found) s.push(d);
 * for (const d of s.sorted()) print(d);
 * s.dispose();
 */
export class SpillSort<T> {
  private buffer: T[] = [];
  private bufferBytes = 0;
  private readonly runs: string[] = [];
  private folder: string | null = null;
  private count = 0;
  private sortedBuffer = false;
  private failure: string | null = null;

  constructor(private readonly options: SpillSortOptions<T>) {}

  /** Items pushed so far. */
  get size(): number { return this.count; }

  /** Sorted runs written to disk so far. */
  get spilledRuns(): number { return this.runs.length; }

  /**
   * Why spilling stopped, if it did: a run that cannot be written (disk full, no temporary
   * folder) leaves the items in memory and spilling off, rather than losing them.
   */
  get problem(): string | null { return this.failure; }

  /** Adds one item; past the budget, writes a sorted run. */
  push(item: T): void {
    this.sortedBuffer = false;
    this.buffer.push(item);
    this.count++;
    this.bufferBytes += this.options.sizeOf(item);
    if (this.bufferBytes >= this.options.budgetBytes && this.failure === null) this.spill();
  }

  /**
   * Every item, sorted. Can be iterated more than once (runs stay on disk until
   * {@link dispose}); items pushed later join the next iteration.
   */
  *sorted(): Generator<T> {
    if (!this.sortedBuffer) { this.buffer.sort(this.options.compare); this.sortedBuffer = true; }
    if (this.runs.length === 0) { yield* this.buffer; return; }
    const sources: ItemSource<T>[] = [];
    try {
      const readBytes = Math.max(4096, Math.floor(MERGE_READ_BYTES / this.runs.length));
      for (const path of this.runs) sources.push(new RunReader<T>(path, readBytes, this.options));
      sources.push(new ArraySource(this.buffer));
      yield* mergeSources(sources, this.options.compare);
    } finally {
      for (const s of sources) s.close();
    }
  }

  /** Forgets every item and removes the run files (also done at process exit). */
  dispose(): void {
    this.buffer = [];
    this.bufferBytes = 0;
    this.count = 0;
    if (this.folder !== null) {
      rmSync(this.folder, { recursive: true, force: true });
      liveFolders.delete(this.folder);
      this.folder = null;
    }
    this.runs.length = 0;
  }

  private spill(): void {
    this.buffer.sort(this.options.compare);
    let path = '';
    try {
      if (this.folder === null) {
        this.folder = mkdtempSync(join(this.options.dir ?? tmpdir(), 'haetae-hunt-'));
        liveFolders.add(this.folder);
        ensureExitCleanup();
      }
      path = join(this.folder, `run-${this.runs.length}.jsonl`);
      writeRun(path, this.buffer, this.options.store);
    } catch (e) {
      if (path !== '') rmSync(path, { force: true });
      this.failure = `cannot write ${this.options.what} to a temporary file (${(e as Error).message}); keeping them in memory`;
      return;
    }
    this.runs.push(path);
    this.buffer = [];
    this.bufferBytes = 0;
  }
}

/**
 * Where run lines are encoded before a write, shared by every spill (synchronous, so
 * never in use twice): joining a piece's lines into one string and having `writeSync`
 * encode it again made ~40% of a detection-heavy hunt's spill garbage.
 */
let writeBuffer: Buffer | null = null;

/** Writes items as JSON lines, in pieces of about {@link WRITE_BYTES}. */
function writeRun<T>(path: string, items: readonly T[], store: ((item: T) => unknown) | undefined): void {
  const fd = openSync(path, 'w');
  try {
    const buffer = (writeBuffer ??= Buffer.allocUnsafe(WRITE_BYTES));
    let used = 0;
    for (const item of items) {
      const line = JSON.stringify(store ? store(item) : item) + '\n';
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a line that may not fit goes after a flush,
      // and one longer than the buffer is written by itself.
      if (used + line.length * 3 > buffer.length) {
        if (used > 0) { writeAll(fd, buffer, used); used = 0; }
        if (line.length * 3 > buffer.length) { const bytes = Buffer.from(line); writeAll(fd, bytes, bytes.length); continue; }
      }
      used += buffer.write(line, used);
    }
    if (used > 0) writeAll(fd, buffer, used);
  } finally {
    closeSync(fd);
  }
}

/** `writeSync` until all of `buffer[0, length)` is written (a write may be short). */
function writeAll(fd: number, buffer: Buffer, length: number): void {
  for (let done = 0; done < length;) done += writeSync(fd, buffer, done, length - done);
}

/** One sorted input of the merge. */
interface ItemSource<T> {
  /** The next item, or undefined at the end. */
  next(): T | undefined;
  close(): void;
}

class ArraySource<T> implements ItemSource<T> {
  private i = 0;
  constructor(private readonly items: readonly T[]) {}
  next(): T | undefined { return this.i < this.items.length ? this.items[this.i++] : undefined; }
  close(): void { /* nothing to release */ }
}

/**
 * Reads a run file line by line with a fixed buffer. A line ends at byte 0x0A, which
 * never occurs inside a UTF-8 sequence nor in JSON text (JSON.stringify escapes it).
 */
class RunReader<T> implements ItemSource<T> {
  private readonly fd: number;
  private readonly chunk: Buffer;
  private lines: string[] = [];
  private at = 0;
  private carry: Buffer[] = [];
  private position = 0;
  private done = false;

  constructor(private readonly path: string, bufferBytes: number, private readonly options: SpillSortOptions<T>) {
    this.fd = openSync(path, 'r');
    this.chunk = Buffer.allocUnsafe(bufferBytes);
  }

  next(): T | undefined {
    while (this.at >= this.lines.length) {
      if (this.done) return undefined;
      this.fill();
    }
    const line = this.lines[this.at++];
    try {
      const json: unknown = JSON.parse(line);
      return this.options.revive ? this.options.revive(json) : json as T;
    } catch (e) {
      throw new Error(`${this.options.what}: spill file ${this.path} is damaged: ${(e as Error).message}`, { cause: e });
    }
  }

  private fill(): void {
    const n = readSync(this.fd, this.chunk, 0, this.chunk.length, this.position);
    this.position += n;
    this.lines = [];
    this.at = 0;
    if (n === 0) {
      this.done = true;
      const rest = Buffer.concat(this.carry).toString('utf8');
      this.carry = [];
      if (rest !== '') this.lines.push(rest);
      return;
    }
    const lastNewline = this.chunk.lastIndexOf(0x0a, n - 1);
    // Bytes after the last newline wait for the next read as bytes: a UTF-8 sequence may be cut.
    if (lastNewline < 0) { this.carry.push(Buffer.from(this.chunk.subarray(0, n))); return; }
    const head = this.chunk.subarray(0, lastNewline);
    const text = this.carry.length > 0 ? Buffer.concat([...this.carry, head]).toString('utf8') : head.toString('utf8');
    this.carry = lastNewline + 1 < n ? [Buffer.from(this.chunk.subarray(lastNewline + 1, n))] : [];
    this.lines = text.split('\n');
  }

  close(): void { closeSync(this.fd); }
}

/** K-way merge with a binary heap; ties go to the lower source index (stability). */
function* mergeSources<T>(sources: readonly ItemSource<T>[], compare: (a: T, b: T) => number): Generator<T> {
  const heap: { item: T; source: number }[] = [];
  const before = (a: { item: T; source: number }, b: { item: T; source: number }): boolean => {
    const c = compare(a.item, b.item);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let s = 0; s < sources.length; s++) {
    const item = sources[s].next();
    if (item !== undefined) heap.push({ item, source: s });
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0];
    yield top.item;
    const next = sources[top.source].next();
    if (next !== undefined) { top.item = next; } else { const last = heap.pop(); if (heap.length === 0) break; heap[0] = last as typeof top; }
    siftDown(0);
  }
}

/** Spill folders not yet disposed, removed when the process exits. */
const liveFolders = new Set<string>();
let exitHookInstalled = false;

function removeLiveFolders(): void {
  for (const f of liveFolders) rmSync(f, { recursive: true, force: true });
  liveFolders.clear();
}

/**
 * Removes the spill folders at exit, and on Ctrl-C or a kill: a signal ends the process
 * without 'exit' handlers, and an interrupted hunt should not leave its runs in /tmp. The
 * signal is raised again afterwards, so the process ends as it would have; where the
 * process already handles the signal (a server), that handler stays in charge.
 */
function ensureExitCleanup(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', removeLiveFolders);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      removeLiveFolders();
      process.kill(process.pid, signal);
    });
  }
}
