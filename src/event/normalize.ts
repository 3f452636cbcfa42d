/**
 * Normalization helpers that detection and queries need so that the same fact compares
 * equal whatever wrote it: process ids (Security writes `0x2a5c`, Sysmon `10844`), Sysmon's
 * `Hashes` list, NT device paths in WFP events, and the class of an IP address.
 */
import type { EventValue } from './event.js';

/**
 * A process id as a number, from a number, a decimal string or a `0x` hex string (4688's
 * NewProcessId/ProcessId, 4689's ProcessId are HexInt64). Null when it is not a pid.
 *
 * @example
 * processId('0x2a5c') === processId(10844) // true
 */
export function processId(v: EventValue | undefined): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** Sysmon's `Hashes` split by algorithm (only those the configuration enabled are present). */
export interface FileHashes {
  sha1?: string;
  md5?: string;
  sha256?: string;
  imphash?: string;
}

const HASH_KEYS: Record<string, keyof FileHashes> = { SHA1: 'sha1', MD5: 'md5', SHA256: 'sha256', IMPHASH: 'imphash' };

/**
 * Splits `SHA1=…,MD5=…,SHA256=…,IMPHASH=…` (Sysmon 1, 6, 7, 15, 23, 24, 26, 29) into its
 * parts, uppercase hex as Sysmon writes them. Unknown algorithms are ignored.
 *
 * @example
 * splitHashes('MD5=AB12,SHA256=CD34').sha256 // 'CD34'
 */
export function splitHashes(v: EventValue | undefined): FileHashes {
  const out: FileHashes = {};
  if (typeof v !== 'string') return out;
  for (const part of v.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = HASH_KEYS[part.slice(0, eq).trim().toUpperCase()];
    if (key) out[key] = part.slice(eq + 1).trim().toUpperCase();
  }
  return out;
}

/**
 * Maps an NT device path (`\device\harddiskvolume2\windows\system32\inetsrv\w3wp.exe`,
 * as 5156/5157/5158 write Application) to a drive path when the volume's drive letter is
 * known, e.g. learned from a Sysmon event of the same process. Paths that are not device
 * paths are returned unchanged; unknown volumes keep their device form.
 *
 * @example
 * ntPathToDrivePath('\\device\\harddiskvolume2\\windows\\x.exe', { harddiskvolume2: 'C:' }) // 'C:\\windows\\x.exe'
 */
export function ntPathToDrivePath(path: string, volumes: Readonly<Record<string, string>>): string {
  const m = /^\\device\\([^\\]+)(\\.*)?$/i.exec(path);
  if (!m) return path;
  const drive = volumes[m[1].toLowerCase()];
  return drive === undefined ? path : drive + (m[2] ?? '\\');
}

/**
 * Learns a volume's drive letter from the same file seen both ways (a Sysmon Image and a
 * WFP Application of one process): returns `[volume, 'C:']`, or null when the two paths
 * do not name the same file.
 *
 * @example
 * learnVolume('\\device\\harddiskvolume2\\windows\\w3wp.exe', 'C:\\Windows\\w3wp.exe') // ['harddiskvolume2', 'C:']
 */
export function learnVolume(devicePath: string, drivePath: string): [string, string] | null {
  const d = /^\\device\\([^\\]+)(\\.+)$/i.exec(devicePath);
  const p = /^([A-Za-z]:)(\\.+)$/.exec(drivePath);
  if (!d || !p || d[2].toLowerCase() !== p[2].toLowerCase()) return null;
  return [d[1].toLowerCase(), p[1].toUpperCase()];
}

/** Where an address points, for allowlists and "w3wp.exe talks to the internet" rules. */
export type IpClass =
  | 'public' | 'private' | 'loopback' | 'link-local' | 'cgnat' | 'multicast' | 'unique-local'
  | 'unspecified' | 'broadcast' | 'reserved' | 'invalid';

function ipv4Octets(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : null;
}

function classifyIpv4([a, b, c, d]: number[]): IpClass {
  if (a === 0 && b === 0 && c === 0 && d === 0) return 'unspecified';
  if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private'; // RFC 1918
  if (a === 169 && b === 254) return 'link-local'; // RFC 3927
  if (a === 100 && b >= 64 && b <= 127) return 'cgnat'; // RFC 6598
  if (a >= 224 && a <= 239) return 'multicast';
  // "This network", documentation ranges (RFC 5737), benchmarking (RFC 2544), class E.
  if (a === 0 || a >= 240 || (a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
  return 'public';
}

/** Expands an IPv6 address to its eight 16-bit groups; null when it is not IPv6. */
function ipv6Groups(s: string): number[] | null {
  let text = s.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone); // fe80::1%12 (scope id, as Windows prints it)
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = ipv4Octets(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = text.slice(0, lastColon + 1); // '::ffff:' or '1:2:3:4:5:6:'
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const g = h.split(':').map((x) => (/^[0-9a-f]{1,4}$/.test(x) ? parseInt(x, 16) : NaN));
    return g.every((x) => !Number.isNaN(x)) ? g : null;
  };
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  return [...head, ...new Array(8 - known).fill(0), ...rest, ...tail];
}

/**
 * The network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed by the
 * same rules {@link classifyIp} uses (IPv6 zone ids such as `%12` are dropped); null when
 * the text is not an address. The query language's `ip()` builds its values with this.
 *
 * @example
 * ipAddressBytes('10.0.0.1')  // Uint8Array [10, 0, 0, 1]
 * ipAddressBytes('fe80::1')   // 16 bytes, fe 80 0 … 0 1
 */
export function ipAddressBytes(ip: string): Uint8Array | null {
  const s = ip.trim();
  const v4 = ipv4Octets(s);
  if (v4) return Uint8Array.from(v4);
  const g = ipv6Groups(s);
  if (!g) return null;
  const out = new Uint8Array(16);
  g.forEach((x, i) => { out[2 * i] = x >> 8; out[2 * i + 1] = x & 255; });
  return out;
}

/**
 * Classifies an IPv4 or IPv6 address (as Sysmon 3 and WFP 5156 write them).
 *
 * @example
 * classifyIp('100.64.1.2') // 'cgnat'
 * classifyIp('fd12::1')     // 'unique-local'
 */
export function classifyIp(ip: string): IpClass {
  const s = ip.trim();
  const v4 = ipv4Octets(s);
  if (v4) return classifyIpv4(v4);
  const g = ipv6Groups(s);
  if (!g) return 'invalid';
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return classifyIpv4([g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255]); // IPv4-mapped
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique-local'; // RFC 4193
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation (RFC 3849)
  return 'public';
}
