/**
 * BinXML token stream → {@link XmlNode} tree (MS-EVEN6 §2.2.12; libyal EVTX notes
 * §"Binary XML"). All offsets inside BinXML (names, template definitions) are relative
 * to the chunk start, so decoding runs against a {@link ChunkContext}.
 *
 * Names and templates are cached per chunk by offset: a chunk's first use of a name or
 * template carries it inline, later uses point back at it.
 */
import { EvtxFormatError, hex64, u16, u32, u64, utf16 } from './bytes.js';
import { ChunkOffsetTable } from './offset-table.js';
import { decodeInlineValue, decodeValue, fileTimeToIso, guidToString, templateGuid } from './values.js';
import {
  ValueType, type XmlAttribute, type XmlElement, type XmlFragment, type XmlNode, type XmlTemplate, type XmlTemplateInstance, type XmlValue,
} from './xml-tree.js';

/** Per-chunk decoding state: the chunk's bytes and what has been decoded from them. */
export interface ChunkContext {
  /** Bytes holding the chunk. */
  readonly buf: Uint8Array;
  /** Offset of the chunk's first byte in `buf`. */
  readonly base: number;
  /** Offset one past the chunk's last byte in `buf`. */
  readonly end: number;
  /** Names by the chunk offset of their structure. */
  readonly names: ChunkOffsetTable<string>;
  /** Templates by the chunk offset of their definition. */
  readonly templates: ChunkOffsetTable<XmlTemplate>;
  /** While a template is decoded: where its name offsets are (see {@link TemplateCache}). */
  trace: NameRef[] | null;
  /** Serial number of this context, unique in the process: caches tell chunks apart by it. */
  readonly id: number;
}

let contexts = 0;
const names = new ChunkOffsetTable<string>();
const templates = new ChunkOffsetTable<XmlTemplate>();

/**
 * Creates the decoding state for the 64 KiB chunk at `base`. Its name and template
 * tables are shared by every context and cleared here: chunks are decoded one at a time
 * (decoding is synchronous), and creating a context ends the previous one.
 */
export function chunkContext(buf: Uint8Array, base: number, end: number): ChunkContext {
  names.clear();
  templates.clear();
  return { buf, base, end, names, templates, trace: null, id: ++contexts };
}

// Token values (the 0x40 bit is "has more data": attributes follow / more values follow).
const TOK_EOF = 0x00;
const TOK_OPEN = 0x01;
const TOK_CLOSE_START = 0x02;
const TOK_CLOSE_EMPTY = 0x03;
const TOK_END = 0x04;
const TOK_VALUE = 0x05;
const TOK_ATTRIBUTE = 0x06;
const TOK_CDATA = 0x07;
const TOK_CHARREF = 0x08;
const TOK_ENTITYREF = 0x09;
const TOK_PI_TARGET = 0x0a;
const TOK_PI_DATA = 0x0b;
const TOK_TEMPLATE_INSTANCE = 0x0c;
const TOK_SUBST = 0x0d;
const TOK_OPTIONAL_SUBST = 0x0e;
const TOK_FRAGMENT_HEADER = 0x0f;
/** The tokens that plain (template-less) records are made of, for plain-record.ts. */
export const PLAIN_TOKENS = { TOK_EOF, TOK_OPEN, TOK_CLOSE_START, TOK_CLOSE_EMPTY, TOK_END, TOK_VALUE, TOK_ATTRIBUTE, TOK_FRAGMENT_HEADER, TOK_TEMPLATE_INSTANCE } as const;

/** Deepest element nesting accepted; real events nest < 10, fuzzed input can loop. */
export const MAX_DEPTH = 256;

/**
 * Reads a name structure (u32 next-offset, u16 hash, u16 length, UTF-16 chars, NUL).
 * When the structure sits at the read position (`rel === pos`), it is inline and the
 * returned `next` skips past it; otherwise it is a back-reference and `next` is `pos`.
 * Every name read is remembered in `ctx.names` (which {@link hasDependencyId} consults).
 */
