/**
 * `haetae serve`: run the server — collect events from shippers, store them in the data
 * directory's DuckDB database or a ClickHouse cluster (`--store`), answer queries, run
 * stream queries and rules, raise alerts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { DEMO_HOSTS, DEMO_STORY, demoDataset } from '../../demo/index.js';
import { ForensicsModule } from '../../forensics/routes.js';
import { ElasticEndpoint } from '../../server/elastic.js';
import { realtimeModules } from '../../server/realtime.js';
import { HaetaeServer, StoreOpenError, type ServerModule } from '../../server/server.js';
import { SettingsError } from '../../server/realtime-config.js';
import { SyslogReceiver } from '../../server/syslog.js';
import { TokenStore, tokensFile } from '../../server/tokens.js';
import { UiStatic } from '../../server/ui-static.js';
import { flag, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { loadConfig } from '../config.js';
import { storeOptionHelp, storeSpec } from '../store-at.js';

export const usage = `Usage: haetae serve [--data DIR] [--store URL] [--host H] [--port P] [--tls-cert F --tls-key F]
                   [--syslog-tcp P] [--syslog-udp P] [--demo]

Run the Haetae server: an HTTP API on the data directory's embedded DuckDB store, or on a
ClickHouse cluster (--store). Several servers may share one cluster, each with its own
--data directory: split the endpoints between them by host (live rules and stream
queries see the events their server receives; README "Several collectors, one cluster").
Every API call needs a token (haetae token create); GET /api/health does not.

  POST /api/ingest          NDJSON in any JSON shape haetae reads, or an EVTX / XML upload
                            (Idempotency-Key header: a resent batch is stored once)
  GET  /api/ingest/stats    per-source counters
  POST /api/query           {"query": "table sysmon | stats count by Image", "limit": 1000}
  GET  /api/tables          tables with counts and time ranges
  GET  /api/alerts          stored alerts (?since=&limit=&source=&name=&min_level=)
  GET  /api/alerts/stream   alerts as Server-Sent Events (?access_token= for EventSource)
  /api/streams, /api/feeds  stream queries and threat-intel feeds (haetae stream --help)
  GET  /api/rules           the live rules and their cost per event
  POST /_bulk               Elasticsearch bulk API: point Winlogbeat / Elastic Agent here
                            (api_key "id:token", or username + password = token)

Options:
  -d, --data <dir>      data directory (default ./haetae-data): tokens, streams, feeds,
                        and the database or the ClickHouse spool
${storeOptionHelp(24)}
      --host <addr>     interface to listen on (default 127.0.0.1)
  -p, --port <port>     TCP port (default 8514)
      --tls-cert <f>    PEM certificate: serve HTTPS (with --tls-key)
      --tls-key <f>     PEM private key
      --syslog-tcp <p>  receive syslog over TCP on port p (NXLog, Snare; RFC 5424/3164,
                        octet-counted or line framing); 0 picks a free port
      --syslog-udp <p>  receive syslog over UDP on port p (dropped, and counted, when full)
      --demo            with an empty data directory: load the demo dataset first (an
                        IIS webshell intrusion) and create an admin token if none exists
  -h, --help            show this help

Settings may also come from haetae.yaml (serve: host, port, tls_cert, tls_key,
max_body_mb, query_timeout_s, query_max_rows, max_queued_events, syslog_tcp_port,
syslog_udp_port); flags win.
SIGINT/SIGTERM stop the server gracefully: queued events are committed first.`;

/** Whether a data directory holds no database yet (`demo/` is where `haetae demo` writes its EVTX files). */
function isEmptyDataDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).every((n) => n === 'haetae.yaml' || n === 'tokens.json' || n === 'demo');
}

/** What the command line and haetae.yaml say about the feature modules. */
export interface ModuleSettings {
  readonly syslogTcpPort?: number;
  readonly syslogUdpPort?: number;
}

/** Feature modules of the server (ingest paths, streams, rules, alerts), in start order. */
export function serverModules(settings: ModuleSettings = {}): ServerModule[] {
  return [
    ...realtimeModules(),
    new ForensicsModule(),
    new UiStatic(),
    // Ingest paths start last (and stop first): live rules and streams listen before the first event.
    new ElasticEndpoint(),
    ...(settings.syslogTcpPort !== undefined || settings.syslogUdpPort !== undefined ? [new SyslogReceiver({ tcpPort: settings.syslogTcpPort, udpPort: settings.syslogUdpPort })] : []),
  ];
}

