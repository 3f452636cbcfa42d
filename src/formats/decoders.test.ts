import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeEvtx, EvtxWriter, recordToXml } from '../evtx/index.js';
import { eventFromXml, eventToXml, renderLine, type Event } from '../event/index.js';
import { decodeFile, type DecodeOptions } from './decode.js';
import type { InputIssue } from './types.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'haetae-formats-'));
let n = 0;
function file(content: string | Buffer, name = `f${n++}`): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function decode(path: string, options?: DecodeOptions): Promise<{ events: Event[]; issues: InputIssue[] }> {
  const events: Event[] = [];
  const issues: InputIssue[] = [];
  for await (const b of decodeFile(path, options)) { events.push(...b.events); issues.push(...b.issues); }
  return { events, issues };
}

const NS = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";
const sysmon1 = (pid: number, extra = ''): string =>
  `<Event ${NS}><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID><Version>5</Version>` +
  `<TimeCreated SystemTime='2024-05-01T10:00:00.1234567Z'/><EventRecordID>7</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WEB01</Computer></System>` +
  `<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2024-05-01 10:00:00.123</Data><Data Name='ProcessId'>${pid}</Data><Data Name='Image'>C:\\Windows\\System32\\cmd.exe</Data>` +
  `<Data Name='CommandLine'>cmd /c "whoami &amp; echo &lt;x&gt;"${extra}</Data><Data Name='ParentImage'>c:\\windows\\system32\\inetsrv\\w3wp.exe</Data></EventData></Event>`;

test('Windows XML: Event Viewer export with RenderingInfo, wevtutil runs, prefixes, CDATA, UTF-16 with BOM', async () => {
  const viewer = `<?xml version="1.0" encoding="UTF-16"?>\r\n<Events>\r\n${sysmon1(4242)}\r\n` +
    `<Event ${NS}><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4689</EventID><Computer>DC1</Computer></System>` +
    `<EventData><Data Name='ProcessId'>0x12d8</Data><Data Name='ProcessName'><![CDATA[C:\\a&b.exe]]></Data></EventData>` +
    `<RenderingInfo Culture='en-US'><Message>A process has exited.</Message></RenderingInfo></Event></Events>`;
  const utf16 = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(viewer, 'utf16le')]), 'viewer.xml');
  const { events, issues } = await decode(utf16);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  assert.equal(events[0].data.ProcessId, 4242); // typed by the field catalog
  assert.equal(events[0].data.CommandLine, 'cmd /c "whoami & echo <x>"');
  assert.match(events[0].line, /^Process Create:\r\nRuleName: -\r\nUtcTime: 2024-05-01 10:00:00.123\r\nProcessId: 4242\r\n/);
  assert.equal(events[1].data.ProcessName, 'C:\\a&b.exe');
  assert.equal(events[1].line, 'A process has exited.'); // Windows' own rendering wins
  // wevtutil: documents back to back on one line, gzip-compressed here, and a namespace prefix.
  const run = sysmon1(1) + sysmon1(2) + sysmon1(3).replace(/<(\/?)Event\b/g, '<$1e:Event').replace(`${NS}`, `xmlns:e='x'`);
  const r = await decode(file(gzipSync(run), 'run.xml.gz'));
  assert.deepEqual(r.issues, []);
  assert.deepEqual(r.events.map((e) => e.data.ProcessId), [1, 2, 3]);
});

test('Windows XML: a DOCTYPE or entity is refused with file and line, and decoding goes on', async () => {
  const xxe = `<?xml version="1.0"?>\n<!DOCTYPE Events [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<Events>\n` +
    sysmon1(1) + '\n' + sysmon1(2, '&xxe;') + '\n' + sysmon1(3) + '\n</Events>\n';
  const p = file(xxe, 'xxe.xml');
  const { events, issues } = await decode(p);
  assert.deepEqual(events.map((e) => e.data.ProcessId), [1, 3]);
  assert.equal(issues.length, 2);
  assert.equal(issues[0].file, p);
  assert.equal(issues[0].line, 2);
  assert.match(issues[0].reason, /DOCTYPE\/ENTITY declaration refused/);
  assert.equal(issues[1].line, 7);
  assert.match(issues[1].reason, /undefined entity &xxe;/);
  assert.ok(!events.some((e) => JSON.stringify(e).includes('root:')), 'no file content leaked');
  // Truncated and malformed events: reported where they start, the rest decoded.
  const bad = sysmon1(1) + '\n' + sysmon1(2).replace('</EventData>', '') + '\n' + sysmon1(3) + '\n' + sysmon1(4).slice(0, 200);
  const r = await decode(file(bad, 'bad.xml'));
  assert.deepEqual(r.events.map((e) => e.data.ProcessId), [1, 3]);
  assert.deepEqual(r.issues.map((i) => i.line), [2, 4]);
  assert.match(r.issues[0].reason, /does not close/);
  assert.match(r.issues[1].reason, /unterminated <Event>/);
});

