import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvtxWriter } from '../evtx/index.js';
import { classifyIp, eventFields, eventToXml, renderLine, type Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { formatEvent } from '../formats/write.js';
import { EVENT_MIX, generateSysmonEvents, WEBSHELL_ATTACKER_IP, WEBSHELL_HOST, type GeneratorOptions } from './index.js';

const all = (options: GeneratorOptions): Event[] => {
  const out: Event[] = [];
  for (const batch of generateSysmonEvents(options)) out.push(...batch);
  return out;
};

/** One shared run: 100,000 events of 25 hosts over a day. */
const events = all({ count: 100_000, seed: 11 });

test('the same seed gives the same events; another seed other events', () => {
  const a = all({ count: 5000, seed: 7, batchSize: 333 });
  assert.equal(a.length, 5000);
  assert.deepEqual(all({ count: 5000, seed: 7 }), a);
  assert.notDeepEqual(all({ count: 5000, seed: 8 }).map((e) => e.data), a.map((e) => e.data));
});

test('batches have the asked size and the count is exact', () => {
  const sizes = [...generateSysmonEvents({ count: 2500, seed: 1, batchSize: 1000 })].map((b) => b.length);
  assert.deepEqual(sizes, [1000, 1000, 500]);
  assert.deepEqual([...generateSysmonEvents({ count: 0 })], []);
});

test('every event has exactly the catalog fields of its Sysmon version, in order, with the catalog types', () => {
  for (const e of events) {
    const fields = eventFields(e.provider, e.event_id, e.version);
    assert.ok(fields, `no catalog entry for ${e.event_id} v${e.version}`);
    assert.deepEqual(Object.keys(e.data), fields.map((f) => f.name), `event ${e.event_id}`);
    for (const f of fields) {
      const v = e.data[f.name];
      const want = f.type === 'number' ? 'number' : f.type === 'boolean' ? 'boolean' : 'string';
      assert.equal(typeof v, want, `${e.event_id} ${f.name} = ${JSON.stringify(v)}`);
      if (f.type === 'guid') assert.match(v as string, /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/);
    }
  }
});

test('line is the Windows message renderLine gives', () => {
  for (const e of events) assert.equal(e.line, renderLine(e));
});

test('the event ID mix is the fleet mix within 1.5 points', () => {
  const counts = new Map<number, number>();
  for (const e of events) counts.set(e.event_id, (counts.get(e.event_id) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), Object.keys(EVENT_MIX).map(Number).sort((a, b) => a - b));
  for (const [id, share] of Object.entries(EVENT_MIX)) {
    const got = (counts.get(Number(id)) ?? 0) / events.length;
    assert.ok(Math.abs(got - share) < 0.015, `event ${id}: ${got.toFixed(3)} vs ${share}`);
  }
});

test('about 400 distinct Image+SHA256 pairs, a few very common and a long tail, hashes in Sysmon order', () => {
  const perPair = new Map<string, number>();
  const sha256ByImageBuild = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.event_id !== 1) continue;
    const hashes = String(e.data.Hashes);
    if (e.data.Image !== 'System') assert.match(hashes, /^SHA1=[0-9A-F]{40},MD5=[0-9A-F]{32},SHA256=[0-9A-F]{64},IMPHASH=[0-9A-F]{32}$/);
    const sha256 = hashes.slice(hashes.indexOf('SHA256=') + 7, hashes.indexOf(',IMPHASH'));
    const key = `${e.data.Image}|${sha256}`;
    perPair.set(key, (perPair.get(key) ?? 0) + 1);
    const ib = `${e.host}|${e.data.Image}`;
    if (!sha256ByImageBuild.has(ib)) sha256ByImageBuild.set(ib, new Set());
    sha256ByImageBuild.get(ib)!.add(sha256);
  }
  assert.ok(perPair.size >= 330 && perPair.size <= 450, `distinct pairs: ${perPair.size}`);
  // Stable per image on a host: one file, one hash.
  for (const [ib, set] of sha256ByImageBuild) assert.equal(set.size, 1, ib);
  const sorted = [...perPair.values()].sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + b, 0);
  assert.ok(sorted.slice(0, 10).reduce((a, b) => a + b, 0) / total > 0.3, 'the ten commonest images are a large share');
  assert.ok(sorted.filter((n) => n <= 5).length > 50, 'a long tail of rare images');
});

test('every process creation has a parent running on the same host: one created earlier or a system process already running', () => {
  const SYSTEM_PARENTS = new Set(['services.exe', 'svchost.exe', 'explorer.exe', 'wininit.exe', 'smss.exe', 'msmpeng.exe', 'searchindexer.exe', 'w3wp.exe', 'lsass.exe', 'system']);
  const created = new Map<string, Map<string, string>>();
  const known = new Map<string, string>();
  let fromCreated = 0;
  for (const e of events) {
    if (e.event_id !== 1) continue;
    const seen = created.get(e.host) ?? new Map<string, string>();
    created.set(e.host, seen);
    const d = e.data;
    const parent = seen.get(String(d.ParentProcessGuid));
    if (parent !== undefined) {
      assert.equal(parent, `${d.ParentProcessId}|${d.ParentImage}`);
      fromCreated++;
    } else {
      const image = String(d.ParentImage);
      assert.ok(SYSTEM_PARENTS.has(image.slice(image.lastIndexOf('\\') + 1).toLowerCase()), `unknown parent ${image} of ${d.Image} on ${e.host}`);
      const id = `${e.host}|${d.ParentProcessGuid}`;
      const was = known.get(id);
      assert.ok(was === undefined || was === `${d.ParentProcessId}|${image}`, `system parent ${id} changed`);
      known.set(id, `${d.ParentProcessId}|${image}`);
    }
    assert.ok(!seen.has(String(d.ProcessGuid)), `ProcessGuid ${d.ProcessGuid} reused`);
    seen.set(String(d.ProcessGuid), `${d.ProcessId}|${d.Image}`);
  }
  assert.ok(fromCreated > 100, 'processes started by processes created in the log');
});

