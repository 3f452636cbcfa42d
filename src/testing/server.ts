/**
 * An in-process `haetae serve` for tests (port 0, a fresh data directory, admin and read
 * tokens) with the real-time modules, plus a local HTTP server for feeds and webhooks
 * and a deadline-bounded wait: no test depends on timing luck.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRealtime, type RealtimeModules } from '../server/realtime.js';
import { defaultRealtimeSettings, type RealtimeSettings } from '../server/realtime-config.js';
import { HaetaeServer, type ServerModule } from '../server/server.js';
import { TokenStore, tokensFile } from '../server/tokens.js';
import type { Event } from '../event/index.js';

/** A running test server. */
export interface TestServer {
  readonly server: HaetaeServer;
  readonly rt: RealtimeModules;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly readToken: string;
  /** Calls the API with the admin token (or `token`); the body is sent as JSON unless it is a Buffer. */
  api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Starts a server with the real-time modules on a data directory (a new one by default;
 * pass the same one again to test a restart — the tokens are created only once), storing
 * in it or, with `store`, in a ClickHouse cluster.
 *
 * @example
 * const t = await startTestServer({ settings: { rules: { ...defaultRealtimeSettings().rules, enabled: false } } });
 * const { body } = await t.api('GET', '/api/streams');
 */
export async function startTestServer(options: { dataDir?: string; store?: string; settings?: Partial<RealtimeSettings>; allowHosts?: readonly string[]; modules?: readonly ServerModule[] } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'haetae-serve-'));
  const tokens = new TokenStore(tokensFile(dataDir));
  // Tokens are shown once: a restarted test server gets new ones.
  const adminToken = tokens.create(`admin ${tokens.list().length}`, 'admin').token;
  const readToken = tokens.create(`read ${tokens.list().length}`, 'read').token;
  const rt = createRealtime({ ...defaultRealtimeSettings(), ...options.settings });
  const server = await HaetaeServer.start({ dataDir, ...(options.store !== undefined ? { store: options.store } : {}), port: 0, allowHosts: options.allowHosts ?? ['127.0.0.1'], modules: [...rt.modules, ...(options.modules ?? [])], log: () => undefined });
  const api: TestServer['api'] = async (method, path, body, token = adminToken) => {
    const raw = Buffer.isBuffer(body);
    const res = await fetch(`${server.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: raw ? (body as Buffer) : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
  return { server, rt, dataDir, adminToken, readToken, api, close: () => server.close() };
}

/**
 * Polls `check` until it returns something other than undefined/false; fails after
 * `timeoutMs` saying what was awaited.
 *
 * @example
 * const alerts = await waitFor('3 alerts', async () => { const a = await list(); return a.length >= 3 && a; });
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A local HTTP server (127.0.0.1, port 0) recording each request's time, path and body. */
export interface LocalHttp {
  readonly url: string;
  readonly requests: { readonly at: number; readonly method: string; readonly path: string; readonly body: string }[];
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server whose answers `handler` decides.
 *
 * @example
 * const feed = await localHttp((req, res) => res.end('203.0.113.7\r\n'));
 */
export async function localHttp(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<LocalHttp> {
  const requests: LocalHttp['requests'][number][] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ at: performance.now(), method: req.method ?? '', path: req.url ?? '', body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, requests,
    close: () => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }),
  };
}

/** One Server-Sent Event as received. */
export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** An open SSE connection collecting what it receives. */
export interface SseClient {
  readonly events: SseEvent[];
  /** Comment lines (`: heartbeat`). */
  readonly comments: string[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Opens an SSE stream (as EventSource would) and parses its events as they arrive.
 *
 * @example
 * const sse = await sseClient(`${url}/api/alerts/stream?access_token=${token}`);
 * await waitFor('an alert', () => sse.events.find((e) => e.event === 'alert'));
 */
export async function sseClient(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`SSE ${url}: HTTP ${res.status}: ${await res.text()}`);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const ended = (async () => {
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) { comments.push(line.slice(1).trim()); continue; }
            const colon = line.indexOf(':');
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (fields['data'] !== undefined) events.push({ ...(fields['id'] !== undefined ? { id: fields['id'] } : {}), event: fields['event'] ?? 'message', data: fields['data'] });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { events, comments, ended, close: () => controller.abort() };
}

/**
 * Ships events to a test server as NDJSON (Haetae's Event JSON) in `parts` requests; each
 * must be accepted whole. With `settleEach`, every part's rule matches and alerts are
 * stored before the next is sent; otherwise once at the end.
 */
export async function shipEvents(t: TestServer, events: readonly Event[], parts: number, options: { settleEach?: boolean } = {}): Promise<void> {
  const size = Math.ceil(events.length / parts);
  const settle = async (): Promise<void> => { await t.rt.rules.idle(); await t.rt.alerts.flushed(); };
  for (let i = 0; i < events.length; i += size) {
    const body = Buffer.from(events.slice(i, i + size).map((e) => JSON.stringify(e)).join('\n') + '\n');
    const { status, body: answer } = await t.api('POST', '/api/ingest?format=haetae', body);
    if (status !== 200 || answer['accepted'] !== Math.min(size, events.length - i)) throw new Error(`ingest answered ${status}: ${JSON.stringify(answer)}`);
    if (options.settleEach === true) await settle();
  }
  if (options.settleEach !== true) await settle();
}
