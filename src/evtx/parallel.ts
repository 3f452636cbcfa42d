/**
 * Parallel decoding. EVTX chunks are self-contained (names and templates are chunk-local,
 * libyal EVTX notes §3), so a file splits into tasks of consecutive chunks that worker
 * threads decode independently. Each worker reads its chunks itself (no bytes cross
 * threads) and runs a *chunk renderer* — a module chosen by the caller — that turns the
 * decoded chunk into text (JSON lines, XML …); only that text comes back.
 *
 * Memory stays bounded: at most `2 × threads` tasks are in flight, and in ordered mode
 * finished tasks wait in a reorder buffer no larger than that. Small files are packed
 * into one task.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodedChunk, EvtxIssue } from './chunk.js';
import { chunkSlots } from './reader.js';

/**
 * A chunk renderer module exports `renderChunk(chunk, file): string`, called for every
 * decoded chunk (the header pseudo-chunk, index -1, included). Its result is appended
 * to the task's output.
 */
export type ChunkRenderer = (chunk: DecodedChunk, file: string) => string;

/** Options for {@link decodeFilesParallel}. */
export interface ParallelDecodeOptions {
  /** Module URL exporting `renderChunk` (a {@link ChunkRenderer}). */
  readonly renderer: URL;
  /** Worker threads; 1 decodes on the calling thread. Default: all cores. */
  readonly threads?: number;
  /** Emit results in file and chunk order (default true); false emits as finished. */
  readonly ordered?: boolean;
  /** Chunks per task (default 16 = 1 MiB). */
  readonly chunksPerTask?: number;
  /** Skip chunks with a bad CRC32 instead of decoding them. */
  readonly strictChecksums?: boolean;
}

/** One finished task: a slice of one file. */
export interface DecodedSlice {
  readonly file: string;
  readonly firstChunk: number;
  readonly chunkCount: number;
  /** Bytes of the file this slice covers. */
  readonly bytes: number;
  readonly records: number;
  readonly text: string;
  readonly issues: EvtxIssue[];
}

/** A slice of one file: consecutive chunks, plus the file header for the first slice. */
export interface SliceSpec {
  readonly file: string;
  readonly firstChunk: number;
  readonly chunkCount: number;
  readonly withHeader: boolean;
  /** Bytes of the file the slice covers. */
  readonly bytes: number;
}

/**
 * What a worker receives: one or more slices. Small files (the typical evidence folder
 * has hundreds of files of a few chunks) are packed together so that each task is worth
 * the round trip to a worker.
 */
export interface Task {
  readonly id: number;
  readonly slices: SliceSpec[];
}

/** What a slice decoded to. */
export interface SliceResult {
  readonly records: number;
  readonly text: string;
  readonly issues: EvtxIssue[];
}

/** Message from the worker: one result per slice of the task. */
export interface WorkerReply {
  readonly id: number;
  readonly results: SliceResult[];
}

/** Splits files into slices and packs them into tasks of about `chunksPerTask` chunks. */
async function* planTasks(files: readonly string[], chunksPerTask: number): AsyncGenerator<Task> {
  let id = 0;
  let batch: SliceSpec[] = [];
  let batchChunks = 0;
  const add = (slice: SliceSpec): Task | null => {
    batch.push(slice);
    batchChunks += Math.max(1, slice.chunkCount);
    if (batchChunks < chunksPerTask) return null;
    const task = { id: id++, slices: batch };
    batch = [];
    batchChunks = 0;
    return task;
  };
  for (const file of files) {
    let size = -1;
    try { size = (await stat(file)).size; } catch { /* the worker reports it */ }
    const slots = size < 0 ? 0 : chunkSlots(size);
    if (slots === 0) {
      const t = add({ file, firstChunk: 0, chunkCount: 0, withHeader: true, bytes: Math.max(0, size) });
      if (t) yield t;
      continue;
    }
    for (let first = 0; first < slots; first += chunksPerTask) {
      const count = Math.min(chunksPerTask, slots - first);
      const t = add({ file, firstChunk: first, chunkCount: count, withHeader: first === 0, bytes: count * 65536 + (first === 0 ? 4096 : 0) });
      if (t) yield t;
    }
  }
  if (batch.length > 0) yield { id: id++, slices: batch };
}

/** Pairs a task's slices with their results. */
function toDecodedSlices(task: Task, reply: WorkerReply): DecodedSlice[] {
  return task.slices.map((s, i) => ({ file: s.file, firstChunk: s.firstChunk, chunkCount: s.chunkCount, bytes: s.bytes, ...reply.results[i] }));
}

