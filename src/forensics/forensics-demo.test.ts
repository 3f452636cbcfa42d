/**
 * Forensics on the demo dataset's story (src/demo/story.ts), through the functions and
 * through the HTTP API of a test server with the forensics module.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { demoDataset, DEMO_STORY, storyTime } from '../demo/index.js';
import type { Event } from '../event/index.js';
import { newRow } from '../query/value.js';
import { defaultRealtimeSettings } from '../server/realtime-config.js';
import { startTestServer, type TestServer } from '../testing/server.js';
import { ALLOWLIST_FILE } from './allowlist.js';
import type { ConnectionsAnswer } from './connections.js';
import type { HostsAnswer } from './hosts.js';
import type { IocAnswer } from './ioc.js';
import type { PrevalenceAnswer } from './prevalence.js';
import type { ProcessNode, ProcessTree } from './process-tree.js';
import { ForensicsModule } from './routes.js';
import type { SpreadAnswer } from './spread.js';

let t: TestServer;
let events: Event[];

before(async () => {
  t = await startTestServer({ settings: { rules: { ...defaultRealtimeSettings().rules, enabled: false } }, modules: [new ForensicsModule()] });
  events = demoDataset();
  await t.server.store.importEvents('auto', [{ events }]);
});

after(async () => {
  await t.close();
});

const get = async <T>(path: string, token = t.readToken): Promise<{ status: number; body: T }> => {
  const r = await t.api('GET', path, undefined, token);
  return { status: r.status, body: r.body as T };
};

const hexPid = (pid: number): string => `0x${pid.toString(16)}`;

function nodes(n: ProcessNode, out: ProcessNode[] = []): ProcessNode[] {
  out.push(n);
  for (const c of n.children) nodes(c, out);
  return out;
}

/** The story's Sysmon 1 of an image on a host at a step. */
function storyRun(host: string, image: string, after: number): Event {
  const e = events.find((x) => x.host === host && x.event_id === 1 && x.provider === 'Microsoft-Windows-Sysmon'
    && String(x.data.Image).toLowerCase().endsWith(image) && Date.parse(x._time) >= after);
  assert.ok(e !== undefined, `${image} on ${host}`);
  return e;
}

test('API process tree: w3wp.exe → cmd.exe → whoami.exe on WEB01, with Sysmon and Security evidence side by side', async () => {
  const whoami = storyRun(DEMO_STORY.webHost, '\\whoami.exe', storyTime('recon'));
  const r = await get<ProcessTree>(`/api/forensics/process-tree?guid=${encodeURIComponent(String(whoami.data.ProcessGuid))}`);
  assert.equal(r.status, 200);
  const chain: string[] = [];
  for (let n: ProcessNode | undefined = r.body.root; n !== undefined; n = n.children[0]) chain.push(n.image.split('\\').pop()!.toLowerCase());
  assert.deepEqual(chain.slice(-3), ['w3wp.exe', 'cmd.exe', 'whoami.exe']);
  const all = nodes(r.body.root);
  const focus = all.find((n) => n.focus)!;
  const cmd = all.find((n) => n.id === r.body.ancestors[0])!;
  for (const n of [focus, cmd]) {
    assert.deepEqual(n.sources.sysmon.map((s) => s.event_id), [1, 5], `${n.image} Sysmon 1 and 5`);
    assert.deepEqual(n.sources.security.map((s) => s.event_id), [4688, 4689], `${n.image} 4688 and 4689`);
  }
  assert.equal(cmd.command_line, `cmd.exe /c "cd /d C:\\inetpub\\wwwroot\\aspnet_client\\system_web & whoami"`);
  // The evidence rows themselves: the Sysmon 1 and the 4688 of whoami.exe.
  const fetch = async (table: 'sysmon' | 'security'): Promise<Record<string, unknown>[]> => {
    const ids = focus.sources[table].map((x) => x.record_id).join(',');
    const got = await get<{ events: Record<string, unknown>[] }>(`/api/forensics/events?table=${table}&host=${focus.host}&record_id=${ids}`);
    assert.equal(got.status, 200);
    return got.body.events;
  };
  const [sys1, sys5] = await fetch('sysmon');
  const [sec4688, sec4689] = await fetch('security');
  assert.deepEqual([sys1.event_id, sys5.event_id, sec4688.event_id, sec4689.event_id], [1, 5, 4688, 4689]);
  assert.equal(sys1.ProcessGuid, whoami.data.ProcessGuid);
  assert.equal(sec4688.NewProcessId, hexPid(Number(whoami.data.ProcessId)));
  assert.equal(sec4688.NewProcessName, whoami.data.Image);
  assert.match(String(sec4688.line), /^A new process has been created\./);
  assert.equal((await get('/api/forensics/events?table=alerts&host=x&record_id=1')).status, 400);
  // The same process by host + hex PID + time.
  const hex = hexPid(Number(whoami.data.ProcessId));
  const byPid = await get<ProcessTree>(`/api/forensics/process-tree?host=${DEMO_STORY.webHost}&pid=${hex}&time=${encodeURIComponent(whoami._time)}`);
  assert.equal(byPid.body.focus, r.body.focus);
  // The w3wp's descendants include every webshell cmd.exe.
  const w3wp = all.find((n) => n.image.toLowerCase().endsWith('w3wp.exe'))!;
  const down = await get<ProcessTree>(`/api/forensics/process-tree?guid=${encodeURIComponent(w3wp.guid!)}&depth=1`);
  const cmds = nodes(down.body.root).filter((n) => n.image.toLowerCase().endsWith('cmd.exe'));
  const rawCmds = events.filter((e) => e.host === DEMO_STORY.webHost && e.event_id === 1 && e.data.ParentProcessGuid === w3wp.guid && String(e.data.Image).endsWith('cmd.exe'));
  assert.equal(cmds.length, rawCmds.length);
  assert.ok(rawCmds.length >= 3);
  assert.equal(down.body.truncated, true, 'depth 1 cuts the conhost/whoami level');
});

