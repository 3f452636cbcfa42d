/**
 * A hunt: events stream through the process tracker and the rule set; matches become
 * compact {@link Detection}s; matches of rules that correlations reference are kept,
 * sorted by time at the end and run through the correlation engine (inputs come file by
 * file, so a Sysmon file and a Security file only meet in time order after sorting).
 *
 * Memory is bounded by what is kept, not by the input: detections are compact (no Event),
 * each rule keeps at most `maxPerRule` of them (the rest are counted), and the tracker
 * evicts old processes.
 */
import type { Event, EventValue } from '../event/index.js';
import { CorrelationEngine, type BaseMatch, type CorrelationHit } from './correlation/index.js';
import { ProcessTracker } from './process-tracker.js';
import type { LoadedRule, RuleSet } from './rule-set.js';
import { LEVELS, type CompiledMatcher, type Detection, type Level } from './types.js';

/** Hunt settings. */
export interface HuntOptions {
  /** Detections below this level are counted but not kept. */
  readonly minLevel?: Level;
  /** Detections kept per rule; the rest are counted in `suppressed` (default 10,000). */
  readonly maxPerRule?: number;
  /** Correlation inputs kept per referenced rule (default 200,000). */
  readonly maxCorrelationInputs?: number;
  /** A tracker shared with the rule set's resolvers (the rule set was loaded with it). */
  readonly tracker?: ProcessTracker;
}

/** What a finished hunt returns. */
export interface HuntResult {
  /** Sorted by time, then rule title. */
  readonly detections: Detection[];
  readonly events: number;
  /** Detections not kept because a rule reached `maxPerRule`, by rule key. */
  readonly suppressed: ReadonlyMap<string, number>;
  /** Detections per level (including suppressed, excluding those below minLevel). */
  readonly byLevel: Readonly<Record<Level, number>>;
  readonly belowMinLevel: number;
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
 * Runs a rule set over a stream of events.
 *
 * @example
 * const hunt = new Hunt(ruleSet, { minLevel: 'medium', tracker });
 * for (const e of events) hunt.observe(e, 'Security.evtx');
 * const { detections } = hunt.finish();
 */
export class Hunt {
  private readonly tracker: ProcessTracker;
  private readonly correlation: CorrelationEngine | null;
  /** Keys (ids and names) of rules some correlation references. */
  private readonly referenced: Set<string>;
  /** Rules referenced only by correlations with `generate: false`: no standalone output. */
  private readonly silent: Set<string>;
  private readonly minRank: number;
  private readonly maxPerRule: number;
  private readonly maxInputs: number;
  private readonly kept = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();
  private readonly inputs: { match: BaseMatch; rule: LoadedRule; file?: string }[] = [];
  private readonly inputsPerRule = new Map<string, number>();
  private readonly detections: Detection[] = [];
  private readonly byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  private belowMinLevel = 0;
  private events = 0;

  constructor(private readonly rules: RuleSet, options: HuntOptions = {}) {
    this.tracker = options.tracker ?? new ProcessTracker();
    this.minRank = LEVELS.indexOf(options.minLevel ?? 'informational');
    this.maxPerRule = options.maxPerRule ?? 10_000;
    this.maxInputs = options.maxCorrelationInputs ?? 200_000;
    this.correlation = rules.correlations.length > 0 ? new CorrelationEngine(rules.correlations) : null;
    this.referenced = this.correlation?.referencedRuleKeys() ?? new Set();
    const generating = new Set<string>();
    for (const c of rules.correlations) if (c.generate) for (const r of c.rules) generating.add(r);
    this.silent = new Set([...this.referenced].filter((k) => !generating.has(k)));
  }

  /** Feeds one event (in any order; correlations are ordered at {@link finish}). */
  observe(event: Event, file?: string): void {
    this.events++;
    this.tracker.observe(event);
    this.rules.match(event, (rule, matcher) => this.onMatch(rule, matcher, event, file));
  }