export function readName(ctx: ChunkContext, rel: number, pos: number): { name: string; next: number } {
  const posRel = pos - ctx.base;
  const cached = ctx.names.get(rel);
  const inline = rel === posRel;
  let name = cached;
  let length = 0;
  const at = ctx.base + rel;
  if (name === undefined || inline) {
    if (rel < 0 || at + 8 > ctx.end) throw new EvtxFormatError(`name offset 0x${rel.toString(16)} outside chunk`, posRel);
    const chars = u16(ctx.buf, at + 6);
    length = 8 + chars * 2 + 2;
    if (at + length > ctx.end) throw new EvtxFormatError(`name at 0x${rel.toString(16)} of ${chars} chars runs past chunk end`, rel);
    if (name === undefined) {
      name = utf16(ctx.buf, at + 8, chars);
      ctx.names.set(rel, name);
    }
  }
  ctx.trace?.push({ field: pos - 4, inline, name });
  return { name, next: inline ? pos + length : pos };
}

/**
 * Whether the open-start-element token at `pos` carries the 2-byte dependency id
 * before its data size. Template definitions written by Windows always have it; records
 * re-serialised without templates (seen in exported samples, e.g. Defender logs) do
 * not. Both readings are tried: the one whose name offset is the inline position, or
 * an already-known name, wins; otherwise the standard layout is assumed.
 *
 * `known`, when not -1, is an offset the caller knows to be in `ctx.names`, and so is
 * answered without a lookup. Offsets past the chunk's end cannot be known names (every
 * name cached was read inside the chunk), which spares a lookup for most misreadings.
 */
export function hasDependencyId(ctx: ChunkContext, pos: number, end: number, known = -1): boolean {
  const b = ctx.buf;
  const withRel = pos + 11 <= end ? u32(b, pos + 7) : -1;
  if (withRel === pos + 11 - ctx.base) return true;
  const withoutRel = u32(b, pos + 5);
  if (withoutRel === pos + 9 - ctx.base) return false;
  const limit = ctx.end - ctx.base;
  if (withRel === known || (withRel < limit && ctx.names.has(withRel))) return true;
  if (withoutRel === known || (withoutRel < limit && ctx.names.has(withoutRel))) return false;
  return true;
}

/** A name offset inside a template definition: where the field is, and what it named. */
interface NameRef {
  /** Absolute position of the 4-byte offset field while decoding; relative to the data in the cache. */
  field: number;
  /** The name structure follows the field (defined here) rather than elsewhere in the chunk. */
  readonly inline: boolean;
  readonly name: string;
}

/**
 * A decoded template and what is needed to recognise it in another chunk. The name
 * offset fields ({@link NameRef}s sorted by position, relative to the data start) are
 * kept as parallel arrays: checking them is the hot part of reusing a template.
 */
interface CachedTemplate {
  readonly template: XmlTemplate;
  /** The definition's BinXML bytes. */
  readonly bytes: Uint8Array;
  /** Position of each name offset field. */
  readonly fields: Int32Array;
  /** 1 where the name structure follows its field (defined there), 0 for a reference. */
  readonly inline: Uint8Array;
  /** The name each field gave. */
  readonly names: readonly string[];
  /**
   * Chunk offset of the data where the definition last matched. Definitions often sit
   * at the same offset of their chunk (the first record of a log's chunk defines the same
   * templates at the same places): their bytes are then those of the last match, name
   * offsets included, and one memcmp stands for the field-by-field copy.
   */
  lastAt: number;
}

/**
 * Templates across chunks. Every chunk defines its templates again (they are
 * chunk-local), typically byte for byte the same except for the chunk offsets of names.
 * A definition whose GUID and size match a cached one, whose bytes match outside the
 * name-offset fields, whose inline names sit at the same relative place and whose
 * back-referenced names read the same, decodes to the same tree: the cached template is
 * reused and nothing is parsed. Anything else is decoded normally.
 */
const templateCache = new Map<string, CachedTemplate[]>();
/** GUIDs cached; the cache is emptied when full (crafted input can define any number). */
const MAX_CACHED_TEMPLATES = 2048;
/** Definitions kept per GUID, by size. */
const MAX_SIZES_PER_GUID = 8;
let templateCacheEnabled = true;

