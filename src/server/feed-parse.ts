/**
 * Threat-intel list formats: one item per line; `#` starts a comment (at the start of
 * a line or after a space); the first column of CSV (or of `;`-, tab- or
 * space-separated lines, as in Spamhaus DROP: `1.10.16.0/20 ; SBL256894`); quotes around
 * the item are removed; a hosts-file line (`0.0.0.0 bad.example`) gives its name for
 * domain feeds. Lines that are not a valid item of the feed's type (a CSV header, say)
 * are skipped and counted.
 *
 * Items are normalized so that a join compares them with what Windows logs:
 * - ip: canonical address text (IPv6 lower-case and compressed: `2001:db8::1`); a CIDR
 *   (`203.0.113.0/24`) is kept apart as a network, canonical address and prefix length.
 *   Windows writes IPv6 two ways: Security 5156 compressed (`fe80::1`), Sysmon all eight
 *   groups without `::` (`fe80:0:0:0:0:0:0:1`, see the corpus); {@link addressForms}
 *   gives both, so the feed table can hold both and an exact join matches either log.
 * - domain: lower-case, without a trailing dot.
 * - hash: MD5, SHA-1 or SHA-256 hex, UPPER-case as Sysmon writes `Hashes`.
 */
import { parseIp } from '../query/functions.js';
import type { FeedType } from './realtime-config.js';

/** What a feed's text holds. */
export interface ParsedFeed {
  /** Distinct items (addresses, domains, hashes), in first-seen order. */
  readonly items: string[];
  /** CIDR networks of an IP feed. */
  readonly networks: string[];
  /** Lines with something on them that is not a valid item. */
  readonly skipped: number;
  /** The first few skipped lines, `line N: text`, for the feed's status. */
  readonly skippedSample: string[];
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1).trim() : s;
}

/** The item of one IP-feed token: an address, a network, or null. */
function ipItem(token: string): { ip: string } | { network: string } | null {
  const slash = token.indexOf('/');
  if (slash < 0) {
    const ip = parseIp(token);
    return ip ? { ip: ip.text } : null;
  }
  const ip = parseIp(token.slice(0, slash));
  const bits = token.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bits) || Number(bits) > ip.bytes.length * 8) return null;
  return { network: `${ip.text}/${Number(bits)}` };
}

/**
 * Parses a feed's text.
 *
 * @example
 * parseFeed('# bad hosts\n203.0.113.7\n198.51.100.0/24 ; range\n', 'ip')
 * // { items: ['203.0.113.7'], networks: ['198.51.100.0/24'], skipped: 0, skippedSample: [] }
 */
export function parseFeed(text: string, type: FeedType): ParsedFeed {
  const items = new Set<string>();
  const networks = new Set<string>();
  let skipped = 0;
  const skippedSample: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const tokens = line.split(/[\s,;]+/).map(unquote).filter((t) => t !== '');
    let token = tokens[0] ?? '';
    // A hosts-file line: the name follows the address.
    if (type === 'domain' && tokens.length > 1 && parseIp(token) !== null) token = tokens[1]!;
    let ok = false;
    switch (type) {
      case 'ip': {
        const item = ipItem(token);
        if (item && 'ip' in item) items.add(item.ip);
        else if (item) networks.add(item.network);
        ok = item !== null;
        break;
      }
      case 'domain': {
        const d = token.toLowerCase().replace(/\.$/, '');
        ok = DOMAIN.test(d) && parseIp(d) === null;
        if (ok) items.add(d);
        break;
      }
      case 'hash':
        ok = HASH.test(token);
        if (ok) items.add(token.toUpperCase());
        break;
    }
    if (!ok) {
      skipped++;
      if (skippedSample.length < 5) skippedSample.push(`line ${n + 1}: ${lines[n]!.trim().slice(0, 100)}`);
    }
  }
  return { items: [...items], networks: [...networks], skipped, skippedSample };
}

/**
 * The texts an address is logged as: the canonical one, and for IPv6 also Sysmon's
 * uncompressed form.
 *
 * @example
 * addressForms('fe80::1') // ['fe80::1', 'fe80:0:0:0:0:0:0:1']
 */
export function addressForms(canonical: string): string[] {
  const ip = parseIp(canonical);
  if (ip === null || ip.bytes.length !== 16) return [canonical];
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  const sysmon = groups.join(':');
  return sysmon === canonical ? [canonical] : [canonical, sysmon];
}
