/**
 * The iis-webshell allowlist as Sysmon exclusions. The file is the one `haetae hunt
 * --allowlist` reads (src/detect/packs/iis-webshell/allowlist.yml: destinations, ports,
 * child_images, command_lines), so one list of what is normal on a server silences both the
 * detections and the logging. Every exclusion is a `<Rule groupRelation="and">` that names
 * w3wp.exe (its `Image` for connections, its `ParentImage` for children): no other process's
 * events are ever excluded. Destinations and ports also require `Initiated is true`: the
 * allowlist is about where w3wp.exe connects to.
 *
 * Translation, since Sysmon compares strings (shared/specs/windows-events.md §1):
 * - an IP address → `DestinationIp is` in Sysmon's text of it (IPv6 uncompressed);
 * - a CIDR range → `begin with` prefixes or exact addresses (addresses.ts rangeMatches);
 * - a host name → `DestinationHostname`; a command line → `CommandLine`; `*` becomes
 *   `begin with` / `end with` / `contains` (several inner `*` cannot keep their order in
 *   Sysmon: the pieces are required in any order, and a note says so);
 * - a child image: `\name.exe` → `Image end with`, a full path → `Image is`.
 */
import { parseAllowlist } from '../../detect/index.js';
import { rangeMatches } from '../addresses.js';
import { andRule, filter } from '../build.js';
import type { ConfigRule, FieldFilter } from '../model.js';
import type { Exclusions } from '../profile.js';
import { W3WP } from './iis-webshell.js';

/** The allowlist as exclusions, with problems (`file:line: message`) and notes on approximations. */
export interface AllowlistExclusions {
  readonly exclusions: readonly Exclusions[];
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/** The line of the first non-comment line holding `value` (case-insensitive), for messages. */
function lineOf(text: string, value: string): number | undefined {
  const needle = value.toLowerCase();
  const i = text.split('\n').findIndex((l) => !l.trimStart().startsWith('#') && l.toLowerCase().includes(needle));
  return i < 0 ? undefined : i + 1;
}

/**
 * A Sigma-style `*` pattern as filters on `field` that must all hold, or a message when the
 * pattern matches everything. `approximate` is set when inner pieces lose their order.
 *
 * @example
 * wildcardFilters('DestinationHostname', '*.api.example.com') // { filters: [end with .api.example.com], approximate: false }
 */
export function wildcardFilters(field: string, pattern: string): { filters: FieldFilter[]; approximate: boolean } | string {
  if (!pattern.includes('*')) return { filters: [filter(field, 'is', pattern)], approximate: false };
  const pieces = pattern.split('*');
  const first = pieces[0], last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const filters = [
    ...(first !== '' ? [filter(field, 'begin with', first)] : []),
    ...middle.map((p) => filter(field, 'contains', p)),
    ...(last !== '' ? [filter(field, 'end with', last)] : []),
  ];
  if (filters.length === 0) return `'${pattern}' matches every ${field}`;
  return { filters, approximate: middle.length > 1 || (middle.length === 1 && (first !== '' || last !== '')) };
}

/**
 * Reads an allowlist file's text into exclusions for the iis-webshell profile.
 *
 * @example
 * allowlistExclusions('destinations: [203.0.113.10]\nchild_images: ["\\\\magick.exe"]', 'allow.yml').exclusions
 */
export function allowlistExclusions(text: string, file: string): AllowlistExclusions {
  const parsed = parseAllowlist(text, file);
  const located: { line: number; message: string }[] = parsed.problems.map((p) => ({ line: p.line ?? 0, message: p.message }));
  const notes: string[] = [];
  const where = (line: number | undefined): string => (line === undefined || line === 0 ? file : `${file}:${line}`);
  const at = (value: string): string => where(lineOf(text, value));
  const problem = (value: string, message: string): void => { located.push({ line: lineOf(text, value) ?? 0, message }); };
  const network: ConfigRule[] = [];
  const process: ConfigRule[] = [];
  const outbound = (...filters: FieldFilter[]): FieldFilter[] => [filter('Image', 'end with', W3WP), filter('Initiated', 'is', 'true'), ...filters];
  const child = (...filters: FieldFilter[]): FieldFilter[] => [filter('ParentImage', 'end with', W3WP), ...filters];
  const a = parsed.allowlist;

  for (const entry of [...a.ips, ...a.cidrs]) {
    const matches = rangeMatches(entry);
    if (typeof matches === 'string') { problem(entry, matches); continue; }
    for (const m of matches) network.push(andRule(outbound(filter('DestinationIp', m.match === 'prefix' ? 'begin with' : 'is', m.value)), `allowlist: ${entry}`));
  }
  const patterns = (entries: readonly string[], field: string, into: ConfigRule[], wrap: (...f: FieldFilter[]) => FieldFilter[]): void => {
    for (const entry of entries) {
      const w = wildcardFilters(field, entry);
      if (typeof w === 'string') { problem(entry, w); continue; }
      if (w.approximate) notes.push(`${at(entry)}: '${entry}': Sysmon cannot keep the order of the pieces between '*'; any ${field} holding them all is excluded`);
      into.push(andRule(wrap(...w.filters), `allowlist: ${entry}`));
    }
  };
  patterns(a.hostnames, 'DestinationHostname', network, outbound);
  if (a.hostnames.length > 0) notes.push(`${file}: host names match DestinationHostname, which Sysmon fills from a reverse DNS lookup (DnsLookup setting): a CDN address rarely resolves back to the name you allowed; prefer its addresses`);
  for (const port of a.ports) network.push(andRule(outbound(filter('DestinationPort', 'is', String(port))), `allowlist: port ${port}`));
  for (const image of a.childImages) {
    process.push(andRule(child(image.startsWith('\\') ? filter('Image', 'end with', image) : filter('Image', 'is', image)), `allowlist: ${image}`));
  }
  patterns(a.commandLines, 'CommandLine', process, child);
  const source = `allowlist ${file}: w3wp.exe events that are normal on this server are not logged`;
  return {
    exclusions: [{ tag: 'ProcessCreate', rules: process, source }, { tag: 'NetworkConnect', rules: network, source }],
    problems: located.sort((x, y) => x.line - y.line).map((p) => `${where(p.line)}: ${p.message}`),
    notes,
  };
}
