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
  | { readonly kind: 'instance'; readonly template: SourceTemplate; readonly values: readonly SourceValue[]; readonly types: readonly number[] };

/** A template: its nodes, and (from EVTX) the definition's GUID, a hint for sharing plans. */
export interface SourceTemplate {
  readonly nodes: readonly SourceNode[];
  readonly guid?: string;
}

type Element = Extract<SourceNode, { kind: 'element' }>;

/** The substitution values in force while walking a template. */
interface Scope {
  readonly values: readonly SourceValue[];
  readonly types: readonly number[];
}

const NO_SCOPE: Scope = { values: [], types: [] };
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

/**
 * Adds `value` under `key`, suffixing `_2`, `_3` … when the key is taken. Keys come from
 * the log: defineProperty keeps a `__proto__` key an ordinary property.
 */
function put(data: Record<string, EventValue>, key: string, value: EventValue): void {
  let k = key;
  for (let i = 2; Object.prototype.hasOwnProperty.call(data, k); i++) k = `${key}_${i}`;
  if (k === '__proto__') Object.defineProperty(data, k, { value, enumerable: true, writable: true, configurable: true });
  else data[k] = value;
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

type FieldSetter = (e: Event, v: EventValue) => void;

/** System elements whose content is a field (event schema, System section). */
const SYSTEM_CONTENT: Record<string, FieldSetter> = {
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
const SYSTEM_ATTRIBUTES: Record<string, Record<string, FieldSetter>> = {
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

function readSystem(el: Element, scope: Scope, e: Event): void {
  for (const [c, s] of childElements(el, scope)) {
    const content = SYSTEM_CONTENT[c.name];
    if (content) content(e, contentOf(c.children, s, false));
    const attrs = SYSTEM_ATTRIBUTES[c.name];
    if (attrs) for (const a of c.attributes) attrs[a.name]?.(e, contentOf(a.value, s, true));
  }
}

/** Reads one child of `<Event>` into `e` (the generic path). */
function readSection(c: Element, s: Scope, e: Event): void {
  if (c.name === 'System') readSystem(c, s, e);
  else if (c.name === 'EventData' || c.name === 'ProcessingErrorData' || c.name === 'DebugData' || c.name === 'BinaryEventData') readEventData(c, s, e.data);
  else if (c.name === 'UserData') readUserData(c, s, e.data);
}

// ---------------------------------------------------------------------------------
// Compiled templates. EVTX records are instances of a few templates; the walk above
// would redo the same tree search for each. A template is compiled once into steps
// that read values straight from the instance's value array.

/** Returned by a compiled getter when the values do not fit the plan (nested BinXML). */
const FALLBACK = Symbol('fallback');
type Getter = (values: readonly SourceValue[], types: readonly number[]) => EventValue | typeof FALLBACK;
type Step = (e: Event, values: readonly SourceValue[], types: readonly number[]) => boolean;

/** Compiles the content of a node list: constant text or one substitution; else null. */
function compileContent(nodes: readonly SourceNode[], inAttribute: boolean): Getter | null {
  if (nodes.length === 0) return () => null;
  if (nodes.every((n) => n.kind === 'text')) {
    const text = nodes.map((n) => (n as { text: string }).text).join('');
    return () => text;
  }
  if (nodes.length !== 1 || nodes[0].kind !== 'subst') return null;
  const i = nodes[0].index;
  return (values, types) => {
    const v = values[i];
    if (v === undefined || v === null) return null;
    if (typeof v === 'object' && !Array.isArray(v)) return FALLBACK;
    return toEventValue(v, types[i] ?? 0, inAttribute);
  };
}

function compileSystem(el: Element, steps: Step[]): boolean {
  for (const c of el.children) {
    if (c.kind === 'text') continue;
    if (c.kind !== 'element') return false;
    const content = SYSTEM_CONTENT[c.name];
    if (content) {
      const get = compileContent(c.children, false);
      if (!get) return false;
      steps.push((e, v, t) => { const x = get(v, t); if (x === FALLBACK) return false; content(e, x); return true; });
    }
    const attrs = SYSTEM_ATTRIBUTES[c.name];
    if (!attrs) continue;
    for (const a of c.attributes) {
      const set = attrs[a.name];
      if (!set) continue;
      const get = compileContent(a.value, true);
      if (!get) return false;
      steps.push((e, v, t) => { const x = get(v, t); if (x === FALLBACK) return false; set(e, x); return true; });
    }
  }
  return true;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** A substitution value as an EventData value, or FALLBACK for nested BinXML. */
function dataValue(v: SourceValue | undefined, type: number): EventValue | typeof FALLBACK {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && !Array.isArray(v)) return FALLBACK;
  return toEventValue(v, type, false);
}

type DataBuilder = (values: readonly SourceValue[], types: readonly number[], conv: typeof dataValue, fallback: typeof FALLBACK) => Record<string, EventValue> | typeof FALLBACK;

/**
 * Compiles EventData made of `<Data Name="constant">` elements with distinct names into
 * a function that builds the data object as one object literal. V8 then gives every
 * Event of the template one hidden class and plain named stores, several times cheaper
 * than adding keys through a loop (megamorphic keyed stores). Plans are shared across
 * chunks, so each distinct template is compiled once per process.
 *
 * Safety: the generated code contains only numbers and names embedded with
 * JSON.stringify (a valid JS string literal for any text); `__proto__`, which an object
 * literal would take as the prototype, sends the template to the generic walk.
 */
function compileEventData(el: Element): Step | null {
  const keys: string[] = [];
  const fields: string[] = [];
  const reads: string[] = [];
  for (const c of el.children) {
    if (c.kind === 'text') continue;
    if (c.kind !== 'element' || c.name !== 'Data') return null;
    const nameAttr = c.attributes.find((a) => a.name === 'Name');
    if (!nameAttr || !nameAttr.value.every((n) => n.kind === 'text')) return null;
    const key = nameAttr.value.map((n) => (n as { text: string }).text).join('');
    if (key === '' || key === '__proto__' || keys.includes(key)) return null;
    const content = c.children;
    let expr: string;
    if (content.length === 0) expr = 'null';
    else if (content.every((n) => n.kind === 'text')) expr = JSON.stringify(content.map((n) => (n as { text: string }).text).join(''));
    else if (content.length === 1 && content[0].kind === 'subst') {
      const i = content[0].index;
      const x = `x${keys.length}`;
      reads.push(`const ${x} = conv(v[${i}], t[${i}]); if (${x} === F) return F;`);
      expr = x;
    } else return null;
    keys.push(key);
    fields.push(`${JSON.stringify(key)}: ${expr}`);
  }
  const build = new Function('v', 't', 'conv', 'F', `'use strict';\n${reads.join('\n')}\nreturn { ${fields.join(', ')} };`) as DataBuilder;
  return (e, v, t) => {
    const data = build(v, t, dataValue, FALLBACK);
    if (data === FALLBACK) return false;
    if (isEmpty(e.data)) e.data = data;
    else for (const k of keys) put(e.data, k, data[k]);
    return true;
  };
}

const DATA_SECTIONS = new Set(['EventData', 'UserData', 'ProcessingErrorData', 'DebugData', 'BinaryEventData']);

/**
 * Compiles the children of `<Event>` — or the roots of a nested BinXML value, which in
 * EVTX usually carries EventData/UserData as its own template instance. Null when the
 * shape needs the generic walk.
 */
function compileSections(children: readonly SourceNode[]): Step[] | null {
  const steps: Step[] = [];
  let dataSections = 0;
  for (const c of children) {
    if (c.kind === 'text') continue;
    if (c.kind === 'subst') {
      const i = c.index;
      steps.push((e, v) => {
        const x = v[i];
        if (x === null || x === undefined) return true;
        if (typeof x !== 'object' || Array.isArray(x)) return false;
        return x.nodes.every((n) => n.kind === 'text' || (n.kind === 'instance' && runSections(n, e)) || (n.kind === 'element' && (readSection(n, NO_SCOPE, e), true)));
      });
      continue;
    }
    if (c.kind !== 'element') return null;
    if (c.name === 'System') {
      if (!compileSystem(c, steps)) return null;
    } else if (DATA_SECTIONS.has(c.name)) {
      const fast = c.name === 'EventData' && dataSections === 0 ? compileEventData(c) : null;
      // Anything else (unnamed Data, UserData, repeated sections) reads through the generic walk.
      steps.push(fast ?? ((e, v, t) => { readSection(c, { values: v, types: t }, e); return true; }));
      dataSections++;
    }
  }
  return steps;
}

/** Compiles a template whose root is one `<Event>`; null when its shape needs the generic walk. */
function compileTemplate(nodes: readonly SourceNode[]): Step[] | null {
  const roots = nodes.filter((n) => n.kind !== 'text');
  if (roots.length !== 1 || roots[0].kind !== 'element') return null;
  return compileSections(roots[0].children);
}

/** True when two node lists have the same structure, names, texts and substitution slots. */
function sameShape(a: readonly SourceNode[], b: readonly SourceNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'element': {
        const ye = y as typeof x;
        if (x.name !== ye.name || x.attributes.length !== ye.attributes.length) return false;
        for (let k = 0; k < x.attributes.length; k++) {
          if (x.attributes[k].name !== ye.attributes[k].name || !sameShape(x.attributes[k].value, ye.attributes[k].value)) return false;
        }
        if (!sameShape(x.children, ye.children)) return false;
        break;
      }
      case 'text': if (x.text !== (y as typeof x).text) return false; break;
      case 'subst': if (x.index !== (y as typeof x).index || x.optional !== (y as typeof x).optional) return false; break;
      default: return false; // rare kinds never share a plan
    }
  }
  return true;
}

/**
 * Plans by template object, then shared across chunks and files: every chunk defines its
 * templates again, but a template with the same GUID and the same shape as one already
 * compiled reuses its plan. The shape is compared in full, so a crafted file reusing a
 * GUID for another shape only costs a recompilation.
 */
const plans = new WeakMap<object, Step[] | null>();
const sectionPlans = new WeakMap<object, Step[] | null>();
const sharedPlans = new Map<string, { nodes: readonly SourceNode[]; steps: Step[] | null }>();
const MAX_SHARED_PLANS = 4096;

function planFor(
  cache: WeakMap<object, Step[] | null>, template: SourceTemplate, kind: 'E' | 'S',
  compile: (nodes: readonly SourceNode[]) => Step[] | null,
): Step[] | null {
  let steps = cache.get(template);
  if (steps !== undefined) return steps;
  const key = template.guid === undefined ? undefined : kind + template.guid;
  const shared = key === undefined ? undefined : sharedPlans.get(key);
  if (shared !== undefined && sameShape(shared.nodes, template.nodes)) steps = shared.steps;
  else {
    steps = compile(template.nodes);
    if (key !== undefined) {
      if (sharedPlans.size >= MAX_SHARED_PLANS) sharedPlans.clear();
      sharedPlans.set(key, { nodes: template.nodes, steps });
    }
  }
  cache.set(template, steps);
  return steps;
}

/** Runs the section plan of a nested template instance (EventData in a BinXML value). */
function runSections(instance: Extract<SourceNode, { kind: 'instance' }>, e: Event): boolean {
  const steps = planFor(sectionPlans, instance.template, 'S', compileSections);
  if (steps === null) {
    forEachNode(instance.template.nodes, instance, (n, s) => { if (n.kind === 'element') readSection(n, s, e); });
    return true;
  }
  for (const step of steps) if (!step(e, instance.values, instance.types)) return false;
  return true;
}

/** Runs a template's compiled plan; null when the record must take the generic walk. */
function fromTemplate(instance: Extract<SourceNode, { kind: 'instance' }>): Event | null {
  const steps = planFor(plans, instance.template, 'E', compileTemplate);
  if (steps === null) return null;
  const e = emptyEvent();
  for (const step of steps) if (!step(e, instance.values, instance.types)) return null;
  return e;
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
  if (nodes.length === 1 && nodes[0].kind === 'instance') {
    const fast = fromTemplate(nodes[0]);
    if (fast !== null) return fast;
  }
  return eventFromXmlWalk(nodes);
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
  for (const [c, s] of childElements(el, scope)) readSection(c, s, e);
  return e;
}
