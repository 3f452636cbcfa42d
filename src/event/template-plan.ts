/**
 * Compiled templates. EVTX records are instances of a few templates; the generic walk
 * (xml-walk.ts) would redo the same tree search for every record. A template is compiled
 * once into steps that read values straight from the instance's value array, and plans
 * are shared by every chunk and file that defines the same template.
 */
import { emptyEvent, type Event, type EventValue } from './event.js';
import {
  forEachNode, NO_SCOPE, put, readSection, SYSTEM_ATTRIBUTES, SYSTEM_CONTENT, SYSTEM_FIELD_STORES, toEventValue,
  type Element, type FieldSetter, type SourceNode, type SourceTemplate, type SourceValue,
} from './xml-walk.js';

/** Returned by a compiled getter when the values do not fit the plan (nested BinXML). */
const FALLBACK = Symbol('fallback');
type Step = (e: Event, values: readonly SourceValue[], types: readonly number[]) => boolean;

/**
 * Generated-code condition: the value in variable `x`, of the type in expression `t`, is
 * not already its Event value. Numbers and strings (but GUIDs, which get braces) are
 * most values and pass as they are, without a call to {@link toEventValue}.
 */
const NEEDS_CONVERSION = (x: string, t: string): string => `typeof ${x} !== 'number' && (typeof ${x} !== 'string' || ((${t}) & 0x7f) === ${GUID_TYPE})`;
const GUID_TYPE = 0x0f;

/** A substitution value as a System field value, or FALLBACK for nested BinXML. */
function systemValue(v: SourceValue | undefined, type: number | undefined, inAttribute: boolean): EventValue | typeof FALLBACK {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && !Array.isArray(v)) return FALLBACK;
  return toEventValue(v, type ?? 0, inAttribute);
}

/**
 * Generated functions by parameters and body. Templates of different GUIDs often compile
 * to the same code (the System section of a provider's events is laid out alike: 15
 * distinct System functions for 439 templates of the big benchmark file), and one
 * function shared by all of them is compiled once and becomes hot, and so optimised,
 * far sooner than one per template. Emptied when full (crafted input can vary without end).
 */
const generatedFunctions = new Map<string, (...a: unknown[]) => unknown>();
const MAX_GENERATED_FUNCTIONS = 4096;

function generated(params: readonly string[], body: string): (...a: unknown[]) => unknown {
  const key = params.join(',') + '\n' + body;
  let fn = generatedFunctions.get(key);
  if (fn === undefined) {
    if (generatedFunctions.size >= MAX_GENERATED_FUNCTIONS) generatedFunctions.clear();
    fn = new Function(...params, body) as (...a: unknown[]) => unknown;
    generatedFunctions.set(key, fn);
  }
  return fn;
}

type SystemBuilder = (e: Event, values: readonly SourceValue[], types: readonly number[]) => boolean;

/**
 * Compiles `<System>` into one generated function that reads each field's value (a
 * constant, or one substitution) and calls the field's setter, in document order. One
 * straight-line function instead of two closures per field: System is about 16 fields
 * of every record. False when a field's content is neither (the generic walk reads it).
 *
 * Safety: the generated code contains only numbers, `true`/`false` and Event property
 * names from {@link SYSTEM_FIELD_STORES}; the setters and constant texts are passed in as arrays.
 */
