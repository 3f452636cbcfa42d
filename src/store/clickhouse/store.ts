/**
 * The ClickHouse store: the same `Store` contract as the embedded DuckDB store, on a
 * cluster of ClickHouse shards (18.16, Debian's, up to current releases: only SQL both run).
 *
 * Writes: each import batch is encoded as rows (event-rows.ts, the same encoding the DuckDB
 * bulk loader uses), given `_id`s from this writer's range (ids.ts), split by table and by
 * the shard of each event's host, written durably to the spool, acknowledged, and sent
 * (spool.ts: idempotent per part). Reads: any shard answers through the `Distributed`
 * tables; values come back with the logical types recorded in column comments (values.ts).
 *
 * What differs from DuckDB (README "ClickHouse store"): no transactions across shards —
 * a reader may see one shard's part of a batch before another's; `updateRows` is a
 * ClickHouse mutation per shard (waited for), not one transaction.
 */
import { join, resolve } from 'node:path';
import { newRow, type Row, type Value } from '../../query/value.js';
import { clickhouse } from '../../query/sql/clickhouse.js';
import type { SqlDialect } from '../../query/sql/dialect.js';
import type { EventRun } from '../event-rows.js';
import { addTotals, ImportAccumulator } from '../import-batches.js';
import { EventTable, isEventTableSchema, lineKvFields } from '../event-table.js';
import { inferColumns } from '../infer-columns.js';
import { EXTRA_COLUMN, FIXED_COLUMNS } from '../schema.js';
import { LINE_KV_COLUMN } from '../../query/line-recipe.js';
import { checkTableName, isValidTableName } from '../table-names.js';
import type {
  ColumnInfo, ImportBatch, ImportOptions, ImportResult, ImportState, ScanOptions, Store, StoreOptions, TableInfo,
} from '../types.js';
import { ClickHouseError, ClickHouseServer, ClickHouseUnreachableError } from './http.js';
import { WRITER_SPAN, WriterIds } from './ids.js';
import { EXTRA_FIELDS, IMPORTS, WRITERS, Layout, MICROS_PER_DAY, describeTable, readColumns, runDdl, shardOf, type StoreColumn } from './schema.js';
import { Spool, type SpoolEntry, type SpoolPart, type SpoolSource } from './spool.js';
import { describeAddress, parseClickHouseUrl, type ClickHouseAddress } from './url.js';
import { bindParameters, columnDefinition, commentColumn, dateMicros, decodeValue, encodeRowLine, isLogicalType, literal, quoteName, quoteString, type LogicalType } from './values.js';
import { mergeExtra } from '../values.js';

/** Options of {@link openClickHouseStore}. */
export interface ClickHouseStoreOptions extends StoreOptions {
  /**
   * The local folder of the write-ahead spool and this writer's identity (default
   * `./haetae-data/clickhouse-<database>`). Each collector needs its own.
   */
  readonly spoolDir?: string;
  /** Milliseconds between attempts to send spooled batches to a shard that is down (default 2000). */
  readonly retryMs?: number;
  /** Called with operational notices (a shard down, batches kept in the spool). */
  readonly onNotice?: (message: string) => void;
}

/** One shard's state for `store stats`. */
export interface ShardStats {
  readonly server: string;
  readonly up: boolean;
  readonly version?: string;
  readonly error?: string;
  /** Rows and bytes on disk of the event and generic tables' local parts. */
  readonly rows?: number;
  readonly bytes?: number;
  readonly partitions?: number;
}

/** What `haetae store stats` prints for a ClickHouse store. */
export interface ClickHouseStats {
  readonly store: string;
  readonly cluster: string | null;
  readonly shards: readonly ShardStats[];
  readonly tables: readonly { readonly name: string; readonly events: number }[];
  /** Batches acknowledged but not yet stored on every shard. */
  readonly spooled: { readonly batches: number; readonly dir: string };
}

const DEFAULT_COMMIT_EVERY = 50_000;

/**
 * The oldest ClickHouse this store runs on: Debian bookworm's 18.16 (column comments,
 * mutations, `ifNull` in sorting keys). Everything it sends also runs on current releases
 * (README "ClickHouse store").
 */
export const MIN_VERSION = [18, 16] as const;

/** True when a `version()` string is at least {@link MIN_VERSION}. */
export function supportedVersion(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major! > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor! >= MIN_VERSION[1]);
}

/**
 * Settings of reads. Pushed-down SQL nests a stage per command around the Distributed
 * table; with predicate pushdown (off by default in 18.16, on in current releases) each
 * shard filters its own rows instead of sending all of them to the node that asked.
 */
const READ_SETTINGS: Readonly<Record<string, string>> = { enable_optimize_predicate_expression: '1' };

/** Row text prefix of encodeRow: `"_time":…,"host":"…"` (host present when not null). */
const HOST_PREFIX = /^"_time":(?:null|-?\d+),"host":("(?:[^"\\]|\\.)*")/;


/**
 * Opens a ClickHouse store: checks every shard, creates the bookkeeping tables where they
 * are missing, and sends batches a previous run left in the spool.
 *
 * @example
 * const store = await openClickHouseStore('clickhouse://10.0.0.5:8123,10.0.0.6:8123/haetae?cluster=logs');
 */
