/**
 * Runs Sigma correlation rules over a stream of rule matches (correlation spec
 * "Correlation Types"), feeding correlation hits back into the correlations that
 * reference them (spec "Related rules": "Allowing the user to chain multiple correlations
 * together").
 *
 * ## Input order
 * The caller feeds matches in non-decreasing time order (a hunt sorts or merges its
 * inputs by time). The engine keeps a clock, the latest time seen. A match earlier than
 * the clock (slightly out of order) is taken as if it happened at the clock time when it
 * is late by at most the correlation's timespan, and dropped for that correlation
 * otherwise (both counted in {@link CorrelationStats}); a late match can therefore only
 * pair with matches up to one timespan too far apart. Matches with equal times are in
 * the order observed (this is the order `temporal_ordered` sees).
 *
 * ## Windows
 * The spec asks for windows "not restricted to boundaries" (spec "Temporal Proximity";
 * "Compatibility": fixed buckets cause false negatives). Two kinds are used, chosen by
 * the condition:
 * - Sliding, when the condition only has `gt`/`gte` (the default, and every temporal
 *   rule without a condition): at each match at time t the window is (t − timespan, t],
 *   anchored at that match, and the condition is tested right away: counts only grow as
 *   matches arrive, so this reports as early as possible and misses nothing.
 * - Closing, when the condition has `lt`, `lte`, `eq` or `neq`: "fewer than 5" cannot be
 *   known while matches may still come. A group's window opens at its first match t0,
 *   holds matches in [t0, t0 + timespan) and is tested when the clock reaches
 *   t0 + timespan (or at {@link CorrelationEngine.flush}); the next match opens a new one.
 *
 * ## Firing
 * When a group's condition holds, the engine reports one hit and forgets that group's
 * state (sliding and closing alike), so a burst of 1000 failed logons against `gte: 10`
 * gives 100 hits, not 991: every hit stands for matches that no other hit counted.
 *
 * ## Groups
 * Matches are grouped by the `group-by` values read through the rule's aliases (spec
 * "Grouping", "Field Name Aliases"); values compare by their exact string form
 * (values.ts `valueKey`), and a missing field is the value null: events lacking the
 * field form their own group rather than being dropped. Without `group-by`, all matches
 * of a correlation form one group. An alias applies to the rules it names (by name or
 * id); for other rules the alias name is read as a field. Aliases also apply to the
 * condition's `field`.
 *
 * ## Memory
 * A sliding group is forgotten once its last match leaves the window, a closing group
 * when its window closes. Each correlation holds at most `maxGroupsPerRule` groups (the
 * least recently used sliding group, or the oldest closing window, goes untested,
 * counted in `groupsEvicted`), and each group at most
 * `maxSamplesPerGroup` stored samples (the oldest go, counted in `samplesDropped`;
 * counts saturate exactly, see window.ts).
 */
import { setField, type EventValue } from '../../event/index.js';
import type { RuleProblem } from '../types.js';
import { isLowerBoundOnly, meetsCondition } from './condition.js';
import type { BaseMatch, CorrelationHit, CorrelationRule } from './types.js';
import { valueKey } from './values.js';
import { RecencyList } from './recency.js';
import { newWindow, type WindowState } from './window.js';

/**
 * Limits of the engine; the defaults suit a hunt over millions of events.
 *
 * @example
 * new CorrelationEngine(rules, { maxGroupsPerRule: 10_000 });
 */
export interface CorrelationEngineOptions {
  /** Groups kept per correlation rule; default 100 000. */
  readonly maxGroupsPerRule?: number;
  /** Samples (times, numbers) kept per group; default 10 000. */
  readonly maxSamplesPerGroup?: number;
}

/**
 * What the engine reported, approximated or dropped, for the run report.
 *
 * @example
 * const s: CorrelationStats = engine.stats(); // { hits: 3, groupsEvicted: 0, samplesDropped: 0, … }
 */
