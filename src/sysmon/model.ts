/**
 * The typed model of a Sysmon configuration file: what `<Sysmon>` holds, in document
 * order, comments included (so a config can be printed back, or merged into, without
 * losing its documentation). Lines are 1-based positions in the source file, 0 for
 * items that Haetae created.
 */
import type { Condition } from './catalog.js';

/** A relation between filters: `and` or `or` (a `groupRelation` attribute). */
export type Relation = 'and' | 'or';

/** An XML comment kept in place. */
export interface ConfigComment {
  readonly kind: 'comment';
  readonly text: string;
}

/** One field filter: `<Image condition="end with" name="…">\w3wp.exe</Image>`. */
export interface FieldFilter {
  readonly kind: 'filter';
  /** The field name as written (Sysmon matches field names case-insensitively). */
  readonly field: string;
  readonly condition: Condition;
  /** The `condition` attribute exactly as written, when it differs from {@link condition} (absent: `is`). */
  readonly conditionText?: string;
  /** The value exactly as written (entities decoded, whitespace kept: Sysmon compares it as is). */
  readonly value: string;
  /** The filter's own `name` (reported as RuleName when it matches). */
  readonly name?: string;
  readonly line: number;
}

/** `<Rule name="…" groupRelation="and|or">` inside an event block. */
export interface ConfigRule {
  readonly kind: 'rule';
  readonly name?: string;
  /** Absent when the attribute is missing (Sysmon then ORs the filters, §1). */
  readonly groupRelation?: Relation;
  readonly items: readonly (FieldFilter | ConfigComment)[];
  readonly line: number;
}

/** An event block: `<NetworkConnect onmatch="include">`. */
export interface EventBlock {
  readonly kind: 'block';
  /** The canonical tag name (catalog.ts), e.g. `NetworkConnect`. */
  readonly tag: string;
  readonly onmatch: 'include' | 'exclude';
  readonly items: readonly (FieldFilter | ConfigRule | ConfigComment)[];
  readonly line: number;
}

/** `<RuleGroup name="…" groupRelation="and|or">` holding event blocks. */
export interface RuleGroup {
  readonly kind: 'group';
  readonly name?: string;
  /** Absent when the attribute is missing (Sysmon then ANDs, §1). */
  readonly groupRelation?: Relation;
  readonly items: readonly (EventBlock | ConfigComment)[];
  readonly line: number;
}

/** A setting element beside `<EventFiltering>`: `<HashAlgorithms>`, `<CheckRevocation/>`, `<DnsLookup>`… */
export interface ConfigSetting {
  readonly kind: 'setting';
  readonly name: string;
  /** Text content; empty for flag elements such as `<CheckRevocation/>`. */
  readonly value: string;
  readonly line: number;
}

/** A whole Sysmon configuration. */
export interface SysmonConfig {
  /** `schemaversion` as written (e.g. "4.90"). */
  readonly schemaVersion: string;
  /** The schema version as a number, or null when it is missing or malformed. */
  readonly schema: number | null;
  /** `binaryversion`, when present. */
  readonly binaryVersion?: string;
  /** Comments before the `<Sysmon>` element. */
  readonly leadingComments: readonly ConfigComment[];
  /** Settings (and comments), in order, before and after `<EventFiltering>`. */
  readonly settings: readonly (ConfigSetting | ConfigComment)[];
  /** Where `<EventFiltering>` sits among the settings (index into {@link settings}); -1: absent. */
  readonly filteringAt: number;
  /** The contents of `<EventFiltering>`. */
  readonly filtering: readonly (RuleGroup | EventBlock | ConfigComment)[];
  readonly line: number;
}

/** A problem found while reading a config: the line and what is wrong. */
export interface ConfigProblem {
  readonly line: number;
  readonly message: string;
}

/**
 * The event blocks of a config with the RuleGroup each sits in (null for a block placed
 * directly in `<EventFiltering>`), in document order.
 */
export function eventBlocks(config: SysmonConfig): { block: EventBlock; group: RuleGroup | null }[] {
  const out: { block: EventBlock; group: RuleGroup | null }[] = [];
  for (const item of config.filtering) {
    if (item.kind === 'block') out.push({ block: item, group: null });
    else if (item.kind === 'group') for (const b of item.items) if (b.kind === 'block') out.push({ block: b, group: item });
  }
  return out;
}

/**
 * Filters grouped into the clauses of an AND: one clause per field (case-insensitive), in
 * document order; the filters of a clause are OR'ed (windows-events.md §1: "(any filter
 * on A) AND (any filter on B)"). The simulator, the linter and the generator's carving all
 * read a block's loose filters this way.
 *
 * @example
 * fieldClauses([image1, ip1, image2]) // [[image1, image2], [ip1]]
 */
export function fieldClauses<F extends { readonly field: string }>(filters: readonly F[]): F[][] {
  const clauses = new Map<string, F[]>();
  for (const f of filters) {
    const key = f.field.toLowerCase();
    const clause = clauses.get(key);
    if (clause === undefined) clauses.set(key, [f]);
    else clause.push(f);
  }
  return [...clauses.values()];
}
