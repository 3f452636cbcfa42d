/**
 * A loaded rule set: Sigma sources parsed, filters applied, each detection rule compiled
 * once per log-source target (to check it and derive its prefilter and event IDs),
 * correlations parsed, and everything indexed for speed.
 *
 * Matching an event costs, for the rules routed to its (channel, event ID) only — by
 * their log source and by the `EventID`s their detection requires (sigma/event-ids.ts) —
 * one Aho–Corasick pass per prefiltered field (rule-list.ts, needle-index.ts) plus the
 * full predicate of the few rules whose literals occur; rules without a usable prefilter
 * always run. A predicate is compiled again, and kept, the first time it runs: most rules
 * never get that far in a hunt, and compiled predicates were most of a rule set's memory.
 * This is what lets thousands of rules run at hunt speed.
 */
import type { Event } from '../event/index.js';
import { CorrelationEngine, parseCorrelation, type CorrelationRule } from './correlation/index.js';
import { logSourceTargets, missingFields, type LogSourceMapping } from './logsource.js';
import type { ProcessTracker } from './process-tracker.js';
import { RuleList, type RuleEntry } from './rule-list.js';
import type { RuleSource } from './rule-files.js';
import { trackerAwareResolve } from './tracker-resolve.js';
import { applyFilters, compileDetection, compilePredicate, parseSigmaText, prefilterAccessor, SigmaCompileError, type DetectionRuleDoc, type FilterDoc, type SigmaDocument } from './sigma/index.js';
import { LEVELS, type CompiledMatcher, type FieldResolver, type PrefilterAlternative, type Level, type LogSourceTarget, type RuleLoadEntry, type RuleProblem } from './types.js';

/** How rules are compiled. */
export interface RuleSetOptions {
  /** Values of `%placeholder%`s for the `expand` modifier (rules spec, modifiers appendix). */
  readonly placeholders?: Readonly<Record<string, string[]>>;
  /** Extra log-source → channel mappings (haetae.yaml `logsources:`). */
  readonly logSources?: readonly LogSourceMapping[];
  /** Lets Security 4688 rules read the parent image of old events from process lifetimes. */
  readonly tracker?: ProcessTracker;
  /**
   * Prefilters and event-ID routing (default true). False runs every rule of an event's
   * log source on it: slower, same detections (the test of that promise uses it).
   */
  readonly prefilters?: boolean;
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

const ANY = '*';

/** A resolver that records which fields a compile asks for. */
function recording(target: LogSourceTarget, used: Set<string>): LogSourceTarget {
  const resolve: FieldResolver = (f) => { used.add(f); return target.resolve(f); };
  return { ...target, resolve };
}

/** One rule source parsed: its Sigma documents and the problems found (plain data, clonable to workers). */
export interface ParsedRuleSource {
  readonly file: string;
  readonly documents: readonly SigmaDocument[];
  readonly problems: readonly RuleProblem[];
}

/**
 * Parses rule sources (YAML → Sigma documents), the costly half of loading a rule set.
 *
 * @example
 * RuleSet.fromParsed(parseRuleSources(readRuleSources(['rules/']).sources))
 */
export function parseRuleSources(sources: readonly RuleSource[]): ParsedRuleSource[] {
  return sources.map((s) => ({ file: s.file, ...parseSigmaText(s.text, s.file) }));
}

/** A rule set as plain data (structured-clonable): see {@link RuleSet.compact}. */
export interface CompactRuleSet {
  readonly rules: readonly {
    readonly doc: DetectionRuleDoc;
    readonly fieldsUsed: readonly string[];
    readonly matchers: readonly {
      readonly target: string;
      /** The prefilter's `anyOf` and `alsoAnyOf` literals. */
      readonly needles: readonly { readonly field: string; readonly needle: string }[] | null;
      readonly alsoNeedles: readonly { readonly field: string; readonly needle: string }[] | null;
      readonly eventIds: readonly number[] | null;
    }[];
  }[];
  readonly correlations: readonly CorrelationRule[];
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
  /** Entries by routing key `channel|eventId` (lowercase channel; `*` = any). */
  private readonly byKey = new Map<string, RuleList>();
  /**
   * The lists an event's (channel, event ID) reads, resolved on first use: by channel as
   * the event spells it (not folded: a hunt sees a few spellings, and folding and joining
   * a key per event was measurable), then by event ID.
   */
  private readonly buckets = new Map<string, Map<number, readonly RuleList[]>>();
  /** Lowercased providers by their spelling in events (a handful per hunt). */
  private readonly providers = new Map<string, string>();
  private readonly usePrefilters: boolean;
  private entries = 0;
  private readonly hits: RuleEntry[] = [];

