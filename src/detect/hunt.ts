/**
 * A hunt: events stream through the process tracker and the rule set; matches become
 * compact {@link Detection}s; matches of rules that correlations reference are kept,
 * sorted by time at the end and run through the correlation engine (inputs come file by
 * file, so a Sysmon file and a Security file only meet in time order after sorting).
 *
 * Memory is bounded, whatever the input: detections are compact (no Event), each rule
 * keeps at most `maxPerRule` of them (the rest are counted), what is kept past a budget
 * waits in sorted temporary files, and the tracker evicts old processes. Matching
 * (MatchStage) and collecting (Hunt) are separate so several worker threads can match
 * while one Hunt collects.
 */
import { eventTimeMs, type Event, type EventValue } from '../event/index.js';
import { CorrelationEngine, type BaseMatch, type CorrelationHit } from './correlation/index.js';
import { ProcessTracker } from './process-tracker.js';
import type { LoadedRule, RuleSet } from './rule-set.js';
import { DetectionCodec } from './detection-codec.js';
import { SpillSort } from './spill-sort.js';
import { LEVELS, type CompiledMatcher, type Detection, type FieldAccessor, type Level } from './types.js';

/**
 * One rule match, as the matching stage (any thread) hands it to the {@link Hunt}: the
 * compact detection, plus what correlations need when the rule is referenced by one.
 * Plain data, so worker threads can post it.
 */
export interface RuleHit {
  readonly detection: Detection;
  readonly ruleName?: string;
  /** Present when a correlation references the rule. */
  readonly correlationInput?: { readonly time: number; readonly event: Event; readonly values: Readonly<Record<string, EventValue>> };
}

/** Sigma fields shown for a match when the rule names none (`fields:`). */
const DEFAULT_FIELDS = ['Image', 'CommandLine', 'ParentImage', 'TargetFilename', 'TargetObject', 'Details', 'DestinationIp', 'DestinationPort', 'DestinationHostname', 'QueryName', 'ImageLoaded', 'TargetImage', 'PipeName', 'ServiceName', 'TargetUserName', 'IpAddress', 'ScriptBlockText'];
const MAX_FIELD_CHARS = 2000;

function clip(v: EventValue | undefined): EventValue {
  if (v === undefined) return null;
  if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) return v.slice(0, MAX_FIELD_CHARS) + '…';
  return v;
}

/**
 * Keys (ids and names) of the detection rules some correlation references (the
 * correlation engine resolves chains), and the Sigma fields correlations read.
 */
function correlationNeeds(rules: RuleSet): { referenced: Set<string>; fields: string[] } {
  const referenced = rules.correlations.length > 0 ? new CorrelationEngine(rules.correlations).referencedRuleKeys() : new Set<string>();
  const fields = new Set<string>();
  for (const c of rules.correlations) {
    for (const g of c.groupBy) fields.add(g);
    for (const byRule of c.aliases.values()) for (const f of byRule.values()) fields.add(f);
    if ('fields' in c) for (const f of c.fields) fields.add(f);
    if ('field' in c) fields.add(c.field);
  }
  return { referenced, fields: [...fields] };
}

/**
 * The matching stage: tracker + rule set, one event at a time, emitting {@link RuleHit}s.
 * Runs in the main thread or in each hunt worker.
 *
 * @example
 * const stage = new MatchStage(ruleSet, tracker);
 * stage.observe(event, 'Security.evtx', (hit) => hunt.add(hit));
 */
export class MatchStage {
  private readonly referenced: Set<string>;
  private readonly neededFields: readonly string[];
  private readonly minRank: number;
  /**
   * Per matcher, what its detections read: a resolver call builds a new accessor (with
   * the tracker's, several closures), and a quarter of the corpus's events match a rule.
   */
  private readonly reads = new WeakMap<CompiledMatcher, MatcherReads>();
  /** Events seen. */
  events = 0;
  /** Matches of rules below the level floor (not referenced by correlations): counted only. */
  belowMinLevel = 0;

  /** `minLevel`: matches of lower rules are only counted (correlation inputs are always kept). */
  constructor(private readonly rules: RuleSet, private readonly tracker: ProcessTracker = new ProcessTracker(), minLevel: Level = 'informational') {
    this.minRank = LEVELS.indexOf(minLevel);
    const needs = correlationNeeds(rules);
    this.referenced = needs.referenced;
    this.neededFields = needs.fields;
  }

