/**
 * The real-time settings of `haetae serve`, from `haetae.yaml` (the same file the CLI
 * reads: the working directory's, else the data directory's):
 *
 * ```yaml
 * alerts:
 *   sinks:
 *     - { type: webhook, url: "https://hooks.example.com/haetae", headers: { Authorization: "Bearer …" } }
 *     - { type: syslog, host: 10.0.0.5, port: 514, protocol: udp }     # RFC 5424; tcp uses octet counting
 *     - { type: file, path: alerts.ndjson }                             # relative to the data directory
 *   # per sink, optional: queue: 10000, backoff: 1s, max_backoff: 5m, max_attempts: 10
 * feeds:
 *   - { name: blocklist, url: "https://feeds.example.com/ip.txt", type: ip, refresh: 1h }
 *   - { name: bad_hashes, file: /etc/haetae/hashes.txt, type: hash, refresh: 10m }
 * rules:
 *   enabled: true                 # live rules on every ingested event (default true)
 *   packs: [iis-webshell]         # built-in packs (default: all)
 *   dirs: [/etc/haetae/sigma]     # more Sigma rule files or folders
 *   allowlist: allowlist.yml      # the iis-webshell pack's allowlist (default: the pack's own)
 *   min_level: low                # matches of lower rules are not alerts
 *   throttle: { window: 60s, key: [host] }
 * ```
 *
 * Paths are taken as the operator wrote them (absolute, or relative to the data
 * directory): the file is the operator's, so its paths are trusted — unlike paths sent
 * to the API (feeds.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { parseTimespan } from '../detect/correlation/index.js';
import { LEVELS, PACK_NAMES, type Level, type PackName } from '../detect/index.js';

/** How a sink retries: a bounded queue, exponential backoff between attempts. */
export interface RetrySettings {
  /** Alerts waiting per sink; beyond it the oldest is dropped (counted). */
  readonly queue: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Attempts per alert before it is given up (counted as failed). */
  readonly maxAttempts: number;
}

/** A webhook: each alert is POSTed as JSON. */
export interface WebhookSinkSettings { readonly type: 'webhook'; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly timeoutMs: number }
/** Syslog out, RFC 5424 (UDP: one datagram per alert; TCP: octet-counting framing, RFC 6587). */
export interface SyslogSinkSettings { readonly type: 'syslog'; readonly host: string; readonly port: number; readonly protocol: 'udp' | 'tcp'; readonly facility: number }
/** A file: one JSON alert per line, appended. */
export interface FileSinkSettings { readonly type: 'file'; readonly path: string }
/** One alert sink. */
export type SinkSettings = (WebhookSinkSettings | SyslogSinkSettings | FileSinkSettings) & { readonly retry: RetrySettings };

/** Deduplication: one alert per (name, key) per window; `key` lists the fields that make the key. */
export interface ThrottleSettings {
  readonly windowMs: number;
  /** Fields whose values form the key (default: all of the alert's fields). */
  readonly key?: readonly string[];
}

/** The kinds of threat-intel feed. */
export const FEED_TYPES = ['ip', 'domain', 'hash'] as const;
/** One of {@link FEED_TYPES}. */
export type FeedType = (typeof FEED_TYPES)[number];

/** A feed: a list fetched from a URL or read from a file, refreshed on a schedule. */
export interface FeedSettings {
  readonly name: string;
  readonly url?: string;
  readonly file?: string;
  readonly type: FeedType;
  readonly refreshMs: number;
}

/** Live rules. */
export interface RuleSettings {
  readonly enabled: boolean;
  readonly packs: readonly PackName[];
  readonly dirs: readonly string[];
  readonly allowlist?: string;
  readonly minLevel: Level;
  readonly throttle?: ThrottleSettings;
}

/** Everything the real-time modules read from `haetae.yaml`. */
export interface RealtimeSettings {
  readonly sinks: readonly SinkSettings[];
  readonly feeds: readonly FeedSettings[];
  readonly rules: RuleSettings;
  /** Seconds between SSE heartbeat comments (default 15). */
  readonly heartbeatMs?: number;
}

/** A mistake in `haetae.yaml`'s real-time sections; the message names the file and the setting. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Default retry of a sink: 1 s, doubling up to 5 min, 10 attempts, 10,000 queued. */
export const DEFAULT_RETRY: RetrySettings = { queue: 10_000, initialBackoffMs: 1000, maxBackoffMs: 300_000, maxAttempts: 10 };

/** Settings with nothing configured: no sinks, no feeds, every built-in pack live. */
export function defaultRealtimeSettings(): RealtimeSettings {
  return { sinks: [], feeds: [], rules: { enabled: true, packs: [...PACK_NAMES], dirs: [], minLevel: 'informational' } };
}

