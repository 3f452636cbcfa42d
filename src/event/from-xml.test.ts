import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeEvtx } from '../evtx/index.js';
import { eventFromXml, eventFromXmlWalk } from './from-xml.js';
import type { SourceNode, SourceTemplate, SourceValue } from './xml-walk.js';
import { typedData } from './field-catalog.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

test('compiled templates build the same Events as the generic walk, on every corpus record', () => {
  const root = join(corpusRoot, 'evtx');
  let n = 0;
  for (const f of listFiles(root, /\.evtx$/i)) {
    for (const c of decodeEvtx(readFileSync(f))) {
      for (const r of c.records) {
        // The walk gives the log's own types; eventFromXml then applies the field catalog's.
        const walked = eventFromXmlWalk(r.nodes);
        if (walked !== null) walked.data = typedData(walked.provider, walked.event_id, walked.version, walked.data, false);
        assert.deepEqual(eventFromXml(r.nodes), walked, `${relative(root, f)} record ${r.recordId}`);
        n++;
      }
    }
  }
  assert.equal(n, 24645);
});

test('Sysmon and Security events carry the fields analysts query', () => {
  const root = join(corpusRoot, 'evtx');
  const seen = new Map<string, ReturnType<typeof eventFromXml>>();
  for (const f of listFiles(root, /\.evtx$/i)) {
    for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) {
      const e = eventFromXml(r.nodes)!;
      const key = `${e.channel}:${e.event_id}`;
      if (!seen.has(key)) seen.set(key, e);
    }
  }
  const sysmon1 = seen.get('Microsoft-Windows-Sysmon/Operational:1')!;
  assert.equal(sysmon1.provider, 'Microsoft-Windows-Sysmon');
  assert.equal(sysmon1.provider_guid, '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}');
  assert.equal(typeof sysmon1.data.ProcessId, 'number');
  assert.match(String(sysmon1.data.ProcessGuid), /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/);
  assert.match(sysmon1._time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  const sec4688 = seen.get('Security:4688')!;
  assert.equal(sec4688.provider, 'Microsoft-Windows-Security-Auditing');
  assert.match(String(sec4688.data.NewProcessId), /^0x[0-9a-f]+$/);
  assert.equal(typeof sec4688.data.NewProcessName, 'string');
  assert.equal(typeof sec4688.record_id, 'number');
  assert.match(sec4688.keywords ?? '', /^0x[0-9a-f]+$/);
  const classic = [...seen.values()].find((e) => e!.qualifiers !== null);
  assert.ok(classic, 'a classic event with EventID Qualifiers exists in the corpus');
});

/** Records of one hand-built template pair (System, then EventData in a nested instance) with one Data field. */
function oneFieldRecords(provider: string, channel: string, eventId: number, version: number, field: string): (value: SourceValue, type: number) => SourceNode[] {
  const el = (name: string, children: SourceNode[], attributes: { name: string; value: SourceNode[] }[] = []): SourceNode => ({ kind: 'element', name, attributes, children });
  const text = (t: string): SourceNode => ({ kind: 'text', text: t });
  const system = el('System', [
    el('Provider', [], [{ name: 'Name', value: [text(provider)] }]), el('EventID', [text(String(eventId))]), el('Version', [text(String(version))]),
    el('TimeCreated', [], [{ name: 'SystemTime', value: [text('2024-05-01T10:00:00.0000000Z')] }]), el('EventRecordID', [text('1')]),
    el('Channel', [text(channel)]), el('Computer', [text('WEB01')]),
  ]);
  const outer: SourceTemplate = { nodes: [el('Event', [system, { kind: 'subst', index: 0, optional: false }])] };
  const eventData: SourceTemplate = { nodes: [el('EventData', [el('Data', [{ kind: 'subst', index: 0, optional: false }], [{ name: 'Name', value: [text(field)] }])])] };
  return (value, type) => [{
    kind: 'instance', template: outer, types: [0x21],
    values: [{ kind: 'fragment', nodes: [{ kind: 'instance', template: eventData, values: [value], types: [type] }] }],
  }];
}

// BinXML value types: 0x01 String, 0x08 UInt32, 0x0a UInt64, 0x21 nested BinXML.
test('a template remembered as conforming is checked again when its nested EventData types change', () => {
  const record = oneFieldRecords('Microsoft-Windows-Security-Auditing', 'Security', 4624, 2, 'LogonType');
  assert.equal(eventFromXml(record(3, 0x08))?.data.LogonType, 3);
  assert.equal(eventFromXml(record(3, 0x08))?.data.LogonType, 3);
  // A converter's log of the same template writing the number as text: still the catalog's type.
  assert.equal(eventFromXml(record('3', 0x01))?.data.LogonType, 3);
});

test('a 64-bit value is text past 2^53 and a number below it: its type never makes a template conform', () => {
  // BITS 61's bytesTotal is text in the catalog (UINT64_MAX means unknown).
  const record = oneFieldRecords('Microsoft-Windows-Bits-Client', 'Microsoft-Windows-Bits-Client/Operational', 61, 1, 'bytesTotal');
  assert.equal(eventFromXml(record(18446744073709551615n, 0x0a))?.data.bytesTotal, '18446744073709551615');
  assert.equal(eventFromXml(record(44403064, 0x0a))?.data.bytesTotal, '44403064');
});
