/**
 * The demo dataset: its hosts and logs, the story's links (GUIDs, PIDs, times, the tool's
 * hash on two hosts), Security events shaped as the corpus shows Windows writing them,
 * determinism, the iis-webshell pack finding the story (and nothing else) in the EVTX
 * files `haetae demo` writes, and the seed queries on it after import.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventFields, renderLine, GENERIC_RENDERING_MARK, type Event, type EventValue } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { AllowlistWgetClient, executeQuery, parseQuery, valueToJson } from '../query/index.js';
import { openStore, type Store } from '../store/index.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';
import { huntFiles } from '../cli/hunt-files.js';
import { DEMO_START, DEMO_STORY, demoDataset, demoHosts, storyTime, writeEvtxPerHost, type StoryStep } from './index.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const DAY = 86_400_000;
const events = demoDataset();
const hosts = demoHosts();
const web = hosts.find((h) => h.name === DEMO_STORY.webHost)!;
const fs = hosts.find((h) => h.name === DEMO_STORY.lateralHost)!;

const sysmon = (id: number, host?: string): Event[] => events.filter((e) => e.channel === SYSMON && e.event_id === id && (host === undefined || e.host === host));
const security = (id: number, host?: string): Event[] => events.filter((e) => e.channel === 'Security' && e.event_id === id && (host === undefined || e.host === host));
const utc = (step: StoryStep, offsetMs = 0): string => new Date(storyTime(step) + offsetMs).toISOString().replace('T', ' ').slice(0, 23);
const ms = (e: Event): number => Date.parse(e._time.slice(0, 23) + 'Z');
const hex = (pid: EventValue): string => '0x' + Number(pid).toString(16);
const one = (xs: Event[], what: string): Event => { assert.equal(xs.length, 1, `${what}: ${xs.length} events`); return xs[0]; };

test('five hosts over one day, each with Sysmon and Security logs, in time order, with rendered messages', () => {
  assert.deepEqual(hosts.map((h) => h.name.split('.')[0]), ['WEB01', 'DC01', 'FS01', 'WS-0001', 'WS-0002']);
  for (const h of hosts) {
    for (const channel of [SYSMON, 'Security']) {
      const n = events.filter((e) => e.host === h.name && e.channel === channel).length;
      assert.ok(n > 200, `${h.name} ${channel}: ${n} events`);
    }
  }
  const first = Date.parse(events[0]._time);
  const last = Date.parse(events[events.length - 1]._time);
  assert.ok(first >= DEMO_START.getTime() && last < DEMO_START.getTime() + DAY + 3_600_000, `${events[0]._time} … ${events.at(-1)!._time}`);
  assert.ok(last - first > 0.9 * DAY, 'the events cover the day');
  const lastRecord = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (i > 0) assert.ok(events[i - 1]._time <= e._time, `sorted at ${i}`);
    assert.match(e._time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const key = `${e.host}|${e.channel}`;
    assert.ok(e.record_id !== null && e.record_id > (lastRecord.get(key) ?? 0), `record IDs rise in ${key}`);
    lastRecord.set(key, e.record_id);
    assert.equal(e.line, renderLine(e));
    assert.ok(!e.line.includes(GENERIC_RENDERING_MARK), `${e.channel} ${e.event_id} has Windows' own message`);
  }
  for (const id of [1, 3, 5, 7, 10, 11, 12, 13, 22]) assert.ok(sysmon(id).length > 0, `Sysmon ${id}`);
  for (const id of [4624, 4625, 4634, 4648, 4672, 4688, 4689, 4697, 4769, 5140, 5145, 5156]) assert.ok(security(id).length > 0, `Security ${id}`);
});

test('EventData holds exactly the fields of the event version, in the order Windows writes them', () => {
  for (const e of events) {
    const fields = eventFields(e.provider, e.event_id, e.version)?.map((f) => f.name);
    assert.ok(fields !== undefined, `${e.provider} ${e.event_id} v${e.version} is in the catalog`);
    // 4697 version 1 adds the client process fields the corpus' export shows; the catalog knows version 0.
    const expected = e.event_id === 4697 ? [...fields, 'ClientProcessStartKey', 'ClientProcessId', 'ParentProcessId'] : fields;
    assert.deepEqual(Object.keys(e.data), expected, `${e.host} ${e.channel} ${e.event_id} record ${e.record_id}`);
  }
});

test('the same seed gives the same dataset; another seed another background around the same story', () => {
  const a = demoDataset({ seed: 3, sysmonEvents: 1500 });
  assert.deepEqual(demoDataset({ seed: 3, sysmonEvents: 1500 }), a);
  const b = demoDataset({ seed: 4, sysmonEvents: 1500 });
  assert.notDeepEqual(b.map((e) => e.line), a.map((e) => e.line));
  const toolRuns = (xs: Event[]): string[] => xs.filter((e) => e.event_id === 1 && e.data.Hashes === DEMO_STORY.payload.hashes).map((e) => `${e.host} ${String(e.data.UtcTime)}`);
  assert.deepEqual(toolRuns(a), toolRuns(b));
  assert.deepEqual(toolRuns(a), [`${DEMO_STORY.webHost} ${utc('runOnWeb', 55)}`, `${DEMO_STORY.lateralHost} ${utc('runOnLateral')}`]);
});

test('every process creation names a parent that is running on its host: started earlier, or there since boot', () => {
  const running = new Map<string, Map<string, number>>(); // host → GUID → PID
  for (const h of hosts) running.set(h.name, new Map([...h.running.values()].map((p) => [p.guid, p.pid])));
  for (const e of sysmon(1)) {
    const known = running.get(e.host)!;
    const guid = String(e.data.ParentProcessGuid);
    assert.ok(known.has(guid), `${e.host} record ${e.record_id}: parent ${guid} (${String(e.data.ParentImage)}) never started`);
    assert.equal(known.get(guid), e.data.ParentProcessId, `parent PID of record ${e.record_id}`);
    assert.ok(!known.has(String(e.data.ProcessGuid)), `process GUID ${String(e.data.ProcessGuid)} created twice`);
    known.set(String(e.data.ProcessGuid), Number(e.data.ProcessId));
  }
});

test('Sysmon and Security saw the same processes and connections: 4688, 4689 and 5156 twins', () => {
  const twins = (id: number): Map<string, Event[]> => {
    const m = new Map<string, Event[]>();
    for (const e of security(id)) {
      const pid = id === 5156 ? hex(e.data.ProcessID) : String(e.data[id === 4688 ? 'NewProcessId' : 'ProcessId']);
      const key = `${e.host}|${pid}`;
      m.set(key, [...(m.get(key) ?? []), e]);
    }
    return m;
  };
  const created = twins(4688);
  const exited = twins(4689);
  const connected = twins(5156);
  for (const e of sysmon(1)) {
    const t = (created.get(`${e.host}|${hex(e.data.ProcessId)}`) ?? []).find((s) => Math.abs(ms(s) - ms(e)) < 10);
    assert.ok(t, `4688 for ${e.host} ${String(e.data.Image)} ${hex(e.data.ProcessId)}`);
    assert.equal(t.data.NewProcessName, e.data.Image);
    assert.equal(t.data.ParentProcessName, e.data.ParentImage);
    assert.equal(t.data.ProcessId, hex(e.data.ParentProcessId));
    assert.equal(t.data.CommandLine, e.data.CommandLine);
  }
  for (const e of sysmon(5)) assert.ok((exited.get(`${e.host}|${hex(e.data.ProcessId)}`) ?? []).some((s) => Math.abs(ms(s) - ms(e)) < 10 && s.data.ProcessName === e.data.Image));
  for (const e of sysmon(3)) {
    const t = (connected.get(`${e.host}|${hex(e.data.ProcessId)}`) ?? []).find((s) => Math.abs(ms(s) - ms(e)) < 10);
    assert.ok(t, `5156 for ${e.host} ${String(e.data.Image)} → ${String(e.data.DestinationIp)}`);
    const outbound = e.data.Initiated === true;
    assert.equal(t.data.Direction, outbound ? '%%14593' : '%%14592');
    // Source is the local side in 5156 (spec §1), the remote client in an inbound Sysmon 3.
    assert.equal(t.data.DestAddress, outbound ? e.data.DestinationIp : e.data.SourceIp);
    assert.equal(t.data.DestPort, String(outbound ? e.data.DestinationPort : e.data.SourcePort));
  }
});

test('the webshell on WEB01: uploaded by w3wp.exe, then w3wp.exe → cmd.exe → whoami.exe, in Sysmon and Security', () => {
  const w3wp = web.running.get('w3wp')!;
  const upload = one(sysmon(11, web.name).filter((e) => e.data.TargetFilename === DEMO_STORY.webshellPath), 'webshell written');
  assert.equal(upload.data.ProcessGuid, w3wp.guid);
  assert.equal(upload.data.UtcTime, utc('upload', 180));
  const inbound = sysmon(3, web.name).filter((e) => e.data.SourceIp === DEMO_STORY.attackerIp);
  assert.ok(inbound.length >= 4 && inbound.every((e) => e.data.Initiated === false && e.data.ProcessGuid === w3wp.guid && e.data.DestinationPort === 443));
  const shells = sysmon(1, web.name).filter((e) => e.data.ParentImage === W3WP);
  assert.deepEqual(shells.map((e) => [e.data.Image, e.data.UtcTime]), [
    ['C:\\Windows\\System32\\cmd.exe', utc('recon')], ['C:\\Windows\\System32\\cmd.exe', utc('readConfig')], ['C:\\Windows\\System32\\cmd.exe', utc('runOnWeb')],
  ]);
  for (const s of shells) assert.deepEqual([s.data.ParentProcessGuid, s.data.ParentProcessId, s.data.User], [w3wp.guid, w3wp.pid, 'IIS APPPOOL\\DefaultAppPool']);
  const whoami = one(sysmon(1, web.name).filter((e) => e.data.Image === 'C:\\Windows\\System32\\whoami.exe' && e.data.ParentProcessGuid === shells[0].data.ProcessGuid), 'whoami under the first cmd');
  assert.equal(whoami.data.ParentProcessId, shells[0].data.ProcessId);
  const sec = security(4688, web.name).filter((e) => e.data.ParentProcessName === W3WP);
  assert.deepEqual(sec.map((e) => [e.data.NewProcessId, e.data.ProcessId]), shells.map((s) => [hex(s.data.ProcessId), hex(w3wp.pid)]));
  assert.match(sec[0].line, /Creator Process ID:\t0x[0-9a-f]+\r\n\tCreator Process Name:\tC:\\Windows\\System32\\inetsrv\\w3wp\.exe\r\n/);
});

test('w3wp.exe connects out to a public address: Sysmon 3 and a 5156 with the device path and Direction token Windows writes', () => {
  const w3wp = web.running.get('w3wp')!;
  const out = one(sysmon(3, web.name).filter((e) => e.data.Image === W3WP && e.data.Initiated === true), 'w3wp outbound');
  assert.deepEqual([out.data.DestinationIp, out.data.DestinationPort, out.data.UtcTime], [DEMO_STORY.payloadServerIp, DEMO_STORY.payloadServerPort, utc('download')]);
  const wfp = one(security(5156, web.name).filter((e) => e.data.Direction === '%%14593' && e.data.DestAddress === DEMO_STORY.payloadServerIp && e.data.ProcessID === w3wp.pid), 'w3wp 5156');
  assert.deepEqual(wfp.data, {
    ProcessID: w3wp.pid, Application: '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe', Direction: '%%14593',
    SourceAddress: web.ip, SourcePort: String(out.data.SourcePort), DestAddress: DEMO_STORY.payloadServerIp, DestPort: '443', Protocol: 6,
    FilterRTID: wfp.data.FilterRTID, LayerName: '%%14611', LayerRTID: 48, RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0',
  });
  // No `DstIP=` anywhere: the message says "Destination Address:" (spec §1).
  assert.match(wfp.line, /\tDirection:\t\tOutbound\r\n.*\tDestination Address:\t45\.77\.65\.211\r\n/s);
  assert.ok(!wfp.line.includes('DstIP'));
});

test('the dropped tool runs on WEB01, then hours later on FS01 after a network logon from WEB01: same SHA256 on two hosts', () => {
  const { payload } = DEMO_STORY;
  const runs = sysmon(1).filter((e) => String(e.data.Hashes).includes(`SHA256=${payload.sha256},`));
  assert.deepEqual(runs.map((e) => [e.host, e.data.Image]), [[web.name, payload.webPath], [fs.name, payload.lateralPath]]);
  const [onWeb, onFs] = runs;
  assert.ok(ms(onFs) - ms(onWeb) > 2 * 3_600_000, 'the second host runs it hours later');
  // WEB01: written by w3wp.exe, started by the webshell's cmd.exe.
  const dropped = one(sysmon(11, web.name).filter((e) => e.data.TargetFilename === payload.webPath), 'tool written on WEB01');
  assert.equal(dropped.data.Image, W3WP);
  assert.ok(ms(dropped) < ms(onWeb));
  const launcher = one(sysmon(1, web.name).filter((e) => e.data.ProcessGuid === onWeb.data.ParentProcessGuid), 'the tool\'s parent');
  assert.equal(launcher.data.ParentImage, W3WP);
  // FS01: wrong passwords, svc_backup from WEB01's address, the copy through ADMIN$, a service.
  const failures = security(4625, fs.name);
  assert.equal(failures.length, 3);
  for (const f of failures) assert.deepEqual([f.data.TargetUserName, f.data.IpAddress, f.data.LogonType, f.data.SubStatus], [DEMO_STORY.guessedAccount, web.ip, 3, '0xc000006a']);
  const logon = one(security(4624, fs.name).filter((e) => e.data.TargetUserName === DEMO_STORY.account.name), 'svc_backup logon');
  assert.deepEqual([logon.data.LogonType, logon.data.IpAddress, logon.data.WorkstationName, logon.data.AuthenticationPackageName], [3, web.ip, 'WEB01', 'NTLM']);
  assert.ok(failures.every((f) => ms(f) < ms(logon)) && ms(logon) < ms(onFs));
  const copy = one(sysmon(11, fs.name).filter((e) => e.data.TargetFilename === payload.lateralPath), 'copy on FS01');
  assert.deepEqual([copy.data.Image, copy.data.ProcessId], ['System', 4]);
  assert.deepEqual([onFs.data.ParentImage, onFs.data.User, onFs.data.ParentProcessGuid], ['C:\\Windows\\System32\\services.exe', 'NT AUTHORITY\\SYSTEM', fs.running.get('services')!.guid]);
  const service = one(security(4697, fs.name), 'service installed');
  assert.deepEqual([service.data.ServiceFileName, service.data.SubjectUserName, service.data.SubjectLogonId], [payload.lateralPath, DEMO_STORY.account.name, logon.data.TargetLogonId]);
  const explicit = one(security(4648, web.name), 'explicit credentials on WEB01');
  assert.deepEqual([explicit.data.TargetUserName, explicit.data.TargetServerName, explicit.data.ProcessName], [DEMO_STORY.account.name, fs.name, payload.webPath]);
  // Both copies call home.
  const home = sysmon(3).filter((e) => e.data.DestinationIp === DEMO_STORY.payloadServerIp && String(e.data.Image).endsWith('svch0st.exe'));
  assert.deepEqual(home.map((e) => e.host), [web.name, fs.name]);
});

/** A value's kind, to compare the demo's values with the corpus' without comparing the values. */
function shape(v: EventValue): string {
  if (typeof v !== 'string') return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  const kinds: [string, RegExp][] = [
    ['-', /^-$/], ['hex', /^0x[0-9a-f]+$/], ['decimal', /^\d+$/], ['tokens', /^(%%\d+\s*)+$/], ['sid', /^S-1-[\d-]+$/], ['guid', /^\{[0-9a-f-]{36}\}$/],
    ['ipv4', /^(::ffff:)?\d+\.\d+\.\d+\.\d+$/], ['ipv6', /^[0-9a-f:]*:[0-9a-f:]*$/i], ['drive-path', /^[A-Z]:\\/i], ['device-path', /^\\device\\/i],
  ];
  return kinds.find(([, re]) => re.test(v))?.[0] ?? 'text';
}

