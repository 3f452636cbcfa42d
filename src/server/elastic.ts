/**
 * An Elasticsearch-compatible endpoint, so that Winlogbeat, Elastic Agent and the official
 * clients can point their Elasticsearch output at Haetae: `_bulk` ingest plus the
 * handshake requests they make before sending.
 *
 * What Winlogbeat 8.x (libbeat's Elasticsearch output) asks on connect, and what Haetae
 * answers (libbeat: eslegclient Connect, x-pack licenser, idxmgmt/lifecycle
 * es_client_handler.go, template/load.go):
 * - `GET /` — cluster info. libbeat refuses an Elasticsearch older than itself ("Elasticsearch
 *   is too old") unless `allow_older_versions`, and takes `build_flavor: serverless` to mean
 *   data-stream lifecycles instead of ILM; so Haetae reports {@link ELASTIC_VERSION}, the
 *   last 8.x minor, with the `default` flavor. The JS client checks the
 *   `X-Elastic-Product: Elasticsearch` header on every answer: all answers here carry it.
 * - `GET /_license` — the x-pack licenser wants an active license (a basic one does).
 * - `GET /_ilm/policy/<name>` then, when absent, `PUT` it: answered "exists" (200), so no
 *   policy is uploaded; a `PUT` is acknowledged. Haetae keeps its own retention.
 * - `HEAD /_index_template/<name>` then, when absent (404), `PUT` it, then
 *   `GET /_data_stream/<name>` and, when absent, `PUT /_data_stream/<name>`: answered
 *   "exists", so the beat skips uploading its ~1 MB template at every connect; `PUT`s are
 *   acknowledged. Haetae's tables have their own schema; mappings do not apply.
 * - Winlogbeat 8 checks and loads its ingest pipelines (`GET`/`PUT /_ingest/pipeline/<id>`):
 *   answered the same way. Documents are stored as sent; pipelines do not run.
 * - Older shippers: `GET /_xpack` (7.x ILM check), `/_template/<name>` (legacy templates),
 *   `HEAD`/`PUT /<index>` (index existence and creation), `GET /_nodes`, `GET /_cat/templates`.
 *
 * Ingest: `POST /_bulk` and `POST /<index>/_bulk` (see elastic-bulk.ts). One request is one
 * ingest submission, answered only after its events are committed. Backpressure answers
 * HTTP 429 with `es_rejected_execution_exception` — what Elasticsearch itself answers when
 * its write queue is full; Beats back off and resend the batch. (The JS client's bulk
 * helper retries only per-item 429s: a whole-request 429 rejects its promise, as it would
 * against Elasticsearch.)
 *
 * Duplicates: Elasticsearch shippers send no idempotency key, so a batch resent after a lost
 * answer could be stored twice. Haetae keys every bulk request on the SHA-256 of its
 * decompressed body (or on an `Idempotency-Key` header when one is sent): a byte-identical
 * resend — what Beats send when they retry a whole batch — is acknowledged without storing
 * it again. A resend with other bytes (a batch split after a 413, a retry of some items
 * only, a re-encoded batch) is not recognised. Documents' own `_id`s are echoed but not used
 * for deduplication (a per-document lookup would cost a query per event).
 */
import { createHash } from 'node:crypto';
import type { RequestContext, Route } from './http.js';
import { HttpError, readBody, sendJson } from './http.js';
import { BackpressureError, IngestClosedError, type IngestSource } from './ingest-queue.js';
import { idempotencyKey } from './routes-core.js';
import type { HaetaeServer, ServerModule } from './server.js';
import { BulkSyntaxError, bulkAnswer, elasticErrorBody, parseBulk, type ElasticError } from './elastic-bulk.js';

/** The Elasticsearch version Haetae reports (the last 8.x minor: Beats 8.x accept it). */
export const ELASTIC_VERSION = '8.19.0';

/** Every answer carries it: the official clients refuse answers without it. */
const PRODUCT_HEADER = { 'x-elastic-product': 'Elasticsearch' } as const;

/** Sends an Elasticsearch-style answer. */
function sendElastic(ctx: RequestContext, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  sendJson(ctx.res, status, body, { ...PRODUCT_HEADER, ...headers });
}

