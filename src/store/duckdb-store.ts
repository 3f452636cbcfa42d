/**
 * The embedded store: one DuckDB database file in a data directory (or in memory).
 *
 * Writes go through one writer connection. Each commit is one explicit transaction holding
 * the batch's schema changes, its rows — appended through the DuckDB appender in data
 * chunks, which on this connection join the open transaction (a ROLLBACK discards them;
 * `store.test.ts` checks it) — and the `_imports` counts of the sources the rows came
 * from. So a crash loses at most the uncommitted batch, and a re-import resumes exactly
 * after what was committed. Reads open their own connection per query and see a
 * consistent committed snapshot (DuckDB MVCC).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, listValue, type DuckDBAppender, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { newRow, type Row, type Value } from '../query/value.js';
import type { EventRun } from './event-rows.js';
import { addTotals, ImportAccumulator } from './import-batches.js';
import { checkTableName } from './table-names.js';
import { EventTable, isEventTableSchema, lineKvFields } from './event-table.js';
import { createEventTableSql, EXTRA_COLUMN, FIXED_COLUMNS, IMPORTS_TABLE, quoteIdent } from './schema.js';
import {
  StoreBusyError, type ColumnInfo, type ImportBatch, type ImportOptions, type ImportResult, type ImportState, type ScanOptions, type Store,
  type StoreLocation, type StoreOptions, type TableInfo,
} from './types.js';
import { isJsonType, mergeExtra, valueFromDuckDB, valueToDuckDB, valueToJson } from './values.js';
import { inferColumns } from './infer-columns.js';
import { LINE_KV_COLUMN } from '../query/line-recipe.js';

/** The database file inside a data directory. */
export const DATABASE_FILE = 'haetae.duckdb';
/** WAL size that triggers a checkpoint (see openStore). */
const CHECKPOINT_THRESHOLD = '256MB';

/**
 * DuckDB's memory limit: 40% of the machine's memory, or `HAETAE_DUCKDB_MEMORY` (a DuckDB
 * size such as `8GB`). DuckDB's own default is 80%, which leaves too little for the Node
 * process beside it: a JS-only query over a 10M-event table (sorted by time: DuckDB sorts
 * every row) got the process killed by the OOM killer at 24 GB on a 24 GB machine. Past
 * the limit DuckDB spills sorts and joins to its temporary directory instead.
 */
function memoryLimit(): string {
  const configured = process.env['HAETAE_DUCKDB_MEMORY']?.trim();
  if (configured !== undefined && configured !== '') {
    if (/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(configured)) return configured;
    throw new Error(`HAETAE_DUCKDB_MEMORY=${configured}: not a size (write e.g. 4GB or 512MB)`);
  }
  return `${Math.max(256, Math.floor((totalmem() * 0.4) / 2 ** 20))}MiB`;
}

/** Rows per data chunk: DuckDB's standard vector size. */
const CHUNK_ROWS = 2048;

const DEFAULT_COMMIT_EVERY = 50_000;

/** Name prefix of the bulk load's temporary files in the data directory. */
const STAGING_PREFIX = '.haetae-import-';

/** Rows per write to the staging file: large writes, bounded string sizes. */
const WRITE_ROWS = 4096;

/** Writes the runs' rows, `_id`s assigned from the table's next id, as JSON lines to `file`. */
function writeRowsFile(file: string, table: EventTable, runs: readonly EventRun[]): void {
  const fd = openSync(file, 'w');
  try {
    let id = table.nextId;
    for (const run of runs) {
      const fits = table.fits(run);
      for (let at = 0; at < run.rows.length; at += WRITE_ROWS) {
        let text = '';
        const end = Math.min(run.rows.length, at + WRITE_ROWS);
        for (let i = at; i < end; i++) text += `{"_id":${id++},${fits ? run.rows[i] : table.fixRow(run.rows[i])}\n`;
        writeSync(fd, text);
      }
    }
    table.nextId = id;
  } finally {
    closeSync(fd);
  }
}

