import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GENERIC_RENDERING_MARK, type Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import type { Row } from '../query/value.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';
import { corpusEvents, holdStoreWrites, SHIPPING_FILES, storedRows, withStarted } from '../testing/stored-events.js';
import { flatten, logger, nxlogStructuredData, requireLogger, sdValue, snareFields } from '../testing/syslog-shapes.js';
import { SettingsError } from './realtime-config.js';
import { HaetaeServer, type ServerOptions } from './server.js';
import { SyslogReceiver } from './syslog.js';

/**
 * The client is the system's `logger` (util-linux): it writes RFC 3164 and RFC 5424, over
 * UDP or TCP, with newline framing or octet counting. The test does not install it.
 */
/** Waits for a condition (checked every 20 ms) or fails after the deadline. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Running {
  server: HaetaeServer;
  syslog: SyslogReceiver;
  dir: string;
  log: string[];
  close(): Promise<void>;
}

/** A test body run against a fresh server with a syslog receiver on free TCP and UDP ports. */
const withServer = (options: Partial<ServerOptions>, body: (r: Running) => Promise<void>): (() => Promise<void>) => withStarted(() => start(options), body);

async function start(options: Partial<ServerOptions> = {}): Promise<Running> {
  requireLogger();
  const dir = mkdtempSync(join(tmpdir(), 'haetae-syslog-'));
  const log: string[] = [];
  const syslog = new SyslogReceiver({ tcpPort: 0, udpPort: 0, flushIntervalMs: 20 });
  const server = await HaetaeServer.start({ dataDir: join(dir, 'data'), port: 0, modules: [syslog], log: (l) => log.push(l), ...options });
  return { server, syslog, dir, log, close: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Writes lines to a file for `logger -f` (one message per line). */
function linesFile(r: Running, name: string, lines: readonly string[]): string {
  const file = join(r.dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function rows(r: Running): Promise<{ sysmon: Row[]; security: Row[] }> {
  return { sysmon: await storedRows(r.server.store, 'sysmon'), security: await storedRows(r.server.store, 'security') };
}

async function stored(r: Running): Promise<number> {
  const { sysmon, security } = await rows(r);
  return sysmon.length + security.length;
}

let shipped: Event[] | null = null;
/** Sysmon (1, 3, 5, 6) and Security (4688, 5156, 5158, 4624…) corpus events, with Windows' message as `line`. */
async function events(): Promise<Event[]> {
  shipped ??= await corpusEvents(SHIPPING_FILES.sysmon, SHIPPING_FILES.security);
  return shipped;
}
/** Events whose `line` is Windows' text (a shipper sends Windows' message; Haetae's generic rendering is not one). */
async function withMessages(): Promise<Event[]> {
  return (await events()).filter((e) => !e.line.includes(GENERIC_RENDERING_MARK));
}

/** The fields each kind of event must keep, whatever the path. */
const KEY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  1: ['Image', 'CommandLine', 'ParentImage', 'ProcessGuid'],
  3: ['Image', 'DestinationIp', 'DestinationPort', 'SourceIp'],
  5: ['Image', 'ProcessGuid'],
  6: ['ImageLoaded', 'Hashes'],
  4688: ['NewProcessName', 'NewProcessId', 'SubjectUserName'],
  4624: ['TargetUserName', 'LogonType', 'IpAddress'],
  5156: ['Application', 'DestAddress', 'DestPort'],
  5158: ['Application', 'SourcePort'],
};

function assertKeyFields(row: Row, e: Event, label: string): void {
  assert.equal(row.event_id, e.event_id, `${label} event_id`);
  assert.equal(row.channel, e.channel, `${label} channel`);
  for (const f of KEY_FIELDS[e.event_id] ?? []) {
    if (e.data[f] !== undefined && e.data[f] !== null && e.data[f] !== '') assert.deepEqual(row[f], e.data[f], `${label} ${f}`);
  }
}

/** The host logger writes: gethostname(), cut at the first dot in RFC 3164. */
const loggerHost = (rfc3164: boolean): string => (rfc3164 ? hostname().split('.')[0] : hostname());

test('NXLog to_syslog_bsd over TCP (LF framing): Sysmon and Security messages, flattened, stored with IDs, channel, host and fields', withServer({}, async (r) => {
  const sent = await withMessages();
  for (const provider of new Set(sent.map((e) => e.provider))) {
    const file = linesFile(r, `${provider}.log`, sent.filter((e) => e.provider === provider).map((e) => flatten(e.line, true)));
    await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--rfc3164', '-t', provider, '-f', file]);
  }
  await waitFor(`${sent.length} events stored`, async () => (await stored(r)) >= sent.length);
  const { sysmon, security } = await rows(r);
  assert.equal(sysmon.length + security.length, sent.length);
  const byLine = new Map([...sysmon, ...security].map((row) => [row.line as string, row]));
  for (const e of sent) {
    const row = byLine.get(e.line);
    assert.ok(row, `${e.channel} ${e.event_id} record ${e.record_id}: stored with Windows' message restored`);
    assertKeyFields(row, e, `${e.channel} ${e.event_id} ${e.record_id}`);
    assert.equal(row.host, loggerHost(true));
    if (e.provider === 'Microsoft-Windows-Sysmon') assert.equal((row._time as Date).toISOString(), `${String(e.data.UtcTime).replace(' ', 'T')}Z`);
  }
  assert.ok(sent.some((e) => e.event_id === 1) && sent.some((e) => e.event_id === 3) && sent.some((e) => e.event_id === 4688));
  const counters = r.server.ingest.stats().sources.find((s) => s.kind === 'syslog-tcp');
  assert.deepEqual([counters?.name, counters?.committed, counters?.dropped], ['127.0.0.1', sent.length, 0]);
}));

test('NXLog to_syslog_ietf over TCP (octet counting): every field from the structured data, record numbers, the Sysmon ProcessId from the message', withServer({}, async (r) => {
  const all = await withMessages();
  const pick = (id: number, n: number): Event[] => all.filter((e) => e.event_id === id).slice(0, n);
  const sent = [...pick(1, 3), ...pick(3, 3), ...pick(5, 1), ...pick(4688, 3), ...pick(5156, 2)];
  for (const e of sent) {
    const sd = Object.entries(nxlogStructuredData(e)).flatMap(([k, v]) => ['--sd-param', `${k}="${sdValue(v)}"`]);
    await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--octet-count', '--rfc5424', '-t', e.provider, '--sd-id', 'NXLOG@14506', ...sd, '--', flatten(e.line, true)]);
  }
  await waitFor(`${sent.length} events stored`, async () => (await stored(r)) >= sent.length);
  const { sysmon, security } = await rows(r);
  assert.equal(sysmon.length + security.length, sent.length);
  for (const e of sent) {
    const row = [...sysmon, ...security].find((x) => x.record_id === e.record_id && x.channel === e.channel);
    assert.ok(row, `${e.channel} ${e.event_id} record ${e.record_id}`);
    assertKeyFields(row, e, `${e.channel} ${e.record_id}`);
    assert.equal(row.host, loggerHost(false));
    assert.equal(row.process_id, e.process_id);
    assert.equal(row.line, e.line);
    if (e.provider === 'Microsoft-Windows-Sysmon') assert.equal(row.ProcessId, e.data.ProcessId, 'ProcessId comes back from the message');
  }
}));

test('Snare over UDP and TCP: the computer name, record numbers and event times; an event without a template kept as text', withServer({}, async (r) => {
  const sent = await events();
  const overUdp = sent.slice(0, 30);
  const overTcp = sent.slice(30);
  const snare = (list: Event[], from: number): string[] => list.map((e, i) => snareFields(e, from + i));
  await logger(['-P', String(r.syslog.udpPort), '--udp', '--rfc3164', '-t', 'MSWinEventLog', '-f', linesFile(r, 'snare-udp.log', snare(overUdp, 1))]);
  await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--rfc3164', '-t', 'MSWinEventLog', '-f', linesFile(r, 'snare-tcp.log', snare(overTcp, 31))]);
  await waitFor(`${sent.length} events stored`, async () => (await stored(r)) >= sent.length);
  const { sysmon, security } = await rows(r);
  assert.equal(sysmon.length + security.length, sent.length);
  for (const e of sent) {
    const found = [...sysmon, ...security].filter((x) => x.record_id === e.record_id && x.host === e.host);
    assert.equal(found.length, 1, `${e.host} ${e.record_id}`);
    const row = found[0];
    assertKeyFields(row, e, `${e.host} ${e.record_id}`);
    const time = (row._time as Date).toISOString();
    if (e.provider === 'Microsoft-Windows-Sysmon') assert.equal(time, `${String(e.data.UtcTime).replace(' ', 'T')}Z`);
    else assert.equal(time.slice(0, 19), e._time.slice(0, 19), `${e.event_id} ${e.record_id}: Snare's date, to the second`);
  }
  const cleared = security.find((x) => x.event_id === 1102);
  assert.ok(cleared, 'the corpus file has a 1102 (log cleared), which has no message template');
  assert.equal(cleared.provider, 'Microsoft-Windows-Eventlog');
  const kinds = new Map(r.server.ingest.stats().sources.map((s) => [s.kind, s.committed]));
  assert.deepEqual([kinds.get('syslog-udp'), kinds.get('syslog-tcp')], [overUdp.length, overTcp.length]);
}));

test("NXLog to_json() over TCP: NXLog's own JSON lines (a corpus export) stored as the file decoder reads them", withServer({}, async (r) => {
  const file = requireShared(join(corpusRoot, 'json', 'psh_lsass_memory_dump_comsvcs.json.gz'));
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const want: Event[] = [];
  for await (const b of decodeFile(file)) want.push(...b.events);
  await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--octet-count', '--rfc5424', '-t', 'nxlog', '-f', linesFile(r, 'nxlog.json', lines)]);
  await waitFor(`${want.length} events stored`, () => (r.server.ingest.stats().sources.find((s) => s.kind === 'syslog-tcp')?.committed ?? 0) >= want.length);
  const tables = await r.server.store.tables();
  assert.equal(tables.reduce((n, t) => n + t.events, 0), want.length);
  const { sysmon, security } = await rows(r);
  // Some lines of this export carry no RecordNumber: events are told apart by their message too.
  const key = (channel: unknown, record: unknown, line: unknown): string => `${String(channel)}|${String(record ?? '')}|${String(line)}`;
  const unclaimed = new Map<string, Row[]>();
  for (const row of [...sysmon, ...security]) {
    const k = key(row.channel, row.record_id, row.line);
    unclaimed.set(k, [...(unclaimed.get(k) ?? []), row]);
  }
  for (const e of want.filter((x) => x.channel === 'Security' || x.provider === 'Microsoft-Windows-Sysmon')) {
    const row = unclaimed.get(key(e.channel, e.record_id, e.line))?.pop();
    assert.ok(row, `${e.channel} ${e.event_id} record ${e.record_id}`);
    assert.equal(row.host, e.host);
    assert.equal(row.line, e.line);
    for (const [k, v] of Object.entries(e.data)) if (v !== null) assert.deepEqual(row[k], v, `${e.record_id} ${k}`);
  }
}));

test('octet-counted messages keep their line breaks end to end (NXLog with line breaks kept), also cut across TCP writes', withServer({}, async (r) => {
  const sent = (await withMessages()).filter((e) => e.event_id === 1 || e.event_id === 4688).slice(0, 6);
  const frames = Buffer.concat(sent.map((e) => {
    const msg = Buffer.from(`<14>1 2024-05-01T10:00:00Z WEB01 ${e.provider} - - - ${e.line}`);
    return Buffer.concat([Buffer.from(`${msg.length} `), msg]);
  }));
  await new Promise<void>((resolve, reject) => {
    const socket = connect(r.syslog.tcpPort!, '127.0.0.1', async () => {
      for (let pos = 0; pos < frames.length; pos += 97) {
        socket.write(frames.subarray(pos, pos + 97));
        await new Promise((w) => setImmediate(w));
      }
      socket.end(resolve);
    });
    socket.on('error', reject);
  });
  await waitFor(`${sent.length} events stored`, async () => (await stored(r)) >= sent.length);
  const { sysmon, security } = await rows(r);
  const lines = new Set([...sysmon, ...security].map((x) => x.line));
  for (const e of sent) assert.ok(lines.has(e.line), `${e.event_id} ${e.record_id}`);
  assert.ok([...sysmon, ...security].every((x) => x.host === 'WEB01'));
}));

test('backpressure: with the ingest queue full TCP reading pauses and nothing is lost; UDP datagrams are dropped and counted', withServer({ maxQueuedEvents: 5 }, async (r) => {
  const all = await withMessages();
  const [prefill, overTcp, overUdp] = [all.slice(0, 5), all.slice(5, 45), all.slice(45, 55)];
  const open = holdStoreWrites(r.server.store);
  const prefilled = r.server.ingest.submit(prefill, { kind: 'test', name: 'prefill' });
  await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--rfc3164', '-t', 'MSWinEventLog', '-f', linesFile(r, 'tcp.log', overTcp.map((e, i) => snareFields(e, i)))]);
  await waitFor('TCP reading paused', () => r.syslog.paused);
  await logger(['-P', String(r.syslog.udpPort), '--udp', '--rfc3164', '-t', 'MSWinEventLog', '-f', linesFile(r, 'udp.log', overUdp.map((e, i) => snareFields(e, 100 + i)))]);
  const udp = (): number => r.server.ingest.stats().sources.find((s) => s.kind === 'syslog-udp')?.dropped ?? 0;
  await waitFor(`${overUdp.length} UDP datagrams dropped`, () => udp() === overUdp.length);
  assert.equal(r.server.ingest.stats().queued, prefill.length);
  assert.ok(r.log.some((l) => /syslog-udp 127\.0\.0\.1: ingest queue full: UDP messages dropped/.test(l)), r.log.join('\n'));
  open();
  await prefilled;
  await waitFor('TCP events stored', async () => (await stored(r)) >= prefill.length + overTcp.length);
  await waitFor('TCP reading resumed', () => !r.syslog.paused);
  const { sysmon, security } = await rows(r);
  const keys = [...sysmon, ...security].map((x) => `${String(x.host)}|${String(x.record_id)}`);
  assert.equal(keys.length, prefill.length + overTcp.length);
  for (const e of [...prefill, ...overTcp]) assert.equal(keys.filter((k) => k === `${e.host}|${e.record_id}`).length, 1, `${e.host} ${e.record_id}`);
  const tcp = r.server.ingest.stats().sources.find((s) => s.kind === 'syslog-tcp');
  assert.deepEqual([tcp?.committed, tcp?.dropped], [overTcp.length, 0]);
}));

test('what cannot be read is counted per sender and logged, a few lines not thousands', withServer({}, async (r) => {
  const junk = Array.from({ length: 200 }, (_v, i) => `Accepted publickey for root from 10.0.0.${i} port 22`);
  await logger(['-P', String(r.syslog.tcpPort), '--tcp', '--rfc3164', '-t', 'sshd', '-f', linesFile(r, 'junk.log', junk)]);
  const dropped = (): number => r.server.ingest.stats().sources.find((s) => s.kind === 'syslog-tcp')?.dropped ?? 0;
  await waitFor('200 messages counted as dropped', () => dropped() === junk.length);
  const reports = r.log.filter((l) => l.includes('unreadable message'));
  assert.equal(reports.length, 1);
  assert.match(reports[0], /^syslog-tcp 127\.0\.0\.1: unreadable message: not a Windows event .*Accepted publickey/);
  assert.equal(await stored(r), 0);
}));

test('a syslog port in use is a settings error naming that port (haetae serve turns it into a usage error)', async () => {
  const busy = await new Promise<Server>((resolve) => { const b = createServer(); b.listen(0, '127.0.0.1', () => resolve(b)); });
  const port = (busy.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'haetae-syslog-busy-'));
  try {
    await assert.rejects(
      HaetaeServer.start({ dataDir: dir, port: 0, modules: [new SyslogReceiver({ tcpPort: port })], log: () => {} }),
      (e: unknown) => e instanceof SettingsError && e.message === `syslog: cannot listen on TCP 127.0.0.1:${port}: the port is in use`,
    );
  } finally {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
