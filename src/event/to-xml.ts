/**
 * {@link Event} → Windows event XML tree with typed values, the inverse of
 * {@link eventFromXml}. The EVTX writer turns the tree into a template (element and
 * attribute names, `Data Name`s as static text) plus one typed substitution per value.
 *
 * Types are chosen so that reading the tree back yields the same Event: System fields
 * get the types Windows uses (EventID UInt16, Keywords HexInt64, TimeCreated FILETIME,
 * UserID SID, Provider Guid GUID) when the value is in that type's canonical form, and a
 * String otherwise; data values keep their JS type (integers → UInt32/Int64, other
 * numbers → Real64, booleans → Bool, strings → String).
 */
import type { Event, EventValue } from './event.js';
import type { SourceValue } from './from-xml.js';

/** BinXML value type codes used here (MS-EVEN6 §2.2.12). */
const T = {
  Null: 0x00, String: 0x01, UInt8: 0x04, UInt16: 0x06, Int32: 0x07, UInt32: 0x08, Int64: 0x09, UInt64: 0x0a,
  Real64: 0x0c, Bool: 0x0d, Guid: 0x0f, FileTime: 0x11, Sid: 0x13, HexInt64: 0x15, Array: 0x80,
} as const;

const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** The nodes this module builds: elements, static text, typed values. */
export type EventXmlNode =
  | { readonly kind: 'element'; readonly name: string; readonly attributes: readonly { readonly name: string; readonly value: readonly EventXmlNode[] }[]; readonly children: readonly EventXmlNode[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly type: number; readonly value: SourceValue };

type Node = EventXmlNode;
type Element = Extract<Node, { kind: 'element' }>;

const text = (t: string): Node => ({ kind: 'text', text: t });
const literal = (type: number, value: SourceValue): Node => ({ kind: 'literal', type, value });
const element = (name: string, attributes: [string, Node][] = [], children: Node[] = []): Element => ({
  kind: 'element', name, attributes: attributes.map(([n, v]) => ({ name: n, value: [v] })), children,
});

const GUID_BRACED = /^\{([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})\}$/;
const FILETIME_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const SID = /^S-1-\d+(-\d+)*$/;
const HEX64 = /^0x(0|[1-9a-f][0-9a-f]{0,15})$/;

/** A number as the narrowest type that reads back as the same number. */
function numberLiteral(n: number): Node {
  if (Number.isInteger(n) && !Object.is(n, -0)) {
    if (n >= 0 && n <= 0xffffffff) return literal(T.UInt32, n);
    if (n >= -0x80000000 && n < 0) return literal(T.Int32, n);
    if (Number.isSafeInteger(n)) return literal(T.Int64, n);
  }
  return literal(T.Real64, n);
}

/** A data value as a typed literal. */
function valueLiteral(v: EventValue): Node {
  if (v === null) return literal(T.Null, null);
  if (typeof v === 'string') return literal(T.String, v);
  if (typeof v === 'boolean') return literal(T.Bool, v);
  if (typeof v === 'number') return numberLiteral(v);
  if (v.every((x) => typeof x === 'string')) return literal(T.String | T.Array, v as string[]);
  if (v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff)) return literal(T.UInt32 | T.Array, v as number[]);
  if (v.every((x) => typeof x === 'number')) return literal(T.Real64 | T.Array, v as number[]);
  return literal(T.String | T.Array, v.map((x) => (x === null ? '' : String(x))));
}

/** A System value: the Windows type when `v` is in its canonical form, else a String. */
function systemLiteral(type: number, v: string | number | null, canonical: (x: string | number) => boolean): Node | null {
  if (v === null) return null;
  return canonical(v) ? literal(type, v) : literal(T.String, String(v));
}

const uint = (max: number) => (x: string | number): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;

/**
 * Builds the event XML tree of an Event.
 *
 * @example
 * writer.writeRecord(eventToXml(event));
 */
export function eventToXml(e: Event): EventXmlNode[] {
  const sys: Element[] = [];
  const provAttrs: [string, Node][] = [['Name', literal(T.String, e.provider)]];
  if (e.provider_guid !== null) {
    const m = GUID_BRACED.exec(e.provider_guid);
    provAttrs.push(['Guid', m ? literal(T.Guid, m[1]) : literal(T.String, e.provider_guid)]);
  }
  sys.push(element('Provider', provAttrs));
  const eventId = systemLiteral(T.UInt16, e.event_id, uint(0xffff))!;
  const qualifiers = systemLiteral(T.UInt16, e.qualifiers, uint(0xffff));
  sys.push(element('EventID', qualifiers ? [['Qualifiers', qualifiers]] : [], [eventId]));
  const simple = (name: string, type: number, v: string | number | null, canonical: (x: string | number) => boolean): void => {
    const lit = systemLiteral(type, v, canonical);
    if (lit) sys.push(element(name, [], [lit]));
  };
  simple('Version', T.UInt8, e.version, uint(0xff));
  simple('Level', T.UInt8, e.level, uint(0xff));
  simple('Task', T.UInt16, e.task, uint(0xffff));
  simple('Opcode', T.UInt8, e.opcode, uint(0xff));
  simple('Keywords', T.HexInt64, e.keywords, (x) => typeof x === 'string' && HEX64.test(x));
  sys.push(element('TimeCreated', [['SystemTime', systemLiteral(T.FileTime, e._time, (x) => typeof x === 'string' && FILETIME_ISO.test(x))!]]));
  simple('EventRecordID', T.UInt64, e.record_id, (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
  const corr: [string, Node][] = [];
  for (const [name, v] of [['ActivityID', e.activity_id], ['RelatedActivityID', e.related_activity_id]] as const) {
    if (v === null) continue;
    const m = GUID_BRACED.exec(v);
    corr.push([name, m ? literal(T.Guid, m[1]) : literal(T.String, v)]);
  }
  sys.push(element('Correlation', corr));
  const exec: [string, Node][] = [];
  const pid = systemLiteral(T.UInt32, e.process_id, uint(0xffffffff));
  const tid = systemLiteral(T.UInt32, e.thread_id, uint(0xffffffff));
  if (pid) exec.push(['ProcessID', pid]);
  if (tid) exec.push(['ThreadID', tid]);
  sys.push(element('Execution', exec));
  sys.push(element('Channel', [], [literal(T.String, e.channel)]));
  sys.push(element('Computer', [], [literal(T.String, e.host)]));
  const sid = systemLiteral(T.Sid, e.user_sid, (x) => typeof x === 'string' && SID.test(x));
  sys.push(element('Security', sid ? [['UserID', sid]] : []));

  const data: Element[] = [];
  for (const [key, v] of Object.entries(e.data)) {
    if (key === 'Data' && Array.isArray(v)) {
      for (const item of v) data.push(element('Data', [], [valueLiteral(item)]));
    } else {
      data.push(element('Data', [['Name', text(key)]], [valueLiteral(v)]));
    }
  }
  return [element('Event', [['xmlns', text(EVENT_NS)]], [element('System', [], sys), element('EventData', [], data)])];
}
