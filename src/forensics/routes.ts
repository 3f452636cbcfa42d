/**
 * The forensics endpoints of `haetae serve` (a server module; role `read`). Shapes are in
 * src/forensics/API.md:
 * - `GET /api/forensics/process-tree?guid=` or `?host=&pid=&time=` (`window_hours`, `depth`)
 * - `GET /api/forensics/connections?guid=` or `?host=&pid=&time=` (`limit`, `offset`)
 * - `GET /api/forensics/prevalence?limit=&offset=&hide_allowed=&order=&host=&image=`
 * - `GET /api/forensics/spread?hash=` | `image=` | `ioc=`
 * - `GET /api/forensics/ioc-matches?feed=&limit=&offset=`
 * - `GET /api/forensics/events?table=&host=&record_id=` (the rows EventRefs name)
 * - `GET /api/hosts?limit=&offset=`
 */
import { AllowlistError, configFileFor, loadAllowlist } from './allowlist.js';
import { processConnections } from './connections.js';
import { BadRefError, eventsByRecord } from './event-refs.js';
import { hostList } from './hosts.js';
import { iocMatches, UnknownFeedError } from './ioc.js';
import { hashPrevalence } from './prevalence.js';
import { DEFAULT_DEPTH, processQueryFrom, processTree, ProcessNotFoundError, type ProcessQuery } from './process-tree.js';
import { spread, type SpreadQuery } from './spread.js';
import { HttpError, sendJson, type RequestContext, type Route } from '../server/http.js';
import type { HaetaeServer, ServerModule } from '../server/server.js';

/** Largest page. */
const MAX_LIMIT = 10_000;

/** `limit` and `offset` of a request (default 100 and 0). */
export function pageOf(url: URL): { limit: number; offset: number } {
  const num = (name: string, dflt: number, min: number, max: number): number => {
    const t = url.searchParams.get(name);
    if (t === null || t === '') return dflt;
    const n = Number(t);
    if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}, not '${t}'`);
    return n;
  };
  return { limit: num('limit', 100, 1, MAX_LIMIT), offset: num('offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

const param = (url: URL, name: string): string | undefined => url.searchParams.get(name) ?? undefined;

function processQuery(url: URL): ProcessQuery {
  const q = processQueryFrom({ guid: param(url, 'guid'), host: param(url, 'host'), pid: param(url, 'pid'), time: param(url, 'time'), windowHours: param(url, 'window_hours') });
  if (typeof q === 'string') throw new HttpError(400, q);
  return q;
}

function spreadQuery(url: URL): SpreadQuery {
  const given = (['hash', 'image', 'ioc'] as const).filter((k) => (url.searchParams.get(k) ?? '') !== '');
  if (given.length !== 1) throw new HttpError(400, 'give exactly one of hash, image or ioc');
  const k = given[0];
  const v = url.searchParams.get(k)!;
  return k === 'hash' ? { hash: v } : k === 'image' ? { image: v } : { ioc: v };
}

/** Domain errors as HTTP errors. */
async function answer(ctx: RequestContext, work: () => Promise<unknown>): Promise<void> {
  try {
    sendJson(ctx.res, 200, await work());
  } catch (e) {
    if (e instanceof ProcessNotFoundError || e instanceof UnknownFeedError) throw new HttpError(404, e.message);
    if (e instanceof BadRefError) throw new HttpError(400, e.message);
    if (e instanceof AllowlistError) throw new HttpError(500, `allowlist: ${e.message}`);
    throw e;
  }
}

/** The forensics routes over a server's store. */
export function forensicsRoutes(server: HaetaeServer): Route[] {
  const store = server.store;
  const dataDir = server.options.dataDir;
  const get = (path: string, handle: (ctx: RequestContext) => Promise<unknown>): Route => ({ method: 'GET', path, role: 'read', handle: (ctx) => answer(ctx, () => handle(ctx)) });
  return [
    get('/api/forensics/process-tree', async ({ url }) => {
      const d = param(url, 'depth');
      const depth = d === undefined ? DEFAULT_DEPTH : Number(d);
      if (!Number.isInteger(depth) || depth < 0 || depth > 64) throw new HttpError(400, 'depth must be a whole number from 0 to 64');
      return processTree(store, processQuery(url), depth);
    }),
    get('/api/forensics/connections', async ({ url }) => {
      const { limit, offset } = pageOf(url);
      return processConnections(store, processQuery(url), limit, offset);
    }),
    get('/api/forensics/prevalence', async ({ url }) => {
      const order = param(url, 'order') ?? 'rare';
      if (order !== 'rare' && order !== 'common') throw new HttpError(400, `order must be rare or common, not '${order}'`);
      const hide = param(url, 'hide_allowed');
      return hashPrevalence(store, loadAllowlist(dataDir, configFileFor(dataDir)), {
        ...pageOf(url), order, hideAllowed: hide === '1' || hide === 'true', host: param(url, 'host') || undefined, image: param(url, 'image') || undefined,
      });
    }),
    get('/api/forensics/spread', async ({ url }) => spread(store, spreadQuery(url))),
    get('/api/forensics/ioc-matches', async ({ url }) => {
      const { limit, offset } = pageOf(url);
      return iocMatches(store, param(url, 'feed') || undefined, limit, offset);
    }),
    get('/api/forensics/events', async ({ url }) => {
      const table = param(url, 'table');
      const host = param(url, 'host');
      if (!table || !host) throw new HttpError(400, 'give table, host and record_id (repeated or comma-separated)');
      const ids = url.searchParams.getAll('record_id').flatMap((v) => v.split(',')).filter((v) => v !== '').map(Number);
      if (ids.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new HttpError(400, 'record_id must be whole numbers');
      return { table, host, events: await eventsByRecord(store, table, host, ids) };
    }),
    get('/api/hosts', async ({ url }) => {
      const { limit, offset } = pageOf(url);
      return hostList(store, limit, offset);
    }),
  ];
}

/**
 * The forensics module of `haetae serve`.
 *
 * @example
 * HaetaeServer.start({ dataDir, modules: [new ForensicsModule()] });
 */
export class ForensicsModule implements ServerModule {
  readonly name = 'forensics';

  /** Adds the routes; they read the store on each request, so nothing runs in the background. */
  async start(server: HaetaeServer): Promise<void> {
    server.router.add(...forensicsRoutes(server));
  }

  /** Nothing to stop. */
  async stop(): Promise<void> {
    // No background work.
  }
}
