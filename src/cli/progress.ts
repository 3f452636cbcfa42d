/**
 * A one-line progress display on stderr, drawn only when stderr is a terminal (so logs
 * and pipes stay clean) and at most ten times a second.
 */

/** Progress of a long job measured in bytes, with a record counter. */
export class Progress {
  private done = 0;
  private records = 0;
  private lastDraw = 0;
  private readonly started = performance.now();
  private readonly enabled: boolean;

  /** @param total total bytes of work; @param label what is being done. */
  constructor(private readonly total: number, private readonly label: string, enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  /** Adds finished work and redraws if due. */
  advance(bytes: number, records: number): void {
    this.done += bytes;
    this.records += records;
    const now = performance.now();
    if (!this.enabled || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const pct = this.total > 0 ? Math.min(100, (this.done / this.total) * 100) : 100;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? Math.round(this.records / secs) : 0;
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.toFixed(0).padStart(3)}% ${this.records.toLocaleString('en-US')} records ${rate.toLocaleString('en-US')}/s `);
  }

  /** Clears the line. */
  finish(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}
