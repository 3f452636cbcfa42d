/**
 * The contracts between the parts of `detect/`: the Sigma rule model (sigma/), log-source
 * targets (logsource.ts), compiled matchers, correlation (correlation/), the process
 * tracker (process-tracker.ts) and the engine that ties them together (engine.ts).
 *
 * Spec: ../shared/sigma/specification/specification/ (Sigma v2.1): rules, modifiers,
 * taxonomy, filters, correlation rules.
 */
import type { Event, EventValue } from '../event/index.js';

/** Sigma levels, lowest first (rules spec "level"). */
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** Where a problem in a rule file is: 1-based line and column when known. */
export interface RuleLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** A precise, user-facing problem with a rule (parse error, unsupported feature, …). */
export interface RuleProblem extends RuleLocation {
  readonly message: string;
  /** The rule's id or title when it could be read. */
  readonly rule?: string;
}

/** `logsource:` of a rule or filter. */
export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

/** Common metadata of every Sigma document (detection rule, correlation, filter). */
export interface RuleMeta {
  readonly title: string;
  readonly id?: string;
  /** `name:` — how correlations refer to rules (correlation spec "Related rules"). */
  readonly name?: string;
  readonly status?: string;
  readonly description?: string;
  readonly level?: Level;
  readonly tags: readonly string[];
  readonly author?: string;
  readonly references: readonly string[];
  readonly falsepositives: readonly string[];
  /** `fields:` — what a human wants to see with a match. */
  readonly fields: readonly string[];
  readonly location: RuleLocation;
}

/**
 * Reads one Sigma field from an event, for one log-source target. `undefined` means the
 * field is absent (Sigma `null` / `exists: false` semantics), distinct from an empty string.
 */
export type FieldAccessor = (event: Event) => EventValue | undefined;

/**
 * Maps a Sigma field name (as written in the rule, e.g. `Image`, `ParentImage`) to an
 * accessor for a target; the log-source mapping supplies it (e.g. 4688: `Image` →
 * `data.NewProcessName`). Returns null when the target cannot have that field: the
 * compiler then treats the field as absent for that target.
 */
export type FieldResolver = (sigmaField: string) => FieldAccessor | null;

/**
 * Which events a rule's log source covers: one channel (+ provider) and event IDs,
 * with the field mapping used there. A rule has one target per (channel, provider)
 * its log source maps to, e.g. `process_creation` → Sysmon 1 and Security 4688.
 */
export interface LogSourceTarget {
  /** Short name for reports, e.g. `sysmon:1`, `security:4688`. */
  readonly name: string;
  /** System/Channel to match (case-insensitive), or null for any channel. */
  readonly channel: string | null;
  /** System/Provider/@Name to match (case-insensitive), or null for any. */
  readonly provider: string | null;
  /** EventIDs to match; empty = any. */
  readonly eventIds: readonly number[];
  /** How this target reads Sigma fields. */
  readonly resolve: FieldResolver;
}

/** One prefilter alternative: the (lowercased) value of `field` contains `needle` (lowercase). */
export interface PrefilterAlternative {
  readonly accessor: FieldAccessor;
  readonly field: string;
  readonly needle: string;
}

/**
 * A necessary condition for a rule to match, cheap to test before the full predicate:
 * the rule can only match an event if at least one alternative of `anyOf` holds and, when
 * there is `alsoAnyOf`, one of those too (a second necessary condition, on other needles:
 * `Image|contains: '\Windows\'` alone lets every image through, with the command line's
 * needles next to it few events pass). `null` means no useful prefilter (always evaluate
 * the predicate).
 */
export interface Prefilter {
  readonly anyOf: readonly PrefilterAlternative[];
  readonly alsoAnyOf?: readonly PrefilterAlternative[];
}

/** A compiled detection for one target. */
export interface CompiledMatcher {
  readonly target: LogSourceTarget;
  readonly matches: (event: Event) => boolean;
  readonly prefilter: Prefilter | null;
  /**
   * A second necessary condition: the event IDs the detection itself requires (its
   * `EventID` tests), or null when it requires none. An engine may skip other events.
   */
  readonly eventIds: readonly number[] | null;
}

/**
 * A detection (or correlation) hit, as hunt prints it and serve stores it. Compact on
 * purpose: it names the event (channel, event ID, record ID, file) and copies the key
 * fields, instead of holding the whole Event, so a hunt keeps memory bounded.
 */
export interface Detection {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Level;
  readonly tags: readonly string[];
  /** The event time (ISO 8601 UTC); for a correlation, the event that completed it. */
  readonly time: string;
  readonly host: string;
  readonly channel: string;
  readonly eventId: number;
  readonly recordId: number | null;
  /** The input the event came from, when known. */
  readonly file?: string;
  /** Target name that matched, e.g. `security:4688`, or `correlation`. */
  readonly target: string;
  /** Key fields to show (rule `fields:` or the target's defaults), Sigma names → values. */
  readonly fields: Readonly<Record<string, EventValue>>;
  /** Process chain, oldest ancestor first, ending with the event's own process (images). */
  readonly chain: readonly string[];
  /** For correlations: the group-by values and the number of events that made it. */
  readonly correlation?: { readonly type: string; readonly group: Readonly<Record<string, EventValue>>; readonly events: number };
}

/** One rule file entry in the load report (issue 5: "loaded / not loaded and why"). */
export interface RuleLoadEntry {
  readonly file: string;
  readonly id?: string;
  readonly title?: string;
  readonly kind: 'detection' | 'correlation' | 'filter';
  /**
   * `loaded`: compiled for at least one Windows target. `dormant`: parsed and compiled,
   * but its log source maps to no channel Haetae reads (e.g. `product: linux`) unless
   * the user maps one. `not-loaded`: could not be parsed or compiled; `reasons` say why.
   */
  readonly status: 'loaded' | 'dormant' | 'not-loaded';
  /** Why not loaded, or notes (e.g. "Security 4688 target skipped: field X unavailable"). */
  readonly reasons: readonly string[];
  /** Target names the rule compiled for. */
  readonly targets: readonly string[];
}
