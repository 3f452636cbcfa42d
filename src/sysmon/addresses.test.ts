/**
 * Non-public destination prefixes and address ranges as Sysmon filter values, checked
 * against the project's own address classifier (event/normalize.ts classifyIp).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { classifyIp } from '../event/index.js';
import { isNonPublicPrefix, isNonPublicText, NON_PUBLIC_MATCHES, rangeMatches, sysmonAddress } from './addresses.js';

/** A deterministic pseudo-random generator, so failures repeat. */
function rng(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x80000000; };
}

describe('non-public destinations as Sysmon writes addresses', () => {
  it('selects exactly the IPv4 addresses classifyIp calls non-public (the verification script\'s table)', () => {
    const random = rng(7);
    for (let i = 0; i < 200_000; i++) {
      const ip = Array.from({ length: 4 }, () => Math.floor(random() * 256)).join('.');
      assert.equal(isNonPublicText(ip), classifyIp(ip) !== 'public', `${ip} (${classifyIp(ip)})`);
    }
    for (const ip of ['10.1.2.3', '192.168.1.1', '172.20.0.1', '172.31.255.255', '100.64.1.1', '100.127.0.1', '127.0.0.1', '169.254.9.9', '0.0.0.0', '224.0.0.251', '239.255.255.250', '255.255.255.255']) assert.ok(isNonPublicText(ip), ip);
    for (const ip of ['8.8.8.8', '100.63.255.255', '100.128.0.1', '172.15.0.1', '172.32.0.1', '1.10.0.1', '11.0.0.1', '192.169.0.1', '223.255.255.255']) assert.ok(!isNonPublicText(ip), ip);
  });

  it('classifies IPv6 in Sysmon\'s form (eight groups, no ::) and in the compressed form alike', () => {
    const random = rng(11);
    for (let i = 0; i < 100_000; i++) {
      const groups = Array.from({ length: 8 }, () => Math.floor(random() * 0x10000));
      if (i % 3 === 0) groups[0] = 0x2000 + Math.floor(random() * 0x2000); // global unicast 2000::/3
      if (i % 7 === 0) groups[0] = [0xfe80, 0xfebf, 0xfc00, 0xfdff, 0xff02][i % 5];
      const text = groups.map((g) => g.toString(16)).join(':');
      const cls = classifyIp(text);
      // Global unicast (2000::/3) is never selected; a selected address that classifyIp calls
      // public is one whose first group, written without leading zeros, looks like fc…/ff…
      // (0fc2::/16 and the like): IETF-reserved space below 2000::/3, never routed.
      if (cls === 'public') assert.ok(!isNonPublicText(text) || groups[0] < 0x2000, text);
      if (cls !== 'public' && cls !== 'invalid' && !/^0:0:0:0:0:ffff:/.test(text)) assert.equal(isNonPublicText(text), true, `${text} (${cls})`);
    }
    for (const ip of ['fe80::1', 'FE80:0:0:0:80ac:4126:fa58:1b81', '::1', '0:0:0:0:0:0:0:1', '::', 'fd12::1', 'fc00::5', 'ff02:0:0:0:0:0:1:3', 'febf::1']) assert.ok(isNonPublicText(ip), ip);
    for (const ip of ['2001:4860:4860::8888', '2001:4860:4860:0:0:0:0:8888', '2a00:1450:4001:0:0:0:0:200e', 'fec0::1']) assert.ok(!isNonPublicText(ip), ip);
  });

  it('tells which prefixes select only non-public addresses', () => {
    assert.ok(isNonPublicPrefix('10.1.'));
    assert.ok(isNonPublicPrefix('fe80:0:0:0'));
    assert.ok(!isNonPublicPrefix('1'));
    assert.ok(!isNonPublicPrefix('172.1'), '172.1 also begins 172.100.x');
  });

  it('lists each value once, with the prefixes the brief names', () => {
    const values = NON_PUBLIC_MATCHES.flatMap((r) => r.values.map((v) => v.value));
    assert.equal(new Set(values).size, values.length);
    for (const v of ['10.', '127.', '169.254.', '192.168.', '172.16.', '172.31.', '100.64.', '100.127.', '0.', '224.', '239.', '::1', 'fc', 'fd', 'ff', 'fe8']) assert.ok(values.includes(v), v);
  });
});

describe('addresses and ranges as filter values', () => {
  it('writes addresses as Sysmon does', () => {
    assert.equal(sysmonAddress('2001:DB8::5'), '2001:db8:0:0:0:0:0:5');
    assert.equal(sysmonAddress('::1'), '0:0:0:0:0:0:0:1');
    assert.equal(sysmonAddress('010.1.2.3'), '10.1.2.3');
    assert.equal(sysmonAddress('example.com'), null);
  });

  it('turns whole octets and groups into one prefix, and expands to the next boundary', () => {
    assert.deepEqual(rangeMatches('198.51.100.0/24'), [{ match: 'prefix', value: '198.51.100.' }]);
    assert.deepEqual(rangeMatches('203.0.113.10'), [{ match: 'exact', value: '203.0.113.10' }]);
    assert.deepEqual(rangeMatches('10.16.0.0/12'), Array.from({ length: 16 }, (_, i) => ({ match: 'prefix', value: `10.${16 + i}.` })));
    assert.deepEqual(rangeMatches('203.0.113.8/30'), [8, 9, 10, 11].map((d) => ({ match: 'exact', value: `203.0.113.${d}` })));
    assert.deepEqual(rangeMatches('2001:db8::/32'), [{ match: 'prefix', value: '2001:db8:' }]);
    assert.deepEqual(rangeMatches('2001:db8:a0::/44'), Array.from({ length: 16 }, (_, i) => ({ match: 'prefix', value: `2001:db8:${(0xa0 + i).toString(16)}:` })));
    assert.deepEqual(rangeMatches('2001:db8::5/128'), [{ match: 'exact', value: '2001:db8:0:0:0:0:0:5' }]);
    // Inside a first group of four hex digits, the next hex digit is the boundary.
    assert.deepEqual(rangeMatches('fe80::/10'), ['fe8', 'fe9', 'fea', 'feb'].map((value) => ({ match: 'prefix', value })));
    assert.deepEqual(rangeMatches('fc00::/7'), ['fc', 'fd'].map((value) => ({ match: 'prefix', value })));
  });

  it('selects exactly the range: every address inside begins with a prefix, none outside does', () => {
    const prefixes = rangeMatches('172.16.0.0/12') as { value: string }[];
    for (let b = 0; b < 256; b++) assert.equal(prefixes.some((p) => `172.${b}.4.4`.startsWith(p.value)), b >= 16 && b <= 31, `172.${b}.4.4`);
  });

  it('says why a range cannot be written', () => {
    assert.match(rangeMatches('0.0.0.0/0') as string, /every address/);
    assert.match(rangeMatches('10.0.0.0/33') as string, /prefix length must be 0-32/);
    assert.match(rangeMatches('2001:db8::/20') as string, /needs 4096 filters/);
    assert.match(rangeMatches('10.0.0.x') as string, /not an IP address/);
  });
});
