/**
 * The iis-webshell profile: what a webshell makes IIS's worker process do, logged by Sysmon
 * in the forms shared/specs/windows-events.md §1 ("What this means for the IIS guide") gives:
 * - NetworkConnect: connections w3wp.exe initiates to public IPv4/IPv6 addresses —
 *   `<Rule groupRelation="and">` of `Image end with \w3wp.exe`, `Initiated is true` and a
 *   `DestinationIp not begin with` (or `is not`) line per non-public prefix (addresses.ts),
 *   schema 4.70. Below 4.70 there is no negative prefix test (`excludes` is "does not
 *   contain": `excludes 10.` would drop 8.8.10.1); the same events are then selected by an
 *   include rule (w3wp.exe, initiated) and an exclude block (w3wp.exe AND any non-public
 *   `begin with`), which is exact but drops w3wp.exe's private connections outright, so it
 *   is only written into a config that has no NetworkConnect block of its own.
 * - ProcessCreate: w3wp.exe's children — broad: all of them; focused: the executor list of
 *   the iis-webshell detection pack (shells, script hosts, LOLBins, recon tools; ASP.NET's
 *   compilers csc.exe/vbc.exe/cvtres.exe are not in it). An include-only ProcessCreate block
 *   would stop every other process creation from being logged (§1), so merge.ts adds the
 *   include only where the config's default does not already log these.
 */
import { NON_PUBLIC_MATCHES } from '../addresses.js';
import { andRule, block, comment, filter, ruleGroup } from '../build.js';
import type { ConfigComment, FieldFilter } from '../model.js';
import { profileMarker, type Profile, type ProfilePart } from '../profile.js';

/** broad: every child of w3wp.exe; focused: the executor list only. */
export type IisMode = 'broad' | 'focused';

/** The modes, for the command line. */
export const IIS_MODES: readonly IisMode[] = ['broad', 'focused'];

/** The IIS worker process, as the suffix of an image path. */
export const W3WP = '\\w3wp.exe';

/** Schemaversion of `not begin with` / `not end with` (§1 schema history). */
export const NEGATIVE_PREFIX_SCHEMA = 4.7;

/** Schemaversion of `<Rule>` (§1), the least this profile can be written in. */
export const RULE_SCHEMA = 4.22;

const NAME = 'iis-webshell';
const GROUP = profileMarker(NAME);

/** Options of {@link iisWebshellProfile}. */
export interface IisProfileOptions {
  readonly mode: IisMode;
  /** The schemaversion the config will declare (4.22 or above). */
  readonly schema: number;
  /** `\name.exe` suffixes of the processes focused mode logs (profiles/w3wp-executors.ts). */
  readonly executors: readonly string[];
}

/** The non-public destinations as filters: negative (include form) or positive (exclude form), with a comment per range. */
function destinationFilters(negative: boolean): (FieldFilter | ConfigComment)[] {
  return NON_PUBLIC_MATCHES.flatMap((r) => [
    comment(r.range),
    ...r.values.map((v) => filter('DestinationIp', v.match === 'prefix' ? (negative ? 'not begin with' : 'begin with') : (negative ? 'is not' : 'is'), v.value)),
  ]);
}

