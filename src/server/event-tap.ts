/**
 * Committed events, taken off the ingest queue's commit path and handed to a consumer
 * (live rules, stream queries) in slices, one slice per turn of the event loop: a commit
 * of 100,000 events must not hold up HTTP requests for the whole time the rules take.
 *
 * Order is kept (commit order, then order within a commit). The backlog is bounded: if
 * the consumer falls more than `maxQueued` events behind, further events are not handed
 * to it (counted in `dropped` and logged) — the events are stored all the same; only
 * their real-time processing is skipped. A memory limit, not a normal state.
 */
import type { Event } from '../event/index.js';
import type { IngestQueue } from './ingest-queue.js';

/** Options of {@link EventTap}. */
export interface EventTapOptions {
  /** Events waiting at most (default 1,000,000). */
  readonly maxQueued?: number;
  /** Events per slice (default 4096). */
  readonly slice?: number;
  readonly log: (line: string) => void;
}

/**
 * Feeds committed events to a consumer.
 *
 * @example
 * const tap = new EventTap('live rules', (events) => rules.observe(events), { log });
 * tap.attach(server.ingest);
 */
export class EventTap {
  private readonly groups: (readonly Event[])[] = [];
  /** Position in the first group. */
  private at = 0;
  private queued = 0;
  private scheduled = false;
  private detach: (() => void) | null = null;
  private readonly idleWaiters: (() => void)[] = [];
  /** Events handed to the consumer. */
  consumed = 0;
  /** Events skipped because the backlog was full. */
  dropped = 0;
  private readonly maxQueued: number;
  private readonly slice: number;

  constructor(private readonly name: string, private readonly consume: (events: readonly Event[]) => void, private readonly options: EventTapOptions) {
    this.maxQueued = options.maxQueued ?? 1_000_000;
    this.slice = options.slice ?? 4096;
  }

  /** Starts listening to an ingest queue's commits. */
  attach(ingest: IngestQueue): void {
    this.detach = ingest.onCommitted((events) => this.offer(events));
  }

  /** Queues events for the consumer. */
  offer(events: readonly Event[]): void {
    if (events.length === 0) return;
    if (this.queued + events.length > this.maxQueued) {
      if (this.dropped === 0) this.options.log(`${this.name}: ${this.queued} events behind; skipping real-time processing of new events until it catches up`);
      this.dropped += events.length;
      return;
    }
    this.groups.push(events);
    this.queued += events.length;
    if (!this.scheduled) { this.scheduled = true; setImmediate(() => this.drain()); }
  }

  /** Events waiting. */
  get backlog(): number {
    return this.queued;
  }

  /** Resolves when every queued event has been consumed. */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops listening once the ingest queue has committed what it holds (server shutdown
   * commits queued events; their rules and streams must still run), then drains.
   */
  async close(ingest: IngestQueue): Promise<void> {
    await ingest.close();
    this.detach?.();
    this.detach = null;
    await this.idle();
  }

  private drain(): void {
    let batch: readonly Event[];
    const first = this.groups[0]!;
    if (this.at === 0 && first.length <= this.slice) {
      batch = first;
      this.groups.shift();
    } else {
      batch = first.slice(this.at, this.at + this.slice);
      this.at += batch.length;
      if (this.at >= first.length) { this.groups.shift(); this.at = 0; }
    }
    this.queued -= batch.length;
    try {
      this.consume(batch);
    } catch (e) {
      this.options.log(`${this.name}: failed on ${batch.length} events: ${(e as Error).stack ?? String(e)}`);
    }
    this.consumed += batch.length;
    if (this.queued > 0) { setImmediate(() => this.drain()); return; }
    this.scheduled = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
