import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeEvtx } from '../evtx/index.js';
import { eventFromXml } from './from-xml.js';
import { parseSysmonMessage, renderSysmonMessage, SYSMON_PROVIDER } from './sysmon-message.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

/** Every Sysmon line of the NXLog exports that carries Windows' own rendered Message. */
function windowsMessages(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of listFiles(join(corpusRoot, 'json'), /\.json\.gz$/)) {
    for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const d = JSON.parse(line) as Record<string, unknown>;
      if (d.SourceName === SYSMON_PROVIDER && typeof d.Message === 'string') out.push(d);
    }
  }
  return out;
}

test('Windows-rendered Sysmon messages parse back and re-render identically, per event ID', () => {
  const rows = windowsMessages();
  assert.ok(rows.length > 40000, `expected the corpus' Sysmon messages, found ${rows.length}`);
  const rate = new Map<number, { ok: number; all: number }>();
  for (const d of rows) {
    const id = Number(d.EventID);
    const message = (d.Message as string).replace(/\s+$/, '');
    const parsed = parseSysmonMessage(message);
    const r = rate.get(id) ?? { ok: 0, all: 0 };
    r.all++;
    if (parsed && parsed.eventId === id && renderSysmonMessage(id, parsed.data) === message) r.ok++;
    rate.set(id, r);
    // Where the exporter also kept the fields (from the event XML), the parsed values are
    // those fields; hex integers are the one difference: uppercase in messages only.
    for (const [k, v] of Object.entries(parsed?.data ?? {})) {
      const field = d[k];
      // A `%N` inside a value is expanded by Windows' formatter (see expandInserts).
      if (typeof field !== 'string' || field === '' || k === 'Message' || field.includes('%')) continue;
      const expected = /^0x[0-9a-f]+$/.test(field) ? '0x' + field.slice(2).toUpperCase() : field;
      assert.equal(v.trimEnd(), expected.trimEnd(), `event ${id} field ${k}`); // the message's trailing whitespace was normalized
    }
  }
  const report = [...rate].sort((a, b) => a[0] - b[0]).map(([id, r]) => `${id}: ${r.ok}/${r.all}`).join(', ');
  for (const [id, r] of rate) assert.equal(r.ok, r.all, `Sysmon ${id} messages matched ${r.ok}/${r.all} (${report})`);
  assert.ok(rate.size >= 15, report);
});

test('Sysmon events decoded from EVTX render a message that parses back to their data', () => {
  let n = 0;
  for (const f of listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)) {
    for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) {
      const e = eventFromXml(r.nodes);
      if (!e || e.provider !== SYSMON_PROVIDER || e.event_id > 29) continue;
      const message = renderSysmonMessage(e.event_id, e.data);
      assert.ok(message, `no title for Sysmon ${e.event_id}`);
      const back = parseSysmonMessage(message);
      assert.equal(back?.eventId, e.event_id);
      assert.deepEqual(Object.keys(back!.data), Object.keys(e.data), `${f} record ${r.recordId}`);
      n++;
    }
  }
  assert.ok(n > 1000, `${n} Sysmon events`);
});

test('message edge cases: empty values, line breaks inside values, unknown titles', () => {
  assert.equal(renderSysmonMessage(5, { RuleName: '', ProcessId: 4824, Image: null }), 'Process terminated:\r\nRuleName: -\r\nProcessId: 4824\r\nImage: -');
  assert.equal(renderSysmonMessage(10, { GrantedAccess: '0x1fffff', CallTrace: '0xabc|C:\\x.dll+1f' }), 'Process accessed:\r\nGrantedAccess: 0x1FFFFF\r\nCallTrace: 0xabc|C:\\x.dll+1f');
  assert.equal(renderSysmonMessage(99, {}), null);
  // Windows expands %N inside values with the event's own inserts.
  assert.equal(renderSysmonMessage(12, { RuleName: '-', EventType: 'SetValue', UtcTime: 't', ProcessGuid: 'g', ProcessId: 3736, Image: 'i', TargetObject: 'C:%5CProgram Files%9' }),
    'Registry object added or deleted:\r\nRuleName: -\r\nEventType: SetValue\r\nUtcTime: t\r\nProcessGuid: g\r\nProcessId: 3736\r\nImage: i\r\nTargetObject: C:3736CProgram Files%9');
  const p = parseSysmonMessage('Process Create:\r\nCommandLine: cmd /c "a\r\nb"\r\nUser: X\r\ntoString: y');
  assert.deepEqual(p, { eventId: 1, title: 'Process Create', data: { CommandLine: 'cmd /c "a\r\nb"', User: 'X', toString: 'y' } });
  assert.equal(parseSysmonMessage('no title here'), null);
  assert.equal(parseSysmonMessage('Something else:\r\nA: 1')?.eventId, null);
});
