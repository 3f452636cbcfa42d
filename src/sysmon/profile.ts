/**
 * What a generator profile is: for each event type, the events it must get logged (the
 * targets, for carving exclusions), the rules that log them, and the filter that spares
 * them in an exclusion. merge.ts puts a profile into any config; profiles/ holds them.
 */
import type { ConfigRule, FieldFilter, RuleGroup } from './model.js';
import type { Target } from './target.js';

/** What a profile adds for one event type. */
export interface ProfilePart {
  /** The event tag, e.g. `NetworkConnect`. */
  readonly tag: string;
  /** The events that must be logged. */
  readonly target: Target;
  /** ANDed into an exclusion that could match a target, so it spares them (`Image not end with \w3wp.exe`). */
  readonly spare: FieldFilter;
  /** Who is spared, for comments and the summary ("w3wp.exe's children"). */
  readonly spared: string;
  /** The group whose include block logs the targets, added when the config's default would not. */
  readonly include: RuleGroup;
  /**
   * The profile's own exclusions (the pre-4.70 form of "not a private destination"), only
   * for a config with no block of this type: they would drop events another config logs.
   */
  readonly exclude?: RuleGroup;
  /** What the targets are, for the summary ("connections w3wp.exe initiates to public addresses"). */
  readonly logs: string;
}

/** A generator profile. */
export interface Profile {
  /** The profile's name (`iis-webshell`); the names of the groups it adds begin with `haetae <name>`. */
  readonly name: string;
  /** The lowest schemaversion its rules need. */
  readonly schema: number;
  /** Why that schemaversion, for the summary when a config's is raised. */
  readonly schemaWhy: string;
  readonly parts: readonly ProfilePart[];
}

/** Extra exclusions of one event type (an allowlist), placed without changing what else is logged. */
export interface Exclusions {
  readonly tag: string;
  readonly rules: readonly ConfigRule[];
  /** Where they come from, for the comment above them ("allowlist my-allow.yml"). */
  readonly source: string;
}

/**
 * The prefix of the names of the groups a profile adds (so a second merge is refused).
 *
 * @example
 * profileMarker('iis-webshell') // 'haetae iis-webshell'
 */
export function profileMarker(name: string): string {
  return `haetae ${name}`;
}
