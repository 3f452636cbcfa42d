/**
 * The Sysmon rule engine, reproduced: given a config and an event's fields, would Sysmon
 * log the event, and which rule decided? Semantics from shared/specs/windows-events.md §1
 * (Microsoft's SysmonCommon rule engine wins over the docs):
 * - exclude blocks first: an exclude match drops the event whatever includes say;
 * - then include blocks: a match logs it;
 * - no match: no block for the type → only ProcessCreate/ProcessTerminate are logged;
 *   one block → its default (include drops the rest, exclude keeps it); several → dropped;
 * - in a block, loose filters combine with AND when schemaversion > 4.1, OR when <= 4.1, and
 *   `<RuleGroup groupRelation>` overrides (no attribute: AND); in an AND, filters on the same
 *   field are OR'ed; `<Rule groupRelation="and">` ANDs every child, same field included;
 *   a `<Rule>` without groupRelation ORs its children;
 * - RuleName: the matching filter's name, else the `<Rule>`'s, else the RuleGroup's.
 *
 * Configs of thousands of filters are indexed: each rule is anchored on one clause of
 * positive filters (`is`, `begin with`, `contains`…), found per event by hash lookups and
 * one many-needle scan per field, so an event only runs the rules that can match it.
 */
import { NeedleIndex } from '../detect/needle-index.js';
import { AffixIndex } from './affix-index.js';
import { eventTag, tagOfEventId, type EventTagSpec } from './catalog.js';
import { alternatives, baseName, conditionTest, type ValueTest } from './conditions.js';
import { eventBlocks, fieldClauses, type EventBlock, type FieldFilter, type Relation, type RuleGroup, type SysmonConfig } from './model.js';

/** Why an event was logged or dropped. */
export type VerdictReason =
  | 'exclude-rule' | 'include-rule'
  | 'no-filter' // no block for the type: Sysmon's built-in default
  | 'include-default' // one exclude block and no match: kept
  | 'exclude-default' // one include block (or several blocks) and no match: dropped
  | 'not-filterable'; // Sysmon's own service events (4, 16, 255) are always written

/** Sysmon's decision for one event. */
export interface Verdict {
  readonly decision: 'include' | 'exclude';
  /** The RuleName Sysmon reports ("" for a matching rule without a name); null when no rule matched. */
  readonly ruleName: string | null;
  /** Config line of the rule that matched (its first filter's line for AND rules), or null. */
  readonly line: number | null;
  readonly reason: VerdictReason;
  /** The event tag (`NetworkConnect`), or null for IDs that are not filterable. */
  readonly tag: string | null;
}

/** An event's fields by name (as Sysmon writes them; lookups forgive case). */
export type EventFields = Readonly<Record<string, unknown>>;

/** Numbers the fields a config reads, so that an event's values live in arrays, not maps. */
class FieldSlots {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  slot(name: string): number {
    let s = this.byName.get(name);
    if (s === undefined) { s = this.names.length; this.names.push(name); this.byName.set(name, s); }
    return s;
  }
}

/**
 * One event's field values as strings, as written and lowercased, each computed once.
 * The simulator reuses one view for every event: {@link reset} only bumps a generation
 * number, so nothing is allocated or cleared per event.
 */
class EventView {
  private readonly raws: string[];
  private readonly lowers: string[];
  private readonly rawAt: Float64Array;
  private readonly lowerAt: Float64Array;
  private generation = 0;
  private folded: Map<string, unknown> | null = null;
  private fields: EventFields = {};

  constructor(private readonly names: readonly string[]) {
    this.raws = names.map(() => '');
    this.lowers = names.map(() => '');
    this.rawAt = new Float64Array(names.length);
    this.lowerAt = new Float64Array(names.length);
  }

  reset(fields: EventFields): this {
    this.fields = fields;
    this.generation++;
    this.folded = null;
    return this;
  }

  /** The value as a string, as written; absent fields are empty (Sysmon always writes every field of its schema). */
  raw(slot: number): string {
    if (this.rawAt[slot] === this.generation) return this.raws[slot];
    const name = this.names[slot];
    let x = this.fields[name];
    if (x === undefined) {
      this.folded ??= new Map(Object.entries(this.fields).map(([k, y]) => [k.toLowerCase(), y]));
      x = this.folded.get(name.toLowerCase());
    }
    const v = x === undefined || x === null ? '' : typeof x === 'string' ? x : String(x);
    this.raws[slot] = v;
    this.rawAt[slot] = this.generation;
    return v;
  }

  /** The value lowercased, as conditions compare it. */
  get(slot: number): string {
    if (this.lowerAt[slot] === this.generation) return this.lowers[slot];
    const v = this.raw(slot).toLowerCase();
    this.lowers[slot] = v;
    this.lowerAt[slot] = this.generation;
    return v;
  }
}

