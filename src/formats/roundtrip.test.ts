import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeEvtx, recordToEvtxJson, recordToXml } from '../evtx/index.js';
import { eventFromXml, renderLine, type Event, type EventValue } from '../event/index.js';
import { eventFromEcs } from './ecs.js';
import { eventFromEvtxJson } from './evtx-json.js';
import { eventFromHaetaeJson } from './haetae-json.js';
import { eventFromXmlElement } from './windows-xml.js';
import { formatEvent } from './write.js';
import { parseXmlElement } from './xml-parser.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

/** Every corpus record with its Event as the EVTX reader builds it. */
function* corpusEvents(): Generator<{ where: string; nodes: Parameters<typeof recordToXml>[0]; event: Event }> {
  const root = join(corpusRoot, 'evtx');
  for (const f of listFiles(root, /\.evtx$/i)) {
    for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) {
      const event = eventFromXml(r.nodes);
      if (event !== null) yield { where: `${relative(root, f)} record ${r.recordId}`, nodes: r.nodes, event };
    }
  }
}

/**
 * What XML text cannot carry, applied to both sides: an empty string and an absent value
 * are both an empty element, and an array value inside one `<Data>` is comma-joined text.
 */
function xmlView(e: Event): Event {
  const text = (v: EventValue): EventValue => (Array.isArray(v) ? text(v.join(',')) : v === '' ? null : v);
  const data: Record<string, EventValue> = {};
  // `Data` holds the unnamed <Data> elements, one entry per element; other keys are one element.
  for (const k of Object.keys(e.data)) data[k] = k === 'Data' && Array.isArray(e.data[k]) ? e.data[k].map(text) : text(e.data[k]);
  return { ...e, data };
}

/**
 * What the evtx_dump shape cannot carry (render-json.ts): it trims every string piece (a
 * value made of several pieces loses inner spaces too, so whitespace is not compared), keeps times to
 * the microsecond, prints 64-bit numbers that JSON.parse rounds, drops null unnamed Data,
 * and merges an array value inside an unnamed `<Data>` into the list of unnamed Data.
 */
function evtxJsonView(e: Event): Event {
  const micro = (s: string): string => s.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6})\d*)?Z$/, (_m, head: string, frac: string | undefined) => {
    const d = (frac ?? '').padEnd(6, '0');
    return `${head}.${d}Z`;
  });
  const norm = (v: EventValue): EventValue => {
    if (typeof v === 'string') {
      const t = v.replace(/\0.*$/s, '').replace(/\s+/g, '');
      if (/^\d{17,}$/.test(t)) return String(Number(t));
      return /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(t) ? micro(t) : t;
    }
    if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) return String(v);
    if (Array.isArray(v)) return v.filter((x) => x !== null).map(norm);
    return v;
  };
  const data: Record<string, EventValue> = {};
  for (const k of Object.keys(e.data)) {
    const raw = e.data[k];
    const v = norm(k === 'Data' && Array.isArray(raw) ? raw.flat() : raw);
    if (!(k === 'Data' && Array.isArray(v) && v.length === 0)) data[k] = v;
  }
  return { ...e, _time: micro(e._time), data };
}

test('round trip: every corpus EVTX event written as XML, evtx-json, ECS and Haetae JSON decodes to itself', () => {
  let n = 0;
  for (const { where, nodes, event } of corpusEvents()) {
    n++;
    // Windows event XML, as `haetae dump -f xml` prints a record.
    const fromXml = eventFromXmlElement(parseXmlElement(recordToXml(nodes)));
    assert.deepEqual(xmlView(fromXml!), xmlView(event), `xml: ${where}`);
    // XML written from the Event itself (any source's path), with the message in RenderingInfo.
    const withLine = { ...event, line: renderLine(event) };
    const fromEventXml = eventFromXmlElement(parseXmlElement(formatEvent(withLine, 'xml')));
    assert.deepEqual(xmlView(fromEventXml!), xmlView(withLine), `xml from Event: ${where}`);
    // evtx_dump JSON.
    const fromJson = eventFromEvtxJson(JSON.parse(recordToEvtxJson(nodes)) as Record<string, unknown>);
    assert.deepEqual(evtxJsonView(fromJson), evtxJsonView(event), `evtx-json: ${where}`);
    // ECS and Haetae JSON lines are exact.
    assert.deepEqual(eventFromEcs(JSON.parse(formatEvent(withLine, 'ecs')) as Record<string, unknown>), withLine, `ecs: ${where}`);
    assert.deepEqual(eventFromHaetaeJson(JSON.parse(formatEvent(withLine, 'jsonl')) as Record<string, unknown>), withLine, `jsonl: ${where}`);
  }
  assert.equal(n, 24645);
});

test('the format-inherent losses are real and few: most events round-trip through XML with no normalization at all', () => {
  let exact = 0;
  let all = 0;
  for (const { nodes, event } of corpusEvents()) {
    all++;
    if (JSON.stringify(eventFromXmlElement(parseXmlElement(recordToXml(nodes)))) === JSON.stringify(event)) exact++;
  }
  assert.ok(exact / all > 0.85, `${exact}/${all} exact`); // the rest differ by '' vs null or joined arrays only (previous test)
});
