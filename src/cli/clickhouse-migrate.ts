/**
 * `haetae store migrate` on a ClickHouse cluster: brings every shard's schema up to the
 * union of all shards'. Opening the store already creates the database and the
 * bookkeeping tables on every shard that answers; what it cannot do is give a shard that
 * was down (or added later) the tables and columns created meanwhile — event tables are
 * made per shard as events reach it, so a shard without events of some table lacks it,
 * and a Distributed query through that shard then fails. Here each table missing on a
 * shard is created from another shard's own CREATE statement, and each missing column is
 * added with its type and comment (the logical type), so every shard answers every query.
 */
import { ClickHouseServer } from '../store/clickhouse/http.js';
import { describeTable, runDdl } from '../store/clickhouse/schema.js';
import { quoteName, quoteString } from '../store/clickhouse/values.js';
import type { ClickHouseAddress } from '../store/clickhouse/url.js';

/** What one shard has after the migration, and what it was given. */
export interface ShardSchemaReport {
  readonly server: string;
  readonly up: boolean;
  readonly version?: string;
  readonly error?: string;
  /** Tables of the store's database on the shard (local and Distributed), by name. */
  readonly tables: readonly { readonly name: string; readonly engine: string; readonly columns: number }[];
  /** Tables created on this shard by the migration. */
  readonly created: readonly string[];
  /** Columns added on this shard (`table.column`). */
  readonly added: readonly string[];
}

/** A column as DESCRIBE gives it: enough to add it elsewhere unchanged. */
interface PhysicalColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** A table as one shard has it. */
interface ShardTable {
  readonly engine: string;
  readonly create: string;
  readonly columns: PhysicalColumn[];
}

/** A shard's version and the tables of the store's database (throws when the shard does not answer). */
async function readShard(server: ClickHouseServer): Promise<{ version: string; tables: Map<string, ShardTable> }> {
  const version = (await server.exec('SELECT version() FORMAT TSV')).trim();
  const tables = new Map<string, ShardTable>();
  const list: Record<string, unknown>[] = [];
  for await (const rows of server.rows('SELECT name, engine, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name FORMAT JSONEachRow')) list.push(...rows);
  for (const t of list) {
    const columns: PhysicalColumn[] = [];
    // DESCRIBE: 18.16 does not list a Distributed table's columns in system.columns; it calls the comment comment_expression.
    for await (const rows of server.rows(`DESCRIBE TABLE ${quoteName(String(t['name']))} FORMAT JSONEachRow`)) {
      for (const c of rows) columns.push({ name: String(c['name']), type: String(c['type']), comment: String(c['comment'] ?? c['comment_expression'] ?? '') });
    }
    tables.set(String(t['name']), { engine: String(t['engine']), create: String(t['create_table_query']), columns });
  }
  return { version, tables };
}

/** The DDL adding a column as another shard has it (18.16 ignores ADD COLUMN's COMMENT: it is set after). */
function addColumn(table: string, c: PhysicalColumn): string[] {
  const add = `ALTER TABLE ${quoteName(table)} ADD COLUMN ${quoteName(c.name)} ${c.type}`;
  return c.comment === '' ? [add] : [add, `ALTER TABLE ${quoteName(table)} COMMENT COLUMN ${quoteName(c.name)} ${quoteString(c.comment)}`];
}

/**
 * Gives every shard that answers the tables and columns any shard has; reports each shard.
 * Local (MergeTree) tables are created before Distributed ones, which read them.
 *
 * @example
 * const report = await migrateShards(store.address);
 */
export async function migrateShards(address: ClickHouseAddress): Promise<ShardSchemaReport[]> {
  const servers = address.shards.map((s) => new ClickHouseServer(s, address));
  try {
    const shards = await Promise.all(servers.map(async (s) => {
      try { return { ...(await readShard(s)), error: null }; } catch (e) { return { version: '', tables: new Map<string, ShardTable>(), error: (e as Error).message }; }
    }));
    // The union: each table's CREATE from the first shard that has it, its columns from all.
    const union = new Map<string, { engine: string; create: string; columns: Map<string, PhysicalColumn> }>();
    for (const shard of shards) {
      for (const [name, t] of shard.tables) {
        let u = union.get(name);
        if (u === undefined) { u = { engine: t.engine, create: t.create, columns: new Map() }; union.set(name, u); }
        for (const c of t.columns) if (!u.columns.has(c.name)) u.columns.set(c.name, c);
      }
    }
    const order = [...union.keys()].sort((a, b) => Number(union.get(a)!.engine === 'Distributed') - Number(union.get(b)!.engine === 'Distributed') || a.localeCompare(b));
    const reports: ShardSchemaReport[] = [];
    for (const [i, shard] of shards.entries()) {
      const server = servers[i]!;
      if (shard.error !== null) { reports.push({ server: server.label, up: false, error: shard.error, tables: [], created: [], added: [] }); continue; }
      const created: string[] = [];
      const added: string[] = [];
      for (const name of order) {
        const u = union.get(name)!;
        const have = shard.tables.get(name);
        if (have === undefined) {
          await runDdl(server, [u.create]);
          created.push(name);
        }
        // A table created just now from one shard's statement may lack columns another shard has.
        const present = new Set(have !== undefined ? have.columns.map((c) => c.name) : ((await describeTable(server, name)) ?? []).map((c) => c.name));
        for (const c of u.columns.values()) {
          if (present.has(c.name)) continue;
          await runDdl(server, addColumn(name, c));
          added.push(`${name}.${c.name}`);
        }
      }
      const after = await readShard(server);
      reports.push({
        server: server.label, up: true, version: after.version, created, added,
        tables: [...after.tables].map(([name, t]) => ({ name, engine: t.engine, columns: t.columns.length })),
      });
    }
    return reports;
  } finally {
    for (const s of servers) s.close();
  }
}