test('JSON: truncated line, wrong encoding, non-object and unknown shapes are skipped with file and line', async () => {
  const good = JSON.stringify({ EventID: 5, SourceName: 'Microsoft-Windows-Sysmon', Hostname: 'H', EventTime: '2024-05-01 10:00:00', UtcTime: '2024-05-01 08:00:00.000', ProcessId: '42', Image: 'x' });
  const lines = Buffer.concat([
    Buffer.from(good + '\n' + good.slice(0, 40) + '\n'),
    Buffer.from('{"EventID": 5, "Image": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n'), // Latin-1 é
    Buffer.from('[1, 2]\n{"foo": 1}\n' + good + '\n'),
  ]);
  const p = file(lines, 'mixed.jsonl');
  const { events, issues } = await decode(p);
  assert.equal(events.length, 2);
  assert.equal(events[0]._time, '2024-05-01T08:00:00Z'); // local stamp repaired by Sysmon UtcTime
  assert.equal(events[0].data.ProcessId, 42);
  assert.deepEqual(issues.map((i) => [i.file, i.line]), [[p, 2], [p, 3], [p, 4], [p, 4], [p, 5]]);
  assert.match(issues[0].reason, /invalid JSON/);
  assert.match(issues[1].reason, /not valid UTF-8/);
  assert.match(issues[4].reason, /unrecognised JSON shape/);
});

test('a single line far longer than the limit is skipped without being held in memory', async () => {
  const p = join(dir, 'long.jsonl');
  const out = createWriteStream(p);
  const good = JSON.stringify({ EventID: 1, SourceName: 'X', Hostname: 'H', TimeCreated: '2024-05-01T10:00:00Z' }) + '\n';
  out.write(good);
  const block = Buffer.alloc(1 << 20, 0x61);
  for (let i = 0; i < 96; i++) if (!out.write(block)) await once(out, 'drain'); // a 96 MiB line
  out.end('\n' + good);
  await once(out, 'finish');
  const before = process.memoryUsage().rss;
  const { events, issues } = await decode(p, { maxLineBytes: 8 << 20 });
  assert.equal(events.length, 2);
  const errors = issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors.map((i) => i.line), [2], JSON.stringify(issues));
  assert.match(errors[0].reason, /line longer than/);
  assert.ok(process.memoryUsage().rss - before < 64 << 20, 'the long line was not buffered');
});

test('format detection by content, and a forced format', async () => {
  const evtx = listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)[0];
  const records = [...decodeEvtx(readFileSync(evtx))].flatMap((c) => c.records);
  const fromEvtx = await decode(evtx);
  assert.equal(fromEvtx.events.length, records.length);
  assert.ok(fromEvtx.events.every((e) => e.line !== ''), 'every Event gets a line');
  const xml = file(records.map((r) => recordToXml(r.nodes)).join('\r\n'), 'no-extension');
  const fromXml = await decode(xml);
  assert.equal(fromXml.events.length, records.length);
  assert.deepEqual(fromXml.events[0].event_id, eventFromXml(records[0].nodes)!.event_id);
  const unknown = await decode(file('hello world\n', 'unknown.txt'));
  assert.match(unknown.issues[0].reason, /cannot tell the input format/);
  const forced = await decode(file(JSON.stringify({ EventID: 4688, SourceName: 'Microsoft-Windows-Security-Auditing', winlog: 1 }) + '\n'), { format: 'nxlog' });
  assert.equal(forced.events[0].event_id, 4688);
  const missing = await decode(join(dir, 'does-not-exist.json'));
  assert.match(missing.issues[0].reason, /cannot read/);
});

