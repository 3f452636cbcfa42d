/**
 * Tables of the ClickHouse store and their DDL, run by Haetae on each shard (ClickHouse's
 * `ON CLUSTER` needs ZooKeeper, which a plain cluster of shards lacks).
 *
 * Every table `t` is a MergeTree table `_local_t` on each shard plus a `Distributed` table
 * `t` over the cluster on each shard, so any shard can answer a query over all of them.
 * Event tables are partitioned by day of `_time` (retention drops whole partitions) and
 * ordered by time then `_id`. Rows are written to the local tables directly, each host's
 * events to one shard (shardOf): the `Distributed` tables have no sharding key, so a write
 * through them is refused rather than spread differently. With a single server and no
 * cluster name, `t` is the MergeTree table itself.
 */
import { ClickHouseError, type ClickHouseServer } from './http.js';
import { columnDefinition, logicalTypeOf, quoteName, quoteString, type LogicalType } from './values.js';

/** The store's bookkeeping tables (never listed as user tables: they start with `_`). */
export const IMPORTS = '_imports';
export const EXTRA_FIELDS = '_extra_fields';
export const WRITERS = '_writers';

/** Microseconds per day: the partition of an event is `intDiv(_time, MICROS_PER_DAY)`. */
export const MICROS_PER_DAY = 86_400_000_000;

/** ClickHouse error codes meaning "already exists" (column, table). */
const ALREADY_EXISTS = new Set([15, 44, 57]);

/** A column as the store sees it: name and logical type. */
export interface StoreColumn {
  readonly name: string;
  readonly type: LogicalType;
}

/** How tables are laid out: with a cluster (local + Distributed) or on one server. */
export class Layout {
  constructor(readonly database: string, readonly cluster: string | null) {}

  /** The MergeTree table holding a shard's rows of `table`. */
  local(table: string): string {
    return this.cluster === null ? table : `_local_${table}`;
  }

  /** The engine of tables a query reads. */
  get readEngine(): string {
    return this.cluster === null ? 'MergeTree' : 'Distributed';
  }

  private distributed(table: string): string {
    return `CREATE TABLE IF NOT EXISTS ${quoteName(table)} AS ${quoteName(this.local(table))} ENGINE = Distributed(${this.cluster}, ${this.database}, ${this.local(table)})`;
  }

  /** DDL creating an event table (its local and Distributed parts) with `columns`. */
  createEventTable(table: string, columns: readonly StoreColumn[]): string[] {
    const defs = columns.map((c) => columnDefinition(c.name, c.type, c.name !== '_id'));
    const local = `CREATE TABLE IF NOT EXISTS ${quoteName(this.local(table))} (${defs.join(', ')}) ENGINE = MergeTree ` +
      `PARTITION BY intDiv(ifNull("_time", 0), ${MICROS_PER_DAY}) ORDER BY (ifNull("_time", 0), "_id")`;
    return this.cluster === null ? [local] : [local, this.distributed(table)];
  }

  /** DDL creating a generic table (no key: rows keep no particular order; scans order by `_time`, `_id` when present). */
  createGenericTable(table: string, columns: readonly StoreColumn[]): string[] {
    const local = `CREATE TABLE IF NOT EXISTS ${quoteName(this.local(table))} (${columns.map((c) => columnDefinition(c.name, c.type)).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`;
    return this.cluster === null ? [local] : [local, this.distributed(table)];
  }

  /** DDL dropping both parts of a table. */
  dropTable(table: string): string[] {
    const tables = this.cluster === null ? [table] : [table, this.local(table)];
    return tables.map((t) => `DROP TABLE IF EXISTS ${quoteName(t)}`);
  }

  /** The store's bookkeeping tables. */
  bookkeeping(): string[] {
    return [
      ...this.createGenericTable(IMPORTS, [{ name: 'key', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' }, { name: 'events', type: 'BIGINT' }, { name: 'complete', type: 'BOOLEAN' }, { name: 'updated', type: 'TIMESTAMP' }]),
      ...this.createGenericTable(EXTRA_FIELDS, [{ name: 'table', type: 'VARCHAR' }, { name: 'field', type: 'VARCHAR' }]),
      ...this.createGenericTable(WRITERS, [{ name: 'writer', type: 'BIGINT' }, { name: 'started', type: 'TIMESTAMP' }, { name: 'spool', type: 'VARCHAR' }]),
    ];
  }
}

/** Runs DDL, treating "already exists" (another collector won the race) as done. */
export async function runDdl(server: ClickHouseServer, statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    try {
      await server.exec(sql);
    } catch (e) {
      if (!(e instanceof ClickHouseError && e.code !== null && ALREADY_EXISTS.has(e.code))) throw e;
    }
  }
}

/** A shard's columns of a local table in table order (logical types), or null when it has no such table. */
export async function readColumns(server: ClickHouseServer, localTable: string): Promise<StoreColumn[] | null> {
  const out: StoreColumn[] = [];
  for await (const rows of server.rows(`SELECT name, type, comment FROM system.columns WHERE database = currentDatabase() AND table = ${quoteString(localTable)} FORMAT JSONEachRow`)) {
    for (const r of rows) out.push({ name: String(r['name']), type: logicalTypeOf(String(r['type']), String(r['comment'] ?? '')) });
  }
  return out.length === 0 ? null : out;
}

/** A table's columns by DESCRIBE (18.16 does not list a Distributed table's columns in system.columns), or null when missing. */
export async function describeTable(server: ClickHouseServer, table: string): Promise<{ name: string }[] | null> {
  try {
    const out: { name: string }[] = [];
    for await (const rows of server.rows(`DESCRIBE TABLE ${quoteName(table)} FORMAT JSONEachRow`)) for (const r of rows) out.push({ name: String(r['name']) });
    return out;
  } catch (e) {
    if (e instanceof ClickHouseError && e.code === 60) return null;
    throw e;
  }
}

/**
 * The shard a host's events live on: FNV-1a of the lower-cased host name (Windows host
 * names are case-insensitive), so every collector sends a host to the same shard.
 *
 * @example
 * shardOf('WEB01', 2) === shardOf('web01', 2) // true
 */
export function shardOf(host: string | null, shards: number): number {
  if (shards <= 1 || host === null) return 0;
  let h = 0x811c9dc5;
  const s = host.toLowerCase();
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h % shards;
}
