/**
 * Stream queries (a server module; spec query-language.md "Stream queries"): background
 * queries over incoming events, in input order, until stopped. Each committed event
 * becomes the row its table would return (stream-rows.ts) and goes to every enabled
 * stream query reading that table; each output row becomes an alert (source `stream`,
 * name = the stream's name) and goes to the stream queries that read this one.
 *
 * Definitions persist in `<data>/streams.json` and are restored (and restarted) when
 * the server starts. Endpoints: `GET /api/streams`, `GET /api/streams/<name>` (role
 * read); `POST /api/streams`, `PUT|DELETE /api/streams/<name>`,
 * `POST /api/streams/<name>/enable|disable` (role admin). A definition is only accepted
 * once it compiled and started (its join snapshots were taken): a mistake is an
 * answer, not a broken stream.
 */
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { AllowlistWgetClient, copyRow, type Row } from '../query/index.js';
import { TableMapping } from '../store/index.js';
import { compactFields } from './alert-model.js';
import type { AlertCenter } from './alerts.js';
import { readDefinitions, writeDefinitions } from './definitions-file.js';
import { EventTap } from './event-tap.js';
import type { FeedRegistry } from './feeds.js';
import { HttpError, sendJson, type RequestContext, type Route } from './http.js';
import { jsonBody } from './json-body.js';
import type { HaetaeServer, ServerModule } from './server.js';
import { compileStream, parseStreamDefinition, sourceMatches, StreamDefinitionError, type StreamDefinition } from './stream-definition.js';
import { eventRow } from './stream-rows.js';
import { StreamRunner, type StreamEnv } from './stream-runner.js';

/** The API's view of a stream query. */
export interface StreamStatus extends StreamDefinition {
  readonly sources: readonly string[];
  readonly mode: 'per-event' | 'window';
  readonly state: StreamRunner['state'];
  readonly error: string | null;
  readonly stats: StreamRunner['stats'] | null;
}

const EXAMPLE = '{"name": "blocklist", "query": "table sysmon | search event_id == 3 | …", "interval": 0, "level": "high"}';

/**
 * The stream queries of a server.
 *
 * @example
 * const streams = new StreamQueries(alerts, feeds);
 * // passed in ServerOptions.modules after the AlertCenter and the FeedRegistry
 */
export class StreamQueries implements ServerModule {
  readonly name = 'stream queries';
  private readonly defs = new Map<string, StreamDefinition>();
  private readonly runners = new Map<string, StreamRunner>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Table → the runners reading its events (rebuilt when streams change). */
  private bySource = new Map<string, StreamRunner[]>();
  private server: HaetaeServer | null = null;
  private env: StreamEnv | null = null;
  private mapping = new TableMapping();
  private tap: EventTap | null = null;

  constructor(private readonly alerts: AlertCenter, private readonly feeds: FeedRegistry | null) {}

  private get file(): string {
    return join(this.server!.options.dataDir, 'streams.json');
  }

  async start(server: HaetaeServer): Promise<void> {
    this.server = server;
    this.mapping = new TableMapping(server.options.tables ?? {});
    this.env = { store: server.store, wget: new AllowlistWgetClient(server.options.allowHosts ?? []), log: server.log };
    server.router.add(...this.routes());
    readDefinitions(this.file).forEach((d, i) => {
      try {
        const def = parseStreamDefinition(d);
        this.defs.set(def.name, def);
      } catch (e) {
        server.log(`streams: ${this.file} entry ${i} not loaded: ${(e as Error).message}`);
      }
    });
    for (const def of this.defs.values()) {
      if (!def.enabled) continue;
      try {
        await this.register(this.newRunner(this.compile(def))).start();
      } catch (e) {
        // Kept as failed: a snapshot that cannot be taken yet (feed not fetched) is retried.
        server.log(`stream ${def.name}: not started: ${(e as Error).message}`);
      }
    }
    this.feeds?.onRefresh(async () => { await Promise.all([...this.runners.values()].map((r) => this.refreshRunner(r))); });
    this.tap = new EventTap('stream queries', (events) => this.consume(events), { log: server.log });
    this.tap.attach(server.ingest);
  }

  async stop(): Promise<void> {
    if (this.tap && this.server) await this.tap.close(this.server.ingest);
    for (const t of this.timers.values()) clearInterval(t);
    // Upstream streams stop first: their last output still reaches the streams reading them.
    const left = new Set(this.runners.keys());
    while (left.size > 0) {
      const ready = [...left].filter((n) => !this.runners.get(n)!.compiled.sources.some((s) => left.has(s) && s !== n));
      for (const n of ready.length > 0 ? ready : [...left]) { await this.runners.get(n)!.stop(); left.delete(n); }
    }
  }

