/**
 * The server's one way into the store: every ingest path (HTTP NDJSON and uploads,
 * Elasticsearch `_bulk`, syslog) submits events here and is answered only once they are
 * committed — durable in DuckDB's write-ahead log, so a `kill -9` after the answer loses
 * nothing. Submissions queue up and are committed together (group commit): one DuckDB
 * transaction for many small requests is what makes a high ingest rate possible.
 *
 * Backpressure: the queue holds at most `maxQueuedEvents`; beyond that a submission is
 * refused at once with {@link BackpressureError} (HTTP answers 429, TCP readers pause,
 * UDP counts a drop) — never an unbounded buffer, never a silent loss.
 *
 * Exactly once: a submission may carry an idempotency key (the `Idempotency-Key` header,
 * a shipper's batch id). A key already committed is acknowledged as a duplicate without
 * storing its events again, so a client that resends after a lost answer does no harm.
 */
import type { Event } from '../event/index.js';
import type { Store } from '../store/index.js';

/** Who sent events: the path (`http`, `bulk`, `syslog-tcp`, …) and the peer or token name. */
export interface IngestSource {
  readonly kind: string;
  readonly name: string;
}

/** The answer to a submission, once its events are committed. */
export interface IngestReceipt {
  /** Events committed for this submission (0 for a duplicate). */
  readonly accepted: number;
  /** True when the idempotency key was committed before: nothing was stored again. */
  readonly duplicate: boolean;
}

/** The queue is full: try again later (HTTP 429 with Retry-After). */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
  constructor(readonly queued: number, readonly retryAfterSeconds = 1) {
    super(`ingest queue full (${queued} events waiting to be stored); retry in ${retryAfterSeconds} s`);
  }
}

/** The queue is closing (server shutdown): nothing more is accepted. */
export class IngestClosedError extends Error {
  override readonly name = 'IngestClosedError';
  constructor() { super('the server is shutting down; not accepting events'); }
}

/** Per-source counters (GET /api/ingest/stats). */
export interface SourceCounters {
  readonly kind: string;
  readonly name: string;
  received: number;
  committed: number;
  duplicates: number;
  /** Events refused with backpressure (429) — the client was told. */
  refused: number;
  /** Requests refused with backpressure, some before their body was read (so their events are not counted in `refused`). */
  refusedRequests: number;
  /** Lost without the client knowing (UDP datagrams when full) or rejected as unreadable. */
  dropped: number;
  failed: number;
  lastAt: string | null;
}

/** Called with each committed group of events, in commit order (live rules, stream queries). */
export type CommittedListener = (events: readonly Event[]) => void;

/** Options of {@link IngestQueue}. */
export interface IngestQueueOptions {
  /** Events waiting before submissions are refused (default 500,000). */
  readonly maxQueuedEvents?: number;
  /** Events committed in one transaction at most (default 100,000). */
  readonly maxCommitEvents?: number;
  /** Channel → table (default: the store's mapping). */
  readonly tableFor?: (channel: string) => string;
  /** Hears of a committed-events listener that threw (logged by the server). */
  readonly onListenerError?: (e: Error) => void;
}

interface Pending {
  readonly events: Event[];
  readonly source: IngestSource;
  readonly key: string | undefined;
  readonly resolve: (r: IngestReceipt) => void;
  readonly reject: (e: Error) => void;
}

/** The group-committing ingest queue over a store. */
export class IngestQueue {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private writing: Promise<void> | null = null;
  private closed = false;
  private readonly listeners: CommittedListener[] = [];
  private readonly counters = new Map<string, SourceCounters>();
  private readonly inflightKeys = new Set<string>();
  private readonly roomWaiters: (() => void)[] = [];
  private readonly maxQueued: number;
  private readonly maxCommit: number;

  constructor(private readonly store: Store, private readonly options: IngestQueueOptions = {}) {
    this.maxQueued = options.maxQueuedEvents ?? 500_000;
    this.maxCommit = options.maxCommitEvents ?? 100_000;
  }

  /** The counters of a source, created on first use. */
  counter(source: IngestSource): SourceCounters {
    const id = `${source.kind}|${source.name}`;
    let c = this.counters.get(id);
    if (c === undefined) {
      c = { kind: source.kind, name: source.name, received: 0, committed: 0, duplicates: 0, refused: 0, refusedRequests: 0, dropped: 0, failed: 0, lastAt: null };
      this.counters.set(id, c);
    }
    return c;
  }

