/**
 * Forensics on a two-shard ClickHouse cluster: the corpus suite unchanged (as on DuckDB in
 * forensics-corpus.test.ts), then every view over the demo dataset compared with the
 * embedded DuckDB store's answer to the same question — they must be identical.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoDataset, DEMO_STORY } from '../demo/index.js';
import { newRow } from '../query/value.js';
import { openClickHouseStore } from '../store/clickhouse/index.js';
import { openStore, type Store } from '../store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { forensicsCorpusSuite } from '../testing/forensics-corpus-suite.js';
import type { Allowlist } from './allowlist.js';
import { processConnections } from './connections.js';
import { eventsByRecord } from './event-refs.js';
import { hostList } from './hosts.js';
import { iocMatches } from './ioc.js';
import { hashPrevalence, type PrevalenceOptions } from './prevalence.js';
import { processTree, type ProcessNode, type ProcessQuery } from './process-tree.js';
import { spread, type SpreadQuery } from './spread.js';

let cluster: ClickHouseCluster;
let databases = 0;

before(async () => { cluster = await startClickHouseCluster({ shards: 2 }); });
after(async () => { await cluster.stop(); });

/** A store on a new, empty database of the cluster, with its own spool. */
function openFresh(): Promise<Store> {
  const url = cluster.storeUrl.replace(`/${cluster.database}?`, `/forensics_${++databases}?`);
  return openClickHouseStore(url, { spoolDir: mkdtempSync(join(tmpdir(), 'haetae-spool-')) });
}

forensicsCorpusSuite('clickhouse', openFresh);

function nodes(n: ProcessNode, out: ProcessNode[] = []): ProcessNode[] {
  out.push(n);
  for (const c of n.children) nodes(c, out);
  return out;
}

type Settled<T> = { ok: T } | { error: string };

async function settle<T>(work: Promise<T>): Promise<Settled<T>> {
  try { return { ok: await work }; } catch (e) { return { error: `${(e as Error).name}: ${(e as Error).message}` }; }
}

/** Asserts that both stores give the same answer to one question, and returns it. */
async function same<T>(label: string, stores: { duck: Store; click: Store }, ask: (s: Store) => Promise<T>): Promise<T> {
  const [duck, click] = [await settle(ask(stores.duck)), await settle(ask(stores.click))];
  assert.deepEqual(click, duck, label);
  if ('error' in duck) assert.fail(`${label}: ${duck.error}`);
  return duck.ok;
}

/** Asserts that both stores refuse a question with the same error. */
async function sameError(label: string, stores: { duck: Store; click: Store }, ask: (s: Store) => Promise<unknown>): Promise<void> {
  const [duck, click] = [await settle(ask(stores.duck)), await settle(ask(stores.click))];
  assert.ok('error' in duck, `${label}: refused`);
  assert.deepEqual(click, duck, label);
}

