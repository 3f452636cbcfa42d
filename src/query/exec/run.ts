/**
 * The JS operator pipeline: runs every command of the language. It is the one
 * semantics of queries (DESIGN.md "One query semantics"); SQL pushdown only replaces a
 * prefix of it with an equivalent store query.
 */
import type { Command, CommandKind, Query } from '../ast.js';
import { ExecError, type ExecContext, type RowStream } from './context.js';
import { tableSource } from './table.js';
import { search, evalCommand, parsekv, fields, rename, explode, limit, rex, parsejson, dedup } from './transform.js';
import { stats, sort, timechart } from './grouping.js';
import { join, lookup } from './join.js';
import { wgetEach, wgetSource } from './wget.js';

type Step<K extends CommandKind> = (cmd: Extract<Command, { kind: K }>, input: RowStream, ctx: ExecContext) => RowStream;

// Exhaustive: a new command kind does not compile until it has a step here.
const STEPS: { [K in CommandKind]: Step<K> } = {
  table: (cmd, input, ctx) => concat(input, tableSource(cmd, ctx)),
  search,
  eval: evalCommand,
  parsekv: (cmd, input) => parsekv(cmd, input),
  stats,
  sort,
  fields: (cmd, input) => fields(cmd, input),
  rename: (cmd, input) => rename(cmd, input),
  join: (cmd, input, ctx) => join(cmd, input, ctx, (q) => runQuery(q, ctx)),
  wget: wgetEach,
  explode: (cmd, input) => explode(cmd, input),
  limit: (cmd, input) => limit(cmd, input),
  rex: (cmd, input) => rex(cmd, input),
  parsejson: (cmd, input) => parsejson(cmd, input),
  lookup,
  timechart,
  dedup: (cmd, input) => dedup(cmd, input),
};

/** A `table` after the first command appends its rows (as Logpresso's does for a second source). */
async function* concat(first: RowStream, second: RowStream): RowStream {
  yield* first;
  yield* second;
}

async function* empty(): RowStream { /* no rows */ }

function applyStep(cmd: Command, input: RowStream, ctx: ExecContext): RowStream {
  return (STEPS[cmd.kind] as Step<CommandKind>)(cmd as never, input, ctx);
}

/**
 * Runs commands on an input stream (the rest of a query after its source, or after a
 * pushed-down prefix).
 */
export function runCommands(commands: readonly Command[], input: RowStream, ctx: ExecContext): RowStream {
  let stream = input;
  for (const cmd of commands) stream = applyStep(cmd, stream, ctx);
  return stream;
}

/**
 * Runs a whole query in JS.
 *
 * @example
 * for await (const rows of runQuery(parseQuery('table sysmon | stats count'), ctx)) console.log(rows);
 */
export function runQuery(query: Query, ctx: ExecContext): RowStream {
  const [first, ...rest] = query.commands;
  if (!first) return empty();
  if (first.kind === 'table') return runCommands(rest, tableSource(first, ctx), ctx);
  if (first.kind === 'wget') return runCommands(rest, wgetSource(first, ctx), ctx);
  throw new ExecError(`a query starts with a source command (table or wget), not '${first.kind}'`, first.span);
}
