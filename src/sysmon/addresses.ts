/**
 * IP addresses as Sysmon writes them, and address ranges as what a Sysmon filter can test:
 * string prefixes (`begin with`) and exact values (`is`), since Sysmon compares values as
 * strings and has no CIDR (shared/specs/windows-events.md §1).
 *
 * How Sysmon writes addresses (event 3, `DestinationIp`), from the corpus: IPv4 dotted
 * (`10.1.2.3`); IPv6 as eight hex groups, lowercase, without leading zeros and without
 * `::` compression (`fe80:0:0:0:80ac:4126:fa58:1b81`, loopback `0:0:0:0:0:0:0:1`,
 * `ff02:0:0:0:0:0:1:3`). A prefix that ends at a group boundary (`2001:db8:`) therefore
 * selects exactly that network; an address in the compressed notation (`::1`) never occurs.
 */
import { ipAddressBytes } from '../event/index.js';

/** A set of addresses as Sysmon filter values: a string prefix, or one exact address. */
export interface AddressMatch {
  readonly match: 'prefix' | 'exact';
  readonly value: string;
}

/** A named non-public range and the values that select it. */
export interface NonPublicRange {
  readonly range: string;
  readonly values: readonly AddressMatch[];
}

const prefix = (value: string): AddressMatch => ({ match: 'prefix', value });
const exact = (value: string): AddressMatch => ({ match: 'exact', value });
const span = (head: string, from: number, to: number): AddressMatch[] => Array.from({ length: to - from + 1 }, (_, i) => prefix(`${head}${from + i}.`));

/**
 * Destinations that are not on the Internet, as prefixes of Sysmon's address text. IPv4
 * prefixes end with a dot (`10.` never selects `100.…`). IPv6 prefixes test the first group
 * as Sysmon writes it: `fc`/`fd` (ULA fc00::/7), `fe8`…`feb` (link-local fe80::/10, the
 * whole /10 rather than just `fe80:`), `ff` (multicast). They can also select a first group
 * below 0x1000 written without leading zeros (`fc:…` is 00fc::/16), which lies in 0000::/8,
 * reserved and never routed; every global unicast address (2000::/3) starts with `2` or `3`.
 * Loopback and unspecified are exact values, in Sysmon's form and in the compressed form in
 * case a Sysmon version ever writes that. IPv4-mapped IPv6 (`0:0:0:0:0:ffff:a01:203` as
 * Sysmon would write it) is not listed: its private ranges are not string prefixes (10.0.0.0/8
 * alone would need 256), and the corpus has none; if one occurs it is logged, never lost.
 */
export const NON_PUBLIC_RANGES: readonly NonPublicRange[] = [
  { range: '0.0.0.0/8 "this network"', values: [prefix('0.')] },
  { range: '10.0.0.0/8 private (RFC 1918)', values: [prefix('10.')] },
  { range: '100.64.0.0/10 carrier-grade NAT (RFC 6598)', values: span('100.', 64, 127) },
  { range: '127.0.0.0/8 loopback', values: [prefix('127.')] },
  { range: '169.254.0.0/16 link-local', values: [prefix('169.254.')] },
  { range: '172.16.0.0/12 private (RFC 1918)', values: span('172.', 16, 31) },
  { range: '192.168.0.0/16 private (RFC 1918)', values: [prefix('192.168.')] },
  { range: '224.0.0.0/4 multicast', values: span('', 224, 239) },
  { range: '255.255.255.255 broadcast', values: [exact('255.255.255.255')] },
  { range: '::1 loopback, :: unspecified', values: [exact('0:0:0:0:0:0:0:1'), exact('::1'), exact('0:0:0:0:0:0:0:0'), exact('::')] },
  { range: 'fe80::/10 link-local', values: [prefix('fe8'), prefix('fe9'), prefix('fea'), prefix('feb')] },
  { range: 'fc00::/7 unique local', values: [prefix('fc'), prefix('fd')] },
  { range: 'ff00::/8 multicast', values: [prefix('ff')] },
];

