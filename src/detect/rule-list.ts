/**
 * The rules routed to one (channel, event ID) key of a rule set (`security|4625`,
 * `security|*`, …), with their prefilter automata: one Aho–Corasick pass per prefiltered
 * field (see needle-index.ts) finds the few rules whose literals occur, and only those,
 * plus the rules without a prefilter, run their full predicate.
 *
 * A prefilter's second clause (`alsoAnyOf`) is not in the automata: its needles
 * (`.exe`, `\\windows\\`, …) are often common, and scanning for them cost more than it
 * saved. It is tested by substring search on the entries whose first clause held, before
 * their full predicate, when it has at most {@link MAX_SECOND_CLAUSE} alternatives
 * (dozens of substring searches over a command line cost about what the predicate does).
 *
 * A list is indexed on first use and kept: every event routed to the key shares it, and
 * an event's rules come from at most four lists (its key, its channel's `*`, its ID's
 * `*`, and `*|*`). A rule routed to several event IDs (rule-set.ts `routedIds`) sits in
 * the list of each, so its needles are indexed once per list.
 *
 * @example
 * const list = new RuleList(true);
 * list.add({ rule, matcher, provider: null, order: 0 });
 * list.collect(event, 'microsoft-windows-security-auditing', hits); // hits gets the matching entries
 */
import type { Event } from '../event/index.js';
import { NeedleIndex } from './needle-index.js';
import type { LoadedRule } from './rule-set.js';
import { foldCase } from './sigma/fold.js';
import { clauseHolds } from './sigma/prefilter.js';
import type { CompiledMatcher, FieldAccessor, PrefilterAlternative } from './types.js';

/** Alternatives of a second clause worth testing before the predicate (see the module comment). */
const MAX_SECOND_CLAUSE = 6;

/** One (rule, target) in a list; `order` is its place in the rule set's load order. */
export interface RuleEntry {
  readonly rule: LoadedRule;
  readonly matcher: CompiledMatcher;
  /** The target's provider, lowercased, or null for any. */
  readonly provider: string | null;
  readonly order: number;
}

/** The needles of one field across a list's prefiltered entries. */
interface FieldGroup {
  readonly accessor: FieldAccessor;
  readonly index: NeedleIndex;
  /** Marks the entries whose needle the automaton reported (bound to this list's state). */
  readonly onNeedle: (needle: number) => void;
}

/** A field value as the prefilter reads it: lowercased text, array elements one per line. */
function prefilterText(v: unknown): string {
  if (typeof v === 'string') return foldCase(v);
  if (Array.isArray(v)) return v.map(prefilterText).join('\n');
  return String(v).toLowerCase();
}

/**
 * The entries of one routing key. `usePrefilters` false runs every entry's full
 * predicate (what the prefilters must never change: see rule-set.test.ts).
 */
export class RuleList {
  readonly entries: RuleEntry[] = [];
  private indexed = false;
  private always: number[] = [];
  private groups: FieldGroup[] = [];
  /** Per entry, the epoch in which it last became a candidate (dedup without clearing). */
  private stamp = new Int32Array(0);
  private epoch = 0;
  /** The entries whose needles the current event's scans reported ({@link candidateCount} of them). */
  private candidates = new Int32Array(0);
  private candidateCount = 0;
  /** Per entry, its prefilter's second clause when it has a usable one. */
  private also: (readonly PrefilterAlternative[] | null)[] = [];

  constructor(private readonly usePrefilters: boolean) {}

  add(entry: RuleEntry): void {
    this.entries.push(entry);
    this.indexed = false;
  }

  /**
   * Appends to `hits` the entries matching `event` (whose provider, lowercased, is
   * `provider`), in no particular order.
   */
  collect(event: Event, provider: string, hits: RuleEntry[]): void {
    if (!this.indexed) this.index();
    const { entries, always } = this;
    for (let i = 0; i < always.length; i++) run(entries[always[i]], event, provider, hits);
    const groups = this.groups;
    if (groups.length === 0) return;
    if (++this.epoch === 0x7fffffff) { this.stamp.fill(0); this.epoch = 1; }
    this.candidateCount = 0;
    for (let g = 0; g < groups.length; g++) {
      const v = groups[g].accessor(event);
      if (typeof v === 'string') groups[g].index.searchAnyCase(v, groups[g].onNeedle);
      else if (v !== undefined && v !== null) groups[g].index.search(prefilterText(v), groups[g].onNeedle);
    }
    const also = this.also;
    const candidates = this.candidates;
    for (let c = 0, count = this.candidateCount; c < count; c++) {
      const i = candidates[c];
      const entry = entries[i];
      if (entry.provider !== null && entry.provider !== provider) continue; // cheaper than the clause
      const second = also[i];
      if ((second === null || clauseHolds(second, event)) && entry.matcher.matches(event)) hits.push(entry);
    }
  }

  /** Splits entries into always-run ones and one needle automaton per prefiltered (target, field). */
  private index(): void {
    const always: number[] = [];
    const byField = new Map<string, { accessor: FieldAccessor; needles: Map<string, number[]> }>();
    const usable = (clause: readonly PrefilterAlternative[] | undefined): clause is readonly PrefilterAlternative[] =>
      clause !== undefined && clause.length > 0 && clause.every((a) => a.needle !== '');
    this.also = this.entries.map(() => null);
    this.entries.forEach(({ matcher }, i) => {
      const prefilter = this.usePrefilters ? matcher.prefilter : null;
      if (!prefilter || !usable(prefilter.anyOf)) { always.push(i); return; }
      // Not a keywords clause: its text (every value and the message) would be joined
      // again for each candidate, where the automata read it once per group.
      const second = prefilter.alsoAnyOf;
      if (usable(second) && second.length <= MAX_SECOND_CLAUSE && second.every((a) => a.field !== '')) this.also[i] = second;
      for (const a of prefilter.anyOf) {
        const fieldKey = `${matcher.target.name}\u0000${a.field}`;
        let g = byField.get(fieldKey);
        if (!g) byField.set(fieldKey, (g = { accessor: a.accessor, needles: new Map() }));
        let list = g.needles.get(a.needle);
        if (!list) g.needles.set(a.needle, (list = []));
        if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.always = always;
    this.stamp = new Int32Array(this.entries.length);
    this.candidates = new Int32Array(this.entries.length);
    this.epoch = 0;
    this.groups = [...byField.values()].map((g) => {
      const needles = [...g.needles.keys()];
      const entriesOf = needles.map((n) => g.needles.get(n) ?? []);
      const onNeedle = (n: number): void => {
        const of = entriesOf[n];
        for (let k = 0; k < of.length; k++) {
          const i = of[k];
          if (this.stamp[i] !== this.epoch) { this.stamp[i] = this.epoch; this.candidates[this.candidateCount++] = i; }
        }
      };
      return { accessor: g.accessor, index: new NeedleIndex(needles), onNeedle };
    });
    this.indexed = true;
  }
}

/** Runs one entry's full predicate (a module function: the hot path makes no closures for it). */
function run(entry: RuleEntry, event: Event, provider: string, hits: RuleEntry[]): void {
  if (entry.provider !== null && entry.provider !== provider) return;
  if (entry.matcher.matches(event)) hits.push(entry);
}
