/**
 * Counting a simulation: per Sysmon event ID, how many events would be logged or dropped,
 * and by which rule (or which default). What `haetae sysmon simulate` reports.
 */
import { SYSMON_TITLES } from '../event/index.js';
import type { Verdict, VerdictReason } from './simulate.js';

/** How many events one rule (or default) decided. */
export interface RuleCount {
  readonly decision: Verdict['decision'];
  readonly reason: VerdictReason;
  readonly ruleName: string | null;
  readonly line: number | null;
  readonly events: number;
}

/** The outcome for one event ID. */
export interface EventTypeTally {
  readonly eventId: number;
  /** The config tag that filters it, or null (not filterable). */
  readonly tag: string | null;
  readonly title: string;
  readonly events: number;
  readonly logged: number;
  readonly dropped: number;
  /** Deciding rules and defaults, most events first. */
  readonly rules: readonly RuleCount[];
}

/** Accumulates verdicts. */
export class SimulationTally {
  private readonly byEvent = new Map<number, { tag: string | null; logged: number; dropped: number; rules: Map<string, { -readonly [K in keyof RuleCount]: RuleCount[K] }> }>();

  /** Counts one event's verdict. */
  add(eventId: number, v: Verdict): void {
    let e = this.byEvent.get(eventId);
    if (e === undefined) { e = { tag: v.tag, logged: 0, dropped: 0, rules: new Map() }; this.byEvent.set(eventId, e); }
    if (v.decision === 'include') e.logged++; else e.dropped++;
    const key = `${v.decision}|${v.reason}|${v.line ?? ''}|${v.ruleName ?? ''}`;
    const r = e.rules.get(key);
    if (r === undefined) e.rules.set(key, { decision: v.decision, reason: v.reason, ruleName: v.ruleName, line: v.line, events: 1 });
    else r.events++;
  }

  /** The tallies, by event ID. */
  result(): EventTypeTally[] {
    return [...this.byEvent.entries()].sort((a, b) => a[0] - b[0]).map(([eventId, e]) => ({
      eventId, tag: e.tag, title: SYSMON_TITLES[eventId] ?? `event ${eventId}`,
      events: e.logged + e.dropped, logged: e.logged, dropped: e.dropped,
      rules: [...e.rules.values()].sort((a, b) => b.events - a.events || (a.line ?? 0) - (b.line ?? 0)),
    }));
  }
}

const REASON_TEXT: Readonly<Record<VerdictReason, string>> = {
  'exclude-rule': 'exclude rule',
  'include-rule': 'include rule',
  'no-filter': 'no block for this type: Sysmon default',
  'include-default': 'no match; the only block is an exclude block, so kept',
  'exclude-default': 'no match; an include block drops the rest',
  'not-filterable': 'Sysmon service event, always written',
};

/** One rule line of the text report. */
function ruleText(r: RuleCount): string {
  const where = r.line === null ? '' : ` (line ${r.line})`;
  const name = r.ruleName === null ? '' : r.ruleName === '' ? ' [no name]' : ` "${r.ruleName}"`;
  return `${r.decision === 'include' ? 'logged ' : 'dropped'} ${String(r.events).padStart(9)}  ${REASON_TEXT[r.reason]}${name}${where}`;
}

/**
 * The report as text: per event type, logged and dropped counts, then the deciding rules
 * (at most `maxRules` each, most events first).
 */
export function formatTally(tallies: readonly EventTypeTally[], maxRules = 10): string {
  const out: string[] = [];
  let logged = 0, dropped = 0;
  for (const t of tallies) {
    logged += t.logged; dropped += t.dropped;
    out.push(`Event ${t.eventId} ${t.title}${t.tag ? ` (${t.tag})` : ''}: ${t.events} events, ${t.logged} logged, ${t.dropped} dropped`);
    for (const r of t.rules.slice(0, maxRules)) out.push(`  ${ruleText(r)}`);
    if (t.rules.length > maxRules) out.push(`  … ${t.rules.length - maxRules} more rules (--format json lists all)`);
  }
  out.push(`Total: ${logged + dropped} events, ${logged} logged, ${dropped} dropped`);
  return out.join('\n') + '\n';
}
