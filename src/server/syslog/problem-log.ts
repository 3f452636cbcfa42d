/**
 * Problems with incoming messages, logged without flooding the server log: a sender that
 * writes garbage at 10,000 lines a second must not write 10,000 log lines a second. Each
 * kind of problem from each sender is logged at once the first time, then at most once per
 * interval with the count of the ones not logged.
 */

/**
 * A rate-limited log of problems, keyed by sender and kind.
 *
 * @example
 * const problems = new ProblemLog(server.log, 10_000);
 * problems.report('syslog-tcp 10.0.0.5', 'framing', 'a line of 300000 bytes is over the limit');
 */
export class ProblemLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly log: (line: string) => void, private readonly intervalMs = 10_000, private readonly now: () => number = Date.now) {}

  /** Logs a problem of `kind` from `sender`, or counts it when one was logged within the interval. */
  report(sender: string, kind: string, detail: string): void {
    const key = `${sender}\u0000${kind}`;
    const t = this.now();
    const seen = this.last.get(key);
    if (seen !== undefined && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const more = seen !== undefined && seen.suppressed > 0 ? ` (${seen.suppressed} more like it since the last report)` : '';
    this.last.set(key, { at: t, suppressed: 0 });
    // The map stays small: one entry per sender and kind; forget quiet ones.
    if (this.last.size > 10_000) for (const [k, v] of this.last) if (t - v.at >= this.intervalMs) this.last.delete(k);
    this.log(`${sender}: ${kind}: ${detail}${more}`);
  }
}
