/**
 * Expressions → SQL in a {@link SqlDialect}, only where the SQL gives exactly the value
 * the JS evaluator would (../exec/expr.ts, ../semantics.ts, ../functions.ts). Anything
 * else returns undefined and the planner leaves the command to the JS pipeline.
 *
 * Known, documented difference: the SQL engines count string positions in code points,
 * JS in UTF-16 units, so `substr`/`indexof`/`len` can differ on characters outside the BMP.
 */
import type { Expr, CallExpr, BinaryExpr } from '../ast.js';
import { classifyPattern } from '../semantics.js';
import { Parameters, isSimpleSql, type SqlDialect, type ValueKind } from './dialect.js';

/** A translated expression and the kind of value it yields. */
export interface SqlExpr {
  readonly sql: string;
  readonly kind: ValueKind;
}

/** Looks a field up in the relation being built: its SQL and kind, or undefined when the row cannot have it. */
export type FieldScope = (name: string) => SqlExpr | undefined | 'unpushable';

/**
 * Computes `sql` once per row in a stage before the current one and returns a reference to
 * it: for arguments a translation repeats (substr uses its string five times).
 */
export type Hoist = (sql: string) => string;

/** What translating an expression needs: where fields come from, the parameters, a hoist, and the dialect. */
export interface Translation {
  readonly scope: FieldScope;
  readonly params: Parameters;
  readonly hoist: Hoist;
  readonly dialect: SqlDialect;
}

const NULL: SqlExpr = { sql: 'NULL', kind: 'null' };

/** SQL for the truth of a value as `search`, `and` and `or` read it (semantics.ts isTruthy): null is false, any non-boolean non-null is true. */
export function truthSql(e: SqlExpr, d: SqlDialect): string | undefined {
  switch (e.kind) {
    case 'boolean': return `coalesce(${e.sql}, ${d.false})`;
    case 'null': return d.false;
    case 'unknown': return undefined;
    default: return `(${e.sql} IS NOT NULL)`;
  }
}

/** `left == "pattern"` as SQL (left is a string): the wildcard rules of the language. */
function patternSql(left: string, pattern: string, params: Parameters, d: SqlDialect): string | undefined {
  const p = classifyPattern(pattern);
  switch (p.kind) {
    case 'exact': return `(${left} = ${params.add(p.text, 'VARCHAR')})`;
    case 'prefix': return d.startsWith(left, params.add(p.text, 'VARCHAR'));
    case 'suffix': return d.endsWith(left, params.add(p.text, 'VARCHAR'));
    case 'contains': return d.contains(left, params.add(p.text, 'VARCHAR'));
    case 'wildcard': return d.wildcard(left, pattern, params);
  }
}

function binary(e: BinaryExpr, t: Translation): SqlExpr | undefined {
  const op = e.op;
  const d = t.dialect;
  const FALSE: SqlExpr = { sql: d.false, kind: 'boolean' };
  if ((op === '==' || op === '!=') && e.right.kind === 'literal' && typeof e.right.value === 'string') {
    const l = translateExpr(e.left, t);
    if (!l) return undefined;
    // `==`/`!=` are false when the left side is null.
    if (l.kind === 'null') return FALSE;
    if (l.kind !== 'string') return undefined;
    const m = patternSql(l.sql, e.right.value, t.params, d);
    if (m === undefined) return undefined;
    return { sql: `coalesce(${op === '==' ? m : `NOT ${m}`}, ${d.false})`, kind: 'boolean' };
  }
  const l = translateExpr(e.left, t);
  const r = translateExpr(e.right, t);
  if (!l || !r) return undefined;
  switch (op) {
    case '+': case '-': case '*': case '/': {
      if (l.kind === 'null' || r.kind === 'null') return NULL;
      if (l.kind !== 'number' || r.kind !== 'number') return undefined;
      const a = d.toDouble(l.sql);
      const b = d.toDouble(r.sql);
      if (op === '/') return { sql: `(CASE WHEN ${b} = 0 THEN NULL ELSE ${a} / ${b} END)`, kind: 'number' };
      return { sql: `(${a} ${op} ${b})`, kind: 'number' };
    }
    case '<': case '<=': case '>': case '>=': {
      if (l.kind === 'null' || r.kind === 'null') return NULL;
      if (l.kind !== r.kind || (l.kind !== 'number' && l.kind !== 'date')) return undefined;
      return { sql: `(${l.sql} ${op} ${r.sql})`, kind: 'boolean' };
    }
    case '==': case '!=': {
      // False when either side is null (semantics.ts equalsOp). Strings compare
      // case-insensitively the Java way there, so only numbers, booleans and dates are pushed.
      if (l.kind === 'null' || r.kind === 'null') return FALSE;
      if (r.kind !== l.kind || !(l.kind === 'number' || l.kind === 'boolean' || l.kind === 'date')) return undefined;
      return { sql: `coalesce(${l.sql} ${op === '==' ? '=' : '<>'} ${r.sql}, ${d.false})`, kind: 'boolean' };
    }
    case 'and': case 'or': {
      // Two-valued (semantics.ts logicalOp): each side's truth is never NULL.
      const a = truthSql(l, d);
      const b = truthSql(r, d);
      if (a === undefined || b === undefined) return undefined;
      return { sql: `(${a} ${op.toUpperCase()} ${b})`, kind: 'boolean' };
    }
  }
}

