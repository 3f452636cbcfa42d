/**
 * The server core: tokens and roles, body limits, ingest in every shape with commit
 * before the answer, idempotency keys, backpressure, the query budget, graceful shutdown.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { EvtxWriter } from '../evtx/index.js';
import { eventToXml } from '../event/index.js';
import { formatEvent } from '../formats/write.js';
import { demoEvents } from '../demo/index.js';
import { HaetaeServer } from './server.js';
import { TokenStore, tokensFile } from './tokens.js';

const root = mkdtempSync(join(tmpdir(), 'haetae-server-'));

interface Tokens { admin: string; read: string; ingest: string }

async function startServer(name: string, extra: Partial<Parameters<typeof HaetaeServer.start>[0]> = {}): Promise<{ server: HaetaeServer; tokens: Tokens }> {
  const dataDir = join(root, name);
  const store = new TokenStore(tokensFile(dataDir));
  const tokens = { admin: store.create('admin', 'admin').token, read: store.create('reader', 'read').token, ingest: store.create('shipper', 'ingest').token };
  const server = await HaetaeServer.start({ dataDir, port: 0, log: () => {}, ...extra });
  return { server, tokens };
}

async function call(server: HaetaeServer, path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
  const r = await fetch(server.url + path, { ...init, headers });
  const text = await r.text();
  return { status: r.status, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown>, headers: r.headers };
}

async function count(server: HaetaeServer, token: string, query: string): Promise<number> {
  const r = await call(server, '/api/query', { method: 'POST', token, body: JSON.stringify({ query: `${query} | stats count` }) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Number((r.body.rows as { count: number }[])[0]?.count ?? 0);
}

function ndjson(events: readonly object[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

describe('haetae serve: core', () => {
  let server: HaetaeServer;
  let tokens: Tokens;
  before(async () => { ({ server, tokens } = await startServer('core', { maxBodyBytes: 4 * 1024 * 1024 })); });
  after(async () => { await server.close(); });

  it('answers health without a token, and nothing else', async () => {
    assert.deepEqual((await call(server, '/api/health')).body, { status: 'ok', queued: 0 });
    const r = await call(server, '/api/tables');
    assert.equal(r.status, 401);
    assert.match(String(r.body.error), /token is required/);
    assert.equal((await call(server, '/api/tables', { token: 'hae_nope_nope' })).status, 401);
    assert.equal((await call(server, '/api/nowhere', { token: tokens.read })).status, 404);
    assert.equal((await call(server, '/api/query', { token: tokens.read })).status, 405);
  });

  it('checks roles: readers cannot ingest, shippers cannot query', async () => {
    const ingest = await call(server, '/api/ingest', { method: 'POST', token: tokens.read, body: '{}' });
    assert.equal(ingest.status, 403);
    assert.match(String(ingest.body.error), /ingest role/);
    assert.equal((await call(server, '/api/query', { method: 'POST', token: tokens.ingest, body: '{"query":"table sysmon"}' })).status, 403);
  });

  it('accepts the token as ApiKey, Basic, X-Haetae-Token, and ?access_token on GET only', async () => {
    const apiKey = Buffer.from(`shipper-id:${tokens.read}`).toString('base64');
    assert.equal((await call(server, '/api/tables', { headers: { authorization: `ApiKey ${apiKey}` } })).status, 200);
    const basic = Buffer.from(`someone:${tokens.read}`).toString('base64');
    assert.equal((await call(server, '/api/tables', { headers: { authorization: `Basic ${basic}` } })).status, 200);
    assert.equal((await call(server, '/api/tables', { headers: { 'x-haetae-token': tokens.read } })).status, 200);
    assert.equal((await call(server, `/api/tables?access_token=${tokens.read}`)).status, 200);
    assert.equal((await call(server, `/api/query?access_token=${tokens.read}`, { method: 'POST', body: '{"query":"table sysmon"}' })).status, 401);
  });

  it('stores NDJSON, gzipped NDJSON, EVTX and XML uploads before answering', async () => {
    const events = demoEvents({ count: 300, seed: 3, host: 'HOST-A' });
    const r = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: ndjson(events) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.accepted, 300);
    // Committed before the answer: a query right after sees every event.
    assert.equal(await count(server, tokens.read, 'table sysmon, security | search host == "HOST-A"'), 300);

    const gz = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, headers: { 'content-encoding': 'gzip' }, body: gzipSync(ndjson(demoEvents({ count: 50, seed: 4, host: 'HOST-B' }))) });
    assert.equal(gz.body.accepted, 50);

    const file = join(root, 'upload.evtx');
    const w = new EvtxWriter(file);
    for (const e of demoEvents({ count: 40, seed: 5, host: 'HOST-C' })) w.writeRecord(eventToXml(e), e._time);
    w.close();
    const evtx = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: readFileSync(file) });
    assert.equal(evtx.body.accepted, 40);

    const xml = `<Events>${demoEvents({ count: 10, seed: 6, host: 'HOST-D' }).map((e) => formatEvent(e, 'xml')).join('')}</Events>`;
    const x = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: xml });
    assert.equal(x.status, 200, JSON.stringify(x.body));
    assert.equal(x.body.accepted, 10);
    for (const [host, n] of [['HOST-B', 50], ['HOST-C', 40], ['HOST-D', 10]] as const) assert.equal(await count(server, tokens.read, `table sysmon, security | search host == "${host}"`), n, host);
  });

  it('reports unreadable records and stores the rest; refuses a body with nothing readable', async () => {
    const good = ndjson(demoEvents({ count: 5, seed: 7, host: 'HOST-E' }));
    const r = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: `${good}{"broken": \n` });
    assert.equal(r.status, 200);
    assert.equal(r.body.accepted, 5);
    assert.equal(r.body.skipped, 1);
    assert.match(String((r.body.problems as string[])[0]), /^line 6: /);
    const bad = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: 'hello world\n' });
    assert.equal(bad.status, 400);
    assert.equal((await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body: 'x'.repeat(5 * 1024 * 1024) })).status, 413);
  });

  it('stores a batch resent with the same Idempotency-Key once', async () => {
    const body = ndjson(demoEvents({ count: 20, seed: 8, host: 'HOST-F' }));
    const first = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, headers: { 'idempotency-key': 'batch-1' }, body });
    const again = await call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, headers: { 'idempotency-key': 'batch-1' }, body });
    assert.deepEqual([first.body.accepted, first.body.duplicate, again.body.accepted, again.body.duplicate], [20, false, 0, true]);
    assert.equal(await count(server, tokens.read, 'table sysmon, security | search host == "HOST-F"'), 20);
    const stats = (await call(server, '/api/ingest/stats', { token: tokens.read })).body as { sources: { kind: string; name: string; duplicates: number }[] };
    assert.ok(stats.sources.some((s) => s.kind === 'http' && s.name === 'shipper' && s.duplicates === 20));
  });

  it('answers query errors with the column, and cuts results at the row budget', async () => {
    const bad = await call(server, '/api/query', { method: 'POST', token: tokens.read, body: JSON.stringify({ query: 'table sysmon | stats cnt(' }) });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /column/);
    const limited = await call(server, '/api/query', { method: 'POST', token: tokens.read, body: JSON.stringify({ query: 'table sysmon', limit: 7 }) });
    assert.equal(limited.body.count, 7);
    assert.equal(limited.body.truncated, true);
  });
});

describe('haetae serve: backpressure and shutdown', () => {
  it('answers 429 with Retry-After when the queue is full, and commits queued events on close', async () => {
    const { server, tokens } = await startServer('pressure', { maxQueuedEvents: 100 });
    try {
    const body = ndjson(demoEvents({ count: 100, seed: 9 }));
    // Many concurrent submissions against a queue of 100 events: some must be refused, none lost.
    const results = await Promise.all(Array.from({ length: 8 }, () => call(server, '/api/ingest', { method: 'POST', token: tokens.ingest, body })));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    assert.ok(refused.length > 0, 'some requests were refused');
    assert.ok(refused.every((r) => r.headers.get('retry-after') !== null));
    const stored = await count(server, tokens.read, "table sysmon, security");
    assert.equal(stored, ok.length * 100);
    const stats = (await call(server, '/api/ingest/stats', { token: tokens.read })).body as { sources: { refusedRequests: number; committed: number }[] };
    assert.equal(stats.sources.reduce((n, s) => n + s.refusedRequests, 0), refused.length);
    assert.equal(stats.sources.reduce((n, s) => n + s.committed, 0), stored);
    } finally {
      await server.close();
    }
  });
});
