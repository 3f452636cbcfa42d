/**
 * The ClickHouse store's write-ahead spool: every import batch is written to a local file
 * (fsync, then an atomic rename) before it is acknowledged, and sent to the shards from
 * there. A shard that is down or a collector that is killed loses nothing that was
 * acknowledged: the batch stays in the spool and is sent when the shard answers again,
 * or when the store is next opened.
 *
 * Sending is idempotent, so that a batch is stored exactly once even when an insert's
 * answer was lost: each part (the rows of one table for one shard) carries a range of
 * `_id`s that only its rows can have (ids are per writer, see ids.ts), and before
 * inserting, the shard is asked how many rows of that range it holds — all (already sent:
 * skip), none (insert), or some (an insert cut short across partitions: delete them and
 * insert again).
 *
 * File layout: one header line (JSON: parts, sources, extra fields), then each part's
 * rows as JSONEachRow lines, in part order.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogicalType } from './values.js';

/** The rows of one table bound for one shard. */
export interface SpoolPart {
  readonly table: string;
  readonly shard: number;
  /** Smallest and largest `_id` of the part's rows. */
  readonly first: number;
  readonly last: number;
  readonly rows: number;
  /** The event table's columns the rows need (created on the shard before inserting). */
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[];
}

/** A source's committed count after this batch (bookkeeping of `importState`). */
export interface SpoolSource {
  readonly key: string;
  readonly name: string;
  readonly events: number;
  readonly complete: boolean;
}

/** One acknowledged batch. */
export interface SpoolEntry {
  readonly seq: number;
  readonly parts: readonly SpoolPart[];
  readonly sources: readonly SpoolSource[];
  /** Data fields the batch keeps in `_extra`, per table. */
  readonly extraFields: readonly { readonly table: string; readonly field: string }[];
}

const SUFFIX = '.batch';

/** A spool directory. */
export class Spool {
  private nextSeq: number;
  /** Headers read so far (batch files never change once written). */
  private readonly headers = new Map<number, SpoolEntry>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
    const seqs = this.list();
    this.nextSeq = seqs.length === 0 ? 1 : seqs[seqs.length - 1]! + 1;
  }

  /** Sequence numbers of the batches waiting, oldest first. */
  list(): number[] {
    return readdirSync(this.dir).filter((f) => f.endsWith(SUFFIX)).map((f) => Number(f.slice(0, -SUFFIX.length))).filter(Number.isSafeInteger).sort((a, b) => a - b);
  }

  private path(seq: number): string {
    return join(this.dir, `${String(seq).padStart(12, '0')}${SUFFIX}`);
  }

  /** Writes a batch durably; returns its entry. `rows[i]` are the lines of `parts[i]`. */
  write(parts: readonly SpoolPart[], rows: readonly string[][], sources: readonly SpoolSource[], extraFields: SpoolEntry['extraFields']): SpoolEntry {
    const entry: SpoolEntry = { seq: this.nextSeq++, parts, sources, extraFields };
    const final = this.path(entry.seq);
    const tmp = final + '.tmp';
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(entry) + '\n');
      for (const lines of rows) {
        for (let at = 0; at < lines.length; at += 4096) writeSync(fd, lines.slice(at, at + 4096).join('\n') + '\n');
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
    syncDir(this.dir);
    this.headers.set(entry.seq, entry);
    return entry;
  }

  /** Reads a waiting batch: its entry and each part's row lines. */
  read(seq: number): { entry: SpoolEntry; rows: string[][] } {
    const text = readFileSync(this.path(seq), 'utf8');
    const lines = text.split('\n');
    const entry = JSON.parse(lines[0]!) as SpoolEntry;
    const rows: string[][] = [];
    let at = 1;
    for (const p of entry.parts) { rows.push(lines.slice(at, at + p.rows)); at += p.rows; }
    return { entry, rows };
  }

  /** The header of a waiting batch (without reading its rows into memory as lines). */
  header(seq: number): SpoolEntry {
    let h = this.headers.get(seq);
    if (h !== undefined) return h;
    // Only the first line: a batch file can hold tens of megabytes of rows.
    const fd = openSync(this.path(seq), 'r');
    try {
      const chunks: Buffer[] = [];
      for (let at = 0; ; at += 65536) {
        const b = Buffer.alloc(65536);
        const n = readSync(fd, b, 0, b.length, at);
        const nl = b.subarray(0, n).indexOf(10);
        chunks.push(b.subarray(0, nl >= 0 ? nl : n));
        if (nl >= 0 || n === 0) break;
      }
      h = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SpoolEntry;
    } finally {
      closeSync(fd);
    }
    this.headers.set(seq, h);
    return h;
  }

  /** Removes a batch once every part and its sources are stored. */
  remove(seq: number): void {
    this.headers.delete(seq);
    rmSync(this.path(seq), { force: true });
  }
}

/** Makes a rename durable (the directory entry), where the platform allows it. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* not supported on this platform: the rename is still atomic */ }
}
