/**
 * The generic path from an event XML tree (possibly with template substitutions) to an
 * {@link Event}: a walk that finds System fields, EventData and UserData by name, as
 * the event schema (`http://schemas.microsoft.com/win/2004/08/events/event`) lays them out.
 * template-plan.ts compiles the same rules per template for speed.
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
  | { readonly kind: 'instance'; readonly template: SourceTemplate; readonly values: readonly SourceValue[]; readonly types: readonly number[] };

/** A template: its nodes, and (from EVTX) the definition's GUID, a hint for sharing plans. */
export interface SourceTemplate {
  readonly nodes: readonly SourceNode[];
  readonly guid?: string;
  /**
   * Where the Event builder keeps what it compiled for the template (template-plan.ts
   * templateMemo), best defined by the decoder, not enumerable, when it creates the template.
   */
  memo?: unknown;
}

export type Element = Extract<SourceNode, { kind: 'element' }>;

/** The substitution values in force while walking a template. */
export interface Scope {
  readonly values: readonly SourceValue[];
  readonly types: readonly number[];
}

export const NO_SCOPE: Scope = { values: [], types: [] };
const GUID_TYPE = 0x0f;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Calls `visit` for each node of `nodes` with the scope it must be read in, expanding
 * template instances and substitutions whose value is nested BinXML.
 */