export async function openClickHouseStore(url: string, options: ClickHouseStoreOptions = {}): Promise<ClickHouseStore> {
  const address = parseClickHouseUrl(url);
  const store = new ClickHouseStore(address, options);
  try {
    await store.init();
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  return store;
}

/** The Store on a ClickHouse cluster. */
export class ClickHouseStore implements Store {
  readonly path: string;
  /** The planner pushes query prefixes down in ClickHouse's SQL (src/query/sql/clickhouse.ts). */
  readonly sqlDialect: SqlDialect = clickhouse;
  private readonly servers: ClickHouseServer[];
  private readonly layout: Layout;
  private readonly spool: Spool;
  private readonly ids: WriterIds;
  private readonly commitEvery: number;
  private readonly retryMs: number;
  /** Per shard: local tables known to exist there, with their column names. */
  private readonly shardSchema: Array<Map<string, Set<string>>>;
  private readonly eventTables = new Map<string, EventTable>();
  /** Per spooled batch: parts already stored (by index). */
  private readonly sentParts = new Map<number, Set<number>>();
  private writeQueue: Promise<unknown> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  private flushAgain: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Column types by table, for decoding query results (refreshed on schema changes). */
  private typeCache = new Map<string, Map<string, LogicalType>>();
  /** The batch last written to the spool, while it is being sent. */
  private readonly recordedExtra = new Set<string>();
  /** Per spooled batch: shards that hold its import counts already. */
  private readonly recordedOn = new Map<number, Set<number>>();
  private readonly inMemory = new Map<number, { entry: SpoolEntry; rows: string[][] }>();
  /** The sending of the previous batch of an import (one in flight while the next is encoded). */
  private sending: Promise<void> = Promise.resolve();

  constructor(readonly address: ClickHouseAddress, private readonly options: ClickHouseStoreOptions) {
    this.path = describeAddress(address);
    this.servers = address.shards.map((s) => new ClickHouseServer(s, address));
    if (address.shards.length > 1 && address.cluster === null) throw new Error(`${this.path}: several shards need ?cluster=NAME (the cluster's name in remote_servers)`);
    this.layout = new Layout(address.database, address.cluster);
    const dir = resolve(options.spoolDir ?? join('haetae-data', `clickhouse-${address.database}`));
    this.spool = new Spool(join(dir, 'spool'));
    this.ids = new WriterIds(dir);
    this.commitEvery = Math.max(1, options.commitEvery ?? DEFAULT_COMMIT_EVERY);
    this.retryMs = options.retryMs ?? 2000;
    this.shardSchema = this.servers.map(() => new Map());
  }

  /**
   * The `_id`s this writer may give rows it numbers itself (the server's alerts): its own
   * range (ids.ts), so collectors sharing the cluster never pick the same id.
   */
  get idRange(): { readonly first: number; readonly end: number } {
    return { first: this.ids.id * WRITER_SPAN + 1, end: (this.ids.id + 1) * WRITER_SPAN };
  }

  /** The number of shards. */
  get shardCount(): number {
    return this.servers.length;
  }

  async init(): Promise<void> {
    const down: string[] = [];
    for (const s of this.servers) {
      try {
        const version = (await s.exec('SELECT version() FORMAT TSV', { database: 'default' })).trim();
        if (!supportedVersion(version)) throw new Error(`${s.label} runs ClickHouse ${version}; Haetae needs ${MIN_VERSION.join('.')} or later`);
        await s.exec(`CREATE DATABASE IF NOT EXISTS ${this.address.database}`, { database: 'default' });
        await runDdl(s, this.layout.bookkeeping());
      } catch (e) {
        if (e instanceof ClickHouseUnreachableError) { down.push(s.label); continue; }
        throw e;
      }
    }
    if (down.length === this.servers.length) throw new Error(`${this.path}: no shard answers (${down.join(', ')}); is ClickHouse running?`);
    if (down.length > 0) this.notice(`shard ${down.join(', ')} is down: its events are kept in the spool ${this.spool.dir} until it answers`);
    // Writer numbers are registered on the shards that answer (a down shard may hide one:
    // the number is drawn at random among the free ones, so a clash stays unlikely).
    const up = this.servers.filter((s) => !down.includes(s.label));
    const writers = async (): Promise<number[]> => {
      const out: number[] = [];
      for (const s of up) for await (const rows of s.rows(`SELECT writer FROM ${quoteName(this.layout.local(WRITERS))} FORMAT JSONEachRow`)) for (const r of rows) out.push(Number(r['writer']));
      return out;
    };
    await this.ids.load(writers, (line) => up[0]!.insert(`INSERT INTO ${quoteName(this.layout.local(WRITERS))} FORMAT JSONEachRow`, line), this.spool);
    await this.flush();
  }

  private notice(message: string): void {
    this.options.onNotice?.(`${this.path}: ${message}`);
  }

  // ------------------------------------------------------------------ reading

  /**
   * Runs a query on the first shard that answers (any shard sees the whole cluster through
   * its Distributed tables); rows as parsed JSON objects.
   */
  async *select(sql: string): AsyncGenerator<Record<string, unknown>[]> {
    if (this.closed) throw new Error('the store is closed');
    let last: Error | null = null;
    for (const s of this.servers) {
      let yielded = false;
      try {
        for await (const rows of s.rows(`${sql} FORMAT JSONEachRow`, READ_SETTINGS)) { yielded = true; yield rows; }
        return;
      } catch (e) {
        if (!(e instanceof ClickHouseUnreachableError) || yielded) throw this.explain(e);
        last = e;
      }
    }
    throw new Error(`${this.path}: no shard answers (${last?.message ?? ''})`);
  }

  /** A shard-down error from a distributed query, said plainly. */
  private explain(e: unknown): unknown {
    if (e instanceof ClickHouseError && (e.code === 279 || e.code === 209 || e.code === 210)) {
      return new Error(`${this.path}: a shard is down, so the query cannot read all data (${e.message.split('\n').find((l) => l.trim() !== '' && !/Log:/.test(l)) ?? e.message})`, { cause: e });
    }
    return e;
  }

  private async all(sql: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for await (const rows of this.select(sql)) out.push(...rows);
    return out;
  }

  async tableNames(): Promise<string[]> {
    const rows = await this.all(`SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = ${quoteString(this.layout.readEngine)} ORDER BY name`);
    return rows.map((r) => String(r['name'])).filter((n) => !n.startsWith('_'));
  }

  async columns(table: string): Promise<ColumnInfo[] | null> {
    if (!isValidTableName(table) && !table.startsWith('_')) return null;
    const cols = await this.readerColumns(table);
    return cols === null ? null : cols.filter((c) => c.name !== LINE_KV_COLUMN).map((c) => ({ name: c.name, type: c.type }));
  }

  async lineKvFields(table: string): Promise<string[] | null> {
    if (!isValidTableName(table)) return null;
    return lineKvFields((await this.readerColumns(table)) ?? []);
  }

  /** A table's columns as the first answering shard has them. */
  private async readerColumns(table: string): Promise<StoreColumn[] | null> {
    let last: Error | null = null;
    for (const s of this.servers) {
      try {
        return await readColumns(s, this.layout.local(table));
      } catch (e) {
        if (!(e instanceof ClickHouseUnreachableError)) throw e;
        last = e;
      }
    }
    throw new Error(`${this.path}: no shard answers (${last?.message ?? ''})`);
  }

  async extraFields(table: string): Promise<string[]> {
    const rows = await this.all(`SELECT DISTINCT field FROM ${quoteName(EXTRA_FIELDS)} WHERE "table" = ${quoteString(table)} ORDER BY field`);
    return rows.map((r) => String(r['field']));
  }

  async tables(): Promise<TableInfo[]> {
    const out: TableInfo[] = [];
    for (const name of await this.tableNames()) {
      const columns = (await this.columns(name)) ?? [];
      const hasTime = columns.some((c) => c.name === '_time');
      const [r] = await this.all(`SELECT count() AS n${hasTime ? ', min("_time") AS first, max("_time") AS last' : ''} FROM ${quoteName(name)}`);
      const first = hasTime ? decodeValue(r?.['first'], 'TIMESTAMP') : null;
      const last = hasTime ? decodeValue(r?.['last'], 'TIMESTAMP') : null;
      out.push({ name, events: Number(r?.['n'] ?? 0), first: first instanceof Date ? first : null, last: last instanceof Date ? last : null, columns });
    }
    return out;
  }

  async *scan(table: string, options: ScanOptions = {}): AsyncGenerator<Row[]> {
    const columns = await this.readerColumns(table);
    if (columns === null) throw new Error(`no table '${table}'`);
    const names = new Set(columns.map((c) => c.name));
    const where: string[] = [];
    if (names.has('_time')) {
      if (options.from) where.push(`"_time" >= ${dateMicros(options.from)}`);
      if (options.to) where.push(`"_time" < ${dateMicros(options.to)}`);
    }
    const dir = options.order === 'asc' ? 'ASC' : 'DESC';
    const order = ['_time', '_id'].filter((c) => names.has(c)).map((c) => `${quoteName(c)} ${dir}`);
    let sql = `SELECT * FROM ${quoteName(table)}`;
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
    if (options.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    // OFFSET needs a LIMIT on 18.16, and one near 2^64 overflows there with the offset added (no rows).
    if (options.offset !== undefined && options.limit === undefined) sql += ' LIMIT 9007199254740991';
    if (options.offset !== undefined) sql += ` OFFSET ${Math.max(0, Math.floor(options.offset))}`;
    const types = new Map(columns.map((c) => [c.name, c.type]));
    for await (const raw of this.select(sql)) yield raw.map((r) => decodeRow(r, types, table));
  }

  /**
   * Runs a SELECT (the pushed-down SQL, or a caller's) with `$n` parameters bound
   * client-side. Result columns named like a column of the table the query reads are
   * decoded with its logical type (timestamps, booleans, JSON); others come back as
   * ClickHouse gives them.
   */
  async *runSql(sql: string, parameters: readonly Value[] = []): AsyncGenerator<Row[]> {
    const bound = bindParameters(sql, parameters);
    const types = await this.resultTypes(bound);
    for await (const raw of this.select(bound)) yield raw.map((r) => decodeRow(r, types, null));
  }

  /** Column types of the one stored table a query reads (FROM "t" / FROM t), or of none. */
  private async resultTypes(sql: string): Promise<Map<string, LogicalType>> {
    const names = new Set<string>();
    for (const m of sql.matchAll(/\bFROM\s+(?:"((?:[^"\\]|\\.)+)"|([A-Za-z_][A-Za-z0-9_]*))/gi)) names.add(m[1] ?? m[2]!);
    const types = new Map<string, LogicalType>();
    for (const n of names) {
      let t = this.typeCache.get(n);
      if (t === undefined) {
        const cols = isValidTableName(n) || n.startsWith('_') ? await this.readerColumns(n) : null;
        if (cols === null) continue;
        t = new Map(cols.map((c) => [c.name, c.type]));
        this.typeCache.set(n, t);
      }
      for (const [k, v] of t) {
        // Same name, different types in two tables read at once: leave it raw.
        if (types.has(k) && types.get(k) !== v) types.delete(k); else types.set(k, v);
      }
    }
    return types;
  }

  async importState(key: string): Promise<ImportState | null> {
    return (await this.importStates([key])).get(key) ?? null;
  }

  async importStates(keys: readonly string[]): Promise<Map<string, ImportState>> {
    const out = new Map<string, ImportState>();
    if (keys.length === 0) return out;
    const wanted = new Set(keys);
    const merge = (key: string, events: number, complete: boolean): void => {
      const had = out.get(key);
      out.set(key, { events: Math.max(events, had?.events ?? 0), complete: complete || (had?.complete ?? false) });
    };
    // Every shard keeps every source's counts (recordBookkeeping): any shard that answers
    // will do, and a batch not yet recorded on all of them is still in the spool.
    let answered = 0;
    let last: Error | null = null;
    for (const server of this.servers) {
      try {
        for (let at = 0; at < keys.length; at += 1000) {
          const inList = keys.slice(at, at + 1000).map(quoteString).join(', ');
          // Counts only grow: the largest recorded is the state, whichever batch recorded it last.
          const sql = `SELECT key, max(events) AS events, max(complete) AS complete FROM ${quoteName(this.layout.local(IMPORTS))} WHERE key IN (${inList}) GROUP BY key FORMAT JSONEachRow`;
          for await (const rows of server.rows(sql)) for (const r of rows) merge(String(r['key']), Number(r['events']), r['complete'] === 1);
        }
        answered++;
      } catch (e) {
        if (!(e instanceof ClickHouseUnreachableError)) throw e;
        last = e;
      }
    }
    if (answered === 0) throw new Error(`${this.path}: cannot read what was imported: no shard answers (${last?.message ?? ''})`, { cause: last });
    // Batches still in the spool are acknowledged: their counts count.
    for (const seq of this.spool.list()) for (const s of this.spool.header(seq).sources) if (wanted.has(s.key)) merge(s.key, s.events, s.complete);
    return out;
  }

  // ------------------------------------------------------------------ importing

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(f, f);
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  async importEvents(table: string, batches: AsyncIterable<ImportBatch> | Iterable<ImportBatch>, options: ImportOptions = {}): Promise<ImportResult> {
    if (table !== 'auto') checkTableName(table);
    return this.exclusive(async () => {
      try {
        return await this.runImport(table, batches, options);
      } finally {
        // A send that failed was reported to this import; the next one starts clean.
        await this.sending.catch(() => undefined);
        this.sending = Promise.resolve();
      }
    });
  }

  private async runImport(target: string, batches: AsyncIterable<ImportBatch> | Iterable<ImportBatch>, options: ImportOptions): Promise<ImportResult> {
    const acc = new ImportAccumulator(target, options);
    const totals = new Map<string, number>();
    let committed = 0;
    const commit = async (): Promise<void> => {
      const c = acc.take();
      if (c === null) return;
      await this.commitBatch(c.byTable, await acc.counts(c, (keys) => this.importStates(keys)));
      addTotals(totals, c);
      committed += c.events;
      options.onCommit?.({ committed, batch: c.events });
    };
    for await (const b of batches) {
      acc.add(b);
      if (acc.pending >= this.commitEvery) await commit();
    }
    await commit();
    await this.sending;
    return { events: committed, tables: totals };
  }

  /** The importer's view of an event table (columns as the reading shard has them). */
  private async eventTable(name: string): Promise<EventTable> {
    let t = this.eventTables.get(name);
    if (t !== undefined) return t;
    const columns = await this.readerColumns(name);
    if (columns !== null && !isEventTableSchema(columns)) throw new Error(`table '${name}' exists but is not an event table (it was written by writeRows?); import into another table`);
    t = new EventTable(name, columns ?? FIXED_COLUMNS, 0, columns !== null);
    this.eventTables.set(name, t);
    return t;
  }

  /**
   * Encodes a batch for its shards, writes it to the spool (the acknowledgement), then sends
   * it. A shard that is down keeps its part in the spool; a retry timer sends it later.
   */
  private async commitBatch(byTable: ReadonlyMap<string, EventRun[]>, sources: readonly SpoolSource[]): Promise<void> {
    const parts: SpoolPart[] = [];
    const lines: string[][] = [];
    const extraFields: { table: string; field: string }[] = [];
    for (const [name] of byTable) await this.eventTable(name);
    await this.ids.prepare(byTable.keys(), (sql) => this.all(sql), (name) => this.eventTables.get(name)!.exists);
    const shardOfHost = new Map<string, number>();
    const columnsOf = new Map<string, StoreColumn[]>();
    for (const [name, runs] of byTable) {
      const table = this.eventTables.get(name)!;
      table.newColumns(runs);
      const columns = table.columns.map((c) => ({ name: c.name, type: c.type as LogicalType }));
      columnsOf.set(name, columns);
      const lists: ListColumn[] = columns.filter((c) => c.type === 'VARCHAR[]').map((c) => ({ name: c.name, needle: `${JSON.stringify(c.name)}:[` }));
      const byShard = this.servers.map(() => ({ lines: [] as string[], first: Infinity, last: -Infinity }));
      const extra = new Set<string>();
      for (const run of runs) {
        const fits = table.fits(run);
        for (const raw of run.rows) {
          const row = fits ? raw : table.fixRow(raw);
          const id = this.ids.next(name);
          const hostMatch = HOST_PREFIX.exec(row);
          let shard = 0;
          if (hostMatch !== null) {
            // A batch has few hosts: their shards by the host's JSON text, parsed once.
            const quoted = hostMatch[1]!;
            let known = shardOfHost.get(quoted);
            if (known === undefined) { known = shardOf(JSON.parse(quoted) as string, this.servers.length); shardOfHost.set(quoted, known); }
            shard = known;
          }
          const out = byShard[shard]!;
          out.lines.push(clickHouseRow(id, row, lists, extra));
          if (id < out.first) out.first = id;
          if (id > out.last) out.last = id;
        }
      }
      for (const [shard, p] of byShard.entries()) {
        if (p.lines.length === 0) continue;
        parts.push({ table: name, shard, first: p.first, last: p.last, rows: p.lines.length, columns });
        lines.push(p.lines);
      }
      for (const field of extra) extraFields.push({ table: name, field });
    }
    await this.sending;
    // The ids handed out are durable before the batch is: a restart never reuses them.
    this.ids.save();
    const entry = this.spool.write(parts, lines, sources, extraFields);
    this.inMemory.set(entry.seq, { entry, rows: lines });
    // Schema on every shard that answers now, so reads see the new columns everywhere.
    for (const [name, columns] of columnsOf) {
      for (let s = 0; s < this.servers.length; s++) {
        try { await this.ensureTable(s, name, columns, 'event'); } catch (e) { if (!(e instanceof ClickHouseUnreachableError)) throw e; }
      }
      this.eventTables.get(name)!.exists = true;
      this.typeCache.delete(name);
    }
    // Sent while the caller encodes the next batch; the import waits for it before the
    // batch after (one batch in flight) and at its end.
    this.sending = this.flush();
    this.sending.catch(() => undefined);
  }

  /** Creates a table on a shard (local and Distributed parts) or adds the columns it lacks there. */
  private async ensureTable(shard: number, table: string, columns: readonly StoreColumn[], kind: 'event' | 'generic'): Promise<void> {
    const known = this.shardSchema[shard]!;
    const local = this.layout.local(table);
    const have = known.get(local);
    if (have !== undefined && columns.every((c) => have.has(c.name))) return;
    const server = this.servers[shard]!;
    const create = kind === 'event' ? this.layout.createEventTable(table, columns) : this.layout.createGenericTable(table, columns);
    const existing = await readColumns(server, local);
    if (existing === null) await runDdl(server, create.slice(0, 1));
    else await addMissing(server, local, existing, columns);
    if (this.layout.cluster !== null) {
      // Another collector may have made the Distributed table with fewer columns, or died before making it.
      const dist = await describeTable(server, table);
      if (dist === null) await runDdl(server, create.slice(1));
      else await addMissing(server, table, dist, columns);
    }
    known.set(local, new Set([...(existing ?? []).map((c) => c.name), ...columns.map((c) => c.name)]));
  }

  /**
   * Sends every spooled batch it can: each part (skipped when its shard already holds its
   * id range), then the batch's bookkeeping; a batch leaves the spool when all is stored.
   */
  flush(): Promise<void> {
    if (this.flushing !== null) {
      // A round is running and may have listed the spool before the latest batch: one more after it.
      this.flushAgain ??= this.flushing.catch(() => undefined).then(() => { this.flushAgain = null; return this.flush(); });
      return this.flushAgain;
    }
    this.flushing = this.flushOnce().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const down = new Set<number>();
    for (const seq of this.spool.list()) {
      if (this.closed) return;
      // A batch this process just wrote is still in memory: no need to read it back.
      const { entry, rows } = this.inMemory.get(seq) ?? this.spool.read(seq);
      const sent = this.sentParts.get(seq) ?? new Set<number>();
      this.sentParts.set(seq, sent);
      // Shards are written in parallel; one shard's parts in order.
      await Promise.all(this.servers.map(async (server, shard) => {
        for (const [i, part] of entry.parts.entries()) {
          if (part.shard !== shard || sent.has(i) || down.has(shard)) continue;
          try {
            await this.sendPart(part, rows[i]!, entry.extraFields);
            sent.add(i);
          } catch (e) {
            if (!(e instanceof ClickHouseUnreachableError)) throw e;
            if (!down.has(shard)) this.notice(`shard ${server.label} is down (${e.message}); ${this.spool.list().length} batch(es) wait in ${this.spool.dir}`);
            down.add(shard);
          }
        }
      }));
      if (sent.size < entry.parts.length) { this.inMemory.delete(seq); continue; }
      try {
        await this.recordBookkeeping(entry);
      } catch (e) {
        if (!(e instanceof ClickHouseUnreachableError)) throw e;
        continue;
      }
      this.spool.remove(seq);
      this.sentParts.delete(seq);
      this.inMemory.delete(seq);
    }
    if (this.spool.list().length > 0 && !this.closed) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush().catch((e: Error) => this.notice(`sending spooled batches failed: ${e.message}`));
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** Stores one part exactly once (see spool.ts). */
  private async sendPart(part: SpoolPart, lines: readonly string[], extraFields: SpoolEntry['extraFields']): Promise<void> {
    const server = this.servers[part.shard]!;
    await this.ensureTable(part.shard, part.table, part.columns, 'event');
    // Fields kept in `_extra` are listed on the shard before its rows exist, so a query never
    // sees such a row while the planner still thinks the field is a column (or absent).
    // Each (shard, table, field) once per process: the list is read with DISTINCT.
    const fresh = extraFields.filter((f) => f.table === part.table && !this.recordedExtra.has(`${part.shard}\u0000${f.table}\u0000${f.field}`));
    if (fresh.length > 0) {
      await server.insert(`INSERT INTO ${quoteName(this.layout.local(EXTRA_FIELDS))} FORMAT JSONEachRow`, fresh.map((f) => JSON.stringify(f)).join('\n'));
      for (const f of fresh) this.recordedExtra.add(`${part.shard}\u0000${f.table}\u0000${f.field}`);
    }
    const local = quoteName(this.layout.local(part.table));
    const range = `"_id" BETWEEN ${part.first} AND ${part.last}`;
    const held = Number((await server.exec(`SELECT count() FROM ${local} WHERE ${range} FORMAT TSV`)).trim());
    if (held === part.rows) return;
    if (held !== 0) await this.mutate(part.shard, `ALTER TABLE ${local} DELETE WHERE ${range}`, this.layout.local(part.table));
    await server.insert(`INSERT INTO ${local} FORMAT JSONEachRow`, lines.join('\n'));
  }

  /** Import counts of a stored batch (repeating them is harmless: counts only grow). */
  private async recordBookkeeping(entry: SpoolEntry): Promise<void> {
    if (entry.sources.length === 0) return;
    const done = this.recordedOn.get(entry.seq) ?? new Set<number>();
    this.recordedOn.set(entry.seq, done);
    const rows = entry.sources.map((s) => JSON.stringify({ key: s.key, name: s.name, events: s.events, complete: s.complete ? 1 : 0, updated: Date.now() * 1000 })).join('\n');
    // On every shard, so that any one of them can say what was imported (importStates).
    let unreachable: ClickHouseUnreachableError | null = null;
    for (let shard = 0; shard < this.servers.length; shard++) {
      if (done.has(shard)) continue;
      try {
        await this.servers[shard]!.insert(`INSERT INTO ${quoteName(this.layout.local(IMPORTS))} FORMAT JSONEachRow`, rows);
        done.add(shard);
      } catch (e) {
        if (!(e instanceof ClickHouseUnreachableError)) throw e;
        unreachable = e;
      }
    }
    if (unreachable !== null) throw unreachable;
    this.recordedOn.delete(entry.seq);
  }

  /** Runs a mutation on one shard and waits until it is done (18.16 has no synchronous mutations). */
  private async mutate(shard: number, sql: string, localTable: string): Promise<void> {
    const server = this.servers[shard]!;
    await server.exec(sql);
    for (let i = 0; ; i++) {
      const text = await server.exec(`SELECT count() FROM system.mutations WHERE database = currentDatabase() AND table = ${quoteString(localTable)} AND is_done = 0 FORMAT TSV`);
      if (text.trim() === '0') return;
      if (i > 600) throw new Error(`mutation on ${server.label} (${localTable}) is not done after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // ------------------------------------------------------------------ generic tables

  async writeRows(table: string, rows: readonly Row[]): Promise<void> {
    checkTableName(table);
    if (rows.length > 0 && !rows.some((r) => '_id' in r)) rows = rows.map((r, i) => Object.assign(newRow(), { _id: rows.length - i }, r));
    return this.exclusive(async () => {
      const inferred = inferColumns(rows);
      const columns: StoreColumn[] = inferred.length === 0 ? [{ name: '_empty', type: 'VARCHAR' }] : inferred.map((c) => ({ name: c.name, type: c.type }));
      await this.everyShard((s) => runDdl(this.servers[s]!, this.layout.dropTable(table)));
      this.forget(table);
      await this.everyShard((s) => this.ensureTable(s, table, columns, 'generic'));
      if (inferred.length > 0 && rows.length > 0) await this.insertGeneric(table, columns, rows);
    });
  }

  async appendRows(table: string, columns: readonly ColumnInfo[], rows: readonly Row[]): Promise<void> {
    checkTableName(table);
    if (columns.length === 0) throw new Error(`appendRows(${table}): no columns given`);
    const bad = columns.find((c) => !isLogicalType(c.type));
    if (bad !== undefined) throw new Error(`appendRows(${table}): column '${bad.name}' has type ${bad.type}, which this store cannot hold`);
    return this.exclusive(async () => {
      const wanted = columns.map((c) => ({ name: c.name, type: c.type as LogicalType }));
      await this.everyShard((s) => this.ensureTable(s, table, wanted, 'generic'));
      this.typeCache.delete(table);
      const actual = (await this.readerColumns(table)) ?? wanted;
      if (rows.length > 0) await this.insertGeneric(table, actual, rows);
    });
  }

  async updateRows(table: string, keyColumn: string, updates: readonly { readonly key: Value; readonly values: Row }[]): Promise<void> {
    checkTableName(table);
    if (updates.length === 0) return;
    return this.exclusive(async () => {
      const types = new Map(((await this.readerColumns(table)) ?? []).map((c) => [c.name, c.type]));
      // Every column is checked before anything changes: a bad update changes nothing.
      for (const u of updates) {
        const unknown = Object.keys(u.values).find((n) => !types.has(n));
        if (unknown !== undefined) throw new Error(`updateRows(${table}): no column '${unknown}'`);
      }
      const local = this.layout.local(table);
      await this.everyShard(async (s) => {
        for (const u of updates) {
          const names = Object.keys(u.values);
          if (names.length === 0) continue;
          const sets = names.map((n) => `${quoteName(n)} = ${columnLiteral(u.values[n] ?? null, types.get(n)!)}`).join(', ');
          await this.mutate(s, `ALTER TABLE ${quoteName(local)} UPDATE ${sets} WHERE ${quoteName(keyColumn)} = ${columnLiteral(u.key, types.get(keyColumn) ?? 'VARCHAR')}`, local);
        }
      });
    });
  }

  async dropTable(table: string): Promise<void> {
    checkTableName(table);
    return this.exclusive(async () => {
      await this.everyShard((s) => runDdl(this.servers[s]!, this.layout.dropTable(table)));
      this.forget(table);
    });
  }

  private forget(table: string): void {
    this.eventTables.delete(table);
    this.typeCache.delete(table);
    for (const m of this.shardSchema) m.delete(this.layout.local(table));
  }

  /** Generic rows go to the first shard: small tables (lookups, alerts) that every shard's Distributed table reads. */
  private async insertGeneric(table: string, columns: readonly StoreColumn[], rows: readonly Row[]): Promise<void> {
    const body = rows.map((r) => encodeRowLine(r, columns)).join('\n');
    await this.servers[0]!.insert(`INSERT INTO ${quoteName(this.layout.local(table))} FORMAT JSONEachRow`, body);
  }

  /** Runs `f` for every shard; a shard that is down is an error naming it. */
  private async everyShard(f: (shard: number) => Promise<void>): Promise<void> {
    for (let s = 0; s < this.servers.length; s++) {
      try {
        await f(s);
      } catch (e) {
        if (e instanceof ClickHouseUnreachableError) throw new Error(`${this.path}: cannot change tables while shard ${this.servers[s]!.label} is down (${e.message})`, { cause: e });
        throw e;
      }
    }
  }

  // ------------------------------------------------------------------ operations

  /** Shards, tables and the spool, for `haetae store stats`. */
  async stats(): Promise<ClickHouseStats> {
    const shards: ShardStats[] = [];
    for (const s of this.servers) {
      try {
        const version = (await s.exec('SELECT version() FORMAT TSV')).trim();
        let p: Record<string, unknown> | undefined;
        for await (const rows of s.rows('SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes, uniqExact(partition) AS partitions FROM system.parts WHERE database = currentDatabase() AND active FORMAT JSONEachRow')) p ??= rows[0];
        shards.push({ server: s.label, up: true, version, rows: Number(p?.['rows'] ?? 0), bytes: Number(p?.['bytes'] ?? 0), partitions: Number(p?.['partitions'] ?? 0) });
      } catch (e) {
        shards.push({ server: s.label, up: false, error: (e as Error).message });
      }
    }
    let tables: { name: string; events: number }[] = [];
    if (shards.every((s) => s.up)) tables = (await this.tables()).map((t) => ({ name: t.name, events: t.events }));
    return { store: this.path, cluster: this.address.cluster, shards, tables, spooled: { batches: this.spool.list().length, dir: this.spool.dir } };
  }

  /**
   * Retention: drops, on every shard, the day partitions of event tables older than
   * `before` (whole days only). Returns the partitions dropped per table.
   */
  async dropBefore(before: Date): Promise<Map<string, number>> {
    const day = Math.floor(dateMicros(before) / MICROS_PER_DAY);
    const dropped = new Map<string, number>();
    return this.exclusive(async () => {
      // Every shard must answer before any drops: retention applied on some shards only would leave a skewed history.
      await this.everyShard((s) => this.servers[s]!.exec('SELECT 1').then(() => undefined));
      for (const table of await this.tableNames()) {
        const cols = await this.readerColumns(table);
        if (cols === null || !isEventTableSchema(cols)) continue;
        const local = this.layout.local(table);
        await this.everyShard(async (s) => {
          const text = await this.servers[s]!.exec(`SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = ${quoteString(local)} AND active FORMAT TSV`);
          for (const p of text.split('\n').filter((l) => /^-?\d+$/.test(l.trim())).map(Number)) {
            if (p >= day || p === 0) continue;
            await this.servers[s]!.exec(`ALTER TABLE ${quoteName(local)} DROP PARTITION ${p}`);
            dropped.set(table, (dropped.get(table) ?? 0) + 1);
          }
        });
      }
      return dropped;
    });
  }

  /** Batches acknowledged but not stored on every shard yet. */
  spooledBatches(): number {
    return this.spool.list().length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeQueue;
    await this.flush().catch((e: Error) => this.notice(`sending spooled batches failed: ${e.message}`));
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const left = this.spool.list().length;
    if (left > 0) this.notice(`${left} batch(es) stay in ${this.spool.dir}; they are sent when the store is next opened with this spool`);
    for (const s of this.servers) s.close();
  }
}

/** Adds to a table on one server the columns it lacks. */
async function addMissing(server: ClickHouseServer, table: string, existing: readonly { name: string }[], columns: readonly StoreColumn[]): Promise<void> {
  const names = new Set(existing.map((c) => c.name));
  for (const c of columns) {
    if (!names.has(c.name)) await runDdl(server, [`ALTER TABLE ${quoteName(table)} ADD COLUMN ${columnDefinition(c.name, c.type)}`, commentColumn(table, c.name, c.type)]);
  }
}


/**
 * An encoded event row as a ClickHouse JSONEachRow line with its `_id`. JSON-typed values
 * (`_extra`, string lists) are JSON text in ClickHouse: such rows are re-encoded; the rest
 * pass through unchanged. Fields a list has that have no list column are noted in `extra`.
 */
/** A string-list column and how its value starts in encoded row text. */
interface ListColumn {
  readonly name: string;
  /** `"Name":[` */
  readonly needle: string;
}

const EXTRA_NEEDLE = `"${EXTRA_COLUMN}":`;

function clickHouseRow(id: number, row: string, lists: readonly ListColumn[], extra: Set<string>): string {
  if (!row.includes(EXTRA_NEEDLE) && !lists.some((l) => row.includes(l.needle))) return `{"_id":${id},${row}`;
  const o = JSON.parse(`{${row}`) as Record<string, unknown>;
  const x = o[EXTRA_COLUMN];
  if (x !== undefined && x !== null && typeof x === 'object') {
    for (const k of Object.keys(x)) extra.add(k);
    o[EXTRA_COLUMN] = JSON.stringify(x);
  }
  for (const l of lists) if (Array.isArray(o[l.name])) o[l.name] = JSON.stringify(o[l.name]);
  return `{"_id":${id},${JSON.stringify(o).slice(1)}`;
}

/** A value as a literal for a column of a logical type (mutations: no parameters there either). */
function columnLiteral(v: Value, type: LogicalType): string {
  if (v === null) return 'NULL';
  if (type === 'JSON' || type === 'VARCHAR[]') return quoteString(JSON.stringify(v instanceof Date ? v.toISOString() : v));
  if (type === 'BOOLEAN') return v === true ? '1' : '0';
  return literal(v);
}

/**
 * A JSONEachRow result row as a query Row: known columns decoded by logical type, `_extra`
 * merged in, nulls omitted; a scan's row starts with `_table` and ends with `line`.
 */
function decodeRow(raw: Record<string, unknown>, types: ReadonlyMap<string, LogicalType>, table: string | null): Row {
  const row = newRow();
  if (table !== null) row['_table'] = table;
  let line: Value = null;
  for (const k of Object.keys(raw)) {
    // The recipe flag is the store's own (like an index), never a row field.
    if (k === LINE_KV_COLUMN) continue;
    const v = decodeValue(raw[k], types.get(k));
    if (v === null) continue;
    if (k === EXTRA_COLUMN && types.get(k) === 'JSON' && mergeExtra(row, v)) continue;
    if (k === 'line' && table !== null) line = v;
    else row[k] = v;
  }
  if (line !== null) row['line'] = line;
  return row;
}
