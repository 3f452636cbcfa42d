/**
 * Chunk renderer that builds every record's {@link Event} and prints nothing: the
 * decode-only workload that benchmarks measure.
 */
import type { DecodedChunk } from '../../evtx/index.js';
import { eventFromRecord } from '../../event/index.js';

/** Builds the chunk's Events and discards them; returns ''. */
export function renderChunk(chunk: DecodedChunk): string {
  let n = 0;
  for (const r of chunk.records) if (eventFromRecord(r) !== null) n++;
  return n < 0 ? String(n) : '';
}