/** `INSERT` of a staging file into an event table: every column typed, `_time` from microseconds. */
function bulkInsertSql(table: EventTable, file: string): string {
  const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const columns = table.columns.map((c) => `${lit(c.name)}: ${lit(c.name === '_time' ? 'BIGINT' : c.type)}`).join(', ');
  const select = table.columns.map((c) => (c.name === '_time' ? 'make_timestamp("_time")' : quoteIdent(c.name))).join(', ');
  return `INSERT INTO ${quoteIdent(table.name)} SELECT ${select} FROM read_json(${lit(file)}, columns = {${columns}}, format = 'newline_delimited', records = true, maximum_object_size = 1073741824)`;
}

/**
 * Opens (creating if needed) a store.
 *
 * @example
 * const store = await openStore({ dataDir: './haetae-data' });
 * for (const t of await store.tables()) console.log(t.name, t.events);
 * await store.close();
 * @example
 * const mem = await openStore({ memory: true });
 */
export async function openStore(location: StoreLocation, options: StoreOptions = {}): Promise<Store> {
  let path = ':memory:';
  if ('dataDir' in location) {
    const dir = resolve(location.dataDir);
    try { mkdirSync(dir, { recursive: true }); } catch (e) { throw new Error(`cannot create data directory ${dir}: ${(e as Error).message}`, { cause: e }); }
    path = join(dir, DATABASE_FILE);
  }
  let instance: DuckDBInstance;
  try {
    // Checkpoints every 256 MB of WAL instead of DuckDB's 16 MB: ingest commits often, and
    // each checkpoint rewrites table blocks (bench:serve: 10.1k → 12.3k events/s). Commits
    // stay durable in the WAL; a restart replays at most 256 MB of it.
    instance = await DuckDBInstance.create(path, { autoinstall_known_extensions: 'false', checkpoint_threshold: CHECKPOINT_THRESHOLD, memory_limit: memoryLimit() });
  } catch (e) {
    const message = (e as Error).message;
    if ('dataDir' in location && /lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message);
      throw new StoreBusyError(resolve(location.dataDir), pid ? ` (PID ${pid[1]})` : '', e);
    }
    throw new Error(`cannot open the store ${path}: ${message}`, { cause: e });
  }
  const dataDir = 'dataDir' in location ? resolve(location.dataDir) : null;
  // Staging files of an import that was killed: their rows were never committed.
  if (dataDir !== null) for (const f of readdirSync(dataDir)) if (f.startsWith(STAGING_PREFIX)) rmSync(join(dataDir, f), { force: true });
  const store = new DuckDBStore(instance, path, dataDir, options);
  await store.init();
  return store;
}


class DuckDBStore implements Store {
  private writer: DuckDBConnection | null = null;
  private readonly eventTables = new Map<string, EventTable>();
  private readonly commitEvery: number;
  private closed = false;
  /** Serializes writes: one import, writeRows or dropTable at a time. */
  private writeQueue: Promise<unknown> = Promise.resolve();
  private stagingDir: string | null = null;

  constructor(private readonly instance: DuckDBInstance, readonly path: string, private readonly dataDir: string | null, options: StoreOptions) {
    this.commitEvery = Math.max(1, options.commitEvery ?? DEFAULT_COMMIT_EVERY);
  }