/** One compiled filter. */
interface CompiledFilter {
  readonly field: string;
  readonly slot: number;
  readonly test: ValueTest;
  readonly name: string | undefined;
  readonly source: FieldFilter;
}

/** A rule as Sysmon evaluates it: an AND of clauses, each an OR of filters. */
interface Unit {
  readonly clauses: readonly (readonly CompiledFilter[])[];
  /** Name when no matching filter has one: the `<Rule>`'s, else the RuleGroup's. */
  readonly fallbackName: string | undefined;
  readonly line: number;
}

/** A unit's RuleName and line when it matches the event, else null. */
function matchUnit(unit: Unit, view: EventView): { name: string; line: number } | null {
  let named: string | undefined;
  for (const clause of unit.clauses) {
    let hit: CompiledFilter | undefined;
    for (const f of clause) if (f.test(view.get(f.slot))) { hit = f; break; }
    if (hit === undefined) return null;
    named ??= hit.name;
  }
  return { name: named ?? unit.fallbackName ?? '', line: unit.line };
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** The canonical field name for a config field (Sysmon matches field names case-insensitively). */
function canonicalField(spec: EventTagSpec, field: string): string {
  return spec.fields.find((f) => f.toLowerCase() === field.toLowerCase()) ?? field;
}

/** The block's relation for loose filters (§1 "Combining filters in a block"). */
export function blockRelation(schema: number | null, group: RuleGroup | null): Relation {
  if (group !== null) return group.groupRelation ?? 'and';
  return schema !== null && schema <= 4.1 ? 'or' : 'and';
}

/** Splits a block into the units Sysmon evaluates, in document order. */
function units(block: EventBlock, group: RuleGroup | null, schema: number | null, slots: FieldSlots): Unit[] {
  const spec = eventTag(block.tag);
  if (spec === undefined) return [];
  const groupName = nonEmpty(group?.name);
  const compile = (f: FieldFilter): CompiledFilter => ({ field: canonicalField(spec, f.field), slot: slots.slot(canonicalField(spec, f.field)), test: conditionTest(f.condition, f.value), name: nonEmpty(f.name), source: f });
  const out: { at: number; unit: Unit }[] = [];
  const loose: CompiledFilter[] = [];
  const relation = blockRelation(schema, group);
  block.items.forEach((item, at) => {
    if (item.kind === 'filter') {
      const f = compile(item);
      if (relation === 'or') out.push({ at, unit: { clauses: [[f]], fallbackName: groupName, line: item.line } });
      else loose.push(f);
    } else if (item.kind === 'rule') {
      const filters = item.items.filter((x): x is FieldFilter => x.kind === 'filter').map(compile);
      if (filters.length === 0) return; // an empty <Rule> matches nothing
      const fallbackName = nonEmpty(item.name) ?? groupName;
      if (item.groupRelation === 'and') out.push({ at, unit: { clauses: filters.map((f) => [f]), fallbackName, line: item.line } });
      else for (const f of filters) out.push({ at, unit: { clauses: [[f]], fallbackName, line: f.source.line } });
    }
  });
  if (loose.length > 0) {
    // AND of fields, OR within a field (§1: "(any filter on A) AND (any filter on B)").
    const first = block.items.findIndex((i) => i.kind === 'filter');
    out.push({ at: first, unit: { clauses: fieldClauses(loose), fallbackName: groupName, line: loose[0].source.line } });
  }
  return out.sort((a, b) => a.at - b.at).map((u) => u.unit);
}

/** Keys under which a filter can be found in an event value: exact values, file names, prefixes, suffixes or needles. */
type Anchor = { kind: 'exact' | 'base' | 'prefix' | 'suffix' | 'needle'; keys: string[] };

/** How to find events a filter may match without running it, or null when it may match anything. */
function anchorOf(f: FieldFilter): Anchor | null {
  const x = f.value.toLowerCase();
  switch (f.condition) {
    case 'is': return { kind: 'exact', keys: [x] };
    case 'is any': return { kind: 'exact', keys: alternatives(f.value) };
    case 'image': return { kind: x.includes('\\') ? 'exact' : 'base', keys: [x] };
    case 'begin with': return x === '' ? null : { kind: 'prefix', keys: [x] };
    case 'end with': return x === '' ? null : { kind: 'suffix', keys: [x] };
    case 'contains': return x === '' ? null : { kind: 'needle', keys: [x] };
    case 'contains any': { const xs = alternatives(f.value); return xs.includes('') ? null : { kind: 'needle', keys: xs }; }
    // Every alternative must be present: the longest one is the most selective anchor.
    case 'contains all': { const longest = alternatives(f.value).reduce((a, b) => (b.length > a.length ? b : a)); return longest === '' ? null : { kind: 'needle', keys: [longest] }; }
    default: return null;
  }
}

/** Sorts numbers ascending and removes duplicates, in place. */
function sortUnique(ids: number[]): void {
  ids.sort((a, b) => a - b);
  let w = 1;
  for (let r = 1; r < ids.length; r++) if (ids[r] !== ids[w - 1]) ids[w++] = ids[r];
  ids.length = w;
}

/**
 * The anchors of one field in one block: which units a value can match. Answers are
 * cached by the value as written: event streams repeat the same images, paths and keys,
 * and a hit then costs one hash lookup instead of lowercasing and scanning.
 */
class FieldIndex {
  readonly exact = new Map<string, number[]>();
  readonly base = new Map<string, number[]>();
  readonly prefixes: [string, number][] = [];
  readonly suffixes: [string, number][] = [];
  readonly needles: string[] = [];
  readonly needleUnits: number[] = [];
  private prefixIndex: AffixIndex | null = null;
  private suffixIndex: AffixIndex | null = null;
  private needleIndex: NeedleIndex | null = null;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(readonly slot: number) {}

  add(anchor: Anchor, id: number): void {
    for (const k of anchor.keys) {
      switch (anchor.kind) {
        case 'exact': addTo(this.exact, k, id); break;
        case 'base': addTo(this.base, k, id); break;
        case 'prefix': this.prefixes.push([k, id]); break;
        case 'suffix': this.suffixes.push([k, id]); break;
        case 'needle': this.needles.push(k); this.needleUnits.push(id); break;
      }
    }
  }

  build(): void {
    if (this.prefixes.length > 0) this.prefixIndex = new AffixIndex(this.prefixes, false);
    if (this.suffixes.length > 0) this.suffixIndex = new AffixIndex(this.suffixes, true);
    if (this.needles.length > 0) this.needleIndex = new NeedleIndex(this.needles);
  }

  /**
   * Units (sorted ids) whose anchor on this field the event's value satisfies. The array
   * is only valid until the next call (it may be this index's scratch array).
   */
  candidates(view: EventView): readonly number[] {
    const raw = view.raw(this.slot);
    if (this.caching) {
      const cached = this.cache.get(raw);
      this.lookups++;
      if (cached !== undefined) { this.hits++; return cached; }
      if (this.lookups === CACHE_TRIAL) this.judgeCache();
    } else if (++this.lookups >= CACHE_RETRY) {
      // Streams change (a burst of repeated images after unique command lines): measure again.
      this.caching = true;
      this.lookups = this.hits = 0;
    }
    const v = view.get(this.slot);
    const ids = this.scratch;
    ids.length = 0;
    const exact = this.exact.get(v);
    if (exact) this.push(exact);
    if (this.base.size > 0) { const b = this.base.get(baseName(v)); if (b) this.push(b); }
    this.prefixIndex?.match(v, this.push);
    this.suffixIndex?.match(v, this.push);
    this.needleIndex?.search(v, this.pushNeedle);
    if (ids.length > 1) sortUnique(ids);
    if (!this.caching) return ids;
    const result = ids.slice();
    // Bounded: a stream of unique values (command lines) must not grow memory without end.
    if (this.cache.size >= FIELD_CACHE_SIZE) this.cache.clear();
    this.cache.set(raw, result);
    return result;
  }

  private readonly scratch: number[] = [];
  private readonly push = (found: readonly number[]): void => { for (const id of found) this.scratch.push(id); };
  private readonly pushNeedle = (n: number): void => { this.scratch.push(this.needleUnits[n]); };
  private caching = true;
  private lookups = 0;
  private hits = 0;

  /** Stops caching a field whose values rarely repeat (command lines): entries would cost more than they save. */
  private judgeCache(): void {
    if (this.hits < this.lookups * MIN_CACHE_HIT_RATE) { this.caching = false; this.cache.clear(); }
    this.lookups = this.hits = 0;
  }
}

/** Lookups after which a field's cache is judged, and after which a dropped cache is tried again. */
const CACHE_TRIAL = 8192;
const CACHE_RETRY = 262_144;
/** Below this hit rate a field is not cached. */
const MIN_CACHE_HIT_RATE = 0.3;

/** Appends `id` to the list under `key`. */
function addTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}

