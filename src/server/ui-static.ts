/**
 * Serves the web console's static files (dist/ui, built by scripts/build-ui.js) at `/`
 * and `/ui/…` without a token: they are code, not data — every API call the console
 * makes still needs one. Paths are resolved and checked to stay inside the directory
 * (no `..`, no encoded traversal, no NUL); files get their content type, an ETag, and
 * `Cache-Control: no-cache` (revalidated on each load, so a rebuilt console is picked up
 * at once while unchanged files cost a 304), plus headers that keep the page from being
 * framed or its types sniffed.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError, type RequestContext } from './http.js';
import type { HaetaeServer, ServerModule } from './server.js';

/** Content types of the files the console is made of. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** What every static answer carries: the console only talks to its own origin. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

/** dist/ui beside this module's dist/src/server/. */
export function defaultUiRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');
}

/**
 * The file a request path names inside `root`, or null when the path leaves it or is
 * malformed. `rel` is the part after `/ui/` (already without the prefix).
 */
export function staticFile(root: string, rel: string): string | null {
  let decoded: string;
  try { decoded = decodeURIComponent(rel); } catch { return null; }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  return file.startsWith(base + sep) ? file : null;
}

/** The module: `GET /` (index.html) and `GET /ui/<file>`, public. */
export class UiStatic implements ServerModule {
  readonly name = 'ui-static';

  constructor(private readonly root: string = defaultUiRoot()) {}

  async start(server: HaetaeServer): Promise<void> {
    if (!existsSync(resolve(this.root, 'index.html'))) server.log(`web console: ${this.root} has no index.html (run npm run build); / will answer 404`);
    server.router.add(
      { method: 'GET', path: '/', role: 'public', handle: (ctx) => this.send(ctx, 'index.html') },
      { method: 'GET', path: /^\/ui\/(?<file>.+)$/, role: 'public', handle: (ctx) => this.send(ctx, ctx.params.file) },
    );
  }

  async stop(): Promise<void> {}

  private send(ctx: RequestContext, rel: string): void {
    const file = staticFile(this.root, rel);
    if (file === null) throw new HttpError(404, 'no such file');
    let size: number;
    let mtime: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
      mtime = st.mtimeMs;
    } catch {
      throw new HttpError(404, rel === 'index.html' ? 'the web console is not built (npm run build)' : `no such file: /ui/${rel}`);
    }
    const etag = `"${size.toString(16)}-${Math.floor(mtime).toString(16)}"`;
    const headers = { ...SECURITY_HEADERS, etag, 'cache-control': 'no-cache' };
    if (ctx.req.headers['if-none-match'] === etag) { ctx.res.writeHead(304, headers); ctx.res.end(); return; }
    ctx.res.writeHead(200, { ...headers, 'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': size });
    if (ctx.req.method === 'HEAD') { ctx.res.end(); return; }
    createReadStream(file).pipe(ctx.res);
  }
}