/**
 * Starts the server; a mistake in haetae.yaml's real-time sections or a port in use is a
 * usage error naming the setting, not an internal error with a stack trace.
 */
async function startOrExplain(options: Parameters<typeof HaetaeServer.start>[0]): Promise<HaetaeServer> {
  try {
    return await HaetaeServer.start(options);
  } catch (e) {
    if (e instanceof SettingsError) throw new UsageError(e.message);
    if (e instanceof StoreOpenError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new UsageError(`cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 8514}: ${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}`);
    throw e;
  }
}

/** A port flag: 0 (any free port) or a positive integer; the fallback when absent. */
function portFlag(text: string | undefined, name: string, fallback: number | undefined): number | undefined {
  return text === '0' ? 0 : text === undefined ? fallback : positiveInt(text, name, 0);
}

/** Runs `haetae serve` until a signal stops it. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    store: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'syslog-tcp': { type: 'string' },
    'syslog-udp': { type: 'string' },
    demo: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const config = loadConfig(str(cl, 'data'));
  const s = config.serve;
  const cert = str(cl, 'tls-cert') ?? s.tls_cert;
  const key = str(cl, 'tls-key') ?? s.tls_key;
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('give both --tls-cert and --tls-key for HTTPS');
  const portText = str(cl, 'port');
  const port = portText === '0' ? 0 : positiveInt(portText, 'port', s.port ?? 8514);
  const store = storeSpec(str(cl, 'store'), config.store);
  const seedDemo = flag(cl, 'demo') && isEmptyDataDir(config.dataDir);

  let server: HaetaeServer;
  try {
    server = await startOrExplain({
      dataDir: config.dataDir,
      ...(store !== undefined ? { store } : {}),
      host: str(cl, 'host') ?? s.host,
      port,
      ...(cert !== undefined && key !== undefined ? { tls: { cert, key } } : {}),
      ...(s.max_body_mb !== undefined ? { maxBodyBytes: s.max_body_mb * 1024 * 1024 } : {}),
      ...(s.query_timeout_s !== undefined ? { queryTimeoutMs: s.query_timeout_s * 1000 } : {}),
      ...(s.query_max_rows !== undefined ? { queryMaxRows: s.query_max_rows } : {}),
      ...(s.max_queued_events !== undefined ? { maxQueuedEvents: s.max_queued_events } : {}),
      allowHosts: config.wget.allowHosts,
      tables: config.tables,
      modules: serverModules({
        syslogTcpPort: portFlag(str(cl, 'syslog-tcp'), 'syslog-tcp', s.syslog_tcp_port),
        syslogUdpPort: portFlag(str(cl, 'syslog-udp'), 'syslog-udp', s.syslog_udp_port),
      }),
    });
  } catch (e) {
    // The cluster unreachable, the database file locked: said in one line, exit 1.
    if (e instanceof StoreOpenError) { process.stderr.write(`haetae serve: ${e.message}\n`); return 1; }
    throw e;
  }
  server.log(`haetae serving ${store === undefined ? config.dataDir : `${server.store.path} (spool and settings in ${config.dataDir})`} at ${server.url}`);
  if (flag(cl, 'demo')) {
    if (seedDemo) {
      const events = demoDataset();
      await server.ingest.submit(events, { kind: 'demo', name: 'demo dataset' });
      server.log(`demo: loaded ${events.length} events of a day on ${DEMO_HOSTS} hosts (an IIS webshell on ${DEMO_STORY.webHost}, its tool run again on ${DEMO_STORY.lateralHost})`);
    }
    const tokens = new TokenStore(tokensFile(config.dataDir));
    if (tokens.list().length === 0) {
      const { token } = tokens.create('demo admin', 'admin');
      server.log(`demo: created an admin token (shown once): ${token}`);
      server.log(`try: curl -s -H "Authorization: Bearer ${token}" ${server.url}/api/query -d '{"query":"table sysmon | search event_id == 1 | stats count by Image | sort -count"}'`);
    }
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => { server.log(`${signal}: stopping (committing queued events)`); resolve(); };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  server.log('stopped');
  return 0;
}
