/**
 * Puts a profile into an existing Sysmon config without weakening it: every event the
 * config logs is still logged, and the profile's targets are logged too. The rule engine
 * facts this rests on (shared/specs/windows-events.md §1):
 * - exclude wins over include, so each exclusion that could match a target is narrowed to
 *   spare them (carve.ts); nothing is removed;
 * - an event type's default depends on its blocks: none → only process creation and
 *   termination are logged; one exclude block → everything it does not exclude is logged;
 *   one include block, or several blocks → what no rule includes is dropped. An include
 *   block is therefore added only where the default would not log the targets: adding one
 *   beside a lone exclude block (or to ProcessCreate with no block) would silence every
 *   event that was logged by default;
 * - loose filters combine by the schema (OR up to 4.1, AND above) unless a RuleGroup says
 *   otherwise: when the schemaversion is raised across 4.1, blocks whose meaning would flip
 *   are put in `<RuleGroup groupRelation="or">` first.
 * The config's comments, names and order are kept; what is added goes at the end of
 * `<EventFiltering>`, with comments saying why.
 */
import { eventTag } from './catalog.js';
import { comment, block as newBlock, ruleGroup } from './build.js';
import { carveBlock } from './carve.js';
import { eventBlocks, type ConfigComment, type EventBlock, type RuleGroup, type SysmonConfig } from './model.js';
import { profileMarker, type Exclusions, type Profile, type ProfilePart } from './profile.js';
import { blockRelation } from './simulate.js';

/** A config the profile cannot be merged into; the message says why and where. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** What the merge changed, for the summary. */
export interface MergeReport {
  /** The schemaversion before and after, when it was raised. */
  readonly schemaRaised: { readonly from: string; readonly to: string } | null;
  /** Lines of blocks put in `<RuleGroup groupRelation="or">` to keep their meaning across 4.1. */
  readonly wrapped: readonly number[];
  /** Exclude blocks narrowed to spare the targets: the block's line and the exclusions' lines. */
  readonly carved: readonly { readonly tag: string; readonly line: number; readonly exclusions: readonly number[] }[];
  /** Event types whose targets get an include rule added. */
  readonly included: readonly string[];
  /** Event types whose targets the config's default already logs, and why. */
  readonly byDefault: readonly { readonly tag: string; readonly why: string }[];
  /** Where extra exclusions went: an existing exclude block (its line) or a new one (0). */
  readonly excluded: readonly { readonly tag: string; readonly rules: number; readonly line: number }[];
}

/** The merged config and what changed. */
export interface Merged {
  readonly config: SysmonConfig;
  readonly report: MergeReport;
}

/** Merge options. */
export interface MergeOptions {
  /** Extra exclusions (an allowlist); each rule must name the profile's process so it spares every other event. */
  readonly exclusions?: readonly Exclusions[];
}

type FilteringItem = SysmonConfig['filtering'][number];

/** Rebuilds `<EventFiltering>` with each block mapped (with the RuleGroup it sits in). */
function mapBlocks(items: readonly FilteringItem[], fn: (b: EventBlock, g: RuleGroup | null) => EventBlock): FilteringItem[] {
  return items.map((item) => {
    if (item.kind === 'block') return fn(item, null);
    if (item.kind === 'group') return { ...item, items: item.items.map((b) => (b.kind === 'block' ? fn(b, item) : b)) };
    return item;
  });
}

/** The schemaversion as Sysmon configs write it: two decimals (4.7 → "4.70"). */
function versionText(schema: number): string {
  return schema.toFixed(2);
}

/** Blocks outside RuleGroups with several loose filters: OR'ed up to 4.1, AND'ed above. */
function wrapForOr(items: readonly FilteringItem[]): { items: FilteringItem[]; wrapped: number[] } {
  const wrapped: number[] = [];
  const out = items.map((item): FilteringItem => {
    if (item.kind !== 'block' || item.items.filter((i) => i.kind === 'filter').length < 2) return item;
    wrapped.push(item.line);
    return ruleGroup(undefined, 'or', item);
  });
  return { items: out, wrapped };
}

/** Whether Sysmon logs an unmatched event of `tag` given the blocks the config has for it (§1). */
function defaultLogs(tag: string, blocks: readonly EventBlock[]): string | null {
  if (blocks.length === 0) return eventTag(tag)?.loggedByDefault ? `the config has no ${tag} block, and Sysmon then logs every ${tag} event` : null;
  if (blocks.length === 1 && blocks[0].onmatch === 'exclude') return `the config's only ${tag} block is an exclude block (line ${blocks[0].line}), so everything it does not exclude is logged`;
  return null;
}

