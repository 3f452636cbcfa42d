/**
 * Parallel decoding. EVTX chunks are self-contained (names and templates are chunk-local,
 * libyal EVTX notes §3), so a file splits into tasks of consecutive chunks that worker
 * threads decode independently. Each worker reads its chunks itself (no bytes cross
 * threads) and runs a *chunk renderer* — a module chosen by the caller — that turns the
 * decoded chunk into text (JSON lines, XML …); only that text comes back.
 *
 * Memory stays bounded: at most `2 × threads` tasks are in flight, and in ordered mode
 * finished tasks wait in a reorder buffer no larger than that.
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

interface Task {
  readonly id: number;
  readonly file: string;
  readonly firstChunk: number;
  readonly chunkCount: number;
  readonly withHeader: boolean;
  readonly bytes: number;
}

/** Message from the worker. */
export interface WorkerReply {
  readonly id: number;
  readonly records: number;
  readonly text: string;
  readonly issues: EvtxIssue[];
  readonly error?: string;
}

/** Splits files into tasks; unreadable files become a task that reports the error. */
async function* planTasks(files: readonly string[], chunksPerTask: number): AsyncGenerator<Task> {
  let id = 0;
  for (const file of files) {
    let size = -1;
    try { size = (await stat(file)).size; } catch { /* reported by the task */ }
    const slots = size < 0 ? 0 : chunkSlots(size);
    if (slots === 0) {
      yield { id: id++, file, firstChunk: 0, chunkCount: 0, withHeader: true, bytes: Math.max(0, size) };
      continue;
    }
    for (let first = 0; first < slots; first += chunksPerTask) {
      const count = Math.min(chunksPerTask, slots - first);
      yield { id: id++, file, firstChunk: first, chunkCount: count, withHeader: first === 0, bytes: count * 65536 + (first === 0 ? 4096 : 0) };
    }
  }
}

/** The default thread count: every core the process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Decodes EVTX files in parallel, yielding each slice's rendered text in order.
 *
 * @example
 * for await (const s of decodeFilesParallel(files, { renderer: new URL('./render-jsonl.js', import.meta.url) }))
 *   process.stdout.write(s.text);
 */
export async function* decodeFilesParallel(files: readonly string[], options: ParallelDecodeOptions): AsyncGenerator<DecodedSlice> {
  const threads = Math.max(1, options.threads ?? defaultThreads());
  const ordered = options.ordered ?? true;
  const chunksPerTask = Math.max(1, options.chunksPerTask ?? 16);
  const tasks = planTasks(files, chunksPerTask);

  if (threads === 1) {
    const { runTask } = await import('./decode-worker.js');
    const { renderChunk } = (await import(options.renderer.href)) as { renderChunk: ChunkRenderer };
    for await (const t of tasks) {
      const r = runTask(t, renderChunk, options.strictChecksums ?? false);
      yield { file: t.file, firstChunk: t.firstChunk, chunkCount: t.chunkCount, bytes: t.bytes, records: r.records, text: r.text, issues: r.issues };
    }
    return;
  }

  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const pending = new Map<number, Task>();
  const done = new Map<number, DecodedSlice>();
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = (): void => { const w = wake; wake = null; w?.(); };
  for (let i = 0; i < threads; i++) {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url), {
      workerData: { renderer: options.renderer.href, strictChecksums: options.strictChecksums ?? false },
    });
    w.on('message', (m: WorkerReply) => {
      const t = pending.get(m.id)!;
      pending.delete(m.id);
      const issues = m.error ? [...m.issues, { severity: 'error' as const, chunk: t.firstChunk, offset: 4096 + t.firstChunk * 65536, reason: m.error }] : m.issues;
      done.set(m.id, { file: t.file, firstChunk: t.firstChunk, chunkCount: t.chunkCount, bytes: t.bytes, records: m.records, text: m.text, issues });
      idle.push(w);
      notify();
    });
    w.on('error', (e) => { failure = e; notify(); });
    workers.push(w);
    idle.push(w);
  }

  try {
    let next = 0; // next id to emit in ordered mode
    let exhausted = false;
    const maxInFlight = threads * 2;
    while (true) {
      if (failure) throw failure;
      while (!exhausted && idle.length > 0 && pending.size + done.size < maxInFlight) {
        const r = await tasks.next();
        if (r.done) { exhausted = true; break; }
        const w = idle.pop()!;
        pending.set(r.value.id, r.value);
        w.postMessage(r.value);
      }
      if (ordered) {
        while (done.has(next)) { const s = done.get(next)!; done.delete(next); next++; yield s; }
      } else {
        for (const [id, s] of done) { done.delete(id); next++; yield s; }
      }
      if (exhausted && pending.size === 0 && done.size === 0) break;
      const canDispatch = !exhausted && idle.length > 0 && pending.size + done.size < maxInFlight;
      const canYield = ordered ? done.has(next) : done.size > 0;
      // Replies arrive only while this generator awaits, so checking then waiting cannot miss one.
      if (!canDispatch && !canYield && !failure) await new Promise<void>((res) => { wake = res; });
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
