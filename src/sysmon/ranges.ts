/**
 * What is not the public internet, as address ranges: one table for the generated Sysmon
 * config's `not begin with` prefixes (addresses.ts) and the verification script's range
 * math (verify-script.ts), so both mean the same by "public"; tests check it against
 * `classifyIp` (src/event/normalize.ts).
 */
import type { IpClass } from '../event/index.js';

/** An address range that is not the public internet, and the class {@link classifyIp} gives it. */
export interface NonPublicRange {
  /** Network address / prefix length. */
  readonly cidr: string;
  readonly class: Exclude<IpClass, 'public' | 'invalid'>;
  /** Why it is not public (RFC or use). */
  readonly why: string;
}

/**
 * Every range the script treats as not public, first match wins (so the classes equal
 * `classifyIp`'s: 0.0.0.0 before 0.0.0.0/8, the broadcast address before 240.0.0.0/4).
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is not a range here: the script unwraps it and
 * classifies the IPv4 address, as `classifyIp` does.
 */
export const NON_PUBLIC_RANGES: readonly NonPublicRange[] = [
  { cidr: '0.0.0.0/32', class: 'unspecified', why: 'any address' },
  { cidr: '255.255.255.255/32', class: 'broadcast', why: 'limited broadcast' },
  { cidr: '127.0.0.0/8', class: 'loopback', why: 'loopback' },
  { cidr: '10.0.0.0/8', class: 'private', why: 'RFC 1918' },
  { cidr: '172.16.0.0/12', class: 'private', why: 'RFC 1918 (172.16-172.31)' },
  { cidr: '192.168.0.0/16', class: 'private', why: 'RFC 1918' },
  { cidr: '169.254.0.0/16', class: 'link-local', why: 'RFC 3927' },
  { cidr: '100.64.0.0/10', class: 'cgnat', why: 'RFC 6598 carrier-grade NAT' },
  { cidr: '224.0.0.0/4', class: 'multicast', why: 'multicast' },
  { cidr: '0.0.0.0/8', class: 'reserved', why: '"this network"' },
  { cidr: '240.0.0.0/4', class: 'reserved', why: 'class E' },
  { cidr: '192.0.2.0/24', class: 'reserved', why: 'documentation (RFC 5737)' },
  { cidr: '198.51.100.0/24', class: 'reserved', why: 'documentation (RFC 5737)' },
  { cidr: '203.0.113.0/24', class: 'reserved', why: 'documentation (RFC 5737)' },
  { cidr: '198.18.0.0/15', class: 'reserved', why: 'benchmarking (RFC 2544)' },
  { cidr: '::/128', class: 'unspecified', why: 'any address' },
  { cidr: '::1/128', class: 'loopback', why: 'loopback' },
  { cidr: 'fe80::/10', class: 'link-local', why: 'link-local' },
  { cidr: 'fc00::/7', class: 'unique-local', why: 'unique local (RFC 4193)' },
  { cidr: 'ff00::/8', class: 'multicast', why: 'multicast' },
  { cidr: '2001:db8::/32', class: 'reserved', why: 'documentation (RFC 3849)' },
];
