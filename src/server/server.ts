/**
 * `haetae serve`: the HTTP API on the store — the embedded DuckDB store in the data
 * directory, or a ClickHouse cluster (`store`: several servers may share one cluster, each
 * with its own data directory, see README "Several collectors, one cluster"). The server
 * owns its store handle, the ingest queue, the token store and the router;
 * features plug in as {@link ServerModule}s (ingest paths, stream queries, live rules,
 * alerts), each started after the store opens and stopped before it closes.
 *
 * Shutdown is graceful: stop accepting connections, stop the modules (listeners close,
 * streams flush), commit what is queued, close the store. SIGINT/SIGTERM do this.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { TableMapping, type Store } from '../store/index.js';
import { openStoreAt } from '../store/open.js';
import { Router } from './http.js';
import { IngestQueue } from './ingest-queue.js';
import { coreRoutes } from './routes-core.js';
import { TokenStore, tokensFile } from './tokens.js';

/** Settings of a server (from flags and `haetae.yaml`'s `serve:` section). */
export interface ServerOptions {
  /** Tokens, stream and feed definitions; the DuckDB database, or the ClickHouse store's spool. */
  readonly dataDir: string;
  /** A `clickhouse://` store address; absent: the DuckDB store in `dataDir`. */
  readonly store?: string;
  /** Interface to listen on (default 127.0.0.1: exposing the API is a deliberate choice). */
  readonly host?: string;
  /** TCP port (default 8514; 0 picks a free one). */
  readonly port?: number;
  /** TLS certificate and key files (PEM): HTTPS when both are given. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Largest request body in bytes (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** A query's time budget in ms (default 30,000). */
  readonly queryTimeoutMs?: number;
  /** Rows a query may return (default 100,000): the memory budget of one answer. */
  readonly queryMaxRows?: number;
  /** Events queued before ingest answers 429 (default 500,000). */
  readonly maxQueuedEvents?: number;
  /** Hosts `wget` and feeds may reach. */
  readonly allowHosts?: readonly string[];
  /** Channel → table overrides. */
  readonly tables?: Readonly<Record<string, string>>;
  /** Feature modules to start (ingest paths, streams, rules, alerts). */
  readonly modules?: readonly ServerModule[];
  /** Where the server logs (default stderr). */
  readonly log?: (line: string) => void;
}

/** The store could not be opened (a ClickHouse cluster unreachable, the database in use): nothing started. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

/** A feature of the server, started once the store is open. */
export interface ServerModule {
  readonly name: string;
  start(server: HaetaeServer): Promise<void>;
  stop(): Promise<void>;
}

/** A running server. */
export class HaetaeServer {
  private constructor(
    readonly options: ServerOptions,
    readonly store: Store,
    readonly ingest: IngestQueue,
    readonly tokens: TokenStore,
    readonly router: Router,
    private readonly http: HttpServer,
    readonly log: (line: string) => void,
  ) {}

  private modules: ServerModule[] = [];
  private closing: Promise<void> | null = null;

  /** The base URL clients use. */
  get url(): string {
    const a = this.http.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${a.port}`;
  }

  /** Opens the store, starts the modules and listens. */
  static async start(options: ServerOptions): Promise<HaetaeServer> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`));
    mkdirSync(options.dataDir, { recursive: true });
    // A ClickHouse store's notices (a shard down, batches waiting in the spool) are the operator's to see.
    let store: Store;
    try {
      store = await openStoreAt(options.store, { dataDir: options.dataDir, onNotice: (m) => log(`store: ${m}`) });
    } catch (e) {
      throw new StoreOpenError((e as Error).message, { cause: e });
    }
    const mapping = new TableMapping(options.tables ?? {});
    const ingest = new IngestQueue(store, {
      maxQueuedEvents: options.maxQueuedEvents,
      tableFor: (channel) => mapping.tableFor(channel),
      onListenerError: (e) => log(`a committed-events listener failed: ${e.stack ?? e.message}`),
    });
    const tokens = new TokenStore(tokensFile(options.dataDir));
    const router = new Router(tokens, log);
    const handler = (req: Parameters<Router['handle']>[0], res: Parameters<Router['handle']>[1]): void => { void router.handle(req, res); };
    const http = options.tls
      ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) }, handler)
      : createHttpServer(handler);
    // Slow or idle clients must not hold sockets forever.
    http.requestTimeout = 120_000;
    http.headersTimeout = 30_000;
    const server = new HaetaeServer(options, store, ingest, tokens, router, http, log);
    router.add(...coreRoutes(server));
    try {
      for (const m of options.modules ?? []) { await m.start(server); server.modules.push(m); }
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port ?? 8514, options.host ?? '127.0.0.1', () => { http.off('error', reject); resolve(); });
      });
    } catch (e) {
      await server.close();
      throw e;
    }
    return server;
  }

  /** Stops listening, stops the modules, commits what is queued and closes the store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => { if (this.http.listening) this.http.close(() => resolve()); else resolve(); });
      this.http.closeIdleConnections();
      for (const m of [...this.modules].reverse()) {
        try { await m.stop(); } catch (e) { this.log(`module ${m.name} did not stop cleanly: ${(e as Error).message}`); }
      }
      await this.ingest.close();
      // Requests still running get a moment; then their sockets go.
      const timer = setTimeout(() => this.http.closeAllConnections(), 5000);
      await closed;
      clearTimeout(timer);
      await this.store.close();
    })();
    return this.closing;
  }
}
