/**
 * `_id`s in a cluster written by several collectors: each writer (a spool directory) has a
 * number between 1 and 8191, registered in the `_writers` table, and hands out
 * `writer × 2^40 + n` with n counting up per table — unique across writers without any
 * coordination per batch, increasing per writer, and below 2^53 so a JavaScript number holds
 * them exactly. The counters are saved in the spool directory before a batch is spooled,
 * so a restart never hands out an id twice.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spool } from './spool.js';
import { quoteName } from './values.js';

/** Ids per writer. */
export const WRITER_SPAN = 2 ** 40;
const MAX_WRITER = 8191;

/** Runs a query and returns its rows (the store's reader). */
export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

/** This writer's number and per-table counters. */
export class WriterIds {
  private writer = 0;
  /** True when the number was registered by this process: no id of it is stored anywhere yet. */
  private fresh = false;
  private readonly counters = new Map<string, number>();

  constructor(private readonly dir: string) {}

  private get writerFile(): string { return join(this.dir, 'writer.json'); }
  private get countersFile(): string { return join(this.dir, 'ids.json'); }

  /** This writer's number (valid after {@link load}). */
  get id(): number {
    return this.writer;
  }

  /**
   * Reads the writer number and counters from the directory, or registers a new writer
   * number not used by any other writer; counters of batches still spooled are counted in.
   */
  async load(registered: () => Promise<number[]>, register: (line: string) => Promise<void>, spool: Spool): Promise<void> {
    if (existsSync(this.writerFile)) {
      this.writer = (JSON.parse(readFileSync(this.writerFile, 'utf8')) as { writer: number }).writer;
    } else {
      const used = new Set(await registered());
      const free: number[] = [];
      for (let w = 1; w <= MAX_WRITER; w++) if (!used.has(w)) free.push(w);
      if (free.length === 0) throw new Error(`all ${MAX_WRITER} writer numbers are registered in _writers`);
      this.writer = free[Math.floor(Math.random() * free.length)]!;
      await register(JSON.stringify({ writer: this.writer, started: Date.now() * 1000, spool: this.dir }));
      writeFileSync(this.writerFile, JSON.stringify({ writer: this.writer }) + '\n');
      this.fresh = true;
    }
    if (existsSync(this.countersFile)) {
      for (const [t, n] of Object.entries(JSON.parse(readFileSync(this.countersFile, 'utf8')) as Record<string, number>)) this.counters.set(t, n);
    }
    for (const seq of spool.list()) {
      for (const p of spool.header(seq).parts) this.counters.set(p.table, Math.max(this.counters.get(p.table) ?? 0, p.last + 1));
    }
  }

  /** Makes sure the tables have counters (from the largest id this writer stored, when the directory has none). */
  async prepare(tables: Iterable<string>, query: QueryRows, exists: (table: string) => boolean): Promise<void> {
    const base = this.writer * WRITER_SPAN;
    for (const t of tables) {
      if (this.counters.has(t)) continue;
      let next = base + 1;
      if (exists(t) && !this.fresh) {
        const [r] = await query(`SELECT max("_id") AS m FROM ${quoteName(t)} WHERE "_id" >= ${base} AND "_id" < ${base + WRITER_SPAN}`);
        const m = Number(r?.['m'] ?? 0);
        if (m >= base) next = m + 1;
      }
      this.counters.set(t, next);
    }
  }

  /** The next id of `table` (after {@link prepare}). */
  next(table: string): number {
    const n = this.counters.get(table)!;
    if (n >= (this.writer + 1) * WRITER_SPAN) throw new Error(`writer ${this.writer} has used all its ids for table ${table}`);
    this.counters.set(table, n + 1);
    return n;
  }

  /** Saves the counters (atomically). */
  save(): void {
    const tmp = this.countersFile + '.tmp';
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.counters)) + '\n');
    renameSync(tmp, this.countersFile);
  }
}
