/**
 * A loaded rule set: Sigma sources parsed, filters applied, each detection rule compiled
 * once per log-source target, correlations parsed, and everything indexed for speed.
 *
 * Matching an event costs, for the rules of its (channel, event ID) only, one
 * Aho–Corasick pass per prefiltered field (see needle-index.ts) plus the full predicate
 * of the few rules whose literals occur; rules without a usable prefilter always run.
 * This is what lets thousands of rules run at hunt speed.
 */
import type { Event } from '../event/index.js';
import { CorrelationEngine, parseCorrelation, type CorrelationRule } from './correlation/index.js';
import { logSourceTargets, missingFields, type LogSourceMapping } from './logsource.js';
import { NeedleIndex } from './needle-index.js';
import type { ProcessTracker } from './process-tracker.js';
import type { RuleSource } from './rule-files.js';
import { trackerAwareResolve } from './tracker-resolve.js';
import { applyFilters, compileDetection, parseSigmaText, SigmaCompileError, type DetectionRuleDoc, type FilterDoc } from './sigma/index.js';
import { LEVELS, type CompiledMatcher, type FieldResolver, type Level, type LogSourceTarget, type RuleLoadEntry, type RuleProblem } from './types.js';

/** How rules are compiled. */
export interface RuleSetOptions {
  /** Values of `%placeholder%`s for the `expand` modifier (rules spec, modifiers appendix). */
  readonly placeholders?: Readonly<Record<string, string[]>>;
  /** Extra log-source → channel mappings (haetae.yaml `logsources:`). */
  readonly logSources?: readonly LogSourceMapping[];
  /** Lets Security 4688 rules read the parent image of old events from process lifetimes. */
  readonly tracker?: ProcessTracker;
}

/** A detection rule ready to run. */
export interface LoadedRule {
  readonly doc: DetectionRuleDoc;
  /** `id`, else the file and title: how detections and correlations name the rule. */
  readonly key: string;
  readonly level: Level;
  readonly matchers: readonly CompiledMatcher[];
  /** Sigma fields the detection reads (for showing key fields). */
  readonly fieldsUsed: readonly string[];
}

/** The rules that apply to one (channel, event ID), with their prefilter automata. */
interface Bucket {
  readonly entries: readonly { readonly rule: LoadedRule; readonly matcher: CompiledMatcher; readonly provider: string | null }[];
  /** Entries without a prefilter: always evaluated. */
  readonly always: readonly number[];
  readonly groups: readonly { readonly accessor: (e: Event) => unknown; readonly index: NeedleIndex; readonly entriesOf: readonly (readonly number[])[] }[];
}

const ANY = '*';

/** A resolver that records which fields a compile asks for. */
function recording(target: LogSourceTarget, used: Set<string>): LogSourceTarget {
  const resolve: FieldResolver = (f) => { used.add(f); return target.resolve(f); };
  return { ...target, resolve };
}

function lower(v: unknown): string {
  if (typeof v === 'string') return v.toLowerCase();
  if (Array.isArray(v)) return v.map(lower).join('\n');
  return String(v).toLowerCase();
}

/**
 * Compiled Sigma rules plus their load report.
 *
 * @example
 * const set = RuleSet.load(readRuleSources(['rules/']).sources);
 * set.match(event, (rule, matcher) => console.log(rule.doc.meta.title, matcher.target.name));
 */
export class RuleSet {
  readonly rules: LoadedRule[] = [];
  readonly correlations: CorrelationRule[] = [];
  readonly report: RuleLoadEntry[] = [];
  /** Problems that are not tied to one rule entry (unreadable files, YAML errors). */
  readonly problems: RuleProblem[] = [];
  private readonly byTarget = new Map<string, { rule: LoadedRule; matcher: CompiledMatcher }[]>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly shared = new Map<string, Bucket>();
  private readonly listIds = new Map<object, number>();
  private stamp = new Int32Array(0);
  private epoch = 0;

  /** Parses, filters, compiles and indexes `sources`. Never throws on bad rules. */
  static load(sources: readonly RuleSource[], options: RuleSetOptions = {}): RuleSet {
    const set = new RuleSet();
    set.build(sources, options);
    return set;
  }

