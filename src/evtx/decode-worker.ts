/**
 * Worker thread for {@link decodeFilesParallel}: decodes a slice of chunks of one file
 * and returns the caller's rendering of it. Also exports the task runner so that the
 * single-thread path runs exactly the same code.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { EvtxIssue } from './chunk.js';
import type { ChunkRenderer, WorkerReply } from './parallel.js';
import { readEvtxFileSync } from './reader.js';

/** A slice of a file to decode. */
export interface SliceTask {
  readonly id: number;
  readonly file: string;
  readonly firstChunk: number;
  readonly chunkCount: number;
  readonly withHeader: boolean;
}

/** Decodes one slice; file errors (missing, unreadable) become an issue, never a throw. */
export function runTask(task: SliceTask, render: ChunkRenderer, strictChecksums: boolean): WorkerReply {
  const parts: string[] = [];
  const issues: EvtxIssue[] = [];
  let records = 0;
  try {
    readEvtxFileSync(task.file, { firstChunk: task.firstChunk, chunkCount: task.chunkCount, skipHeader: !task.withHeader, strictChecksums }, (chunk) => {
      records += chunk.records.length;
      for (const i of chunk.issues) issues.push(i);
      const text = render(chunk, task.file);
      if (text) parts.push(text);
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    issues.push({ severity: 'error', chunk: -1, offset: 0, reason: err.code ? `${err.code}: ${err.message}` : `internal error: ${err.stack ?? err.message}` });
  }
  return { id: task.id, records, text: parts.join(''), issues };
}

if (!isMainThread && parentPort && workerData?.renderer) {
  const port = parentPort;
  const { renderChunk } = (await import(workerData.renderer as string)) as { renderChunk: ChunkRenderer };
  const strict = Boolean(workerData.strictChecksums);
  port.on('message', (task: SliceTask) => port.postMessage(runTask(task, renderChunk, strict)));
}