/** An error answered in Elasticsearch's error shape. */
class ElasticHttpError extends Error {
  constructor(readonly status: number, readonly error: ElasticError, readonly headers: Readonly<Record<string, string>> = {}) {
    super(error.reason);
  }
}

/** Elasticsearch's error type for a status Haetae's HTTP layer raised (body limits, encodings). */
function errorType(status: number): string {
  if (status === 413) return 'content_too_long_exception';
  if (status === 415) return 'illegal_argument_exception';
  return 'parse_exception';
}

/** Runs a handler, answering its failures in Elasticsearch's error shape. */
function elastic(handle: (ctx: RequestContext) => Promise<void> | void): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    try {
      await handle(ctx);
    } catch (e) {
      if (e instanceof ElasticHttpError) sendElastic(ctx, e.status, elasticErrorBody(e.status, e.error), e.headers);
      else if (e instanceof HttpError) sendElastic(ctx, e.status, elasticErrorBody(e.status, { type: errorType(e.status), reason: e.message }), e.headers);
      else throw e;
    }
  };
}

/** The refusal of a submission, as Elasticsearch words it. */
function refusal(e: unknown): ElasticHttpError {
  if (e instanceof BackpressureError) {
    return new ElasticHttpError(429, { type: 'es_rejected_execution_exception', reason: `rejected execution of bulk request: ${e.message}` }, { 'retry-after': String(e.retryAfterSeconds) });
  }
  if (e instanceof IngestClosedError) return new ElasticHttpError(503, { type: 'node_closed_exception', reason: e.message }, { 'retry-after': '5' });
  throw e;
}

