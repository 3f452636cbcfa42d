/**
 * Expressions → JS closures, compiled once per query (not interpreted per row).
 * Semantics: specs/query-language.md "Lexing and expressions"; the operators themselves
 * live in ../semantics.ts and the functions in ../functions.ts.
 */
import type { Expr, BinaryExpr } from '../ast.js';
import type { Row, Value } from '../value.js';
import { arith, negate, compareOp, compileEquality, equalsOp, isTruthy } from '../semantics.js';
import { FUNCTIONS, FunctionError } from '../functions.js';
import { ExecError } from './context.js';

/** A compiled expression: evaluates against one row. */
export type Evaluator = (row: Row) => Value;

/** What expressions may read besides the row. */
export interface ExprContext {
  readonly now: Date;
}

/**
 * Compiles an expression.
 *
 * @example
 * const f = compileExpr(parseExpression('substr(line, 0, 3)'), { now: new Date() });
 * f(row) // 'Pro'
 */
export function compileExpr(expr: Expr, ctx: ExprContext): Evaluator {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      return () => v;
    }
    case 'field': {
      const name = expr.name;
      return (row) => row[name] ?? null;
    }
    case 'negate': {
      const operand = compileExpr(expr.operand, ctx);
      return (row) => negate(operand(row));
    }
    case 'binary':
      return compileBinary(expr, ctx);
    case 'call': {
      const def = FUNCTIONS[expr.name];
      if (!def) throw new ExecError(`unknown function '${expr.name}'`, expr.span);
      const args = expr.args.map((a) => compileExpr(a, ctx));
      const fnCtx = { row: null as unknown as Row, now: ctx.now };
      // field("x") and friends read the row through the context; one object per query.
      const span = expr.span;
      return (row) => {
        const values = new Array<Value>(args.length);
        for (let i = 0; i < args.length; i++) values[i] = args[i]!(row);
        fnCtx.row = row;
        try {
          return def.call(values, fnCtx);
        } catch (e) {
          // A mistake written in the query (bad regex, unknown unit…): point at the call.
          if (e instanceof FunctionError) throw new ExecError(e.message, span);
          throw e;
        }
      };
    }
  }
}

function compileBinary(expr: BinaryExpr, ctx: ExprContext): Evaluator {
  const left = compileExpr(expr.left, ctx);
  const op = expr.op;
  // `==`/`!=` with a string literal on the right are pattern matches, compiled once.
  if ((op === '==' || op === '!=') && expr.right.kind === 'literal' && typeof expr.right.value === 'string') {
    const matches = compileEquality(expr.right.value);
    const wanted = op === '==';
    return (row) => {
      const l = left(row);
      // Spec: `==` and `!=` are false when the left side is null.
      if (l === null) return false;
      return matches(l) === wanted;
    };
  }
  const right = compileExpr(expr.right, ctx);
  switch (op) {
    case '+': case '-': case '*': case '/':
      return (row) => arith(op, left(row), right(row));
    case '<': case '<=': case '>': case '>=':
      return (row) => compareOp(op, left(row), right(row));
    case '==': case '!=':
      return (row) => equalsOp(op, left(row), right(row));
    // Two-valued and/or (semantics.ts logicalOp), short-circuiting.
    case 'and':
      return (row) => isTruthy(left(row)) && isTruthy(right(row));
    case 'or':
      return (row) => isTruthy(left(row)) || isTruthy(right(row));
  }
}
