/** Chunk renderer: one Haetae {@link Event} per line as JSON, with its rendered `line`. */
import type { DecodedChunk } from '../../evtx/index.js';
import { eventFromRecord, renderLine } from '../../event/index.js';

/** Renders a decoded chunk's records as Event JSON lines. */
export function renderChunk(chunk: DecodedChunk): string {
  let s = '';
  for (const r of chunk.records) {
    const e = eventFromRecord(r);
    if (e === null) continue;
    e.line = renderLine(e);
    s += JSON.stringify(e) + '\n';
  }
  return s;
}