export interface CorrelationStats {
  /** Correlation hits reported. */
  readonly hits: number;
  /** Groups dropped because a correlation had `maxGroupsPerRule` groups. */
  readonly groupsEvicted: number;
  /** Samples dropped because a group had `maxSamplesPerGroup` of them. */
  readonly samplesDropped: number;
  /** Late matches taken at the clock time (see "Input order"). */
  readonly lateClamped: number;
  /** Matches too late for a correlation's window, ignored by it. */
  readonly lateDropped: number;
  /** Groups currently held, all correlations together. */
  readonly openGroups: number;
}

/**
 * Identifies a rule by its `id` and/or `name` (a RuleMeta fits).
 *
 * @example
 * const keys: RuleKeys = { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' };
 */
export interface RuleKeys {
  readonly id?: string;
  readonly name?: string;
}

interface Group {
  readonly key: string;
  readonly window: WindowState;
  /** Window start (closing windows). */
  readonly start: number;
  /** Clock time of the last match. */
  last: number;
  lastMatch: BaseMatch;
  values: Record<string, EventValue>;
}

type Emit = (hit: CorrelationHit, lastMatch: BaseMatch) => void;

/** One correlation rule and its groups. */
class LiveCorrelation {
  readonly sliding: boolean;
  readonly span: number;
  /** Sliding: least recently used first; closing: oldest window first. */
  readonly groups = new RecencyList<string, Group>();
  /** Reference string → indexes in `rule.rules` it stands at. */
  readonly indexes = new Map<string, number[]>();
  droppedOfGone = 0;

  constructor(readonly rule: CorrelationRule) {
    this.sliding = isLowerBoundOnly(rule.condition);
    this.span = rule.timespan.ms;
    rule.rules.forEach((ref, i) => {
      const list = this.indexes.get(ref);
      if (list) list.push(i);
      else this.indexes.set(ref, [i]);
    });
  }

  /** The field a match of `match`'s rule holds `name` in: an alias resolved, or `name` itself. */
  fieldFor(name: string, match: BaseMatch): string {
    const alias = this.rule.aliases.get(name);
    if (!alias) return name;
    return (match.ruleName !== undefined ? alias.get(match.ruleName) : undefined) ?? alias.get(match.ruleId) ?? name;
  }
}

/**
 * The correlation engine: give it every match of a referenced rule, in time order; it
 * returns the correlation hits each match completes.
 *
 * @example
 * const engine = new CorrelationEngine(correlationRules);
 * for (const p of engine.unresolvedReferences(detectionRules.map((r) => r.meta))) report(p);
 * const wanted = engine.referencedRuleKeys();
 * for (const m of matches) if (wanted.has(m.ruleId) || (m.ruleName && wanted.has(m.ruleName))) alert(engine.observe(m));
 * alert(engine.flush());
 */
export class CorrelationEngine {
  /** Problems found while wiring the rules (duplicate ids or names, reference cycles); those rules do not run. */
  readonly problems: readonly RuleProblem[];
  private readonly live: LiveCorrelation[] = [];
  /** Correlations in dependency order: every correlation after those it references. */
  private readonly ordered: LiveCorrelation[] = [];
  /** Reference string → the correlations that reference it. */
  private readonly consumers = new Map<string, LiveCorrelation[]>();
  /** Correlation id/name → the correlation. */
  private readonly byKey = new Map<string, LiveCorrelation>();
  private readonly maxGroups: number;
  private readonly maxSamples: number;
  private clock = -Infinity;
  private counts = { hits: 0, groupsEvicted: 0, lateClamped: 0, lateDropped: 0 };

