/**
 * CIDR values and their text equivalents: the prefixes must match exactly the addresses of
 * the range as text (checked against every address of small ranges and samples of big ones).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseCidr, textEquivalent, type TextEquivalent } from './lint-cidr.js';

function equivalent(text: string): TextEquivalent | null {
  const range = parseCidr(text);
  assert.ok(range, text);
  return textEquivalent(range);
}

/** True when `ip` matches the equivalent the way Sysmon compares text. */
function matches(eq: TextEquivalent, ip: string): boolean {
  return eq.values.some((v) => (eq.condition === 'is' ? ip === v : ip.startsWith(v)));
}

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 ranges, with spaces around', () => {
    assert.equal(parseCidr('10.0.0.0/8')?.prefixLength, 8);
    assert.equal(parseCidr(' fe80::/10 ')?.bytes.length, 16);
    assert.equal(parseCidr('::1/128')?.prefixLength, 128);
  });

  it('refuses what is not a range: plain addresses, versions, paths, bad lengths', () => {
    for (const v of ['10.0.0.1', '1.2.3/4', 'C:\\a/8', '10.0.0.0/33', 'fe80::/129', '10.0.0.0/', 'a/b', '1.2.3.4.5/8']) assert.equal(parseCidr(v), null, v);
  });
});

describe('textEquivalent', () => {
  it('gives the private IPv4 ranges as octet prefixes', () => {
    assert.deepEqual(equivalent('10.0.0.0/8'), { condition: 'begin with', values: ['10.'] });
    assert.deepEqual(equivalent('192.168.0.0/16'), { condition: 'begin with', values: ['192.168.'] });
    assert.deepEqual(equivalent('172.16.0.0/12')?.values, Array.from({ length: 16 }, (_, i) => `172.${16 + i}.`));
    assert.deepEqual(equivalent('169.254.0.0/16')?.values, ['169.254.']);
  });

  it('gives exact addresses inside the last octet, and the address itself for /32', () => {
    assert.deepEqual(equivalent('192.168.1.16/28'), { condition: 'is', values: Array.from({ length: 16 }, (_, i) => `192.168.1.${16 + i}`) });
    assert.deepEqual(equivalent('8.8.8.8/32'), { condition: 'is', values: ['8.8.8.8'] });
  });

  it('gives IPv6 prefixes as hex digits of the first group, and ::1', () => {
    assert.deepEqual(equivalent('fe80::/10'), { condition: 'begin with', values: ['fe8', 'fe9', 'fea', 'feb'] });
    assert.deepEqual(equivalent('fc00::/7'), { condition: 'begin with', values: ['fc', 'fd'] });
    assert.deepEqual(equivalent('::1/128'), { condition: 'is', values: ['::1'] });
  });

  it('has none for ranges too wide to list or not on text boundaries', () => {
    for (const v of ['0.0.0.0/0', '100.64.0.0/10', '2001:db8::/32', '::/8']) assert.equal(equivalent(v), null, v);
  });

  it('matches exactly the addresses of the range, as text', () => {
    for (const [range, inside] of [['172.16.0.0/12', (a: number, b: number) => a === 172 && b >= 16 && b <= 31], ['10.0.0.0/8', (a: number) => a === 10], ['10.0.0.0/7', (a: number) => a === 10 || a === 11]] as const) {
      const eq = equivalent(range);
      assert.ok(eq);
      for (let a = 0; a < 256; a += 1) {
        for (const b of [0, 1, 15, 16, 17, 31, 32, 99, 100, 168, 255]) {
          const ip = `${a}.${b}.3.4`;
          assert.equal(matches(eq, ip), inside(a, b), `${range} vs ${ip}`);
        }
      }
    }
    const last = equivalent('192.168.1.16/28');
    assert.ok(last);
    for (let d = 0; d < 256; d++) assert.equal(matches(last, `192.168.1.${d}`), d >= 16 && d < 32, `192.168.1.${d}`);
  });
});