/** Turns the cross-chunk template cache on or off (tests compare both); clears it. */
export function useTemplateCache(enabled: boolean): void {
  templateCacheEnabled = enabled;
  templateCache.clear();
  slotSizes.fill(-1);
  slotEntries.fill(null);
}

/**
 * The cache's entries by GUID bytes and size, direct-mapped: most definitions are found
 * here without formatting their GUID as text and looking the text up (a Map lookup whose
 * memory accesses were a third of matching a small log's templates). `templateCache`
 * stays the cache of record; a slot only remembers one of its entries, and a slot whose
 * entry left it still holds a template that decodes as the definition it matched.
 */
const SLOTS = 4096;
const slotGuids = new Uint8Array(SLOTS * 16);
const slotSizes = new Int32Array(SLOTS).fill(-1);
const slotEntries = new Array<CachedTemplate | null>(SLOTS).fill(null);

/** Slot of the definition whose GUID is at `o`: its first 4 bytes, the random template id, mixed with the size. */
function slotOf(b: Uint8Array, o: number, size: number): number {
  return ((u32(b, o) ^ Math.imul(size, 0x9e3779b1)) >>> 0) & (SLOTS - 1);
}

function slotEntry(b: Uint8Array, o: number, size: number): CachedTemplate | undefined {
  const s = slotOf(b, o, size);
  if (slotSizes[s] !== size) return undefined;
  for (let i = 0; i < 16; i++) if (slotGuids[s * 16 + i] !== b[o + i]) return undefined;
  return slotEntries[s] ?? undefined;
}

function setSlotEntry(b: Uint8Array, o: number, size: number, entry: CachedTemplate): void {
  const s = slotOf(b, o, size);
  for (let i = 0; i < 16; i++) slotGuids[s * 16 + i] = b[o + i];
  slotSizes[s] = size;
  slotEntries[s] = entry;
}

/**
 * Checks a cached template against the definition data at `data` (absolute) in this
 * chunk. The chunk-dependent fields (name offsets, inline names' next-pointers) are
 * checked one by one and copied into the cached bytes, so that everything else is
 * compared with one native memcmp — unless the definition sits where it last matched
 * (see {@link CachedTemplate.lastAt}).
 */
function matchesCached(ctx: ChunkContext, c: CachedTemplate, data: number): boolean {
  const b = ctx.buf;
  const bytes = c.bytes;
  const { fields, inline, names } = c;
  if (c.lastAt === data - ctx.base && (b as Buffer).compare(bytes, 0, bytes.length, data, data + bytes.length) === 0) {
    // Inline names sit where they sat (their offsets are in the bytes compared); the
    // names referred to are checked as below, in the same order.
    for (let r = 0; r < fields.length; r++) if (inline[r] === 0 && !namesAt(ctx, u32(b, data + fields[r]), names[r])) return false;
  } else {
    for (let r = 0; r < fields.length; r++) {
      const field = fields[r];
      const at = data + field;
      const rel = u32(b, at);
      if (inline[r] === 1) {
        if (rel !== at + 4 - ctx.base) return false;
        for (let k = 0; k < 8; k++) bytes[field + k] = b[at + k]; // the offset and the name's next-pointer
      } else {
        if (!namesAt(ctx, rel, names[r])) return false;
        for (let k = 0; k < 4; k++) bytes[field + k] = b[at + k];
      }
    }
    if ((b as Buffer).compare(bytes, 0, bytes.length, data, data + bytes.length) !== 0) return false;
    c.lastAt = data - ctx.base;
  }
  // Names defined inline here are now known at their offsets in this chunk.
  for (let r = 0; r < fields.length; r++) if (inline[r] === 1) ctx.names.set(data + fields[r] + 4 - ctx.base, names[r]);
  return true;
}

