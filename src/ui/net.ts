/** Address classes for marking connections that leave for the internet. */

/**
 * Whether an IP address is public: not private (RFC 1918), loopback, link-local, CGNAT
 * (RFC 6598), unspecified, multicast, or an IPv6 ULA/link-local/loopback address.
 */
export function isPublicIp(ip: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.trim());
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  const v6 = ip.trim().toLowerCase();
  if (!v6.includes(':')) return false;
  if (v6 === '::1' || v6 === '::') return false;
  return !/^(fe[89ab]|f[cd]|ff)/.test(v6);
}