  private constructor(options: RuleSetOptions) {
    this.usePrefilters = options.prefilters ?? true;
  }

  /** Parses, filters, compiles and indexes `sources`. Never throws on bad rules. */
  static load(sources: readonly RuleSource[], options: RuleSetOptions = {}): RuleSet {
    return RuleSet.fromParsed(parseRuleSources(sources), options);
  }

  /**
   * Filters, compiles and indexes already parsed sources: hunt workers get the main
   * thread's parse (plain data) instead of parsing the YAML again.
   *
   * @example
   * const parsed = parseRuleSources(sources); // posted to workers
   * const set = RuleSet.fromParsed(parsed, { tracker });
   */
  static fromParsed(parsed: readonly ParsedRuleSource[], options: RuleSetOptions = {}): RuleSet {
    const set = new RuleSet(options);
    set.build(parsed, options);
    return set;
  }

  /**
   * The loaded rules as plain data for another thread: documents (filters applied),
   * targets by name, prefilter literals and routing IDs, correlations; no compiled code
   * and no load report. {@link RuleSet.fromCompact} rebuilds an equivalent rule set
   * without compiling anything up front.
   *
   * @example
   * new Worker(url, { workerData: set.compact() }) // there: RuleSet.fromCompact(workerData, { tracker })
   */
  compact(): CompactRuleSet {
    return {
      correlations: this.correlations,
      rules: this.rules.map((r) => ({
        doc: r.doc, fieldsUsed: r.fieldsUsed,
        matchers: r.matchers.map((m) => ({ target: m.target.name, needles: literals(m.prefilter?.anyOf), alsoNeedles: literals(m.prefilter?.alsoAnyOf), eventIds: m.eventIds })),
      })),
    };
  }

  /**
   * A rule set from {@link RuleSet.compact}'s data, matching exactly as the original; `options`
   * must be the original's (placeholders, log-source mappings), with this thread's tracker.
   * Its report is empty: the original has it.
   */
  static fromCompact(compact: CompactRuleSet, options: RuleSetOptions = {}): RuleSet {
    const set = new RuleSet(options);
    set.correlations.push(...compact.correlations);
    for (const r of compact.rules) {
      const { targets } = targetsOf(r.doc, options);
      const matchers = r.matchers.map((m) => {
        const target = targets.find((t) => t.name === m.target);
        if (!target) throw new Error(`rule '${r.doc.meta.title}': its target ${m.target} is not among its log source's here (different log-source mappings?)`);
        const alternatives = (needles: NonNullable<typeof m.needles>): PrefilterAlternative[] => needles.map((n) => ({ ...n, accessor: prefilterAccessor(target.resolve, n.field) }));
        const prefilter = m.needles && (m.alsoNeedles ? { anyOf: alternatives(m.needles), alsoAnyOf: alternatives(m.alsoNeedles) } : { anyOf: alternatives(m.needles) });
        return compiledOnFirstUse(target, { prefilter, eventIds: m.eventIds }, () => compilePredicate(r.doc, target, options));
      });
      set.add(r.doc, matchers, r.fieldsUsed);
    }
    return set;
  }