  /** Resolves when every stream has processed every committed event so far (tests). */
  async idle(): Promise<void> {
    await this.tap?.idle();
    for (let round = 0; round <= this.runners.size; round++) for (const r of this.runners.values()) await r.idle();
  }

  /** Hands committed events to the streams reading their tables. */
  consume(events: readonly Event[]): void {
    if (this.runners.size === 0) return;
    const batches = new Map<StreamRunner, Row[]>();
    for (const e of events) {
      const table = this.mapping.tableFor(e.channel);
      const readers = this.readersOf(table);
      if (readers.length === 0) continue;
      const row = eventRow(e, table);
      for (let i = 0; i < readers.length; i++) {
        const r = readers[i]!;
        let rows = batches.get(r);
        if (rows === undefined) { rows = []; batches.set(r, rows); }
        // Operators change rows in place: each stream gets its own.
        rows.push(i === readers.length - 1 ? row : copyRow(row));
      }
    }
    for (const [r, rows] of batches) r.push(rows);
  }

  private readersOf(table: string): StreamRunner[] {
    let readers = this.bySource.get(table);
    if (readers === undefined) {
      readers = [...this.runners.values()].filter((r) => r.compiled.sources.some((s) => !this.defs.has(s) && sourceMatches(s, table)));
      this.bySource.set(table, readers);
    }
    return readers;
  }

  /** A stream's output: alerts, and rows for the streams reading it. */
  private output(def: StreamDefinition, throttle: StreamRunner['compiled']['throttle'], rows: Row[]): void {
    if (def.alert) {
      for (const row of rows) {
        const t = row['_time'];
        const host = row['host'];
        this.alerts.raise({
          source: 'stream', name: def.name, level: def.level, time: t instanceof Date ? t : null, host: typeof host === 'string' && host !== '' ? host : null,
          fields: compactFields(row), ...(def.key ? { key: def.key } : {}), ...(throttle ? { throttle } : {}),
        });
      }
    }
    for (const r of this.runners.values()) if (r.compiled.sources.includes(def.name)) r.push(rows.map(copyRow));
  }

  private compile(def: StreamDefinition): StreamRunner['compiled'] {
    return compileStream(def, new Set([...this.defs.keys()].filter((n) => n !== def.name)));
  }

  /** A runner for a compiled stream (not started, not yet receiving rows). */
  private newRunner(compiled: StreamRunner['compiled']): StreamRunner {
    return new StreamRunner(compiled, this.env!, (rows) => this.output(compiled.def, compiled.throttle, rows));
  }

  /** Puts a runner in its stream's place: it receives rows from now on. */
  private register(runner: StreamRunner): StreamRunner {
    const def = runner.compiled.def;
    this.runners.set(def.name, runner);
    this.bySource.clear();
    const old = this.timers.get(def.name);
    if (old) clearInterval(old);
    this.timers.delete(def.name);
    if (runner.hasSnapshots) this.timers.set(def.name, setInterval(() => void this.refreshRunner(runner), def.subquery_refresh * 1000));
    return runner;
  }

  private async halt(name: string): Promise<void> {
    const t = this.timers.get(name);
    if (t) clearInterval(t);
    this.timers.delete(name);
    const runner = this.runners.get(name);
    this.runners.delete(name);
    this.bySource.clear();
    await runner?.stop();
  }

  /** New snapshots for a running stream; another start for one that failed. */
  private async refreshRunner(r: StreamRunner): Promise<void> {
    if (this.runners.get(r.compiled.def.name) !== r) return;
    if (r.state === 'failed') await r.start().catch(() => undefined);
    else if (r.hasSnapshots) await r.refresh();
  }

  private persist(): void {
    writeDefinitions(this.file, [...this.defs.values()]);
  }

  /** Compiles, checks the stream graph, and (if enabled) starts a definition; then puts it in place of the old one. */
  private async put(def: StreamDefinition, created: boolean): Promise<void> {
    let compiled: StreamRunner['compiled'];
    try {
      compiled = this.compile(def);
    } catch (e) {
      if (e instanceof StreamDefinitionError) throw new HttpError(400, `stream ${def.name}: ${e.message}`);
      throw e;
    }
    if (created && (await this.server!.store.tableNames()).includes(def.name)) {
      throw new HttpError(400, `stream ${def.name}: a stored table has that name; a stream query's name must differ from table names (streams read each other by name)`);
    }
    this.checkCycle(def.name, compiled.sources);
    const runner = this.newRunner(compiled);
    // Started before it replaces anything: a snapshot that cannot be taken is the caller's mistake to see now.
    if (def.enabled) try { await runner.start(); } catch (e) { throw new HttpError(400, `stream ${def.name}: ${(e as Error).message}`); }
    if (this.runners.has(def.name)) await this.halt(def.name);
    this.defs.set(def.name, def);
    this.persist();
    if (def.enabled) this.register(runner);
  }

