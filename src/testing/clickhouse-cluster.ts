/**
 * A ClickHouse cluster of local servers for tests and benchmarks: Debian's
 * `clickhouse-server` (18.16 on bookworm), one process per shard on loopback ports, each
 * with its own config files and data directory under a temporary folder, and a
 * `remote_servers` entry naming every shard so that `Distributed` tables span them.
 * Nothing is shared with a system-wide ClickHouse.
 *
 * @example
 * const cluster = await startClickHouseCluster({ shards: 2 });
 * const store = await openClickHouseStore(cluster.storeUrl);
 * await cluster.killShard(1); await cluster.restartShard(1);
 * await cluster.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs the server binary. */
export const CLICKHOUSE_SERVER = process.env.HAETAE_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

/** Name of the cluster in every node's `remote_servers`. */
export const TEST_CLUSTER = 'haetae';

/** One server of the cluster. */
export interface ClickHouseNode {
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly dir: string;
}

/** A running local cluster. */
export interface ClickHouseCluster {
  readonly nodes: readonly ClickHouseNode[];
  /** `clickhouse://127.0.0.1:H1,127.0.0.1:H2/db?cluster=haetae`: every shard's HTTP port. */
  readonly storeUrl: string;
  /** The database the store URL names (created fresh per cluster). */
  readonly database: string;
  /** SIGKILLs one shard's server (0-based) and waits until it is gone. */
  killShard(index: number): Promise<void>;
  /** Starts a killed shard again on the same ports and data, and waits until it answers. */
  restartShard(index: number): Promise<void>;
  /** Stops every server and deletes the data unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/** Options of {@link startClickHouseCluster}. */
export interface ClusterOptions {
  readonly shards?: number;
  /** Parent of the cluster's folder (default: the OS temporary directory). */
  readonly root?: string;
  readonly database?: string;
}

/** Throws a message naming what is missing and how to get it (tests never skip silently). */
export function requireClickHouse(): string {
  if (!existsSync(CLICKHOUSE_SERVER)) {
    throw new Error(`ClickHouse missing: ${CLICKHOUSE_SERVER} does not exist. Install Debian's clickhouse-server (scripts/setup-test.sh does) or set HAETAE_CLICKHOUSE_SERVER.`);
  }
  return CLICKHOUSE_SERVER;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function configXml(node: ClickHouseNode, interserverPort: number, shards: readonly ClickHouseNode[]): string {
  const remote = shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcpPort}</port></replica></shard>`).join('');
  // Small caches: several servers share a 2-core CI machine with the test suite.
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${node.dir}/log/server.log</log><errorlog>${node.dir}/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${node.httpPort}</http_port>
  <tcp_port>${node.tcpPort}</tcp_port>
  <interserver_http_port>${interserverPort}</interserver_http_port>
  <path>${node.dir}/data/</path>
  <tmp_path>${node.dir}/tmp/</tmp_path>
  <user_files_path>${node.dir}/user_files/</user_files_path>
  <format_schema_path>${node.dir}/format_schemas/</format_schema_path>
  <users_config>${node.dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <max_concurrent_queries>50</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone>
  <remote_servers><${TEST_CLUSTER}>${remote}</${TEST_CLUSTER}></remote_servers>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** Resolves when the node answers `/ping`, or rejects after `timeoutMs` with its error log. */
async function waitUntilUp(node: ClickHouseNode, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  while (Date.now() - start < timeoutMs) {
    if (exited !== null) break;
    try {
      const r = await fetch(`http://127.0.0.1:${node.httpPort}/ping`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = join(node.dir, 'log', 'error.log');
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no error log)';
  throw new Error(`clickhouse-server on port ${node.httpPort} did not start${exited !== null ? ` (exit code ${exited})` : ` within ${timeoutMs} ms`}:\n${tail}`);
}

/**
 * Starts a cluster of `shards` local servers (default 2) and creates its database on each.
 */
export async function startClickHouseCluster(options: ClusterOptions = {}): Promise<ClickHouseCluster> {
  const binary = requireClickHouse();
  const shards = options.shards ?? 2;
  const database = options.database ?? 'haetae';
  const root = mkdtempSync(join(options.root ?? tmpdir(), 'haetae-clickhouse-'));
  const nodes: ClickHouseNode[] = [];
  for (let i = 0; i < shards; i++) nodes.push({ httpPort: await freePort(), tcpPort: await freePort(), dir: join(root, `shard${i + 1}`) });
  const interserver = await Promise.all(nodes.map(() => freePort()));
  for (const [i, n] of nodes.entries()) {
    for (const d of ['log', 'data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(n.dir, d), { recursive: true });
    writeFileSync(join(n.dir, 'config.xml'), configXml(n, interserver[i]!, nodes));
    writeFileSync(join(n.dir, 'users.xml'), USERS_XML);
  }
  const children: Array<ChildProcess | null> = nodes.map(() => null);
  const launch = async (i: number): Promise<void> => {
    const n = nodes[i]!;
    const child = spawn(binary, [`--config-file=${join(n.dir, 'config.xml')}`], { cwd: n.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    children[i] = child;
    await waitUntilUp(n, child);
  };
  const stopAll = async (keep = false): Promise<void> => {
    await Promise.all(children.map((c, i) => (c === null ? undefined : killChild(c, 'SIGTERM').then(() => { children[i] = null; }))));
    if (!keep) rmSync(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((_, i) => launch(i)));
    for (const n of nodes) {
      const r = await fetch(`http://127.0.0.1:${n.httpPort}/`, { method: 'POST', body: `CREATE DATABASE IF NOT EXISTS ${database}` });
      if (!r.ok) throw new Error(`CREATE DATABASE on port ${n.httpPort}: ${await r.text()}`);
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  const storeUrl = `clickhouse://${nodes.map((n) => `127.0.0.1:${n.httpPort}`).join(',')}/${database}?cluster=${TEST_CLUSTER}`;
  const exitHandler = (): void => { for (const c of children) c?.kill('SIGKILL'); };
  process.once('exit', exitHandler);
  return {
    nodes, storeUrl, database,
    async killShard(i) {
      const c = children[i];
      if (c) { await killChild(c, 'SIGKILL'); children[i] = null; }
    },
    async restartShard(i) {
      if (children[i] === null) await launch(i);
    },
    async stop(opts = {}) {
      process.removeListener('exit', exitHandler);
      await stopAll(opts.keep === true);
    },
  };
}

async function killChild(c: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill(signal);
  const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}