/** True when the name at chunk offset `rel` is `name` (reading it, and so caching it, if need be). */
function namesAt(ctx: ChunkContext, rel: number, name: string): boolean {
  const known = ctx.names.get(rel);
  return known !== undefined ? known === name : readName(ctx, rel, -1).name === name;
}

/**
 * A decoded template, with the value types of its last instance: instances of a template
 * nearly always have the same types, and then share one array (see
 * decodeTemplateInstance). Not enumerable: it is no part of what the template means.
 */
interface DecodedTemplate extends XmlTemplate {
  sharedTypes: number[] | null;
}

/** `template` with its (not enumerable) slots: the types shared by its instances, and consumers' memo. */
function decodedTemplate(template: XmlTemplate): DecodedTemplate {
  return Object.defineProperties(template, {
    sharedTypes: { value: null, writable: true, enumerable: false },
    memo: { value: undefined, writable: true, enumerable: false },
  }) as DecodedTemplate;
}

/**
 * Decodes a template definition at chunk-relative `rel`: u32 next-offset, 16-byte GUID
 * (its first 4 bytes are the template id), u32 data size, then a BinXML fragment.
 */
function readTemplate(ctx: ChunkContext, rel: number): { template: XmlTemplate; length: number } {
  const at = ctx.base + rel;
  if (rel < 0 || at + 24 > ctx.end) throw new EvtxFormatError(`template offset 0x${rel.toString(16)} outside chunk`, rel);
  const size = u32(ctx.buf, at + 20);
  if (at + 24 + size > ctx.end) throw new EvtxFormatError(`template at 0x${rel.toString(16)} of ${size} bytes runs past chunk end`, rel);
  let template = ctx.templates.get(rel);
  if (template !== undefined) return { template, length: 24 + size };
  let guid: string | undefined;
  let cached = slotEntry(ctx.buf, at + 4, size);
  if (cached === undefined) {
    guid = templateGuid(ctx.buf, at + 4);
    // Keyed by the GUID, then the size: the GUID's text usually comes from the GUID cache
    // as the same string object, whose hash V8 keeps, where a `guid:size` key would be a
    // new string to hash for every definition of every chunk. One GUID often comes in two
    // sizes (its names inline in one chunk, referenced in another).
    const sameGuid = templateCache.get(guid);
    if (sameGuid !== undefined) for (const c of sameGuid) if (c.bytes.length === size) { cached = c; break; }
    if (cached !== undefined) setSlotEntry(ctx.buf, at + 4, size, cached);
  }
  if (cached !== undefined && ctx.trace === null && templateCacheEnabled) {
    try {
      if (matchesCached(ctx, cached, at + 24)) {
        ctx.templates.set(rel, cached.template);
        return { template: cached.template, length: 24 + size };
      }
    } catch (e) {
      if (!(e instanceof EvtxFormatError)) throw e; // an unreadable back-reference: decode normally
    }
  }
  guid ??= templateGuid(ctx.buf, at + 4);
  // Register before decoding so a self-referencing (corrupt) template cannot recurse.
  const nodes: XmlNode[] = [];
  template = decodedTemplate({ offset: rel, guid, nodes });
  ctx.templates.set(rel, template);
  const outerTrace = ctx.trace;
  const trace: NameRef[] = [];
  ctx.trace = trace;
  try {
    nodes.push(...decodeNodes(ctx, at + 24, at + 24 + size, 0, true).nodes);
  } catch (e) {
    ctx.templates.delete(rel);
    throw e;
  } finally {
    ctx.trace = outerTrace;
  }
  if (outerTrace === null) {
    for (const ref of trace) ref.field -= at + 24;
    trace.sort((x, y) => x.field - y.field);
    if (templateCache.size >= MAX_CACHED_TEMPLATES) templateCache.clear();
    const entry: CachedTemplate = {
      template,
      bytes: Uint8Array.prototype.slice.call(ctx.buf, at + 24, at + 24 + size),
      fields: Int32Array.from(trace, (ref) => ref.field),
      inline: Uint8Array.from(trace, (ref) => (ref.inline ? 1 : 0)),
      names: trace.map((ref) => ref.name),
      lastAt: -1,
    };
    setSlotEntry(ctx.buf, at + 4, size, entry);
    const list = templateCache.get(guid);
    if (list === undefined) templateCache.set(guid, [entry]);
    else {
      const i = list.findIndex((c) => c.bytes.length === size);
      if (i >= 0) list[i] = entry;
      else if (list.length < MAX_SIZES_PER_GUID) list.push(entry);
      else list[list.length - 1] = entry;
    }
  }
  return { template, length: 24 + size };
}