/** Carves one part's targets out of every exclude block of its type. */
function carvePart(config: SysmonConfig, part: ProfilePart, schema: number): { filtering: FilteringItem[]; carved: MergeReport['carved'][number][] } {
  const carved: MergeReport['carved'][number][] = [];
  const filtering = mapBlocks(config.filtering, (b, g) => {
    if (b.tag !== part.tag || b.onmatch !== 'exclude') return b;
    const result = carveBlock(b, blockRelation(schema, g), part.target, part.spare);
    if (result.carved.length === 0) return b;
    carved.push({ tag: b.tag, line: b.line, exclusions: result.carved });
    const note = comment(`haetae: ${result.carved.length} exclusion(s) below now spare ${part.spared} (${part.spare.field} ${part.spare.condition} ${part.spare.value}): an exclude match drops an event whatever the includes say`);
    return { ...result.block, items: [note, ...result.block.items] };
  });
  return { filtering, carved };
}

/** Adds exclusions to the first exclude block of their type, or as a new exclude block when there is none. */
function addExclusions(config: SysmonConfig, ex: Exclusions, profile: Profile): { filtering: FilteringItem[]; line: number } {
  const filtering = config.filtering;
  const first = eventBlocks(config).find(({ block }) => block.tag === ex.tag && block.onmatch === 'exclude');
  const note = comment(`haetae ${profile.name}: ${ex.source}`);
  if (first === undefined) {
    // No exclude block yet: a new one keeps the default (none → this one alone logs the rest;
    // include blocks → several blocks drop the unmatched, as one include block did).
    return { filtering: [...filtering, note, ruleGroup(`${profileMarker(profile.name)}: allowlist`, 'or', newBlock(ex.tag, 'exclude', [...ex.rules]))], line: 0 };
  }
  // Appended to an existing block: the block count, hence every default, stays as it was.
  const out = mapBlocks(filtering, (b) => (b === first.block ? { ...b, items: [...b.items, note, ...ex.rules] } : b));
  return { filtering: out, line: first.block.line };
}

/**
 * Merges `profile` into `base` (see the module comment for the guarantees). `schema` is
 * the lowest schemaversion the result must declare; the base's is kept when higher.
 *
 * @example
 * const { config, report } = mergeProfile(parseSysmonConfig(xml).config, iisWebshellProfile({ mode: 'broad', schema: 4.9, executors }), 4.9);
 */
export function mergeProfile(base: SysmonConfig, profile: Profile, schema: number, options: MergeOptions = {}): Merged {
  if (base.schema === null) throw new MergeError(`line ${base.line}: <Sysmon schemaversion="${base.schemaVersion}"> is not a version number; fix it before merging`);
  const marker = profileMarker(profile.name).toLowerCase();
  const earlier = base.filtering.find((i): i is RuleGroup => i.kind === 'group' && (i.name ?? '').toLowerCase().startsWith(marker));
  if (earlier !== undefined) throw new MergeError(`line ${earlier.line}: the config already has the ${profile.name} rules (RuleGroup "${earlier.name}"); merge into the original config instead`);
  const target = Math.max(base.schema, schema, profile.schema);
  const raised = target > base.schema;
  const wrap = raised && base.schema <= 4.1 ? wrapForOr(base.filtering) : { items: [...base.filtering], wrapped: [] };
  let config: SysmonConfig = { ...base, schemaVersion: raised ? versionText(target) : base.schemaVersion, schema: target, filtering: wrap.items };
  const carved: MergeReport['carved'][number][] = [];
  const included: string[] = [];
  const byDefault: { tag: string; why: string }[] = [];
  const added: (RuleGroup | ConfigComment)[] = [];
  for (const part of profile.parts) {
    const original = eventBlocks(config).filter(({ block }) => block.tag === part.tag).map(({ block }) => block);
    const c = carvePart(config, part, target);
    config = { ...config, filtering: c.filtering };
    carved.push(...c.carved);
    const why = defaultLogs(part.tag, original);
    if (why === null) {
      included.push(part.tag);
      added.push(comment(`haetae ${profile.name}: logs ${part.logs}`), part.include);
    } else {
      byDefault.push({ tag: part.tag, why });
      if (original.length === 0) added.push(comment(`haetae ${profile.name}: no rule needed for ${part.logs}: ${why}. An include block here would stop logging every ${part.tag} event it does not match`));
    }
    if (part.exclude !== undefined) {
      if (original.length > 0) throw new MergeError(`line ${original[0].line}: at schemaversion ${versionText(target)} the ${profile.name} profile drops non-public ${part.tag} events with an exclusion, which would also drop events this config's own ${part.tag} rules log; merge at a schemaversion where the profile needs no exclusion`);
      added.push(part.exclude);
    }
  }
  config = { ...config, filtering: [...config.filtering, ...added] };
  const excluded: MergeReport['excluded'][number][] = [];
  for (const ex of options.exclusions ?? []) {
    if (ex.rules.length === 0) continue;
    const r = addExclusions(config, ex, profile);
    config = { ...config, filtering: r.filtering };
    excluded.push({ tag: ex.tag, rules: ex.rules.length, line: r.line });
  }
  return {
    config,
    report: { schemaRaised: raised ? { from: base.schemaVersion, to: config.schemaVersion } : null, wrapped: wrap.wrapped, carved, included, byDefault, excluded },
  };
}