const NON_PUBLIC = NON_PUBLIC_RANGES.flatMap((r) => r.values);

/**
 * Whether Sysmon's text of an address falls in {@link NON_PUBLIC_RANGES} (case-insensitive).
 *
 * @example
 * isNonPublicText('172.20.0.1') // true
 * isNonPublicText('8.8.8.8')    // false
 */
export function isNonPublicText(address: string): boolean {
  const a = address.toLowerCase();
  return NON_PUBLIC.some((m) => (m.match === 'prefix' ? a.startsWith(m.value) : a === m.value));
}

/** Whether every address beginning with `text` is non-public (the text extends a listed prefix). */
export function isNonPublicPrefix(text: string): boolean {
  const a = text.toLowerCase();
  return NON_PUBLIC.some((m) => m.match === 'prefix' && a.startsWith(m.value));
}

/** Sysmon's text of an IPv6 address: eight hex groups, no leading zeros, no `::`. */
function sysmonIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/**
 * An address written as Sysmon writes it, or null when the text is not an address.
 *
 * @example
 * sysmonAddress('2001:db8::5') // '2001:db8:0:0:0:0:0:5'
 */
export function sysmonAddress(text: string): string | null {
  const bytes = ipAddressBytes(text);
  if (bytes === null) return null;
  return bytes.length === 4 ? bytes.join('.') : sysmonIpv6(bytes);
}

/** Most filters one range may become (a /20 is 16 prefixes, a /26 is 64 addresses). */
export const MAX_RANGE_VALUES = 256;

/**
 * An address or CIDR range as Sysmon filter values: whole octets (IPv4) or groups (IPv6)
 * become one prefix; a length inside an octet or group is expanded to the next boundary
 * (`10.16.0.0/12` → `10.16.` … `10.31.`), and the last octet or group to exact addresses.
 * Returns a message when the text is not an address or range, or would need more than
 * {@link MAX_RANGE_VALUES} filters.
 *
 * @example
 * rangeMatches('198.51.100.0/24') // [{ match: 'prefix', value: '198.51.100.' }]
 */
export function rangeMatches(text: string): AddressMatch[] | string {
  const slash = text.indexOf('/');
  const bytes = ipAddressBytes(slash < 0 ? text : text.slice(0, slash));
  if (bytes === null) return `'${text}' is not an IP address or CIDR range`;
  const v4 = bytes.length === 4;
  const total = bytes.length * 8;
  const bitsText = slash < 0 ? String(total) : text.slice(slash + 1);
  const bits = /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= total)) return `'${text}': the prefix length must be 0-${total}`;
  if (bits === 0) return `'${text}' is every address; allow a narrower range`;
  const unit = v4 ? 8 : 16; // an octet or a group: where a string prefix can end
  const units = Math.ceil(bits / unit); // units the prefix fixes (the last one maybe partly)
  const free = units * unit - bits; // bits of the last fixed unit left open
  if (2 ** free > MAX_RANGE_VALUES) return `'${text}' needs ${2 ** free} filters (more than ${MAX_RANGE_VALUES}); split it or use a range ending on a${v4 ? 'n octet' : ' 16-bit group'} boundary`;
  const unitValue = (i: number): number => (v4 ? bytes[i] : (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  const head: number[] = Array.from({ length: units - 1 }, (_, i) => unitValue(i));
  const last = unitValue(units - 1) & ~((1 << free) - 1) & (v4 ? 0xff : 0xffff);
  const out: AddressMatch[] = [];
  for (let v = last; v < last + 2 ** free; v++) {
    const parts = [...head, v].map((x) => (v4 ? String(x) : x.toString(16)));
    if (units * unit === total) out.push(exact(parts.join(v4 ? '.' : ':')));
    else out.push(prefix(parts.join(v4 ? '.' : ':') + (v4 ? '.' : ':')));
  }
  return out;
}