/**
 * Decodes a BinXML stream between `start` and `end` (absolute offsets in `ctx.buf`)
 * until its end-of-stream token. Returns the top-level nodes and where decoding stopped.
 * `inTemplate` marks a template definition, where substitutions are legal and
 * template instances are not.
 */
export function decodeNodes(ctx: ChunkContext, start: number, end: number, depth: number, inTemplate = false): { nodes: XmlNode[]; pos: number } {
  if (depth > 8) throw new EvtxFormatError('nested BinXML deeper than 8 levels', start - ctx.base);
  const b = ctx.buf;
  const root: XmlNode[] = [];
  const stack: XmlElement[] = [];
  let attr: XmlAttribute | null = null;
  let pos = start;
  const rel = (): number => pos - ctx.base;
  const need = (n: number): void => {
    if (pos + n > end) throw new EvtxFormatError(`BinXML token 0x${b[pos].toString(16)} needs ${n} bytes, ${end - pos} left`, rel());
  };
  const append = (node: XmlNode): void => {
    if (attr !== null) attr.value.push(node);
    else if (stack.length > 0) stack[stack.length - 1].children.push(node);
    else root.push(node);
  };

  while (pos < end) {
    const token = b[pos];
    switch (token & 0xbf) {
      case TOK_EOF:
        pos++;
        if (stack.length > 0) throw new EvtxFormatError(`end of BinXML stream with ${stack.length} unclosed element(s)`, rel() - 1);
        return { nodes: root, pos };
      case TOK_FRAGMENT_HEADER:
        need(4);
        pos += 4;
        break;
      case TOK_OPEN: {
        need(9);
        if (stack.length >= MAX_DEPTH) throw new EvtxFormatError(`elements nested deeper than ${MAX_DEPTH}`, rel());
        pos += hasDependencyId(ctx, pos, end) ? 11 : 9;
        const n = readName(ctx, u32(b, pos - 4), pos);
        pos = n.next;
        if (token & 0x40) { need(4); pos += 4; } // attribute list size
        const el: XmlElement = { kind: 'element', name: n.name, attributes: [], children: [] };
        attr = null;
        append(el);
        stack.push(el);
        break;
      }
      case TOK_ATTRIBUTE: {
        need(5);
        const el = stack[stack.length - 1];
        if (el === undefined) throw new EvtxFormatError('attribute outside an element', rel());
        const n = readName(ctx, u32(b, pos + 1), pos + 5);
        pos = n.next;
        attr = { name: n.name, value: [] };
        el.attributes.push(attr);
        break;
      }
      case TOK_CLOSE_START:
        if (stack.length === 0) throw new EvtxFormatError('close-start-element outside an element', rel());
        attr = null;
        pos++;
        break;
      case TOK_CLOSE_EMPTY:
      case TOK_END:
        if (stack.length === 0) throw new EvtxFormatError('end-element without an open element', rel());
        attr = null;
        stack.pop();
        pos++;
        break;
      case TOK_VALUE: {
        need(2);
        const type = b[pos + 1];
        const v = decodeInlineValue(b, pos + 2, end, type);
        pos += 2 + v.length;
        append(typeof v.value === 'string' ? { kind: 'text', text: v.value, cdata: false } : { kind: 'literal', type, value: v.value });
        break;
      }
      case TOK_CDATA: {
        need(3);
        const chars = u16(b, pos + 1);
        need(3 + chars * 2);
        append({ kind: 'text', text: utf16(b, pos + 3, chars), cdata: true });
        pos += 3 + chars * 2;
        break;
      }
      case TOK_CHARREF:
        need(3);
        append({ kind: 'charref', code: u16(b, pos + 1) });
        pos += 3;
        break;
      case TOK_ENTITYREF: {
        need(5);
        const n = readName(ctx, u32(b, pos + 1), pos + 5);
        pos = n.next;
        append({ kind: 'entityref', name: n.name });
        break;
      }
      case TOK_PI_TARGET: {
        need(5);
        const n = readName(ctx, u32(b, pos + 1), pos + 5);
        pos = n.next;
        let data = '';
        if (pos < end && b[pos] === TOK_PI_DATA) {
          need(3);
          const chars = u16(b, pos + 1);
          need(3 + chars * 2);
          data = utf16(b, pos + 3, chars);
          pos += 3 + chars * 2;
        }
        append({ kind: 'pi', target: n.name, data });
        break;
      }
      case TOK_TEMPLATE_INSTANCE:
        // Windows never nests instances in a template definition; refusing them keeps a
        // crafted chunk from building self-referencing or exponentially expanding trees.
        if (inTemplate) throw new EvtxFormatError('template instance inside a template definition', rel());
        pos = decodeTemplateInstance(ctx, pos, end, depth, append).end;
        break;
      case TOK_SUBST:
      case TOK_OPTIONAL_SUBST:
        need(4);
        append({ kind: 'subst', index: u16(b, pos + 1), type: b[pos + 3], optional: (token & 0xbf) === TOK_OPTIONAL_SUBST });
        pos += 4;
        break;
      default:
        throw new EvtxFormatError(`unknown BinXML token 0x${token.toString(16)}`, rel());
    }
  }
  // Streams inside a sized container (template data, nested BinXML) may end without EOF.
  if (stack.length > 0) throw new EvtxFormatError(`BinXML ended with ${stack.length} unclosed element(s)`, rel());
  return { nodes: root, pos };
}

