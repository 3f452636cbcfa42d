/**
 * The planner: decides which prefix of a query runs in the store as SQL and which
 * commands run in the JS pipeline, and executes that plan. With pushdown off (or when
 * nothing can be pushed) the JS pipeline runs everything (DESIGN.md "One query semantics").
 */
import type { Query } from './ast.js';
import type { Row } from './value.js';
import { compareValues } from './semantics.js';
import { ExecError, type ExecContext, type RowStream } from './exec/context.js';
import { runCommands, runQuery } from './exec/run.js';
import { resolveTables } from './exec/table.js';
import { collect, fromArray, mapBatches } from './exec/batches.js';
import { pushdown, shapeRow, type PushedQuery, type TableSchema } from './sql/pushdown.js';
import { duckdb } from './sql/duckdb.js';
import { printQuery } from './parser.js';

/** Planner options. */
export interface PlanOptions {
  /** Push a prefix down to the store as SQL when it can (default true). */
  readonly pushdown?: boolean;
}

/** A query split into a pushed SQL prefix (maybe none) and the JS rest. */
export interface QueryPlan {
  readonly query: Query;
  readonly pushed?: PushedQuery;
  /** Commands the JS pipeline runs (all of them when nothing is pushed). */
  readonly jsCommands: Query['commands'];
  /** The SQL dialect of the pushed prefix (`duckdb`, `clickhouse`), when there is one. */
  readonly dialect?: string;
}

/**
 * Plans a query against the tables of `ctx.source`.
 *
 * @example
 * const plan = await planQuery(parseQuery('table sysmon | search event_id == 1'), ctx);
 * console.log(explainPlan(plan));
 */
export async function planQuery(query: Query, ctx: ExecContext, options: PlanOptions = {}): Promise<QueryPlan> {
  const first = query.commands[0];
  if (options.pushdown === false || first?.kind !== 'table' || !ctx.source.runSql) return { query, jsCommands: query.commands };
  const tables = await resolveTables(first, ctx);
  if (tables.length !== 1) return { query, jsCommands: query.commands };
  const table = tables[0]!;
  const columns = await ctx.source.columns(table);
  if (!columns) return { query, jsCommands: query.commands };
  let schema: TableSchema = {
    name: table,
    columns,
    extraFields: (await ctx.source.extraFields?.(table)) ?? [],
  };
  const kv = await ctx.source.lineKvFields?.(table);
  if (kv) schema = { ...schema, lineKvFields: kv };
  const pushed = pushdown(query.commands, schema, ctx.now, ctx.source.sqlDialect);
  if (!pushed) return { query, jsCommands: query.commands };
  return { query, pushed, jsCommands: query.commands.slice(pushed.commandCount), dialect: ctx.source.sqlDialect?.name ?? duckdb.name };
}

/** Human-readable plan for `--explain`: the SQL sent to the store and the commands left to JS. */
export function explainPlan(plan: QueryPlan): string {
  const lines: string[] = [];
  if (plan.pushed) {
    const pushedText = printQuery({ commands: plan.query.commands.slice(0, plan.pushed.commandCount), span: plan.query.span });
    lines.push(`pushed down to the store (${plan.dialect !== undefined ? `${plan.dialect} SQL, ` : ''}${plan.pushed.commandCount} command${plan.pushed.commandCount === 1 ? '' : 's'}): ${pushedText}`);
    lines.push(`  SQL: ${plan.pushed.sql}`);
    lines.push(`  parameters: ${JSON.stringify(plan.pushed.parameters)}`);
    if (plan.pushed.recipe !== undefined) lines.push(`  ${plan.pushed.recipe}`);
  } else {
    lines.push('nothing pushed down: the JS pipeline runs the whole query');
  }
  if (plan.jsCommands.length > 0 && plan.pushed) {
    lines.push(`JS pipeline: ${printQuery({ commands: plan.jsCommands, span: plan.query.span })}`);
  } else if (plan.pushed) {
    lines.push('JS pipeline: (nothing left)');
  }
  return lines.join('\n');
}

/** Orders pushed `stats` groups as the JS `stats` does: by the group fields, in the language's type order. */
async function* inGroupOrder(input: RowStream, fields: readonly string[], batchSize?: number): RowStream {
  const rows = await collect(input);
  rows.sort((a: Row, b: Row) => {
    for (const f of fields) {
      const c = compareValues(a[f] ?? null, b[f] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
  yield* fromArray(rows, batchSize);
}

/** Runs a planned query. */
export function executePlan(plan: QueryPlan, ctx: ExecContext): RowStream {
  const pushed = plan.pushed;
  if (!pushed) return runQuery(plan.query, ctx);
  if (!ctx.source.runSql) throw new ExecError('this store cannot run SQL');
  let stream: RowStream = mapBatches(ctx.source.runSql(pushed.sql, pushed.parameters), (rows) => rows.map((r) => shapeRow(r, pushed)));
  if (pushed.groupOrder) stream = inGroupOrder(stream, pushed.groupOrder, ctx.batchSize);
  return runCommands(plan.jsCommands, stream, ctx);
}

/**
 * Plans and runs a query.
 *
 * @example
 * for await (const rows of executeQuery(parseQuery(text), ctx)) print(rows);
 */
export async function* executeQuery(query: Query, ctx: ExecContext, options: PlanOptions = {}): RowStream {
  yield* executePlan(await planQuery(query, ctx, options), ctx);
}
