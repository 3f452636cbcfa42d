/**
 * Expressions → DuckDB SQL, only where the SQL gives exactly the value the JS
 * evaluator would (../exec/expr.ts, ../semantics.ts, ../functions.ts). Anything else
 * returns undefined and the planner leaves the command to the JS pipeline.
 *
 * Known, documented difference: DuckDB counts string positions in code points, JS in
 * UTF-16 units, so `substr`/`indexof`/`len` can differ on characters outside the BMP.
 */
import type { Expr, CallExpr, BinaryExpr } from '../ast.js';
import { classifyPattern } from '../semantics.js';
import { Parameters, type ValueKind } from './dialect.js';

/** A translated expression and the kind of value it yields. */
export interface SqlExpr {
  readonly sql: string;
  readonly kind: ValueKind;
}

/** Looks a field up in the relation being built: its SQL and kind, or undefined when the row cannot have it. */
export type FieldScope = (name: string) => SqlExpr | undefined | 'unpushable';

const NULL: SqlExpr = { sql: 'NULL', kind: 'null' };

/** SQL for the truth of a value as `search`, `and` and `or` read it (semantics.ts isTruthy): null is false, any non-boolean non-null is true. */
export function truthSql(e: SqlExpr): string | undefined {
  switch (e.kind) {
    case 'boolean': return `coalesce(${e.sql}, FALSE)`;
    case 'null': return 'FALSE';
    case 'unknown': return undefined;
    default: return `(${e.sql} IS NOT NULL)`;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** `left == "pattern"` as SQL (left is a string): the wildcard rules of the language. */
function patternSql(left: string, pattern: string, params: Parameters): string {
  const p = classifyPattern(pattern);
  switch (p.kind) {
    case 'exact': return `(${left} = ${params.add(p.text, 'VARCHAR')})`;
    case 'prefix': return `starts_with(${left}, ${params.add(p.text, 'VARCHAR')})`;
    case 'suffix': return `ends_with(${left}, ${params.add(p.text, 'VARCHAR')})`;
    case 'contains': return `contains(${left}, ${params.add(p.text, 'VARCHAR')})`;
    case 'wildcard': {
      const like = pattern.split('*').map(escapeLike).join('%');
      return `(${left} ILIKE ${params.add(like, 'VARCHAR')} ESCAPE '\\')`;
    }
  }
}

function binary(e: BinaryExpr, scope: FieldScope, params: Parameters): SqlExpr | undefined {
  const op = e.op;
  if ((op === '==' || op === '!=') && e.right.kind === 'literal' && typeof e.right.value === 'string') {
    const l = translateExpr(e.left, scope, params);
    if (!l) return undefined;
    // `==`/`!=` are false when the left side is null.
    if (l.kind === 'null') return { sql: 'FALSE', kind: 'boolean' };
    if (l.kind !== 'string') return undefined;
    const m = patternSql(l.sql, e.right.value, params);
    return { sql: `coalesce(${op === '==' ? m : `NOT ${m}`}, FALSE)`, kind: 'boolean' };
  }
  const l = translateExpr(e.left, scope, params);
  const r = translateExpr(e.right, scope, params);
  if (!l || !r) return undefined;
  switch (op) {
    case '+': case '-': case '*': case '/': {
      if (l.kind === 'null' || r.kind === 'null') return NULL;
      if (l.kind !== 'number' || r.kind !== 'number') return undefined;
      const a = `CAST(${l.sql} AS DOUBLE)`;
      const b = `CAST(${r.sql} AS DOUBLE)`;
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
      if (l.kind === 'null' || r.kind === 'null') return { sql: 'FALSE', kind: 'boolean' };
      if (r.kind !== l.kind || !(l.kind === 'number' || l.kind === 'boolean' || l.kind === 'date')) return undefined;
      return { sql: `coalesce(${l.sql} ${op === '==' ? '=' : '<>'} ${r.sql}, FALSE)`, kind: 'boolean' };
    }
    case 'and': case 'or': {
      // Two-valued (semantics.ts logicalOp): each side's truth is never NULL.
      const a = truthSql(l);
      const b = truthSql(r);
      if (a === undefined || b === undefined) return undefined;
      return { sql: `(${a} ${op.toUpperCase()} ${b})`, kind: 'boolean' };
    }
  }
}

/** Functions with an exact SQL form, keyed by name; each checks its argument kinds. */
const CALLS: Record<string, (args: SqlExpr[], call: CallExpr, params: Parameters) => SqlExpr | undefined> = {
  substr: (args) => {
    const [s, b, e] = args;
    if (!s || !b || s.kind !== 'string' || b.kind !== 'number' || (e && e.kind !== 'number')) return undefined;
    // 0-based, end exclusive; negatives count from the end; null when begin >= len or begin > end; end clamped.
    const len = `length(${s.sql})`;
    const int = (x: string): string => `CAST(trunc(${x}) AS BIGINT)`;
    const begin = `(CASE WHEN ${b.sql} < 0 THEN greatest(${len} + ${int(b.sql)}, 0) ELSE ${int(b.sql)} END)`;
    const end = e
      ? `least((CASE WHEN ${e.sql} < 0 THEN greatest(${len} + ${int(e.sql)}, 0) ELSE ${int(e.sql)} END), ${len})`
      : len;
    return {
      sql: `(CASE WHEN ${begin} >= ${len} OR ${begin} > ${end} THEN NULL ELSE substring(${s.sql}, ${begin} + 1, ${end} - ${begin}) END)`,
      kind: 'string',
    };
  },
  indexof: (args) => {
    const [s, n] = args;
    if (args.length !== 2 || !s || !n || s.kind !== 'string' || n.kind !== 'string') return undefined;
    return { sql: `(strpos(${s.sql}, ${n.sql}) - 1)`, kind: 'number' };
  },
  replace: (args, call) => {
    const [s, p, r] = args;
    const lit = call.args[1];
    // Literal, non-empty pattern only: `"re"` mode and an empty pattern stay in JS.
    if (args.length !== 3 || !s || !p || !r || s.kind !== 'string' || r.kind !== 'string') return undefined;
    if (lit?.kind !== 'literal' || typeof lit.value !== 'string' || lit.value === '') return undefined;
    return { sql: `replace(${s.sql}, ${p.sql}, ${r.sql})`, kind: 'string' };
  },
  isnull: (args) => (args.length === 1 && args[0]!.kind !== 'unknown' ? { sql: `(${args[0]!.sql} IS NULL)`, kind: 'boolean' } : undefined),
  isnotnull: (args) => (args.length === 1 && args[0]!.kind !== 'unknown' ? { sql: `(${args[0]!.sql} IS NOT NULL)`, kind: 'boolean' } : undefined),
};

/**
 * Translates an expression, or returns undefined when it has no exact SQL form.
 *
 * @example
 * translateExpr(parseExpression('line == "*Process Create*"'), scope, params)
 * // { sql: 'coalesce(contains("line", CAST($1 AS VARCHAR)), FALSE)', kind: 'boolean' }
 */
export function translateExpr(e: Expr, scope: FieldScope, params: Parameters): SqlExpr | undefined {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      if (v === null) return NULL;
      if (typeof v === 'string') return { sql: params.add(v, 'VARCHAR'), kind: 'string' };
      if (typeof v === 'number') return { sql: params.add(v, Number.isInteger(v) ? 'BIGINT' : 'DOUBLE'), kind: 'number' };
      if (typeof v === 'boolean') return { sql: v ? 'TRUE' : 'FALSE', kind: 'boolean' };
      return undefined;
    }
    case 'field': {
      const f = scope(e.name);
      if (f === 'unpushable') return undefined;
      return f ?? NULL;
    }
    case 'negate': {
      const x = translateExpr(e.operand, scope, params);
      if (!x) return undefined;
      if (x.kind === 'null') return NULL;
      return x.kind === 'number' ? { sql: `(-CAST(${x.sql} AS DOUBLE))`, kind: 'number' } : undefined;
    }
    case 'binary':
      return binary(e, scope, params);
    case 'call': {
      const handler = CALLS[e.name];
      if (!handler) return undefined;
      const args: SqlExpr[] = [];
      for (const a of e.args) {
        const t = translateExpr(a, scope, params);
        if (!t) return undefined;
        args.push(t);
      }
      return handler(args, e, params);
    }
  }
}
