/**
 * Row-at-a-time commands: search, eval, parsekv, fields, rename, explode, limit, rex,
 * parsejson, dedup. Semantics: specs/query-language.md "Commands".
 */
import type {
  DedupCommand, EvalCommand, ExplodeCommand, FieldsCommand, LimitCommand, ParsejsonCommand, ParsekvCommand,
  RenameCommand, RexCommand, SearchCommand,
} from '../ast.js';
import { newRow, type Row, type Value, type ValueMap } from '../value.js';
import { formatValue, isTruthy, valueFromJson } from '../semantics.js';
import { javaTrim } from '../functions.js';
import type { ExecContext, RowStream } from './context.js';
import { mapBatches } from './batches.js';
import { compileExpr } from './expr.js';
import { tupleKey } from './keys.js';

/** System fields a non-overlay parse keeps (spec parsekv: "the row holds only the parsed keys plus `_id`, `_time`, `_table`"). */
export const KEPT_SYSTEM_FIELDS = ['_id', '_time', '_table'] as const;

/** `search [limit=N] EXPR`: keeps a row when the expression is true or any non-null non-boolean. */
export async function* search(cmd: SearchCommand, input: RowStream, ctx: ExecContext): RowStream {
  const pred = compileExpr(cmd.expr, ctx);
  let left = cmd.limit ?? Infinity;
  for await (const rows of input) {
    const out: Row[] = [];
    for (const row of rows) {
      if (!isTruthy(pred(row))) continue;
      out.push(row);
      if (--left <= 0) break;
    }
    if (out.length > 0) yield out;
    if (left <= 0) return;
  }
}

/** `eval F=EXPR, …`: left to right, later assignments see earlier ones; null sets null. */
export function evalCommand(cmd: EvalCommand, input: RowStream, ctx: ExecContext): RowStream {
  const steps = cmd.assignments.map((a) => ({ field: a.field, value: compileExpr(a.expr, ctx) }));
  return mapBatches(input, (rows) => {
    for (const row of rows) for (const s of steps) row[s.field] = s.value(row);
    return rows;
  });
}

/**
 * Splits `text` into key/value pairs as `parsekv` does: split on the literal pair
 * delimiter, trim each pair, skip empty ones, split at the first kv delimiter (the value
 * keeps the rest; no delimiter → the key maps to null). Later duplicates win.
 *
 * @example
 * parsePairs('a=1 b=2=3 c', ' ', '=') // [['a','1'], ['b','2=3'], ['c', null]]
 */
export function parsePairs(text: string, pairdelim: string, kvdelim: string): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  const parts = pairdelim === '' ? [text] : text.split(pairdelim);
  for (const raw of parts) {
    const pair = javaTrim(raw);
    if (pair === '') continue;
    const at = kvdelim === '' ? -1 : pair.indexOf(kvdelim);
    if (at < 0) out.push([pair, null]);
    else out.push([pair.slice(0, at), pair.slice(at + kvdelim.length)]);
  }
  return out;
}

function keepSystemFields(row: Row): Row {
  const out = newRow();
  for (const f of KEPT_SYSTEM_FIELDS) if (f in row) out[f] = row[f]!;
  return out;
}

/** `parsekv`: overlay adds/overwrites fields; otherwise the row becomes the parsed keys (+ `_id`, `_time`, `_table`). */
export function parsekv(cmd: ParsekvCommand, input: RowStream): RowStream {
  const { field, overlay, pairdelim, kvdelim } = cmd;
  return mapBatches(input, (rows) => {
    const out: Row[] = [];
    for (const row of rows) {
      const v = row[field] ?? null;
      if (v === null) {
        // Null target: passes through with overlay, dropped without.
        if (overlay) out.push(row);
        continue;
      }
      const target = overlay ? row : keepSystemFields(row);
      for (const [k, val] of parsePairs(typeof v === 'string' ? v : formatValue(v), pairdelim, kvdelim)) target[k] = val;
      out.push(target);
    }
    return out;
  });
}

