/**
 * `haetae sysmon generate`: writes a Sysmon config for a profile, on its own or merged into
 * an existing config (merge.ts), and says in plain words what it logs and what it changed.
 * A config on its own is the profile merged into an empty config, so both paths share one
 * set of rules: everything not named by the profile keeps Sysmon's default (process
 * creations and terminations logged, nothing else; shared/specs/windows-events.md §1).
 */
import { comment } from './build.js';
import { CarveError } from './carve.js';
import { mergeProfile, MergeError, type Merged, type MergeReport } from './merge.js';
import type { ConfigComment, SysmonConfig } from './model.js';
import { printSysmonConfig } from './print.js';
import type { Exclusions, Profile } from './profile.js';
import { allowlistExclusions } from './profiles/iis-allowlist.js';
import { iisWebshellProfile, NEGATIVE_PREFIX_SCHEMA, RULE_SCHEMA, type IisMode } from './profiles/iis-webshell.js';
import { w3wpExecutors } from './profiles/w3wp-executors.js';

/** The profiles `generate` knows. */
export const PROFILES = ['iis-webshell'] as const;

/** A request the generator cannot satisfy; the message says why (and names file and line). */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';
}

/** What to generate. */
export interface GenerateOptions {
  readonly profile: (typeof PROFILES)[number];
  readonly mode: IisMode;
  /** The schemaversion the target Sysmon accepts (default 4.90 on its own; with a merge, a check). */
  readonly schema?: number;
  /** The config to merge into, and its file name for messages. */
  readonly merge?: { readonly config: SysmonConfig; readonly file: string };
  /** Allowlist text and its file name. */
  readonly allow?: { readonly text: string; readonly file: string };
}

/** The generated config, its text, and the summary for the person running the command. */
export interface GeneratedConfig {
  readonly config: SysmonConfig;
  readonly text: string;
  readonly summary: readonly string[];
  readonly report: MergeReport;
}

/** Default schemaversion of a config on its own: Sysmon 15's. */
export const DEFAULT_SCHEMA = 4.9;

/** Line numbers as ranges: 3, 4, 5, 9 → "3-5, 9". */
function lineRanges(lines: readonly number[]): string {
  const out: string[] = [];
  const sorted = [...lines].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) j++;
    out.push(sorted[i] === sorted[j] ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j;
  }
  return out.join(', ');
}

function header(options: GenerateOptions, schema: number): ConfigComment[] {
  const focused = options.mode === 'focused';
  return [
    comment(`Written by haetae sysmon generate, profile ${options.profile} (${options.mode} mode), schemaversion ${schema.toFixed(2)}.`),
    comment(`Logged: connections w3wp.exe (IIS) initiates to public IPv4/IPv6 addresses; ${focused ? 'the shells, script hosts and LOLBins w3wp.exe starts, and, by Sysmon\'s default, every other process creation too' : 'every process creation (Sysmon\'s default), w3wp.exe\'s children included'}; process terminations.`),
    comment('Not logged: w3wp.exe\'s connections to private, loopback, link-local, CGNAT and multicast addresses, inbound connections, other processes\' connections, and every other event type (no block: Sysmon\'s default). Merge the profile into a community config for those (haetae sysmon generate, merge option).'),
    comment('ProcessCreate has no include block on purpose: one would stop logging every process creation it does not match (windows-events.md §1).'),
  ];
}

/** An empty config that declares `schema`, to generate a config on its own into. */
function emptyConfig(options: GenerateOptions, schema: number): SysmonConfig {
  return {
    schemaVersion: schema.toFixed(2), schema, leadingComments: header(options, schema),
    settings: [comment('SHA256 of every image w3wp.exe starts, to look up a dropped payload'), { kind: 'setting', name: 'HashAlgorithms', value: 'SHA256', line: 0 }],
    filteringAt: 2, filtering: [], line: 0,
  };
}

/** The profile and schemaversion to write, or why not. */
function chooseSchema(options: GenerateOptions): { schema: number; profileSchema: number } {
  const asked = options.schema;
  if (options.merge === undefined) {
    const schema = asked ?? DEFAULT_SCHEMA;
    if (schema < RULE_SCHEMA) throw new GenerateError(`--schema ${asked}: the ${options.profile} profile needs schemaversion ${RULE_SCHEMA} or later (<Rule groupRelation="and">, schema 4.22); Sysmon before that cannot AND filters on one event field`);
    return { schema, profileSchema: schema };
  }
  if (asked !== undefined && asked < NEGATIVE_PREFIX_SCHEMA) {
    throw new GenerateError(`--schema ${asked}: merging needs schemaversion ${NEGATIVE_PREFIX_SCHEMA.toFixed(2)}: "not begin with" selects w3wp.exe's public destinations and "not end with" spares w3wp.exe in the existing exclusions, and both came with 4.70. `
      + 'Without them, private destinations could only be dropped by an exclusion, which would also drop w3wp.exe connections the existing config logs. Upgrade Sysmon, or generate a config on its own (without --merge).');
  }
  return { schema: Math.max(options.merge.config.schema ?? 0, NEGATIVE_PREFIX_SCHEMA), profileSchema: NEGATIVE_PREFIX_SCHEMA };
}

