/**
 * Events → text outputs: Haetae JSON lines, Windows event XML, evtx_dump JSON, Winlogbeat
 * ECS JSON and CSV. One function per format, each returning one record's text (no line end).
 * XML and evtx_dump JSON go through the same typed tree the EVTX writer uses (event/to-xml.ts),
 * so an Event from any source prints as the EVTX reader's renderers would print it.
 */
import { recordToEvtxJson, recordToXml, type XmlNode } from '../evtx/index.js';
import { escapeText } from '../evtx/render-xml.js';
import { eventToXml, type Event, type EventValue } from '../event/index.js';
import { eventToEcs } from './ecs.js';

/** Output formats of `haetae dump`. */
export const OUTPUT_FORMATS = ['jsonl', 'xml', 'evtx-json', 'ecs', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The Event's typed XML tree, in the reader's node shape (the same element/text/literal nodes). */
const tree = (e: Event): XmlNode[] => eventToXml(e) as unknown as XmlNode[];

/** The columns of CSV output: system fields, then `data` as JSON, then the message. */
export const CSV_COLUMNS = [
  '_time', 'host', 'channel', 'provider', 'event_id', 'record_id', 'level', 'task', 'opcode', 'keywords',
  'process_id', 'thread_id', 'user_sid', 'data', 'line',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
function csvField(v: EventValue | Record<string, EventValue>): string {
  const s = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Formats one Event; `csv` has a header line, see {@link csvHeader}. */
export function formatEvent(e: Event, format: OutputFormat): string {
  switch (format) {
    case 'jsonl': return JSON.stringify(e);
    case 'xml': return withRenderingInfo(recordToXml(tree(e)), e.line);
    case 'evtx-json': return recordToEvtxJson(tree(e));
    case 'ecs': return JSON.stringify(eventToEcs(e));
    case 'csv': return CSV_COLUMNS.map((c) => csvField(e[c])).join(',');
  }
}

/**
 * Adds `<RenderingInfo><Message>` (as Event Viewer's "Save as XML" does) so that the
 * message survives the trip through XML; the XML decoder reads it back as `line`.
 */
function withRenderingInfo(xml: string, line: string): string {
  if (line === '' || !xml.endsWith('</Event>')) return xml;
  return xml.slice(0, -'</Event>'.length) + `<RenderingInfo Culture='en-US'><Message>${escapeText(line)}</Message></RenderingInfo></Event>`;
}

/** The CSV header line. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}
