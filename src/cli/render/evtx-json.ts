/** Chunk renderer: the Rust `evtx_dump` JSON shape, one record per line. */
import { recordToEvtxJson, type DecodedChunk } from '../../evtx/index.js';

/** Renders a decoded chunk's records as evtx_dump JSON lines. */
export function renderChunk(chunk: DecodedChunk): string {
  let s = '';
  for (const r of chunk.records) s += recordToEvtxJson(r.nodes) + '\n';
  return s;
}