  /** Every source's counters. */
  stats(): { queued: number; capacity: number; sources: SourceCounters[] } {
    return { queued: this.queued, capacity: this.maxQueued, sources: [...this.counters.values()].map((c) => ({ ...c })) };
  }

  /** Listens to committed events; returns the function that stops listening. */
  onCommitted(listener: CommittedListener): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i !== -1) this.listeners.splice(i, 1); };
  }

  /** Whether `n` more events fit now. */
  hasRoom(n: number): boolean {
    return this.queued === 0 || this.queued + n <= this.maxQueued;
  }

  /** Resolves when `n` events fit (stream sources such as syslog over TCP pause reading until then). */
  async waitForRoom(n: number): Promise<void> {
    while (!this.closed && !this.hasRoom(n)) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /**
   * Queues events and resolves once they are committed. Throws {@link BackpressureError}
   * at once when the queue is full, {@link IngestClosedError} while shutting down.
   */
  submit(events: Event[], source: IngestSource, key?: string): Promise<IngestReceipt> {
    const counter = this.counter(source);
    counter.lastAt = new Date().toISOString();
    if (this.closed) return Promise.reject(new IngestClosedError());
    if (!this.hasRoom(events.length)) {
      counter.refused += events.length;
      counter.refusedRequests++;
      return Promise.reject(new BackpressureError(this.queued));
    }
    counter.received += events.length;
    return new Promise<IngestReceipt>((resolve, reject) => {
      this.queue.push({ events, source, key, resolve, reject });
      this.queued += events.length;
      this.kick();
    });
  }

  /** Stops accepting, commits what is queued, and resolves when all is stored. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.roomWaiters.splice(0)) w();
    while (this.writing !== null) await this.writing;
  }

  /**
   * Starts the writer unless it runs. A submission that arrives after the writer saw an
   * empty queue but before it finished is picked up by the restart in `finally`.
   */
  private kick(): void {
    if (this.writing !== null) return;
    this.writing = this.drain().finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Commits queued submissions in groups until the queue is empty. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group: Pending[] = [];
      let n = 0;
      while (this.queue.length > 0 && (group.length === 0 || n + this.queue[0].events.length <= this.maxCommit)) {
        const p = this.queue.shift()!;
        group.push(p);
        n += p.events.length;
      }
      await this.commit(group);
      this.queued -= n;
      for (const w of this.roomWaiters.splice(0)) w();
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    try {
      const { fresh, duplicates } = await this.splitDuplicates(group);
      if (fresh.length > 0) {
        await this.store.importEvents('auto', fresh.map((p) => ({
          events: p.events,
          ...(p.key !== undefined ? { source: { key: p.key, name: `${p.source.kind}:${p.source.name}` }, sourceDone: true } : {}),
        })), { ...(this.options.tableFor ? { tableFor: this.options.tableFor } : {}) });
      }
      for (const p of duplicates) { this.counter(p.source).duplicates += p.events.length; p.resolve({ accepted: 0, duplicate: true }); }
      for (const p of fresh) { this.counter(p.source).committed += p.events.length; p.resolve({ accepted: p.events.length, duplicate: false }); }
      const committed = fresh.flatMap((p) => p.events);
      // Listeners see committed events; their failure must not turn a stored batch into a refused one.
      if (committed.length > 0) {
        for (const l of [...this.listeners]) {
          try { l(committed); } catch (e) { this.options.onListenerError?.(e instanceof Error ? e : new Error(String(e))); }
        }
      }
    } catch (e) {
      for (const p of group) { this.counter(p.source).failed += p.events.length; p.reject(e instanceof Error ? e : new Error(String(e))); }
    } finally {
      for (const p of group) if (p.key !== undefined) this.inflightKeys.delete(p.key);
    }
  }

  /** Submissions whose key was committed before (or appears twice in this group) are duplicates. */
  private async splitDuplicates(group: Pending[]): Promise<{ fresh: Pending[]; duplicates: Pending[] }> {
    const keys = group.flatMap((p) => (p.key !== undefined ? [p.key] : []));
    const states = keys.length > 0 ? await this.store.importStates(keys) : new Map();
    const fresh: Pending[] = [];
    const duplicates: Pending[] = [];
    for (const p of group) {
      if (p.key !== undefined && (states.get(p.key)?.complete === true || this.inflightKeys.has(p.key))) duplicates.push(p);
      else { if (p.key !== undefined) this.inflightKeys.add(p.key); fresh.push(p); }
    }
    return { fresh, duplicates };
  }
}