  /** Tracks and matches one event. */
  observe(event: Event, file: string | undefined, emit: (hit: RuleHit) => void): void {
    this.events++;
    this.tracker.observe(event);
    // The process chain is the event's, whichever rules match: built once, shared.
    let chain: string[] | null = null;
    this.rules.match(event, (rule, matcher) => {
      const name = rule.doc.meta.name;
      const meta = rule.doc.meta;
      const reads = this.readsOf(rule, matcher);
      if (!reads.referenced && reads.rank < this.minRank) { this.belowMinLevel++; return; }
      const detection: Detection = {
        ruleId: rule.key, ruleTitle: meta.title, level: rule.level, tags: meta.tags, time: event._time, host: event.host,
        channel: event.channel, eventId: event.event_id, recordId: event.record_id, file, target: matcher.target.name,
        fields: keyFields(reads, event), chain: (chain ??= this.chain(event)),
      };
      if (!reads.referenced) { emit({ detection, ruleName: name }); return; }
      const values: Record<string, EventValue> = {};
      for (const [f, read] of reads.needed) {
        const v = read(event);
        if (v !== undefined) values[f] = v;
      }
      emit({ detection, ruleName: name, correlationInput: { time: eventTimeMs(event._time), event, values } });
    });
  }

  private readsOf(rule: LoadedRule, matcher: CompiledMatcher): MatcherReads {
    let reads = this.reads.get(matcher);
    if (reads === undefined) {
      const name = rule.doc.meta.name;
      const shown = rule.doc.meta.fields.length > 0 ? rule.doc.meta.fields : DEFAULT_FIELDS.filter((f) => rule.fieldsUsed.includes(f) || f === 'Image' || f === 'CommandLine');
      const accessors = (fields: readonly string[]): [string, FieldAccessor][] =>
        fields.flatMap((f) => { const read = matcher.target.resolve(f); return read === null ? [] : [[f, read] as [string, FieldAccessor]]; });
      const referenced = this.referenced.has(rule.key) || (name !== undefined && this.referenced.has(name));
      reads = { referenced, rank: LEVELS.indexOf(rule.level), shown: accessors(shown), needed: referenced ? accessors(this.neededFields) : [] };
      this.reads.set(matcher, reads);
    }
    return reads;
  }

  /** Images from the oldest known ancestor down to the event's own process. */
  private chain(event: Event): string[] {
    return this.tracker.ancestors(event).map((p) => p.image).reverse().concat(this.tracker.processOf(event)?.image ?? []);
  }
}

/** What a matcher's detections read (see `MatchStage.reads`). */
interface MatcherReads {
  /** Whether a correlation references the rule (its matches are always kept). */
  readonly referenced: boolean;
  /** The rule level's place in {@link LEVELS}. */
  readonly rank: number;
  /** The key fields shown with a detection, and the fields correlations read. */
  readonly shown: readonly (readonly [string, FieldAccessor])[];
  readonly needed: readonly (readonly [string, FieldAccessor])[];
}

/** The key fields of a detection: the non-empty ones, long values clipped. */
function keyFields(reads: MatcherReads, event: Event): Record<string, EventValue> {
  const out: Record<string, EventValue> = {};
  for (const [f, read] of reads.shown) {
    const v = read(event);
    if (v !== undefined && v !== null && v !== '') out[f] = clip(v);
  }
  return out;
}

/** Hunt settings. */
export interface HuntOptions {
  /** Detections below this level are counted but not kept. */
  readonly minLevel?: Level;
  /** Detections kept per rule; the rest are counted in `suppressed` (default 10,000). */
  readonly maxPerRule?: number;
  /** Correlation inputs kept per referenced rule (default 200,000). */
  readonly maxCorrelationInputs?: number;
  /**
   * Heap bytes of detections, and again of correlation inputs, kept in memory before
   * they are sorted into a temporary file (default {@link HUNT_SPILL_BYTES}).
   */
  readonly spillBytes?: number;
  /** Folder for those files (default the OS temporary folder). */
  readonly spillDir?: string;
}

