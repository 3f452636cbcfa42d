import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { renderLine, type Event } from '../event/index.js';
import { decodeFile } from './decode.js';
import { LocalTimeFixer } from './nxlog.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

/** IDs whose rendering must match Windows' wherever the corpus has them (issue 3). */
const REQUIRED_SECURITY = [4624, 4625, 4634, 4648, 4672, 4688, 4689, 4698, 4720, 4732, 5140, 5145, 5156, 5157, 5158];

async function decodeAll(file: string): Promise<{ events: Event[]; errors: string[]; warnings: string[] }> {
  const events: Event[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  for await (const b of decodeFile(file)) {
    events.push(...b.events);
    for (const i of b.issues) (i.severity === 'error' ? errors : warnings).push(`${i.line}: ${i.reason}`);
  }
  return { events, errors, warnings };
}

test('every line of every corpus NXLog export decodes, and Haetae renders each Windows Message exactly', async () => {
  const rate = new Map<string, { ok: number; all: number; firstBad?: string }>();
  let lines = 0;
  for (const f of listFiles(join(corpusRoot, 'json'), /\.json\.gz$/)) {
    const { events, errors } = await decodeAll(f);
    assert.deepEqual(errors, [], basename(f));
    lines += events.length;
    for (const e of events) {
      if (e.line === '' || e.line.includes('generic rendering')) continue; // no Windows Message on this line
      const family = e.provider === 'Microsoft-Windows-Sysmon' ? 'Sysmon' : e.provider === 'Microsoft-Windows-Security-Auditing' ? 'Security' : null;
      if (family === null) continue;
      const key = `${family} ${e.event_id}`;
      const r = rate.get(key) ?? { ok: 0, all: 0 };
      r.all++;
      const rendered = renderLine({ ...e, line: '' });
      if (rendered.trimEnd() === e.line.trimEnd()) r.ok++;
      else r.firstBad ??= `${basename(f)}: ${JSON.stringify(rendered).slice(0, 300)} vs ${JSON.stringify(e.line).slice(0, 300)}`;
      rate.set(key, r);
    }
  }
  assert.equal(lines, 506 + 53698 + 184);
  const report = [...rate].sort().map(([k, r]) => `${k}: ${r.ok}/${r.all}`).join(', ');
  console.log(`NXLog corpus, rendered line = Windows Message: ${report}`);
  for (const [k, r] of rate) assert.equal(r.ok, r.all, `${k}: ${r.ok}/${r.all}; first mismatch ${r.firstBad}`);
  for (const id of REQUIRED_SECURITY) if (rate.has(`Security ${id}`)) assert.equal(rate.get(`Security ${id}`)!.ok, rate.get(`Security ${id}`)!.all);
  assert.ok([...rate.keys()].filter((k) => k.startsWith('Sysmon')).length >= 15, report);
});

test('NXLog shapes: host, numbers as strings, Keywords as a signed number, local time made UTC by Sysmon UtcTime', async () => {
  const f = listFiles(join(corpusRoot, 'json'), /covenant.*\.json\.gz$/)[0];
  const { events, warnings } = await decodeAll(f);
  const sysmon = events.find((e) => e.provider === 'Microsoft-Windows-Sysmon')!;
  assert.equal(sysmon.host, 'WORKSTATION5.theshire.local'); // Hostname, not the shipper's `host`
  assert.equal(sysmon.keywords, '0x8000000000000000'); // -9223372036854775808 in the export
  // EventTime "2020-09-22 14:53:01" is local (UTC-4); UtcTime says 18:53:01.266.
  assert.equal(sysmon._time, '2020-09-22T18:53:01Z');
  assert.equal(typeof sysmon.data.ProcessGuid, 'string');
  // The domain controller has no Sysmon events to learn its offset from: said so, once.
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /MORDORDC.*taken as UTC/);
  // metasploit: TimeCreated is local time on a 12-hour clock written with a Z.
  const m = await decodeAll(listFiles(join(corpusRoot, 'json'), /metasploit.*\.json\.gz$/)[0]);
  const s1 = m.events.find((e) => e.provider === 'Microsoft-Windows-Sysmon' && e.event_id === 1)!;
  const utc = String(s1.data.UtcTime).replace(' ', 'T');
  assert.ok(Math.abs(Date.parse(s1._time) - Date.parse(utc + 'Z')) < 2000, `${s1._time} vs UtcTime ${utc}`);
  assert.equal(typeof s1.data.ProcessId, 'number');
});

test('LocalTimeFixer: waits for an offset, applies it per host, flips with a 12-hour clock, flushes as UTC', () => {
  const fx = new LocalTimeFixer(10);
  const ev = (host: string): Event => ({ host } as Event);
  const a = ev('h');
  assert.deepEqual(fx.accept(a, '2024-01-01 09:00:00.500', null), []); // no offset yet: waits
  const b = ev('h');
  const out = fx.accept(b, '2024-01-01 09:00:01.000', '2024-01-01 14:00:01.003');
  assert.deepEqual(out, [a, b]);
  assert.equal(a._time, '2024-01-01T14:00:00.500Z');
  assert.equal(b._time, '2024-01-01T14:00:01.000Z');
  const c = ev('other');
  assert.deepEqual(fx.accept(c, '2024-01-01T01:00:00Z', null), []);
  assert.deepEqual(fx.flush(), [c]);
  assert.equal(c._time, '2024-01-01T01:00:00Z');
  assert.deepEqual([...fx.assumedUtc], ['other']);
});
