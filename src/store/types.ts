import type { RowSource } from '../query/exec/context.js';

/**
 * The store's public contract: what every backend (DuckDB today, ClickHouse later) offers
 * the query engine, the import command and tests.
 */
import type { Event } from '../event/index.js';
import type { EventRun } from './event-rows.js';
import type { Row, Value } from '../query/value.js';

/** Where a store lives: a data directory holding one database file, or memory only. */
export type StoreLocation = { readonly dataDir: string } | { readonly memory: true };

/** Options of `openStore`. */
export interface StoreOptions {
  /** Events per transaction when importing (default 50,000). Progress is reported per commit. */
  readonly commitEvery?: number;
}

/** A column: its name and database type (`BIGINT`, `VARCHAR`, `VARCHAR[]`, `TIMESTAMP`, `JSON` …). */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** A table with its size and time range. */
export interface TableInfo {
  readonly name: string;
  /** Rows in the table. */
  readonly events: number;
  /** Oldest and newest `_time` (null for an empty table or one without `_time`). */
  readonly first: Date | null;
  readonly last: Date | null;
  readonly columns: readonly ColumnInfo[];
}

/** Options of `scan`. */
export interface ScanOptions {
  /** `desc` (newest first) is the `table` command's default. */
  readonly order?: 'asc' | 'desc';
  /** Inclusive lower bound on `_time`. */
  readonly from?: Date;
  /** Exclusive upper bound on `_time`. */
  readonly to?: Date;
  readonly limit?: number;
  readonly offset?: number;
}

/** A file (or other source) being imported, known by its content hash. */
export interface ImportSource {
  /** The content hash (hex SHA-256): the same bytes at another path are the same import. */
  readonly key: string;
  /** Where it was read from, for people. */
  readonly name: string;
}

/** What the store remembers of a source. */
export interface ImportState {
  /** Events of the source committed so far (a resumed import skips this many). */
  readonly events: number;
  /** True once every event of the source was committed. */
  readonly complete: boolean;
}

/** Events to import, optionally attributed to a source. */
export interface ImportBatch {
  readonly events: readonly Event[];
  /**
   * More events, already encoded as rows (`encodeEventRuns`; EVTX decode workers produce
   * these so that no Event object crosses a thread). They follow `events`.
   */
  readonly runs?: readonly EventRun[];
  /** The source these events come from; its committed count advances with them. */
  readonly source?: ImportSource;
  /** True on the source's last batch: the source is then recorded as complete. */
  readonly sourceDone?: boolean;
}

/** Reported after every commit. */
export interface CommitProgress {
  /** Events committed by this import so far. */
  readonly committed: number;
  /** Events committed in this commit. */
  readonly batch: number;
}

/** Options of `importEvents`. */
export interface ImportOptions {
  /** Channel → table mapping when the target is `auto` (default: sysmon, security, channel slugs). */
  readonly tableFor?: (channel: string) => string;
  /** Called after each commit (only committed events are ever reported). */
  readonly onCommit?: (p: CommitProgress) => void;
}

/** What an import added. */
export interface ImportResult {
  /** Events committed. */
  readonly events: number;
  /** Events committed per table. */
  readonly tables: ReadonlyMap<string, number>;
}

/**
 * A store of event tables and generic tables. Every method is safe to call while an
 * import runs: reads use their own connection and see only committed data.
 */
export interface Store extends RowSource {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /** Names of the user tables (cheap: no counting). */
  tableNames(): Promise<string[]>;
  /** Data fields that some rows of `table` keep in `_extra` rather than in their typed column. */
  extraFields(table: string): Promise<string[]>;
  /** Every user table (not the store's own `_…` tables), by name. */
  tables(): Promise<TableInfo[]>;
  /** A table's columns in table order, or null when there is no such table. */
  columns(table: string): Promise<ColumnInfo[] | null>;
  /** Rows of one table ordered by `_time` then `_id`, in batches. */
  scan(table: string, options?: ScanOptions): AsyncIterable<Row[]>;
  /** Runs one SELECT with bound parameters; rows in batches. */
  runSql(sql: string, parameters?: readonly Value[]): AsyncIterable<Row[]>;
  /** Imports events into `table`, or per channel when `auto`. */
  importEvents(table: string, batches: AsyncIterable<ImportBatch> | Iterable<ImportBatch>, options?: ImportOptions): Promise<ImportResult>;
  /** What is recorded of a source, or null when it was never (partly) imported. */
  importState(key: string): Promise<ImportState | null>;
  /** {@link importState} of many sources in one query; sources never imported are absent. */
  importStates(keys: readonly string[]): Promise<Map<string, ImportState>>;
  /** Creates or replaces a generic table holding `rows`, with inferred column types. */
  writeRows(table: string, rows: readonly Row[]): Promise<void>;
  /**
   * Appends rows to a generic table in one transaction: the table is created with
   * `columns` when missing, and columns it lacks are added (an append-only log such as
   * the server's `alerts`). A row's fields outside `columns` are not stored.
   */
  appendRows(table: string, columns: readonly ColumnInfo[], rows: readonly Row[]): Promise<void>;
  /**
   * Sets fields of existing rows of a generic table, in one transaction: for each update,
   * the rows whose `keyColumn` equals `key` get `values` (e.g. an alert's merged count).
   */
  updateRows(table: string, keyColumn: string, updates: readonly { readonly key: Value; readonly values: Row }[]): Promise<void>;
  /** Drops a table if it exists. */
  dropTable(table: string): Promise<void>;
  /** Closes the database; the store cannot be used afterwards. */
  close(): Promise<void>;
}

/**
 * Opening a data directory another process is writing to: DuckDB allows one writing
 * process per database file. The message names the directory and what to do.
 */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  constructor(readonly dataDir: string, detail: string, cause?: unknown) {
    super(`data directory ${dataDir} is in use by another process${detail}; wait for it to finish (or stop it), or use another --data directory`, { cause });
  }
}