/** Names of streams and feeds: a letter, then letters, digits or `_` (they name tables and URL parts). */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/**
 * A duration setting in ms: a number of seconds, or a number and a unit letter
 * (`90s`, `5m`, `1h`, `1d`, `1w`); `0` (number or text) is zero. Returns the problem as a string.
 *
 * @example
 * durationMs('60s') // 60000
 * durationMs(0)     // 0
 */
export function durationMs(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : `${v} is not a number of seconds ≥ 0`;
  if (v === '0') return 0;
  const t = parseTimespan(v);
  return typeof t === 'string' ? t : t.ms;
}

/** Reads one section's values, failing with `file: path: problem`. */
class Reader {
  constructor(private readonly file: string) {}

  fail(path: string, message: string): never {
    throw new SettingsError(`${this.file}: ${path}: ${message}`);
  }

  map(v: unknown, path: string): Record<string, unknown> {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'expected a mapping');
    return v as Record<string, unknown>;
  }

  list(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(path, 'expected a list');
    return v;
  }

  known(m: Record<string, unknown>, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(m)) if (!keys.includes(k)) this.fail(`${path}.${k}`, `unknown setting (known: ${keys.join(', ')})`);
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, 'expected a non-empty string');
    return v;
  }

  strings(v: unknown, path: string): string[] {
    return this.list(v, path).map((x, i) => this.string(x, `${path}[${i}]`));
  }

  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `expected a whole number from ${min} to ${max}`);
    return v;
  }

  duration(v: unknown, path: string): number {
    const ms = durationMs(v);
    if (typeof ms === 'string') this.fail(path, ms);
    return ms;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(path, `expected one of ${allowed.join(', ')}`);
    return v as T;
  }
}

/** A throttle setting (`{window: 60s, key: [host]}`), or undefined when absent. */
export function throttleSettings(v: unknown, path: string, file: string): ThrottleSettings | undefined {
  const r = new Reader(file);
  if (v === undefined || v === null) return undefined;
  const m = r.map(v, path);
  r.known(m, path, ['window', 'key']);
  const windowMs = r.duration(m['window'], `${path}.window`);
  return { windowMs, ...(m['key'] !== undefined ? { key: r.strings(m['key'], `${path}.key`) } : {}) };
}

function retrySettings(r: Reader, m: Record<string, unknown>, path: string): RetrySettings {
  return {
    queue: m['queue'] === undefined ? DEFAULT_RETRY.queue : r.int(m['queue'], `${path}.queue`, 1, 10_000_000),
    initialBackoffMs: m['backoff'] === undefined ? DEFAULT_RETRY.initialBackoffMs : r.duration(m['backoff'], `${path}.backoff`),
    maxBackoffMs: m['max_backoff'] === undefined ? DEFAULT_RETRY.maxBackoffMs : r.duration(m['max_backoff'], `${path}.max_backoff`),
    maxAttempts: m['max_attempts'] === undefined ? DEFAULT_RETRY.maxAttempts : r.int(m['max_attempts'], `${path}.max_attempts`, 1, 1000),
  };
}

const RETRY_KEYS = ['queue', 'backoff', 'max_backoff', 'max_attempts'];

function sinkSettings(r: Reader, v: unknown, path: string, dataDir: string): SinkSettings {
  const m = r.map(v, path);
  const type = r.oneOf(m['type'], `${path}.type`, ['webhook', 'syslog', 'file'] as const);
  const retry = retrySettings(r, m, path);
  switch (type) {
    case 'webhook': {
      r.known(m, path, ['type', 'url', 'headers', 'timeout', ...RETRY_KEYS]);
      const url = r.string(m['url'], `${path}.url`);
      let parsed: URL;
      try { parsed = new URL(url); } catch { r.fail(`${path}.url`, `'${url}' is not a URL`); }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.fail(`${path}.url`, 'only http and https webhooks');
      const headers = r.map(m['headers'], `${path}.headers`);
      for (const [k, x] of Object.entries(headers)) r.string(x, `${path}.headers.${k}`);
      return { type, url, headers: headers as Record<string, string>, timeoutMs: m['timeout'] === undefined ? 10_000 : r.duration(m['timeout'], `${path}.timeout`), retry };
    }
    case 'syslog':
      r.known(m, path, ['type', 'host', 'port', 'protocol', 'facility', ...RETRY_KEYS]);
      return {
        type, host: r.string(m['host'], `${path}.host`), port: m['port'] === undefined ? 514 : r.int(m['port'], `${path}.port`, 1, 65535),
        protocol: m['protocol'] === undefined ? 'udp' : r.oneOf(m['protocol'], `${path}.protocol`, ['udp', 'tcp'] as const),
        // RFC 5424 §6.2.1: facility 16 is local0, a site's own choice.
        facility: m['facility'] === undefined ? 16 : r.int(m['facility'], `${path}.facility`, 0, 23), retry,
      };
    case 'file': {
      r.known(m, path, ['type', 'path', ...RETRY_KEYS]);
      const p = r.string(m['path'], `${path}.path`);
      return { type, path: isAbsolute(p) ? p : join(dataDir, p), retry };
    }
  }
}

