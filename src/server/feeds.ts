/**
 * Threat-intel feeds (a server module): IP, domain and hash lists fetched from a URL or
 * read from a file, refreshed on a schedule, each kept as the store table
 * `feed_<name>` — one row per item: `_time` (the refresh), `feed`, and `ip` (or
 * `network` for a CIDR), `domain` or `hash`; an IPv6 address has two rows, its
 * compressed form and the uncompressed one Sysmon writes (feed-parse.ts). Stored queries, stream queries (as a static
 * join or lookup: stream-definition.ts) and people read the same table:
 *
 *     table sysmon | search event_id == 3
 *     | join DestinationIp [ table feed_blocklist | fields ip | rename ip as DestinationIp ]
 *
 * Where a feed may come from:
 * - a URL only on a host of the operator's allowlist (`wget.allow_hosts`), checked when
 *   the feed is defined and on every fetch, redirects included (the `wget` client);
 * - a file named in `haetae.yaml` anywhere (the operator's own file), but a file named
 *   through the API only inside `<data>/feeds/`, given relative to it: an admin token
 *   must not read arbitrary files of the server (`..`, absolute paths and symlinks out
 *   of that folder are refused).
 *
 * A failed refresh keeps the previous list (the error shows in the feed's status).
 * Endpoints: `GET /api/feeds`, `GET /api/feeds/<name>`, and for admins
 * `POST /api/feeds` (defines and fetches at once), `DELETE /api/feeds/<name>`,
 * `POST /api/feeds/<name>/refresh`. Feeds defined by the API persist in `feeds.json`.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { AllowlistWgetClient, newRow, type Row } from '../query/index.js';
import { readDefinitions, writeDefinitions } from './definitions-file.js';
import { addressForms, parseFeed } from './feed-parse.js';
import { HttpError, sendJson, type RequestContext, type Route } from './http.js';
import { jsonBody } from './json-body.js';
import { feedSettings, SettingsError, type FeedSettings } from './realtime-config.js';
import type { HaetaeServer, ServerModule } from './server.js';

/** Longest wait for a feed fetch. */
const FETCH_TIMEOUT_MS = 60_000;
/** Longest the server start waits for the configured feeds' first refresh. */
const START_WAIT_MS = 10_000;

/** The store table of a feed. */
export const feedTable = (name: string): string => `feed_${name}`;

/** A feed and where it stands (GET /api/feeds). */
export interface FeedStatus {
  readonly name: string;
  readonly type: FeedSettings['type'];
  readonly url?: string;
  readonly file?: string;
  /** Seconds between refreshes. */
  readonly refresh: number;
  /** `config` (haetae.yaml) or `api`. */
  readonly origin: 'config' | 'api';
  readonly table: string;
  items: number;
  networks: number;
  skipped: number;
  skippedSample: string[];
  lastRefresh: string | null;
  lastError: string | null;
}

interface Feed {
  readonly settings: FeedSettings;
  readonly status: FeedStatus;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

/**
 * The feeds of a server.
 *
 * @example
 * const feeds = new FeedRegistry(settings.feeds);
 * feeds.onRefresh((name) => streams.refreshSnapshots());
 */
export class FeedRegistry implements ServerModule {
  readonly name = 'feeds';
  private readonly feeds = new Map<string, Feed>();
  private readonly listeners: ((name: string) => Promise<void>)[] = [];
  private server: HaetaeServer | null = null;
  private wget: AllowlistWgetClient | null = null;
  private stopped = false;

  constructor(private readonly configured: readonly FeedSettings[]) {}

  private get file(): string {
    return join(this.server!.options.dataDir, 'feeds.json');
  }

  /** The folder API-defined file feeds must be in. */
  private get folder(): string {
    return resolve(this.server!.options.dataDir, 'feeds');
  }

