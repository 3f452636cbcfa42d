/**
 * The core endpoints: health, ingest (NDJSON in any JSON shape Haetae reads, or a raw
 * EVTX / Windows XML upload), ingest counters, queries with a time and row budget, and
 * the table list.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { decodeFile, INPUT_FORMATS, type InputFormat, type InputIssue } from '../formats/index.js';
import { rowToJson } from '../cli/render/rows.js';
import { ExecError } from '../query/exec/context.js';
import { formatDiagnostic, QueryError } from '../query/diagnostics.js';
import { parseQueryResult } from '../query/parser.js';
import { executePlan, planQuery } from '../query/plan.js';
import type { Row } from '../query/value.js';
import { AllowlistWgetClient } from '../query/wget-client.js';
import { HttpError, readBody, sendJson, type RequestContext, type Route } from './http.js';
import { BackpressureError, IngestClosedError, type IngestReceipt, type IngestSource } from './ingest-queue.js';
import type { HaetaeServer } from './server.js';

/** Problems listed in an ingest answer at most (the count is always exact). */
const MAX_LISTED_PROBLEMS = 20;

/** The ingest answer's error for a refused submission. */
export function ingestRefusal(e: unknown): HttpError {
  if (e instanceof BackpressureError) return new HttpError(429, e.message, { 'retry-after': String(e.retryAfterSeconds) });
  if (e instanceof IngestClosedError) return new HttpError(503, e.message, { 'retry-after': '5' });
  throw e;
}

/** Submits events and waits for the commit; maps refusals to HTTP errors. */
export async function submitOrRefuse(server: HaetaeServer, events: Event[], source: IngestSource, key: string | undefined): Promise<IngestReceipt> {
  try {
    return await server.ingest.submit(events, source, key);
  } catch (e) {
    throw ingestRefusal(e);
  }
}

/** The idempotency key of a request (`Idempotency-Key` header), checked for sanity. */
export function idempotencyKey(ctx: RequestContext): string | undefined {
  const key = ctx.req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) throw new HttpError(400, 'Idempotency-Key must be 1 to 200 characters');
  return `idem:${ctx.token?.id ?? ''}:${key}`;
}

/** Decodes a request body with the same decoders as files (spooled: EVTX needs random access). */
async function decodeBody(server: HaetaeServer, body: Buffer, format: InputFormat | undefined): Promise<{ events: Event[]; issues: InputIssue[] }> {
  const spool = join(server.options.dataDir, 'spool');
  mkdirSync(spool, { recursive: true });
  const file = join(spool, `ingest-${randomBytes(8).toString('hex')}`);
  writeFileSync(file, body);
  try {
    const events: Event[] = [];
    const issues: InputIssue[] = [];
    for await (const batch of decodeFile(file, { format, render: true })) {
      events.push(...batch.events);
      for (const i of batch.issues) issues.push({ ...i, file: 'request body' });
    }
    return { events, issues };
  } finally {
    rmSync(file, { force: true });
  }
}

function problemText(i: InputIssue): string {
  const where = i.line !== undefined ? `line ${i.line}` : i.offset !== undefined ? `offset ${i.offset}` : '';
  return `${where}${where ? ': ' : ''}${i.reason}`;
}

