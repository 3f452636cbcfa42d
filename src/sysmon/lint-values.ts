/**
 * Checks of one filter's value: Sysmon compares values case-insensitively as plain strings
 * (shared/specs/windows-events.md §1: "No wildcards, no regex, no CIDR"; `less than` and
 * `more than` compare strings; `image` compares the file name only when the value has no
 * `\`), and compares the value exactly as written, spaces included (SysmonCommon copies
 * the element text unchanged). Values that read as if Sysmon did more get a finding, and
 * so do values that a Windows path field can never hold (`*`, `?`, `/`, a bare file name
 * compared with `is`).
 */
import { alternatives } from './conditions.js';
import { filterPlace, type Finding } from './lint-finding.js';
import { parseCidr, textEquivalent, type CidrRange } from './lint-cidr.js';
import type { FilterSite } from './lint-scope.js';
import { isNegative } from './lint-subsume.js';
import type { FieldFilter } from './model.js';

/** Fields that hold a Windows file path, where `*` and `?` cannot occur (Windows forbids them in file names). */
const PATH_FIELDS = new Set(['image', 'parentimage', 'sourceimage', 'targetimage', 'imageloaded', 'targetfilename', 'currentdirectory', 'startmodule']);

function quoted(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function finding(site: FilterSite, code: string, severity: Finding['severity'], effect: string, fix: string): Finding {
  return { code, severity, line: site.filter.line, rule: filterPlace(site.block, site.group, site.rule, site.filter), effect, fix };
}

/** "a F condition="c" filter with "x"" or "one F condition="c" filter for each of "x", "y"". */
function each(field: string, condition: string, values: readonly string[]): string {
  return values.length === 1 ? `a ${field} condition="${condition}" filter with "${values[0]}"` : `one ${field} condition="${condition}" filter for each of ${quoted(values)}`;
}

function cidrFix(f: FieldFilter, range: CidrRange, schema: number | null): string {
  const eq = textEquivalent(range);
  if (eq === null) return `Sysmon has no ranges: split ${range.text} on octet boundaries (/8, /16, /24) and match the text prefixes of the parts with "begin with" filters.`;
  if (isNegative(f.condition)) {
    const condition = eq.condition === 'is' ? 'is not' : 'not begin with';
    const old = schema !== null && schema < 4.7 ? ' — this config declares schema ' + String(schema) + ', so raise schemaversion (and Sysmon) first' : '';
    return `Leave the range out by text: ${each(f.field, condition, eq.values)}, together inside one <Rule groupRelation="and"> so that all must hold ("not begin with" needs schema 4.70 or later${old}). For non-private destinations, the usual list is "10.", "192.168.", "172.16." … "172.31.", "127.", "169.254.", "::1", "fe80:", "fc", "fd".`;
  }
  return `Match the range by text: ${each(f.field, eq.condition, eq.values)} (filters on one field of a block are OR'ed; not inside a <Rule groupRelation="and">).`;
}

/** `cidr`: a value spelling a CIDR range, compared as text (§1: no CIDR). */
function checkCidr(site: FilterSite, schema: number | null): Finding | null {
  const f = site.filter;
  const whole = parseCidr(f.value);
  const listed = /(any|all)$/.test(f.condition) ? alternatives(f.value).map(parseCidr).find((r) => r !== null) ?? null : null;
  const range = whole ?? listed;
  if (range === null) return null;
  const what = `"${range.text}" is compared as text, not as an address range (Sysmon has no CIDR)`;
  const effect = whole === null
    ? `${what}: no address is written "${range.text}", so that alternative of ${f.field} ${f.condition} never matches any address.`
    : isNegative(f.condition)
      ? `${what}: no address is written "${range.text}", so ${f.field} ${f.condition} "${f.value}" is true for every event — it filters out nothing.`
      : f.condition === 'less than' || f.condition === 'more than'
        ? `${what}: ${f.condition} orders addresses character by character, not by value.`
        : `${what}: Sysmon writes single addresses, never with a "/${range.prefixLength}", so this filter never matches.`;
  return finding(site, 'cidr', 'error', effect, cidrFix(f, range, schema));
}

/** Glob or regular-expression syntax in a value, described; null when there is none. */
function wildcardSyntax(field: string, value: string): string | null {
  // `\\?\` (Win32 long paths) and `\??\` (NT object paths) are real path text, not wildcards.
  const v = value.replace(/\\\\\?\\|\\\?\?\\/g, '');
  const regex = /\.\*|\.\+|\\[dws][+*{]|\[(?:0-9|a-z|A-Z)[^\]]*\]|\(\?i\)/.exec(v);
  if (regex !== null) return `the regular expression "${regex[0]}"`;
  if (v.length > 2 && v.startsWith('^') && v.endsWith('$')) return 'the regular-expression anchors "^" and "$"';
  if (PATH_FIELDS.has(field.toLowerCase())) {
    const glob = /[*?]/.exec(v);
    return glob === null ? null : `the wildcard "${glob[0]}"`;
  }
  // Elsewhere a lone `*` is often literal (`autochk.exe *`, the registry key `HKCR\*\`):
  // only a `*` glued to a name (`*.ps1`, `mimi*`) reads as a wildcard.
  const glob = /[\w.]\*|\*[\w.]/.exec(v);
  return glob === null ? null : 'the wildcard "*"';
}

/** The literal parts between wildcards, for the suggested rewrite. */
function literalParts(value: string): string[] {
  return value.split(/\.\*|\.\+|\*|\?|\^|\$/).filter((p) => p !== '');
}

function wildcardFix(f: FieldFilter): string {
  const parts = literalParts(f.value);
  const base = 'Sysmon has only begin with, end with, contains (and their any/all/not forms)';
  if (parts.length === 0) return `${base}: remove the filter or name the values.`;
  if (parts.length === 1) {
    const [p] = parts;
    const condition = f.value.endsWith(p) && !f.value.startsWith(p) ? 'end with' : f.value.startsWith(p) && !f.value.endsWith(p) ? 'begin with' : 'contains';
    return `${base}: write ${f.field} condition="${condition}" "${p}", or list the exact values with "is any".`;
  }
  return `${base}: write <Rule groupRelation="and"> with ${f.field} begin with "${parts[0]}" and ${f.field} end with "${parts[parts.length - 1]}"${parts.length > 2 ? ` (and contains for ${quoted(parts.slice(1, -1))})` : ''}.`;
}

/** `wildcard`: glob or regex syntax matched literally (§1: no wildcards, no regex). */
function checkWildcard(site: FilterSite): Finding | null {
  const f = site.filter;
  if (parseCidr(f.value) !== null) return null; // reported as cidr
  const syntax = wildcardSyntax(f.field, f.value);
  if (syntax === null) return null;
  const path = PATH_FIELDS.has(f.field.toLowerCase()) && /[*?]/.test(f.value.replace(/\\\\\?\\|\\\?\?\\/g, ''));
  const literal = `Sysmon has no wildcards or regular expressions: ${syntax} is compared as the characters themselves`;
  const never = path ? ` (Windows file names cannot contain "*" or "?": no ${f.field} ever does)` : '';
  const effect = isNegative(f.condition)
    ? `${literal}, so ${f.field} ${f.condition} "${f.value}" holds for ${path ? 'every' : 'nearly every'} event${never}.`
    : `${literal}: the filter matches only values that literally hold "${f.value}"${never}.`;
  return finding(site, 'wildcard', path ? 'error' : 'warning', effect, wildcardFix(f));
}

/** `whitespace`: a value with spaces, tabs or line breaks at an end Sysmon compares. */
function checkWhitespace(site: FilterSite): Finding | null {
  const f = site.filter;
  const lead = /^\s/.test(f.value), trail = /\s$/.test(f.value), lineBreak = /[\r\n]/.test(f.value);
  // A space inside a `contains` needle ("net user ") is often deliberate; at an anchored end it is not.
  const anchoredStart = ['is', 'is not', 'is any', 'image', 'begin with', 'not begin with'].includes(f.condition);
  const anchoredEnd = ['is', 'is not', 'is any', 'image', 'end with', 'not end with'].includes(f.condition);
  if (!lineBreak && !(lead && anchoredStart) && !(trail && anchoredEnd)) return null;
  const where = lineBreak ? 'a line break' : lead && anchoredStart ? 'a leading space' : 'a trailing space';
  // Windows command lines do start or end with spaces at times: there it may be deliberate.
  const commandLine = /commandline$/i.test(f.field);
  return finding(site, 'whitespace', commandLine && !lineBreak ? 'info' : 'warning',
    `The value has ${where}: Sysmon compares it exactly as written, so ${f.field} ${f.condition} ${JSON.stringify(f.value)} only matches values with that whitespace${isNegative(f.condition) ? ' — as a negative filter it holds for nearly every event' : ''}.`,
    `If the logged values do not have it, write the value on one line without surrounding whitespace: <${f.field} condition="${f.condition}">${f.value.trim()}</${f.field}>.`);
}

/** `forward-slash`: a `/` in a Windows path field, where Sysmon always writes `\` (and file names cannot hold `/`). */
function checkForwardSlash(site: FilterSite): Finding | null {
  const f = site.filter;
  if (!PATH_FIELDS.has(f.field.toLowerCase()) || !f.value.includes('/')) return null;
  const effect = isNegative(f.condition)
    ? `Sysmon writes ${f.field} with backslashes, and Windows file names cannot contain "/": ${f.field} ${f.condition} "${f.value}" holds for every event.`
    : `Sysmon writes ${f.field} with backslashes, and Windows file names cannot contain "/": ${f.condition.endsWith(' any') ? 'the alternatives with a "/" never match' : 'this filter never matches'}.`;
  return finding(site, 'forward-slash', 'warning', effect, `Write the path with backslashes: "${f.value.replace(/\//g, '\\')}".`);
}

/** An example of the text comparison disagreeing with the numeric one, for the message. */
function textOrderExample(condition: 'less than' | 'more than', value: string): string {
  const n = Number(value);
  const candidates = [80, 443, 9, 99, 999, 8080, 9999, 10000, 65535, 100000];
  for (const c of candidates) {
    const s = String(c);
    const asText = condition === 'less than' ? s < value : s > value;
    const asNumber = condition === 'less than' ? c < n : c > n;
    if (asText !== asNumber) return `"${s}" is${asText ? '' : ' not'} ${condition} "${value}"`;
  }
  return `"${value}0" sorts right after "${value}"`;
}

/** `string-compare`: `less than`/`more than` with a number, compared as text (§1). */
function checkStringCompare(site: FilterSite): Finding | null {
  const f = site.filter;
  if ((f.condition !== 'less than' && f.condition !== 'more than') || !/^\s*\d+\s*$/.test(f.value)) return null;
  return finding(site, 'string-compare', 'warning',
    `${f.condition} compares text, not numbers: ${textOrderExample(f.condition, f.value.trim())}, so the filter does not select the numeric range it reads as.`,
    `Name the values instead: ${f.field} condition="is any" with the ${f.field === 'DestinationPort' || f.field === 'SourcePort' ? 'ports' : 'values'} you mean, separated by ";".`);
}

/** `bare-file-name`: `is`/`is not`/`is any` with a file name on a field that holds full paths. */
function checkBareFileName(site: FilterSite): Finding | null {
  const f = site.filter;
  if (!PATH_FIELDS.has(f.field.toLowerCase()) || !['is', 'is not', 'is any'].includes(f.condition)) return null;
  const bare = (f.condition === 'is any' ? f.value.split(';') : [f.value]).filter((v) => !v.includes('\\') && /\.[A-Za-z0-9]{2,4}$/.test(v.trim()));
  if (bare.length === 0) return null;
  const name = bare[0].trim();
  const effect = f.condition === 'is not'
    ? `${f.field} holds a full path (C:\\…\\${name}), never the bare name, so ${f.field} is not "${name}" is true for every event — it excludes nothing.`
    : `${f.field} holds a full path (C:\\…\\${name}), never the bare name, so ${bare.length > 1 ? `the alternatives ${quoted(bare)} never match` : 'this filter never matches'}.`;
  const fix = f.condition === 'is not'
    ? `Compare the end of the path: ${f.field} condition="not end with" "\\${name}" (schema 4.70 or later), or give the full path.`
    : `Use condition="image" (it compares the file name when the value has no "\\", §1), or ${f.field} condition="end with" "\\${name}", or give the full path.`;
  return finding(site, 'bare-file-name', 'warning', effect, fix);
}

/** `condition-case`: a condition written other than Sysmon's lowercase spelling. */
function checkConditionCase(site: FilterSite): Finding | null {
  const f = site.filter;
  if (f.conditionText === undefined) return null;
  return finding(site, 'condition-case', 'info',
    `condition="${f.conditionText}" is read as "${f.condition}".`,
    `Write condition="${f.condition}", the spelling of Sysmon's schema, so that every tool reads it the same way.`);
}

/**
 * The value checks of one filter.
 *
 * @example
 * filterValueFindings(site, 4.9).map((f) => f.code) // ['cidr'] for DestinationIp is not "10.0.0.0/8"
 */
export function filterValueFindings(site: FilterSite, schema: number | null): Finding[] {
  return [checkCidr(site, schema), checkWildcard(site), checkForwardSlash(site), checkWhitespace(site), checkStringCompare(site), checkBareFileName(site), checkConditionCase(site)]
    .filter((f): f is Finding => f !== null);
}
