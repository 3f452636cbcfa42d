/**
 * Worker thread for {@link decodeFilesParallel}: decodes a task's slices (chunks of one
 * or more files) and returns the caller's rendering of each. Also exports the task runner so that the
 * single-thread path runs exactly the same code.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { EvtxIssue } from './chunk.js';
import type { ChunkRenderer, SliceResult, SliceSpec, Task, WorkerReply } from './parallel.js';
import { readEvtxFileSync } from './reader.js';

/** Decodes one slice; file errors (missing, unreadable) become an issue, never a throw. */
function runSlice(slice: SliceSpec, render: ChunkRenderer, strictChecksums: boolean): SliceResult {
  const parts: string[] = [];
  const issues: EvtxIssue[] = [];
  let records = 0;
  try {
    readEvtxFileSync(slice.file, { firstChunk: slice.firstChunk, chunkCount: slice.chunkCount, skipHeader: !slice.withHeader, strictChecksums }, (chunk) => {
      records += chunk.records.length;
      for (const i of chunk.issues) issues.push(i);
      const text = render(chunk, slice.file);
      if (text) parts.push(text);
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    issues.push({ severity: 'error', chunk: -1, offset: 0, reason: err.code ? `${err.code}: ${err.message}` : `internal error: ${err.stack ?? err.message}` });
  }
  return { records, text: parts.join(''), issues };
}

/** Decodes every slice of a task. */
export function runTask(task: Task, render: ChunkRenderer, strictChecksums: boolean): WorkerReply {
  return { id: task.id, results: task.slices.map((s) => runSlice(s, render, strictChecksums)) };
}

if (!isMainThread && parentPort && workerData?.renderer) {
  const port = parentPort;
  const { renderChunk } = (await import(workerData.renderer as string)) as { renderChunk: ChunkRenderer };
  const strict = Boolean(workerData.strictChecksums);
  port.on('message', (task: Task) => port.postMessage(runTask(task, renderChunk, strict)));
}