/** Values remembered per field and block (see {@link FieldIndex}). */
const FIELD_CACHE_SIZE = 4096;

/** Units of one block indexed by anchor; finds the candidates for an event in rule order. */
class BlockIndex {
  private readonly fields: FieldIndex[] = [];
  private readonly always: number[] = [];
  private readonly mark: Uint8Array;
  private readonly found: number[] = [];

  constructor(readonly units: readonly Unit[]) {
    this.mark = new Uint8Array(units.length);
    const byField = new Map<number, FieldIndex>();
    units.forEach((unit, id) => {
      const clause = unit.clauses.find((c) => c.every((f) => anchorOf(f.source) !== null));
      if (clause === undefined) { this.always.push(id); return; }
      for (const f of clause) {
        const anchor = anchorOf(f.source);
        if (anchor === null) continue;
        let index = byField.get(f.slot);
        if (index === undefined) { index = new FieldIndex(f.slot); byField.set(f.slot, index); }
        index.add(anchor, id);
      }
    });
    for (const index of byField.values()) { index.build(); this.fields.push(index); }
  }

  /** The first matching unit in rule order, or null. */
  first(view: EventView): { name: string; line: number } | null {
    const { found, mark } = this;
    for (const id of this.always) { mark[id] = 1; found.push(id); }
    for (const index of this.fields) {
      for (const id of index.candidates(view)) if (mark[id] === 0) { mark[id] = 1; found.push(id); }
    }
    for (const id of found) mark[id] = 0;
    if (found.length > 1) found.sort((a, b) => a - b);
    let match: { name: string; line: number } | null = null;
    for (const id of found) {
      match = matchUnit(this.units[id], view);
      if (match !== null) break;
    }
    found.length = 0;
    return match;
  }
}

