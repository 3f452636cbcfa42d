/**
 * The iis-webshell pack's allowlist (packs/iis-webshell/allowlist.yml): destinations,
 * ports, child images and command lines that are normal on the user's web servers.
 *
 * It becomes Sigma *filters* (sigma-filters-specification.md: `filter.rules` +
 * selection + condition) on the pack's rules, written as YAML and loaded like any other
 * rule file, so an allowlisted event is never reported and never feeds the
 * cross-confirmation correlations, and `haetae hunt --show-allowlist` prints the
 * exact Sigma that is applied.
 */
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { ipAddressBytes } from '../event/index.js';
import type { RuleSource } from './rule-files.js';
import type { RuleProblem } from './types.js';

/** What allowlist.yml holds, validated. */
export interface Allowlist {
  readonly ips: readonly string[];
  readonly cidrs: readonly string[];
  readonly hostnames: readonly string[];
  readonly ports: readonly number[];
  readonly childImages: readonly string[];
  readonly commandLines: readonly string[];
}

/** The pack rules each part of the allowlist applies to (by Sigma `name`). */
const NETWORK_RULES = ['haetae_iis_w3wp_outbound_web', 'haetae_iis_w3wp_outbound_unusual_port'];
const PROCESS_RULES = ['haetae_iis_w3wp_shell_child', 'haetae_iis_w3wp_unusual_child'];
const KEYS = ['destinations', 'ports', 'child_images', 'command_lines'] as const;
const HOSTNAME = /^[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?(\.[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?)*\.?$/i;

/**
 * Parses allowlist YAML; every bad entry is a problem with its line, the rest is kept.
 *
 * @example
 * const { allowlist, problems } = parseAllowlist('destinations: [203.0.113.10, 10.1.0.0/16]\nports: [1433]', 'allow.yml');
 */
export function parseAllowlist(text: string, file: string): { allowlist: Allowlist; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined): { line?: number; column?: number } => {
    if (!node?.range) return {};
    const pos = lines.linePos(node.range[0]);
    return { line: pos.line, column: pos.col };
  };
  const problem = (message: string, node?: Node | null): void => { problems.push({ file, message, ...at(node) }); };
  for (const e of doc.errors) problem(`YAML: ${e.message.split('\n')[0]}`);
  const out = { ips: [] as string[], cidrs: [] as string[], hostnames: [] as string[], ports: [] as number[], childImages: [] as string[], commandLines: [] as string[] };
  const root = doc.contents;
  if (root === null || doc.errors.length > 0) return { allowlist: out, problems };
  if (!isMap(root)) { problem('the allowlist must be a mapping with keys ' + KEYS.join(', '), root); return { allowlist: out, problems }; }
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
    const value = pair.value as Node | null;
    if (!(KEYS as readonly string[]).includes(key)) { problem(`unknown key '${key}'; expected one of ${KEYS.join(', ')}`, pair.key as Node); continue; }
    if (value === null || (value as { value?: unknown }).value === null) continue;
    if (!isSeq(value)) { problem(`'${key}' must be a list`, value); continue; }
    for (const item of value.items as Node[]) {
      const raw = (item as { value?: unknown }).value;
      const s = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : null;
      if (s === null || s === '') { problem(`'${key}' entries must be non-empty strings or numbers`, item); continue; }
      if (key === 'ports') {
        const n = Number(s);
        if (!Number.isInteger(n) || n < 0 || n > 65535) problem(`'${s}' is not a port (0-65535)`, item); else out.ports.push(n);
      } else if (key === 'destinations') {
        const slash = s.indexOf('/');
        if (slash >= 0) {
          const bytes = ipAddressBytes(s.slice(0, slash));
          const bits = Number(s.slice(slash + 1));
          if (bytes === null || !/^\d+$/.test(s.slice(slash + 1)) || bits > bytes.length * 8) problem(`'${s}' is not a CIDR range (address/prefix-length)`, item);
          else out.cidrs.push(s);
        } else if (ipAddressBytes(s) !== null) out.ips.push(s);
        else if (HOSTNAME.test(s)) out.hostnames.push(s.toLowerCase().replace(/\.$/, ''));
        else problem(`'${s}' is not an IP address, CIDR range or host name`, item);
      } else if (key === 'child_images') out.childImages.push(s);
      else out.commandLines.push(s);
    }
  }
  return { allowlist: out, problems };
}

/** Escapes Sigma wildcards so a path or address is matched literally (rules spec "Wildcards"). */
function literal(s: string): string {
  return s.replace(/[*?\\]/g, (c) => '\\' + c);
}

/**
 * The allowlist as Sigma filter documents (one YAML source, several documents), or
 * null when the allowlist is empty.
 *
 * @example
 * const source = allowlistFilters(allowlist, 'allow.yml'); // { file: 'allow.yml (as Sigma filters)', text: 'title: …' }
 */
export function allowlistFilters(allowlist: Allowlist, file: string): RuleSource | null {
  const docs: unknown[] = [];
  const network: Record<string, unknown> = {};
  const addresses = [...allowlist.ips.map((ip) => `${ip}/${ip.includes(':') ? 128 : 32}`), ...allowlist.cidrs];
  if (addresses.length > 0) network['selection_address'] = { 'DestinationIp|cidr': addresses };
  // Host names: `*` stays a Sigma wildcard, everything else is literal.
  if (allowlist.hostnames.length > 0) network['selection_hostname'] = { DestinationHostname: allowlist.hostnames.map((h) => literal(h).replace(/\\\*/g, '*')) };
  if (allowlist.ports.length > 0) network['selection_port'] = { DestinationPort: [...allowlist.ports] };
  if (Object.keys(network).length > 0) {
    docs.push({
      title: 'Allowlisted w3wp.exe destinations', description: `Generated from ${file}.`,
      logsource: { category: 'network_connection', product: 'windows' },
      filter: { rules: NETWORK_RULES, ...network, condition: '1 of selection_*' },
    });
  }
  const process: Record<string, unknown> = {};
  const fullPaths = allowlist.childImages.filter((p) => !p.startsWith('\\')).map(literal);
  const names = allowlist.childImages.filter((p) => p.startsWith('\\')).map(literal);
  if (fullPaths.length > 0) process['selection_image'] = { Image: fullPaths };
  if (names.length > 0) process['selection_image_name'] = { 'Image|endswith': names };
  // Command lines keep their `*` wildcards; `?` and `\` are literal (paths are full of `\`).
  if (allowlist.commandLines.length > 0) process['selection_command_line'] = { CommandLine: allowlist.commandLines.map((c) => literal(c).replace(/\\\*/g, '*')) };
  if (Object.keys(process).length > 0) {
    docs.push({
      title: 'Allowlisted w3wp.exe children', description: `Generated from ${file}.`,
      logsource: { category: 'process_creation', product: 'windows' },
      filter: { rules: PROCESS_RULES, ...process, condition: '1 of selection_*' },
    });
  }
  if (docs.length === 0) return null;
  return { file: `${file} (as Sigma filters)`, text: docs.map((d) => stringify(d)).join('---\n') };
}
