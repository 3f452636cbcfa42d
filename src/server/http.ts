/**
 * The server's HTTP layer: routes with the role each needs, token authentication,
 * request bodies read with a size limit (compressed and decompressed), and JSON errors
 * that say what was wrong. No framework: node:http is all an API of this size needs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { roleAllows, type TokenRecord, type TokenRole, type TokenStore } from './tokens.js';

/** An error with the HTTP status to answer (and extra headers, e.g. Retry-After). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Reads a request body, inflating `Content-Encoding: gzip|deflate`, refusing more than
 * `limit` bytes (before and after decompression: a zip bomb is refused, not inflated).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `request body of ${declared} bytes is over the limit of ${limit}`);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable = req;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = req.pipe(createGunzip());
  else if (encoding === 'deflate') stream = req.pipe(createInflate());
  else if (encoding !== 'identity') throw new HttpError(415, `Content-Encoding ${encoding} is not supported (gzip, deflate or none)`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limit) { req.destroy(); throw new HttpError(413, `request body over the limit of ${limit} bytes`); }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, `unreadable request body: ${(e as Error).message}`);
  }
  return Buffer.concat(chunks);
}

/** The token a request presents, from whichever header (or query parameter) a client can set. */
export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const [scheme, value = ''] = auth.split(/\s+/, 2);
    switch (scheme.toLowerCase()) {
      case 'bearer': return value;
      // Elasticsearch shippers: `api_key: "<id>:<token>"` is sent as ApiKey base64(id:token).
      case 'apikey': { const d = Buffer.from(value, 'base64').toString('utf8'); const i = d.indexOf(':'); return i === -1 ? d : d.slice(i + 1); }
      // Basic auth (Winlogbeat username/password, syslog-over-HTTP relays): the password is the token.
      case 'basic': { const d = Buffer.from(value, 'base64').toString('utf8'); const i = d.indexOf(':'); return i === -1 ? null : d.slice(i + 1); }
      default: return null;
    }
  }
  const header = req.headers['x-haetae-token'];
  if (typeof header === 'string') return header;
  // EventSource (SSE) cannot set headers: GET requests may pass the token as a parameter.
  if (req.method === 'GET') return url.searchParams.get('access_token');
  return null;
}

/** What a route handler gets. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The caller's token (null on public routes). */
  readonly token: TokenRecord | null;
  /** Named groups of the route's path pattern. */
  readonly params: Readonly<Record<string, string>>;
}

/** One route: method, path (exact, or a pattern with named groups), and the role it needs. */
export interface Route {
  readonly method: string;
  readonly path: string | RegExp;
  /** `public` routes need no token (only the health check). */
  readonly role: TokenRole | 'public';
  handle(ctx: RequestContext): Promise<void> | void;
}

/** Routes requests, checks tokens, and turns failures into JSON errors. */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly tokens: TokenStore, private readonly log: (line: string) => void) {}

  /** Adds routes (first match wins). */
  add(...routes: Route[]): void {
    this.routes.push(...routes);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = typeof route.path === 'string' ? (route.path === path ? { groups: {} } : null) : route.path.exec(path);
      if (m === null) continue;
      pathMatched = true;
      if (route.method === method || (route.method === 'GET' && method === 'HEAD')) return { route, params: { ...(m.groups ?? {}) } };
    }
    return pathMatched ? 'method' : null;
  }

  /** Handles one request. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://haetae.invalid');
    try {
      const found = this.match(req.method ?? 'GET', url.pathname);
      if (found === null) throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
      if (found === 'method') throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`);
      let token: TokenRecord | null = null;
      if (found.route.role !== 'public') {
        const presented = presentedToken(req, url);
        if (presented === null) throw new HttpError(401, 'a token is required (Authorization: Bearer <token>; create one with haetae token create)', { 'www-authenticate': 'Bearer realm="haetae"' });
        token = this.tokens.verify(presented);
        if (token === null) throw new HttpError(401, 'unknown or revoked token', { 'www-authenticate': 'Bearer realm="haetae", error="invalid_token"' });
        if (!roleAllows(token.role, found.route.role)) throw new HttpError(403, `this endpoint needs a token with the ${found.route.role} role (this one is ${token.role})`);
      }
      await found.route.handle({ req, res, url, token, params: found.params });
    } catch (e) {
      if (res.headersSent) { res.destroy(); return; }
      if (e instanceof HttpError) { sendJson(res, e.status, { error: e.message }, e.headers); return; }
      this.log(`internal error on ${req.method} ${url.pathname}: ${e instanceof Error ? e.stack : String(e)}`);
      sendJson(res, 500, { error: 'internal error (details in the server log)' });
    }
  }
}