  private build(parsed: readonly ParsedRuleSource[], options: RuleSetOptions): void {
    const detections: DetectionRuleDoc[] = [];
    const filters: FilterDoc[] = [];
    for (const { file, documents, problems } of parsed) {
      if (documents.length === 0) {
        this.report.push({ file, kind: 'detection', status: 'not-loaded', reasons: problems.map(describe), targets: [] });
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
  }

  private compile(doc: DetectionRuleDoc, options: RuleSetOptions): void {
    const meta = doc.meta;
    const base = { file: meta.location.file, id: meta.id, title: meta.title, kind: 'detection' as const };
    const { targets, reason } = targetsOf(doc, options);
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
        matchers.push(compiledOnFirstUse(target, matcher, () => compilePredicate(doc, target, options)));
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
    this.add(doc, matchers, [...used]);
    this.report.push({ ...base, status: 'loaded', reasons, targets: matchers.map((m) => m.target.name) });
  }

  /** Adds a loaded rule and routes its matchers. */
  private add(doc: DetectionRuleDoc, matchers: readonly CompiledMatcher[], fieldsUsed: readonly string[]): void {
    const meta = doc.meta;
    const rule: LoadedRule = { doc, key: meta.id ?? `${meta.location.file}#${meta.title}`, level: meta.level ?? 'medium', matchers, fieldsUsed };
    this.rules.push(rule);
    for (const matcher of matchers) {
      const t = matcher.target;
      const entry: RuleEntry = { rule, matcher, provider: t.provider?.toLowerCase() ?? null, order: this.entries++ };
      const channel = t.channel === null ? ANY : t.channel.toLowerCase();
      for (const id of this.routedIds(matcher)) {
        const key = `${channel}|${id}`;
        let list = this.byKey.get(key);
        if (!list) this.byKey.set(key, (list = new RuleList(this.usePrefilters)));
        list.add(entry);
      }
    }
  }

  /**
   * The event IDs a matcher is routed to: its target's, narrowed to those its detection
   * requires (types.ts `CompiledMatcher.eventIds`); `*` for any. Without prefilters,
   * the target's alone.
   */
  private routedIds(matcher: CompiledMatcher): string[] {
    const own = matcher.target.eventIds;
    const required = this.usePrefilters ? matcher.eventIds : null;
    if (required === null) return own.length === 0 ? [ANY] : own.map(String);
    return (own.length === 0 ? required : own.filter((id) => required.includes(id))).map(String);
  }

  /** The lists that apply to one (channel, event ID), looked up once per pair. */
  private bucket(eventChannel: string, eventId: number): readonly RuleList[] {
    let byId = this.buckets.get(eventChannel);
    if (!byId) this.buckets.set(eventChannel, (byId = new Map()));
    let b = byId.get(eventId);
    if (!b) {
      const channel = eventChannel.toLowerCase();
      b = [`${channel}|${eventId}`, `${channel}|${ANY}`, `${ANY}|${eventId}`, `${ANY}|${ANY}`].flatMap((k) => this.byKey.get(k) ?? []);
      byId.set(eventId, b);
    }
    return b;
  }

  private folded(provider: string): string {
    let p = this.providers.get(provider);
    if (p === undefined) {
      if (this.providers.size >= 1024) this.providers.clear();
      this.providers.set(provider, (p = provider.toLowerCase()));
    }
    return p;
  }

  /**
   * Calls `onMatch` for every rule target that matches `event`, in load order.
   *
   * @example
   * set.match(e, (rule) => hits.push(rule.key));
   */
  match(event: Event, onMatch: (rule: LoadedRule, matcher: CompiledMatcher) => void): void {
    const lists = this.bucket(event.channel, event.event_id);
    if (lists.length === 0) return;
    const provider = this.folded(event.provider);
    const hits = this.hits;
    hits.length = 0;
    for (let i = 0; i < lists.length; i++) lists[i].collect(event, provider, hits);
    if (hits.length === 0) return;
    // Load order whatever the routing found them by: output does not depend on prefilters.
    if (hits.length > 1) hits.sort((a, b) => a.order - b.order);
    const found = hits.slice();
    for (const h of found) onMatch(h.rule, h.matcher);
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

/** A rule's targets for its log source (tracker-aware when there is a tracker), or why it has none. */
function targetsOf(doc: DetectionRuleDoc, options: RuleSetOptions): { targets: readonly LogSourceTarget[]; reason?: string } {
  const resolution = logSourceTargets(doc.logsource, options.logSources);
  const tracker = options.tracker;
  const targets = tracker ? resolution.targets.map((t) => ({ ...t, resolve: trackerAwareResolve(t.resolve, tracker, t) })) : resolution.targets;
  return { targets, reason: resolution.reason };
}

/**
 * `matcher` without its predicate, which is compiled again the first time it runs. A rule
 * set holds thousands of rules, most of which never get past their prefilter or event-ID
 * routing in a hunt; their compiled predicates (patterns, windash variants, closures)
 * were most of a loaded rule set's memory (~50 of ~70 MB for SigmaHQ's Windows rules,
 * in every hunt worker). The load still compiles each rule once, so a rule that cannot
 * compile is reported then, not during the hunt; compiling is deterministic, so the
 * second compile gives the same predicate.
 */
function compiledOnFirstUse(target: LogSourceTarget, routing: Pick<CompiledMatcher, 'prefilter' | 'eventIds'>, compile: () => (event: Event) => boolean): CompiledMatcher {
  const lazy = {
    target, prefilter: routing.prefilter, eventIds: routing.eventIds,
    matches: (event: Event): boolean => {
      lazy.matches = compile();
      return lazy.matches(event);
    },
  };
  return lazy;
}

/** A prefilter clause's literals, as plain data. */
function literals(clause: readonly PrefilterAlternative[] | undefined): { field: string; needle: string }[] | null {
  return clause?.map((a) => ({ field: a.field, needle: a.needle })) ?? null;
}

function describe(p: RuleProblem): string {
  const at = p.line !== undefined ? `line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}: ` : '';
  return at + p.message;
}
