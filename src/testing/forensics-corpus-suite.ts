/**
 * The forensics suite on real corpus EVTX files, run unchanged against every store backend
 * (src/forensics/forensics-corpus.test.ts: DuckDB; forensics-clickhouse.test.ts: a
 * two-shard ClickHouse cluster). The files are imported into a fresh store per test, and
 * each answer is checked against the raw decoded events (not against the tracker).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { processId, splitHashes, type Event } from '../event/index.js';
import { processConnections } from '../forensics/connections.js';
import { iocMatches } from '../forensics/ioc.js';
import { hashPrevalence } from '../forensics/prevalence.js';
import { normalizeGuid, processTree, type ProcessNode } from '../forensics/process-tree.js';
import { newRow } from '../query/value.js';
import type { Store } from '../store/index.js';
import { corpusRoot } from './corpus.js';
import type { OpenStore } from './store-contract.js';
import { corpusEvents, SHIPPING_FILES } from './stored-events.js';

const evtx = (rel: string): string => join(corpusRoot, 'evtx', rel);
const PANACHE = evtx('EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx');
const RDP_TUNNEL = evtx('EVTX-ATTACK-SAMPLES/Command and Control/DE_RDP_Tunnel_5156.evtx');
const MALSECLOGON = evtx('EVTX-ATTACK-SAMPLES/Credential Access/tutto_malseclogon.evtx');
const SQL_4688 = evtx('EVTX-to-MITRE-Attack/TA0002-Execution/T1059.003-Windows Command Shell/ID4688-SQL Server payload injectection for reverse shell (MSF).evtx');

const isSysmon = (e: Event): boolean => e.provider === 'Microsoft-Windows-Sysmon';
const isSecurity = (e: Event): boolean => e.provider === 'Microsoft-Windows-Security-Auditing';


/** Every node of a tree. */
function nodes(n: ProcessNode, out: ProcessNode[] = []): ProcessNode[] {
  out.push(n);
  for (const c of n.children) nodes(c, out);
  return out;
}

const focusOf = (root: ProcessNode): ProcessNode => nodes(root).find((n) => n.focus)!;

/** The 4688 that created the process that had `pid` at `time` (the latest creation of that PID at or before it), or undefined. */
function creatorOf(events: readonly Event[], pid: number, time: number): Event | undefined {
  let best: Event | undefined;
  for (const e of events) {
    if (!isSecurity(e) || e.event_id !== 4688 || processId(e.data.NewProcessId) !== pid || Date.parse(e._time) > time) continue;
    if (best === undefined || Date.parse(e._time) >= Date.parse(best._time)) best = e;
  }
  return best;
}

/**
 * Registers the corpus forensics tests, named `label: …`, each on a fresh store from `open`.
 *
 * @example
 * forensicsCorpusSuite('duckdb', () => openStore({ memory: true }));
 */
