/**
 * Feeds: where a list may come from (allowlisted hosts, the data directory's feeds/
 * folder, the operator's files), refresh keeping the last good list, and a refreshed
 * feed reaching a running stream query (the lookup form).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localHttp, startTestServer, type TestServer } from '../testing/server.js';
import { throughEvtx, W3WP, WindowsEvents } from '../testing/windows-events.js';
import type { Alert } from './alert-model.js';
import { defaultRealtimeSettings } from './realtime-config.js';

const NO_RULES = { ...defaultRealtimeSettings().rules, enabled: false };

async function feedRows(t: TestServer, name: string): Promise<string[]> {
  const { body } = await t.api('POST', '/api/query', { query: `table feed_${name} | fields ip` });
  return (body['rows'] as { ip: string }[]).map((r) => r.ip).sort();
}

test('API feeds: URLs only on allowlisted hosts; files only inside <data>/feeds/; a failed refresh keeps the last list', async () => {
  let serve = '203.0.113.7\n';
  let fail = false;
  const http = await localHttp((_req, res) => { if (fail) res.writeHead(500).end(); else res.end(serve); });
  const outside = mkdtempSync(join(tmpdir(), 'haetae-outside-'));
  writeFileSync(join(outside, 'secret.txt'), '198.51.100.1\n');
  const t = await startTestServer({ settings: { rules: NO_RULES } });
  try {
    const foreign = await t.api('POST', '/api/feeds', { name: 'x', url: 'http://feeds.example.com/ip.txt', type: 'ip' });
    assert.equal(foreign.status, 400);
    assert.match(String(foreign.body['error']), /host 'feeds\.example\.com' is not in the wget allowlist/);
    for (const file of ['../tokens.json', '/etc/hosts', join(outside, 'secret.txt'), 'sub/../../tokens.json']) {
      const r = await t.api('POST', '/api/feeds', { name: 'x', file, type: 'ip' });
      assert.equal(r.status, 400, file);
      assert.match(String(r.body['error']), /must be inside .*feeds and given relative to it/);
    }
    mkdirSync(join(t.dataDir, 'feeds'), { recursive: true });
    symlinkSync(join(outside, 'secret.txt'), join(t.dataDir, 'feeds', 'link.txt'));
    const viaLink = await t.api('POST', '/api/feeds', { name: 'linked', file: 'link.txt', type: 'ip' });
    assert.equal(viaLink.status, 201);
    assert.match(String(viaLink.body['lastError']), /leads outside/);
    assert.equal(viaLink.body['items'], 0);
    writeFileSync(join(t.dataDir, 'feeds', 'local.txt'), '# ours\n192.0.2.10\n');
    const local = await t.api('POST', '/api/feeds', { name: 'local', file: 'local.txt', type: 'ip', refresh: '1h' });
    assert.deepEqual([local.status, local.body['items'], local.body['lastError']], [201, 1, null]);
    assert.deepEqual(await feedRows(t, 'local'), ['192.0.2.10']);

    assert.equal((await t.api('POST', '/api/feeds', { name: 'remote', url: `${http.url}/ip.txt`, type: 'ip' })).status, 201);
    assert.equal((await t.api('POST', '/api/feeds', { name: 'remote', url: `${http.url}/ip.txt`, type: 'ip' })).status, 409);
    serve = '203.0.113.7\n203.0.113.8\n';
    assert.equal((await t.api('POST', '/api/feeds/remote/refresh')).body['items'], 2);
    fail = true;
    const failed = (await t.api('POST', '/api/feeds/remote/refresh')).body;
    assert.match(String(failed['lastError']), /HTTP 500/);
    assert.deepEqual(await feedRows(t, 'remote'), ['203.0.113.7', '203.0.113.8'], 'the last good list stays');
    assert.equal((await t.api('POST', '/api/feeds/remote/refresh', undefined, t.readToken)).status, 403);
    assert.equal((await t.api('DELETE', '/api/feeds/remote')).status, 200);
    assert.equal((await t.api('POST', '/api/query', { query: 'table feed_remote' })).status, 422, 'its table is gone');
    const persisted = JSON.parse(readFileSync(join(t.dataDir, 'feeds.json'), 'utf8')) as { name: string; file?: string }[];
    assert.deepEqual(persisted.map((f) => [f.name, f.file]), [['linked', 'link.txt'], ['local', 'local.txt']]);
  } finally {
    await t.close();
    await http.close();
  }
});

test('haetae.yaml feeds may name any file; they cannot be deleted through the API; a refresh reaches a running stream (lookup form)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-feedfile-'));
  const file = join(dir, 'ips.txt');
  writeFileSync(file, '203.0.113.66\n');
  const t = await startTestServer({ settings: { rules: NO_RULES, feeds: [{ name: 'intel', file, type: 'ip', refreshMs: 3_600_000 }] } });
  try {
    const feeds = (await t.api('GET', '/api/feeds', undefined, t.readToken)).body['feeds'] as Record<string, unknown>[];
    assert.deepEqual(feeds.map((f) => [f['name'], f['origin'], f['items']]), [['intel', 'config', 1]]);
    assert.equal((await t.api('DELETE', '/api/feeds/intel')).status, 409);
    const stream = await t.api('POST', '/api/streams', {
      name: 'intel_hits', level: 'critical',
      query: 'table sysmon | search event_id == 3 | lookup feed_intel DestinationIp as ip output feed as listed_in | search isnotnull(listed_in) | fields _time, host, DestinationIp, listed_in',
    });
    assert.equal(stream.status, 201, JSON.stringify(stream.body));
    // CIDR entries: an exact join cannot match them; a cross join with cidrmatch can.
    const nets = await t.api('POST', '/api/streams', {
      name: 'intel_nets', query: 'table sysmon | search event_id == 3 | join type=cross [ table feed_intel | search isnotnull(network) | fields network ] | search cidrmatch(network, DestinationIp) | fields host, DestinationIp, network',
    });
    assert.equal(nets.status, 201, JSON.stringify(nets.body));
    const b = new WindowsEvents('WEB01', '2024-05-01');
    const c = { pid: 4120, guid: '{g}', image: W3WP, initiated: true, source: '10.1.2.3', sourcePort: 50000, destPort: 443 };
    const ship = async (name: string, dests: string[]): Promise<void> => {
      const { file: evtx } = await throughEvtx(name, dests.map((d, i) => b.sysmon3(`10:00:0${i}`, { ...c, dest: d })));
      assert.equal((await t.api('POST', '/api/ingest', readFileSync(evtx))).status, 200);
      await t.rt.streams.idle();
      await t.rt.alerts.flushed();
    };
    await ship('intel-1', ['203.0.113.66', '203.0.113.99']);
    writeFileSync(file, '203.0.113.66\n203.0.113.99\n198.51.100.0/24\n');
    const refreshed = (await t.api('POST', '/api/feeds/intel/refresh')).body;
    assert.deepEqual([refreshed['items'], refreshed['networks']], [2, 1]);
    await ship('intel-2', ['203.0.113.66', '203.0.113.99', '198.51.100.1']);
    const alerts = (await t.api('GET', '/api/alerts?name=intel_hits')).body['alerts'] as Alert[];
    assert.deepEqual(alerts.map((a) => [a.fields['DestinationIp'], a.fields['listed_in'], a.level]), [
      ['203.0.113.66', 'intel', 'critical'],
      ['203.0.113.66', 'intel', 'critical'],
      ['203.0.113.99', 'intel', 'critical'],
    ]);
    const inNets = (await t.api('GET', '/api/alerts?name=intel_nets')).body['alerts'] as Alert[];
    assert.deepEqual(inNets.map((a) => [a.fields['DestinationIp'], a.fields['network']]), [['198.51.100.1', '198.51.100.0/24']]);
  } finally {
    await t.close();
  }
});
