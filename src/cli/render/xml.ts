/** Chunk renderer: Windows event XML, one `<Event>` per line. */
import { recordToXml, type DecodedChunk } from '../../evtx/index.js';

/** Renders a decoded chunk's records as event XML lines. */
export function renderChunk(chunk: DecodedChunk): string {
  let s = '';
  for (const r of chunk.records) s += recordToXml(r.nodes) + '\n';
  return s;
}
