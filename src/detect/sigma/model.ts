/**
 * The Sigma document model that `parse.ts` produces and `compile.ts` / `filters.ts`
 * consume: one readonly, `kind`-tagged shape per document type of Sigma v2.1
 * (detection rule, correlation rule, filter), with detection sections already split into
 * named selections of field matches whose modifiers were checked.
 *
 * Spec: sigma-rules-specification.md "Detection", sigma-filters-specification.md,
 * sigma-correlation-rules-specification.md.
 *
 * @example
 * // `selection: { Image|endswith: '\cmd.exe' }, condition: selection` becomes
 * // { selections: { selection: { alternatives: [[{ field: 'Image', modifiers: ['endswith'], values: ['\\cmd.exe'] }]] } },
 * //   conditions: [{ text: 'selection', location }] }
 */
import type { LogSource, RuleLocation, RuleMeta } from '../types.js';

/** A scalar value as written in a rule (YAML 1.2 core schema types). */
export type SigmaScalar = string | number | boolean | null;

/**
 * Every value modifier of the modifiers appendix (v2.1), plus the `re` flag aliases pySigma
 * accepts (`ignorecase`, `multiline`, `dotall`), normalized to `i`, `m`, `s` by the parser.
 */
export const MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash',
  're', 'i', 'm', 's', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide',
  'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year',
  'cidr', 'expand', 'fieldref',
] as const;
export type Modifier = (typeof MODIFIERS)[number];

/**
 * One `field|mod1|mod2: value(s)` entry of a selection map. `field` is `''` for keyword
 * entries (a plain string list, or a map key like `'|all'` without a field name).
 */
export interface FieldMatch {
  readonly field: string;
  readonly modifiers: readonly Modifier[];
  /** One or more values; lists are OR unless `all` is among the modifiers. */
  readonly values: readonly SigmaScalar[];
  /** Where the key (or the keyword list) is in the file. */
  readonly location: RuleLocation;
}

/**
 * A search identifier: OR over alternatives, each an AND of field matches (rules spec
 * "Lists" and "Maps": a map is one alternative, a list of maps is several, a list of
 * strings is one keyword match).
 */
export interface Selection {
  readonly name: string;
  readonly alternatives: readonly (readonly FieldMatch[])[];
  readonly location: RuleLocation;
}

/** One condition string with its place in the file (a `condition:` list gives several, OR-ed). */
export interface ConditionText {
  readonly text: string;
  readonly location: RuleLocation;
}

/** The `detection:` section: named selections and one or more conditions. */
export interface DetectionModel {
  readonly selections: Readonly<Record<string, Selection>>;
  readonly conditions: readonly ConditionText[];
}

/** A Sigma detection rule. */
export interface DetectionRuleDoc {
  readonly kind: 'detection';
  readonly meta: RuleMeta;
  readonly logsource: LogSource;
  readonly detection: DetectionModel;
}

/** A Sigma correlation rule; `body` is the raw `correlation:` mapping (parsed by correlation/). */
export interface CorrelationDoc {
  readonly kind: 'correlation';
  readonly meta: RuleMeta;
  readonly body: unknown;
}

/** A Sigma global filter (filters spec): `rules` are ids or names of the rules it tunes. */
export interface FilterDoc {
  readonly kind: 'filter';
  readonly meta: RuleMeta;
  readonly logsource: LogSource;
  readonly filter: {
    readonly rules: readonly string[];
    readonly selections: Readonly<Record<string, Selection>>;
    readonly conditions: readonly ConditionText[];
  };
}

export type SigmaDocument = DetectionRuleDoc | CorrelationDoc | FilterDoc;

/**
 * An error found while compiling a rule (bad regex, unknown placeholder …), with where
 * it is. `compileDetection` throws it; loaders turn it into a `RuleProblem`.
 *
 * @example
 * try { compileDetection(rule, target) } catch (e) { if (e instanceof SigmaCompileError) report(e.location, e.message) }
 */
export class SigmaCompileError extends Error {
  constructor(message: string, readonly location: RuleLocation) {
    super(message);
    this.name = 'SigmaCompileError';
  }
}
