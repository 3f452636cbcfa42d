/**
 * Event-ID routing: the event IDs a rule can match at all, read from its detection
 * (`EventID: 4720`, `EventID: [4624, 4625]`), so an engine runs the rule only on those
 * events. SigmaHQ writes most `service: security` and `service: system` rules this way:
 * their log source covers every event ID of the channel, their detection names a few.
 *
 * Only the System EventID counts (the field's accessor must be the one `EventID`
 * resolves to, not a renamed field) and only positive equality: a plain number, or a
 * string that is a canonical decimal integer (`'4720'`, which matches exactly when the
 * event's ID prints as it). `neq`, comparisons, wildcards and `not` give nothing.
 * Combination follows necessary.ts: a map's fields and `and` intersect, `or`, `1 of` and
 * a list of maps unite, and a part without an EventID test makes a union unrestricted.
 *
 * @example
 * // `selection: { EventID: [4624, 4625], LogonType: 3 }`, `condition: selection and not filter`
 * deriveEventIds(asts, planned, names) // Set {4624, 4625}
 */
import { isEventIdAccessor } from '../field-access.js';
import type { ConditionNode } from './condition.js';
import { deriveNecessary, type NecessaryAlgebra, type PlannedField, type PlannedSelection } from './necessary.js';

type Ids = ReadonlySet<number>;

const CANONICAL_INTEGER = /^(0|[1-9]\d{0,9})$/;

/** The IDs one field match allows, or null when it does not restrict EventID. */
function fieldIds(f: PlannedField): Ids | null {
  const { plan } = f;
  if (!isEventIdAccessor(f.accessor) || plan.negate || plan.tests.length === 0) return null;
  const perValue = plan.tests.map((t): Ids | null => {
    if (t.kind === 'number') return t.op === 'eq' && t.part === null && Number.isInteger(t.value) ? new Set([t.value]) : null;
    if (t.kind !== 'pattern') return null;
    const ids = new Set<number>();
    for (const p of t.variants) {
      const text = p.length === 1 && p[0].kind === 'text' ? p[0].text : null;
      if (text === null || !CANONICAL_INTEGER.test(text)) return null;
      ids.add(Number(text));
    }
    return ids;
  });
  return plan.all ? algebra.every(perValue) : algebra.some(perValue);
}

const algebra: NecessaryAlgebra<Ids> = {
  every: (parts) => {
    let out: number[] | null = null;
    for (const p of parts) {
      if (p === null) continue;
      out = out === null ? [...p] : out.filter((id) => p.has(id));
    }
    return out === null ? null : new Set(out);
  },
  some: (parts) => {
    const out = new Set<number>();
    for (const p of parts) {
      if (p === null) return null;
      for (const id of p) out.add(id);
    }
    return out;
  },
};

/**
 * The event IDs every match of the rule has (sorted), or null when the detection does
 * not restrict them.
 *
 * @example
 * deriveEventIds([parseCondition('sel')], planned, ['sel']) // [4720] for `sel: { EventID: 4720 }`
 */
export function deriveEventIds(conditions: readonly ConditionNode[], selections: Readonly<Record<string, PlannedSelection>>, names: readonly string[]): number[] | null {
  const ids = deriveNecessary(conditions, selections, names, fieldIds, algebra);
  return ids === null ? null : [...ids].sort((a, b) => a - b);
}
