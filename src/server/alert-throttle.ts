/**
 * Deduplication and throttling of alerts, per (source, name, key).
 *
 * Semantics (README "Stream queries, live rules, feeds and alerts"): with a window W,
 * the first event of a key raises an alert at once (count 1) and opens a window at that
 * event's time t0. A later event of the same key whose time is within W of t0 is not a
 * new alert: it is counted into the open one (its `count` grows, in the store and as an
 * SSE `update` event; sinks are not sent it again). An event W or more away from t0
 * raises a new alert and opens a new window. Windows run on EVENT time, so replaying a
 * day of old logs throttles as it would have live, not as one burst.
 *
 * Memory: at most {@link MAX_OPEN_WINDOWS} windows; the oldest-opened go first, and
 * windows far behind the newest event time seen are swept.
 */
import type { Alert } from './alert-model.js';

/** Open windows kept at most (all keys together). */
export const MAX_OPEN_WINDOWS = 100_000;

interface Window {
  readonly alert: Alert;
  readonly start: number;
  readonly windowMs: number;
}

/** The open throttle windows. */
export class AlertThrottle {
  private readonly open = new Map<string, Window>();
  private clock = -Infinity;
  private sinceSweep = 0;

  /**
   * The open alert `time` (ms) falls into for this key, or null when a new alert is due.
   *
   * @example
   * const merged = throttle.merge('stream', 'blocklist', key, t, 60_000);
   * if (merged) merged.count++; else throttle.opened(newAlert, t, 60_000);
   */
  merge(source: string, name: string, key: string, time: number, windowMs: number): Alert | null {
    if (windowMs <= 0) return null;
    const w = this.open.get(`${source}\u0000${name}\u0000${key}`);
    if (w === undefined || Math.abs(time - w.start) >= w.windowMs) return null;
    return w.alert;
  }

  /** Records a newly raised alert as the open window of its key. */
  opened(alert: Alert, time: number, windowMs: number): void {
    if (windowMs <= 0) return;
    const id = `${alert.source}\u0000${alert.name}\u0000${alert.key}`;
    // Re-inserting keeps the map in opening order, oldest first, for eviction.
    this.open.delete(id);
    this.open.set(id, { alert, start: time, windowMs });
    if (time > this.clock) this.clock = time;
    while (this.open.size > MAX_OPEN_WINDOWS) this.open.delete(this.open.keys().next().value!);
    if (++this.sinceSweep >= 1000) this.sweep();
  }

  /** Windows currently open. */
  get size(): number {
    return this.open.size;
  }

  /** Forgets windows that no event near the newest time seen could still join. */
  private sweep(): void {
    this.sinceSweep = 0;
    for (const [id, w] of this.open) if (w.start + 2 * w.windowMs < this.clock) this.open.delete(id);
  }
}