/** Blocks under this many rules are scanned in order: an index would cost more than it saves. */
const INDEX_FROM = 24;

/** Simulator options. */
export interface SimulatorOptions {
  /** Index blocks with at least this many rules (default 24; Infinity: never — for cross-checking the index). */
  readonly indexFrom?: number;
}

/** One block compiled: its rules, scanned in order or through an index. */
class CompiledBlock {
  private readonly index: BlockIndex | null;
  constructor(private readonly units: readonly Unit[], indexFrom: number) {
    this.index = units.length >= indexFrom ? new BlockIndex(units) : null;
  }

  first(view: EventView): { name: string; line: number } | null {
    if (this.index !== null) return this.index.first(view);
    for (const u of this.units) {
      const m = matchUnit(u, view);
      if (m !== null) return m;
    }
    return null;
  }
}

/** The compiled rules of one event tag. */
interface TagRules {
  readonly spec: EventTagSpec;
  readonly excludes: readonly CompiledBlock[];
  readonly includes: readonly CompiledBlock[];
}

/**
 * A config compiled for simulation. Build once, then call {@link decide} per event.
 *
 * @example
 * const sim = new SysmonSimulator(parseSysmonConfig(xml).config);
 * sim.decide(3, { Image: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', DestinationIp: '8.8.8.8' }).decision
 */
export class SysmonSimulator {
  private readonly byTag = new Map<string, TagRules>();
  private readonly view: EventView;

  constructor(readonly config: SysmonConfig, options: SimulatorOptions = {}) {
    const slots = new FieldSlots();
    const blocks = new Map<string, { spec: EventTagSpec; excludes: CompiledBlock[]; includes: CompiledBlock[] }>();
    for (const { block, group } of eventBlocks(config)) {
      const spec = eventTag(block.tag);
      if (spec === undefined) continue;
      const entry = blocks.get(spec.tag) ?? { spec, excludes: [], includes: [] };
      blocks.set(spec.tag, entry);
      const compiled = new CompiledBlock(units(block, group, config.schema, slots), options.indexFrom ?? INDEX_FROM);
      (block.onmatch === 'exclude' ? entry.excludes : entry.includes).push(compiled);
    }
    for (const [tag, entry] of blocks) this.byTag.set(tag, entry);
    this.view = new EventView(slots.names);
  }

  /** Sysmon's decision for an event of `eventId` with these fields. */
  decide(eventId: number, fields: EventFields): Verdict {
    const spec = tagOfEventId(eventId);
    if (spec === undefined) return { decision: 'include', ruleName: null, line: null, reason: 'not-filterable', tag: null };
    const rules = this.byTag.get(spec.tag);
    if (rules === undefined) return { decision: spec.loggedByDefault ? 'include' : 'exclude', ruleName: null, line: null, reason: 'no-filter', tag: spec.tag };
    const view = this.view.reset(fields);
    for (const b of rules.excludes) {
      const m = b.first(view);
      if (m !== null) return { decision: 'exclude', ruleName: m.name, line: m.line, reason: 'exclude-rule', tag: spec.tag };
    }
    for (const b of rules.includes) {
      const m = b.first(view);
      if (m !== null) return { decision: 'include', ruleName: m.name, line: m.line, reason: 'include-rule', tag: spec.tag };
    }
    const only = rules.excludes.length + rules.includes.length === 1;
    if (only && rules.excludes.length === 1) return { decision: 'include', ruleName: null, line: null, reason: 'include-default', tag: spec.tag };
    return { decision: 'exclude', ruleName: null, line: null, reason: 'exclude-default', tag: spec.tag };
  }
}
