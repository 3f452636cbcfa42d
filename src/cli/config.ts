/**
 * `haetae.yaml`: the operator's settings. Looked for in the working directory, then in
 * the data directory; every key is optional.
 *
 * ```yaml
 * data: ./haetae-data          # data directory (the --data option wins)
 * store: clickhouse://10.0.0.5:8123,10.0.0.6:8123/haetae?cluster=logs
 *                               # a ClickHouse cluster instead of the embedded store (--store wins)
 * wget:
 *   allow_hosts: [127.0.0.1, "*.abuse.ch"]   # the only hosts `wget` may reach
 * tables:                       # channel → table, overriding the default mapping
 *   Microsoft-Windows-PowerShell/Operational: powershell
 * serve:                        # haetae serve (flags win)
 *   host: 127.0.0.1
 *   port: 8514
 *   tls_cert: cert.pem          # HTTPS when both are given
 *   tls_key: key.pem
 *   max_body_mb: 64
 *   query_timeout_s: 30
 *   query_max_rows: 100000
 *   max_queued_events: 500000
 *   syslog_tcp_port: 6514        # syslog receivers (off unless set)
 *   syslog_udp_port: 514
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './args.js';

/** Default data directory. */
export const DEFAULT_DATA_DIR = 'haetae-data';

/** The settings Haetae uses, with defaults filled in. */
export interface HaetaeConfig {
  readonly dataDir: string;
  /** A `clickhouse://` store address (absent: the embedded store in `dataDir`). */
  readonly store?: string;
  /** Where the settings came from, or undefined when no file was found. */
  readonly file?: string;
  readonly wget: { readonly allowHosts: readonly string[] };
  /** Channel → table overrides. */
  readonly tables: Readonly<Record<string, string>>;
  /** The `serve:` settings, checked (names as in the file). */
  readonly serve: Readonly<ServeSettings>;
}

/** `haetae.yaml`'s `serve:` section. */
export interface ServeSettings {
  host?: string;
  port?: number;
  tls_cert?: string;
  tls_key?: string;
  max_body_mb?: number;
  query_timeout_s?: number;
  query_max_rows?: number;
  max_queued_events?: number;
  syslog_tcp_port?: number;
  syslog_udp_port?: number;
}

const SERVE_STRINGS = ['host', 'tls_cert', 'tls_key'] as const;
const SERVE_NUMBERS = ['port', 'max_body_mb', 'query_timeout_s', 'query_max_rows', 'max_queued_events', 'syslog_tcp_port', 'syslog_udp_port'] as const;

function serveSettings(v: unknown, file: string): ServeSettings {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${file}: serve must be a mapping of settings`);
  const out: Record<string, string | number> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if ((SERVE_STRINGS as readonly string[]).includes(k) && typeof x === 'string') out[k] = x;
    else if ((SERVE_NUMBERS as readonly string[]).includes(k) && typeof x === 'number' && Number.isFinite(x) && x >= 0) out[k] = x;
    else throw new UsageError(`${file}: serve.${k}: ${[...SERVE_STRINGS, ...SERVE_NUMBERS].includes(k as never) ? 'wrong type' : `unknown setting (known: ${[...SERVE_STRINGS, ...SERVE_NUMBERS].join(', ')})`}`);
  }
  return out as ServeSettings;
}

function stringList(v: unknown, what: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UsageError(`${file}: ${what} must be a list of strings`);
  return v as string[];
}

/**
 * Reads `haetae.yaml` (working directory first, then the data directory).
 *
 * @example
 * const config = loadConfig(argv.data); // config.wget.allowHosts
 */
export function loadConfig(dataDirOption?: string): HaetaeConfig {
  const candidates = [join(process.cwd(), 'haetae.yaml'), join(dataDirOption ?? DEFAULT_DATA_DIR, 'haetae.yaml')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return { dataDir: dataDirOption ?? DEFAULT_DATA_DIR, wget: { allowHosts: [] }, tables: {}, serve: {} };
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  if (typeof root !== 'object' || Array.isArray(root)) throw new UsageError(`${file}: expected a mapping of settings`);
  const wget = (root['wget'] ?? {}) as Record<string, unknown>;
  const tables = (root['tables'] ?? {}) as Record<string, unknown>;
  if (typeof tables !== 'object' || Array.isArray(tables) || Object.values(tables).some((t) => typeof t !== 'string')) {
    throw new UsageError(`${file}: tables must map channel names to table names`);
  }
  const data = root['data'];
  if (data !== undefined && typeof data !== 'string') throw new UsageError(`${file}: data must be a directory path`);
  const store = root['store'];
  if (store !== undefined && typeof store !== 'string') throw new UsageError(`${file}: store must be a clickhouse:// address`);
  return {
    dataDir: dataDirOption ?? data ?? DEFAULT_DATA_DIR,
    file,
    ...(store !== undefined ? { store } : {}),
    wget: { allowHosts: stringList(wget['allow_hosts'], 'wget.allow_hosts', file) },
    tables: tables as Record<string, string>,
    serve: serveSettings(root['serve'], file),
  };
}