/**
 * Token 0x0C: u8 unknown, u32 template id, u32 definition offset, [inline definition],
 * u32 value count, count × (u16 size, u8 type, u8 0), then the values back to back.
 */
function decodeTemplateInstance(
  ctx: ChunkContext, start: number, end: number, depth: number, append: ((n: XmlNode) => void) | null,
): XmlTemplateInstance & { end: number } {
  const b = ctx.buf;
  if (start + 10 > end) throw new EvtxFormatError('template instance header past end of data', start - ctx.base);
  const defRel = u32(b, start + 6);
  let pos = start + 10;
  let template: XmlTemplate;
  if (defRel === pos - ctx.base) {
    const t = readTemplate(ctx, defRel);
    template = t.template;
    pos += t.length;
  } else {
    template = ctx.templates.get(defRel) ?? readTemplate(ctx, defRel).template;
  }
  if (pos + 4 > end) throw new EvtxFormatError('template instance value count past end of data', pos - ctx.base);
  const count = u32(b, pos);
  pos += 4;
  if (pos + count * 4 > end) throw new EvtxFormatError(`template instance declares ${count} values, more than the data holds`, pos - ctx.base);
  // The previous instance's types, shared until a type differs (then copied up to there).
  const shared = (template as DecodedTemplate).sharedTypes ?? null;
  let types: number[] = shared !== null && shared.length === count ? shared : new Array(count);
  let own = types !== shared;
  const values: XmlValue[] = new Array(count);
  let data = pos + count * 4;
  // Strings are most of a record's values, and usually come in runs: string fields laid
  // out back to back (Windows writes an event's string fields together). Each run is
  // decoded as UTF-16 with one native call, in place, and its strings sliced out of it:
  // far cheaper than one call per string. A run holds nothing but its strings, so its
  // text is one-byte in V8 whenever they are Latin-1 (decoding the GUIDs, integers and
  // SIDs between runs with them would make every string two-byte: twice the memory, and
  // slower JSON, regular expressions and hashing downstream).
  let runText = '';
  let runFrom = 0;
  let runEnd = -1;
  for (let i = 0; i < count; i++) {
    const size = u16(b, pos + i * 4);
    const type = b[pos + i * 4 + 2];
    if (own) types[i] = type;
    else if (types[i] !== type) {
      types = types.slice(0, i);
      types.push(type);
      own = true;
    }
    if (data + size > end) throw new EvtxFormatError(`value ${i} (type 0x${type.toString(16)}, ${size} bytes) runs past end of record`, data - ctx.base);
    if (type === ValueType.String) {
      let chars = size >> 1;
      while (chars > 0 && b[data + chars * 2 - 2] === 0 && b[data + chars * 2 - 1] === 0) chars--; // trailing NULs
      if (chars === 0) values[i] = '';
      else {
        if (data >= runEnd) {
          // A new run: this string and the strings right after it, at the same parity.
          let at = data + size;
          for (let j = i + 1; j < count; j++) {
            const next = u16(b, pos + j * 4);
            if (next === 0) continue;
            if (b[pos + j * 4 + 2] !== ValueType.String || ((at - data) & 1) !== 0) break;
            at += next;
          }
          runFrom = data;
          runEnd = Math.min(at, end);
          runText = utf16(b, data, (runEnd - data) >> 1);
        }
        const from = (data - runFrom) >> 1;
        values[i] = runText.slice(from, from + chars);
      }
    } else if (type === ValueType.BinXml) {
      values[i] = { kind: 'fragment', nodes: decodeFragment(ctx, data, data + size, depth + 1) } satisfies XmlFragment;
    } else {
      values[i] = scalarValue(b, data, size, type);
    }
    data += size;
  }
  if (own) (template as DecodedTemplate).sharedTypes = types;
  const instance = { kind: 'instance' as const, template, values, types, end: data };
  append?.(instance);
  return instance;
}