/**
 * Default {@link HuntOptions.spillBytes}: ~10k detections (~750 bytes each on the corpus).
 * With it a hunt's kept results cost ~16 MB of heap (two budgets) whatever the input size,
 * inside issue 5's 500 MB; a hunt over the corpus once keeps ~6k detections and never
 * spills. (16 MiB gave two threads over 1.48M events a peak of 482 MiB, 8 MiB 460.)
 */
export const HUNT_SPILL_BYTES = 8 << 20;

/** The detections of a finished hunt, sorted by time then rule title. */
export interface DetectionTimeline extends Iterable<Detection> {
  /** How many (those kept: not suppressed, not below the level floor). */
  readonly count: number;
  /** Removes the temporary files (also done at process exit). */
  dispose(): void;
}

/** What a finished hunt returns. */
export interface HuntResult {
  /** Sorted by time, then rule title; may be read from temporary files as it is iterated. */
  readonly detections: DetectionTimeline;
  /** Detections not kept because a rule reached `maxPerRule`, by rule key. */
  readonly suppressed: ReadonlyMap<string, number>;
  /** Detections per level (including suppressed, excluding those below minLevel). */
  readonly byLevel: Readonly<Record<Level, number>>;
  readonly belowMinLevel: number;
  /** Why results could not be moved to temporary files (they stayed in memory), if that happened. */
  readonly problems: readonly string[];
}

/** A correlation input as a hunt keeps it until the end: the event's System fields only. */
interface KeptInput {
  readonly ruleId: string;
  readonly ruleName?: string;
  readonly time: number;
  readonly event: Event;
  readonly values: Readonly<Record<string, EventValue>>;
  readonly file?: string;
  readonly chain: readonly string[];
}

/**
 * The event without its data and message: what a correlation hit reports of the event
 * that completed it (see {@link correlationDetection}); the correlation engine reads
 * fields through `values`, never through the event.
 */
function systemOnly(e: Event): Event {
  return { ...e, data: {}, line: '' };
}

/**
 * The rule hit to post from a worker thread: a correlation input without the event's
 * data (structured-cloning whole events cost the main thread memory and time for fields
 * nobody reads).
 */
export function hitForTransfer(hit: RuleHit): RuleHit {
  return hit.correlationInput ? { ...hit, correlationInput: { ...hit.correlationInput, event: systemOnly(hit.correlationInput.event) } } : hit;
}

/** Approximate heap bytes of a string held alone (V8 header + one byte per character). */
const stringBytes = (v: unknown): number => (typeof v === 'string' ? 24 + v.length : 16);

/** Approximate heap bytes of a detection (measured ~750 B on the corpus; fields dominate). */
function detectionBytes(d: Detection): number {
  let n = 240 + 8 * d.chain.length;
  for (const k in d.fields) n += 40 + stringBytes(d.fields[k]);
  return n;
}

function inputBytes(i: KeptInput): number {
  let n = 520 + 8 * i.chain.length;
  for (const k in i.values) n += 40 + stringBytes(i.values[k]);
  return n;
}

/** Timeline order: time, then rule title. */
function byTimeThenTitle(a: Detection, b: Detection): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.ruleTitle.localeCompare(b.ruleTitle);
}

/**
 * Collects rule hits (from one or many matching stages), applies the level floor and
 * per-rule caps, and runs the correlations in time order at the end. Detections and
 * correlation inputs beyond a memory budget are sorted into temporary files and merged
 * back at the end ({@link SpillSort}), so memory does not grow with the input.
 *
 * @example
 * const hunt = new Hunt(ruleSet, { minLevel: 'medium' });
 * const stage = new MatchStage(ruleSet);
 * for (const e of events) stage.observe(e, 'Security.evtx', (hit) => hunt.add(hit));
 * for (const d of hunt.finish().detections) print(d);
 */
export class Hunt {
  private readonly correlation: CorrelationEngine | null;
  private readonly minRank: number;
  private readonly maxPerRule: number;
  private readonly maxInputs: number;
  private readonly kept = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();
  private readonly inputs: SpillSort<KeptInput>;
  private readonly inputsPerRule = new Map<string, number>();
  private readonly detections: SpillSort<Detection>;
  private readonly byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  private belowMinLevel = 0;