  constructor(rules: readonly CorrelationRule[], options: CorrelationEngineOptions = {}) {
    this.maxGroups = Math.max(1, options.maxGroupsPerRule ?? 100_000);
    this.maxSamples = Math.max(1, options.maxSamplesPerGroup ?? 10_000);
    const problems: RuleProblem[] = [];
    const candidates: LiveCorrelation[] = [];
    for (const rule of rules) {
      const keys = ruleKeys(rule);
      const taken = keys.find((k) => this.byKey.has(k));
      if (taken !== undefined) {
        problems.push(problemAt(rule, `${rule.meta.id === taken ? 'id' : 'name'}: '${taken}' is already used by correlation '${this.byKey.get(taken)!.rule.meta.title}'; this one is ignored`));
        continue;
      }
      const live = new LiveCorrelation(rule);
      for (const k of keys) this.byKey.set(k, live);
      candidates.push(live);
    }
    // Dependency order (Kahn); what remains is on or behind a reference cycle.
    const upstream = new Map(candidates.map((c) => [c, new Set(c.rule.rules.map((r) => this.byKey.get(r)).filter((u) => u !== undefined))]));
    const done = new Set<LiveCorrelation>();
    for (let progress = true; progress;) {
      progress = false;
      for (const c of candidates) {
        if (done.has(c) || ![...upstream.get(c)!].every((u) => done.has(u))) continue;
        done.add(c);
        this.ordered.push(c);
        progress = true;
      }
    }
    for (const c of candidates) {
      if (done.has(c)) continue;
      const via = [...upstream.get(c)!].filter((u) => !done.has(u)).map((u) => `'${u.rule.meta.name ?? u.rule.meta.id ?? u.rule.meta.title}'`);
      problems.push(problemAt(c.rule, `correlation.rules: references form a cycle (through ${via.join(', ')}); the correlation cannot run`));
    }
    for (const c of this.ordered) {
      this.live.push(c);
      for (const ref of c.indexes.keys()) {
        const list = this.consumers.get(ref);
        if (list) list.push(c);
        else this.consumers.set(ref, [c]);
      }
    }
    this.problems = problems;
  }

  /**
   * Ids and names of the non-correlation rules the correlations reference: only matches of
   * these rules need to reach {@link observe}. (Correlation hits are fed back internally.)
   *
   * @example
   * const keys = engine.referencedRuleKeys(); // Set { 'failed_login', 'successful_login' }
   */
  referencedRuleKeys(): Set<string> {
    const keys = new Set<string>();
    for (const ref of this.consumers.keys()) if (!this.byKey.has(ref)) keys.add(ref);
    return keys;
  }

  /**
   * Problems for references that match no known rule (by id or name) nor a correlation of
   * this engine, and for alias entries naming a rule the correlation does not reference
   * (spec "Related rules": "the referenced rule name has to be defined in the respective
   * rule"). A correlation with an unresolved reference can never fire fully; the caller
   * decides whether to keep it.
   *
   * @example
   * engine.unresolvedReferences([{ id: '53ba…', name: 'failed_login' }]);
   * // [{ file: 'mr_x.yml', message: "correlation.rules: 'successful_login' matches no rule id or name", … }]
   */
  unresolvedReferences(known: Iterable<RuleKeys>): RuleProblem[] {
    /** Every key → all keys of the same rule. */
    const sameRule = new Map<string, string[]>();
    const add = (keys: RuleKeys): void => {
      const all = [keys.id, keys.name].filter((k): k is string => k !== undefined && k !== '');
      for (const k of all) sameRule.set(k, all);
    };
    for (const k of known) add(k);
    for (const c of this.live) add(c.rule.meta);
    const problems: RuleProblem[] = [];
    for (const c of this.live) {
      for (const ref of c.rule.rules) {
        if (!sameRule.has(ref)) problems.push(problemAt(c.rule, `correlation.rules: '${ref}' matches no rule id or name`));
      }
      for (const [alias, mapping] of c.rule.aliases) {
        for (const ruleRef of mapping.keys()) {
          const keys = sameRule.get(ruleRef) ?? [ruleRef];
          if (!keys.some((k) => c.indexes.has(k))) {
            problems.push(problemAt(c.rule, `correlation.aliases.${alias}.${ruleRef}: '${ruleRef}' is not one of the rules this correlation references (${c.rule.rules.join(', ')})`));
          }
        }
      }
    }
    return problems;
  }