test('times rise through the day; UtcTime is the same moment as _time, a few ms earlier', () => {
  const first = Date.parse(events[0]._time);
  const last = Date.parse(events[events.length - 1]._time);
  assert.ok(last - first > 20 * 3_600_000 && last - first <= 25 * 3_600_000, `${events[0]._time} … ${events[events.length - 1]._time}`);
  let previous = 0;
  for (const e of events) {
    assert.match(e._time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const t = Date.parse(e._time);
    const utc = Date.parse(String(e.data.UtcTime).replace(' ', 'T') + 'Z');
    assert.ok(t - utc >= 0 && t - utc <= 10, `${e._time} vs ${e.data.UtcTime}`);
    assert.ok(t >= previous - 10, 'monotonic within a few ms');
    previous = Math.max(previous, t);
  }
});

test('network events: booleans, private and public addresses, DNS answers matching connections', () => {
  const classes = new Set<string>();
  let inbound = 0;
  for (const e of events) {
    if (e.event_id !== 3) continue;
    classes.add(classifyIp(String(e.data.DestinationIp)));
    if (e.data.Initiated === false) inbound++;
    assert.equal(e.data.SourceIsIpv6, String(e.data.SourceIp).includes(':'));
  }
  for (const c of ['public', 'private', 'multicast']) assert.ok(classes.has(c), `no ${c} destination: ${[...classes]}`);
  assert.ok(inbound > 0);
  const answers = new Set(events.filter((e) => e.event_id === 22).map((e) => /::ffff:([0-9.]+);$/.exec(String(e.data.QueryResults))?.[1]).filter((x) => x !== undefined));
  const connected = events.filter((e) => e.event_id === 3 && answers.has(String(e.data.DestinationIp))).length;
  assert.ok(connected > 1000, `connections to resolved addresses: ${connected}`);
});

test('the webshell story: w3wp.exe → cmd.exe → whoami.exe and w3wp.exe connecting out to a public IP, on WEB01', () => {
  const web = events.filter((e) => e.host === WEBSHELL_HOST);
  const cmd = web.find((e) => e.event_id === 1 && String(e.data.ParentImage).endsWith('\\w3wp.exe') && String(e.data.Image).endsWith('\\cmd.exe'));
  assert.ok(cmd, 'cmd.exe started by w3wp.exe');
  assert.equal(cmd.data.User, 'IIS APPPOOL\\DefaultAppPool');
  const whoami = web.find((e) => e.event_id === 1 && e.data.ParentProcessGuid === cmd.data.ProcessGuid && String(e.data.Image).endsWith('\\whoami.exe'));
  assert.ok(whoami, 'whoami.exe started by that cmd.exe');
  const out = web.find((e) => e.event_id === 3 && String(e.data.Image).endsWith('\\w3wp.exe') && e.data.Initiated === true);
  assert.ok(out, 'w3wp.exe connecting out');
  assert.equal(out.data.DestinationIp, WEBSHELL_ATTACKER_IP);
  assert.equal(classifyIp(WEBSHELL_ATTACKER_IP), 'public');
  // Only the story makes IIS start a shell.
  assert.equal(events.filter((e) => e.event_id === 1 && String(e.data.ParentImage).endsWith('\\w3wp.exe')).length, 1);
  // Small runs carry it too.
  assert.ok(all({ count: 30, seed: 2 }).some((e) => e.event_id === 1 && String(e.data.Image).endsWith('\\whoami.exe') && e.host === WEBSHELL_HOST));
});

test('generated events come back unchanged from Haetae JSON lines, Windows XML and EVTX files', async () => {
  const sample = events.slice(0, 3000);
  const dir = mkdtempSync(join(tmpdir(), 'haetae-gen-'));
  try {
    const decoded = async (file: string): Promise<Event[]> => {
      const out: Event[] = [];
      for await (const b of decodeFile(file)) {
        assert.deepEqual(b.issues, []);
        out.push(...b.events);
      }
      return out;
    };
    for (const format of ['jsonl', 'xml'] as const) {
      const file = join(dir, `events.${format}`);
      writeFileSync(file, sample.map((e) => formatEvent(e, format)).join('\n') + '\n');
      assert.deepEqual(await decoded(file), sample, format);
    }
    const evtx = join(dir, 'events.evtx');
    const w = new EvtxWriter(evtx);
    for (const e of sample) w.writeRecord(eventToXml(e), e._time);
    w.close();
    assert.deepEqual(await decoded(evtx), sample, 'evtx');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
