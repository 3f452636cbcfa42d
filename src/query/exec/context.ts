/**
 * What a running query needs from the outside world: the stored tables, a clock, and
 * an HTTP client for `wget` that only reaches allowlisted hosts. The query module
 * defines these interfaces; `store/` and `cli/`/`server/` implement them (DESIGN.md:
 * dependencies point downward, so query/ never imports store/).
 */
import type { Row, Value } from '../value.js';
import type { SqlDialect } from '../sql/dialect.js';

/** A stream of row batches: every operator consumes and produces one. */
export type RowStream = AsyncIterable<Row[]>;

/** How `table` asks the store for rows. */
export interface ScanRequest {
  readonly order?: 'asc' | 'desc';
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
  readonly limit?: number;
  readonly offset?: number;
}

/** A column of a stored table, with its store type (e.g. DuckDB `VARCHAR`, `BIGINT`). */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** The tables a query reads: implemented by the store. */
export interface RowSource {
  /** Names of the existing tables. */
  tableNames(): Promise<string[]>;
  /** Columns of one table (for SQL pushdown), or null when there is no such table. */
  columns(table: string): Promise<readonly ColumnInfo[] | null>;
  /** Rows of one table ordered by `_time` then `_id`, each with `_table`, `_id`, `_time`. */
  scan(table: string, request: ScanRequest): RowStream;
  /** Data fields that some rows keep outside their typed column (the store's `_extra`): never pushed down. */
  extraFields?(table: string): Promise<readonly string[]>;
  /**
   * When the table's rows carry the recipe flag (../line-recipe.ts LINE_KV_COLUMN, never
   * among {@link columns}): the columns of the event's data fields, where a flagged row's
   * parsekv keys are. Null or absent: pushdown takes the general path for every row.
   */
  lineKvFields?(table: string): Promise<readonly string[] | null>;
  /** Runs a pushed-down SELECT; values only as parameters, never in the text. */
  runSql?(sql: string, parameters: readonly Value[]): RowStream;
  /** The SQL dialect `runSql` speaks (default DuckDB's: ../sql/duckdb.ts). */
  readonly sqlDialect?: SqlDialect;
}

/** An HTTP response as `wget` sees it. */
export interface WgetResponse {
  readonly status: number;
  readonly body: string;
}

/** Fetches a URL for `wget`; refuses hosts outside the operator's allowlist before connecting. */
export interface WgetClient {
  fetch(url: string, options: { method: 'get' | 'post'; timeoutMs: number }): Promise<WgetResponse>;
}

/** Everything an executing query may use. */
export interface ExecContext {
  readonly source: RowSource;
  /** The query's `now()`: fixed for the whole run so every row sees the same instant. */
  readonly now: Date;
  readonly wget?: WgetClient;
  /** Rows per batch produced by sources and re-batching operators. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/** A runtime failure tied to a command of the query (e.g. a missing table, a refused host). */
export class ExecError extends Error {
  constructor(message: string, readonly span?: { start: number; end: number }) {
    super(message);
    this.name = 'ExecError';
  }
}
