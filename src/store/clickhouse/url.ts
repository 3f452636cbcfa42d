/**
 * The ClickHouse store's address: `clickhouse://host:port[,host:port…]/database[?cluster=NAME]`.
 *
 * Every shard is listed by its HTTP port (8123 by default): Haetae writes each host's events
 * to that host's shard itself and runs schema changes on every shard (ClickHouse's own
 * `ON CLUSTER` needs ZooKeeper, which a plain cluster of shards does not have). Reads go to
 * the first shard that answers, through the `Distributed` tables. `cluster` is the name of the
 * cluster in the servers' `remote_servers` configuration (default `haetae`); with one shard
 * it may be omitted. Credentials: `clickhouse://user:password@host:port/db`.
 */

/** One server of the cluster, by its HTTP interface. */
export interface ClickHouseEndpoint {
  readonly host: string;
  readonly port: number;
}

/** A parsed store address. */
export interface ClickHouseAddress {
  readonly shards: readonly ClickHouseEndpoint[];
  readonly database: string;
  /** Name of the cluster in `remote_servers`, or null for a single server without one. */
  readonly cluster: string | null;
  readonly user: string;
  readonly password: string;
  readonly secure: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `spec` names a ClickHouse store rather than a data directory. */
export function isClickHouseUrl(spec: string): boolean {
  return /^clickhouses?:\/\//i.test(spec);
}

/**
 * Parses a store address; errors say which part is wrong.
 *
 * @example
 * parseClickHouseUrl('clickhouse://10.0.0.5:8123,10.0.0.6:8123/haetae?cluster=logs')
 * // { shards: [{host:'10.0.0.5',port:8123},{host:'10.0.0.6',port:8123}], database:'haetae', cluster:'logs', … }
 */
export function parseClickHouseUrl(spec: string): ClickHouseAddress {
  const m = /^(clickhouses?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(spec);
  if (m === null) throw new Error(`'${spec}' is not a ClickHouse address: use clickhouse://host:port[,host:port…]/database[?cluster=NAME]`);
  const [, scheme, user, password, hostList, db, query] = m;
  const shards = hostList!.split(',').map((h) => {
    const hm = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h.trim());
    if (hm === null) throw new Error(`'${h}' in ${spec} is not host or host:port`);
    const port = hm[2] === undefined ? 8123 : Number(hm[2]);
    if (port < 1 || port > 65535) throw new Error(`port ${hm[2]} in ${spec} is out of range`);
    return { host: hm[1]!.replace(/^\[|\]$/g, ''), port };
  });
  const database = decodeURIComponent(db ?? '') || 'haetae';
  if (!NAME.test(database)) throw new Error(`database '${database}' in ${spec}: use a letter, then letters, digits or _`);
  const params = new URLSearchParams(query ?? '');
  for (const k of params.keys()) if (k !== 'cluster') throw new Error(`unknown option '${k}' in ${spec} (known: cluster)`);
  const cluster = params.get('cluster') ?? (shards.length > 1 ? 'haetae' : null);
  if (cluster !== null && !NAME.test(cluster)) throw new Error(`cluster '${cluster}' in ${spec}: use a letter, then letters, digits or _`);
  return {
    shards, database, cluster,
    user: decodeURIComponent(user ?? '') || 'default',
    password: decodeURIComponent(password ?? ''),
    secure: scheme!.toLowerCase() === 'clickhouses',
  };
}

/** The address without its password, for messages and `store stats`. */
export function describeAddress(a: ClickHouseAddress): string {
  const hosts = a.shards.map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`).join(',');
  return `clickhouse${a.secure ? 's' : ''}://${hosts}/${a.database}${a.cluster !== null ? `?cluster=${a.cluster}` : ''}`;
}