/**
 * A feed definition (from `haetae.yaml` or the API body, same names): name, `url` or
 * `file`, type, refresh. Throws {@link SettingsError} naming the setting.
 *
 * @example
 * feedSettings({ name: 'blocklist', url: 'http://127.0.0.1:8080/ip.txt', type: 'ip', refresh: '1h' }, 'feeds[0]', 'haetae.yaml')
 */
export function feedSettings(v: unknown, path: string, file: string): FeedSettings {
  const r = new Reader(file);
  const m = r.map(v, path);
  r.known(m, path, ['name', 'url', 'file', 'type', 'refresh']);
  const name = r.string(m['name'], `${path}.name`);
  if (!NAME_PATTERN.test(name)) r.fail(`${path}.name`, `'${name}' must start with a letter and hold only letters, digits and _ (it names the table feed_${name})`);
  if ((m['url'] === undefined) === (m['file'] === undefined)) r.fail(path, 'give either url or file');
  const refreshMs = m['refresh'] === undefined ? 3_600_000 : r.duration(m['refresh'], `${path}.refresh`);
  if (refreshMs < 1000) r.fail(`${path}.refresh`, 'at least 1s');
  return {
    name, type: r.oneOf(m['type'], `${path}.type`, FEED_TYPES), refreshMs,
    ...(m['url'] !== undefined ? { url: r.string(m['url'], `${path}.url`) } : { file: r.string(m['file'], `${path}.file`) }),
  };
}

function ruleSettings(r: Reader, v: unknown, file: string): RuleSettings {
  const m = r.map(v, 'rules');
  r.known(m, 'rules', ['enabled', 'packs', 'dirs', 'allowlist', 'min_level', 'throttle']);
  const packs = m['packs'] === undefined ? [...PACK_NAMES] : r.list(m['packs'], 'rules.packs').map((p, i) => r.oneOf(p, `rules.packs[${i}]`, PACK_NAMES));
  if (m['enabled'] !== undefined && typeof m['enabled'] !== 'boolean') r.fail('rules.enabled', 'expected true or false');
  const throttle = throttleSettings(m['throttle'], 'rules.throttle', file);
  return {
    enabled: m['enabled'] !== false, packs, dirs: r.strings(m['dirs'], 'rules.dirs'),
    ...(m['allowlist'] !== undefined ? { allowlist: r.string(m['allowlist'], 'rules.allowlist') } : {}),
    minLevel: m['min_level'] === undefined ? 'informational' : r.oneOf(m['min_level'], 'rules.min_level', LEVELS),
    ...(throttle ? { throttle } : {}),
  };
}

/**
 * The real-time settings in a parsed `haetae.yaml` document. Relative paths are taken
 * from the data directory.
 *
 * @example
 * const s = parseRealtimeSettings(parse(text), 'haetae.yaml', './haetae-data');
 */
export function parseRealtimeSettings(doc: unknown, file: string, dataDir: string): RealtimeSettings {
  const r = new Reader(file);
  const root = r.map(doc, '(top level)');
  const alerts = r.map(root['alerts'], 'alerts');
  r.known(alerts, 'alerts', ['sinks']);
  const at = (p: string): string => (isAbsolute(p) ? p : join(dataDir, p));
  const rules = ruleSettings(r, root['rules'], file);
  return {
    sinks: r.list(alerts['sinks'], 'alerts.sinks').map((s, i) => sinkSettings(r, s, `alerts.sinks[${i}]`, dataDir)),
    feeds: r.list(root['feeds'], 'feeds').map((f, i) => {
      const feed = feedSettings(f, `feeds[${i}]`, file);
      return feed.file !== undefined ? { ...feed, file: at(feed.file) } : feed;
    }),
    rules: { ...rules, dirs: rules.dirs.map(at), ...(rules.allowlist !== undefined ? { allowlist: at(rules.allowlist) } : {}) },
  };
}

/**
 * Reads the real-time settings of a server from `haetae.yaml` (the working directory's,
 * else the data directory's, as the CLI looks); defaults when there is none.
 */
export function readRealtimeSettings(dataDir: string): RealtimeSettings {
  const file = [join(process.cwd(), 'haetae.yaml'), join(dataDir, 'haetae.yaml')].find((f) => existsSync(f));
  if (file === undefined) return defaultRealtimeSettings();
  let doc: unknown;
  try { doc = parse(readFileSync(file, 'utf8')); } catch (e) { throw new SettingsError(`${file}: not valid YAML: ${(e as Error).message}`); }
  return parseRealtimeSettings(doc ?? {}, file, dataDir);
}
