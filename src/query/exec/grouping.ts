/**
 * Blocking commands that see every row first: `stats`, `timechart` and `sort`.
 */
import type { Aggregate, SortCommand, StatsCommand, TimechartCommand } from '../ast.js';
import { truncateDate } from '../dates.js';
import { newRow, type Row, type Value } from '../value.js';
import { compareValues, formatValue } from '../semantics.js';
import { createAccumulator, type Accumulator } from '../aggregates.js';
import type { ExecContext, RowStream } from './context.js';
import { collect, fromArray } from './batches.js';
import { compileExpr, type Evaluator } from './expr.js';
import { tupleKey } from './keys.js';

interface CompiledAggregate {
  readonly name: string;
  readonly make: () => Accumulator;
  readonly args: Evaluator[];
}

function compileAggregates(aggs: readonly Aggregate[], ctx: ExecContext): CompiledAggregate[] {
  return aggs.map((a) => ({
    name: a.name,
    make: () => createAccumulator(a.fn, a.args.length),
    args: a.args.map((e) => compileExpr(e, ctx)),
  }));
}

interface Group {
  readonly keys: Value[];
  readonly accs: Accumulator[];
}

function feed(group: Group, aggs: CompiledAggregate[], row: Row): void {
  for (let i = 0; i < aggs.length; i++) {
    const a = aggs[i]!;
    group.accs[i]!.add(a.args.map((f) => f(row)));
  }
}

/** Orders rows by a list of key tuples with the language's type order (ascending). */
function byKeys(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * `stats AGG [as A], … [by F1, F2]`: one row per group, group fields first, then the
 * aggregates; null keys form their own group. Groups come out ordered by their keys
 * (the language's type order), so results are the same whether or not they were
 * computed in the store — a Haetae choice; Logpresso does not document an order.
 */
export async function* stats(cmd: StatsCommand, input: RowStream, ctx: ExecContext): RowStream {
  const aggs = compileAggregates(cmd.aggregates, ctx);
  const by = cmd.by;
  const groups = new Map<string, Group>();
  for await (const rows of input) {
    for (const row of rows) {
      const keys = by.map((f) => row[f] ?? null);
      const k = tupleKey(keys);
      let g = groups.get(k);
      if (!g) {
        g = { keys, accs: aggs.map((a) => a.make()) };
        groups.set(k, g);
      }
      feed(g, aggs, row);
    }
  }
  // `stats count` over no rows still answers: one row with count 0.
  if (groups.size === 0 && by.length === 0) groups.set('', { keys: [], accs: aggs.map((a) => a.make()) });
  const sorted = [...groups.values()].sort((a, b) => byKeys(a.keys, b.keys));
  yield* fromArray(sorted.map((g) => {
    const row = newRow();
    by.forEach((f, i) => { row[f] = g.keys[i]!; });
    aggs.forEach((a, i) => { row[a.name] = g.accs[i]!.result(); });
    return row;
  }), ctx.batchSize);
}

/**
 * `timechart span=N{unit} AGG [by F]`: one row per time bucket (oldest first) with
 * `_time` (buckets as `datetrunc` makes them); without `by` the aggregates are fields; with `by`, each value of F becomes a
 * field holding the (first) aggregate — the chart's series. Rows without a `_time` date
 * are skipped.
 */
export async function* timechart(cmd: TimechartCommand, input: RowStream, ctx: ExecContext): RowStream {
  const aggs = compileAggregates(cmd.aggregates, ctx);
  const buckets = new Map<number, Map<string, Group>>();
  for await (const rows of input) {
    for (const row of rows) {
      const t = row['_time'];
      if (!(t instanceof Date)) continue;
      const start = truncateDate(t, cmd.bucket).getTime();
      let series = buckets.get(start);
      if (!series) buckets.set(start, (series = new Map()));
      const byValue: Value = cmd.by !== undefined ? row[cmd.by] ?? null : null;
      const k = cmd.by !== undefined ? tupleKey([byValue]) : '';
      let g = series.get(k);
      if (!g) series.set(k, (g = { keys: [byValue], accs: aggs.map((a) => a.make()) }));
      feed(g, aggs, row);
    }
  }
  const out: Row[] = [];
  for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
    const row = newRow();
    row['_time'] = new Date(start);
    const series = [...buckets.get(start)!.values()].sort((a, b) => byKeys(a.keys, b.keys));
    for (const g of series) {
      if (cmd.by === undefined) aggs.forEach((a, i) => { row[a.name] = g.accs[i]!.result(); });
      else row[g.keys[0] === null ? 'null' : formatValue(g.keys[0]!)] = g.accs[0]!.result();
    }
    out.push(row);
  }
  yield* fromArray(out, ctx.batchSize);
}

/** `sort [limit=N] [-|+]F, …`: stable; `-` descending; nulls first ascending, last descending. */
export async function* sort(cmd: SortCommand, input: RowStream, ctx: ExecContext): RowStream {
  const rows = await collect(input);
  const keys = cmd.keys;
  rows.sort((a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.field] ?? null, b[k.field] ?? null);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
  yield* fromArray(cmd.limit !== undefined ? rows.slice(0, cmd.limit) : rows, ctx.batchSize);
}
