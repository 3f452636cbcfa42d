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
import { NON_PUBLIC_RANGES } from './ranges.js';

/** A set of addresses as Sysmon filter values: a string prefix, or one exact address. */
export interface AddressMatch {
  readonly match: 'prefix' | 'exact';
  readonly value: string;
}

/** A non-public range (ranges.ts NON_PUBLIC_RANGES) and the Sysmon values that select it. */
export interface NonPublicMatches {
  /** The range and why it is not public, e.g. `10.0.0.0/8 RFC 1918`. */
  readonly range: string;
  readonly values: readonly AddressMatch[];
}

/** Most filters one range may become (a /20 is 16 prefixes, a /26 is 64 addresses). */
export const MAX_RANGE_VALUES = 256;

const prefix = (value: string): AddressMatch => ({ match: 'prefix', value });
const exact = (value: string): AddressMatch => ({ match: 'exact', value });

/**
 * Destinations that are not on the Internet, as Sysmon filter values: the verification
 * script's range table (one list for both, so the config logs what the script calls
 * public), each range through {@link rangeMatches}. IPv4 prefixes end with a dot (`10.`
 * never selects `100.…`). The IPv6 ranges inside the first group take hex-digit prefixes:
 * `fe8`…`feb` (fe80::/10), `fc`/`fd` (fc00::/7), `ff` (ff00::/8). Loopback and unspecified
 * are exact values, in Sysmon's form and in the compressed form in case a Sysmon version
 * ever writes that. A value already covered by a shorter prefix is left out
 * (`255.255.255.255` by `255.`). IPv4-mapped IPv6 (`0:0:0:0:0:ffff:a01:203` as Sysmon would
 * write it) is not listed: its private ranges are no string prefixes (10.0.0.0/8 alone
 * would need 256), and the corpus has none; if one occurs it is logged, never lost.
 */
export const NON_PUBLIC_MATCHES: readonly NonPublicMatches[] = (() => {
  const ranges = NON_PUBLIC_RANGES.map((r) => {
    const values = rangeMatches(r.cidr);
    if (typeof values === 'string') throw new Error(`verify-script.ts NON_PUBLIC_RANGES: ${values}`);
    const compressed = r.cidr.endsWith('/128') ? [exact(r.cidr.slice(0, -4))] : [];
    return { range: `${r.cidr} ${r.why}`, values: [...values, ...compressed] };
  });
  const prefixes = ranges.flatMap((r) => r.values).filter((v) => v.match === 'prefix').map((v) => v.value);
  const covered = (v: AddressMatch): boolean => prefixes.some((p) => p !== v.value && v.value.startsWith(p));
  return ranges.map((r) => ({ ...r, values: r.values.filter((v) => !covered(v)) })).filter((r) => r.values.length > 0);
})();

const NON_PUBLIC = NON_PUBLIC_MATCHES.flatMap((r) => r.values);

/**
 * Whether Sysmon's text of an address falls in a non-public range (case-insensitive).
 *
 * @example
 * isNonPublicText('172.20.0.1') // true
 * isNonPublicText('8.8.8.8')    // false
 */
export function isNonPublicText(address: string): boolean {
  const a = address.toLowerCase();
  return NON_PUBLIC.some((m) => (m.match === 'prefix' ? a.startsWith(m.value) : a === m.value));
}

/**
 * Whether every address beginning with `text` is non-public (the text extends a listed prefix).
 *
 * @example
 * isNonPublicPrefix('10.1.') // true
 * isNonPublicPrefix('172.1') // false: 172.100.x is public
 */
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

/**
 * An address or CIDR range as Sysmon filter values: whole octets (IPv4) or groups (IPv6)
 * become one prefix ending in `.` or `:`; a length inside an octet or group is expanded to
 * the next boundary (`10.16.0.0/12` → `10.16.` … `10.31.`), and the last octet or group to
 * exact addresses. Inside the first IPv6 group of four hex digits the expansion stops at
 * the next hex digit instead (`fe80::/10` → `fe8` … `feb`): such a prefix also selects a
 * first group written with fewer digits (`fe8:` is 0fe8::/16), which is IETF-reserved
 * space below 2000::/3, never routed. Returns a message when the text is not an address
 * or range, or would need more than {@link MAX_RANGE_VALUES} filters.
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
  const firstGroup = (bytes[0] << 8) | bytes[1];
  if (!v4 && bits < 16 && firstGroup >= 0x1000 && bits >= 4) {
    const digits = Math.ceil(bits / 4);
    const free = digits * 4 - bits;
    const first = (firstGroup >> (16 - digits * 4)) & ~((1 << free) - 1);
    return Array.from({ length: 2 ** free }, (_, i) => prefix((first + i).toString(16).padStart(digits, '0')));
  }
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