  async start(server: HaetaeServer): Promise<void> {
    this.server = server;
    this.wget = new AllowlistWgetClient(server.options.allowHosts ?? []);
    server.router.add(...this.routes());
    for (const s of this.configured) {
      // The operator's own feeds obey the allowlist too; a refused one stops the start, named.
      try { if (s.url !== undefined) this.wget.check(s.url); } catch (e) { throw new SettingsError(`feeds: ${s.name}: ${(e as Error).message}`); }
      this.register(s, 'config');
    }
    readDefinitions(this.file).forEach((d, i) => {
      try {
        this.register(this.checkApiFeed(feedSettings(d, `[${i}]`, this.file)), 'api');
      } catch (e) {
        server.log(`feeds: ${this.file} entry ${i} not loaded: ${(e as Error).message}`);
      }
    });
    const first = Promise.all([...this.feeds.keys()].map((n) => this.refresh(n)));
    await Promise.race([first, new Promise((r) => setTimeout(r, START_WAIT_MS).unref())]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.feeds.values()) if (f.timer) clearTimeout(f.timer);
    await Promise.all([...this.feeds.values()].map((f) => f.running?.catch(() => undefined)));
  }

  /** Hears each successful refresh (the feed's name); the refresh completes when the listener's promise does. */
  onRefresh(listener: (name: string) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Every feed's status. */
  list(): FeedStatus[] {
    return [...this.feeds.values()].map((f) => ({ ...f.status }));
  }

  /** Checks where an API-defined feed reads from (see the module comment); returns it with the file resolved. */
  private checkApiFeed(s: FeedSettings): FeedSettings {
    if (s.url !== undefined) this.wget!.check(s.url);
    if (s.file === undefined) return s;
    const full = resolve(this.folder, s.file);
    if (isAbsolute(s.file) || !full.startsWith(this.folder + sep)) {
      throw new SettingsError(`file '${s.file}': a feed file defined through the API must be inside ${this.folder} and given relative to it (files elsewhere: define the feed in haetae.yaml)`);
    }
    return { ...s, file: full };
  }

  private register(s: FeedSettings, origin: 'config' | 'api'): Feed {
    if (this.feeds.has(s.name)) throw new SettingsError(`a feed named '${s.name}' already exists`);
    const feed: Feed = {
      settings: s, timer: null, running: null,
      status: {
        name: s.name, type: s.type, ...(s.url !== undefined ? { url: s.url } : {}), ...(s.file !== undefined ? { file: s.file } : {}),
        refresh: s.refreshMs / 1000, origin, table: feedTable(s.name), items: 0, networks: 0, skipped: 0, skippedSample: [], lastRefresh: null, lastError: null,
      },
    };
    this.feeds.set(s.name, feed);
    return feed;
  }

  private persist(): void {
    writeDefinitions(this.file, [...this.feeds.values()].filter((f) => f.status.origin === 'api').map((f) => {
      const s = f.settings;
      return { name: s.name, type: s.type, refresh: `${s.refreshMs / 1000}s`, ...(s.url !== undefined ? { url: s.url } : { file: s.file!.slice(this.folder.length + 1) }) };
    }));
  }

  /** Fetches or reads a feed now and rewrites its table; the next refresh is scheduled after it. */
  refresh(name: string): Promise<void> {
    const feed = this.feeds.get(name);
    if (feed === undefined) return Promise.reject(new HttpError(404, `no feed '${name}'`));
    feed.running ??= this.load(feed).finally(() => {
      feed.running = null;
      if (feed.timer) clearTimeout(feed.timer);
      if (!this.stopped && this.feeds.get(name) === feed) feed.timer = setTimeout(() => void this.refresh(name), feed.settings.refreshMs);
    });
    return feed.running;
  }

  private async text(s: FeedSettings): Promise<string> {
    if (s.url !== undefined) {
      const res = await this.wget!.fetch(s.url, { method: 'get', timeoutMs: FETCH_TIMEOUT_MS });
      if (res.status < 200 || res.status > 299) throw new Error(`GET ${s.url}: HTTP ${res.status}`);
      return res.body;
    }
    const file = s.file!;
    const feed = this.feeds.get(s.name);
    // A symlink inside the folder must not lead out of it either.
    if (feed?.status.origin === 'api') {
      const real = await realpath(file);
      if (!real.startsWith(await realpath(this.folder) + sep)) throw new Error(`${file} leads outside ${this.folder}`);
    }
    return readFile(file, 'utf8');
  }

  private async load(feed: Feed): Promise<void> {
    const s = feed.settings;
    const status = feed.status;
    try {
      const parsed = parseFeed(await this.text(s), s.type);
      const now = new Date();
      const rows: Row[] = [];
      const column = s.type;
      for (const item of parsed.items) {
        for (const text of s.type === 'ip' ? addressForms(item) : [item]) rows.push(Object.assign(newRow(), { _time: now, feed: s.name, [column]: text }));
      }
      for (const net of parsed.networks) rows.push(Object.assign(newRow(), { _time: now, feed: s.name, network: net }));
      await this.server!.store.writeRows(feedTable(s.name), rows);
      Object.assign(status, { items: parsed.items.length, networks: parsed.networks.length, skipped: parsed.skipped, skippedSample: parsed.skippedSample, lastRefresh: now.toISOString(), lastError: null });
      this.server!.log(`feed ${s.name}: ${parsed.items.length} ${s.type} item(s)${parsed.networks.length ? ` and ${parsed.networks.length} network(s)` : ''}${parsed.skipped ? `, ${parsed.skipped} line(s) skipped` : ''}`);
    } catch (e) {
      status.lastError = `${new Date().toISOString()}: ${(e as Error).message}`;
      this.server!.log(`feed ${s.name}: refresh failed, keeping the previous list: ${(e as Error).message}`);
      return;
    }
    // Stream queries retake their snapshots before the refresh counts as done: events
    // committed after it are matched against the new list.
    await Promise.all(this.listeners.map((l) => l(s.name).catch((e: unknown) => this.server!.log(`feed ${s.name}: a listener failed: ${(e as Error).message}`))));
  }

  private async create(ctx: RequestContext): Promise<void> {
    const body = await jsonBody(ctx, '{"name": "blocklist", "url": "https://…/ip.txt", "type": "ip", "refresh": "1h"}');
    let s: FeedSettings;
    try {
      s = this.checkApiFeed(feedSettings(body, 'feed', 'request'));
    } catch (e) {
      throw new HttpError(400, (e as Error).message.replace(/^request: /, ''));
    }
    if (this.feeds.has(s.name)) throw new HttpError(409, `a feed named '${s.name}' already exists (DELETE it first)`);
    const feed = this.register(s, 'api');
    this.persist();
    await this.refresh(s.name);
    sendJson(ctx.res, 201, { ...feed.status });
  }

  private async remove(name: string, ctx: RequestContext): Promise<void> {
    const feed = this.feeds.get(name);
    if (feed === undefined) throw new HttpError(404, `no feed '${name}'`);
    if (feed.status.origin === 'config') throw new HttpError(409, `feed '${name}' is defined in haetae.yaml; remove it there`);
    this.feeds.delete(name);
    if (feed.timer) clearTimeout(feed.timer);
    await feed.running?.catch(() => undefined);
    this.persist();
    await this.server!.store.dropTable(feedTable(name));
    sendJson(ctx.res, 200, { deleted: name });
  }

  private routes(): Route[] {
    const one = /^\/api\/feeds\/(?<name>[^/]+)$/;
    const status = (name: string): FeedStatus => {
      const f = this.feeds.get(name);
      if (f === undefined) throw new HttpError(404, `no feed '${name}'`);
      return { ...f.status };
    };
    return [
      { method: 'GET', path: '/api/feeds', role: 'read', handle: (ctx) => sendJson(ctx.res, 200, { feeds: this.list() }) },
      { method: 'POST', path: '/api/feeds', role: 'admin', handle: (ctx) => this.create(ctx) },
      { method: 'GET', path: one, role: 'read', handle: (ctx) => sendJson(ctx.res, 200, status(ctx.params['name']!)) },
      { method: 'DELETE', path: one, role: 'admin', handle: (ctx) => this.remove(ctx.params['name']!, ctx) },
      {
        method: 'POST', path: /^\/api\/feeds\/(?<name>[^/]+)\/refresh$/, role: 'admin',
        handle: async (ctx) => { await this.refresh(ctx.params['name']!); sendJson(ctx.res, 200, status(ctx.params['name']!)); },
      },
    ];
  }
}