  private build(sources: readonly RuleSource[], options: RuleSetOptions): void {
    const detections: DetectionRuleDoc[] = [];
    const filters: FilterDoc[] = [];
    for (const source of sources) {
      const { documents, problems } = parseSigmaText(source.text, source.file);
      if (documents.length === 0) {
        this.report.push({ file: source.file, kind: 'detection', status: 'not-loaded', reasons: problems.map(describe), targets: [] });
        continue;
      }
      if (problems.length > 0 && documents.length > 0) this.problems.push(...problems);
      for (const doc of documents) {
        if (doc.kind === 'detection') detections.push(doc);
        else if (doc.kind === 'filter') filters.push(doc);
        else {
          const parsed = parseCorrelation(doc.meta, doc.body);
          const entry = { file: doc.meta.location.file, id: doc.meta.id, title: doc.meta.title, kind: 'correlation' as const, targets: [] };
          if ('rule' in parsed) { this.correlations.push(parsed.rule); this.report.push({ ...entry, status: 'loaded', reasons: [] }); }
          else this.report.push({ ...entry, status: 'not-loaded', reasons: parsed.problems.map(describe) });
        }
      }
    }
    const filtered = applyFilters(detections, filters);
    for (const f of filters) this.report.push({ file: f.meta.location.file, id: f.meta.id, title: f.meta.title, kind: 'filter', status: 'loaded', reasons: [], targets: [] });
    this.problems.push(...filtered.problems);
    for (const doc of filtered.rules) this.compile(doc, options);
    if (this.correlations.length > 0) {
      // Duplicate names, reference cycles and references to rules that did not load are
      // reported here, at load time, not discovered as silence during the hunt.
      const engine = new CorrelationEngine(this.correlations);
      this.problems.push(...engine.problems, ...engine.unresolvedReferences([...this.rules.map((r) => r.doc.meta), ...this.correlations.map((c) => c.meta)]));
    }
    this.index();
  }

  private compile(doc: DetectionRuleDoc, options: RuleSetOptions): void {
    const meta = doc.meta;
    const base = { file: meta.location.file, id: meta.id, title: meta.title, kind: 'detection' as const };
    const resolution = logSourceTargets(doc.logsource, options.logSources);
    const tracker = options.tracker;
    const targets = tracker ? resolution.targets.map((t) => ({ ...t, resolve: trackerAwareResolve(t.resolve, tracker, t) })) : resolution.targets;
    const reason = resolution.reason;
    const used = new Set<string>();
    const reasons: string[] = [];
    const matchers: CompiledMatcher[] = [];
    try {
      if (targets.length === 0) {
        // Compile against a neutral target anyway: a rule that cannot compile is "not loaded",
        // one that compiles but has no Windows channel is "dormant" (types.ts RuleLoadEntry).
        compileDetection(doc, recording({ name: 'dormant', channel: null, provider: null, eventIds: [], resolve: () => () => undefined }, used), options);
        this.report.push({ ...base, status: 'dormant', reasons: [reason ?? 'log source maps to no channel'], targets: [] });
        return;
      }
      for (const target of targets) {
        const fields = new Set<string>();
        const matcher = compileDetection(doc, recording(target, fields), options);
        // A field the target never has would make a `not` filter always true there:
        // the loose-mapping false positives Hayabusa/Chainsaw users report. Such a target
        // is skipped and the report says so; the rule still runs on its other targets.
        const missing = missingFields(target, [...fields]);
        if (missing.length > 0 && targets.length > 1) {
          reasons.push(`${target.name} target skipped: those events have no ${missing.join(', ')}`);
          continue;
        }
        for (const f of fields) used.add(f);
        matchers.push(matcher);
      }
    } catch (e) {
      if (!(e instanceof SigmaCompileError)) throw e;
      const at = e.location.line !== undefined ? ` (line ${e.location.line}${e.location.column !== undefined ? `, column ${e.location.column}` : ''})` : '';
      this.report.push({ ...base, status: 'not-loaded', reasons: [e.message + at], targets: [] });
      return;
    }
    if (matchers.length === 0) {
      this.report.push({ ...base, status: 'not-loaded', reasons, targets: [] });
      return;
    }
    const rule: LoadedRule = { doc, key: meta.id ?? `${meta.location.file}#${meta.title}`, level: meta.level ?? 'medium', matchers, fieldsUsed: [...used] };
    this.rules.push(rule);
    this.report.push({ ...base, status: 'loaded', reasons, targets: matchers.map((m) => m.target.name) });
    for (const matcher of matchers) {
      const t = matcher.target;
      const channel = t.channel === null ? ANY : t.channel.toLowerCase();
      for (const id of t.eventIds.length === 0 ? [ANY] : t.eventIds.map(String)) {
        const key = `${channel}|${id}`;
        let list = this.byTarget.get(key);
        if (!list) this.byTarget.set(key, (list = []));
        list.push({ rule, matcher });
      }
    }
  }

  private index(): void {
    let most = 0;
    for (const list of this.byTarget.values()) most += list.length;
    this.stamp = new Int32Array(most);
  }

