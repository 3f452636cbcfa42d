/**
 * Records written without templates ("plain" BinXML: every element spelled out, every
 * value inline as a value token, MS-EVEN6 §2.2.12). Windows writes template instances;
 * plain records come from tools that re-serialise events, and exported samples are full
 * of them (Defender 1151 health reports, Security 4622, RDP 131 …). Through the generic
 * decoder each costs a node tree and a walk by name: about four times a template record.
 *
 * Records of one structure — the same elements, attributes, names, value types and
 * `<Data Name=…>` texts, in the same order — differ only in their values. Their tokens
 * are followed through a trie of the structures met so far; the trie's end for a
 * structure holds a *synthetic template*: that structure with a substitution for each
 * value. The record is then an instance of it (its values in token order), which the
 * Event builder reads through the same compiled plans as a Windows template
 * (event/template-plan.ts), and its node tree — the one decodeNodes gives — is built
 * from the instance only when asked for.
 *
 * The walk reads names with the calls decodeNodes makes, in the same order, so the
 * chunk's name cache (which decides how later tokens are laid out, see
 * hasDependencyId) ends up the same; whenever the walk is not used, the names it added
 * are taken back first. It leaves the record to decodeNodes on anything it does not
 * know: a token other than fragment header, element, attribute, value and end tokens, a
 * bound it would cross, a structure not learnt yet — which decodeNodes' tree then
 * teaches it, once the tree rebuilt from the new template and the record's values is
 * checked to be the same.
 */
import { decodeNodes, hasDependencyId, MAX_DEPTH, PLAIN_TOKENS as T, readName, type ChunkContext } from './binxml.js';
import { EvtxFormatError, spellsUtf16, u16, u32, utf16, utf16Trimmed } from './bytes.js';
import type { EvtxRecord } from './chunk.js';
import { decodeInlineValue } from './values.js';
import {
  ValueType, type XmlAttribute, type XmlElement, type XmlNode, type XmlSubstitution, type XmlTemplate, type XmlTemplateInstance, type XmlValue,
} from './xml-tree.js';

/** Step keys for values: a value decoded to text, or to a literal (+ the value type), or a constant. */
const TEXT_SLOT = 0x100;
const LITERAL_SLOT = 0x200;
const CONSTANT = 0x300;

/** A token out of a trie node. */
interface Step {
  /** The token (element, attribute, close and end tokens, without the 0x40 flag), or a value key. */
  readonly key: number;
  /** Element or attribute name; '' for other steps. */
  readonly name: string;
  /** For a constant: its bytes (u16 character count, then UTF-16LE). */
  readonly bytes: Uint8Array | null;
  /**
   * For a string value: the last one read here. Values repeat from record to record
   * (provider, channel, host, versions …); one that does is compared in place and shared,
   * rather than decoded by a native call each.
   */
  last: string;
  readonly next: ShapeNode;
  /**
   * Offset where `name` was last found, and the {@link stamp} then: later records of a
   * chunk refer to the name by the same offset, which is then checked without reading it.
   */
  stamp: number;
  rel: number;
}

/** Where the records of a structure end: their template, or the mark of one that could not be learnt. */
interface Leaf {
  readonly template: XmlTemplate;
  /** Per substitution: String for values decoded to text, else the literal's value type. */
  readonly types: number[];
}
const UNUSABLE = 'unusable';

interface ShapeNode {
  readonly steps: Step[];
  /**
   * String values here are part of the structure, not values: the `Name` of a `<Data>`
   * element, which compiled EventData plans need as constant text.
   */
  readonly constants: boolean;
  end: Leaf | typeof UNUSABLE | null;
}

const newNode = (constants: boolean): ShapeNode => ({ steps: [], constants, end: null });
let root = newNode(false);
/** Steps in the trie; it is emptied when full (crafted input can vary without end). */
let stepCount = 0;
const MAX_STEPS = 1 << 16;
let shapesEnabled = true;

/**
 * Turns the learnt structures on or off (tests compare both); empties the trie. Off,
 * every plain record goes through decodeNodes, as before this module existed.
 *
 * @example
 * usePlainRecordShapes(false); // decode plain records the generic way
 */
export function usePlainRecordShapes(enabled: boolean): void {
  shapesEnabled = enabled;
  root = newNode(false);
  stepCount = 0;
}

/** The walk's scratch state: values read, element names open, names added to the chunk's cache. */
const values: XmlValue[] = [];
const openNames: string[] = [];
const addedNames: number[] = [];
let valueCount = 0;
let addedCount = 0;
/** Set by the walk when it stopped at a token the trie does not have yet. */
let missed = false;
/** Set by the name lookups: the position after the name. */
let afterName = 0;
/**
 * Validity of the name offsets steps remember: renewed for every chunk, and whenever
 * names a walk added are taken back (a remembered offset must name a cached name).
 */
