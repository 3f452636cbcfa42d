/**
 * The query AST: readonly, `kind`-tagged unions (STYLE.md, after Kysely's operation
 * nodes). Handlers dispatch with `Record<Kind, Handler>` so that adding a node kind
 * fails to compile until every stage handles it.
 *
 * Grammar and semantics: specs/query-language.md.
 */
import type { Span } from './diagnostics.js';
import type { Value } from './value.js';

// ---------------------------------------------------------------- expressions

/** `*` `/` `+` `-` comparisons and the two logical operators; `not` is a function. */
export type BinaryOperator = '*' | '/' | '+' | '-' | '>' | '>=' | '<' | '<=' | '==' | '!=' | 'and' | 'or';

export interface LiteralExpr { readonly kind: 'literal'; readonly value: Value; readonly span: Span }
/** A bare word: a field of the row. */
export interface FieldExpr { readonly kind: 'field'; readonly name: string; readonly span: Span }
export interface NegateExpr { readonly kind: 'negate'; readonly operand: Expr; readonly span: Span }
export interface BinaryExpr {
  readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly span: Span;
}
/** `name(args…)`; `name` is lower-cased (function names are case-insensitive). */
export interface CallExpr { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly span: Span }

export type Expr = LiteralExpr | FieldExpr | NegateExpr | BinaryExpr | CallExpr;
export type ExprKind = Expr['kind'];

// ---------------------------------------------------------------- commands

/** A time unit of `duration=` and `span=`: s, m, h, d, w, mon. */
export type TimeUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'mon';
export interface TimeSpan { readonly amount: number; readonly unit: TimeUnit }

export interface TableRef {
  /** Name, possibly with `*` wildcards. */
  readonly name: string;
  /** Written with a trailing `?`: a missing table is no error. */
  readonly optional: boolean;
  readonly span: Span;
}

export interface TableCommand {
  readonly kind: 'table';
  readonly tables: readonly TableRef[];
  readonly duration?: TimeSpan;
  /** Inclusive lower bound (from=yyyyMMddHHmmss, zero-filled). */
  readonly from?: Date;
  /** Exclusive upper bound. */
  readonly to?: Date;
  readonly limit?: number;
  readonly offset?: number;
  /** Newest first by default. */
  readonly order: 'asc' | 'desc';
  readonly span: Span;
}

export interface SearchCommand { readonly kind: 'search'; readonly limit?: number; readonly expr: Expr; readonly span: Span }

export interface Assignment { readonly field: string; readonly expr: Expr; readonly span: Span }
export interface EvalCommand { readonly kind: 'eval'; readonly assignments: readonly Assignment[]; readonly span: Span }

export interface ParsekvCommand {
  readonly kind: 'parsekv';
  readonly field: string;
  readonly overlay: boolean;
  readonly pairdelim: string;
  readonly kvdelim: string;
  readonly span: Span;
}

/** Aggregate function names of `stats` and `timechart`. */
export type AggregateName =
  | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last' | 'dc' | 'values' | 'array'
  | 'median' | 'percentile' | 'stddev' | 'var';

export interface Aggregate {
  readonly fn: AggregateName;
  readonly args: readonly Expr[];
  /** Output field: the `as` name, else the call's text as written (`count`, `sum(bytes)`). */
  readonly name: string;
  readonly span: Span;
}

export interface StatsCommand {
  readonly kind: 'stats'; readonly aggregates: readonly Aggregate[]; readonly by: readonly string[]; readonly span: Span;
}

export interface SortKey { readonly field: string; readonly descending: boolean }
export interface SortCommand { readonly kind: 'sort'; readonly limit?: number; readonly keys: readonly SortKey[]; readonly span: Span }

/** `fields a, b` (keep, in order) or `fields - a, b` (remove). */
export interface FieldsCommand { readonly kind: 'fields'; readonly exclude: boolean; readonly names: readonly string[]; readonly span: Span }

export interface RenamePair { readonly from: string; readonly to: string }
export interface RenameCommand { readonly kind: 'rename'; readonly pairs: readonly RenamePair[]; readonly span: Span }

export type JoinType = 'inner' | 'left' | 'leftonly' | 'right' | 'rightonly' | 'full' | 'cross';
export interface JoinCommand {
  readonly kind: 'join'; readonly type: JoinType; readonly keys: readonly string[]; readonly subquery: Query; readonly span: Span;
}

export interface WgetCommand {
  readonly kind: 'wget';
  /** Absent: each input row's `url` field. */
  readonly url?: string;
  readonly method: 'get' | 'post';
  readonly format?: string;
  /** Seconds. */
  readonly timeout: number;
  readonly span: Span;
}

export interface ExplodeCommand { readonly kind: 'explode'; readonly field: string; readonly span: Span }
export interface LimitCommand { readonly kind: 'limit'; readonly offset: number; readonly count: number; readonly span: Span }
/** `rex field=F "(?<name>…)"`: named groups of the first match become fields. */
export interface RexCommand { readonly kind: 'rex'; readonly field: string; readonly pattern: string; readonly span: Span }
export interface ParsejsonCommand { readonly kind: 'parsejson'; readonly field: string; readonly overlay: boolean; readonly span: Span }

export interface LookupOutput { readonly field: string; readonly as: string }
/** `lookup T F [as K] output O1 [as A1], …`: F of the row matched against column K (default F) of table T. */
export interface LookupCommand {
  readonly kind: 'lookup';
  readonly table: string;
  readonly inputField: string;
  readonly keyField: string;
  readonly outputs: readonly LookupOutput[];
  readonly span: Span;
}

export interface TimechartCommand {
  readonly kind: 'timechart'; readonly bucket: TimeSpan; readonly aggregates: readonly Aggregate[]; readonly by?: string; readonly span: Span;
}

/** Haetae extension (not Logpresso's): keep the first row of each distinct key. */
export interface DedupCommand { readonly kind: 'dedup'; readonly fields: readonly string[]; readonly span: Span }

export type Command =
  | TableCommand | SearchCommand | EvalCommand | ParsekvCommand | StatsCommand | SortCommand | FieldsCommand
  | RenameCommand | JoinCommand | WgetCommand | ExplodeCommand | LimitCommand | RexCommand | ParsejsonCommand
  | LookupCommand | TimechartCommand | DedupCommand;
export type CommandKind = Command['kind'];

/** A whole query (or a join's subquery): commands joined by `|`. */
export interface Query {
  readonly commands: readonly Command[];
  readonly span: Span;
}
