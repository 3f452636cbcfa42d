/**
 * What both stores' imports share: grouping incoming batches into per-table runs of
 * encoded rows until a commit's worth has come, and tracking each source's cumulative
 * count so that a commit records exactly how far every source got (import resumption).
 * The stores differ only in how a commit is made durable (DuckDB: one transaction;
 * ClickHouse: the spool).
 */
import { encodeEventRuns, type EventRun } from './event-rows.js';
import { checkTableName, TableMapping } from './table-names.js';
import type { ImportBatch, ImportOptions, ImportState } from './types.js';

/** A source's state after a commit: what the store records for it. */
export interface SourceCount {
  readonly key: string;
  readonly name: string;
  /** Events committed of the source, this import's and earlier imports' together. */
  readonly events: number;
  readonly complete: boolean;
}

/** One commit's worth: rows per table and the sources they advance. */
export interface PendingCommit {
  readonly byTable: ReadonlyMap<string, EventRun[]>;
  /** Events in the commit. */
  readonly events: number;
  /**
   * Sources touched, with this import's counts as of this commit; their counts before this
   * import are still to be added (see {@link ImportAccumulator.counts}).
   */
  readonly sources: readonly { readonly key: string; readonly events: number; readonly complete: boolean }[];
}


/** Accumulates an import's batches into commits. */
export class ImportAccumulator {
  private byTable = new Map<string, EventRun[]>();
  private touched = new Set<string>();
  private readonly sources = new Map<string, { name: string; events: number; complete: boolean; before: number | null }>();
  private readonly mapping: (channel: string) => string;
  /** Events added since the last {@link take}. */
  pending = 0;

  constructor(private readonly target: string, options: ImportOptions) {
    this.mapping = options.tableFor ?? ((m: TableMapping) => (ch: string) => m.tableFor(ch))(new TableMapping());
  }

  /** Adds a batch: its events are encoded (its runs already are) and grouped by table. */
  add(b: ImportBatch): void {
    const runs = b.events.length === 0 ? [] : encodeEventRuns(b.events);
    if (b.runs !== undefined) runs.push(...b.runs);
    let n = 0;
    for (const r of runs) {
      if (r.rows.length === 0) continue;
      n += r.rows.length;
      const t = this.target === 'auto' ? this.mapping(r.channel) : this.target;
      let list = this.byTable.get(t);
      if (list === undefined) { checkTableName(t); list = []; this.byTable.set(t, list); }
      list.push(r);
    }
    if (b.source !== undefined) {
      let s = this.sources.get(b.source.key);
      if (s === undefined) { s = { name: b.source.name, events: 0, complete: false, before: null }; this.sources.set(b.source.key, s); }
      s.events += n;
      if (b.sourceDone === true) s.complete = true;
      this.touched.add(b.source.key);
    }
    this.pending += n;
  }

  /** The commit accumulated so far (null when there is nothing to commit), and a fresh start. */
  take(): PendingCommit | null {
    if (this.pending === 0 && this.touched.size === 0) return null;
    // The counts are taken now: the stores commit while the next batches accumulate, and a
    // count read at commit time would include events of batches not in this commit (a kill
    // then left a source recorded further than its rows, and its resumption skipped events).
    const sources = [...this.touched].map((key) => { const s = this.sources.get(key)!; return { key, events: s.events, complete: s.complete }; });
    const commit: PendingCommit = { byTable: this.byTable, events: this.pending, sources };
    this.byTable = new Map();
    this.touched = new Set();
    this.pending = 0;
    return commit;
  }

  /**
   * The commit's source counts, each source's count before this import looked up once
   * (`lookup`, the store's importStates) and added.
   */
  async counts(commit: PendingCommit, lookup: (keys: readonly string[]) => Promise<Map<string, ImportState>>): Promise<SourceCount[]> {
    const unknown = commit.sources.map((c) => c.key).filter((k) => this.sources.get(k)!.before === null);
    if (unknown.length > 0) {
      const before = await lookup(unknown);
      for (const k of unknown) this.sources.get(k)!.before = before.get(k)?.events ?? 0;
    }
    return commit.sources.map(({ key, events, complete }) => {
      const s = this.sources.get(key)!;
      return { key, name: s.name, events: events + s.before!, complete };
    });
  }
}

/** Adds a commit's rows per table to `totals`. */
export function addTotals(totals: Map<string, number>, commit: PendingCommit): void {
  for (const [t, runs] of commit.byTable) totals.set(t, (totals.get(t) ?? 0) + runs.reduce((k, r) => k + r.rows.length, 0));
}
