/**
 * Importing files into a store: each file is known by its content hash; a file the store
 * holds completely is skipped, a partly imported one (an import that was killed) resumes
 * after the events already committed. EVTX files decode on all cores (worker threads send
 * back store rows, render/store-rows.ts); every other format streams through formats/decodeFile.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { decodeFilesParallel, defaultThreads, type EvtxIssue } from '../evtx/index.js';
import { decodeFile, type InputFormat } from '../formats/index.js';
import type { CommitProgress, ImportBatch, ImportSource, Store } from '../store/index.js';
import { formatInputIssue, formatIssue } from './issues.js';
import { parseStoreRows } from './render/store-rows.js';

/** Options of {@link importFiles}. */
export interface ImportFilesOptions {
  /** A table name, or `auto` (per channel through `tableFor`). */
  readonly table: string;
  readonly tableFor?: (channel: string) => string;
  readonly inputFormat?: InputFormat;
  /** EVTX decoding threads (default: all cores). */
  readonly threads?: number;
  readonly strictChecksums?: boolean;
  /** A skipped record or chunk, or a warning, as one line of text. */
  readonly onIssue?: (severity: 'error' | 'warning', text: string) => void;
  /** After each commit, with the input bytes decoded since the previous commit. */
  readonly onCommit?: (p: CommitProgress, bytes: number) => void;
}

/** What {@link importFiles} did. */
export interface ImportFilesSummary {
  readonly events: number;
  readonly tables: ReadonlyMap<string, number>;
  /** Files skipped because the store already holds all their events (or the same content came twice). */
  readonly alreadyImported: readonly string[];
  /** Files resumed after a previous, interrupted import, with the events skipped in each. */
  readonly resumed: readonly { file: string; skipped: number }[];
  readonly errors: number;
  readonly warnings: number;
  /** Seconds spent, from hashing to the last commit. */
  readonly seconds: number;
}

const hashBuffer = Buffer.allocUnsafe(1 << 20);

/** Hex SHA-256 of a file's bytes (read 1 MiB at a time: streams cost more than the hashing on small files). */
export function hashFile(file: string): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    let n: number;
    while ((n = readSync(fd, hashBuffer, 0, hashBuffer.length, null)) > 0) h.update(hashBuffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

interface Planned { readonly file: string; readonly source: ImportSource; readonly skip: number }

const STORE_ROWS_RENDERER = new URL('./render/store-rows.js', import.meta.url);

/**
 * Imports files into `store`.
 *
 * @example
 * const summary = await importFiles(store, ['Security.evtx', 'sysmon.json.gz'], { table: 'auto' });
 */
export async function importFiles(store: Store, files: readonly string[], options: ImportFilesOptions): Promise<ImportFilesSummary> {
  const started = performance.now();
  let errors = 0, warnings = 0;
  const issue = (severity: 'error' | 'warning', text: string): void => {
    if (severity === 'error') errors++; else warnings++;
    options.onIssue?.(severity, text);
  };
  const alreadyImported: string[] = [];
  const resumed: { file: string; skipped: number }[] = [];
  const seen = new Set<string>();
  const planned: Planned[] = [];
  const keys: { file: string; key: string }[] = [];
  for (const file of files) {
    try { keys.push({ file, key: hashFile(file) }); } catch (e) { issue('error', `${file}: cannot read: ${(e as Error).message}`); }
  }
  const states = await store.importStates(keys.map((k) => k.key));
  for (const { file, key } of keys) {
    const state = states.get(key) ?? null;
    if (seen.has(key) || state?.complete === true) { alreadyImported.push(file); continue; }
    seen.add(key);
    if (state !== null && state.events > 0) resumed.push({ file, skipped: state.events });
    planned.push({ file, source: { key, name: file }, skip: state?.events ?? 0 });
  }
  const evtx = planned.filter((p) => (options.inputFormat === undefined && /\.evtx$/i.test(p.file)) || options.inputFormat === 'evtx');
  const others = planned.filter((p) => !evtx.includes(p));
  let bytes = 0;
  const result = await store.importEvents(options.table, batches(), {
    tableFor: options.tableFor,
    onCommit: (p) => { const b = bytes; bytes = 0; options.onCommit?.(p, b); },
  });
  return { events: result.events, tables: result.tables, alreadyImported, resumed, errors, warnings, seconds: (performance.now() - started) / 1000 };

  async function* batches(): AsyncGenerator<ImportBatch> {
    if (evtx.length > 0) yield* evtxBatches(evtx, options, issue, (b) => { bytes += b; });
    for (const p of others) {
      let skip = p.skip;
      for await (const b of decodeFile(p.file, { format: options.inputFormat, strictChecksums: options.strictChecksums })) {
        for (const i of b.issues) issue(i.severity, formatInputIssue(i));
        bytes += b.bytes;
        let events = b.events;
        if (skip > 0) { const n = Math.min(skip, events.length); events = events.slice(n); skip -= n; }
        yield { events, source: p.source };
      }
      yield { events: [], source: p.source, sourceDone: true };
    }
  }
}

/** EVTX files through the parallel decoder, in file order, as batches per slice. */
async function* evtxBatches(
  planned: readonly Planned[], options: ImportFilesOptions, issue: (s: 'error' | 'warning', t: string) => void, decoded: (bytes: number) => void,
): AsyncGenerator<ImportBatch> {
  const byFile = new Map(planned.map((p) => [p.file, { ...p, left: p.skip }]));
  let current: (Planned & { left: number }) | null = null;
  const slices = decodeFilesParallel(planned.map((p) => p.file), {
    renderer: STORE_ROWS_RENDERER, threads: options.threads ?? defaultThreads(), ordered: true, strictChecksums: options.strictChecksums,
  });
  for await (const s of slices) {
    const p = byFile.get(s.file)!;
    if (current !== null && current !== p) yield { events: [], source: current.source, sourceDone: true };
    current = p;
    for (const i of s.issues) issue(i.severity, formatIssue(s.file, i as EvtxIssue));
    decoded(s.bytes);
    // Workers encode the events as store rows: no Event object crosses a thread.
    const runs = parseStoreRows(s.text);
    const events = runs.reduce((n, r) => n + r.rows.length, 0);
    if (events < s.records) issue('error', `${s.file}: ${s.records - events} record(s) in chunks ${s.firstChunk}–${s.firstChunk + s.chunkCount - 1} have no <Event> element; skipped`);
    for (const r of runs) {
      if (p.left === 0) break;
      const n = Math.min(p.left, r.rows.length);
      r.rows.splice(0, n);
      p.left -= n;
    }
    yield { events: [], runs, source: p.source };
  }
  if (current !== null) yield { events: [], source: current.source, sourceDone: true };
}
