import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Event } from '../../event/index.js';
import { decodeFile, RecordError } from '../../formats/index.js';
import { corpusRoot, requireShared } from '../../testing/corpus.js';
import { corpusEvents, SHIPPING_FILES } from '../../testing/stored-events.js';
import { flatten, nxlogStructuredData, sdValue, snareDate, snareFields } from '../../testing/syslog-shapes.js';
import { SenderClock } from './clock.js';
import { parseSyslog } from './header.js';
import { eventFromSyslog, type ArrivalContext } from './windows-event.js';

const arrival = (clock = new SenderClock(), receivedAt = Date.now()): ArrivalContext => ({ peer: '10.0.0.9', receivedAt, clock });
const decode = (text: string, a: ArrivalContext = arrival()): Event => eventFromSyslog(parseSyslog(text), a);

let shipped: Event[] | null = null;
async function pick(channel: string, id: number): Promise<Event> {
  shipped ??= await corpusEvents(SHIPPING_FILES.sysmon, SHIPPING_FILES.security);
  const e = shipped.find((x) => x.channel === channel && x.event_id === id);
  assert.ok(e, `the corpus files have a ${channel} ${id}`);
  return e;
}
const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/** An ISO time moved by hours (to write a host's local stamps). */
const shifted = (iso: string, hours: number): string => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

test('Snare without a syslog header: host, channel, record number, time, level and the 4688 fields', async () => {
  const e = await pick('Security', 4688);
  const got = decode(`${e.host}\tMSWinEventLog\t${snareFields(e, 12)}`);
  assert.deepEqual([got.host, got.channel, got.provider, got.event_id, got.record_id, got.level, got.keywords], [e.host, 'Security', e.provider, 4688, e.record_id, 0, '0x8020000000000000']);
  assert.equal(got._time, `${e._time.slice(0, 19)}Z`); // Snare's date has seconds; the host is on UTC and far in the past
  assert.equal(got.data.NewProcessName, e.data.NewProcessName);
  assert.equal(got.data.CommandLine, e.data.CommandLine);
  assert.equal(got.line, e.line);
});

test('Snare behind a syslog header: a Sysmon event teaches the host its offset, a Security event then uses it', async () => {
  const sysmon = await pick(SYSMON, 1);
  const security = await pick('Security', 4688);
  const clock = new SenderClock();
  // The host writes Korean local time (UTC+9) in Snare's date field.
  const korean = (ev: Event): Event => ({ ...ev, _time: shifted(ev._time, 9) });
  const s = decode(`<13>Nov 22 11:30:09 relay MSWinEventLog\t${snareFields(korean(sysmon), 1)}`, arrival(clock));
  assert.equal(s._time, `${String(sysmon.data.UtcTime).replace(' ', 'T')}Z`);
  assert.equal(s.host, sysmon.host);
  assert.equal(s.data.Image, sysmon.data.Image);
  const sec = decode(`<13>Nov 22 11:30:09 relay MSWinEventLog\t${snareFields({ ...korean(security), host: sysmon.host }, 2)}`, arrival(clock));
  assert.equal(sec._time, `${security._time.slice(0, 19)}Z`);
  // The tag form (what `logger -t MSWinEventLog` writes) reads the same.
  const tagged = decode(`<13>Nov 22 11:30:09 relay MSWinEventLog: ${snareFields(security, 3)}`);
  assert.equal(tagged.data.NewProcessName, security.data.NewProcessName);
});

test('NXLog to_syslog_ietf: fields from the structured data, Sysmon ProcessId (left out by NXLog) from the message', async () => {
  const e = await pick(SYSMON, 1);
  const sd = nxlogStructuredData(e);
  assert.equal(sd.ProcessId, undefined);
  const text = `<14>1 2024-05-01T19:00:00.123+09:00 WEB01 ${e.provider} - - [NXLOG@14506 ${Object.entries(sd).map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}] ${flatten(e.line, true)}`;
  const got = decode(text);
  assert.deepEqual([got.host, got.channel, got.provider, got.event_id, got.record_id, got.process_id], ['WEB01', SYSMON, e.provider, 1, e.record_id, e.process_id]);
  assert.equal(got.data.ProcessId, e.data.ProcessId);
  assert.equal(got.data.Image, e.data.Image);
  assert.equal(got.data.CommandLine, e.data.CommandLine);
  assert.equal(got._time, `${String(e.data.UtcTime).replace(' ', 'T')}Z`);
  assert.equal(got.line, e.line);
  // A Security event has no UtcTime: the header's zoned stamp is its time.
  const sec = await pick('Security', 4688);
  const secText = `<14>1 2024-05-01T19:00:00.123+09:00 WEB01 ${sec.provider} - - [NXLOG@14506 ${Object.entries(nxlogStructuredData(sec)).map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}] ${flatten(sec.line, true)}`;
  const gotSec = decode(secText);
  assert.equal(gotSec._time, '2024-05-01T10:00:00.123Z');
  assert.equal(gotSec.data.NewProcessName, sec.data.NewProcessName);
});

