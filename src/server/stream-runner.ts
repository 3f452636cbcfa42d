/**
 * Runs one stream query with the query engine's own operators (src/query/exec): the
 * rows of committed events go through the same pipeline a stored query uses.
 *
 * Per event (interval 0): one long-lived pipeline reads an endless row queue; each
 * command handles rows as they come. Join subqueries and lookup tables are served from
 * in-memory snapshots (stream-definition.ts "Joins"); when they are refreshed, the
 * pipeline is rebuilt: the old one drains what it was given, then the new one starts,
 * so order is kept. `now()` in such a query is the time the pipeline was (re)built.
 *
 * Per window (interval N): rows collect for N seconds; then the whole query runs over
 * them (stats, sort, dedup, limit included) with `now()` the window's end.
 *
 * A failure while running (a bad regex met at run time, say) stops the stream with
 * the error shown in its status; fixing the definition (PUT) restarts it.
 */
import type { Store } from '../store/index.js';
import { copyRow, executePlan, planQuery, runCommands, type ExecContext, type Row, type RowSource, type RowStream, type WgetClient } from '../query/index.js';
import { staticTableName, type CompiledStream } from './stream-definition.js';

/** Rows a snapshot may hold (a feed of a million addresses is fine; a whole event table is not). */
export const MAX_SNAPSHOT_ROWS = 1_000_000;
/** Rows waiting for a stream at most; beyond, new rows are dropped (counted). */
export const MAX_QUEUED_ROWS = 1_000_000;

/** What a runner needs from the server. */
export interface StreamEnv {
  readonly store: Store;
  readonly wget: WgetClient;
  readonly log: (line: string) => void;
}

/** Where a stream stands. */
export type StreamState = 'stopped' | 'starting' | 'running' | 'failed';

/** Counters of a stream. */
export interface StreamStats {
  rowsIn: number;
  rowsOut: number;
  /** Rows dropped: the queue was full, or the stream was not running. */
  dropped: number;
  windows: number;
  lastOutputAt: string | null;
  snapshotAt: string | null;
  snapshotRows: number;
}

/**
 * An endless stream of row batches, fed by `push`, finished by `end`. When its reader
 * waits for more, every batch read before has been through the whole pipeline (the
 * operators are pull-based): that is when the pipeline is {@link RowQueue.drained}.
 */
class RowQueue implements AsyncIterable<Row[]> {
  private readonly batches: Row[][] = [];
  private ended = false;
  private waiting = false;
  private wake: (() => void) | null = null;
  private readonly drainWaiters: (() => void)[] = [];
  rows = 0;

  push(rows: Row[]): void {
    this.batches.push(rows);
    this.rows += rows.length;
    this.signal();
  }

