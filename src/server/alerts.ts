/**
 * The alert center (a server module): stream queries and live rules raise alerts here;
 * each alert is deduplicated/throttled (alert-throttle.ts), given the next id, pushed at
 * once to the SSE subscribers and the sinks, and stored in the `alerts` table shortly
 * after (writes are batched: a burst of alerts is one transaction, and ingest-to-alert
 * latency never waits for a disk write).
 */
import type { Level } from '../detect/index.js';
import { LEVELS } from '../detect/index.js';
import type { Row, Value } from '../query/index.js';
import { ALERT_COLUMNS, ALERTS_TABLE, alertFromRow, alertKey, alertRow, type Alert, type AlertSource, type JsonValue } from './alert-model.js';
import { alertRoutes } from './alert-routes.js';
import { createSink, type AlertSink, type SinkStatus } from './alert-sinks.js';
import { AlertThrottle } from './alert-throttle.js';
import { ClickHouseStore } from '../store/clickhouse/index.js';
import { SettingsError, type SinkSettings, type ThrottleSettings } from './realtime-config.js';
import type { HaetaeServer, ServerModule } from './server.js';

/** What a stream query or a rule asks to raise. */
export interface AlertRequest {
  readonly source: AlertSource;
  readonly name: string;
  readonly level: Level;
  /** Event time (null: now). */
  readonly time: Date | null;
  readonly host: string | null;
  /** Compact event fields (`compactFields`). */
  readonly fields: Readonly<Record<string, JsonValue>>;
  /** Key fields and window (no throttle: every request is an alert). */
  readonly throttle?: ThrottleSettings;
  /** Key fields when there is no throttle (default: all fields). */
  readonly key?: readonly string[];
}

/** What SSE subscribers hear: a new alert, a throttled alert's new count, or that the server is stopping. */
export type AlertMessage =
  | { readonly event: 'alert'; readonly alert: Alert }
  | { readonly event: 'update'; readonly alert: Alert }
  | { readonly event: 'closing' };

/** Filters of the alert list and stream. */
export interface AlertFilter {
  readonly source?: AlertSource;
  readonly name?: string;
  readonly minLevel?: Level;
}

/** Whether an alert passes a filter. */
export function alertMatches(a: Alert, f: AlertFilter): boolean {
  return (f.source === undefined || a.source === f.source) && (f.name === undefined || a.name === f.name)
    && (f.minLevel === undefined || LEVELS.indexOf(a.level) >= LEVELS.indexOf(f.minLevel));
}

/** Counters of the alert center. */
export interface AlertStats {
  raised: number;
  /** Events counted into an open alert instead of raising one. */
  merged: number;
  stored: number;
  /** Alerts (or count updates) the store refused; logged. */
  storeFailures: number;
}

/**
 * Raises, stores and distributes alerts.
 *
 * @example
 * const alerts = new AlertCenter(settings.sinks);
 * alerts.raise({ source: 'stream', name: 'blocklist', level: 'high', time, host, fields });
 */
export class AlertCenter implements ServerModule {
  readonly name = 'alerts';
  private server: HaetaeServer | null = null;
  private lastId = 0;
  private readonly throttle = new AlertThrottle();
  private readonly subscribers = new Set<(m: AlertMessage) => void>();
  private sinks: AlertSink[] = [];
  private pending: Alert[] = [];
  private dirty = new Map<number, Alert>();
  private writing: Promise<void> | null = null;
  readonly stats: AlertStats = { raised: 0, merged: 0, stored: 0, storeFailures: 0 };

  /** `heartbeatMs`: between SSE heartbeat comments (default 15 s). */
  constructor(private readonly sinkSettings: readonly SinkSettings[], private readonly heartbeatMs = 15_000) {}

  async start(server: HaetaeServer): Promise<void> {
    this.server = server;
    server.router.add(...alertRoutes(this, this.heartbeatMs));
    this.sinks = this.sinkSettings.map((s, i) => {
      try {
        return createSink(s, { allowHosts: server.options.allowHosts ?? [], log: server.log });
      } catch (e) {
        throw new SettingsError(`haetae.yaml: alerts.sinks[${i}]: ${(e as Error).message}`, { cause: e });
      }
    });
    const columns = await server.store.columns(ALERTS_TABLE);
    if (columns !== null && !columns.some((c) => c.name === 'raised_at')) {
      // Events of a channel mapped to `alerts` (haetae.yaml tables:) made it an event table.
      throw new SettingsError(`the table '${ALERTS_TABLE}' holds events, not alerts; map that channel to another table (haetae.yaml tables:) and drop it`);
    }
    // Collectors sharing a ClickHouse cluster number alerts in their own writer's range.
    const range = server.store instanceof ClickHouseStore ? server.store.idRange : { first: 1, end: Number.MAX_SAFE_INTEGER };
    this.lastId = range.first - 1;
    if (columns !== null) {
      for await (const rows of server.store.runSql(`SELECT max(_id) AS id FROM ${ALERTS_TABLE} WHERE _id >= $1 AND _id < $2`, [range.first, range.end])) {
        this.lastId = Math.max(this.lastId, Number(rows[0]?.['id'] ?? 0));
      }
    }
  }