  /**
   * Whether a rule's own matches should be left out of the output: it is referenced by a
   * correlation, and no correlation referencing it says `generate: true` (spec "Generate":
   * by default "only the correlation query should be generated"). Applies to detection
   * rules and to correlations referenced by other correlations alike.
   *
   * @example
   * engine.outputSuppressed({ id: '53ba…', name: 'failed_login' }); // true
   */
  outputSuppressed(rule: RuleKeys): boolean {
    const consumers = new Set<LiveCorrelation>();
    for (const k of [rule.id, rule.name]) if (k !== undefined) for (const c of this.consumers.get(k) ?? []) consumers.add(c);
    return consumers.size > 0 && ![...consumers].some((c) => c.rule.generate);
  }

  /**
   * Feeds one match of a referenced rule; returns the hits it completes, including hits
   * of correlations fed by other correlations' hits, and of closing windows the match's
   * time has ended (see "Windows"), earliest first.
   *
   * @example
   * const hits = engine.observe({ ruleId: r.id, ruleName: r.name, time: Date.parse(e._time), event: e, field: (f) => read(f, e) });
   */
  observe(match: BaseMatch): CorrelationHit[] {
    const hits: CorrelationHit[] = [];
    if (match.time > this.clock) {
      this.clock = match.time;
      this.sweep(hits);
    }
    this.dispatch(match, hits);
    return hits;
  }

  /**
   * Ends the input: tests every open closing window (see "Windows") and forgets all
   * state. Returns the hits, chained ones included.
   *
   * @example
   * const last = engine.flush();
   */
  flush(): CorrelationHit[] {
    const hits: CorrelationHit[] = [];
    const emit = this.emitter(hits);
    for (const c of this.ordered) {
      for (const g of c.groups.values()) {
        this.forget(c, g);
        if (!c.sliding) this.test(c, g, emit);
      }
    }
    return hits;
  }

  /**
   * Counters for the run report.
   *
   * @example
   * const { groupsEvicted, samplesDropped } = engine.stats();
   */
  stats(): CorrelationStats {
    let samplesDropped = 0;
    let openGroups = 0;
    for (const c of this.live) {
      samplesDropped += c.droppedOfGone;
      openGroups += c.groups.size;
      for (const g of c.groups.values()) samplesDropped += g.window.dropped;
    }
    return { ...this.counts, samplesDropped, openGroups };
  }

  /** Hands a match to every correlation referencing its rule. */
  private dispatch(match: BaseMatch, hits: CorrelationHit[]): void {
    const targets = new Map<LiveCorrelation, number[]>();
    for (const key of match.ruleName !== undefined && match.ruleName !== match.ruleId ? [match.ruleId, match.ruleName] : [match.ruleId]) {
      for (const c of this.consumers.get(key) ?? []) {
        const indexes = c.indexes.get(key)!;
        const seen = targets.get(c);
        targets.set(c, seen ? [...new Set([...seen, ...indexes])] : indexes);
      }
    }
    const emit = this.emitter(hits);
    for (const [c, indexes] of targets) this.add(c, match, indexes, emit);
  }

  /** Reports a hit and feeds it to the correlations that reference its rule (chaining). */
  private emitter(hits: CorrelationHit[]): Emit {
    return (hit, lastMatch) => {
      hits.push(hit);
      this.counts.hits++;
      // A correlation without id or name cannot be referenced (spec "Related rules").
      if (ruleKeys(hit.rule).length > 0) this.dispatch(chainedMatch(hit, lastMatch), hits);
    };
  }