test('API connections: the webshell w3wp.exe connects out to the payload server (Sysmon 3 and 5156)', async () => {
  const cmd = storyRun(DEMO_STORY.webHost, '\\cmd.exe', storyTime('recon'));
  const r = await get<ConnectionsAnswer>(`/api/forensics/connections?guid=${encodeURIComponent(String(cmd.data.ParentProcessGuid))}&limit=10000`);
  assert.equal(r.status, 200);
  const out = r.body.connections.filter((c) => c.destination_ip === DEMO_STORY.payloadServerIp);
  assert.deepEqual(out.map((c) => [c.source, c.direction, c.destination_port]).sort(), [['security', 'outbound', 443], ['sysmon', 'outbound', 443]]);
  const paged = await get<ConnectionsAnswer>(`/api/forensics/connections?guid=${encodeURIComponent(String(cmd.data.ParentProcessGuid))}&limit=2&offset=1`);
  assert.equal(paged.body.total, r.body.total);
  assert.deepEqual(paged.body.connections, r.body.connections.slice(1, 3));
});

test('API spread: the svch0st.exe hash ran first on WEB01 (patient zero), then on FS01', async () => {
  const r = await get<SpreadAnswer>(`/api/forensics/spread?hash=${DEMO_STORY.payload.sha256}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.patient_zero, DEMO_STORY.webHost);
  assert.deepEqual(r.body.hosts.map((h) => h.host), [DEMO_STORY.webHost, DEMO_STORY.lateralHost]);
  const [web, fs] = r.body.hosts;
  assert.equal(web.first_event.image, DEMO_STORY.payload.webPath);
  assert.equal(fs.first_event.image, DEMO_STORY.payload.lateralPath);
  assert.ok(Date.parse(web.first_seen) >= storyTime('runOnWeb') && Date.parse(web.first_seen) < storyTime('guessPasswords'));
  assert.ok(Date.parse(fs.first_seen) >= storyTime('runOnLateral'));
  const md5 = /MD5=([0-9A-F]+)/.exec(DEMO_STORY.payload.hashes)![1];
  const byMd5 = await get<SpreadAnswer>(`/api/forensics/spread?hash=${md5.toLowerCase()}`);
  assert.deepEqual(byMd5.body.hosts.map((h) => [h.host, h.first_seen]), r.body.hosts.map((h) => [h.host, h.first_seen]));
  const ip = await get<SpreadAnswer>(`/api/forensics/spread?ioc=${DEMO_STORY.payloadServerIp}`);
  assert.equal(ip.body.kind, 'ip');
  assert.deepEqual(ip.body.hosts.map((h) => h.host), [DEMO_STORY.webHost, DEMO_STORY.lateralHost]);
  const image = await get<SpreadAnswer>('/api/forensics/spread?image=SVCH0ST.EXE');
  assert.equal(image.body.patient_zero, DEMO_STORY.webHost);
  assert.deepEqual(image.body.hosts.map((h) => h.by_table), [{ sysmon: 1, security: 1 }, { sysmon: 1, security: 1 }]);
  assert.equal((await get('/api/forensics/spread?hash=a&ioc=b')).status, 400);
});

test('API prevalence: the dropped tool, 2 runs on 2 hosts, sorts before the common images; the allowlist file marks and hides it', async () => {
  const r = await get<PrevalenceAnswer>('/api/forensics/prevalence?limit=10000');
  assert.equal(r.status, 200);
  const tool = r.body.rows.find((x) => x.sha256 === DEMO_STORY.payload.sha256)!;
  assert.deepEqual([tool.runs, tool.hosts, tool.allowed], [2, 2, false]);
  const at = r.body.rows.indexOf(tool);
  assert.ok(r.body.rows.slice(0, at).every((x) => x.runs <= 2) && r.body.rows.slice(at).every((x) => x.runs >= 2), 'rarest first');
  assert.deepEqual(new Set(tool.images), new Set([DEMO_STORY.payload.webPath, DEMO_STORY.payload.lateralPath]));
  writeFileSync(join(t.dataDir, ALLOWLIST_FILE), `# known good\n${DEMO_STORY.payload.sha256.toLowerCase()}\n`);
  const hidden = await get<PrevalenceAnswer>('/api/forensics/prevalence?limit=10000&hide_allowed=1');
  assert.equal(hidden.body.total, r.body.total - 1);
  assert.ok(!hidden.body.rows.some((x) => x.sha256 === DEMO_STORY.payload.sha256));
  const marked = await get<PrevalenceAnswer>('/api/forensics/prevalence?image=svch0st');
  assert.deepEqual(marked.body.rows.map((x) => [x.allowed, x.allowed_by]), [[true, 'hash']]);
  writeFileSync(join(t.dataDir, ALLOWLIST_FILE), 'not-a-hash\n');
  const bad = await get<{ error: string }>('/api/forensics/prevalence');
  assert.equal(bad.status, 500);
  assert.match(bad.body.error, /forensics-allowlist\.txt:1/);
  writeFileSync(join(t.dataDir, ALLOWLIST_FILE), '');
});

test('API IOC matches: stored events that name a feed item', async () => {
  const row = (o: Record<string, string | Date>) => Object.assign(newRow(), o);
  await t.server.store.writeRows('feed_story', [row({ _time: new Date(), feed: 'story', ip: DEMO_STORY.payloadServerIp })]);
  const r = await get<IocAnswer>('/api/forensics/ioc-matches?feed=story');
  assert.equal(r.status, 200);
  const raw = events.filter((e) => (e.event_id === 3 && (e.data.DestinationIp === DEMO_STORY.payloadServerIp || e.data.SourceIp === DEMO_STORY.payloadServerIp))
    || (e.event_id === 5156 && (e.data.DestAddress === DEMO_STORY.payloadServerIp || e.data.SourceAddress === DEMO_STORY.payloadServerIp)));
  assert.equal(r.body.total, raw.length);
  assert.deepEqual(r.body.matches.map((m) => m.ref.record_id).sort(), raw.map((e) => e.record_id).sort());
  assert.equal((await get('/api/forensics/ioc-matches?feed=nope')).status, 404);
  // An IPv4 network (CIDR) of an IP feed matches the addresses inside it; one beside it does not.
  await t.server.store.writeRows('feed_nets', [row({ _time: new Date(), feed: 'nets', network: '45.77.64.0/22' }), row({ _time: new Date(), feed: 'nets', network: '45.77.68.0/22' })]);
  const nets = await get<IocAnswer>('/api/forensics/ioc-matches?feed=nets');
  assert.deepEqual(nets.body.matches.map((m) => m.ref.record_id).sort(), raw.map((e) => e.record_id).sort());
  assert.ok(nets.body.matches.every((m) => m.value === '45.77.64.0/22'));
});

test('API hosts, roles and errors', async () => {
  const r = await get<HostsAnswer>('/api/hosts');
  assert.equal(r.status, 200);
  const expected = new Map<string, number>();
  for (const e of events) expected.set(e.host, (expected.get(e.host) ?? 0) + 1);
  assert.equal(r.body.total, expected.size);
  for (const h of r.body.hosts) {
    assert.equal(h.events, expected.get(h.host), h.host);
    assert.equal(h.channels.reduce((s, c) => s + c.events, 0), h.events);
  }
  assert.equal((await get('/api/hosts', 'no-such-token')).status, 401);
  assert.equal((await get('/api/forensics/process-tree?guid={00000000-1111-2222-3333-444444444444}')).status, 404);
  assert.equal((await get('/api/forensics/process-tree?host=x&pid=zz&time=2024-05-01T00:00:00Z')).status, 400);
  assert.equal((await get('/api/forensics/prevalence?limit=0')).status, 400);
});