/** Functions with an exact SQL form, keyed by name; each checks its argument kinds. */
const CALLS: Record<string, (args: SqlExpr[], call: CallExpr, t: Translation) => SqlExpr | undefined> = {
  substr: (raw, _call, t) => {
    const [s0, b0, e0] = raw;
    if (!s0 || !b0 || s0.kind !== 'string' || b0.kind !== 'number' || (e0 && e0.kind !== 'number')) return undefined;
    const d = t.dialect;
    const once = (x: SqlExpr): SqlExpr => (isSimpleSql(x.sql) ? x : { sql: t.hoist(x.sql), kind: x.kind });
    const s = once(s0);
    const b = once(b0);
    const e = e0 && once(e0);
    // 0-based, end exclusive; negatives count from the end; null when begin >= len or begin > end; end clamped.
    const len = d.length(s.sql);
    const int = (x: string): string => d.toBigint(d.trunc(x));
    const begin = `(CASE WHEN ${b.sql} < 0 THEN greatest(${len} + ${int(b.sql)}, 0) ELSE ${int(b.sql)} END)`;
    const end = e
      ? `least((CASE WHEN ${e.sql} < 0 THEN greatest(${len} + ${int(e.sql)}, 0) ELSE ${int(e.sql)} END), ${len})`
      : len;
    return {
      sql: `(CASE WHEN ${begin} >= ${len} OR ${begin} > ${end} THEN NULL ELSE ${d.slice(s.sql, begin, end)} END)`,
      kind: 'string',
    };
  },
  indexof: (args, _call, t) => {
    const [s, n] = args;
    if (args.length !== 2 || !s || !n || s.kind !== 'string' || n.kind !== 'string') return undefined;
    return { sql: `(${t.dialect.strpos(s.sql, n.sql)} - 1)`, kind: 'number' };
  },
  replace: (args, call, t) => {
    const [s, p, r] = args;
    const lit = call.args[1];
    // Literal, non-empty pattern only: `"re"` mode and an empty pattern stay in JS.
    if (args.length !== 3 || !s || !p || !r || s.kind !== 'string' || r.kind !== 'string') return undefined;
    if (lit?.kind !== 'literal' || typeof lit.value !== 'string' || lit.value === '') return undefined;
    const sql = t.dialect.replaceAll(s.sql, p.sql, r.sql);
    return sql === undefined ? undefined : { sql, kind: 'string' };
  },
  isnull: (args) => (args.length === 1 && args[0]!.kind !== 'unknown' ? { sql: `(${args[0]!.sql} IS NULL)`, kind: 'boolean' } : undefined),
  isnotnull: (args) => (args.length === 1 && args[0]!.kind !== 'unknown' ? { sql: `(${args[0]!.sql} IS NOT NULL)`, kind: 'boolean' } : undefined),
};

/**
 * Translates an expression, or returns undefined when it has no exact SQL form.
 *
 * @example
 * translateExpr(parseExpression('line == "*Process Create*"'), { scope, params, hoist, dialect: duckdb })
 * // { sql: 'coalesce(contains("line", CAST($1 AS VARCHAR)), FALSE)', kind: 'boolean' }
 */
export function translateExpr(e: Expr, t: Translation): SqlExpr | undefined {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      if (v === null) return NULL;
      if (typeof v === 'string') return { sql: t.params.add(v, 'VARCHAR'), kind: 'string' };
      if (typeof v === 'number') return { sql: t.params.add(v, Number.isInteger(v) ? 'BIGINT' : 'DOUBLE'), kind: 'number' };
      if (typeof v === 'boolean') return { sql: v ? t.dialect.true : t.dialect.false, kind: 'boolean' };
      return undefined;
    }
    case 'field': {
      const f = t.scope(e.name);
      if (f === 'unpushable') return undefined;
      return f ?? NULL;
    }
    case 'negate': {
      const x = translateExpr(e.operand, t);
      if (!x) return undefined;
      if (x.kind === 'null') return NULL;
      return x.kind === 'number' ? { sql: `(-${t.dialect.toDouble(x.sql)})`, kind: 'number' } : undefined;
    }
    case 'binary':
      return binary(e, t);
    case 'call': {
      const handler = CALLS[e.name];
      if (!handler) return undefined;
      const args: SqlExpr[] = [];
      for (const a of e.args) {
        const x = translateExpr(a, t);
        if (!x) return undefined;
        args.push(x);
      }
      return handler(args, e, t);
    }
  }
}