  private add(c: LiveCorrelation, match: BaseMatch, indexes: readonly number[], emit: Emit): void {
    if (match.time < this.clock) {
      if (this.clock - match.time > c.span) {
        this.counts.lateDropped++;
        return;
      }
      this.counts.lateClamped++;
    }
    const t = this.clock;
    const values: Record<string, EventValue> = {};
    for (const name of c.rule.groupBy) setField(values, name, match.field(c.fieldFor(name, match)) ?? null);
    const by = c.rule.groupBy;
    const key = by.length === 0 ? '' : by.length === 1 ? valueKey(values[by[0]]) : JSON.stringify(by.map((name) => valueKey(values[name])));
    const read = (name: string): EventValue | undefined => match.field(c.fieldFor(name, match));

    let g = c.groups.get(key);
    if (g && !c.sliding && t >= g.start + c.span) {
      this.forget(c, g);
      this.test(c, g, emit);
      g = undefined;
    }
    if (g && c.sliding) c.groups.touch(key);
    if (!g) {
      if (c.groups.size >= this.maxGroups) {
        this.forget(c, c.groups.oldest()![1]);
        this.counts.groupsEvicted++;
      }
      g = { key, window: newWindow(c.rule, { maxSamples: this.maxSamples, sliding: c.sliding }), start: t, last: t, lastMatch: match, values };
      c.groups.set(key, g);
    }
    const group = g;
    group.window.add(t, indexes, read);
    group.last = t;
    group.lastMatch = match;
    group.values = values;
    if (c.sliding) {
      group.window.expire(t - c.span);
      this.test(c, group, emit, () => this.forget(c, group));
    }
  }

  /** Tests a group's condition; on a hit, `before` runs (e.g. forgetting the group), then the hit is emitted. */
  private test(c: LiveCorrelation, g: Group, emit: Emit, before?: () => void): boolean {
    const m = g.window.measure();
    if (m === null || !meetsCondition(c.rule.condition, m.value)) return false;
    before?.();
    const hit: CorrelationHit = { rule: c.rule, time: g.lastMatch.time, event: g.lastMatch.event, group: g.values, events: m.events, value: m.value };
    emit(hit, g.lastMatch);
    return true;
  }

  private forget(c: LiveCorrelation, g: Group): void {
    if (c.groups.get(g.key) !== g) return;
    c.groups.delete(g.key);
    c.droppedOfGone += g.window.dropped;
  }

  /** Expires sliding groups the clock has left behind and closes ended closing windows, upstream correlations first. */
  private sweep(hits: CorrelationHit[]): void {
    const emit = this.emitter(hits);
    for (const c of this.ordered) {
      for (let oldest = c.groups.oldest(); oldest; oldest = c.groups.oldest()) {
        const g = oldest[1];
        if (c.sliding) {
          if (g.last > this.clock - c.span) break;
          this.forget(c, g);
        } else {
          if (g.start + c.span > this.clock) break;
          this.forget(c, g);
          this.test(c, g, emit);
        }
      }
    }
  }
}

/** The keys other correlations can reference a correlation by. */
function ruleKeys(rule: CorrelationRule): string[] {
  return [rule.meta.id, rule.meta.name].filter((k): k is string => k !== undefined && k !== '');
}

function problemAt(rule: CorrelationRule, message: string): RuleProblem {
  return { ...rule.meta.location, rule: rule.meta.id ?? rule.meta.title, message };
}

/**
 * A correlation hit as a match of the correlation rule, for the correlations that
 * reference it: its fields are its group-by values, else the fields of the match that
 * completed it (spec "Ordered Temporal Proximity" note: a chained correlation "only uses
 * its own `group-by`").
 */
function chainedMatch(hit: CorrelationHit, lastMatch: BaseMatch): BaseMatch {
  const meta = hit.rule.meta;
  return {
    ruleId: meta.id ?? meta.name ?? '',
    ruleName: meta.name,
    time: hit.time,
    event: hit.event,
    field: (name) => (Object.prototype.hasOwnProperty.call(hit.group, name) ? hit.group[name] : lastMatch.field(name)),
  };
}
