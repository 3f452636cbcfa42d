/**
 * Delivery to one outside system (an alert sink): a bounded queue, one delivery at a
 * time (so the receiver sees alerts in order), and retries with exponential backoff.
 *
 * A dead receiver never slows ingest or the other sinks: `push` only queues. When the
 * queue is full the OLDEST waiting item is dropped (counted): during an outage the
 * newest alerts are the ones worth sending when the receiver comes back. An item is
 * given up (counted as failed) after `maxAttempts`, or at once when the receiver says
 * it will never accept it ({@link PermanentDeliveryError}, e.g. HTTP 400).
 */
import type { RetrySettings } from './realtime-config.js';

/** A failure that retrying cannot fix. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** Counters of a queue (GET /api/alerts/sinks). */
export interface DeliveryStats {
  queued: number;
  delivered: number;
  /** Given up after the last attempt, or refused for good. */
  failed: number;
  /** Dropped unsent because the queue was full. */
  dropped: number;
  /** Attempts that failed and were retried. */
  retries: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

/**
 * The wait before attempt `n + 1` after `n` failures: initial × 2^(n−1), at most `max`.
 *
 * @example
 * backoffMs(3, { initialBackoffMs: 1000, maxBackoffMs: 60_000 }) // 4000
 */
export function backoffMs(failures: number, retry: Pick<RetrySettings, 'initialBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Delivers items in order with retries.
 *
 * @example
 * const q = new DeliveryQueue('webhook', (alert) => post(alert), DEFAULT_RETRY, log);
 * q.push(alert); // returns at once
 */
export class DeliveryQueue<T> {
  private readonly items: T[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly counters: DeliveryStats = { queued: 0, delivered: 0, failed: 0, dropped: 0, retries: 0, lastError: null, lastErrorAt: null };

  constructor(
    readonly name: string,
    private readonly deliver: (item: T) => Promise<void>,
    private readonly retry: RetrySettings,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues an item (dropping the oldest when full) and starts delivering. */
  push(item: T): void {
    if (this.closed) { this.counters.dropped++; return; }
    if (this.items.length >= this.retry.queue) {
      this.items.shift();
      this.counters.dropped++;
    }
    this.items.push(item);
    this.counters.queued = this.items.length;
    this.running ??= this.run().finally(() => { this.running = null; });
  }

  /** Counters, with the current queue length. */
  stats(): DeliveryStats {
    return { ...this.counters, queued: this.items.length };
  }

  /**
   * Stops: the delivery in progress may finish within `graceMs`; what is still queued
   * (or waiting for a retry) is dropped and counted.
   */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    this.sleepDone();
    if (this.running !== null) await Promise.race([this.running, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.counters.dropped += this.items.length;
    if (this.items.length > 0) this.log(`alert sink ${this.name}: ${this.items.length} alert(s) not delivered at shutdown`);
    this.items.length = 0;
    this.counters.queued = 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => this.sleepDone(), ms);
    });
  }

  private sleepDone(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed && this.items.length > 0) {
      const item = this.items[0]!;
      try {
        await this.deliver(item);
        this.counters.delivered++;
        failures = 0;
        this.done(item);
      } catch (e) {
        failures++;
        const message = (e as Error).message;
        this.counters.lastError = message;
        this.counters.lastErrorAt = new Date().toISOString();
        if (e instanceof PermanentDeliveryError || failures >= this.retry.maxAttempts) {
          this.counters.failed++;
          this.log(`alert sink ${this.name}: gave up on an alert after ${failures} attempt(s): ${message}`);
          failures = 0;
          this.done(item);
          continue;
        }
        this.counters.retries++;
        await this.sleep(backoffMs(failures, this.retry));
      }
    }
  }

  /** Removes a finished item (the head, unless a full queue dropped it meanwhile). */
  private done(item: T): void {
    if (this.items[0] === item) this.items.shift();
    this.counters.queued = this.items.length;
  }
}