  async init(): Promise<void> {
    this.writer = await this.instance.connect();
    await this.writer.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(IMPORTS_TABLE)} (key VARCHAR, name VARCHAR, events BIGINT, complete BOOLEAN, updated TIMESTAMP)`);
  }

  private conn(): DuckDBConnection {
    if (this.closed || this.writer === null) throw new Error('the store is closed');
    return this.writer;
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(f, f);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  async tables(): Promise<TableInfo[]> {
    const out: TableInfo[] = [];
    const names = await this.query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name`);
    for (const [name] of names) {
      if (typeof name !== 'string' || name.startsWith('_')) continue;
      const columns = (await this.columns(name)) ?? [];
      const hasTime = columns.some((c) => c.name === '_time');
      const [row] = await this.query(`SELECT count(*)${hasTime ? ', min(_time), max(_time)' : ''} FROM ${quoteIdent(name)}`);
      const first = hasTime ? valueFromDuckDB(row[1]) : null;
      const last = hasTime ? valueFromDuckDB(row[2]) : null;
      out.push({ name, events: Number(row[0]), first: first instanceof Date ? first : null, last: last instanceof Date ? last : null, columns });
    }
    return out;
  }

  async tableNames(): Promise<string[]> {
    const names = await this.query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() ORDER BY table_name`);
    return names.map(([n]) => String(n)).filter((n) => !n.startsWith('_'));
  }

  async extraFields(table: string): Promise<string[]> {
    const columns = await this.columns(table);
    if (!columns?.some((c) => c.name === EXTRA_COLUMN)) return [];
    const rows = await this.query(`SELECT DISTINCT unnest(json_keys(${quoteIdent(EXTRA_COLUMN)})) FROM ${quoteIdent(table)} WHERE ${quoteIdent(EXTRA_COLUMN)} IS NOT NULL`);
    return rows.map(([k]) => String(k));
  }

  async columns(table: string): Promise<ColumnInfo[] | null> {
    const all = await this.allColumns(table);
    return all === null ? null : all.filter((c) => c.name !== LINE_KV_COLUMN);
  }

  async lineKvFields(table: string): Promise<string[] | null> {
    return lineKvFields((await this.allColumns(table)) ?? []);
  }

  /** A table's columns in table order, the recipe flag's too (the importer writes it). */
  private async allColumns(table: string): Promise<ColumnInfo[] | null> {
    const rows = await this.query(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database() AND table_name = $1 ORDER BY column_index`,
      [table],
    );
    return rows.length === 0 ? null : rows.map(([n, t]) => ({ name: String(n), type: String(t) }));
  }

  /** Runs a query to completion on a reader connection; raw DuckDB values. */
  private async query(sql: string, params: DuckDBValue[] = []): Promise<DuckDBValue[][]> {
    if (this.closed) throw new Error('the store is closed');
    const c = await this.instance.connect();
    try {
      return (await c.runAndReadAll(sql, params)).getRows();
    } finally {
      c.disconnectSync();
    }
  }

  async *scan(table: string, options: ScanOptions = {}): AsyncGenerator<Row[]> {
    const columns = await this.columns(table);
    if (columns === null) throw new Error(`no table '${table}'`);
    const names = new Set(columns.map((c) => c.name));
    const params: Value[] = [];
    const where: string[] = [];
    if (names.has('_time')) {
      if (options.from) { params.push(options.from); where.push(`_time >= $${params.length}`); }
      if (options.to) { params.push(options.to); where.push(`_time < $${params.length}`); }
    }
    const dir = options.order === 'asc' ? 'ASC' : 'DESC';
    const order = ['_time', '_id'].filter((c) => names.has(c)).map((c) => `${quoteIdent(c)} ${dir}`);
    let sql = `SELECT * FROM ${quoteIdent(table)}`;
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
    if (options.limit !== undefined) { params.push(Math.max(0, Math.floor(options.limit))); sql += ` LIMIT $${params.length}`; }
    if (options.offset !== undefined) { params.push(Math.max(0, Math.floor(options.offset))); sql += ` OFFSET $${params.length}`; }
    yield* this.rows(sql, params, table);
  }

  runSql(sql: string, parameters: readonly Value[] = []): AsyncGenerator<Row[]> {
    return this.rows(sql, parameters, null);
  }

  /**
   * Streams a query's results as Rows. With `table` set (a scan), rows start with `_table`
   * and end with `line`; `_extra` is merged into the row wherever it is selected; null
   * values are omitted.
   */
  private async *rows(sql: string, parameters: readonly Value[], table: string | null): AsyncGenerator<Row[]> {
    if (this.closed) throw new Error('the store is closed');
    const c = await this.instance.connect();
    try {
      const result = await c.stream(sql, parameters.map(valueToDuckDB));
      const names = result.columnNames();
      const types = result.columnTypes();
      const json = types.map((t: DuckDBType) => isJsonType(t));
      const lineAt = table === null ? -1 : names.indexOf('line');
      const order = names.map((_, i) => i).filter((i) => i !== lineAt);
      // The recipe flag is the store's own (like an index), never a row field.
      const hidden = names.map((n) => n === LINE_KV_COLUMN);
      if (lineAt >= 0) order.push(lineAt);
      while (true) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        const cols = chunk.getColumns();
        const out: Row[] = new Array<Row>(chunk.rowCount);
        for (let r = 0; r < chunk.rowCount; r++) {
          const row = newRow();
          if (table !== null) row._table = table;
          for (const i of order) {
            if (hidden[i]) continue;
            const raw = cols[i][r];
            if (raw === null) continue;
            const v = valueFromDuckDB(raw, json[i]);
            if (v === null) continue;
            if (!(names[i] === EXTRA_COLUMN && json[i] && mergeExtra(row, v))) row[names[i]] = v;
          }
          out[r] = row;
        }
        yield out;
      }
    } finally {
      c.disconnectSync();
    }
  }

  async importState(key: string): Promise<ImportState | null> {
    return (await this.importStates([key])).get(key) ?? null;
  }

  async importStates(keys: readonly string[]): Promise<Map<string, ImportState>> {
    const out = new Map<string, ImportState>();
    if (keys.length === 0) return out;
    const rows = await this.query(`SELECT key, events, complete FROM ${quoteIdent(IMPORTS_TABLE)} WHERE list_contains($1, key)`, [listValue([...keys])]);
    for (const [key, events, complete] of rows) out.set(String(key), { events: Number(events), complete: complete === true });
    return out;
  }

  async importEvents(table: string, batches: AsyncIterable<ImportBatch> | Iterable<ImportBatch>, options: ImportOptions = {}): Promise<ImportResult> {
    if (table !== 'auto') checkTableName(table);
    return this.exclusive(() => this.runImport(table, batches, options));
  }

  private async runImport(target: string, batches: AsyncIterable<ImportBatch> | Iterable<ImportBatch>, options: ImportOptions): Promise<ImportResult> {
    const acc = new ImportAccumulator(target, options);
    const totals = new Map<string, number>();
    let committed = 0;
    // One commit runs while the next batch accumulates: DuckDB works on its own threads,
    // and the decode workers keep going instead of waiting for the load.
    let inflight: Promise<void> = Promise.resolve();
    const startCommit = (): void => {
      const c = acc.take();
      if (c === null) return;
      const previous = inflight;
      inflight = (async () => {
        await previous;
        await this.commitBatch(c.byTable, await acc.counts(c, (keys) => this.importStates(keys)));
        addTotals(totals, c);
        committed += c.events;
        options.onCommit?.({ committed, batch: c.events });
      })();
      // Seen when awaited; until then a failure must not count as unhandled.
      inflight.catch(() => undefined);
    };
    try {
      for await (const b of batches) {
        acc.add(b);
        if (acc.pending >= this.commitEvery) { await inflight; startCommit(); }
      }
      await inflight;
      startCommit();
      await inflight;
    } finally {
      await inflight.catch(() => undefined);
    }
    return { events: committed, tables: totals };
  }

  /** The importer's view of an event table, read from the database on first use. */
  private async eventTable(name: string): Promise<EventTable> {
    let t = this.eventTables.get(name);
    if (t !== undefined) return t;
    const columns = await this.allColumns(name);
    if (columns === null) {
      t = new EventTable(name, FIXED_COLUMNS, 1, false);
    } else {
      if (!isEventTableSchema(columns)) throw new Error(`table '${name}' exists but is not an event table (it was written by writeRows?); import into another table`);
      const [[max]] = await this.query(`SELECT max(_id) FROM ${quoteIdent(name)}`);
      t = new EventTable(name, columns, max === null ? 1 : Number(max) + 1, true);
    }
    this.eventTables.set(name, t);
    return t;
  }

  /**
   * One transaction: schema changes, the rows of every table, and the sources' counts.
   * Rows are bulk loaded: written as JSON lines to a temporary file in the data directory
   * and read by `INSERT … SELECT … FROM read_json(…)` inside the transaction (the appender
   * cannot keep up: bench/RESULTS.md "# Import").
   */
  private async commitBatch(byTable: ReadonlyMap<string, EventRun[]>, sources: readonly { key: string; name: string; events: number; complete: boolean }[]): Promise<void> {
    const c = this.conn();
    const plans: { table: EventTable; runs: EventRun[]; create: boolean; added: { name: string; type: string }[] }[] = [];
    for (const [name, runs] of byTable) {
      const table = await this.eventTable(name);
      const create = !table.exists;
      const added = table.newColumns(runs);
      plans.push({ table, runs, create, added });
    }
    const ids = new Map(plans.map((p) => [p.table, p.table.nextId]));
    const file = this.stagingFile();
    await c.run('BEGIN TRANSACTION');
    try {
      for (const p of plans) {
        if (p.create) {
          await c.run(createEventTableSql(p.table.name, p.table.columns.slice(FIXED_COLUMNS.length)));
        } else {
          for (const a of p.added) await c.run(`ALTER TABLE ${quoteIdent(p.table.name)} ADD COLUMN ${quoteIdent(a.name)} ${a.type}`);
        }
        writeRowsFile(file, p.table, p.runs);
        await c.run(bulkInsertSql(p.table, file));
      }
      if (sources.length > 0) {
        // Two statements for all sources (one per source costs milliseconds each on a folder of small files).
        const keys = listValue(sources.map((s) => s.key));
        await c.run(`DELETE FROM ${quoteIdent(IMPORTS_TABLE)} WHERE list_contains($1, key)`, [keys]);
        await c.run(
          `INSERT INTO ${quoteIdent(IMPORTS_TABLE)} SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::BIGINT[]), unnest($4::BOOLEAN[]), now()::TIMESTAMP`,
          [keys, listValue(sources.map((s) => s.name)), listValue(sources.map((s) => BigInt(s.events))), listValue(sources.map((s) => s.complete))],
        );
      }
      await c.run('COMMIT');
      for (const p of plans) p.table.exists = true;
    } catch (e) {
      await c.run('ROLLBACK').catch(() => undefined);
      // The schema and ids this batch assumed are void: reread them next time.
      for (const p of plans) { this.eventTables.delete(p.table.name); p.table.nextId = ids.get(p.table)!; }
      throw e;
    } finally {
      rmSync(file, { force: true });
    }
  }

  /**
   * The bulk load's temporary file: inside the data directory (a memory store uses a
   * private temporary directory), one per process, removed after every commit.
   */
  private stagingFile(): string {
    if (this.stagingDir === null) this.stagingDir = this.dataDir ?? mkdtempSync(join(tmpdir(), 'haetae-store-'));
    return join(this.stagingDir, `${STAGING_PREFIX}${process.pid}.ndjson`);
  }

  async writeRows(table: string, rows: readonly Row[]): Promise<void> {
    checkTableName(table);
    // Every table has an `_id` (spec: `table` adds `_table`, `_time`, `_id`). Rows come newest
    // first, as `table` returns them, so the first row gets the highest id.
    if (rows.length > 0 && !rows.some((r) => '_id' in r)) {
      rows = rows.map((r, i) => Object.assign(newRow(), { _id: rows.length - i }, r));
    }
    return this.exclusive(async () => {
      const c = this.conn();
      const columns = inferColumns(rows);
      this.eventTables.delete(table);
      await inTransaction(c, async () => {
        const defs = columns.length === 0 ? `${quoteIdent('_empty')} VARCHAR` : columns.map((col) => `${quoteIdent(col.name)} ${col.type}`).join(', ');
        await c.run(`CREATE OR REPLACE TABLE ${quoteIdent(table)} (${defs})`);
        if (columns.length > 0) await appendAll(c, table, columns, rows);
      });
    });
  }

  async appendRows(table: string, columns: readonly ColumnInfo[], rows: readonly Row[]): Promise<void> {
    checkTableName(table);
    if (columns.length === 0) throw new Error(`appendRows(${table}): no columns given`);
    return this.exclusive(async () => {
      const c = this.conn();
      const existing = await this.allColumns(table);
      const have = new Set((existing ?? []).map((col) => col.name.toLowerCase()));
      const added = existing === null ? [] : columns.filter((col) => !have.has(col.name.toLowerCase()));
      // The appender fills every column of the table, in table order.
      const tableColumns = existing === null ? columns : [...existing, ...added];
      await inTransaction(c, async () => {
        if (existing === null) await c.run(`CREATE TABLE ${quoteIdent(table)} (${columns.map((col) => `${quoteIdent(col.name)} ${col.type}`).join(', ')})`);
        for (const col of added) await c.run(`ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
        await appendAll(c, table, tableColumns, rows);
      });
    });
  }

  async updateRows(table: string, keyColumn: string, updates: readonly { readonly key: Value; readonly values: Row }[]): Promise<void> {
    checkTableName(table);
    if (updates.length === 0) return;
    return this.exclusive(async () => {
      const c = this.conn();
      const types = new Map(((await this.columns(table)) ?? []).map((col) => [col.name, col]));
      await inTransaction(c, async () => {
        for (const u of updates) {
          const names = Object.keys(u.values);
          if (names.length === 0) continue;
          const unknown = names.find((n) => !types.has(n));
          if (unknown !== undefined) throw new Error(`updateRows(${table}): no column '${unknown}'`);
          const sets = names.map((n, i) => `${quoteIdent(n)} = $${i + 1}`).join(', ');
          const params = names.map((n) => columnValue(types.get(n)!, u.values[n] ?? null));
          await c.run(`UPDATE ${quoteIdent(table)} SET ${sets} WHERE ${quoteIdent(keyColumn)} = $${names.length + 1}`, [...params, valueToDuckDB(u.key)]);
        }
      });
    });
  }

  async dropTable(table: string): Promise<void> {
    checkTableName(table);
    return this.exclusive(async () => {
      this.eventTables.delete(table);
      await this.conn().run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeQueue;
    this.closed = true;
    this.writer?.disconnectSync();
    this.writer = null;
    this.instance.closeSync();
    if (this.stagingDir !== null && this.stagingDir !== this.dataDir) rmSync(this.stagingDir, { recursive: true, force: true });
  }
}

/** Runs `f` in one transaction on `c`: committed if it succeeds, rolled back if it throws. */
async function inTransaction(c: DuckDBConnection, f: () => Promise<void>): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await f();
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Appends rows through the appender, in data chunks; `columns` are all of the table's, in table order. */
async function appendAll(c: DuckDBConnection, table: string, columns: readonly { readonly name: string; readonly type: string }[], rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await c.createAppender(table);
  try {
    for (let at = 0; at < rows.length; at += CHUNK_ROWS) {
      const slice = rows.slice(at, at + CHUNK_ROWS);
      appendColumns(appender, columns.map((col) => slice.map((r) => columnValue(col, r[col.name] ?? null))), columns.map((col) => col.name));
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** One data chunk per call: the columns' values, typed by the appender's columns. */
function appendColumns(appender: DuckDBAppender, columns: DuckDBValue[][], names: readonly string[]): void {
  const n = columns[0]?.length ?? 0;
  if (n === 0) return;
  const types: DuckDBType[] = [];
  for (let i = 0; i < appender.columnCount; i++) types.push(appender.columnType(i));
  const chunk = DuckDBDataChunk.create(types, n);
  for (let i = 0; i < columns.length; i++) {
    try {
      chunk.setColumnValues(i, columns[i]);
    } catch (e) {
      throw new Error(`column '${names[i] ?? i + 1}' (${types[i].toString()}): ${(e as Error).message}`, { cause: e });
    }
  }
  appender.appendDataChunk(chunk);
}

/**
 * Column types whose DuckDB values are JS numbers, not BigInts: `valueToDuckDB` makes a
 * safe integer a BigInt (right for BIGINT, the type inferred for whole numbers), which
 * the appender refuses for a 32-bit or floating column ("number is not an integer").
 */
const NUMBER_COLUMN_TYPES = new Set(['INTEGER', 'INT', 'INT4', 'SIGNED', 'SMALLINT', 'INT2', 'SHORT', 'TINYINT', 'INT1', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'DOUBLE', 'FLOAT8', 'FLOAT', 'FLOAT4', 'REAL']);

/** A Value as the DuckDB value of a generic table's column (types as infer-columns.ts names them). */
function columnValue(col: { readonly type: string }, v: Value): DuckDBValue {
  if (v === null) return null;
  const type = col.type.toUpperCase();
  if (type === 'JSON') return JSON.stringify(valueToJson(v));
  if (typeof v === 'number' && NUMBER_COLUMN_TYPES.has(type)) return v;
  return valueToDuckDB(v);
}
