/**
 * Alerts: throttling, the `alerts` table, Server-Sent Events with resume, and the sinks
 * (webhook retries with backoff against a local server that fails first, syslog RFC 5424
 * over UDP and TCP, file), on an in-process server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defaultRealtimeSettings, DEFAULT_RETRY, type SinkSettings } from './realtime-config.js';
import type { Alert } from './alert-model.js';
import type { AlertRequest } from './alerts.js';
import { localHttp, sseClient, startTestServer, waitFor, type TestServer } from '../testing/server.js';

const NO_RULES = { ...defaultRealtimeSettings().rules, enabled: false };
const FAST = { ...DEFAULT_RETRY, initialBackoffMs: 100, maxBackoffMs: 1000 };

function request(at: string, ip: string, extra: Partial<AlertRequest> = {}): AlertRequest {
  return { source: 'stream', name: 'blocklist', level: 'high', time: new Date(at), host: 'WEB01', fields: { DestinationIp: ip, SourcePort: 49000 + Math.floor(Math.random() * 1000) }, ...extra };
}

async function stored(t: TestServer, query: string): Promise<Record<string, unknown>[]> {
  await t.rt.alerts.flushed();
  const { status, body } = await t.api('POST', '/api/query', { query });
  assert.equal(status, 200, JSON.stringify(body));
  return body['rows'] as Record<string, unknown>[];
}

test('throttling: one alert per (name, key) per window of event time; later events counted into it, in the table and over SSE', async () => {
  const t = await startTestServer({ settings: { rules: NO_RULES } });
  try {
    const sse = await sseClient(`${t.server.url}/api/alerts/stream?access_token=${t.readToken}`);
    const throttle = { windowMs: 60_000, key: ['DestinationIp'] };
    const a = t.rt.alerts;
    const first = a.raise(request('2024-05-01T10:00:00Z', '203.0.113.7', { throttle }));
    assert.ok(first);
    assert.equal(a.raise(request('2024-05-01T10:00:10Z', '203.0.113.7', { throttle })), null, 'same key within the window: merged');
    assert.equal(a.raise(request('2024-05-01T10:00:59.999Z', '203.0.113.7', { throttle })), null);
    const other = a.raise(request('2024-05-01T10:00:20Z', '198.51.100.9', { throttle }));
    assert.ok(other, 'another key: its own alert');
    const later = a.raise(request('2024-05-01T10:01:00Z', '203.0.113.7', { throttle }));
    assert.ok(later, 'a window (60 s) after the first: a new alert');
    assert.equal(a.raise(request('2024-05-01T10:01:30Z', '203.0.113.7', { throttle, name: 'other-stream' } as Partial<AlertRequest>))?.count, 1, 'another name: its own alert');
    assert.equal(first.count, 3);
    const rows = await stored(t, 'table order=asc alerts | fields _id, name, key, count, DestinationIp');
    assert.deepEqual(rows.map((r) => [r['_id'], r['name'], r['key'], r['count'], r['DestinationIp']]), [
      [first.id, 'blocklist', '203.0.113.7', 3, '203.0.113.7'],
      [other.id, 'blocklist', '198.51.100.9', 1, '198.51.100.9'],
      [later.id, 'blocklist', '203.0.113.7', 1, '203.0.113.7'],
      [later.id + 1, 'other-stream', '203.0.113.7', 1, '203.0.113.7'],
    ]);
    // SSE: four alerts; the merges reach subscribers as an update of the first one's count.
    await waitFor('4 alerts and a count update over SSE', () => sse.events.filter((e) => e.event === 'alert').length === 4 && sse.events.some((e) => e.event === 'update'));
    const updates = sse.events.filter((e) => e.event === 'update').map((e) => JSON.parse(e.data) as { id: number; count: number });
    assert.deepEqual(updates.at(-1), { id: first.id, count: 3 });
    assert.deepEqual(sse.events.filter((e) => e.event === 'alert').map((e) => Number(e.id)), [first.id, other.id, later.id, later.id + 1]);
    sse.close();
    // Without a throttle every request is an alert, whatever the key.
    assert.ok(a.raise(request('2024-05-01T10:00:00Z', '203.0.113.7')));
    assert.ok(a.raise(request('2024-05-01T10:00:00Z', '203.0.113.7')));
  } finally {
    await t.close();
  }
});

test('SSE: heartbeats, Last-Event-ID resumes from the stored alerts, filters, and the read role with ?access_token', async () => {
  const t = await startTestServer({ settings: { rules: NO_RULES, heartbeatMs: 100 } });
  try {
    const a = t.rt.alerts;
    const raised: Alert[] = [];
    for (let i = 0; i < 5; i++) raised.push(a.raise(request(`2024-05-01T10:00:0${i}Z`, `203.0.113.${i}`, i === 3 ? { source: 'rule', level: 'low' } : {}))!);
    await a.flushed();
    // A client that saw alert 2 reconnects: it gets 3, 4, 5 first, then live ones.
    const resumed = await sseClient(`${t.server.url}/api/alerts/stream?access_token=${t.readToken}`, { 'last-event-id': String(raised[1]!.id) });
    await waitFor('the missed alerts', () => resumed.events.length >= 3);
    const live = a.raise(request('2024-05-01T10:00:09Z', '203.0.113.9'))!;
    await waitFor('the live alert', () => resumed.events.length >= 4);
    assert.deepEqual(resumed.events.map((e) => Number(e.id)), [raised[2]!.id, raised[3]!.id, raised[4]!.id, live.id]);
    assert.equal((JSON.parse(resumed.events[0]!.data) as Alert).fields['DestinationIp'], '203.0.113.2');
    await waitFor('a heartbeat comment', () => resumed.comments.includes('heartbeat'));
    resumed.close();
    const filtered = await sseClient(`${t.server.url}/api/alerts/stream?min_level=medium&last_event_id=0`, { authorization: `Bearer ${t.readToken}` });
    await waitFor('the medium-or-higher alerts', () => filtered.events.length >= 5);
    assert.ok(filtered.events.every((e) => (JSON.parse(e.data) as Alert).level === 'high'));
    filtered.close();
    // The list endpoint: since an id, oldest first.
    const { body } = await t.api('GET', `/api/alerts?since=${raised[2]!.id}&limit=2`, undefined, t.readToken);
    assert.deepEqual((body['alerts'] as Alert[]).map((x) => x.id), [raised[3]!.id, raised[4]!.id]);
    assert.equal(body['next'], raised[4]!.id);
    assert.equal((await t.api('GET', '/api/alerts?source=rule', undefined, t.readToken)).body['alerts'] instanceof Array, true);
    assert.deepEqual(((await t.api('GET', '/api/alerts?source=rule')).body['alerts'] as Alert[]).map((x) => x.id), [raised[3]!.id]);
    assert.equal((await fetch(`${t.server.url}/api/alerts/stream`)).status, 401, 'a token is required');
    assert.equal((await t.api('GET', '/api/alerts?since=yesterday')).status, 400);
  } finally {
    await t.close();
  }
});

test('webhook: JSON POST, retried with exponential backoff while the receiver fails, in order; a dead sink never blocks raising', async () => {
  let failuresLeft = 2;
  const hook = await localHttp((_req, res) => {
    if (failuresLeft-- > 0) { res.writeHead(503).end('busy'); return; }
    res.writeHead(204).end();
  });
  const sinks: SinkSettings[] = [
    { type: 'webhook', url: `${hook.url}/hook`, headers: { 'x-secret': 's3' }, timeoutMs: 5000, retry: FAST },
    // Nothing listens on port 9 of localhost (discard): every attempt fails; the queue holds 3.
    { type: 'webhook', url: 'http://127.0.0.1:9/dead', headers: {}, timeoutMs: 1000, retry: { ...FAST, queue: 3, maxAttempts: 1000 } },
  ];
  const t = await startTestServer({ settings: { rules: NO_RULES, sinks } });
  try {
    const started = performance.now();
    const first = t.rt.alerts.raise(request('2024-05-01T10:00:00Z', '203.0.113.7'))!;
    const second = t.rt.alerts.raise(request('2024-05-01T10:00:01Z', '203.0.113.8'))!;
    for (let i = 0; i < 20; i++) t.rt.alerts.raise(request('2024-05-01T10:00:02Z', `198.51.100.${i}`));
    assert.ok(performance.now() - started < 200, 'raising does not wait for any sink');
    await waitFor('all 22 alerts posted', () => hook.requests.length >= 24);
    const posted = hook.requests.map((r) => JSON.parse(r.body) as Alert);
    // Attempts: the first alert three times (503, 503, 204), then each other once, in order.
    assert.deepEqual(posted.slice(0, 4).map((p) => p.id), [first.id, first.id, first.id, second.id]);
    const gaps = [hook.requests[1]!.at - hook.requests[0]!.at, hook.requests[2]!.at - hook.requests[1]!.at];
    assert.ok(gaps[0]! >= 95 && gaps[1]! >= 195, `backoff 100 ms then 200 ms: ${gaps.map((g) => g.toFixed(0)).join(', ')}`);
    assert.equal(posted[0]!.fields['DestinationIp'], '203.0.113.7');
    const { body } = await t.api('GET', '/api/alerts/sinks');
    const [live, dead] = body['sinks'] as Record<string, unknown>[];
    assert.deepEqual([live!['delivered'], live!['retries'], live!['failed'], live!['dropped']], [22, 2, 0, 0]);
    assert.equal(dead!['dropped'], 19, 'the dead sink kept the newest 3 (22 raised)');
    assert.match(String(dead!['lastError']), /POST http:\/\/127\.0\.0\.1:9\/dead/);
  } finally {
    await t.close();
    await hook.close();
  }
});

test('webhook: only allowlisted hosts; a 4xx answer is not retried', async () => {
  const refused: SinkSettings = { type: 'webhook', url: 'http://hooks.example.com/x', headers: {}, timeoutMs: 1000, retry: FAST };
  await assert.rejects(startTestServer({ settings: { rules: NO_RULES, sinks: [refused] } }), /host 'hooks\.example\.com' is not in the allowlist/);
  const hook = await localHttp((_req, res) => res.writeHead(400).end('bad'));
  const t = await startTestServer({ settings: { rules: NO_RULES, sinks: [{ type: 'webhook', url: hook.url, headers: {}, timeoutMs: 1000, retry: FAST }] } });
  try {
    t.rt.alerts.raise(request('2024-05-01T10:00:00Z', '203.0.113.7'));
    const sink = await waitFor('the refusal', async () => ((await t.api('GET', '/api/alerts/sinks')).body['sinks'] as Record<string, unknown>[]).find((s) => s['failed'] === 1));
    assert.equal(sink['retries'], 0);
    assert.equal(hook.requests.length, 1);
  } finally {
    await t.close();
    await hook.close();
  }
});

test('syslog out: RFC 5424 over UDP and octet-counted TCP; file: JSON lines', async () => {
  const udp = createSocket('udp4');
  const datagrams: Buffer[] = [];
  udp.on('message', (m) => datagrams.push(m));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const tcpData: Buffer[] = [];
  const tcp = createTcpServer((s) => s.on('data', (d) => tcpData.push(d)));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const t0 = await startTestServer({ settings: { rules: NO_RULES } });
  const file = join(t0.dataDir, 'out', 'alerts.ndjson');
  await t0.close();
  const t = await startTestServer({
    dataDir: t0.dataDir,
    settings: {
      rules: NO_RULES,
      sinks: [
        { type: 'syslog', host: '127.0.0.1', port: (udp.address()).port, protocol: 'udp', facility: 16, retry: FAST },
        { type: 'syslog', host: '127.0.0.1', port: (tcp.address() as AddressInfo).port, protocol: 'tcp', facility: 4, retry: FAST },
        { type: 'file', path: file, retry: FAST },
      ],
    },
  });
  try {
    const a = t.rt.alerts.raise(request('2024-05-01T10:00:00Z', '203.0.113.7', { name: 'block "list"]' }))!;
    const b = t.rt.alerts.raise(request('2024-05-01T10:00:01Z', '203.0.113.8', { level: 'critical' }))!;
    await waitFor('two datagrams', () => datagrams.length >= 2);
    const text = datagrams[0]!.toString('utf8');
    // PRI = 16 × 8 + 3 (high → Error); version 1; timestamp; host; app; pid; MSGID = source.
    assert.match(text, new RegExp(`^<131>1 ${a.raised_at.replace(/\./g, '\\.')} \\S+ haetae ${process.pid} stream \\[haetae@32473 id="${a.id}" name="block \\\\"list\\\\"\\\\]" level="high" host="WEB01" `));
    const bom = datagrams[0]!.indexOf(Buffer.from([0xef, 0xbb, 0xbf]));
    assert.ok(bom > 0, 'MSG starts with a BOM');
    assert.equal((JSON.parse(datagrams[0]!.subarray(bom + 3).toString('utf8')) as Alert).id, a.id);
    assert.match(datagrams[1]!.toString('utf8'), /^<130>1 /, 'critical → severity 2');
    await waitFor('two TCP frames', () => Buffer.concat(tcpData).toString('utf8').split('haetae@32473').length === 3);
    const stream = Buffer.concat(tcpData);
    const len = Number(/^(\d+) /.exec(stream.toString('latin1'))![1]);
    const firstFrame = stream.subarray(String(len).length + 1, String(len).length + 1 + len);
    assert.match(firstFrame.toString('utf8'), /^<35>1 /, 'facility 4 × 8 + 3');
    assert.ok(firstFrame.toString('utf8').endsWith('}'), 'the length counts bytes exactly');
    await waitFor('two lines in the file', () => { try { return readFileSync(file, 'utf8').trim().split('\n').length === 2; } catch { return false; } });
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Alert).id), [a.id, b.id]);
  } finally {
    await t.close();
    udp.close();
    tcp.close();
  }
});