let stamp = 0;
let stampedContext = -1;

/** While learning: the synthetic template being built, as decodeNodes builds its tree. */
interface Builder {
  readonly roots: XmlNode[];
  readonly elements: XmlElement[];
  attribute: XmlAttribute | null;
  readonly types: number[];
}

function append(builder: Builder, node: XmlNode): void {
  if (builder.attribute !== null) builder.attribute.value.push(node);
  else if (builder.elements.length > 0) builder.elements[builder.elements.length - 1].children.push(node);
  else builder.roots.push(node);
}

function addStep(node: ShapeNode, key: number, name: string, bytes: Uint8Array | null, constants: boolean): Step {
  const step: Step = { key, name, bytes, last: '', next: newNode(constants), stamp: 0, rel: -1 };
  node.steps.push(step);
  stepCount++;
  return step;
}

/** The step out of `node` for a token without name or value (close and end tokens). */
function bareStep(node: ShapeNode, key: number, learn: boolean): Step | null {
  for (const s of node.steps) if (s.key === key) return s;
  if (!learn) { missed = true; return null; }
  return addStep(node, key, '', null, false);
}

/**
 * The step out of `node` for an element or attribute token whose name offset field reads
 * `rel` and ends at `pos`; sets {@link afterName}. Reads the name as readName does
 * (inline when it sits at `pos`), without decoding it when a step already knows it.
 */
function namedStep(ctx: ChunkContext, node: ShapeNode, key: number, rel: number, pos: number, learn: boolean, parent: string): Step | null {
  const b = ctx.buf;
  const inline = rel === pos - ctx.base;
  if (!inline) {
    afterName = pos;
    for (const s of node.steps) if (s.rel === rel && s.stamp === stamp && s.key === key) return s;
  } else if (pos + 8 <= ctx.end) {
    const chars = u16(b, pos + 6);
    afterName = pos + 10 + chars * 2;
    if (afterName <= ctx.end) {
      for (const s of node.steps) {
        if (s.key === key && spellsUtf16(b, pos + 8, chars, s.name)) {
          if (!ctx.names.has(rel)) { ctx.names.set(rel, s.name); addedNames[addedCount++] = rel; }
          s.stamp = stamp;
          s.rel = rel;
          return s;
        }
      }
    }
  }
  const had = ctx.names.has(rel);
  const n = readName(ctx, rel, pos);
  if (!had) addedNames[addedCount++] = rel;
  afterName = n.next;
  let step: Step | null = null;
  for (const s of node.steps) if (s.key === key && s.name === n.name) { step = s; break; }
  if (step === null) {
    if (!learn) { missed = true; return null; }
    step = addStep(node, key, n.name, null, key === T.TOK_ATTRIBUTE && n.name === 'Name' && parent === 'Data');
  }
  step.stamp = stamp;
  step.rel = rel;
  return step;
}

/** The step out of `node` for the constant whose bytes are `b[from, to)`. */
function constantStep(node: ShapeNode, b: Uint8Array, from: number, to: number, learn: boolean): Step | null {
  const n = to - from;
  for (const s of node.steps) {
    const c = s.bytes;
    if (s.key !== CONSTANT || c === null || c.length !== n) continue;
    let i = 0;
    while (i < n && c[i] === b[from + i]) i++;
    if (i === n) return s;
  }
  if (!learn) { missed = true; return null; }
  return addStep(node, CONSTANT, '', Uint8Array.prototype.slice.call(b, from, to), node.constants);
}

/** A name offset that a step out of `node` remembers for this chunk (so is a cached name), or -1. */
function knownName(node: ShapeNode): number {
  const s = node.steps[0];
  return s !== undefined && s.stamp === stamp ? s.rel : -1;
}

/** The step out of `node` for a value of key `key`. */
function valueStep(node: ShapeNode, key: number, learn: boolean): Step | null {
  for (const s of node.steps) if (s.key === key) return s;
  if (!learn) { missed = true; return null; }
  return addStep(node, key, '', null, node.constants);
}

/**
 * Follows the record's tokens through the trie; returns the node where they end, or
 * null (with {@link missed} set when the trie lacked a step). The values read are in
 * {@link values}. With a `builder`, missing steps are added and the synthetic template
 * is built alongside. Throws EvtxFormatError where readName does.
 */
