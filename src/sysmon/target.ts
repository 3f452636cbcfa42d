/**
 * The events a generated rule must get logged ("targets"), described by per-field
 * constraints, and whether an existing filter could match one of them. The merge asks this
 * of every exclusion, because an exclude match drops an event whatever the includes say
 * (shared/specs/windows-events.md §1): an exclusion that could match a target must be
 * narrowed. "Could" is answered conservatively: when unsure, yes — narrowing one exclusion
 * too many logs a few more events, narrowing one too few would lose them.
 */
import { isNonPublicPrefix, isNonPublicText } from './addresses.js';
import { alternatives, baseName, conditionTest } from './conditions.js';
import type { FieldFilter } from './model.js';

/** What a target event's field holds. Values are lowercase. */
export type FieldConstraint =
  /** The value ends with one of these (a path ending in `\w3wp.exe`). */
  | { readonly kind: 'suffix'; readonly suffixes: readonly string[] }
  /** The value is one of these (`Initiated` is `true`). */
  | { readonly kind: 'one-of'; readonly values: readonly string[] }
  /** A public address: not selected by addresses.ts NON_PUBLIC_MATCHES. */
  | { readonly kind: 'public-address' };

/** Target events of one event type: constraints by field name (lowercase); other fields hold anything. */
export type Target = ReadonlyMap<string, FieldConstraint>;

/** Whether some value ending with `suffix` (anything before it) passes the filter. */
function suffixMayMatch(f: FieldFilter, suffix: string): boolean {
  const x = f.value.toLowerCase();
  const alts = (): string[] => alternatives(f.value);
  switch (f.condition) {
    case 'is': return x.endsWith(suffix);
    case 'is any': return alts().some((a) => a.endsWith(suffix));
    case 'end with': return x.endsWith(suffix) || suffix.endsWith(x);
    // The shortest candidate is the suffix itself; every other one contains it.
    case 'excludes': return !suffix.includes(x);
    case 'excludes any': return alts().every((a) => !suffix.includes(a));
    case 'excludes all': return alts().some((a) => !suffix.includes(a));
    case 'not end with': return !suffix.endsWith(x);
    case 'not begin with': return x !== '';
    case 'image': {
      if (x.includes('\\')) return x.endsWith(suffix);
      return suffix.includes('\\') ? x === baseName(suffix) : x.endsWith(suffix);
    }
    // is not, contains (any/all), begin with, less/more than: a value can be built to pass.
    default: return true;
  }
}

/** Whether some public address passes the filter. */
function publicMayMatch(f: FieldFilter): boolean {
  switch (f.condition) {
    case 'is': return !isNonPublicText(f.value);
    case 'is any': return alternatives(f.value).some((a) => !isNonPublicText(a));
    case 'begin with': return !isNonPublicPrefix(f.value);
    default: return true;
  }
}

/**
 * Whether a filter could match a target event's field.
 *
 * @example
 * mayMatch(filter('Image', 'is', 'C:\\x\\chrome.exe'), { kind: 'suffix', suffixes: ['\\w3wp.exe'] }) // false
 */
export function mayMatch(f: FieldFilter, constraint: FieldConstraint | undefined): boolean {
  if (constraint === undefined) return true;
  switch (constraint.kind) {
    case 'suffix': return constraint.suffixes.some((s) => suffixMayMatch(f, s));
    case 'one-of': { const test = conditionTest(f.condition, f.value); return constraint.values.some((v) => test(v)); }
    case 'public-address': return publicMayMatch(f);
  }
}

/**
 * The constraint a target puts on a filter's field (field names compare case-insensitively).
 *
 * @example
 * constraintOf(new Map([['image', { kind: 'public-address' }]]), 'IMAGE') // { kind: 'public-address' }
 */
export function constraintOf(target: Target, field: string): FieldConstraint | undefined {
  return target.get(field.toLowerCase());
}

/**
 * Whether a conjunction of filters (a `<Rule groupRelation="and">`, or one filter) could
 * match a target event. Each filter is judged alone, so two filters that no value passes
 * together still count as "could": the answer errs towards narrowing.
 *
 * @example
 * allMayMatch([filter('Initiated', 'is', 'false')], target) // false when the target says Initiated is true
 */
export function allMayMatch(filters: readonly FieldFilter[], target: Target): boolean {
  return filters.every((f) => mayMatch(f, constraintOf(target, f.field)));
}