/** `fields a, b` keeps only those, in that order; `fields - a, b` removes them. */
export function fields(cmd: FieldsCommand, input: RowStream): RowStream {
  const names = cmd.names;
  if (cmd.exclude) {
    return mapBatches(input, (rows) => {
      for (const row of rows) for (const n of names) delete row[n];
      return rows;
    });
  }
  return mapBatches(input, (rows) => rows.map((row) => {
    const out = newRow();
    for (const n of names) if (n in row) out[n] = row[n]!;
    return out;
  }));
}

/** `rename a as b`: a missing source is ignored; the renamed field keeps its position. */
export function rename(cmd: RenameCommand, input: RowStream): RowStream {
  return mapBatches(input, (rows) => rows.map((row) => {
    let out = row;
    for (const { from, to } of cmd.pairs) {
      if (!(from in out) || from === to) continue;
      const next = newRow();
      for (const k of Object.keys(out)) {
        if (k === from) next[to] = out[k]!;
        else if (k !== to) next[k] = out[k]!;
      }
      out = next;
    }
    return out;
  }));
}

/** `explode F`: one row per element of a list (other fields copied); an empty list gives no rows; a non-list passes unchanged. */
export function explode(cmd: ExplodeCommand, input: RowStream): RowStream {
  const f = cmd.field;
  return mapBatches(input, (rows) => {
    const out: Row[] = [];
    for (const row of rows) {
      const v = row[f];
      if (!Array.isArray(v)) { out.push(row); continue; }
      for (const item of v) {
        const copy = Object.assign(newRow(), row);
        copy[f] = item;
        out.push(copy);
      }
    }
    return out;
  });
}

/** `limit [offset] N`. */
export async function* limit(cmd: LimitCommand, input: RowStream): RowStream {
  let skip = cmd.offset;
  let left = cmd.count;
  if (left <= 0) return;
  for await (const rows of input) {
    let start = 0;
    if (skip > 0) {
      start = Math.min(skip, rows.length);
      skip -= start;
    }
    const take = rows.slice(start, start + left);
    left -= take.length;
    if (take.length > 0) yield take;
    if (left <= 0) return;
  }
}

/** `rex field=F "(?<name>…)"`: named groups of the first match become fields; rows always pass. */
export function rex(cmd: RexCommand, input: RowStream): RowStream {
  const re = new RegExp(cmd.pattern);
  return mapBatches(input, (rows) => {
    for (const row of rows) {
      const v = row[cmd.field] ?? null;
      if (v === null) continue;
      const m = re.exec(typeof v === 'string' ? v : formatValue(v));
      if (!m?.groups) continue;
      for (const [k, g] of Object.entries(m.groups)) row[k] = g ?? null;
    }
    return rows;
  });
}

/** `parsejson [field=line] [overlay=t]`: the top-level keys of a JSON object become fields; other input leaves the row as it is. */
export function parsejson(cmd: ParsejsonCommand, input: RowStream): RowStream {
  return mapBatches(input, (rows) => {
    const out: Row[] = [];
    for (const row of rows) {
      const v = row[cmd.field];
      let parsed: Value = null;
      if (typeof v === 'string') {
        try { parsed = valueFromJson(JSON.parse(v) as unknown); } catch { parsed = null; }
      }
      const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !(parsed instanceof Date);
      if (!isObject) {
        if (cmd.overlay) out.push(row);
        continue;
      }
      const target = cmd.overlay ? row : keepSystemFields(row);
      for (const [k, x] of Object.entries(parsed as ValueMap)) target[k] = x;
      out.push(target);
    }
    return out;
  });
}

/** `dedup F1, F2` (Haetae extension, not Logpresso's): keeps the first row of each distinct key. */
export function dedup(cmd: DedupCommand, input: RowStream): RowStream {
  const seen = new Set<string>();
  return mapBatches(input, (rows) => rows.filter((row) => {
    const key = tupleKey(cmd.fields.map((f) => row[f] ?? null));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }));
}