/**
 * A non-string value of a template instance. The types every record carries (System's
 * levels, ids, times, keywords, GUIDs, SIDs) are decoded here directly when their size
 * holds them; anything else, and any size that does not, goes through decodeValue, which
 * also reports the errors.
 */
function scalarValue(b: Uint8Array, o: number, size: number, type: number): XmlValue {
  switch (type) {
    case ValueType.Null: return null;
    case ValueType.UInt8: if (size >= 1) return b[o]; break;
    case ValueType.UInt16: if (size >= 2) return u16(b, o); break;
    case ValueType.UInt32: if (size >= 4) return u32(b, o); break;
    case ValueType.UInt64: if (size >= 8) return u64(b, o); break;
    case ValueType.HexInt64: if (size >= 8) return hex64(b, o); break;
    case ValueType.FileTime: if (size >= 8) return fileTimeToIso(b, o); break;
    case ValueType.Guid: if (size >= 16) return guidToString(b, o); break;
  }
  return decodeValue(b, o, size, type);
}

/**
 * The template instance a BinXML fragment consists of, when it is a fragment header, one
 * template instance and an end-of-stream token: nearly every fragment Windows writes (a
 * record's, and a nested BinXML value's, which in EVTX usually carries EventData). That
 * shape is decoded directly, without the general token loop and its per-call closures;
 * null for any other shape.
 */
export function decodeSoleInstance(ctx: ChunkContext, start: number, end: number, depth: number): XmlTemplateInstance | null {
  const b = ctx.buf;
  if (depth <= 8 && start + 5 <= end && b[start] === TOK_FRAGMENT_HEADER && b[start + 4] === TOK_TEMPLATE_INSTANCE) {
    const instance = decodeTemplateInstance(ctx, start + 4, end, depth, null);
    if (instance.end < end && b[instance.end] === TOK_EOF) return instance;
  }
  return null;
}

/**
 * Decodes a BinXML fragment. Anything but the usual shape (see {@link decodeSoleInstance})
 * goes through {@link decodeNodes}, which gives the same nodes for that shape.
 */
function decodeFragment(ctx: ChunkContext, start: number, end: number, depth: number): XmlNode[] {
  const instance = decodeSoleInstance(ctx, start, end, depth);
  return instance !== null ? [instance] : decodeNodes(ctx, start, end, depth).nodes;
}