/** The summary lines: what the config logs, then what the merge changed. */
function summarize(options: GenerateOptions, profile: Profile, report: MergeReport, notes: readonly string[], schema: string): string[] {
  const out: string[] = [`${options.profile} profile, ${options.mode} mode, schemaversion ${schema}${options.merge ? `, merged into ${options.merge.file}` : ''}:`];
  for (const part of profile.parts) {
    const def = report.byDefault.find((d) => d.tag === part.tag);
    out.push(`  ${part.tag}: logs ${part.logs}${def ? ` (no rule needed: ${def.why})` : ' (include rule added)'}`);
  }
  if (profile.schema < NEGATIVE_PREFIX_SCHEMA) out.push(`  NetworkConnect: schemaversion below 4.70 has no "not begin with": w3wp.exe's non-public destinations are dropped by an exclude block`);
  if (options.mode === 'focused' && report.byDefault.some((d) => d.tag === 'ProcessCreate')) {
    out.push("  ProcessCreate: focused mode logs no less here: the config's default logs every process creation not excluded, w3wp.exe's other children (csc.exe compiling pages…) included");
  }
  if (options.merge === undefined) out.push('  everything else: Sysmon\'s default (process creations and terminations logged, no other event type)');
  else out.push(`  everything else: as ${options.merge.file} logs it; nothing it logs is dropped${report.excluded.length > 0 ? ', except the w3wp.exe events the allowlist names' : ''}`);
  if (report.schemaRaised) out.push(`  schemaversion raised ${report.schemaRaised.from} → ${report.schemaRaised.to}: ${profile.schemaWhy}`);
  if (report.wrapped.length > 0) out.push(`  blocks at lines ${lineRanges(report.wrapped)} put in <RuleGroup groupRelation="or">: above schema 4.1 their filters would be AND'ed instead of OR'ed`);
  for (const c of report.carved) {
    const part = profile.parts.find((p) => p.tag === c.tag);
    out.push(`  ${c.tag} exclude block (line ${c.line}): ${c.exclusions.length} exclusion(s) now spare ${part?.spared ?? c.tag} (lines ${lineRanges(c.exclusions)})`);
  }
  for (const e of report.excluded) out.push(`  ${e.tag}: ${e.rules} allowlist exclusion(s) for w3wp.exe added ${e.line > 0 ? `to the exclude block at line ${e.line}` : 'in a new exclude block'}`);
  out.push(...notes.map((n) => `  note: ${n}`));
  return out;
}

/**
 * Generates a config (see the module comment).
 *
 * @example
 * const { text, summary } = generateSysmonConfig({ profile: 'iis-webshell', mode: 'broad' });
 */
export function generateSysmonConfig(options: GenerateOptions): GeneratedConfig {
  const { schema, profileSchema } = chooseSchema(options);
  const profile = iisWebshellProfile({ mode: options.mode, schema: profileSchema, executors: w3wpExecutors() });
  let exclusions: readonly Exclusions[] = [];
  let notes: readonly string[] = [];
  if (options.allow !== undefined) {
    const allowed = allowlistExclusions(options.allow.text, options.allow.file);
    if (allowed.problems.length > 0) throw new GenerateError(`the allowlist has mistakes; no config written:\n${allowed.problems.map((p) => `  ${p}`).join('\n')}`);
    exclusions = allowed.exclusions;
    notes = allowed.notes;
  }
  const base = options.merge?.config ?? emptyConfig(options, schema);
  let merged: Merged;
  try {
    merged = mergeProfile(base, profile, schema, { exclusions });
  } catch (e) {
    // Both name the line; the file is the merged config's.
    if (e instanceof MergeError || e instanceof CarveError) throw new GenerateError(`${options.merge?.file ?? 'config'}: ${e.message}`);
    throw e;
  }
  const { config, report } = merged;
  return { config, text: printSysmonConfig(config), summary: summarize(options, profile, report, notes, config.schemaVersion), report };
}