test('clickhouse: every forensic view over the demo dataset equals the DuckDB store\'s answer', async () => {
  const events = demoDataset();
  const stores = { duck: await openStore({ memory: true }), click: await openFresh() };
  try {
    const feed = (ip: Record<string, string>[]) => ip.map((o) => Object.assign(newRow(), { _time: new Date(Date.UTC(2024, 4, 2)) }, o));
    for (const s of [stores.duck, stores.click]) {
      await s.importEvents('auto', [{ events }]);
      await s.writeRows('feed_story', feed([{ ip: DEMO_STORY.payloadServerIp }, { ip: '10.0.0.1' }]));
      await s.writeRows('feed_nets', feed([{ network: '45.77.64.0/22' }, { network: '10.0.0.0/8' }, { network: 'fe80::/10' }, { network: 'not-a-network' }]));
      const domains = events.filter((e) => e.event_id === 22).map((e) => String(e.data.QueryName).toLowerCase()).slice(0, 3);
      await s.writeRows('feed_domains', feed(domains.map((domain) => ({ domain }))));
      await s.writeRows('feed_hashes', feed([{ hash: DEMO_STORY.payload.sha256 }]));
    }
    // Hosts: every page size hits a different boundary.
    const hosts = await same('hosts', stores, (s) => hostList(s, 1000, 0));
    assert.ok(hosts.total >= 3 && hosts.hosts.every((h) => h.first_seen !== null && h.channels.length > 0));
    for (const [limit, offset] of [[2, 0], [2, 1], [3, hosts.total - 1], [5, hosts.total + 3]]) await same(`hosts ${limit}/${offset}`, stores, (s) => hostList(s, limit!, offset!));

    // Process trees and connections of every process of the story's web server, by GUID and by PID and time.
    const creations = events.filter((e) => e.host === DEMO_STORY.webHost && e.event_id === 1 && e.provider === 'Microsoft-Windows-Sysmon');
    assert.ok(creations.length > 10);
    for (const e of creations.filter((_, i) => i % Math.ceil(creations.length / 12) === 0)) {
      const byGuid: ProcessQuery = { guid: String(e.data.ProcessGuid) };
      const tree = await same(`tree ${e.data.ProcessGuid}`, stores, (s) => processTree(s, byGuid));
      assert.ok(nodes(tree.root).some((n) => n.focus && n.sources.sysmon.length > 0));
      await same(`tree ${e.data.ProcessGuid} by PID`, stores, (s) => processTree(s, { host: e.host.toLowerCase(), pid: Number(e.data.ProcessId), time: Date.parse(e._time) }, 2));
      await same(`connections ${e.data.ProcessGuid}`, stores, (s) => processConnections(s, byGuid, 1000, 0));
    }
    const cmd = creations.find((e) => String(e.data.Image).endsWith('\\cmd.exe') && String(e.data.ParentImage).endsWith('w3wp.exe'))!;
    const w3wp: ProcessQuery = { guid: String(cmd.data.ParentProcessGuid) };
    const conns = await same('w3wp connections', stores, (s) => processConnections(s, w3wp, 1000, 0));
    assert.ok(conns.connections.some((c) => c.source === 'sysmon') && conns.connections.some((c) => c.source === 'security'), 'Sysmon 3 and 5156');
    await same('w3wp connections page', stores, (s) => processConnections(s, w3wp, 2, 1));
    await sameError('no such process', stores, (s) => processTree(s, { guid: '{00000000-1111-2222-3333-444444444444}' }));

    // The evidence rows (every column but the store's own row id).
    const focus = nodes((await processTree(stores.duck, { guid: String(cmd.data.ProcessGuid) })).root).find((n) => n.focus)!;
    for (const table of ['sysmon', 'security'] as const) {
      const ids = focus.sources[table].map((r) => r.record_id!);
      const rows = await same(`events ${table}`, stores, async (s) => (await eventsByRecord(s, table, focus.host.toUpperCase(), ids)).map(({ _id: _, ...rest }) => rest));
      assert.equal(rows.length, ids.length);
    }

    // Prevalence: orders, filters, the allowlist by hash and by signer, pages past the end.
    const signers = new Set(events.filter((e) => e.event_id === 7 && typeof e.data.Signature === 'string').map((e) => String(e.data.Signature).toLowerCase()));
    const allow: Allowlist = { hashes: new Set([DEMO_STORY.payload.sha256]), signers: new Set([...signers].slice(0, 2)) };
    const none: Allowlist = { hashes: new Set(), signers: new Set() };
    const all = await same('prevalence', stores, (s) => hashPrevalence(s, none, { limit: 10_000, offset: 0 }));
    assert.ok(all.total > 10);
    const options: PrevalenceOptions[] = [
      { limit: 10_000, offset: 0, hideAllowed: true }, { limit: 10_000, offset: 0, order: 'common' }, { limit: 7, offset: 3 },
      { limit: 5, offset: all.total + 1 }, { limit: 100, offset: 0, host: DEMO_STORY.lateralHost.toLowerCase() }, { limit: 100, offset: 0, image: 'SVCH0ST' },
    ];
    for (const o of options) await same(`prevalence ${JSON.stringify(o)}`, stores, (s) => hashPrevalence(s, allow, o));
    const marked = await same('prevalence allowlist', stores, (s) => hashPrevalence(s, allow, { limit: 10_000, offset: 0 }));
    // (The demo's loads are of other hashes than its runs: signers are compared on the corpus, forensics-corpus-suite.ts.)
    assert.deepEqual(marked.rows.filter((r) => r.allowed).map((r) => [r.sha256, r.allowed_by]), [[DEMO_STORY.payload.sha256, 'hash']]);

    // Spread of a hash (SHA256 and MD5), an image by name and by path, an IP and a domain.
    const md5 = /MD5=([0-9A-F]+)/.exec(DEMO_STORY.payload.hashes)![1]!;
    const domain = events.find((e) => e.event_id === 22)!.data.QueryName as string;
    const queries: SpreadQuery[] = [
      { hash: DEMO_STORY.payload.sha256 }, { hash: md5.toLowerCase() }, { image: 'SVCH0ST.EXE' }, { image: DEMO_STORY.payload.webPath },
      { image: 'cmd.exe' }, { ioc: DEMO_STORY.payloadServerIp }, { ioc: `${domain.toUpperCase()}.` }, { ioc: 'nothing.example' },
    ];
    for (const q of queries) {
      const answer = await same(`spread ${JSON.stringify(q)}`, stores, (s) => spread(s, q));
      if (!('ioc' in q && q.ioc === 'nothing.example')) assert.ok(answer.hosts.length > 0, JSON.stringify(q));
    }

    // IOC matches: each feed, every feed, pages.
    for (const f of ['story', 'nets', 'domains', 'hashes', undefined]) {
      const answer = await same(`ioc ${f}`, stores, (s) => iocMatches(s, f, 10_000, 0));
      assert.ok(answer.total > 0, `feed ${f} matches`);
    }
    await sameError('ioc of no feed', stores, (s) => iocMatches(s, 'nope', 10, 0));
    await same('ioc page', stores, (s) => iocMatches(s, undefined, 3, 2));
    await same('ioc past the end', stores, (s) => iocMatches(s, 'story', 3, 1000));
  } finally {
    await stores.duck.close();
    await stores.click.close();
  }
});
