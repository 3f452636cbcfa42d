/**
 * The `table` command: rows of one or more stored tables, newest first unless
 * `order=asc` (spec "Commands": `table [duration=…] [from=…] [to=…] [limit=N] [offset=N]
 * [order=asc|desc] T1[, T2]`; `*` in names; a trailing `?` makes a missing table no error).
 */
import type { TableCommand } from '../ast.js';
import { addToDate } from '../dates.js';
import { wildcardRegExp } from '../semantics.js';
import type { Row, Value } from '../value.js';
import { ExecError, type ExecContext, type RowStream, type ScanRequest } from './context.js';
import { BATCH_SIZE } from './batches.js';

/** Resolves the command's table references to existing table names, in order, without repeats. */
export async function resolveTables(cmd: TableCommand, ctx: ExecContext): Promise<string[]> {
  const existing = await ctx.source.tableNames();
  const out: string[] = [];
  for (const ref of cmd.tables) {
    const re = wildcardRegExp(ref.name);
    const found = existing.filter((t) => re.test(t)).sort();
    if (found.length === 0 && !ref.optional && !ref.name.includes('*')) {
      const list = existing.length > 0 ? existing.join(', ') : 'none yet — import some events first';
      throw new ExecError(`table '${ref.name}' not found (tables: ${list})`, ref.span);
    }
    for (const t of found) if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** The time window of the command: the later of `from` and `now - duration`, and `to`. */
export function timeWindow(cmd: TableCommand, now: Date): { from?: Date; to?: Date } {
  let from = cmd.from;
  if (cmd.duration) {
    const d = addToDate(now, cmd.duration.unit, -cmd.duration.amount);
    if (!from || d > from) from = d;
  }
  return { ...(from ? { from } : {}), ...(cmd.to ? { to: cmd.to } : {}) };
}

/** Runs `table`. */
export async function* tableSource(cmd: TableCommand, ctx: ExecContext): RowStream {
  const tables = await resolveTables(cmd, ctx);
  const window = timeWindow(cmd, ctx.now);
  if (tables.length === 1) {
    yield* ctx.source.scan(tables[0]!, { order: cmd.order, ...window, ...limits(cmd.limit, cmd.offset) });
    return;
  }
  // Several tables: merge their ordered scans, then apply offset/limit to the merged order.
  const request: ScanRequest = {
    order: cmd.order, ...window, ...(cmd.limit !== undefined ? { limit: cmd.limit + (cmd.offset ?? 0) } : {}),
  };
  let skip = cmd.offset ?? 0;
  let left = cmd.limit ?? Infinity;
  let batch: Row[] = [];
  for await (const row of mergeOrdered(tables.map((t) => ctx.source.scan(t, request)), cmd.order)) {
    if (skip > 0) { skip--; continue; }
    if (left-- <= 0) break;
    batch.push(row);
    if (batch.length >= (ctx.batchSize ?? BATCH_SIZE)) { yield batch; batch = []; }
  }
  if (batch.length > 0) yield batch;
}

function limits(limit?: number, offset?: number): { limit?: number; offset?: number } {
  return { ...(limit !== undefined ? { limit } : {}), ...(offset !== undefined ? { offset } : {}) };
}

function timeOf(row: Row): number {
  const t: Value = row['_time'] ?? null;
  return t instanceof Date ? t.getTime() : -Infinity;
}

/** K-way merge of row streams each ordered by `_time` (ties keep stream order). */
async function* mergeOrdered(streams: RowStream[], order: 'asc' | 'desc'): AsyncIterable<Row> {
  const cursors = streams.map((s) => ({ it: s[Symbol.asyncIterator](), rows: [] as Row[], pos: 0, done: false }));
  const fill = async (c: (typeof cursors)[number]): Promise<void> => {
    while (!c.done && c.pos >= c.rows.length) {
      const next = await c.it.next();
      if (next.done) c.done = true;
      else { c.rows = next.value; c.pos = 0; }
    }
  };
  await Promise.all(cursors.map(fill));
  const sign = order === 'asc' ? 1 : -1;
  for (;;) {
    let best = -1;
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i]!;
      if (c.pos >= c.rows.length) continue;
      if (best < 0 || sign * (timeOf(c.rows[c.pos]!) - timeOf(cursors[best]!.rows[cursors[best]!.pos]!)) < 0) best = i;
    }
    if (best < 0) return;
    const c = cursors[best]!;
    yield c.rows[c.pos++]!;
    await fill(c);
  }
}