function walk(ctx: ChunkContext, start: number, end: number, builder: Builder | null): ShapeNode | null {
  const b = ctx.buf;
  const learn = builder !== null;
  let node = root;
  let pos = start;
  let depth = 0;
  valueCount = 0;
  missed = false;
  if (ctx.id !== stampedContext) {
    stampedContext = ctx.id;
    stamp++;
  }
  for (;;) {
    if (pos >= end || b[pos] === T.TOK_EOF) return depth === 0 ? node : null;
    const token = b[pos];
    let step: Step | null;
    switch (token & 0xbf) {
      case T.TOK_FRAGMENT_HEADER:
        if (pos + 4 > end) return null;
        pos += 4;
        continue;
      case T.TOK_OPEN: {
        if (pos + 9 > end || depth >= MAX_DEPTH) return null;
        pos += hasDependencyId(ctx, pos, end, knownName(node)) ? 11 : 9;
        if (pos > end) return null;
        step = namedStep(ctx, node, T.TOK_OPEN, u32(b, pos - 4), pos, learn, '');
        if (step === null) return null;
        pos = afterName;
        if (token & 0x40) { // attribute list size
          if (pos + 4 > end) return null;
          pos += 4;
        }
        openNames[depth++] = step.name;
        if (builder !== null) {
          const el: XmlElement = { kind: 'element', name: step.name, attributes: [], children: [] };
          builder.attribute = null;
          append(builder, el);
          builder.elements.push(el);
        }
        break;
      }
      case T.TOK_ATTRIBUTE: {
        if (pos + 5 > end || depth === 0) return null;
        step = namedStep(ctx, node, T.TOK_ATTRIBUTE, u32(b, pos + 1), pos + 5, learn, openNames[depth - 1]);
        if (step === null) return null;
        pos = afterName;
        if (builder !== null) {
          builder.attribute = { name: step.name, value: [] };
          builder.elements[builder.elements.length - 1].attributes.push(builder.attribute);
        }
        break;
      }
      case T.TOK_CLOSE_START:
        if (depth === 0) return null;
        step = bareStep(node, T.TOK_CLOSE_START, learn);
        if (step === null) return null;
        pos++;
        if (builder !== null) builder.attribute = null;
        break;
      case T.TOK_CLOSE_EMPTY:
      case T.TOK_END:
        if (depth === 0) return null;
        step = bareStep(node, T.TOK_END, learn);
        if (step === null) return null;
        depth--;
        pos++;
        if (builder !== null) {
          builder.attribute = null;
          builder.elements.pop();
        }
        break;
      case T.TOK_VALUE: {
        if (pos + 2 > end) return null;
        const type = b[pos + 1];
        if (type === ValueType.String) {
          if (pos + 4 > end) return null;
          const stop = pos + 4 + u16(b, pos + 2) * 2;
          if (stop > end) return null;
          if (node.constants) {
            step = constantStep(node, b, pos + 2, stop, learn);
            if (step === null) return null;
            if (builder !== null) append(builder, { kind: 'text', text: utf16Trimmed(b, pos + 4, stop - pos - 4), cdata: false });
          } else {
            step = valueStep(node, TEXT_SLOT + type, learn);
            if (step === null) return null;
            let chars = (stop - pos - 4) >> 1;
            while (chars > 0 && b[pos + 2 + chars * 2] === 0 && b[pos + 3 + chars * 2] === 0) chars--; // trailing NULs
            if (!spellsUtf16(b, pos + 4, chars, step.last)) step.last = utf16(b, pos + 4, chars);
            values[valueCount] = step.last;
            if (builder !== null) append(builder, slot(builder, ValueType.String));
            valueCount++;
          }
          pos = stop;
        } else {
          const v = decodeInlineValue(b, pos + 2, end, type);
          step = valueStep(node, (typeof v.value === 'string' ? TEXT_SLOT : LITERAL_SLOT) + type, learn);
          if (step === null) return null;
          values[valueCount] = v.value;
          if (builder !== null) append(builder, slot(builder, typeof v.value === 'string' ? ValueType.String : type));
          valueCount++;
          pos += 2 + v.length;
        }
        break;
      }
      default:
        return null;
    }
    node = step.next;
  }
}

/** {@link walk}, giving up (not missed) where a name cannot be read; counts the names it adds from zero. */
function tryWalk(ctx: ChunkContext, start: number, end: number, builder: Builder | null): ShapeNode | null {
  addedCount = 0;
  try {
    return walk(ctx, start, end, builder);
  } catch (e) {
    if (!(e instanceof EvtxFormatError)) throw e;
    missed = false;
    return null;
  }
}

