/**
 * The HTTP client behind `wget`: reaches only hosts on the operator's allowlist
 * (`haetae.yaml` `wget.allow_hosts`, or `--allow-host`), over http or https. An unlisted
 * host is refused before any connection — also when a listed host redirects to it.
 */
import { ExecError, type WgetClient, type WgetResponse } from './exec/context.js';

/** Largest response body `wget` keeps (bytes): a feed, not a download tool. */
export const MAX_WGET_BODY = 64 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * True when `host` (lower-case, without port) is allowed by `pattern`: an exact name or
 * address, or `*.example.com` for any subdomain of example.com.
 *
 * @example
 * hostAllowed('feeds.example.com', '*.example.com') // true
 */
export function hostAllowed(host: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/^\[|\]$/g, '');
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}

/** Thrown (as an ExecError) when a URL is refused: the message names the host and the fix. */
function refuse(url: string, why: string): never {
  throw new ExecError(`wget refused ${url}: ${why}`);
}

/**
 * A WgetClient that checks every URL (and every redirect) against `allowHosts`.
 *
 * @example
 * const wget = new AllowlistWgetClient(['127.0.0.1', '*.abuse.ch']);
 * await wget.fetch('http://127.0.0.1:8080/ip.txt', { method: 'get', timeoutMs: 30_000 });
 */
export class AllowlistWgetClient implements WgetClient {
  constructor(private readonly allowHosts: readonly string[]) {}

  /** Throws unless `url` is http(s) to an allowed host. */
  check(url: string): URL {
    let parsed: URL;
    try { parsed = new URL(url); } catch { refuse(url, 'not a valid URL'); }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') refuse(url, `only http and https are allowed, not ${parsed.protocol}`);
    const host = parsed.hostname;
    if (!this.allowHosts.some((p) => hostAllowed(host, p))) {
      refuse(url, `host '${host}' is not in the wget allowlist (add it under wget.allow_hosts in haetae.yaml, or pass --allow-host ${host})`);
    }
    return parsed;
  }

  async fetch(url: string, options: { method: 'get' | 'post'; timeoutMs: number }): Promise<WgetResponse> {
    let current = this.check(url);
    const signal = AbortSignal.timeout(options.timeoutMs);
    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await fetch(current, { method: options.method.toUpperCase(), redirect: 'manual', signal });
      } catch (e) {
        throw new ExecError(`wget ${current.href} failed: ${(e as Error).message}`);
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location !== null) {
        await res.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new ExecError(`wget ${url}: more than ${MAX_REDIRECTS} redirects`);
        current = this.check(new URL(location, current).href);
        continue;
      }
      return { status: res.status, body: await readBody(res, current.href) };
    }
  }
}

async function readBody(res: Response, url: string): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_WGET_BODY) throw new ExecError(`wget ${url}: response larger than ${MAX_WGET_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