test('Winlogbeat ECS: string event_data typed by the catalog, level by name, host from computer_name', async () => {
  const doc = {
    '@timestamp': '2024-05-01T10:00:00.123Z', host: { name: 'web01' }, log: { level: 'information' },
    event: { code: '3', provider: 'Microsoft-Windows-Sysmon', kind: 'event' },
    winlog: {
      channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon', event_id: '3', computer_name: 'WEB01.corp',
      record_id: '99', process: { pid: 3000, thread: { id: 4000 } }, task: 'Network connection detected (rule: NetworkConnect)', opcode: 'Info', version: 5,
      event_data: { RuleName: '-', UtcTime: '2024-05-01 10:00:00.100', ProcessId: '4120', Image: 'c:\\windows\\system32\\inetsrv\\w3wp.exe', Initiated: 'true', DestinationIp: '203.0.113.7', DestinationPort: '443' },
    },
  };
  const { events, issues } = await decode(file(JSON.stringify(doc) + '\n'));
  assert.deepEqual(issues, []);
  const e = events[0];
  assert.equal(e.host, 'WEB01.corp');
  assert.equal(e.level, 4);
  assert.equal(e.task, null); // a task name, not a number
  assert.equal(e.record_id, 99);
  assert.deepEqual([e.data.ProcessId, e.data.Initiated, e.data.DestinationPort], [4120, true, 443]);
  assert.match(e.line, /^Network connection detected:\r\n/);
});

test('rendered messages: Sysmon and Security text parsed back into fields, many per file', async () => {
  const corpus = listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i);
  const events: Event[] = [];
  for (const f of corpus.slice(0, 120)) for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) {
    const e = eventFromXml(r.nodes);
    if (e && (e.provider === 'Microsoft-Windows-Sysmon' || e.provider === 'Microsoft-Windows-Security-Auditing') && !renderLine(e).includes('generic rendering')) events.push(e);
  }
  assert.ok(events.length > 500, `${events.length} events`);
  const text = events.map((e) => renderLine(e)).join('\r\n\r\n') + '\r\n';
  const { events: back, issues } = await decode(file(text, 'messages.txt'));
  assert.deepEqual(issues, []);
  assert.equal(back.length, events.length);
  for (let i = 0; i < events.length; i++) {
    assert.equal(back[i].event_id, events[i].event_id);
    assert.equal(back[i].line, renderLine(events[i]).replace(/(\r\n)+$/, ''));
    assert.equal(renderLine({ ...back[i], line: '' }).replace(/(\r\n)+$/, ''), back[i].line, `re-rendered ${events[i].event_id}`);
    if (events[i].provider === 'Microsoft-Windows-Sysmon') assert.equal(back[i].data.Image ?? null, events[i].data.Image ?? null);
  }
});

test('EVTX: progress bytes add up to the file size, never-written chunks at the end included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-progress-'));
  const xml = join(dir, 'events.xml');
  writeFileSync(xml, `<Events>${sysmon1(100)}${sysmon1(101)}${sysmon1(102)}</Events>`);
  const file = join(dir, 'preallocated.evtx');
  const w = new EvtxWriter(file);
  for (const e of (await decode(xml)).events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  // Windows pre-allocates a log's chunks: slots past the header's count, all zero.
  writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.alloc(3 * 65536)]));
  let bytes = 0;
  let events = 0;
  for await (const b of decodeFile(file)) { bytes += b.bytes; events += b.events.length; }
  assert.equal(events, 3);
  assert.equal(bytes, statSync(file).size);
});

test('every file decodeFile opens is closed: read to the end, left early, or not decodable', { skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-fds-'));
  const xml = join(dir, 'events.xml');
  writeFileSync(xml, `<Events>${sysmon1(100)}${sysmon1(101)}</Events>`);
  const evtx = join(dir, 'events.evtx');
  const w = new EvtxWriter(evtx);
  for (const e of (await decode(xml)).events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  const unknown = file('not an event log\n');
  const gzipEvtx = file(gzipSync(readFileSync(evtx)));
  const open = (): number => readdirSync('/proc/self/fd').length;
  const before = open();
  for (let i = 0; i < 20; i++) {
    for (const f of [evtx, xml, unknown, gzipEvtx]) await decode(f);
    for await (const b of decodeFile(evtx)) if (b.events.length > 0) break; // left early
    await decode(evtx, { format: 'evtx' });
  }
  // Streams close their files asynchronously, soon after they end.
  for (let waited = 0; open() > before && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.equal(open(), before);
});