async function bulk(server: HaetaeServer, ctx: RequestContext): Promise<void> {
  const started = performance.now();
  const source: IngestSource = { kind: 'elastic', name: ctx.token?.name ?? 'unknown' };
  // Refuse before reading a body the queue has no room for.
  if (!server.ingest.hasRoom(1)) {
    server.ingest.counter(source).refusedRequests++;
    throw refusal(new BackpressureError(server.ingest.stats().queued));
  }
  const body = await readBody(ctx.req, server.options.maxBodyBytes ?? 64 * 1024 * 1024);
  let request;
  try {
    request = parseBulk(body, ctx.params.index);
  } catch (e) {
    if (e instanceof BulkSyntaxError) throw new ElasticHttpError(400, { type: 'illegal_argument_exception', reason: e.message });
    throw e;
  }
  if (request.items.length === 0) throw new ElasticHttpError(400, { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: no requests added;' });
  const events = request.items.flatMap((item) => (item.event !== undefined ? [item.event] : []));
  if (events.length > 0) {
    const key = idempotencyKey(ctx) ?? `es-bulk:${ctx.token?.id ?? ''}:${request.digest}`;
    try {
      await server.ingest.submit(events, source, key);
    } catch (e) {
      throw refusal(e);
    }
  }
  // Unreadable documents are the shipper's to log (Beats drop 4xx items); counted here too.
  server.ingest.counter(source).dropped += request.items.length - events.length;
  sendElastic(ctx, 200, bulkAnswer(request.items, performance.now() - started));
}

/** `GET /`: who this "cluster" is. */
function clusterInfo(server: HaetaeServer): Record<string, unknown> {
  return {
    name: 'haetae',
    cluster_name: 'haetae',
    cluster_uuid: clusterUuid(server),
    version: {
      number: ELASTIC_VERSION,
      build_flavor: 'default',
      build_type: 'haetae',
      build_hash: 'haetae',
      build_date: '2025-07-01T00:00:00.000Z',
      build_snapshot: false,
      lucene_version: '9.12.2',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  };
}

/** A stable id for this data directory (clients log it; none relies on its form). */
function clusterUuid(server: HaetaeServer): string {
  return createHash('sha256').update(server.options.dataDir).digest('base64url').slice(0, 22);
}

const LICENSE = {
  status: 'active', uid: '00000000-0000-0000-0000-000000000000', type: 'basic', mode: 'basic',
  issue_date: '2025-01-01T00:00:00.000Z', issue_date_in_millis: 1735689600000, max_nodes: 1000,
  max_resource_units: null, issued_to: 'haetae', issuer: 'elasticsearch', start_date_in_millis: -1,
};

const ACK = { acknowledged: true };

/** `/<index>`: a one-segment path that is not an API path. */
const INDEX = /^\/(?<index>[^_/][^/]*)$/;

const name = (pattern: string): RegExp => new RegExp(`^/${pattern}/(?<name>[^/]+)$`);

/** The handshake routes: each answers "exists" to a check and acknowledges a write. */
function handshakeRoutes(server: HaetaeServer): Route[] {
  const get = (path: string | RegExp, body: (ctx: RequestContext) => unknown): Route => ({
    method: 'GET', path, role: 'ingest', handle: elastic((ctx) => sendElastic(ctx, 200, body(ctx))),
  });
  const put = (path: string | RegExp, body: (ctx: RequestContext) => unknown = () => ACK): Route => ({
    method: 'PUT', path, role: 'ingest',
    // The body (a template, a policy) is read within the size limit and not kept.
    handle: elastic(async (ctx) => { await readBody(ctx.req, server.options.maxBodyBytes ?? 64 * 1024 * 1024); sendElastic(ctx, 200, body(ctx)); }),
  });
  const template = (ctx: RequestContext): unknown => ({
    index_templates: [{ name: ctx.params.name, index_template: { index_patterns: [`${ctx.params.name}*`], composed_of: [], data_stream: {}, priority: 150 } }],
  });
  const dataStream = (ctx: RequestContext): unknown => ({
    data_streams: [{ name: ctx.params.name, timestamp_field: { name: '@timestamp' }, indices: [], generation: 1, status: 'GREEN', template: ctx.params.name, hidden: false, system: false }],
  });
  return [
    get('/', () => clusterInfo(server)),
    get('/_license', () => ({ license: LICENSE })),
    get('/_xpack', () => ({ build: { hash: 'haetae', date: '2025-07-01T00:00:00.000Z' }, license: LICENSE, features: { ilm: { available: true, enabled: true } } })),
    get('/_cat/templates', () => []),
    get(/^\/_nodes(\/[^/]+)*$/, () => ({
      _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'haetae',
      nodes: { haetae: { name: 'haetae', version: ELASTIC_VERSION, roles: ['data', 'ingest', 'master'], http: { publish_address: server.url.replace(/^https?:\/\//, '') } } },
    })),
    get(name('_index_template'), template), put(name('_index_template')),
    get(name('_template'), (ctx) => ({ [ctx.params.name]: { index_patterns: [`${ctx.params.name}*`], mappings: {}, settings: {} } })), put(name('_template')),
    get(name('_ilm/policy'), (ctx) => ({ [ctx.params.name]: { version: 1, modified_date: '2025-01-01T00:00:00.000Z', policy: { phases: {} } } })), put(name('_ilm/policy')),
    get(name('_ingest/pipeline'), (ctx) => ({ [ctx.params.name]: { description: 'accepted by Haetae; not run', processors: [] } })), put(name('_ingest/pipeline')),
    get(name('_data_stream'), dataStream), put(name('_data_stream')),
    // An index name cannot start with `_`, so these never shadow the API paths above; only
    // HEAD is served (not GET), so other modules' one-segment GET paths stay reachable.
    { method: 'HEAD', path: INDEX, role: 'ingest', handle: elastic((ctx) => sendElastic(ctx, 200, {})) },
    put(INDEX, (ctx) => ({ ...ACK, shards_acknowledged: true, index: ctx.params.index })),
  ];
}

/** The bulk routes (`POST` as the clients send; `PUT` is allowed by Elasticsearch too). */
function bulkRoutes(server: HaetaeServer): Route[] {
  const handle = elastic((ctx) => bulk(server, ctx));
  return ['POST', 'PUT'].flatMap((method): Route[] => [
    { method, path: '/_bulk', role: 'ingest', handle },
    { method, path: /^\/(?<index>[^_/][^/]*)\/_bulk$/, role: 'ingest', handle },
  ]);
}

/**
 * The Elasticsearch-compatible endpoint as a server module.
 *
 * @example
 * await HaetaeServer.start({ dataDir, modules: [new ElasticEndpoint()] }); // then point Winlogbeat at it
 */
export class ElasticEndpoint implements ServerModule {
  readonly name = 'elastic';

  async start(server: HaetaeServer): Promise<void> {
    server.router.add(...bulkRoutes(server), ...handshakeRoutes(server));
  }

  async stop(): Promise<void> {
    // Routes stay registered: the HTTP server stops taking requests before modules stop.
  }
}