async function ingest(server: HaetaeServer, ctx: RequestContext): Promise<void> {
  const f = ctx.url.searchParams.get('format') ?? undefined;
  if (f !== undefined && !(INPUT_FORMATS as readonly string[]).includes(f)) throw new HttpError(400, `format must be one of ${INPUT_FORMATS.join(', ')}; got '${f}'`);
  const source: IngestSource = { kind: 'http', name: ctx.token?.name ?? 'unknown' };
  // Full already: refuse before reading a body that could not be queued anyway.
  if (!server.ingest.hasRoom(1)) {
    server.ingest.counter(source).refusedRequests++;
    throw ingestRefusal(new BackpressureError(server.ingest.stats().queued));
  }
  const body = await readBody(ctx.req, server.options.maxBodyBytes ?? 64 * 1024 * 1024);
  if (body.length === 0) throw new HttpError(400, 'empty body: send NDJSON events, an EVTX file or Windows event XML');
  const { events, issues } = await decodeBody(server, body, f as InputFormat | undefined);
  const errors = issues.filter((i) => i.severity === 'error');
  if (events.length === 0 && errors.length > 0) {
    server.ingest.counter(source).dropped += errors.length;
    throw new HttpError(400, `no event could be read: ${problemText(errors[0])}`);
  }
  server.ingest.counter(source).dropped += errors.length;
  const receipt = await submitOrRefuse(server, events, source, idempotencyKey(ctx));
  sendJson(ctx.res, 200, { ...receipt, skipped: errors.length, problems: issues.slice(0, MAX_LISTED_PROBLEMS).map(problemText) });
}

async function query(server: HaetaeServer, ctx: RequestContext): Promise<void> {
  const body = await readBody(ctx.req, 1024 * 1024);
  let request: { query?: unknown; limit?: unknown };
  try { request = JSON.parse(body.toString('utf8')) as typeof request; } catch { throw new HttpError(400, 'expected a JSON body: {"query": "table sysmon | …", "limit": 1000}'); }
  if (typeof request.query !== 'string' || request.query.trim() === '') throw new HttpError(400, '"query" must be a non-empty string');
  const text = request.query;
  const maxRows = server.options.queryMaxRows ?? 100_000;
  const limit = typeof request.limit === 'number' && request.limit > 0 ? Math.min(request.limit, maxRows) : maxRows;
  const parsed = parseQueryResult(text);
  if (!parsed.query || parsed.diagnostics.length > 0) {
    sendJson(ctx.res, 400, { error: 'query does not parse', diagnostics: parsed.diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d, text) })) });
    return;
  }
  const budget = server.options.queryTimeoutMs ?? 30_000;
  const started = performance.now();
  const rows: Row[] = [];
  let truncated = false;
  try {
    const qctx = { source: server.store, now: new Date(), wget: new AllowlistWgetClient(server.options.allowHosts ?? []) };
    const plan = await planQuery(parsed.query, qctx);
    for await (const batch of executePlan(plan, qctx)) {
      // The budget is checked between batches: the generator's return() stops the pipeline.
      if (performance.now() - started > budget) throw new HttpError(408, `query stopped: over its time budget of ${budget} ms`);
      for (const r of batch) { if (rows.length < limit) rows.push(r); else truncated = true; }
      if (truncated) break;
    }
  } catch (e) {
    if (e instanceof QueryError) throw new HttpError(400, e.message);
    if (e instanceof ExecError) throw new HttpError(422, e.span ? formatDiagnostic({ code: 'exec', message: e.message, span: e.span }, text) : e.message);
    throw e;
  }
  sendJson(ctx.res, 200, { rows: rows.map(rowToJson), count: rows.length, truncated, ms: Math.round(performance.now() - started) });
}

/** The core routes of a server. */
export function coreRoutes(server: HaetaeServer): Route[] {
  return [
    { method: 'GET', path: '/api/health', role: 'public', handle: (ctx) => sendJson(ctx.res, 200, { status: 'ok', queued: server.ingest.stats().queued }) },
    { method: 'POST', path: '/api/ingest', role: 'ingest', handle: (ctx) => ingest(server, ctx) },
    { method: 'GET', path: '/api/ingest/stats', role: 'read', handle: (ctx) => sendJson(ctx.res, 200, server.ingest.stats()) },
    { method: 'POST', path: '/api/query', role: 'read', handle: (ctx) => query(server, ctx) },
    {
      method: 'GET', path: '/api/tables', role: 'read',
      handle: async (ctx) => sendJson(ctx.res, 200, { tables: (await server.store.tables()).map((t) => ({ name: t.name, events: t.events, first: t.first, last: t.last })) }),
    },
  ];
}