export function forEachNode(nodes: readonly SourceNode[], scope: Scope, visit: (n: SourceNode, s: Scope) => void): void {
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
export function childElements(el: Element, scope: Scope): [Element, Scope][] {
  const out: [Element, Scope][] = [];
  forEachNode(el.children, scope, (n, s) => { if (n.kind === 'element') out.push([n, s]); });
  return out;
}

/**
 * True when `nodes` hold no template instance and no substitution: their elements are
 * then read in the parent's scope, without {@link childElements}' expansion (literal XML,
 * such as records re-serialised without templates, is all like this).
 */
function isPlain(nodes: readonly SourceNode[]): boolean {
  for (const n of nodes) if (n.kind === 'instance' || n.kind === 'subst') return false;
  return true;
}

/** Converts a decoded value to an Event value; GUIDs render as Windows shows them. */
export function toEventValue(v: SourceValue | undefined, type: number, inAttribute: boolean): EventValue {
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
  // The usual contents, one text or one plain value, give what the loop below gives.
  if (nodes.length === 0) return null;
  if (nodes.length === 1) {
    const n = nodes[0];
    if (n.kind === 'text') return n.text;
    if (n.kind === 'subst') {
      const v = scope.values[n.index];
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return toEventValue(v, scope.types[n.index] ?? 0, inAttribute);
    }
  }
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

/**
 * Adds `value` under `key`, suffixing `_2`, `_3` … when the key is taken. Keys come from
 * the log: defineProperty keeps a `__proto__` key an ordinary property.
 */
export function put(data: Record<string, EventValue>, key: string, value: EventValue): void {
  let k = key;
  for (let i = 2; Object.prototype.hasOwnProperty.call(data, k); i++) k = `${key}_${i}`;
  if (k === '__proto__') Object.defineProperty(data, k, { value, enumerable: true, writable: true, configurable: true });
  else data[k] = value;
}

/** EventData: named Data by name, unnamed Data into the `Data` array, other elements by name. */
function readEventData(el: Element, scope: Scope, data: Record<string, EventValue>): void {
  let unnamed: EventValue[] | null = null;
  if (isPlain(el.children)) {
    for (const child of el.children) if (child.kind === 'element') unnamed = readEventDataChild(child, scope, data, unnamed);
  } else {
    for (const [child, s] of childElements(el, scope)) unnamed = readEventDataChild(child, s, data, unnamed);
  }
}

/** One child element of EventData; returns the `Data` array of unnamed values, once there is one. */
function readEventDataChild(child: Element, s: Scope, data: Record<string, EventValue>, unnamed: EventValue[] | null): EventValue[] | null {
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
  return unnamed;
}

/** UserData: the leaf elements under its single wrapper element, by name. */
function readUserData(el: Element, scope: Scope, data: Record<string, EventValue>): void {
  if (isPlain(el.children)) {
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      const leaf = isPlain(child.children) ? !child.children.some((n) => n.kind === 'element') : childElements(child, scope).length === 0;
      if (leaf) put(data, child.name, contentOf(child.children, scope, false));
      else readUserData(child, scope, data);
    }
    return;
  }
  for (const [child, s] of childElements(el, scope)) {
    const grandchildren = childElements(child, s);
    if (grandchildren.length === 0) put(data, child.name, contentOf(child.children, s, false));
    else readUserData(child, s, data);
  }
}

/** Sets an Event field from a System element's or attribute's content. */
export type FieldSetter = (e: Event, v: EventValue) => void;

/** System elements whose content is a field (event schema, System section). */
export const SYSTEM_CONTENT: Record<string, FieldSetter> = {
  EventID: (e, v) => { e.event_id = asNumber(v) ?? 0; },
  Version: (e, v) => { e.version = asNumber(v); },
  Level: (e, v) => { e.level = asNumber(v); },
  Task: (e, v) => { e.task = asNumber(v); },
  Opcode: (e, v) => { e.opcode = asNumber(v); },
  Keywords: (e, v) => { e.keywords = asString(v); },
  EventRecordID: (e, v) => { e.record_id = asNumber(v); },
  Channel: (e, v) => { e.channel = asString(v) ?? ''; },
  Computer: (e, v) => { e.host = asString(v) ?? ''; },
};

/** System attributes that are fields. */
export const SYSTEM_ATTRIBUTES: Record<string, Record<string, FieldSetter>> = {
  Provider: {
    Name: (e, v) => { e.provider = asString(v) ?? ''; },
    Guid: (e, v) => { e.provider_guid = asString(v); },
    // Classic (pre-Vista) sources name themselves here; Name wins when both exist.
    EventSourceName: (e, v) => { if (e.provider === '') e.provider = asString(v) ?? ''; },
  },
  EventID: { Qualifiers: (e, v) => { e.qualifiers = asNumber(v); } },
  TimeCreated: { SystemTime: (e, v) => { e._time = asString(v) ?? ''; } },
  Correlation: {
    ActivityID: (e, v) => { e.activity_id = asString(v); },
    RelatedActivityID: (e, v) => { e.related_activity_id = asString(v); },
  },
  Execution: {
    ProcessID: (e, v) => { e.process_id = asNumber(v); },
    ThreadID: (e, v) => { e.thread_id = asNumber(v); },
  },
  Security: { UserID: (e, v) => { e.user_sid = asString(v); } },
};

/**
 * System fields whose setter stores a number (or a string) unchanged under the given
 * Event property: compiled plans store such values directly and call the setter only
 * for anything else (see template-plan.ts compileSystem).
 */
export const SYSTEM_FIELD_STORES = new Map<FieldSetter, { readonly property: keyof Event; readonly type: 'number' | 'string' }>([
  [SYSTEM_CONTENT.EventID, { property: 'event_id', type: 'number' }],
  [SYSTEM_CONTENT.Version, { property: 'version', type: 'number' }],
  [SYSTEM_CONTENT.Level, { property: 'level', type: 'number' }],
  [SYSTEM_CONTENT.Task, { property: 'task', type: 'number' }],
  [SYSTEM_CONTENT.Opcode, { property: 'opcode', type: 'number' }],
  [SYSTEM_CONTENT.Keywords, { property: 'keywords', type: 'string' }],
  [SYSTEM_CONTENT.EventRecordID, { property: 'record_id', type: 'number' }],
  [SYSTEM_CONTENT.Channel, { property: 'channel', type: 'string' }],
  [SYSTEM_CONTENT.Computer, { property: 'host', type: 'string' }],
  [SYSTEM_ATTRIBUTES.Provider.Name, { property: 'provider', type: 'string' }],
  [SYSTEM_ATTRIBUTES.Provider.Guid, { property: 'provider_guid', type: 'string' }],
  [SYSTEM_ATTRIBUTES.EventID.Qualifiers, { property: 'qualifiers', type: 'number' }],
  [SYSTEM_ATTRIBUTES.TimeCreated.SystemTime, { property: '_time', type: 'string' }],
  [SYSTEM_ATTRIBUTES.Correlation.ActivityID, { property: 'activity_id', type: 'string' }],
  [SYSTEM_ATTRIBUTES.Correlation.RelatedActivityID, { property: 'related_activity_id', type: 'string' }],
  [SYSTEM_ATTRIBUTES.Execution.ProcessID, { property: 'process_id', type: 'number' }],
  [SYSTEM_ATTRIBUTES.Execution.ThreadID, { property: 'thread_id', type: 'number' }],
  [SYSTEM_ATTRIBUTES.Security.UserID, { property: 'user_sid', type: 'string' }],
]);

function readSystem(el: Element, scope: Scope, e: Event): void {
  if (isPlain(el.children)) {
    for (const c of el.children) if (c.kind === 'element') readSystemChild(c, scope, e);
  } else {
    for (const [c, s] of childElements(el, scope)) readSystemChild(c, s, e);
  }
}

function readSystemChild(c: Element, s: Scope, e: Event): void {
  const content = SYSTEM_CONTENT[c.name];
  if (content) content(e, contentOf(c.children, s, false));
  const attrs = SYSTEM_ATTRIBUTES[c.name];
  if (attrs) for (const a of c.attributes) attrs[a.name]?.(e, contentOf(a.value, s, true));
}

/** Reads one child of `<Event>` into `e` (the generic path). */
export function readSection(c: Element, s: Scope, e: Event): void {
  if (c.name === 'System') readSystem(c, s, e);
  else if (c.name === 'EventData' || c.name === 'ProcessingErrorData' || c.name === 'DebugData' || c.name === 'BinaryEventData') readEventData(c, s, e.data);
  else if (c.name === 'UserData') readUserData(c, s, e.data);
}

/**
 * The generic path of {@link eventFromXml}: walks the tree for every record. Exported so
 * tests can check that compiled templates give exactly the same Events.
 */
export function eventFromXmlWalk(nodes: readonly SourceNode[]): Event | null {
  let root: [Element, Scope] | null = null;
  forEachNode(nodes, NO_SCOPE, (n, s) => { if (root === null && n.kind === 'element') root = [n, s]; });
  if (root === null) return null;
  const [el, scope] = root as [Element, Scope];
  const e = emptyEvent();
  if (isPlain(el.children)) {
    for (const c of el.children) if (c.kind === 'element') readSection(c, scope, e);
  } else {
    for (const [c, s] of childElements(el, scope)) readSection(c, s, e);
  }
  return e;
}
