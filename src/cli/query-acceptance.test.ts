/**
 * The acceptance queries of specs/query-language.md, verbatim, on the whole EVTX corpus
 * imported into a store — each checked against values computed directly from the
 * decoded events (their EventData fields, not their rendered `line`), with SQL pushdown
 * on and off.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { executeQuery, parseQuery, valueToJson, AllowlistWgetClient, type Row } from '../query/index.js';
import { openStore, type Store } from '../store/index.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import { hashFile, importFiles } from './import-files.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const EVTX_DIR = join(corpusRoot, 'evtx');

const PARSE = `| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "\`")
| parsekv overlay=t pairdelim="\`" kvdelim=": "`;

const Q_LIST = 'table sysmon | fields _time, event_id, level, line';
const Q_PROCESS = `table sysmon
| search line == "*Process Create*"
${PARSE}
| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)`;
const Q_STATS = `${Q_PROCESS}
| stats count by Image, Hashes | sort -count`;
const NET_FIELDS = ['_time', 'ProcessId', 'Image', 'Protocol', 'SourceIp', 'SourcePort', 'SourcePortName', 'DestinationIp', 'DestinationPort'];
const Q_NETWORK = `table sysmon | search line == "*Network connection detected*"
${PARSE}
| fields ${NET_FIELDS.join(', ')}`;
const Q_JOIN = `table sysmon
| search line == "*Network connection detected*"
${PARSE}
| join DestinationIp [
    wget url="http://127.0.0.1:PORT/hostslist/ip.txt"
    | eval ip = split(line, "\\r\\n")
    | fields ip
    | explode ip
    | rename ip as DestinationIp
]
| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, DestinationIp, DestinationPort`;

let store: Store;
let server: Server;
let port = 0;
const sysmon: Event[] = [];
let blocklist: string[] = [];

/** The value parsekv gives a field: the text Windows prints (numbers and booleans as text, empty as `-`). */
function asText(v: unknown): string | null {
  return v === null || v === undefined ? null : v === '' ? '-' : String(v);
}

function afterSha256(hashes: string): string {
  return hashes.slice(hashes.indexOf('SHA256=') + 7);
}

