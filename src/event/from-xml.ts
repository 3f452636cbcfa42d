/**
 * Windows event XML (as a tree, possibly with template substitutions) → {@link Event}.
 *
 * The tree shape is structural so that any decoder can feed it: the EVTX reader passes
 * its BinXML templates + values unchanged (no per-record tree is materialised), and
 * text XML parsers pass plain elements. Field locations follow the event schema
 * (`http://schemas.microsoft.com/win/2004/08/events/event`): System, EventData, UserData.
 */
import { emptyEvent, type Event, type EventValue } from './event.js';

/** A value in a substituted tree: scalar, array, or a nested fragment. */
export type SourceValue = null | string | number | bigint | boolean | SourceValue[] | { readonly kind: 'fragment'; readonly nodes: readonly SourceNode[] };

/** A node of an event XML tree, as produced by the EVTX BinXML decoder or an XML parser. */
export type SourceNode =
  | { readonly kind: 'element'; readonly name: string; readonly attributes: readonly { readonly name: string; readonly value: readonly SourceNode[] }[]; readonly children: readonly SourceNode[] }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly type: number; readonly value: SourceValue }
  | { readonly kind: 'subst'; readonly index: number; readonly optional: boolean }
  | { readonly kind: 'charref'; readonly code: number }
  | { readonly kind: 'entityref'; readonly name: string }
  | { readonly kind: 'pi' }
  | { readonly kind: 'instance'; readonly template: { readonly nodes: readonly SourceNode[] }; readonly values: readonly SourceValue[]; readonly types: Uint8Array };

type Element = Extract<SourceNode, { kind: 'element' }>;

/** The substitution values in force while walking a template. */
interface Scope {
  readonly values: readonly SourceValue[];
  readonly types: Uint8Array;
}

const NO_SCOPE: Scope = { values: [], types: new Uint8Array(0) };
const GUID_TYPE = 0x0f;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Calls `visit` for each node of `nodes` with the scope it must be read in, expanding
 * template instances and substitutions whose value is nested BinXML.
 */
function forEachNode(nodes: readonly SourceNode[], scope: Scope, visit: (n: SourceNode, s: Scope) => void): void {
  for (const n of nodes) {
    if (n.kind === 'instance') forEachNode(n.template.nodes, n, visit);
    else if (n.kind === 'subst') {
      const v = scope.values[n.index];
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) forEachNode(v.nodes, NO_SCOPE, visit);
      else visit(n, scope);
    } else visit(n, scope);
  }
}

/** Child elements of `el` with their scopes. */
function childElements(el: Element, scope: Scope): [Element, Scope][] {
  const out: [Element, Scope][] = [];
  forEachNode(el.children, scope, (n, s) => { if (n.kind === 'element') out.push([n, s]); });
  return out;
}

/** Converts a decoded value to an Event value; GUIDs render as Windows shows them. */
function toEventValue(v: SourceValue | undefined, type: number, inAttribute: boolean): EventValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map((x) => toEventValue(x, type & 0x7f, inAttribute));
  if (typeof v === 'object') return null;
  if ((type & 0x7f) === GUID_TYPE && typeof v === 'string') return inAttribute ? `{${v}}` : `{${v.toLowerCase()}}`;
  return v;
}

/**
 * The content of a node list: a lone substitution keeps its type (numbers stay numbers);
 * anything else is concatenated as text. No content is null; an empty string stays ''.
 */
function contentOf(nodes: readonly SourceNode[], scope: Scope, inAttribute: boolean): EventValue {
  let single: EventValue | undefined;
  let text = '';
  let parts = 0;
  let sawEmpty = false;
  forEachNode(nodes, scope, (n, s) => {
    let piece: EventValue;
    switch (n.kind) {
      case 'text': piece = n.text; break;
      case 'subst': piece = toEventValue(s.values[n.index], s.types[n.index] ?? 0, inAttribute); break;
      case 'literal': piece = toEventValue(n.value, n.type, inAttribute); break;
      case 'charref': piece = String.fromCharCode(n.code); break;
      case 'entityref': piece = ENTITIES[n.name] ?? `&${n.name};`; break;
      default: return;
    }
    if (piece === '') { sawEmpty = true; return; }
    if (piece === null) return;
    parts++;
    single = piece;
    text += Array.isArray(piece) ? piece.join(',') : String(piece);
  });
  if (parts === 0) return sawEmpty ? '' : null;
  return parts === 1 ? single! : text;
}

function attribute(el: Element, name: string, scope: Scope): EventValue {
  for (const a of el.attributes) if (a.name === name) return contentOf(a.value, scope, true);
  return null;
}

const asNumber = (v: EventValue): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v !== '') {
    const n = v.startsWith('0x') ? parseInt(v, 16) : Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};
