/**
 * Windows event XML (as a tree, possibly with template substitutions) → {@link Event}.
 *
 * The tree shape is structural so that any decoder can feed it: the EVTX reader passes
 * its BinXML templates + values unchanged (no per-record tree is materialised), and
 * text XML parsers pass plain elements. Records that are template instances go through
 * a compiled plan (template-plan.ts); anything else through the generic walk (xml-walk.ts).
 */
import type { Event, EventValue } from './event.js';
import { applyFieldTypes, eventFields } from './field-catalog.js';
import { fromTemplate, templateMemo, type Conforming } from './template-plan.js';
import { eventFromXmlWalk, type SourceNode, type SourceTemplate, type SourceValue } from './xml-walk.js';

export { eventFromXmlWalk, type SourceNode, type SourceTemplate, type SourceValue } from './xml-walk.js';

/**
 * Builds an {@link Event} from the top-level nodes of an event XML document (for EVTX:
 * a record's nodes, normally one template instance). Returns null when there is no
 * `<Event>` element.
 *
 * @example
 * const e = eventFromXml(parsedXmlNodes); // an EVTX record: eventFromRecord(record)
 */
export function eventFromXml(nodes: readonly SourceNode[]): Event | null {
  if (nodes.length === 1 && nodes[0].kind === 'instance') return eventFromInstance(nodes[0]);
  return walked(nodes);
}

/** A template instance, as the EVTX reader gives a record (see {@link eventFromRecord}). */
export type SourceInstance = Extract<SourceNode, { kind: 'instance' }>;

/**
 * Builds the {@link Event} of a decoded EVTX record: from its template instance when it
 * has one — for records written without templates, the instance of their structure's
 * synthetic template, so that no node tree is built — else from its nodes. Gives what
 * `eventFromXml(record.nodes)` gives.
 *
 * @example
 * readEvtxFileSync(path, {}, (chunk) => { for (const r of chunk.records) use(eventFromRecord(r)); });
 */
export function eventFromRecord(record: { readonly nodes: readonly SourceNode[]; readonly instance: SourceInstance | null }): Event | null {
  const instance = record.instance;
  return instance !== null ? eventFromInstance(instance) : eventFromXml(record.nodes);
}

/** An instance through its template's compiled plan, else through the generic walk. */
function eventFromInstance(instance: SourceInstance): Event | null {
  const fast = fromTemplate(instance);
  if (fast !== null) return conform(fast, instance);
  return walked([instance]);
}

/** The generic walk, with the field catalog's types. */
function walked(nodes: readonly SourceNode[]): Event | null {
  const e = eventFromXmlWalk(nodes);
  if (e !== null) applyFieldTypes(e.provider, e.event_id, e.version, e.data);
  return e;
}

function sameTypes(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true; // the EVTX reader shares one array among instances of the same types
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Conforming shapes remembered per template (see {@link conform}). */
const CONFORMING_SHAPES = 16;

/** BinXML's type code for a nested BinXML value (EventData in most templates). */
const BINXML_TYPE = 0x21;

/** The lone instance a nested BinXML value holds, or null. */
function loneInstance(v: SourceValue | undefined): SourceInstance | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v.kind !== 'fragment') return null;
  const n = v.nodes;
  return n.length === 1 && n[0].kind === 'instance' ? n[0] : null;
}

/**
 * Whether a value of a 64-bit integer type is past 2^53, where the decoder gives a bigint
 * (an Event gets its decimal text) instead of a number: the types alone do not tell an
 * Event's JS types, so remembered shapes hold only values below it.
 */
function isBigInteger(type: number, v: SourceValue | undefined): boolean {
  if (type === 0x09 || type === 0x0a) return typeof v === 'bigint';
  if (type === 0x89 || type === 0x8a) return Array.isArray(v) && v.some((x) => typeof x === 'bigint');
  return false;
}

/**
 * The shapes of `instance`'s nested instances, or null when a nested value is not one
 * or a 64-bit value is past 2^53 (see {@link isBigInteger}).
 */
function nestedShapes(instance: SourceInstance): Conforming['nested'] | null {
  const out: { template: SourceTemplate; types: readonly number[]; nested: Conforming['nested'] }[] = [];
  const { types, values } = instance;
  for (let i = 0; i < types.length; i++) {
    if (isBigInteger(types[i], values[i])) return null;
    if (types[i] !== BINXML_TYPE) continue;
    const inner = loneInstance(values[i]);
    const nested = inner === null ? null : nestedShapes(inner);
    if (inner === null || nested === null) return null;
    out.push({ template: inner.template, types: inner.types, nested });
  }
  return out;
}

/**
 * Whether `instance`'s nested instances have the shapes `known` recorded, and all its
 * values are as remembered shapes hold them (see {@link nestedShapes}).
 */
function sameNested(known: Conforming['nested'], instance: SourceInstance): boolean {
  const { types, values } = instance;
  let k = 0;
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    if (type !== BINXML_TYPE) {
      if (isBigInteger(type, values[i])) return false;
      continue;
    }
    const inner = loneInstance(values[i]);
    const shape = known[k++];
    if (inner === null || shape === undefined || shape.template !== inner.template || !sameTypes(shape.types, inner.types) || !sameNested(shape.nested, inner)) return false;
  }
  return k === known.length;
}

/**
 * Gives the event's data the field catalog's types. Logs written by converters store some
 * numbers as strings (4624's LogonType `"3"` in a few corpus files); normalizing here makes
 * an Event's types the same whatever wrote the log and whatever format carried it. A
 * template whose events already conform is remembered, so Windows' own logs pay one lookup.
 */
function conform(e: Event, instance: SourceInstance): Event {
  // Per template (its memo): the event ID and substitution types (its own and its nested
  // instances') of an instance whose event showed every catalog field with its catalog
  // type. Types are per record in BinXML, hence kept: a UInt64 past 2^53 is text, a
  // missing value is Null, a converter may write a number as a string.
  const memo = templateMemo(instance.template);
  const known = memo.conforming;
  if (known !== undefined) {
    for (let i = 0; i < known.length; i++) {
      const k = known[i];
      if (k.eventId === e.event_id && k.version === e.version && k.provider === e.provider && sameTypes(k.types, instance.types) && sameNested(k.nested, instance)) return e;
    }
  }
  const fields = eventFields(e.provider, e.event_id, e.version);
  if (fields === null) return e;
  let conclusive = true;
  let conforms = true;
  for (const f of fields) {
    if (!Object.prototype.hasOwnProperty.call(e.data, f.name) || f.type === 'any') continue;
    const v: EventValue = e.data[f.name];
    if (v === null) { conclusive = false; continue; }
    // A GUID-typed field holds its braced text, so it conforms as a string.
    if ((Array.isArray(v) ? 'array' : typeof v) !== (f.type === 'guid' ? 'string' : f.type)) { conforms = false; break; }
  }
  if (conforms) {
    const nested = conclusive ? nestedShapes(instance) : null;
    if (nested !== null) {
      // A few shapes per template: one template serves several event IDs (and a field may
      // be Null in some records), and keeping only the last made a third of the corpus's
      // records check every catalog field again.
      const kept = (memo.conforming ??= []);
      if (kept.length === CONFORMING_SHAPES) kept.pop();
      kept.unshift({ provider: e.provider, eventId: e.event_id, version: e.version, types: instance.types, nested });
    }
    return e;
  }
  applyFieldTypes(e.provider, e.event_id, e.version, e.data);
  return e;
}