  private onMatch(rule: LoadedRule, matcher: CompiledMatcher, event: Event, file?: string): void {
    const name = rule.doc.meta.name;
    const isReferenced = this.referenced.has(rule.key) || (name !== undefined && this.referenced.has(name));
    if (isReferenced) {
      const n = this.inputsPerRule.get(rule.key) ?? 0;
      if (n < this.maxInputs) {
        this.inputsPerRule.set(rule.key, n + 1);
        const target = matcher.target;
        const match: BaseMatch = {
          ruleId: rule.key, ruleName: name, time: Date.parse(event._time), event,
          field: (f) => target.resolve(f)?.(event),
        };
        this.inputs.push({ match, rule, file });
      }
      if (this.silent.has(rule.key) || (name !== undefined && this.silent.has(name))) return;
    }
    this.record(rule.key, rule.doc.meta.title, rule.level, rule.doc.meta.tags, event, file, matcher.target.name, this.keyFields(rule, matcher, event));
  }

  private keyFields(rule: LoadedRule, matcher: CompiledMatcher, event: Event): Record<string, EventValue> {
    const names = rule.doc.meta.fields.length > 0 ? rule.doc.meta.fields : DEFAULT_FIELDS.filter((f) => rule.fieldsUsed.includes(f) || f === 'Image' || f === 'CommandLine');
    const out: Record<string, EventValue> = {};
    for (const f of names) {
      const v = matcher.target.resolve(f)?.(event);
      if (v !== undefined && v !== null && v !== '') out[f] = clip(v);
    }
    return out;
  }

  private record(
    key: string, title: string, level: Level, tags: readonly string[], event: Event, file: string | undefined, target: string,
    fields: Record<string, EventValue>, correlation?: Detection['correlation'],
  ): void {
    if (LEVELS.indexOf(level) < this.minRank) { this.belowMinLevel++; return; }
    this.byLevel[level]++;
    const n = this.kept.get(key) ?? 0;
    if (n >= this.maxPerRule) { this.suppressed.set(key, (this.suppressed.get(key) ?? 0) + 1); return; }
    this.kept.set(key, n + 1);
    this.detections.push({
      ruleId: key, ruleTitle: title, level, tags, time: event._time, host: event.host, channel: event.channel,
      eventId: event.event_id, recordId: event.record_id, file, target, fields, chain: this.chain(event), correlation,
    });
  }

  /** Images from the oldest known ancestor down to the event's own process. */
  private chain(event: Event): string[] {
    const own = this.tracker.processOf(event);
    const ancestors = this.tracker.ancestors(event).map((p) => p.image).reverse();
    return own ? [...ancestors, own.image] : ancestors;
  }

  /** Runs the correlations and returns every detection, sorted by time. */
  finish(): HuntResult {
    if (this.correlation) {
      this.inputs.sort((a, b) => a.match.time - b.match.time);
      const files = new Map<Event, string | undefined>();
      for (const { match, file } of this.inputs) {
        files.set(match.event, file);
        for (const hit of this.correlation.observe(match)) this.recordHit(hit, files.get(hit.event));
      }
      for (const hit of this.correlation.flush()) this.recordHit(hit, files.get(hit.event));
      this.inputs.length = 0;
    }
    this.detections.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.ruleTitle.localeCompare(b.ruleTitle)));
    return { detections: this.detections, events: this.events, suppressed: this.suppressed, byLevel: this.byLevel, belowMinLevel: this.belowMinLevel };
  }

  private recordHit(hit: CorrelationHit, file: string | undefined): void {
    const meta = hit.rule.meta;
    const fields: Record<string, EventValue> = { ...hit.group };
    if (hit.value !== undefined) fields[hit.rule.type] = hit.value;
    this.record(meta.id ?? `${meta.location.file}#${meta.title}`, meta.title, meta.level ?? 'medium', meta.tags, hit.event, file, 'correlation', fields,
      { type: hit.rule.type, group: hit.group, events: hit.events });
  }
}