  async stop(): Promise<void> {
    await this.flushed();
    await Promise.all(this.sinks.map((s) => s.close()));
    for (const s of [...this.subscribers]) s({ event: 'closing' });
    this.subscribers.clear();
  }

  /** The id of the newest alert. */
  get newestId(): number {
    return this.lastId;
  }

  /**
   * Raises an alert, or counts the event into the open alert of its key (throttling).
   * Returns the new alert, or null when it was merged.
   */
  raise(r: AlertRequest): Alert | null {
    const now = new Date();
    const time = r.time ?? now;
    const key = alertKey(r.fields, r.host, r.throttle?.key ?? r.key);
    const windowMs = r.throttle?.windowMs ?? 0;
    const open = this.throttle.merge(r.source, r.name, key, time.getTime(), windowMs);
    if (open !== null) {
      open.count++;
      this.stats.merged++;
      this.dirty.set(open.id, open);
      this.scheduleWrite();
      return null;
    }
    const alert: Alert = {
      id: ++this.lastId, time: time.toISOString(), raised_at: now.toISOString(), source: r.source, name: r.name, level: r.level,
      key, host: r.host, count: 1, fields: r.fields,
    };
    this.throttle.opened(alert, time.getTime(), windowMs);
    this.stats.raised++;
    for (const s of this.subscribers) s({ event: 'alert', alert });
    for (const sink of this.sinks) sink.send(alert);
    this.pending.push(alert);
    this.scheduleWrite();
    return alert;
  }

  /** Hears every new alert and count update; returns the function that stops it. */
  subscribe(listener: (m: AlertMessage) => void): () => void {
    this.subscribers.add(listener);
    return () => { this.subscribers.delete(listener); };
  }

  /** The sinks' counters. */
  sinkStatus(): SinkStatus[] {
    return this.sinks.map((s) => s.status());
  }

  /** Resolves once every alert raised so far is stored. */
  async flushed(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  /**
   * Stored alerts, oldest first: after alert id `afterId` (or raised at/after `since`),
   * at most `limit`; without either bound, the newest `limit`.
   */
  async list(options: { afterId?: number; since?: Date; limit: number } & AlertFilter): Promise<Alert[]> {
    await this.flushed();
    const store = this.server!.store;
    if ((await store.columns(ALERTS_TABLE)) === null) return [];
    const where: string[] = [];
    const params: Value[] = [];
    const bind = (sql: string, v: Value): void => { params.push(v); where.push(sql.replace('?', `$${params.length}`)); };
    if (options.afterId !== undefined) bind('_id > ?', options.afterId);
    if (options.since !== undefined) bind('raised_at >= ?', options.since);
    if (options.source !== undefined) bind('source = ?', options.source);
    if (options.name !== undefined) bind('name = ?', options.name);
    if (options.minLevel !== undefined) {
      // IN (…) rather than a list function: DuckDB and ClickHouse both run it.
      const levels = LEVELS.slice(LEVELS.indexOf(options.minLevel));
      params.push(...levels);
      where.push(`level IN (${levels.map((_, i) => `$${params.length - levels.length + i + 1}`).join(', ')})`);
    }
    const bounded = options.afterId !== undefined || options.since !== undefined;
    const columns = ALERT_COLUMNS.map((c) => (c.name === '_extra' ? '_extra AS fields' : `"${c.name}"`)).join(', ');
    const sql = `SELECT ${columns} FROM ${ALERTS_TABLE}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY _id ${bounded ? 'ASC' : 'DESC'} LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    const out: Alert[] = [];
    for await (const rows of store.runSql(sql, params)) for (const r of rows) out.push(alertFromRow(r));
    return bounded ? out : out.reverse();
  }

  private scheduleWrite(): void {
    this.writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.write()).finally(() => { this.writing = null; });
  }

  /** Stores pending alerts and count updates until there are none. */
  private async write(): Promise<void> {
    const store = this.server!.store;
    while (this.pending.length > 0 || this.dirty.size > 0) {
      const alerts = this.pending;
      const changed = [...this.dirty.values()];
      // A new alert's row is made now, with its count so far: only older ones need an UPDATE.
      const fresh = new Set(alerts);
      const updated = changed.filter((a) => !fresh.has(a));
      this.pending = [];
      this.dirty = new Map();
      try {
        if (alerts.length > 0) await store.appendRows(ALERTS_TABLE, ALERT_COLUMNS, alerts.map(alertRow));
        this.stats.stored += alerts.length;
        if (updated.length > 0) await store.updateRows(ALERTS_TABLE, '_id', updated.map((a) => ({ key: a.id, values: { count: a.count } as Row })));
      } catch (e) {
        this.stats.storeFailures += alerts.length + updated.length;
        this.server!.log(`alerts: could not store ${alerts.length} alert(s) and ${updated.length} count update(s): ${(e as Error).message}`);
      }
      for (const a of changed) for (const s of this.subscribers) s({ event: 'update', alert: a });
    }
  }
}
