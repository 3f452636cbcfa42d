import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, errors } from '@elastic/elasticsearch';
import type { Event } from '../event/index.js';
import { eventToEcs } from '../formats/index.js';
import { assertStoredExactly, corpusEvents, holdStoreWrites, SHIPPING_FILES, storedRows, withStarted } from '../testing/stored-events.js';
import { ELASTIC_VERSION, ElasticEndpoint } from './elastic.js';
import { HaetaeServer, type ServerOptions } from './server.js';

/** Winlogbeat's data stream name for its version: where Winlogbeat 8 sends. */
const STREAM = `winlogbeat-${ELASTIC_VERSION}`;

interface Running {
  server: HaetaeServer;
  /** Winlogbeat's `api_key: "id:token"`. */
  apiKey: { id: string; api_key: string };
  /** Winlogbeat's username/password: the password is the token. */
  basic: { username: string; password: string };
  close(): Promise<void>;
}

/** A test body run against a fresh server with the Elasticsearch endpoint. */
const withServer = (options: Partial<ServerOptions>, body: (r: Running) => Promise<void>): (() => Promise<void>) => withStarted(() => start(options), body);

async function start(options: Partial<ServerOptions> = {}): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-elastic-'));
  const server = await HaetaeServer.start({ dataDir, port: 0, modules: [new ElasticEndpoint()], log: () => {}, ...options });
  const { record, token } = server.tokens.create('winlogbeat', 'ingest');
  return {
    server,
    apiKey: { id: record.id, api_key: token },
    basic: { username: 'winlogbeat', password: token },
    close: async () => { await server.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

function basicHeader(r: Running): string {
  return `Basic ${Buffer.from(`${r.basic.username}:${r.basic.password}`).toString('base64')}`;
}

/** A raw bulk request (for bodies the client would not build: broken lines, exact resends). */
async function rawBulk(r: Running, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${r.server.url}/_bulk`, {
    method: 'POST',
    headers: { authorization: basicHeader(r), 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const ndjson = (lines: unknown[]): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

let shipped: Event[] | null = null;
/** The corpus events the tests ship (Sysmon and Security), decoded once. */
async function events(): Promise<Event[]> {
  shipped ??= await corpusEvents(SHIPPING_FILES.sysmon, SHIPPING_FILES.security);
  return shipped;
}

test('the handshake Winlogbeat 8 and the JS client make is answered, with the product header', withServer({}, async (r) => {
  const client = new Client({ node: r.server.url, auth: { apiKey: r.apiKey } });
  const info = await client.info();
  assert.equal(info.version.number, ELASTIC_VERSION);
  assert.equal(info.version.build_flavor, 'default');
  const license = await client.license.get();
  assert.equal(license.license.status, 'active');
  assert.equal(await client.indices.existsIndexTemplate({ name: STREAM }), true);
  assert.equal((await client.indices.putIndexTemplate({ name: STREAM, index_patterns: [`${STREAM}*`], data_stream: {} })).acknowledged, true);
  assert.equal((await client.indices.getDataStream({ name: STREAM })).data_streams[0].name, STREAM);
  assert.equal((await client.indices.createDataStream({ name: STREAM })).acknowledged, true);
  assert.ok((await client.ilm.getLifecycle({ name: 'winlogbeat' })).winlogbeat);
  assert.equal((await client.ilm.putLifecycle({ name: 'winlogbeat', policy: { phases: {} } })).acknowledged, true);
  assert.equal((await client.ingest.putPipeline({ id: `winlogbeat-${ELASTIC_VERSION}-routing`, processors: [] })).acknowledged, true);
  assert.ok((await client.ingest.getPipeline({ id: `winlogbeat-${ELASTIC_VERSION}-routing` }))[`winlogbeat-${ELASTIC_VERSION}-routing`]);
  assert.equal((await client.nodes.info()).nodes.haetae.version, ELASTIC_VERSION);
  assert.deepEqual(await client.cat.templates({ format: 'json' }), []);
  assert.equal(await client.indices.exists({ index: 'winlogbeat' }), true);
  assert.equal((await client.indices.create({ index: 'winlogbeat' })).acknowledged, true);
  // libbeat checks the template with HEAD (a 404 would make it upload one).
  const head = await fetch(`${r.server.url}/_index_template/${STREAM}`, { method: 'HEAD', headers: { authorization: basicHeader(r) } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('x-elastic-product'), 'Elasticsearch');
  const root = await fetch(`${r.server.url}/`, { method: 'HEAD', headers: { authorization: basicHeader(r) } });
  assert.equal(root.status, 200);
  // Without a token: refused like any Haetae endpoint.
  assert.equal((await fetch(`${r.server.url}/`)).status, 401);
  await client.close();
}));

test('the official client bulk helper ships Winlogbeat documents, gzip-compressed, with an API key: every event stored exactly', withServer({}, async (r) => {
  const shipped = await events();
  const client = new Client({ node: r.server.url, auth: { apiKey: r.apiKey }, compression: true });
  const dropped: unknown[] = [];
  const stats = await client.helpers.bulk({
    datasource: shipped.map(eventToEcs),
    onDocument: () => ({ create: { _index: STREAM } }),
    // Small flushes: several bulk requests, sent concurrently.
    flushBytes: 40_000,
    concurrency: 3,
    onDrop: (d) => dropped.push(d),
  });
  assert.deepEqual(dropped, []);
  assert.equal(stats.successful, shipped.length);
  assert.equal(stats.failed, 0);
  await assertStoredExactly(r.server.store, shipped);
  const counters = r.server.ingest.stats().sources.find((s) => s.kind === 'elastic');
  assert.equal(counters?.committed, shipped.length);
  await client.close();
}));

test('username/password (Basic, password = token) works; bad documents and unsupported actions are reported per item', withServer({}, async (r) => {
  const [good, other] = (await events()).slice(0, 2);
  const client = new Client({ node: r.server.url, auth: r.basic });
  const noWinlog = { '@timestamp': '2024-05-01T10:00:00.000Z', message: 'not a Windows event' };
  const noTime = { ...eventToEcs(other), '@timestamp': 'yesterday' };
  const answer = await client.bulk({
    operations: [
      { create: { _index: STREAM } }, eventToEcs(good),
      { index: { _index: STREAM, _id: 'mine-1' } }, noWinlog,
      { create: { _index: STREAM } }, noTime,
      { delete: { _index: STREAM, _id: 'x' } },
      { update: { _index: STREAM, _id: 'y' } }, { doc: { a: 1 } },
    ],
  });
  assert.equal(answer.errors, true);
  const items = answer.items.map((i) => Object.entries(i)[0]);
  assert.deepEqual(items.map(([op, v]) => [op, v.status]), [['create', 201], ['index', 400], ['create', 400], ['delete', 400], ['update', 400]]);
  assert.equal(items[0][1].result, 'created');
  assert.equal(items[0][1]._index, STREAM);
  assert.equal(items[1][1]._id, 'mine-1');
  assert.equal(items[1][1].error?.type, 'document_parsing_exception');
  assert.match(String(items[1][1].error?.reason), /winlog/);
  assert.match(String(items[2][1].error?.reason), /@timestamp/);
  assert.match(String(items[3][1].error?.reason), /delete is not supported/);
  await assertStoredExactly(r.server.store, [good]);
  // A document line that is not JSON fails its item; a broken action line fails the request.
  const notJson = await rawBulk(r, ndjson([{ create: { _index: STREAM } }, '{"winlog": ', { create: { _index: STREAM } }, eventToEcs(other)]));
  assert.equal(notJson.status, 200);
  assert.deepEqual((notJson.json.items as Record<string, { status: number }>[]).map((i) => i.create.status), [400, 201]);
  const brokenAction = await rawBulk(r, ndjson(['{"create": ', eventToEcs(other)]));
  assert.equal(brokenAction.status, 400);
  assert.equal((brokenAction.json.error as { type: string }).type, 'illegal_argument_exception');
  assert.match((brokenAction.json.error as { reason: string }).reason, /line \[1\]/);
  assert.equal(brokenAction.headers.get('x-elastic-product'), 'Elasticsearch');
  await assertStoredExactly(r.server.store, [good, other]);
  await client.close();
}));

test('a byte-identical resend (a batch retried after a lost answer) is acknowledged once stored; /<index>/_bulk takes the path index', withServer({}, async (r) => {
  const batch = (await events()).slice(0, 20);
  const body = gzipSync(ndjson(batch.flatMap((e) => [{ create: {} }, eventToEcs(e)])));
  const send = async (): Promise<Response> => fetch(`${r.server.url}/${STREAM}/_bulk`, {
    method: 'POST', headers: { authorization: basicHeader(r), 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' }, body,
  });
  const first = (await (await send()).json()) as { errors: boolean; items: { create: { _id: string; _index: string; status: number } }[] };
  const again = (await (await send()).json()) as typeof first;
  assert.equal(first.errors, false);
  assert.equal(first.items[0].create._index, STREAM);
  assert.deepEqual(again.items.map((i) => [i.create._id, i.create.status]), first.items.map((i) => [i.create._id, i.create.status]));
  await assertStoredExactly(r.server.store, batch);
  const counters = r.server.ingest.stats().sources.find((s) => s.kind === 'elastic');
  assert.equal(counters?.duplicates, batch.length);
}));

test('backpressure: a full ingest queue answers 429 es_rejected_execution_exception; the resend after it drains is stored', withServer({ maxQueuedEvents: 5 }, async (r) => {
  const all = await events();
  const [prefill, batch] = [all.slice(0, 5), all.slice(5, 15)];
  const store = r.server.store;
  const open = holdStoreWrites(store);
  const waiting = r.server.ingest.submit(prefill, { kind: 'test', name: 'prefill' });
  const client = new Client({ node: r.server.url, auth: { apiKey: r.apiKey }, maxRetries: 0 });
  const operations = batch.flatMap((e) => [{ create: { _index: STREAM } }, eventToEcs(e)]);
  await assert.rejects(client.bulk({ operations }), (e: unknown) => {
    assert.ok(e instanceof errors.ResponseError);
    assert.equal(e.statusCode, 429);
    const body = e.body as { error: { type: string; root_cause: { type: string }[] }; status: number };
    assert.equal(body.error.type, 'es_rejected_execution_exception');
    assert.equal(body.error.root_cause[0].type, 'es_rejected_execution_exception');
    assert.equal(body.status, 429);
    assert.ok(Number(e.headers?.['retry-after']) >= 1);
    return true;
  });
  assert.equal((await storedRows(store, 'sysmon')).length, 0);
  assert.equal(r.server.ingest.stats().sources.find((s) => s.kind === 'elastic')?.refusedRequests, 1);
  open();
  await waiting;
  const answer = await client.bulk({ operations });
  assert.equal(answer.errors, false);
  await assertStoredExactly(store, [...prefill, ...batch]);
  await client.close();
}));
