/**
 * `join` and `lookup`: rows matched against a second set of rows by type-strict keys
 * (spec: "key equality is exact and type-strict (`"80"` is not `80`), null never
 * matches; subquery fields overwrite same-named fields; one output row per matching pair").
 */
import type { JoinCommand, LookupCommand, Query } from '../ast.js';
import { newRow, type Row, type Value } from '../value.js';
import type { ExecContext, RowStream } from './context.js';
import { collect, mapBatches } from './batches.js';
import { tupleKey } from './keys.js';

/** The key of `row` on `fields`, or undefined when any part is null (null never matches). */
function joinKey(row: Row, fields: readonly string[]): string | undefined {
  const values: Value[] = [];
  for (const f of fields) {
    const v = row[f] ?? null;
    if (v === null) return undefined;
    values.push(v);
  }
  return tupleKey(values);
}

function merged(left: Row, right: Row): Row {
  return Object.assign(newRow(), left, right);
}

/**
 * Runs `join`. The subquery runs first, to completion; its rows are indexed by key.
 * Output order: left rows in input order (each followed by its matches in subquery
 * order); for `right`, `rightonly` and `full`, unmatched subquery rows come last.
 */
export async function* join(
  cmd: JoinCommand, input: RowStream, ctx: ExecContext, runSubquery: (q: Query) => RowStream,
): RowStream {
  const right = await collect(runSubquery(cmd.subquery));
  const type = cmd.type;
  if (type === 'cross') {
    yield* mapBatches(input, (rows) => rows.flatMap((l) => right.map((r) => merged(l, r))));
    return;
  }
  const index = new Map<string, number[]>();
  right.forEach((r, i) => {
    const k = joinKey(r, cmd.keys);
    if (k === undefined) return;
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });
  const matchedRight = new Uint8Array(right.length);
  const keepUnmatchedLeft = type === 'left' || type === 'leftonly' || type === 'full';
  const emitPairs = type !== 'leftonly' && type !== 'rightonly';
  const emitLeftMatchless = type === 'left' || type === 'full' || type === 'leftonly';
  for await (const rows of input) {
    const out: Row[] = [];
    for (const l of rows) {
      const k = joinKey(l, cmd.keys);
      const matches = k === undefined ? undefined : index.get(k);
      if (!matches) {
        if (keepUnmatchedLeft && emitLeftMatchless) out.push(l);
        continue;
      }
      for (const i of matches) {
        matchedRight[i] = 1;
        if (emitPairs) out.push(merged(l, right[i]!));
      }
    }
    if (out.length > 0) yield out;
  }
  if (type === 'right' || type === 'rightonly' || type === 'full') {
    const rest = right.filter((_, i) => matchedRight[i] === 0);
    if (rest.length > 0) yield rest;
  }
}

/**
 * `lookup T F [as K] output O [as A], …`: for each row, the first row of table T whose
 * K equals the row's F (type-strict) gives the output fields; no match sets them null.
 */
export async function* lookup(cmd: LookupCommand, input: RowStream, ctx: ExecContext): RowStream {
  const table = new Map<string, Row>();
  for await (const rows of ctx.source.scan(cmd.table, { order: 'asc' })) {
    for (const r of rows) {
      const k = joinKey(r, [cmd.keyField]);
      if (k !== undefined && !table.has(k)) table.set(k, r);
    }
  }
  yield* mapBatches(input, (rows) => {
    for (const row of rows) {
      const k = joinKey(row, [cmd.inputField]);
      const hit = k === undefined ? undefined : table.get(k);
      for (const o of cmd.outputs) row[o.as] = hit ? hit[o.field] ?? null : null;
    }
    return rows;
  });
}
