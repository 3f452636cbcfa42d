/**
 * Issue 7's end-to-end acceptance: start the server, ship corpus Sysmon events through
 * every ingest path with real clients — an EVTX upload to POST /api/ingest (fetch), the
 * official Elasticsearch client's bulk helper (Winlogbeat documents), and util-linux
 * `logger` over syslog TCP (NXLog's `to_syslog_bsd` shape) — then the seed's blocklist
 * stream query (Sysmon 3 DestinationIp joined with a feed served by a local HTTP server)
 * raises an alert for exactly the connections to listed IPs, whichever path they came by.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import type { Event } from '../event/index.js';
import { eventToEcs } from '../formats/index.js';
import { requireShared } from '../testing/corpus.js';
import { CONNECTION_FILES, corpusEvents } from '../testing/stored-events.js';
import { localHttp, startTestServer, waitFor } from '../testing/server.js';
import { flatten, logger } from '../testing/syslog-shapes.js';
import { defaultRealtimeSettings } from './realtime-config.js';
import { ElasticEndpoint } from './elastic.js';
import { SyslogReceiver } from './syslog.js';

/** One corpus file per ingest path: upload, bulk, syslog. */
const FILES = CONNECTION_FILES.map(requireShared);

const isConnection = (e: Event): boolean => e.provider === 'Microsoft-Windows-Sysmon' && e.event_id === 3;
/** A connection as the alert names it: where, to where, from which local port. */
const connectionKey = (host: unknown, ip: unknown, port: unknown): string => `${String(host).split('.')[0]!.toLowerCase()}|${String(ip)}|${String(port)}`;

test('corpus events shipped by upload, Elasticsearch bulk and syslog: the blocklist stream alerts for exactly the listed connections', { timeout: 180_000 }, async () => {
  const [uploaded, bulked, logged] = await Promise.all(FILES.map((f) => corpusEvents(f)));
  const all = [...uploaded!, ...bulked!, ...logged!];
  const ips = [...new Set(all.filter(isConnection).map((e) => String(e.data['DestinationIp'])))].sort();
  assert.ok(ips.length >= 8, `distinct destinations: ${ips.join(' ')}`);
  const listed = new Set(ips.filter((_, i) => i % 2 === 0));
  const feed = await localHttp((req, res) => {
    if (req.url !== '/blocklist.txt') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(['# e2e blocklist', ...listed, ''].join('\n'));
  });
  const syslog = new SyslogReceiver({ tcpPort: 0, flushIntervalMs: 20 });
  const t = await startTestServer({ settings: { rules: { ...defaultRealtimeSettings().rules, enabled: false } }, modules: [new ElasticEndpoint(), syslog] });
  const dir = mkdtempSync(join(tmpdir(), 'haetae-e2e-'));
  try {
    assert.equal((await t.api('POST', '/api/feeds', { name: 'blocklist', url: `${feed.url}/blocklist.txt`, type: 'ip', refresh: '1h' })).status, 201);
    const stream = await t.api('POST', '/api/streams', {
      name: 'blocklist', level: 'high',
      query: 'table sysmon | search event_id == 3 | join DestinationIp [ table feed_blocklist | fields ip | rename ip as DestinationIp ] | fields _time, host, Image, SourcePort, DestinationIp, DestinationPort',
    });
    assert.equal(stream.status, 201, JSON.stringify(stream.body));

    // 1. An EVTX upload to POST /api/ingest.
    const upload = await t.api('POST', '/api/ingest', readFileSync(FILES[0]!));
    assert.equal(upload.body['accepted'], uploaded!.length, JSON.stringify(upload.body));
    // 2. Winlogbeat documents through the official Elasticsearch client.
    const ingestToken = t.server.tokens.create('e2e-shipper', 'ingest').token;
    const client = new Client({ node: t.server.url, auth: { bearer: ingestToken } });
    const bulk = await client.helpers.bulk({ datasource: bulked!.map(eventToEcs), onDocument: () => ({ create: { _index: 'winlogbeat-8.19.0' } }), flushBytes: 50_000 });
    await client.close();
    assert.deepEqual([bulk.successful, bulk.failed], [bulked!.length, 0]);
    // 3. NXLog's to_syslog_bsd shape (messages flattened onto one line) sent by logger over TCP.
    const lines = join(dir, 'sysmon.log');
    writeFileSync(lines, logged!.map((e) => flatten(e.line, true)).join('\n') + '\n');
    await logger(['-P', String(syslog.tcpPort), '--tcp', '--rfc3164', '-t', 'Microsoft-Windows-Sysmon', '-f', lines]);
    await waitFor('the syslog events stored', () => (t.server.ingest.stats().sources.find((s) => s.kind === 'syslog-tcp')?.committed ?? 0) >= logged!.length || undefined, 30_000);
    await t.rt.streams.idle();
    await t.rt.alerts.flushed();

    // Syslog carries the sender's host name (logger's), not the event's Computer: such alerts count as 'syslog'.
    const syslogHost = (e: Event): string => (logged!.includes(e) ? 'syslog' : e.host);
    const expected = all.filter((e) => isConnection(e) && listed.has(String(e.data['DestinationIp'])))
      .map((e) => connectionKey(syslogHost(e), e.data['DestinationIp'], e.data['SourcePort'])).sort();
    assert.ok(expected.length >= 5, `${expected.length} listed connections`);
    const { status, body } = await t.api('POST', '/api/query', { query: 'table alerts | search name == "blocklist" | fields host, DestinationIp, SourcePort' });
    assert.equal(status, 200, JSON.stringify(body));
    const alerts = (body['rows'] as Record<string, unknown>[]).map((r) => {
      const fromSyslog = !all.some((e) => e.host === r['host']);
      return connectionKey(fromSyslog ? 'syslog' : r['host'], r['DestinationIp'], r['SourcePort']);
    }).sort();
    assert.deepEqual(alerts, expected);
    // Every path contributed listed connections, so each was checked.
    for (const [name, events] of [['upload', uploaded!], ['bulk', bulked!], ['syslog', logged!]] as const) {
      assert.ok(events.some((e) => isConnection(e) && listed.has(String(e.data['DestinationIp']))), `${name} carried a listed connection`);
    }
  } finally {
    await t.close();
    await feed.close();
  }
});
