/**
 * The alert endpoints:
 * - `GET /api/alerts?since=&limit=&source=&name=&min_level=` — stored alerts, oldest
 *   first; `since` is an alert id (alerts after it) or an ISO time (raised at or after
 *   it); without `since`, the newest `limit` (default 100, at most 10,000).
 * - `GET /api/alerts/stream` — Server-Sent Events: `event: alert` (with `id:`, the alert
 *   id) for each new alert, `event: update` when throttling counts more events into an
 *   alert, a `: heartbeat` comment every 15 s so proxies keep the connection. A client
 *   that reconnects with `Last-Event-ID` (EventSource does) first gets the stored alerts
 *   it missed. EventSource cannot set headers: pass `?access_token=`.
 * - `GET /api/alerts/sinks` — each sink's queue and delivery counters.
 */
import type { ServerResponse } from 'node:http';
import { LEVELS, type Level } from '../detect/index.js';
import type { Alert } from './alert-model.js';
import { alertMatches, type AlertCenter, type AlertFilter, type AlertMessage } from './alerts.js';
import { HttpError, sendJson, type RequestContext, type Route } from './http.js';

/** Alerts a reconnecting SSE client is sent at most before live ones. */
const MAX_RESUME = 10_000;
/** Bytes an SSE client may fall behind before it is disconnected (it resumes with Last-Event-ID). */
const MAX_SSE_BACKLOG = 8 * 1024 * 1024;

function filterOf(url: URL): AlertFilter {
  const source = url.searchParams.get('source') ?? undefined;
  if (source !== undefined && source !== 'stream' && source !== 'rule') throw new HttpError(400, `source must be stream or rule, not '${source}'`);
  const minLevel = url.searchParams.get('min_level') ?? undefined;
  if (minLevel !== undefined && !(LEVELS as readonly string[]).includes(minLevel)) throw new HttpError(400, `min_level must be one of ${LEVELS.join(', ')}`);
  const name = url.searchParams.get('name') ?? undefined;
  return { ...(source ? { source } : {}), ...(name !== undefined ? { name } : {}), ...(minLevel ? { minLevel: minLevel as Level } : {}) };
}

async function listAlerts(center: AlertCenter, ctx: RequestContext): Promise<void> {
  const p = ctx.url.searchParams;
  const limitText = p.get('limit');
  const limit = limitText === null ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, 'limit must be a whole number from 1 to 10000');
  const since = p.get('since');
  let bound: { afterId?: number; since?: Date } = {};
  if (since !== null) {
    if (/^\d+$/.test(since)) bound = { afterId: Number(since) };
    else if (!Number.isNaN(Date.parse(since))) bound = { since: new Date(since) };
    else throw new HttpError(400, `since must be an alert id or an ISO 8601 time, not '${since}'`);
  }
  const alerts = await center.list({ ...bound, limit, ...filterOf(ctx.url) });
  sendJson(ctx.res, 200, { alerts, next: alerts.length > 0 ? alerts[alerts.length - 1]!.id : (bound.afterId ?? center.newestId) });
}

function writeEvent(res: ServerResponse, m: Exclude<AlertMessage, { event: 'closing' }>): void {
  const data = m.event === 'alert' ? JSON.stringify(m.alert) : JSON.stringify({ id: m.alert.id, count: m.alert.count });
  // An `update` carries no id: the client's Last-Event-ID stays the newest alert's.
  res.write(`${m.event === 'alert' ? `id: ${m.alert.id}\n` : ''}event: ${m.event}\ndata: ${data}\n\n`);
  if (res.writableLength > MAX_SSE_BACKLOG) res.destroy();
}

async function streamAlerts(center: AlertCenter, ctx: RequestContext, heartbeatMs: number): Promise<void> {
  const filter = filterOf(ctx.url);
  const lastText = ctx.req.headers['last-event-id'] ?? ctx.url.searchParams.get('last_event_id') ?? undefined;
  const lastId = typeof lastText === 'string' && /^\d+$/.test(lastText.trim()) ? Number(lastText) : undefined;
  const { res } = ctx;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no',
    // The stream ends with the server: the socket must not linger as a keep-alive one.
    connection: 'close',
  });
  res.write('retry: 3000\n\n');
  let sent = lastId ?? center.newestId;
  let live = false;
  const early: AlertMessage[] = [];
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => { end = resolve; });
  const deliver = (m: AlertMessage): void => {
    if (m.event === 'closing') { end(); return; }
    if (!alertMatches(m.alert, filter)) return;
    if (m.event === 'alert') {
      if (m.alert.id <= sent) return;
      sent = m.alert.id;
    }
    writeEvent(res, m);
  };
  // Subscribed before reading the store: an alert raised meanwhile waits in `early`.
  const unsubscribe = center.subscribe((m) => { if (live) deliver(m); else early.push(m); });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  res.on('close', end);
  try {
    if (lastId !== undefined) {
      const missed: Alert[] = await center.list({ afterId: lastId, limit: MAX_RESUME, ...filter });
      for (const alert of missed) deliver({ event: 'alert', alert });
    }
    live = true;
    for (const m of early.splice(0)) deliver(m);
    await ended;
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  }
}

/** The alert routes. */
export function alertRoutes(center: AlertCenter, heartbeatMs: number): Route[] {
  return [
    { method: 'GET', path: '/api/alerts', role: 'read', handle: (ctx) => listAlerts(center, ctx) },
    { method: 'GET', path: '/api/alerts/stream', role: 'read', handle: (ctx) => streamAlerts(center, ctx, heartbeatMs) },
    { method: 'GET', path: '/api/alerts/sinks', role: 'read', handle: (ctx) => sendJson(ctx.res, 200, { sinks: center.sinkStatus(), stats: center.stats }) },
  ];
}