/**
 * Value kinds the corpus lacks for a field but Windows writes in the demo's situation:
 * an NTLM network logon (the corpus has Kerberos and local ones), explicit credentials
 * for a remote server by IPv4 address, a service file name that is a path alone.
 */
const NOT_IN_CORPUS = new Set(['4624.LmPackageName:text', '4648.IpAddress:ipv4', '4697.ServiceFileName:drive-path']);

test('Security events are shaped as in the corpus: same field sets, value types and kinds, same message layout', async () => {
  const corpus = new Map<number, Event[]>();
  for (const name of readdirSync(requireShared(join(corpusRoot, 'json')))) {
    for await (const batch of decodeFile(join(corpusRoot, 'json', name))) {
      for (const e of batch.events) if (e.channel.toLowerCase() === 'security') corpus.set(e.event_id, [...(corpus.get(e.event_id) ?? []), e]);
    }
  }
  const kinds = new Map<string, Set<string>>();
  for (const [id, es] of corpus) for (const e of es) for (const [k, v] of Object.entries(e.data)) kinds.set(`${id}.${k}`, (kinds.get(`${id}.${k}`) ?? new Set()).add(shape(v)));
  // The message's layout: labels and their tabs, with values cut off and repeated continuation lines collapsed.
  const layout = (message: string): string => message.split('\r\n').map((l) => /^\t*[A-Z][^\t:]*:\t*/.exec(l)?.[0] ?? (l.startsWith('\t') ? /^\t*/.exec(l)![0] : l))
    .filter((l, i, all) => i === 0 || l !== all[i - 1]).join('\n');
  const compared = new Set<number>();
  for (const e of events.filter((x) => x.channel === 'Security')) {
    const real = corpus.get(e.event_id);
    if (real === undefined) continue; // 4625: Microsoft's documentation only (the catalog test above covers its fields)
    compared.add(e.event_id);
    const keys = Object.keys(e.data).sort().join(',');
    assert.ok(real.some((r) => Object.keys(r.data).sort().join(',') === keys), `${e.event_id}: fields ${keys} as in the corpus`);
    for (const [k, v] of Object.entries(e.data)) {
      const kind = `${e.event_id}.${k}:${shape(v)}`;
      assert.ok(kinds.get(`${e.event_id}.${k}`)?.has(shape(v)) || NOT_IN_CORPUS.has(kind), `${kind} (${JSON.stringify(v)}) not among the corpus' ${[...kinds.get(`${e.event_id}.${k}`) ?? []]}`);
    }
    assert.ok(real.some((r) => layout(r.line) === layout(e.line)), `${e.event_id}: message layout\n${layout(e.line)}`);
  }
  assert.deepEqual([...compared].sort(), [4624, 4634, 4648, 4672, 4688, 4689, 4697, 4769, 5140, 5145, 5156]);
  // A service's logon session as MKT01 logged one: SYSTEM by its own name, from services.exe, no address.
  const fields = ['TargetUserName', 'TargetDomainName', 'TargetLogonId', 'LogonProcessName', 'AuthenticationPackageName', 'WorkstationName', 'IpAddress', 'IpPort', 'ElevatedToken'];
  const pick = (e: Event): string => JSON.stringify(fields.map((f) => e.data[f]));
  const real = corpus.get(4624)!.find((e) => e.data.LogonType === 5 && e.data.TargetUserSid === 'S-1-5-18')!;
  const ours = security(4624).filter((e) => e.data.LogonType === 5 && e.data.TargetUserSid === 'S-1-5-18');
  assert.ok(ours.length > 100);
  for (const e of ours) assert.equal(pick(e), pick(real));
});

