/**
 * Where a command writes: stdout or `-o FILE`, with backpressure respected so a slow
 * pipe never makes memory grow, and EPIPE (`| head`) ending the run quietly.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** A text sink with awaited writes. */
export interface TextOutput {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  /** True once the reader went away (EPIPE); producers should stop. */
  readonly closed: boolean;
}

/** Opens stdout (no path or `-`) or a file. */
export function openOutput(path: string | undefined): TextOutput {
  const stream: Writable = path && path !== '-' ? createWriteStream(path) : process.stdout;
  let closed = false;
  let failure: Error | null = null;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    else failure = e;
  });
  return {
    get closed() { return closed; },
    async write(text: string) {
      if (failure) throw failure;
      if (closed || text === '') return;
      if (stream.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => { stream.off('drain', done); stream.off('close', done); resolve(); };
        stream.on('drain', done);
        stream.on('close', done);
      });
    },
    async close() {
      if (failure) throw failure;
      if (stream === process.stdout || closed) return;
      stream.end();
      await once(stream, 'finish');
    },
  };
}
