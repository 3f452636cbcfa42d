/**
 * The query language (specs/query-language.md): text → tokens → AST → plan (SQL pushdown
 * + JS operators) → rows. Public face of the module.
 */
export { tokenize } from './lexer.js';
export { parseQuery, parseQueryResult, parseExpression, printExpr, printQuery } from './parser.js';
export { QueryError, formatDiagnostic, lineColumn, type Diagnostic, type Span } from './diagnostics.js';
export type { Query, Command, Expr } from './ast.js';
export { IpAddress, newRow, copyRow, isValueMap, type Row, type Value, type ValueMap } from './value.js';
export { compareValues, formatValue, valueToJson, valueFromJson } from './semantics.js';
export { FUNCTIONS } from './functions.js';
export {
  ExecError, type ExecContext, type RowSource, type RowStream, type ScanRequest, type ColumnInfo, type WgetClient,
} from './exec/context.js';
export { runQuery, runCommands } from './exec/run.js';
export { planQuery, executePlan, executeQuery, explainPlan, type QueryPlan, type PlanOptions } from './plan.js';
export { AllowlistWgetClient, hostAllowed } from './wget-client.js';