test('the iis-webshell pack finds the story in the EVTX files haetae demo writes, and nothing else', async () => {
  const files = writeEvtxPerHost(events, mkdtempSync(join(tmpdir(), 'haetae-demo-')));
  assert.equal(files.length, 10);
  assert.ok(files.some((f) => f.endsWith(join('WEB01', 'Microsoft-Windows-Sysmon%4Operational.evtx'))) && files.some((f) => f.endsWith(join('FS01', 'Security.evtx'))));
  const hunted = await huntFiles(files, { packs: ['iis-webshell'], rules: [], threads: 2 });
  const { summary } = hunted;
  const detections = [...hunted.detections];
  assert.equal(summary.events, events.length);
  assert.equal(summary.inputErrors, 0);
  const SHELL = 'IIS Worker Process Spawned a Shell, Script Host or LOLBin';
  const CHILD = 'IIS Worker Child Process Confirmed by Both Sysmon and Security Auditing';
  const OUT = 'IIS Worker Process Connected Out to a Public Address on a Web Port';
  const OUT_CONFIRMED = 'IIS Worker Outbound Connection Confirmed by Both Sysmon and the Windows Filtering Platform';
  const found = detections.map((d) => `${d.time.slice(11, 19)} ${d.target} ${d.ruleTitle}`).sort();
  const child = (step: StoryStep): string[] => [`${DEMO_STORY.steps[step].slice(0, 8)} security:4688 ${SHELL}`, `${DEMO_STORY.steps[step].slice(0, 8)} sysmon:1 ${SHELL}`, `${DEMO_STORY.steps[step].slice(0, 8)} correlation ${CHILD}`];
  const download = DEMO_STORY.steps.download.slice(0, 8);
  assert.deepEqual(found, [
    ...child('recon'), ...child('readConfig'), ...child('runOnWeb'),
    `${download} security:5156 ${OUT}`, `${download} sysmon:3 ${OUT}`, `${download} correlation ${OUT_CONFIRMED}`,
  ].sort());
  assert.ok(detections.every((d) => d.host === DEMO_STORY.webHost));
  const outbound = detections.find((d) => d.ruleTitle === OUT_CONFIRMED)!;
  assert.equal(String(outbound.correlation?.group.DestinationIp), DEMO_STORY.payloadServerIp);
});