test('NXLog JSON with no syslog header reads as the file decoder reads it', async () => {
  const file = requireShared(join(corpusRoot, 'json', 'psh_lsass_memory_dump_comsvcs.json.gz'));
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const fromFile: Event[] = [];
  for await (const b of decodeFile(file, { render: false })) fromFile.push(...b.events);
  const clock = new SenderClock();
  const got = lines.map((l) => decode(l, arrival(clock)));
  assert.equal(got.length, fromFile.length);
  got.forEach((e, i) => {
    const want = fromFile[i];
    assert.deepEqual({ ...e, _time: '' }, { ...want, _time: '' }, `line ${i + 1}`);
    // Times agree once the host's offset is known (the file decoder waits for it; a live receiver cannot).
    if (clock.offset(e.host) !== undefined && e.provider === 'Microsoft-Windows-Sysmon') assert.equal(e._time, want._time, `line ${i + 1} time`);
  });
  // Behind a BSD header (NXLog `$Message = to_json(); to_syslog_bsd();`) the same.
  const behind = decode(`<13>Sep 22 14:53:01 WORKSTATION5 Microsoft-Windows-Sysmon[3172]: ${lines[0]}`);
  assert.equal(behind.record_id, fromFile[0].record_id);
});

test('NXLog to_syslog_bsd: a flattened Security message, its time from the BSD stamp and the host offset learned from Sysmon', async () => {
  const sysmon = await pick(SYSMON, 3);
  const sec = await pick('Security', 4688);
  const clock = new SenderClock();
  const now = Date.parse('2024-05-01T12:00:00Z');
  // Sysmon 3 at UtcTime, stamped 09:00 ahead in the header (NXLog writes EventTime, local).
  const utc = Date.parse(`${String(sysmon.data.UtcTime).replace(' ', 'T')}Z`);
  const bsdStamp = (ms: number): string => snareDate(new Date(ms).toISOString()).slice(4, 19);
  const s = decode(`<13>${bsdStamp(utc + 9 * 3_600_000)} WEB01 ${sysmon.provider}: ${flatten(sysmon.line, true)}`, arrival(clock, now));
  assert.equal(s.host, 'WEB01');
  assert.equal(s.data.DestinationIp, sysmon.data.DestinationIp);
  assert.equal(clock.offset('WEB01'), -9 * 3_600_000);
  const g = decode(`<13>May  1 20:59:58 WEB01 ${sec.provider}: ${flatten(sec.line, true)}`, arrival(clock, now));
  assert.equal(g._time, '2024-05-01T11:59:58Z');
  assert.equal(g.data.NewProcessName, sec.data.NewProcessName);
  assert.equal(g.data.SubjectUserName, sec.data.SubjectUserName);
  // A host with no offset yet sends in real time: the stamp's distance to receipt, in quarter hours.
  const fresh = decode(`<13>May  1 14:00:03 OTHER ${sec.provider}: ${flatten(sec.line, true)}`, arrival(new SenderClock(), now));
  assert.equal(fresh._time, '2024-05-01T12:00:03Z');
});

test('Snare events without a message template keep their header fields and text', () => {
  const line = 'WEB01\tMSWinEventLog\t1\tSystem\t9\tFri Nov 27 09:58:51 2015\t7036\tService Control Manager\tN/A\tN/A\tInformation\tWEB01\tNone\t\tThe Application Experience service entered the stopped state.\t4242';
  const e = decode(line);
  assert.deepEqual([e.host, e.channel, e.provider, e.event_id, e.record_id, e.level, e._time], ['WEB01', 'System', 'Service Control Manager', 7036, 4242, 4, '2015-11-27T09:58:51Z']);
  assert.equal(e.line, 'The Application Experience service entered the stopped state.');
});

test('what is not a Windows event is refused with the reason', () => {
  const refuse = (text: string, reason: RegExp): void => assert.throws(() => decode(text), (e: unknown) => e instanceof RecordError && reason.test(e.message));
  refuse('<13>Nov 22 11:30:09 host sshd[1]: Accepted publickey for root', /not a Windows event.*Accepted publickey/);
  refuse('<13>Nov 22 11:30:09 host MSWinEventLog\t1\tSecurity\t7', /Snare record with 3 fields/);
  refuse('{"EventID": 4688', /JSON message does not parse/);
  refuse('{"no": "event id"}', /EventID/);
});
