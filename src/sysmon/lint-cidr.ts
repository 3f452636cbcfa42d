/**
 * CIDR ranges in Sysmon filter values, and the text prefixes that do what they meant.
 * Sysmon compares addresses as strings (shared/specs/windows-events.md §1: "no CIDR"), so
 * `10.0.0.0/8` is just ten characters. A range written on octet (IPv4) or hex-digit (IPv6)
 * boundaries has an exact textual equivalent: the `begin with` prefixes of the addresses
 * in it, as Sysmon writes them (`10.`, `172.16.` … `172.31.`, `fc`, `fd`).
 */
import { ipAddressBytes } from '../event/index.js';

/** A value that reads as a CIDR range. */
export interface CidrRange {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly prefixLength: number;
}

/**
 * The CIDR range a filter value spells (`10.0.0.0/8`, `fe80::/10`), or null.
 *
 * @example
 * parseCidr('10.0.0.0/8')?.prefixLength // 8; parseCidr('10.0.0.1') // null
 */
export function parseCidr(value: string): CidrRange | null {
  const m = /^\s*([0-9A-Fa-f.:]+)\/(\d{1,3})\s*$/.exec(value);
  if (m === null) return null;
  const bytes = ipAddressBytes(m[1]);
  const prefixLength = Number(m[2]);
  if (bytes === null || prefixLength > bytes.length * 8) return null;
  return { text: `${m[1]}/${prefixLength}`, bytes, prefixLength };
}

/** How to match a range without CIDR: `begin with` these prefixes, or `is` these addresses. */
export interface TextEquivalent {
  readonly condition: 'begin with' | 'is';
  readonly values: readonly string[];
}

/** Ranges wider than this many prefixes are not listed (the message says so instead). */
const MAX_LISTED = 32;

function ipv4Equivalent(b: Uint8Array, length: number): TextEquivalent | null {
  const whole = Math.floor(length / 8), spare = length % 8;
  const fixed = Array.from(b.subarray(0, whole)).map(String);
  if (length === 32) return { condition: 'is', values: [fixed.join('.')] };
  const count = spare === 0 ? 1 : 2 ** (8 - spare);
  if (count > MAX_LISTED || length === 0) return null;
  const first = spare === 0 ? 0 : b[whole] & (0xff << (8 - spare));
  // The dot after a whole octet ends the prefix: "10." never matches "100.1.2.3".
  const head = fixed.length > 0 ? `${fixed.join('.')}.` : '';
  if (spare === 0) return { condition: 'begin with', values: [head] };
  if (whole === 3) return { condition: 'is', values: Array.from({ length: count }, (_, i) => `${head}${first + i}`) };
  return { condition: 'begin with', values: Array.from({ length: count }, (_, i) => `${head}${first + i}.`) };
}

function ipv6Equivalent(b: Uint8Array, length: number): TextEquivalent | null {
  const group0 = (b[0] << 8) | b[1];
  if (length === 128 && b.subarray(0, 15).every((x) => x === 0) && b[15] === 1) return { condition: 'is', values: ['::1'] };
  // Inside the first group, hex digits are a text prefix as long as the group is written
  // with four digits (no leading zero dropped): true for fc00::/7 and fe80::/10.
  if (length === 0 || length > 16) return null;
  const digits = Math.ceil(length / 4);
  const count = 2 ** (digits * 4 - length);
  const lowest = group0 & (0xffff << (16 - length)) & 0xffff;
  if (lowest < 0x1000 || count > MAX_LISTED) return null;
  const start = lowest >> (16 - digits * 4);
  return { condition: 'begin with', values: Array.from({ length: count }, (_, i) => (start + i).toString(16).padStart(digits, '0')) };
}

/**
 * The text equivalent of a range as Sysmon writes addresses, or null when it has none
 * short enough to list.
 *
 * @example
 * textEquivalent(parseCidr('172.16.0.0/12')!) // { condition: 'begin with', values: ['172.16.', …, '172.31.'] }
 * textEquivalent(parseCidr('fc00::/7')!)      // { condition: 'begin with', values: ['fc', 'fd'] }
 */
export function textEquivalent(range: CidrRange): TextEquivalent | null {
  return range.bytes.length === 4 ? ipv4Equivalent(range.bytes, range.prefixLength) : ipv6Equivalent(range.bytes, range.prefixLength);
}