  end(): void {
    this.ended = true;
    this.signal();
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Resolves once the reader has processed everything pushed so far (or the queue ended). */
  drained(): Promise<void> {
    if (this.ended || (this.waiting && this.batches.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Row[]> {
    for (;;) {
      const next = this.batches.shift();
      if (next !== undefined) { this.rows -= next.length; yield next; continue; }
      if (this.ended) return;
      this.waiting = true;
      for (const w of this.drainWaiters.splice(0)) w();
      await new Promise<void>((resolve) => { this.wake = resolve; });
      this.waiting = false;
    }
  }
}

/** Serves snapshot tables to `join` (as `table __static_<i>`) and `lookup`; copies, since operators change rows. */
class SnapshotSource implements RowSource {
  constructor(private readonly tables: ReadonlyMap<string, readonly Row[]>) {}

  tableNames(): Promise<string[]> {
    return Promise.resolve([...this.tables.keys()]);
  }

  columns(): Promise<null> {
    return Promise.resolve(null);
  }

  async *scan(table: string): RowStream {
    const rows = this.tables.get(table);
    if (rows === undefined) throw new Error(`no snapshot of '${table}'`);
    for (let i = 0; i < rows.length; i += 4096) yield rows.slice(i, i + 4096).map(copyRow);
  }
}

async function collectAtMost(stream: RowStream, what: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const rows of stream) {
    for (const r of rows) out.push(r);
    if (out.length > MAX_SNAPSHOT_ROWS) throw new Error(`${what} gives more than ${MAX_SNAPSHOT_ROWS} rows: too many for a snapshot`);
  }
  return out;
}

/**
 * One running stream query.
 *
 * @example
 * const runner = new StreamRunner(compiled, env, (rows) => alertOn(rows));
 * await runner.start();
 * runner.push(rows);
 */
export class StreamRunner {
  state: StreamState = 'stopped';
  error: string | null = null;
  readonly stats: StreamStats = { rowsIn: 0, rowsOut: 0, dropped: 0, windows: 0, lastOutputAt: null, snapshotAt: null, snapshotRows: 0 };
  private snapshots = new Map<string, readonly Row[]>();
  /** Per event: the queue the current pipeline reads, and the end of the pipelines so far. */
  private queue: RowQueue | null = null;
  private pipelines: Promise<void> = Promise.resolve();
  /** Per window: rows of the current window, the timer and the windows run so far. */
  private window: Row[] = [];
  private timer: NodeJS.Timeout | null = null;
  private windows: Promise<void> = Promise.resolve();

  constructor(readonly compiled: CompiledStream, private readonly env: StreamEnv, private readonly onOutput: (rows: Row[]) => void) {}

  /** True when the stream has join or lookup snapshots to refresh. */
  get hasSnapshots(): boolean {
    return this.compiled.statics.length > 0 || this.compiled.lookups.length > 0;
  }

  /** Takes the snapshots and starts; throws (and stays `failed`) when a snapshot cannot be taken. */
  async start(): Promise<void> {
    this.state = 'starting';
    this.error = null;
    try {
      this.snapshots = await this.takeSnapshots();
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.state = 'running';
    if (this.compiled.def.interval === 0) this.rebuild();
    else this.timer = setInterval(() => this.closeWindow(), this.compiled.def.interval * 1000);
  }

  /** Retakes the snapshots; on failure the old ones stay in use (the error is shown). */
  async refresh(): Promise<void> {
    if (this.state !== 'running') return;
    try {
      this.snapshots = await this.takeSnapshots();
      this.error = null;
    } catch (e) {
      this.error = `snapshot refresh failed (the previous snapshot is still used): ${(e as Error).message}`;
      this.env.log(`stream ${this.compiled.def.name}: ${this.error}`);
      return;
    }
    if (this.state === 'running' && this.compiled.def.interval === 0) this.rebuild();
  }

  /** Feeds rows (the stream owns them: the caller passes copies). */
  push(rows: Row[]): void {
    if (rows.length === 0) return;
    if (this.state !== 'running') { this.stats.dropped += rows.length; return; }
    const waiting = this.queue?.rows ?? this.window.length;
    if (waiting + rows.length > MAX_QUEUED_ROWS) { this.stats.dropped += rows.length; return; }
    this.stats.rowsIn += rows.length;
    if (this.queue !== null) this.queue.push(rows);
    else for (const r of rows) this.window.push(r);
  }

  /** Resolves when every row pushed so far has been through the query (and its output handed on). */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      if (q === null) { await this.windows; return; }
      await q.drained();
      if (q === this.queue) return;
    }
  }

  /** Stops: per event, the pipeline drains; per window, the last (partial) window runs. */
  async stop(): Promise<void> {
    if (this.timer !== null) { clearInterval(this.timer); this.timer = null; this.closeWindow(); }
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.queue?.end();
    this.queue = null;
    if (wasRunning) { await this.pipelines; await this.windows; }
  }

  private context(source: RowSource, now: Date): ExecContext {
    return { source, now, wget: this.env.wget };
  }

  private async takeSnapshots(): Promise<Map<string, readonly Row[]>> {
    const now = new Date();
    const out = new Map<string, readonly Row[]>();
    const ctx = this.context(this.env.store, now);
    for (let i = 0; i < this.compiled.statics.length; i++) {
      const q = this.compiled.statics[i]!;
      try {
        out.set(staticTableName(i), await collectAtMost(executePlan(await planQuery(q, ctx), ctx), `join subquery ${i + 1}`));
      } catch (e) {
        throw new Error(`join subquery ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
    }
    for (const t of this.compiled.lookups) {
      if ((await this.env.store.columns(t)) === null) throw new Error(`lookup table '${t}' not found`);
      out.set(t, await collectAtMost(this.env.store.scan(t, { order: 'asc' }), `lookup table '${t}'`));
    }
    this.stats.snapshotAt = now.toISOString();
    this.stats.snapshotRows = [...out.values()].reduce((n, rows) => n + rows.length, 0);
    return out;
  }

  private fail(e: unknown): void {
    this.state = 'failed';
    this.error = (e as Error).message;
    if (this.timer !== null) { clearInterval(this.timer); this.timer = null; }
    this.queue?.end();
    this.queue = null;
    this.env.log(`stream ${this.compiled.def.name}: stopped: ${this.error}`);
  }

  private output(rows: Row[]): void {
    if (rows.length === 0) return;
    this.stats.rowsOut += rows.length;
    this.stats.lastOutputAt = new Date().toISOString();
    this.onOutput(rows);
  }

  /** A new per-event pipeline on a new queue; the old one drains first. */
  private rebuild(): void {
    const queue = new RowQueue();
    const previous = this.queue;
    this.queue = queue;
    previous?.end();
    const ctx = this.context(new SnapshotSource(this.snapshots), new Date());
    const before = this.pipelines;
    this.pipelines = (async () => {
      await before;
      try {
        for await (const rows of runCommands(this.compiled.commands, queue, ctx)) this.output(rows);
      } catch (e) {
        if (this.queue === queue) this.fail(e);
      }
    })();
  }

  /** Runs the query over the current window's rows (per-window streams). */
  private closeWindow(): void {
    const rows = this.window;
    this.window = [];
    if (rows.length === 0) return;
    const ctx = this.context(new SnapshotSource(this.snapshots), new Date());
    const before = this.windows;
    this.windows = (async () => {
      await before;
      try {
        async function* input(): RowStream { yield rows; }
        const out: Row[] = [];
        for await (const batch of runCommands(this.compiled.commands, input(), ctx)) for (const r of batch) out.push(r);
        this.stats.windows++;
        this.output(out);
      } catch (e) {
        this.fail(e);
      }
    })();
  }
}