export function forensicsCorpusSuite(label: string, open: OpenStore): void {
  const storeWith = async (events: readonly Event[]): Promise<Store> => {
    const store = await open();
    await store.importEvents('auto', [{ events }]);
    return store;
  };

  test(`${label}: corpus Sysmon 1/5: trees by GUID have the parent and children the raw events name`, async () => {
    const events = await corpusEvents(PANACHE);
    const store = await storeWith(events);
    try {
      const creations = events.filter((e) => isSysmon(e) && e.event_id === 1);
      const byGuid = new Map(creations.map((e) => [normalizeGuid(String(e.data.ProcessGuid))!, e]));
      const childrenOf = new Map<string, Event[]>();
      for (const e of creations) {
        const p = normalizeGuid(String(e.data.ParentProcessGuid));
        if (p !== null) childrenOf.set(p, [...(childrenOf.get(p) ?? []), e]);
      }
      // The processes with the most children, and some whose parent was created in the file too.
      const busiest = [...childrenOf.entries()].filter(([g]) => byGuid.has(g)).sort((a, b) => b[1].length - a[1].length).slice(0, 3);
      assert.ok(busiest.length === 3 && busiest[0][1].length >= 5, 'the file has processes with several children');
      for (const [guid, kids] of busiest) {
        const tree = await processTree(store, { guid });
        const focus = focusOf(tree.root);
        const raw = byGuid.get(guid)!;
        assert.equal(focus.guid, guid);
        assert.equal(focus.image, raw.data.Image);
        assert.equal(focus.pid, raw.data.ProcessId);
        assert.equal(focus.command_line, raw.data.CommandLine);
        assert.ok(focus.sources.sysmon.some((s) => s.event_id === 1 && s.record_id === raw.record_id), 'the Sysmon 1 is evidence');
        assert.deepEqual(focus.children.map((c) => c.guid).sort(), kids.map((k) => normalizeGuid(String(k.data.ProcessGuid))).sort(), `children of ${guid}`);
        // Parent: the ParentProcessGuid the raw event names.
        const parentGuid = normalizeGuid(String(raw.data.ParentProcessGuid));
        if (parentGuid !== null) assert.equal(tree.ancestors[0], parentGuid, `parent of ${guid}`);
        // Exits: a Sysmon 5 of the process, when the file has one, sets its end.
        const exit = events.find((e) => isSysmon(e) && e.event_id === 5 && normalizeGuid(String(e.data.ProcessGuid)) === guid);
        assert.equal(focus.end, exit === undefined ? null : new Date(exit._time).toISOString());
      }
      // Each ancestor chain follows ParentProcessGuid links all the way.
      const deep = creations.filter((e) => byGuid.has(normalizeGuid(String(e.data.ParentProcessGuid)) ?? '')).slice(0, 25);
      for (const e of deep) {
        const tree = await processTree(store, { guid: String(e.data.ProcessGuid) });
        let expected = normalizeGuid(String(e.data.ParentProcessGuid));
        for (const id of tree.ancestors) {
          if (expected === null) break;
          assert.equal(id, expected, `ancestors of ${String(e.data.ProcessGuid)}`);
          const parent = byGuid.get(expected);
          expected = parent === undefined ? null : normalizeGuid(String(parent.data.ParentProcessGuid));
        }
      }
    } finally {
      await store.close();
    }
  });

  test(`${label}: corpus 4688 only: processes tied by PID and time (hex PIDs), parents the creator PID had then`, async () => {
    for (const file of [RDP_TUNNEL, SQL_4688]) {
      const events = await corpusEvents(file);
      const store = await storeWith(events);
      try {
        const creations = events.filter((e) => isSecurity(e) && e.event_id === 4688);
        assert.ok(creations.length >= 17);
        let withParent = 0;
        for (const e of creations) {
          const pid = processId(e.data.NewProcessId)!;
          const time = Date.parse(e._time);
          const tree = await processTree(store, { host: e.host, pid, time });
          const focus = focusOf(tree.root);
          assert.equal(focus.image, e.data.NewProcessName, `record ${e.record_id}`);
          assert.equal(focus.pid, pid);
          assert.ok(focus.sources.security.some((s) => s.event_id === 4688 && s.record_id === e.record_id), `record ${e.record_id} is evidence`);
          const creator = creatorOf(events, processId(e.data.ProcessId)!, time);
          if (creator === undefined || creator === e) {
            // No creation of the creator PID in the file: only ParentProcessName (when written) can name it.
            const named = typeof e.data.ParentProcessName === 'string' ? e.data.ParentProcessName : undefined;
            if (named === undefined) assert.equal(tree.ancestors.length, 0, `record ${e.record_id}`);
            else assert.equal(tree.root.image, named);
            continue;
          }
          withParent++;
          const parent = nodes(tree.root).find((n) => n.id === tree.ancestors[0]);
          assert.ok(parent !== undefined, `record ${e.record_id}: parent found`);
          assert.equal(parent.image, creator.data.NewProcessName, `record ${e.record_id}: parent image`);
          assert.equal(parent.start, new Date(creator._time).toISOString(), `record ${e.record_id}: parent is the creation at that time`);
        }
        assert.ok(withParent >= 5, `${withParent} parents resolved in ${file}`);
      } finally {
        await store.close();
      }
    }
  });

  test(`${label}: corpus Sysmon 1 + 4688 of one process merge into one node with both as evidence`, async () => {
    const events = await corpusEvents(MALSECLOGON);
    const store = await storeWith(events);
    try {
      // svchost.exe, PID 7108: 4688 NewProcessId 0x1bc4 at 17:33:01.462, Sysmon 1 at 17:33:01.474 (same image).
      const sysmon = events.find((e) => isSysmon(e) && e.event_id === 1 && e.data.ProcessId === 7108)!;
      const security = events.find((e) => isSecurity(e) && e.event_id === 4688 && processId(e.data.NewProcessId) === 7108)!;
      assert.ok(sysmon !== undefined && security !== undefined, 'the file has both creations');
      const byGuid = focusOf((await processTree(store, { guid: String(sysmon.data.ProcessGuid) })).root);
      const byPid = focusOf((await processTree(store, { host: security.host, pid: 0x1bc4, time: Date.parse(security._time) })).root);
      assert.equal(byPid.id, byGuid.id);
      assert.deepEqual(byGuid.sources.sysmon.map((s) => s.record_id), [sysmon.record_id]);
      assert.deepEqual(byGuid.sources.security.map((s) => s.record_id), [security.record_id]);
      assert.equal(byGuid.start, new Date(security._time).toISOString(), 'the earlier of the two creations is the start');
    } finally {
      await store.close();
    }
  });

  test(`${label}: corpus 5156: connections of a 4688-only process by PID at the time`, async () => {
    const events = await corpusEvents(RDP_TUNNEL);
    const store = await storeWith(events);
    try {
      const plink = events.find((e) => isSecurity(e) && e.event_id === 4688 && String(e.data.NewProcessName).endsWith('plink.exe'))!;
      const pid = processId(plink.data.NewProcessId)!;
      const start = Date.parse(plink._time);
      const next = creatorOf(events.filter((e) => Date.parse(e._time) > start), pid, Infinity);
      const raw = events.filter((e) => isSecurity(e) && e.event_id === 5156 && processId(e.data.ProcessID) === pid
        && Date.parse(e._time) >= start && (next === undefined || Date.parse(e._time) < Date.parse(next._time)));
      assert.ok(raw.length > 0, 'plink.exe has 5156 events');
      const answer = await processConnections(store, { host: plink.host, pid, time: start }, 1000, 0);
      assert.equal(answer.process.image, plink.data.NewProcessName);
      assert.deepEqual(answer.connections.map((c) => c.ref.record_id).sort(), raw.map((e) => e.record_id).sort());
      for (const c of answer.connections) {
        const e = raw.find((r) => r.record_id === c.ref.record_id)!;
        assert.equal(c.destination_ip, e.data.DestAddress);
        assert.equal(c.destination_port, Number(e.data.DestPort));
      }
    } finally {
      await store.close();
    }
  });

  test(`${label}: corpus prevalence: runs, hosts, first/last seen per SHA256 equal a direct count over the decoded events`, async () => {
    const events = [...await corpusEvents(PANACHE), ...await corpusEvents(MALSECLOGON)];
    const store = await storeWith(events);
    try {
      const expected = new Map<string, { runs: number; hosts: Set<string>; first: number; last: number; images: Set<string> }>();
      for (const e of events) {
        if (!isSysmon(e) || e.event_id !== 1) continue;
        const sha = splitHashes(e.data.Hashes).sha256;
        if (sha === undefined || sha === '') continue;
        const t = Date.parse(e._time);
        const x = expected.get(sha) ?? { runs: 0, hosts: new Set<string>(), first: t, last: t, images: new Set<string>() };
        x.runs++;
        x.hosts.add(e.host.toLowerCase());
        x.first = Math.min(x.first, t);
        x.last = Math.max(x.last, t);
        x.images.add(String(e.data.Image));
        expected.set(sha, x);
      }
      assert.ok(expected.size > 20, `${expected.size} hashes`);
      const answer = await hashPrevalence(store, { hashes: new Set(), signers: new Set() }, { limit: 10_000, offset: 0 });
      assert.equal(answer.total, expected.size);
      assert.equal(answer.rows.length, expected.size);
      for (const r of answer.rows) {
        const x = expected.get(r.sha256);
        assert.ok(x !== undefined, `${r.sha256} is a SHA256 of a run`);
        assert.equal(r.runs, x.runs, `${r.sha256} runs`);
        assert.equal(r.hosts, x.hosts.size, `${r.sha256} hosts`);
        assert.equal(r.first_seen, new Date(x.first).toISOString());
        assert.equal(r.last_seen, new Date(x.last).toISOString());
        assert.deepEqual(new Set(r.images), x.images);
      }
      // Signers: from the Sysmon 7 loads of the same SHA256 (Panache has one such hash, signed by Microsoft Windows).
      const loads = new Map<string, { signers: Set<string>; signed: boolean }>();
      for (const e of events) {
        const sha = isSysmon(e) && e.event_id === 7 ? splitHashes(e.data.Hashes).sha256 : undefined;
        if (sha === undefined) continue;
        const x = loads.get(sha) ?? { signers: new Set<string>(), signed: false };
        if (typeof e.data.Signature === 'string' && e.data.Signature !== '' && e.data.Signature !== '-') x.signers.add(e.data.Signature);
        x.signed ||= String(e.data.Signed).toLowerCase() === 'true';
        loads.set(sha, x);
      }
      const signedRuns = answer.rows.filter((r) => loads.has(r.sha256));
      assert.ok(signedRuns.length >= 1, 'a run whose image was also logged loading');
      for (const r of answer.rows) {
        const x = loads.get(r.sha256);
        assert.deepEqual([new Set(r.signers), r.signed], x === undefined ? [new Set(), null] : [x.signers, x.signed], `${r.sha256} signer`);
      }
      const signer = [...loads.get(signedRuns[0].sha256)!.signers][0];
      const bySigner = await hashPrevalence(store, { hashes: new Set(), signers: new Set([signer.toLowerCase()]) }, { limit: 10_000, offset: 0 });
      assert.deepEqual(bySigner.rows.filter((r) => r.allowed).map((r) => [r.sha256, r.allowed_by]), signedRuns.filter((r) => r.signers.includes(signer)).map((r) => [r.sha256, `signer:${signer}`]));
      // Rarest first.
      for (let i = 1; i < answer.rows.length; i++) assert.ok(answer.rows[i - 1].runs <= answer.rows[i].runs, 'sorted by runs');
      // Paging and the allowlist.
      const top = answer.rows[0].sha256;
      const page = await hashPrevalence(store, { hashes: new Set([top]), signers: new Set() }, { limit: 5, offset: 0, hideAllowed: true });
      assert.equal(page.total, expected.size - 1);
      assert.ok(!page.rows.some((r) => r.sha256 === top));
      const marked = await hashPrevalence(store, { hashes: new Set([top]), signers: new Set() }, { limit: 1, offset: 0 });
      assert.deepEqual([marked.rows[0].sha256, marked.rows[0].allowed, marked.rows[0].allowed_by], [top, true, 'hash']);
      const past = await hashPrevalence(store, { hashes: new Set(), signers: new Set() }, { limit: 5, offset: expected.size + 10 });
      assert.deepEqual([past.total, past.rows.length], [expected.size, 0]);
    } finally {
      await store.close();
    }
  });

  test(`${label}: corpus IOC: Sysmon 3 and 5156 events naming a feed's addresses (and an IPv4 network) are exactly the raw ones`, async () => {
    const events = [...await corpusEvents(SHIPPING_FILES.sysmon), ...await corpusEvents(SHIPPING_FILES.security)];
    const store = await storeWith(events);
    try {
      const addressOf = (e: Event): string[] => (isSysmon(e) && e.event_id === 3 ? [e.data.DestinationIp, e.data.SourceIp]
        : isSecurity(e) && e.event_id === 5156 ? [e.data.DestAddress, e.data.SourceAddress] : []).map(String);
      const counts = new Map<string, number>();
      for (const e of events) for (const a of new Set(addressOf(e))) counts.set(a, (counts.get(a) ?? 0) + 1);
      // Two addresses seen in some events (not the busiest), as the feed.
      const listed = [...counts.entries()].sort((a, b) => a[1] - b[1]).slice(0, 2).map(([a]) => a);
      assert.equal(listed.length, 2);
      await store.writeRows('feed_corpus', listed.map((ip) => Object.assign(newRow(), { _time: new Date(), feed: 'corpus', ip })));
      const expected = events.flatMap((e) => addressOf(e).filter((a) => listed.includes(a)).map(() => e.record_id));
      const answer = await iocMatches(store, 'corpus', 10_000, 0);
      assert.equal(answer.total, expected.length);
      assert.deepEqual(answer.matches.map((m) => m.ref.record_id).sort(), expected.sort());
      // An IPv4 /24 around a listed IPv4 address.
      const v4 = [...counts.keys()].find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a))!;
      const prefix = v4.split('.').slice(0, 3).join('.') + '.';
      const net = `${prefix}0/24`;
      await store.writeRows('feed_net', [Object.assign(newRow(), { _time: new Date(), feed: 'net', network: net })]);
      const inNet = events.flatMap((e) => addressOf(e).filter((a) => a.startsWith(prefix)).map(() => e.record_id));
      const netAnswer = await iocMatches(store, 'net', 10_000, 0);
      assert.ok(inNet.length > 0);
      assert.deepEqual(netAnswer.matches.map((m) => m.ref.record_id).sort(), inNet.sort());
    } finally {
      await store.close();
    }
  });
}