  private checkCycle(name: string, sources: readonly string[]): void {
    const upstream = (n: string): readonly string[] => (n === name ? sources : this.runners.get(n)?.compiled.sources ?? []).filter((s) => this.defs.has(s) || s === name);
    const path: string[] = [];
    const visit = (n: string): void => {
      if (path.includes(n)) throw new HttpError(400, `stream ${name}: streams would read each other in a cycle (${[...path, n].join(' ← ')})`);
      path.push(n);
      for (const s of upstream(n)) visit(s);
      path.pop();
    };
    visit(name);
  }

  /** A stream's status. */
  status(name: string): StreamStatus {
    const def = this.defs.get(name);
    if (def === undefined) throw new HttpError(404, `no stream query '${name}'`);
    const r = this.runners.get(name);
    let sources: readonly string[] = r?.compiled.sources ?? [];
    if (r === undefined) try { sources = this.compile(def).sources; } catch { /* shown by its error when enabled */ }
    return {
      ...def, sources, mode: def.interval === 0 ? 'per-event' : 'window', state: r?.state ?? 'stopped', error: r?.error ?? null,
      stats: r ? { ...r.stats } : null,
    };
  }

  private async create(ctx: RequestContext): Promise<void> {
    const def = this.parse(await jsonBody(ctx, EXAMPLE));
    if (this.defs.has(def.name)) throw new HttpError(409, `a stream query named '${def.name}' exists (PUT /api/streams/${def.name} replaces it)`);
    await this.put(def, true);
    sendJson(ctx.res, 201, this.status(def.name));
  }

  private async replace(ctx: RequestContext): Promise<void> {
    const name = ctx.params['name']!;
    const def = this.parse(await jsonBody(ctx, EXAMPLE), name);
    const created = !this.defs.has(name);
    await this.put(def, created);
    sendJson(ctx.res, created ? 201 : 200, this.status(name));
  }

  private async remove(ctx: RequestContext): Promise<void> {
    const name = ctx.params['name']!;
    if (!this.defs.has(name)) throw new HttpError(404, `no stream query '${name}'`);
    const readers = [...this.defs.values()].filter((d) => d.name !== name && this.status(d.name).sources.includes(name)).map((d) => d.name);
    if (readers.length > 0) throw new HttpError(409, `stream query '${name}' is read by ${readers.join(', ')}; delete or change those first`);
    await this.halt(name);
    this.defs.delete(name);
    this.persist();
    sendJson(ctx.res, 200, { deleted: name });
  }

  private async setEnabled(ctx: RequestContext, enabled: boolean): Promise<void> {
    const name = ctx.params['name']!;
    const def = this.defs.get(name);
    if (def === undefined) throw new HttpError(404, `no stream query '${name}'`);
    if (def.enabled !== enabled || (enabled && this.runners.get(name)?.state !== 'running')) {
      if (enabled) await this.put({ ...def, enabled }, false);
      else { await this.halt(name); this.defs.set(name, { ...def, enabled }); this.persist(); }
    }
    sendJson(ctx.res, 200, this.status(name));
  }

  private parse(body: unknown, name?: string): StreamDefinition {
    try {
      return parseStreamDefinition(body, name);
    } catch (e) {
      if (e instanceof StreamDefinitionError) throw new HttpError(400, e.message);
      throw e;
    }
  }

  private routes(): Route[] {
    const one = /^\/api\/streams\/(?<name>[^/]+)$/;
    return [
      { method: 'GET', path: '/api/streams', role: 'read', handle: (ctx) => sendJson(ctx.res, 200, { streams: [...this.defs.keys()].map((n) => this.status(n)) }) },
      { method: 'POST', path: '/api/streams', role: 'admin', handle: (ctx) => this.create(ctx) },
      { method: 'GET', path: one, role: 'read', handle: (ctx) => sendJson(ctx.res, 200, this.status(ctx.params['name']!)) },
      { method: 'PUT', path: one, role: 'admin', handle: (ctx) => this.replace(ctx) },
      { method: 'DELETE', path: one, role: 'admin', handle: (ctx) => this.remove(ctx) },
      { method: 'POST', path: /^\/api\/streams\/(?<name>[^/]+)\/enable$/, role: 'admin', handle: (ctx) => this.setEnabled(ctx, true) },
      { method: 'POST', path: /^\/api\/streams\/(?<name>[^/]+)\/disable$/, role: 'admin', handle: (ctx) => this.setEnabled(ctx, false) },
    ];
  }
}