/** The default thread count: every core the process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Options of a {@link EvtxDecoderPool}. */
export interface DecoderPoolOptions {
  /** Module URL exporting `renderChunk` (a {@link ChunkRenderer}). */
  readonly renderer: URL;
  /** Worker threads (default: all cores). */
  readonly threads?: number;
  /** Skip chunks with a bad CRC32 instead of decoding them. */
  readonly strictChecksums?: boolean;
}

/** Tasks a worker may hold at once: one running, one queued, so it never waits for the main thread. */
const TASKS_PER_WORKER = 2;

/**
 * Worker threads that decode EVTX slices. Starting a worker and warming its JIT costs
 * tens of milliseconds, so long-lived callers (the server, benchmarks) keep one pool for
 * many decodes; one decode runs at a time.
 *
 * @example
 * const pool = new EvtxDecoderPool({ renderer: new URL('./render.js', import.meta.url) });
 * for await (const s of pool.decode(files)) out.write(s.text);
 * await pool.close();
 */
export class EvtxDecoderPool {
  private readonly workers: { worker: Worker; outstanding: number }[] = [];
  private readonly pending = new Map<number, { task: Task; slot: { outstanding: number } }>();
  private readonly done = new Map<number, DecodedSlice[]>();
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private busy = false;

  constructor(options: DecoderPoolOptions) {
    const threads = Math.max(1, options.threads ?? defaultThreads());
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./decode-worker.js', import.meta.url), {
        workerData: { renderer: options.renderer.href, strictChecksums: options.strictChecksums ?? false },
      });
      const slot = { worker, outstanding: 0 };
      worker.on('message', (m: WorkerReply) => this.onReply(m));
      worker.on('error', (e) => { this.failure = e; this.notify(); });
      this.workers.push(slot);
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private onReply(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.slot.outstanding--;
    this.done.set(m.id, toDecodedSlices(p.task, m));
    this.notify();
  }

  /** Decodes `files`, yielding slices in file order (or as they finish when `ordered` is false). */
  async *decode(files: readonly string[], options: { ordered?: boolean; chunksPerTask?: number } = {}): AsyncGenerator<DecodedSlice> {
    if (this.busy) throw new Error('EvtxDecoderPool: one decode at a time');
    this.busy = true;
    const ordered = options.ordered ?? true;
    const tasks = planTasks(files, Math.max(1, options.chunksPerTask ?? 16));
    const capacity = this.workers.length * TASKS_PER_WORKER;
    let next = 0; // next id to emit in ordered mode
    let exhausted = false;
    try {
      while (true) {
        if (this.failure) throw this.failure;
        while (!exhausted && this.pending.size < capacity && this.pending.size + this.done.size < capacity * 2) {
          const r = await tasks.next();
          if (r.done) { exhausted = true; break; }
          const slot = this.workers.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
          slot.outstanding++;
          this.pending.set(r.value.id, { task: r.value, slot });
          slot.worker.postMessage(r.value);
        }
        if (ordered) {
          while (this.done.has(next)) { const s = this.done.get(next)!; this.done.delete(next); next++; yield* s; }
        } else {
          for (const [id, s] of this.done) { this.done.delete(id); yield* s; }
        }
        if (exhausted && this.pending.size === 0 && this.done.size === 0) break;
        const canDispatch = !exhausted && this.pending.size < capacity && this.pending.size + this.done.size < capacity * 2;
        const canYield = ordered ? this.done.has(next) : this.done.size > 0;
        // Replies arrive only while this generator awaits, so checking then waiting cannot miss one.
        if (!canDispatch && !canYield && !this.failure) await new Promise<void>((res) => { this.wake = res; });
      }
    } finally {
      this.pending.clear();
      this.done.clear();
      this.busy = false;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/**
 * Decodes EVTX files in parallel, yielding each slice's rendered text in order. With one
 * thread, decoding runs on the calling thread (same code, no worker).
 *
 * @example
 * for await (const s of decodeFilesParallel(files, { renderer: new URL('./render-jsonl.js', import.meta.url) }))
 *   process.stdout.write(s.text);
 */
export async function* decodeFilesParallel(files: readonly string[], options: ParallelDecodeOptions): AsyncGenerator<DecodedSlice> {
  const threads = Math.max(1, options.threads ?? defaultThreads());
  if (threads === 1) {
    const { runTask } = await import('./decode-worker.js');
    const { renderChunk } = (await import(options.renderer.href)) as { renderChunk: ChunkRenderer };
    for await (const t of planTasks(files, Math.max(1, options.chunksPerTask ?? 16))) {
      yield* toDecodedSlices(t, runTask(t, renderChunk, options.strictChecksums ?? false));
    }
    return;
  }
  const pool = new EvtxDecoderPool({ renderer: options.renderer, threads, strictChecksums: options.strictChecksums });
  try {
    yield* pool.decode(files, { ordered: options.ordered, chunksPerTask: options.chunksPerTask });
  } finally {
    await pool.close();
  }
}