const asString = (v: EventValue): string | null => (v === null ? null : Array.isArray(v) ? v.join(',') : String(v));

/** Adds `value` under `key`, suffixing `_2`, `_3` … when the key is taken. */
function put(data: Record<string, EventValue>, key: string, value: EventValue): void {
  if (!(key in data)) { data[key] = value; return; }
  for (let i = 2; ; i++) {
    if (!(`${key}_${i}` in data)) { data[`${key}_${i}`] = value; return; }
  }
}

/** EventData: named Data by name, unnamed Data into the `Data` array, other elements by name. */
function readEventData(el: Element, scope: Scope, data: Record<string, EventValue>): void {
  let unnamed: EventValue[] | null = null;
  for (const [child, s] of childElements(el, scope)) {
    const value = contentOf(child.children, s, false);
    if (child.name === 'Data') {
      const name = attribute(child, 'Name', s);
      if (name !== null && name !== '') put(data, String(name), value);
      else {
        if (unnamed === null) { unnamed = []; put(data, 'Data', unnamed); }
        unnamed.push(value);
      }
    } else if (child.name === 'ComplexData') {
      readEventData(child, s, data);
    } else put(data, child.name, value);
  }
}

/** UserData: the leaf elements under its single wrapper element, by name. */
function readUserData(el: Element, scope: Scope, data: Record<string, EventValue>): void {
  for (const [child, s] of childElements(el, scope)) {
    const grandchildren = childElements(child, s);
    if (grandchildren.length === 0) put(data, child.name, contentOf(child.children, s, false));
    else readUserData(child, s, data);
  }
}

function readSystem(el: Element, scope: Scope, e: Event): void {
  for (const [c, s] of childElements(el, scope)) {
    switch (c.name) {
      case 'Provider':
        e.provider = asString(attribute(c, 'Name', s) ?? attribute(c, 'EventSourceName', s)) ?? '';
        e.provider_guid = asString(attribute(c, 'Guid', s));
        if (e.provider === '') e.provider = asString(attribute(c, 'EventSourceName', s)) ?? '';
        break;
      case 'EventID':
        e.event_id = asNumber(contentOf(c.children, s, false)) ?? 0;
        e.qualifiers = asNumber(attribute(c, 'Qualifiers', s));
        break;
      case 'Version': e.version = asNumber(contentOf(c.children, s, false)); break;
      case 'Level': e.level = asNumber(contentOf(c.children, s, false)); break;
      case 'Task': e.task = asNumber(contentOf(c.children, s, false)); break;
      case 'Opcode': e.opcode = asNumber(contentOf(c.children, s, false)); break;
      case 'Keywords': e.keywords = asString(contentOf(c.children, s, false)); break;
      case 'TimeCreated': e._time = asString(attribute(c, 'SystemTime', s)) ?? ''; break;
      case 'EventRecordID': e.record_id = asNumber(contentOf(c.children, s, false)); break;
      case 'Correlation':
        e.activity_id = asString(attribute(c, 'ActivityID', s));
        e.related_activity_id = asString(attribute(c, 'RelatedActivityID', s));
        break;
      case 'Execution':
        e.process_id = asNumber(attribute(c, 'ProcessID', s));
        e.thread_id = asNumber(attribute(c, 'ThreadID', s));
        break;
      case 'Channel': e.channel = asString(contentOf(c.children, s, false)) ?? ''; break;
      case 'Computer': e.host = asString(contentOf(c.children, s, false)) ?? ''; break;
      case 'Security': e.user_sid = asString(attribute(c, 'UserID', s)); break;
    }
  }
}

/**
 * Builds an {@link Event} from the top-level nodes of an event XML document (for EVTX:
 * a record's nodes, normally one template instance). Returns null when there is no
 * `<Event>` element.
 *
 * @example
 * const e = eventFromXml(record.nodes); // record from the EVTX reader
 */
export function eventFromXml(nodes: readonly SourceNode[]): Event | null {
  let root: [Element, Scope] | null = null;
  forEachNode(nodes, NO_SCOPE, (n, s) => { if (root === null && n.kind === 'element') root = [n, s]; });
  if (root === null) return null;
  const [el, scope] = root as [Element, Scope];
  const e = emptyEvent();
  for (const [c, s] of childElements(el, scope)) {
    if (c.name === 'System') readSystem(c, s, e);
    else if (c.name === 'EventData') readEventData(c, s, e.data);
    else if (c.name === 'UserData') readUserData(c, s, e.data);
    else if (c.name === 'ProcessingErrorData' || c.name === 'DebugData' || c.name === 'BinaryEventData') readEventData(c, s, e.data);
  }
  return e;
}
