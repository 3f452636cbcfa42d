/**
 * Chunk renderer for `haetae import`: every record's Event (with its `line`) encoded as
 * store rows in the worker, so that the main thread only assigns ids and hands the text
 * to the store's bulk loader. Output: per run of one channel, a header line
 * `\u0001{"c":channel,"f":fieldKinds}` then one row per line (JSON escapes line breaks).
 * {@link parseStoreRows} reads it back.
 *
 * @example
 * for await (const s of decodeFilesParallel(files, { renderer: STORE_ROWS_RENDERER })) runs.push(...parseStoreRows(s.text));
 */
import type { DecodedChunk } from '../../evtx/index.js';
import { eventFromRecord, renderLine, type Event } from '../../event/index.js';
import { encodeEventRuns, type EventRun, type FieldKinds } from '../../store/index.js';

/** Marks a run's header line; never the first character of a row (rows start with `"`). */
const HEADER = '\u0001';

/** Renders a decoded chunk's records as store rows. */
export function renderChunk(chunk: DecodedChunk): string {
  const events: Event[] = [];
  for (const r of chunk.records) {
    const e = eventFromRecord(r);
    if (e === null) continue;
    e.line = renderLine(e);
    events.push(e);
  }
  let s = '';
  for (const run of encodeEventRuns(events)) s += `${HEADER}${JSON.stringify({ c: run.channel, f: run.fields })}\n${run.rows.join('\n')}\n`;
  return s;
}

/** The runs of a slice's text; consecutive runs of one channel are merged. */
export function parseStoreRows(text: string): EventRun[] {
  const runs: EventRun[] = [];
  let run: EventRun | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    if (line.charCodeAt(0) !== 1) { run!.rows.push(line); continue; }
    const h = JSON.parse(line.slice(1)) as { c: string; f: FieldKinds };
    if (run !== null && run.channel === h.c) {
      for (const k of Object.keys(h.f)) {
        const f = run.fields[k];
        if (f === undefined) run.fields[k] = h.f[k]; else f[0] |= h.f[k][0];
      }
    } else {
      const fields = Object.create(null) as FieldKinds;
      for (const k of Object.keys(h.f)) fields[k] = h.f[k];
      run = { channel: h.c, rows: [], fields };
      runs.push(run);
    }
  }
  return runs;
}