function compileSystem(el: Element, steps: Step[]): boolean {
  const setters: FieldSetter[] = [];
  const constants: EventValue[] = [];
  const lines: string[] = [];
  const field = (set: FieldSetter, nodes: readonly SourceNode[], inAttribute: boolean): boolean => {
    const k = setters.length;
    setters.push(set);
    constants.push(null);
    if (nodes.length === 0) lines.push(`S[${k}](e, null);`);
    else if (nodes.every((n) => n.kind === 'text')) {
      constants[k] = nodes.map((n) => (n as { text: string }).text).join('');
      lines.push(`S[${k}](e, C[${k}]);`);
    } else if (nodes.length === 1 && nodes[0].kind === 'subst') {
      const i = nodes[0].index;
      const store = SYSTEM_FIELD_STORES.get(set);
      // A number or string the setter would store unchanged is stored here, without the call.
      const direct = store === undefined ? '' : `if (typeof x === '${store.type}') e.${store.property} = x; else `;
      lines.push(`x = v[${i}]; if (${NEEDS_CONVERSION('x', `t[${i}]`)}) { x = value(x, t[${i}], ${inAttribute}); if (x === F) return false; } ${direct}S[${k}](e, x);`);
    } else return false;
    return true;
  };
  for (const c of el.children) {
    if (c.kind === 'text') continue;
    if (c.kind !== 'element') return false;
    const content = SYSTEM_CONTENT[c.name];
    if (content && !field(content, c.children, false)) return false;
    const attrs = SYSTEM_ATTRIBUTES[c.name];
    if (!attrs) continue;
    for (const a of c.attributes) {
      const set = attrs[a.name];
      if (set && !field(set, a.value, true)) return false;
    }
  }
  if (lines.length === 0) return true;
  const factory = generated(['S', 'C', 'value', 'F'], `'use strict';\nreturn function system(e, v, t) {\nlet x;\n${lines.join('\n')}\nreturn true;\n};`);
  steps.push((factory as (...a: unknown[]) => SystemBuilder)(setters, constants, systemValue, FALLBACK));
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

/** One field of a compiled data object: its key and the content nodes giving its value. */
interface DataField {
  readonly key: string;
  readonly content: readonly SourceNode[];
  /** For the `Data` array of unnamed `<Data>` elements: each element's content (`content` unused). */
  readonly items?: (readonly SourceNode[])[];
}

/**
 * Compiles data fields with distinct keys into a function that builds the data object
 * as one object literal. V8 then gives every Event of the template one hidden class
 * and plain named stores, several times cheaper than adding keys through a loop
 * (megamorphic keyed stores). Plans are shared across chunks, so each distinct
 * template is compiled once per process. Null when a field's content is not constant
 * text or one substitution.
 *
 * Safety: the generated code contains only numbers and names embedded with
 * JSON.stringify (a valid JS string literal for any text); `__proto__`, which an object
 * literal would take as the prototype, sends the template to the generic walk.
 */
function compileDataObject(entries: readonly DataField[]): Step | null {
  const keys: string[] = [];
  const fields: string[] = [];
  const reads: string[] = [];
  const valueOf = (content: readonly SourceNode[]): string | null => {
    if (content.length === 0) return 'null';
    if (content.every((n) => n.kind === 'text')) return JSON.stringify(content.map((n) => (n as { text: string }).text).join(''));
    if (content.length === 1 && content[0].kind === 'subst') {
      const i = content[0].index;
      const x = `x${reads.length}`;
      reads.push(`let ${x} = v[${i}]; if (${NEEDS_CONVERSION(x, `t[${i}]`)}) { ${x} = conv(${x}, t[${i}]); if (${x} === F) return F; }`);
      return x;
    }
    return null;
  };
  for (const { key, content, items } of entries) {
    if (key === '' || key === '__proto__' || keys.includes(key)) return null;
    let expr: string | null;
    if (items === undefined) expr = valueOf(content);
    else {
      const exprs = items.map(valueOf);
      expr = exprs.includes(null) ? null : `[${exprs.join(', ')}]`;
    }
    if (expr === null) return null;
    keys.push(key);
    fields.push(`${JSON.stringify(key)}: ${expr}`);
  }
  const build = generated(['v', 't', 'conv', 'F'], `'use strict';\n${reads.join('\n')}\nreturn { ${fields.join(', ')} };`) as DataBuilder;
  return (e, v, t) => {
    const data = build(v, t, dataValue, FALLBACK);
    if (data === FALLBACK) return false;
    if (isEmpty(e.data)) e.data = data;
    else for (const k of keys) put(e.data, k, data[k]);
    return true;
  };
}

/**
 * EventData made of `<Data Name="constant">` elements, unnamed `<Data>` elements (the
 * `Data` array, where the first of them stands: classic event sources) and other elements
 * by name (`<Binary>`), as xml-walk.ts readEventData reads them.
 */
function compileEventData(el: Element): Step | null {
  const entries: DataField[] = [];
  let unnamed: (readonly SourceNode[])[] | null = null;
  for (const c of el.children) {
    if (c.kind === 'text') continue;
    if (c.kind !== 'element' || c.name === 'ComplexData') return null;
    if (c.name !== 'Data') {
      entries.push({ key: c.name, content: c.children });
      continue;
    }
    const nameAttr = c.attributes.find((a) => a.name === 'Name');
    if (nameAttr !== undefined && !nameAttr.value.every((n) => n.kind === 'text')) return null;
    const name = nameAttr === undefined ? '' : nameAttr.value.map((n) => (n as { text: string }).text).join('');
    if (name !== '') entries.push({ key: name, content: c.children });
    else if (unnamed !== null) unnamed.push(c.children);
    else {
      unnamed = [c.children];
      entries.push({ key: 'Data', content: [], items: unnamed });
    }
  }
  return compileDataObject(entries);
}

/**
 * UserData: its leaf elements by name, at any depth (see xml-walk.ts readUserData). An
 * element is a leaf when it has no child element; a substitution among elements could
 * expand to elements (nested BinXML), so such templates take the generic walk. A leaf
 * whose substitution turns out to be nested BinXML makes its record fall back too.
 */
function compileUserData(el: Element): Step | null {
  const entries: DataField[] = [];
  const collect = (parent: Element): boolean => {
    for (const c of parent.children) {
      if (c.kind === 'text') continue;
      if (c.kind !== 'element') return false;
      if (c.children.some((n) => n.kind === 'element')) {
        if (!collect(c)) return false;
      } else entries.push({ key: c.name, content: c.children });
    }
    return true;
  };
  return collect(el) ? compileDataObject(entries) : null;
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
        for (const n of x.nodes) {
          if (n.kind === 'instance') { if (!runSections(n, e)) return false; }
          else if (n.kind === 'element') readSection(n, NO_SCOPE, e);
          else if (n.kind !== 'text') return false;
        }
        return true;
      });
      continue;
    }
    if (c.kind !== 'element') return null;
    if (c.name === 'System') {
      if (!compileSystem(c, steps)) return null;
    } else if (DATA_SECTIONS.has(c.name)) {
      const fast = dataSections > 0 ? null : c.name === 'EventData' ? compileEventData(c) : c.name === 'UserData' ? compileUserData(c) : null;
      // Sections the compilers refuse (and a repeated section) read through the generic walk.
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
 * Plans per template, then shared across chunks and files: every chunk defines its
 * templates again, but a template with the same GUID and the same shape as one already
 * compiled reuses its plan. The shape is compared in full, so a crafted file reusing a
 * GUID for another shape only costs a recompilation.
 */
const sharedPlans = new Map<string, { nodes: readonly SourceNode[]; steps: Step[] | null }>();
const MAX_SHARED_PLANS = 4096;

/** What the Event builder keeps per template: its plans, and what from-xml.ts learnt of its events. */
export interface TemplateMemo {
  /** The plan of a template whose root is `<Event>`; null: the generic walk; undefined: not compiled yet. */
  event: Step[] | null | undefined;
  /** The plan of a nested template (EventData in a BinXML value). */
  sections: Step[] | null | undefined;
  /** See from-xml.ts conform: the last few shapes seen to conform, newest first. */
  conforming: Conforming[] | undefined;
}

/**
 * An instance whose Event had every catalog field in its catalog type (from-xml.ts
 * conform): its provider, event ID and version (which choose the catalog's fields), its
 * substitution types, and the same of the instances nested in its BinXML values
 * (EventData's values are typed there, not in the outer types).
 */
export interface Conforming {
  /** What the catalog's fields depend on (substitutions in most templates). */
  readonly provider: string;
  readonly eventId: number;
  readonly version: number | null;
  readonly types: readonly number[];
  readonly nested: readonly { readonly template: SourceTemplate; readonly types: readonly number[]; readonly nested: Conforming['nested'] }[];
}

/** Memos of templates that have no memo slot and take no property (frozen objects). */
const detachedMemos = new WeakMap<SourceTemplate, TemplateMemo>();

/**
 * The template's memo, kept in its `memo` slot: read once per record and per nested
 * instance, a property read where a WeakMap lookup cost about 7% of building an Event.
 */
export function templateMemo(template: SourceTemplate): TemplateMemo {
  const kept = template.memo;
  if (kept !== undefined) return kept as TemplateMemo;
  const detached = detachedMemos.get(template);
  if (detached !== undefined) return detached;
  const memo: TemplateMemo = { event: undefined, sections: undefined, conforming: undefined };
  if ('memo' in template) template.memo = memo;
  else if (Object.isExtensible(template)) Object.defineProperty(template, 'memo', { value: memo, writable: true, enumerable: false });
  else detachedMemos.set(template, memo);
  return memo;
}

function planFor(template: SourceTemplate, kind: 'E' | 'S', compile: (nodes: readonly SourceNode[]) => Step[] | null): Step[] | null {
  const memo = templateMemo(template);
  let steps = kind === 'E' ? memo.event : memo.sections;
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
  if (kind === 'E') memo.event = steps;
  else memo.sections = steps;
  return steps;
}

/** Runs the section plan of a nested template instance (EventData in a BinXML value). */
function runSections(instance: Extract<SourceNode, { kind: 'instance' }>, e: Event): boolean {
  const steps = planFor(instance.template, 'S', compileSections);
  if (steps === null) {
    forEachNode(instance.template.nodes, instance, (n, s) => { if (n.kind === 'element') readSection(n, s, e); });
    return true;
  }
  for (const step of steps) if (!step(e, instance.values, instance.types)) return false;
  return true;
}

/** Runs a template's compiled plan; null when the record must take the generic walk. */
export function fromTemplate(instance: Extract<SourceNode, { kind: 'instance' }>): Event | null {
  const steps = planFor(instance.template, 'E', compileTemplate);
  if (steps === null) return null;
  const e = emptyEvent();
  for (const step of steps) if (!step(e, instance.values, instance.types)) return null;
  return e;
}