describeSeedQueries();

/** The seed queries (issue 7 and specs/query-language.md) on the dataset imported into a store. */
function describeSeedQueries(): void {
  let store: Store;
  let server: Server;
  let port = 0;
  const PARSE = `| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "\`")
| parsekv overlay=t pairdelim="\`" kvdelim=": "`;
  const blocklist = [DEMO_STORY.payloadServerIp, '203.0.113.250'];

  before(async () => {
    store = await openStore({ memory: true });
    const result = await store.importEvents('auto', [{ events }]);
    assert.deepEqual(Object.fromEntries(result.tables), { sysmon: events.filter((e) => e.channel === SYSMON).length, security: events.filter((e) => e.channel === 'Security').length });
    server = createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(blocklist.join('\r\n')); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await store?.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function rows(text: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const ctx = { source: store, now: new Date(), wget: new AllowlistWgetClient(['127.0.0.1']) };
    for await (const batch of executeQuery(parseQuery(text), ctx)) for (const r of batch) out.push(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, valueToJson(v)])));
    return out;
  }

  test('seed query: process creations counted by Image and Hashes; the tool once on each host', async () => {
    const got = await rows('table sysmon | search event_id == 1 | stats count by Image, Hashes | sort -count');
    const expected = new Map<string, number>();
    for (const e of sysmon(1)) { const k = `${String(e.data.Image)}|${String(e.data.Hashes)}`; expected.set(k, (expected.get(k) ?? 0) + 1); }
    assert.equal(got.length, expected.size);
    for (const r of got) assert.equal(r.count, expected.get(`${String(r.Image)}|${String(r.Hashes)}`));
    for (let i = 1; i < got.length; i++) assert.ok(Number(got[i - 1].count) >= Number(got[i].count));
    const tool = got.filter((r) => r.Hashes === DEMO_STORY.payload.hashes).map((r) => `${String(r.Image)} ${String(r.count)}`);
    assert.deepEqual(tool.sort(), [`${DEMO_STORY.payload.webPath} 1`, `${DEMO_STORY.payload.lateralPath} 1`].sort());
    // The spec's form parses the rendered line instead of the typed columns, and gets the same.
    const parsed = await rows(`table sysmon | search line == "*Process Create*"\n${PARSE}\n| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)\n| stats count by Image, Hashes | sort -count`);
    assert.equal(parsed.length, expected.size);
    assert.ok(parsed.some((r) => r.Image === DEMO_STORY.payload.lateralPath && String(r.Hashes).startsWith(DEMO_STORY.payload.sha256)));
  });

  test('seed query: the network connection listing shows w3wp.exe and the tool connecting to the payload server', async () => {
    const got = await rows(`table sysmon | search line == "*Network connection detected*"\n${PARSE}\n| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, SourcePortName, DestinationIp, DestinationPort`);
    assert.equal(got.length, sysmon(3).length);
    const toServer = got.filter((r) => r.DestinationIp === DEMO_STORY.payloadServerIp).map((r) => `${String(r.Image)}:${String(r.DestinationPort)}`);
    assert.deepEqual(toServer.sort(), [`${DEMO_STORY.payload.lateralPath}:443`, `${DEMO_STORY.payload.webPath}:443`, `${W3WP}:443`].sort());
  });

  test('seed query: joining connections with a downloaded IP list finds exactly the connections to listed addresses', async () => {
    const got = await rows(`table sysmon\n| search line == "*Network connection detected*"\n${PARSE}\n| join DestinationIp [
    wget url="http://127.0.0.1:${port}/hostslist/ip.txt"
    | eval ip = split(line, "\\r\\n")
    | fields ip
    | explode ip
    | rename ip as DestinationIp
]\n| fields _time, host, Image, DestinationIp, DestinationPort`);
    assert.deepEqual(got.map((r) => `${String(r.host)} ${String(r.Image)}`).sort(), [
      `${DEMO_STORY.lateralHost} ${DEMO_STORY.payload.lateralPath}`, `${DEMO_STORY.webHost} ${DEMO_STORY.payload.webPath}`, `${DEMO_STORY.webHost} ${W3WP}`,
    ]);
  });

  test('queries on the Security table: w3wp.exe children by ParentProcessName, and where the tool was first seen', async () => {
    const children = await rows('table security | search event_id == 4688 and ParentProcessName == "*\\\\w3wp.exe" | fields host, NewProcessName');
    assert.deepEqual(children, Array(3).fill({ host: DEMO_STORY.webHost, NewProcessName: 'C:\\Windows\\System32\\cmd.exe' }));
    const spread = await rows(`table sysmon | search event_id == 1 and Hashes == "*SHA256=${DEMO_STORY.payload.sha256}*" | stats min(_time) as first_seen, count by host | sort first_seen`);
    assert.deepEqual(spread.map((r) => [r.host, r.count]), [[DEMO_STORY.webHost, 1], [DEMO_STORY.lateralHost, 1]]);
    // _time is when the record was written, a few milliseconds after the process started.
    assert.equal(String(spread[1].first_seen).slice(0, 19), new Date(storyTime('runOnLateral')).toISOString().slice(0, 19));
  });
}