function networkPart(schema: number): ProfilePart {
  const name = `${GROUP}: w3wp.exe connected out to a public address`;
  const w3wp = filter('Image', 'end with', W3WP);
  const initiated = filter('Initiated', 'is', 'true');
  const base = {
    tag: 'NetworkConnect',
    target: new Map([['image', { kind: 'suffix', suffixes: [W3WP] }], ['initiated', { kind: 'one-of', values: ['true'] }], ['destinationip', { kind: 'public-address' }]] as const),
    spare: filter('Image', 'not end with', W3WP),
    spared: "w3wp.exe's connections",
    logs: 'connections w3wp.exe initiates to public IPv4 and IPv6 addresses',
  };
  if (schema >= NEGATIVE_PREFIX_SCHEMA) {
    const why = comment('Every line must hold: w3wp.exe, outbound (Initiated), and the destination in none of the non-public ranges. Sysmon compares strings: no CIDR, so each range is a prefix of the address as Sysmon writes it (IPv6 as eight groups: fe80:0:0:0:…)');
    return { ...base, include: ruleGroup(GROUP, 'and', block('NetworkConnect', 'include', [andRule([why, w3wp, initiated, ...destinationFilters(true)], name)])) };
  }
  return {
    ...base,
    include: ruleGroup(GROUP, 'and', block('NetworkConnect', 'include', [
      comment(`schemaversion below ${NEGATIVE_PREFIX_SCHEMA.toFixed(2)} has no "not begin with": w3wp.exe's outbound connections are included here, and those to non-public ranges excluded by the next group (exclude wins)`),
      andRule([w3wp, initiated], name),
    ])),
    exclude: ruleGroup(`${GROUP}: w3wp.exe connected to a non-public address`, 'and', block('NetworkConnect', 'exclude', [
      comment('groupRelation="and": the image AND any one of the DestinationIp lines (filters on one field are OR\'ed)'),
      w3wp,
      ...destinationFilters(false),
    ])),
  };
}

function processPart(mode: IisMode, executors: readonly string[]): ProfilePart {
  const parent = filter('ParentImage', 'end with', W3WP);
  const common = {
    tag: 'ProcessCreate',
    spare: filter('ParentImage', 'not end with', W3WP),
    spared: "w3wp.exe's children",
  };
  if (mode === 'broad') {
    return {
      ...common,
      target: new Map([['parentimage', { kind: 'suffix', suffixes: [W3WP] }]] as const),
      include: ruleGroup(`${GROUP}: w3wp.exe started a process`, 'and', block('ProcessCreate', 'include', [comment('every child of the IIS worker process'), parent])),
      logs: 'every process w3wp.exe starts',
    };
  }
  return {
    ...common,
    target: new Map([['parentimage', { kind: 'suffix', suffixes: [W3WP] }], ['image', { kind: 'suffix', suffixes: executors.map((e) => e.toLowerCase()) }]] as const),
    include: ruleGroup(`${GROUP}: w3wp.exe started a shell or LOLBin`, 'and', block('ProcessCreate', 'include', [
      comment('groupRelation="and": ParentImage AND any one of the Image lines (filters on one field are OR\'ed). The list is the iis-webshell detection pack\'s; ASP.NET\'s compilers (csc.exe, vbc.exe, cvtres.exe) are normal children and not in it'),
      parent,
      ...executors.map((e) => filter('Image', 'end with', e)),
    ])),
    logs: `the shells, script hosts and LOLBins w3wp.exe starts (${executors.length} images)`,
  };
}

/**
 * The profile for a config declaring `schema` (below 4.70 the NetworkConnect part takes the
 * include-plus-exclude form, for configs without NetworkConnect blocks only).
 *
 * @example
 * iisWebshellProfile({ mode: 'broad', schema: 4.9, executors: w3wpExecutors() })
 */
export function iisWebshellProfile(options: IisProfileOptions): Profile {
  if (options.schema < RULE_SCHEMA) throw new RangeError(`the iis-webshell profile needs schemaversion ${RULE_SCHEMA} or later (<Rule groupRelation="and">); got ${options.schema}`);
  const modern = options.schema >= NEGATIVE_PREFIX_SCHEMA;
  return {
    name: NAME,
    schema: modern ? NEGATIVE_PREFIX_SCHEMA : RULE_SCHEMA,
    schemaWhy: modern ? '"not begin with" (w3wp.exe\'s public destinations) and "not end with" (sparing w3wp.exe in exclusions) need 4.70' : '<Rule groupRelation="and"> needs 4.22',
    parts: [processPart(options.mode, options.executors), networkPart(options.schema)],
  };
}