before(async () => {
  requireShared(EVTX_DIR);
  const files = listFiles(EVTX_DIR, /\.evtx$/i);
  // The independent side: decode every distinct file (the store imports same-content files once).
  const seen = new Set<string>();
  for (const f of files) {
    const h = hashFile(f);
    if (seen.has(h)) continue;
    seen.add(h);
    for await (const batch of decodeFile(f)) for (const e of batch.events) if (e.channel === SYSMON) sysmon.push(e);
  }
  store = await openStore({ memory: true });
  await importFiles(store, files, { table: 'auto' });
  const ips = [...new Set(sysmon.filter((e) => e.event_id === 3).map((e) => asText(e.data['DestinationIp'])))].filter((x): x is string => x !== null).sort();
  blocklist = ips.filter((_, i) => i % 3 === 0);
  const body = [...blocklist, '203.0.113.250', ''].join('\r\n');
  server = createServer((req, res) => {
    res.writeHead(req.url === '/hostslist/ip.txt' ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url === '/hostslist/ip.txt' ? body : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await store?.close();
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rows(text: string, pushdown: boolean): Promise<Record<string, unknown>[]> {
  const ctx = { source: store, now: new Date(), wget: new AllowlistWgetClient(['127.0.0.1']) };
  const out: Record<string, unknown>[] = [];
  for await (const batch of executeQuery(parseQuery(text.replace('PORT', String(port))), ctx, { pushdown })) {
    for (const r of batch as Row[]) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) o[k] = valueToJson(v);
      out.push(o);
    }
  }
  return out;
}

const byTimeDesc = (a: Event, b: Event): number => (a._time < b._time ? 1 : a._time > b._time ? -1 : 0);
const iso = (t: string): string => new Date(t).toISOString();
const sortedJson = (xs: unknown[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

for (const pushdown of [true, false]) {
  const mode = pushdown ? 'with pushdown' : 'JS only';

  test(`acceptance: list sysmon events (${mode})`, async () => {
    const got = await rows(Q_LIST, pushdown);
    assert.equal(got.length, sysmon.length);
    assert.ok(got.length > 1000, 'the corpus should hold thousands of Sysmon events');
    assert.deepEqual(Object.keys(got[0]!), ['_time', 'event_id', 'level', 'line']);
    for (let i = 1; i < got.length; i++) assert.ok(String(got[i - 1]!['_time']) >= String(got[i]!['_time']), 'newest first');
    const expected = sysmon.map((e) => ({ _time: iso(e._time), event_id: e.event_id, level: e.level, line: e.line }));
    assert.deepEqual(sortedJson(got), sortedJson(expected));
  });

  test(`acceptance: parse process creations (${mode})`, async () => {
    const creates = sysmon.filter((e) => e.line.includes('Process Create')).sort(byTimeDesc);
    const got = await rows(Q_PROCESS, pushdown);
    assert.equal(got.length, creates.length);
    assert.ok(got.length > 100);
    const expected = creates.map((e) => JSON.stringify([iso(e._time), asText(e.data['Image']), afterSha256(String(e.data['Hashes'])), asText(e.data['ProcessId'])]));
    const actual = got.map((r) => JSON.stringify([r['_time'], r['Image'], r['Hashes'], r['ProcessId']]));
    assert.deepEqual(actual.sort(), expected.sort());
    // A command line reads back whole unless the query's own parsing changes it: a backtick
    // is its pair delimiter, surrounding blanks are trimmed, and Windows expands %N inside
    // inserted text when it renders the message (so `line` differs from EventData there).
    const clean = (v: string): boolean => !/[`%\r\n]/.test(v) && v.trim() === v && v !== '';
    const key = (t: unknown, pid: unknown, image: unknown): string => JSON.stringify([t, pid, image]);
    const cleanLines = new Map(creates.map((e) => [key(iso(e._time), asText(e.data['ProcessId']), asText(e.data['Image'])), String(e.data['CommandLine'])]));
    let checked = 0;
    for (const r of got) {
      const want = cleanLines.get(key(r['_time'], r['ProcessId'], r['Image']));
      if (want === undefined || !clean(want)) continue;
      assert.equal(r['CommandLine'], want);
      checked++;
    }
    assert.ok(checked > 100, `only ${checked} command lines checked`);
  });

  test(`acceptance: count images by SHA256 (${mode})`, async () => {
    const counts = new Map<string, number>();
    for (const e of sysmon) {
      if (!e.line.includes('Process Create')) continue;
      const key = JSON.stringify([asText(e.data['Image']), afterSha256(String(e.data['Hashes']))]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const got = await rows(Q_STATS, pushdown);
    assert.equal(got.length, counts.size);
    for (let i = 1; i < got.length; i++) assert.ok(Number(got[i - 1]!['count']) >= Number(got[i]!['count']), 'sorted by count, descending');
    for (const r of got) assert.equal(r['count'], counts.get(JSON.stringify([r['Image'], r['Hashes']])), `count of ${String(r['Image'])}`);
  });

  test(`acceptance: list network connections (${mode})`, async () => {
    const conns = sysmon.filter((e) => e.line.includes('Network connection detected'));
    const got = await rows(Q_NETWORK, pushdown);
    assert.equal(got.length, conns.length);
    assert.ok(got.length > 50);
    const expected = conns.map((e) => Object.fromEntries(NET_FIELDS.map((f) => [f, f === '_time' ? iso(e._time) : asText(e.data[f])])));
    assert.deepEqual(sortedJson(got), sortedJson(expected));
  });

  test(`acceptance: join connections with a downloaded IP list (${mode})`, async () => {
    const listed = new Set(blocklist);
    const conns = sysmon.filter((e) => e.line.includes('Network connection detected') && listed.has(String(e.data['DestinationIp'])));
    const got = await rows(Q_JOIN, pushdown);
    assert.ok(conns.length > 0);
    assert.equal(got.length, conns.length);
    const fields = ['_time', 'ProcessId', 'Image', 'Protocol', 'SourceIp', 'SourcePort', 'DestinationIp', 'DestinationPort'];
    const expected = conns.map((e) => Object.fromEntries(fields.map((f) => [f, f === '_time' ? iso(e._time) : asText(e.data[f])])));
    assert.deepEqual(sortedJson(got), sortedJson(expected));
  });
}