  constructor(rules: RuleSet, options: HuntOptions = {}) {
    this.minRank = LEVELS.indexOf(options.minLevel ?? 'informational');
    this.maxPerRule = options.maxPerRule ?? 10_000;
    this.maxInputs = options.maxCorrelationInputs ?? 200_000;
    this.correlation = rules.correlations.length > 0 ? new CorrelationEngine(rules.correlations) : null;
    const budgetBytes = options.spillBytes ?? HUNT_SPILL_BYTES;
    const codec = new DetectionCodec();
    this.detections = new SpillSort<Detection>({
      what: 'detections', compare: byTimeThenTitle, sizeOf: detectionBytes, budgetBytes, dir: options.spillDir,
      store: (d) => codec.store(d), revive: (json) => codec.revive(json),
    });
    this.inputs = new SpillSort<KeptInput>({ what: 'correlation inputs', compare: (a, b) => a.time - b.time, sizeOf: inputBytes, budgetBytes, dir: options.spillDir });
  }

  /** Takes one rule hit (in any order; correlations are ordered at {@link finish}). */
  add(hit: RuleHit): void {
    const d = hit.detection;
    if (hit.correlationInput) {
      const n = this.inputsPerRule.get(d.ruleId) ?? 0;
      if (n < this.maxInputs) {
        this.inputsPerRule.set(d.ruleId, n + 1);
        const { time, event, values } = hit.correlationInput;
        this.inputs.push({ ruleId: d.ruleId, ruleName: hit.ruleName, time, event: systemOnly(event), values, file: d.file, chain: d.chain });
      }
      // Correlation spec "Generate": a referenced rule's own matches are shown only when a
      // correlation referencing it says `generate: true`.
      if (this.correlation?.outputSuppressed({ id: d.ruleId, name: hit.ruleName })) return;
    }
    this.record(d);
  }

  private record(d: Detection): void {
    if (LEVELS.indexOf(d.level) < this.minRank) { this.belowMinLevel++; return; }
    this.byLevel[d.level]++;
    const n = this.kept.get(d.ruleId) ?? 0;
    if (n >= this.maxPerRule) { this.suppressed.set(d.ruleId, (this.suppressed.get(d.ruleId) ?? 0) + 1); return; }
    this.kept.set(d.ruleId, n + 1);
    this.detections.push(d);
  }

  /** Runs the correlations (inputs in time order) and returns every detection, sorted by time. */
  finish(): HuntResult {
    if (this.correlation) {
      // A hit names the event that completed it; its file and chain come from that input.
      const origin = new WeakMap<Event, KeptInput>();
      for (const input of this.inputs.sorted()) {
        origin.set(input.event, input);
        const match: BaseMatch = { ruleId: input.ruleId, ruleName: input.ruleName, time: input.time, event: input.event, field: (f) => input.values[f] };
        for (const hit of this.correlation.observe(match)) this.record(correlationDetection(hit, origin.get(hit.event)));
      }
      for (const hit of this.correlation.flush()) this.record(correlationDetection(hit, origin.get(hit.event)));
    }
    this.inputs.dispose();
    const sorted = this.detections;
    const timeline: DetectionTimeline = { count: sorted.size, [Symbol.iterator]: () => sorted.sorted(), dispose: () => sorted.dispose() };
    const problems = [sorted.problem, this.inputs.problem].filter((p): p is string => p !== null);
    return { detections: timeline, suppressed: this.suppressed, byLevel: this.byLevel, belowMinLevel: this.belowMinLevel, problems };
  }
}

/**
 * The detection a correlation hit becomes: the event that completed it, the group-by
 * values (and the measured value) as its fields. `origin` is that event's file and chain.
 *
 * @example
 * for (const hit of engine.observe(match)) report(correlationDetection(hit, { chain: [] }));
 */
export function correlationDetection(hit: CorrelationHit, origin: { file?: string; chain: readonly string[] } | undefined): Detection {
  const meta = hit.rule.meta;
  const fields: Record<string, EventValue> = { ...hit.group };
  if (hit.value !== undefined) fields[hit.rule.type] = hit.value;
  const e = hit.event;
  return {
    ruleId: meta.id ?? `${meta.location.file}#${meta.title}`, ruleTitle: meta.title, level: meta.level ?? 'medium', tags: meta.tags,
    time: e._time, host: e.host, channel: e.channel, eventId: e.event_id, recordId: e.record_id, file: origin?.file, target: 'correlation', fields, chain: origin?.chain ?? [],
    correlation: { type: hit.rule.type, group: hit.group, events: hit.events },
  };
}