/** A new substitution of the template being learnt, for the next value. */
function slot(builder: Builder, type: number): XmlSubstitution {
  builder.types.push(type);
  return { kind: 'subst', index: builder.types.length - 1, type, optional: false };
}

/** Rebuilds the node tree decodeNodes gives for a plain record from its template and values. */
function materialize(nodes: readonly XmlNode[], values: readonly XmlValue[], types: readonly number[]): XmlNode[] {
  const out: XmlNode[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    switch (n.kind) {
      case 'element':
        out[i] = {
          kind: 'element',
          name: n.name,
          attributes: n.attributes.map((a) => ({ name: a.name, value: materialize(a.value, values, types) })),
          children: materialize(n.children, values, types),
        };
        break;
      case 'subst':
        out[i] = types[n.index] === ValueType.String
          ? { kind: 'text', text: values[n.index] as string, cdata: false }
          : { kind: 'literal', type: n.type, value: values[n.index] };
        break;
      case 'text':
        out[i] = { kind: 'text', text: n.text, cdata: n.cdata };
        break;
      default:
        throw new Error(`internal error: a plain record's template holds a ${n.kind} node`);
    }
  }
  return out;
}

/** A record decoded as an instance of a synthetic template; its node tree is built when first read. */
class PlainRecord implements EvtxRecord {
  #nodes: XmlNode[] | null = null;
  constructor(readonly recordId: number, readonly chunk: number, readonly offset: number, readonly instance: XmlTemplateInstance) {}

  get nodes(): XmlNode[] {
    this.#nodes ??= materialize(this.instance.template.nodes, this.instance.values, this.instance.types);
    return this.#nodes;
  }
}

/** Takes back the names the last walk added to the chunk's name cache. */
function forgetAddedNames(ctx: ChunkContext): void {
  if (addedCount === 0) return;
  for (let i = 0; i < addedCount; i++) ctx.names.delete(addedNames[i]);
  addedCount = 0;
  stamp++;
}

const withBigInts = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

/**
 * Learns the structure of a record that decodeNodes decoded to `nodes`: walks it again,
 * adding what the trie lacks and building the template, and keeps the template if the
 * tree rebuilt from it and the record's values is `nodes` exactly. Returns the
 * record's instance, or null (the structure is then marked unusable).
 */
function learn(ctx: ChunkContext, start: number, end: number, nodes: XmlNode[]): XmlTemplateInstance | null {
  if (stepCount >= MAX_STEPS) {
    root = newNode(false);
    stepCount = 0;
  }
  const builder: Builder = { roots: [], elements: [], attribute: null, types: [] };
  const node = tryWalk(ctx, start, end, builder);
  addedCount = 0; // decodeNodes has read every name already
  if (node === null || node.end !== null) return null;
  const template: XmlTemplate = Object.defineProperty({ offset: -1, nodes: builder.roots }, 'memo', { value: undefined, writable: true, enumerable: false });
  const recordValues = values.slice(0, valueCount);
  const same = JSON.stringify(materialize(template.nodes, recordValues, builder.types), withBigInts) === JSON.stringify(nodes, withBigInts);
  node.end = same ? { template, types: builder.types } : UNUSABLE;
  return same ? { kind: 'instance', template, values: recordValues, types: builder.types } : null;
}

/**
 * Decodes a record whose BinXML is not a single template instance: through its
 * learnt structure when it is a plain record met before (see the module comment), else
 * with decodeNodes (learning the structure of a plain record on the way). Throws
 * EvtxFormatError as decodeNodes does.
 *
 * @example
 * const r = decodePlainRecord(ctx, p + 24, p + size - 4, recordId, 0, 4096 + 512);
 * eventFromRecord(r); // no node tree built
 */
export function decodePlainRecord(ctx: ChunkContext, start: number, end: number, recordId: number, chunk: number, offset: number): EvtxRecord {
  if (!shapesEnabled) return { recordId, chunk, offset, nodes: decodeNodes(ctx, start, end, 0).nodes, instance: null };
  const node = tryWalk(ctx, start, end, null);
  const leaf = node?.end;
  if (leaf !== undefined && leaf !== null && leaf !== UNUSABLE) {
    return new PlainRecord(recordId, chunk, offset, { kind: 'instance', template: leaf.template, values: values.slice(0, valueCount), types: leaf.types });
  }
  forgetAddedNames(ctx);
  const nodes = decodeNodes(ctx, start, end, 0).nodes;
  const instance = (node === null ? missed : leaf === null) ? learn(ctx, start, end, nodes) : null;
  return { recordId, chunk, offset, nodes, instance };
}
