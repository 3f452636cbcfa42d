/**
 * Windows event XML → Events, streaming: Event Viewer's "Save as XML" (`<Events>` wrapper),
 * `wevtutil qe /f:xml` (bare `<Event>` documents back to back, often on one line),
 * Get-WinEvent's `ToXml()` and single-event files all look alike once the stream is cut
 * at `<Event …>…</Event>` boundaries; each event is then parsed alone, so one bad event
 * costs only itself. DTDs are refused (xml-parser.ts).
 */
import { eventFromXmlWalk } from '../event/xml-walk.js';
import type { Event, EventValue, SourceNode } from '../event/index.js';
import { eventFields, typedData } from '../event/field-catalog.js';
import { parseXmlElement } from './xml-parser.js';
import { RecordError, type DecodedBatch, type InputIssue } from './types.js';

/** An event document larger than this is skipped (and reported) instead of buffered. */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

type Element = Extract<SourceNode, { kind: 'element' }>;

/** The text of an element's direct text children. */
function textOf(el: Element): string {
  let s = '';
  for (const c of el.children) if (c.kind === 'text') s += c.text;
  return s;
}

/**
 * XML writes an empty string and an absent (null) value alike, as an empty element. The
 * binary log mostly holds empty strings there (Sysmon's RuleName, 5145's ShareLocalPath),
 * so an empty element of a field the catalog types as text is read as ''; others stay null.
 */
function emptyAsText(e: Event): Record<string, EventValue> {
  const fields = eventFields(e.provider, e.event_id, e.version);
  if (fields === null) return e.data;
  for (const f of fields) if ((f.type === 'string' || f.type === 'any') && e.data[f.name] === null) e.data[f.name] = '';
  return e.data;
}

/**
 * Builds an Event from a parsed `<Event>` element: System/EventData/UserData by the shared
 * walk, types from the field catalog (XML has none), and `line` from
 * `RenderingInfo/Message` when the exporter included Windows' rendering.
 */
export function eventFromXmlElement(root: Element): Event | null {
  if (root.name !== 'Event') return null;
  const e = eventFromXmlWalk([root]);
  if (e === null) return null;
  e.data = typedData(e.provider, e.event_id, e.version, emptyAsText(e), false);
  for (const c of root.children) {
    if (c.kind !== 'element' || c.name !== 'RenderingInfo') continue;
    for (const m of c.children) if (m.kind === 'element' && m.name === 'Message') e.line = textOf(m);
  }
  return e;
}

/** Counts `\n` in `s` between `from` and `to`. */
function newlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

const EVENT_OPEN = /<(?:[A-Za-z_][-\w.]*:)?Event[\s>/]/g;

/**
 * Decodes a stream of XML text into batches of Events. Issues name the file and the line
 * where the skipped event (or declaration) starts.
 */
export async function* decodeWindowsXml(file: string, chunks: AsyncIterable<string>): AsyncGenerator<DecodedBatch> {
  let buf = '';
  let pos = 0; // everything before pos is consumed
  let line = 1; // line number at pos
  let declFrom = 0; // no DOCTYPE/ENTITY declaration starts in [pos, declFrom)
  let events: Event[] = [];
  let issues: InputIssue[] = [];
  let seen = 0; // events and issues reported so far: a document with neither is reported too
  const lineAt = (at: number): number => line + newlines(buf, pos, at);
  const advance = (to: number): void => { line += newlines(buf, pos, to); pos = to; };

  /** The next DOCTYPE/ENTITY declaration at or after pos, or -1 (other "<!" are CDATA and comments). */
  const nextDeclaration = (): number => {
    for (;;) {
      const i = buf.indexOf('<!', Math.max(pos, declFrom));
      if (i === -1) { declFrom = Math.max(pos, buf.length - 1); return -1; }
      if (buf.startsWith('<!DOCTYPE', i) || buf.startsWith('<!ENTITY', i)) { declFrom = i; return i; }
      if (buf.length - i < 9) { declFrom = i; return -1; } // may be a split "<!DOCTYPE": look again with more text
      declFrom = i + 2;
    }
  };

  const drain = (final: boolean): void => {
    for (;;) {
      EVENT_OPEN.lastIndex = pos;
      const open = EVENT_OPEN.exec(buf);
      const d = nextDeclaration();
      if (d !== -1 && (open === null || d < open.index)) {
        // A DTD may declare entities that the events then use: refuse it and say so.
        const end = declarationEnd(buf, d);
        if (end === -1 && !final) return;
        issues.push({ severity: 'error', file, line: lineAt(d), reason: 'DOCTYPE/ENTITY declaration refused: Haetae does not process DTDs (no external or custom entities); events that use its entities are skipped' });
        advance(end === -1 ? buf.length : end);
        continue;
      }
      if (open === null) {
        if (final) {
          const rest = buf.slice(pos).search(/<(?:[\w.-]+:)?Event\b/);
          if (rest !== -1) issues.push({ severity: 'error', file, line: lineAt(pos + rest), reason: 'unterminated <Event> at end of input' });
          advance(buf.length);
        } else advance(Math.max(pos, buf.length - 64)); // keep a tail that may be a split "<Event"
        return;
      }
      const start = open.index;
      const close = findClose(buf, start + open[0].length);
      if (close === -1) {
        if (buf.length - start > MAX_EVENT_CHARS) {
          issues.push({ severity: 'error', file, line: lineAt(start), reason: `event larger than ${MAX_EVENT_CHARS} characters; skipped` });
          advance(start + 1);
          continue;
        }
        if (final) {
          issues.push({ severity: 'error', file, line: lineAt(start), reason: 'unterminated <Event> at end of input' });
          advance(buf.length);
        } else advance(start);
        return;
      }
      advance(start);
      try {
        const e = eventFromXmlElement(parseXmlElement(buf.slice(start, close)));
        if (e === null) issues.push({ severity: 'error', file, line, reason: 'not an <Event> element' });
        else events.push(e);
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        issues.push({ severity: 'error', file, line, reason: `${err.message} (counted from the event's first line); event skipped` });
      }
      advance(close);
    }
  };

  for await (const chunk of chunks) {
    buf = buf.slice(pos) + chunk;
    declFrom = Math.max(0, declFrom - pos);
    pos = 0;
    drain(false);
    if (events.length > 0 || issues.length > 0) { seen += events.length + issues.length; yield { events, issues, bytes: 0 }; events = []; issues = []; }
  }
  drain(true);
  // XML that holds no <Event> at all (a wrong export, text in an <Events> wrapper) must not pass as "0 events, no problem".
  if (seen + events.length + issues.length === 0) issues.push({ severity: 'error', file, line: 1, reason: 'no <Event> element in this XML' });
  yield { events, issues, bytes: 0 };
}

/** Index just past the `</Event>` that closes the event whose start tag ends before `from`, or -1. */
function findClose(buf: string, from: number): number {
  const re = /<\/(?:[A-Za-z_][-\w.]*:)?Event\s*>/g;
  re.lastIndex = from;
  const m = re.exec(buf);
  return m === null ? -1 : m.index + m[0].length;
}

/** End of a `<!DOCTYPE …>` (with an internal subset in brackets) or `<!ENTITY …>`, or -1. */
function declarationEnd(buf: string, start: number): number {
  const bracket = buf.indexOf('[', start);
  const gt = buf.indexOf('>', start);
  if (gt === -1) return -1;
  if (bracket !== -1 && bracket < gt) {
    const close = buf.indexOf(']', bracket);
    if (close === -1) return -1;
    const end = buf.indexOf('>', close);
    return end === -1 ? -1 : end + 1;
  }
  return gt + 1;
}