  /**
   * The rules for one (channel, event ID), built on first use. Event IDs with the same
   * rule lists (e.g. every Security event ID only `service: security` rules cover) share
   * one bucket, so its automata are built once.
   */
  private bucket(channel: string, eventId: number): Bucket {
    const key = `${channel}|${eventId}`;
    let b = this.buckets.get(key);
    if (b) return b;
    const lists = [key, `${channel}|${ANY}`, `${ANY}|${eventId}`, `${ANY}|${ANY}`].map((k) => this.byTarget.get(k));
    const shape = lists.map((l) => (l ? this.listId(l) : -1)).join(',');
    b = this.shared.get(shape);
    if (!b) this.shared.set(shape, (b = this.buildBucket(lists.flatMap((l) => l ?? []))));
    this.buckets.set(key, b);
    return b;
  }

  private listId(list: object): number {
    let id = this.listIds.get(list);
    if (id === undefined) this.listIds.set(list, (id = this.listIds.size));
    return id;
  }

  private buildBucket(found: readonly { rule: LoadedRule; matcher: CompiledMatcher }[]): Bucket {
    const entries = found.map(({ rule, matcher }) => ({ rule, matcher, provider: matcher.target.provider?.toLowerCase() ?? null }));
    const always: number[] = [];
    const byField = new Map<string, { accessor: (e: Event) => unknown; needles: Map<string, number[]> }>();
    entries.forEach(({ matcher }, i) => {
      const alternatives = matcher.prefilter?.anyOf ?? [];
      if (alternatives.length === 0 || alternatives.some((a) => a.needle === '')) { always.push(i); return; }
      for (const a of alternatives) {
        const fieldKey = `${matcher.target.name}\u0000${a.field}`;
        let g = byField.get(fieldKey);
        if (!g) byField.set(fieldKey, (g = { accessor: a.accessor, needles: new Map() }));
        let list = g.needles.get(a.needle);
        if (!list) g.needles.set(a.needle, (list = []));
        if (list[list.length - 1] !== i) list.push(i);
      }
    });
    const groups = [...byField.values()].map((g) => {
      const needles = [...g.needles.keys()];
      return { accessor: g.accessor, index: new NeedleIndex(needles), entriesOf: needles.map((n) => g.needles.get(n) ?? []) };
    });
    return { entries, always, groups };
  }

  /**
   * Calls `onMatch` for every rule target that matches `event`.
   *
   * @example
   * set.match(e, (rule) => hits.push(rule.key));
   */
  match(event: Event, onMatch: (rule: LoadedRule, matcher: CompiledMatcher) => void): void {
    const b = this.bucket(event.channel.toLowerCase(), event.event_id);
    if (b.entries.length === 0) return;
    const provider = event.provider.toLowerCase();
    for (let i = 0; i < b.always.length; i++) runEntry(b.entries[b.always[i]], event, provider, onMatch);
    if (b.groups.length === 0) return;
    const stamp = this.stamp.length >= b.entries.length ? this.stamp : (this.stamp = new Int32Array(b.entries.length * 2));
    const epoch = ++this.epoch;
    if (epoch === 0x7fffffff) { stamp.fill(0); this.epoch = 1; }
    const candidates: number[] = [];
    for (const g of b.groups) {
      const v = g.accessor(event);
      if (v === undefined || v === null) continue;
      g.index.search(lower(v), (n) => {
        for (const i of g.entriesOf[n]) if (stamp[i] !== this.epoch) { stamp[i] = this.epoch; candidates.push(i); }
      });
    }
    candidates.sort((x, y) => x - y);
    for (const i of candidates) runEntry(b.entries[i], event, provider, onMatch);
  }

  /** Counts of the load report by status. */
  summary(): { loaded: number; dormant: number; notLoaded: number; byLevel: Record<Level, number> } {
    const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
    for (const r of this.rules) byLevel[r.level]++;
    let loaded = 0, dormant = 0, notLoaded = 0;
    for (const e of this.report) {
      if (e.status === 'loaded') loaded++; else if (e.status === 'dormant') dormant++; else notLoaded++;
    }
    return { loaded, dormant, notLoaded, byLevel };
  }
}

/** Runs one bucket entry's full predicate (a module function: `match` is the hot path and makes no closures for it). */
function runEntry(entry: Bucket['entries'][number], event: Event, provider: string, onMatch: (rule: LoadedRule, matcher: CompiledMatcher) => void): void {
  if (entry.provider !== null && entry.provider !== provider) return;
  if (entry.matcher.matches(event)) onMatch(entry.rule, entry.matcher);
}

function describe(p: RuleProblem): string {
  const at = p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : '';
  return at + p.message;
}
