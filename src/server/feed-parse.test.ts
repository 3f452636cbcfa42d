import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressForms, parseFeed } from './feed-parse.js';

test('IP feeds: comments, CSV first column, Spamhaus-style lines, CIDRs apart, canonical IPv6, duplicates once', () => {
  const text = [
    '# Blocklist, updated daily', 'ip,first_seen', '203.0.113.7,2024-05-01', '"198.51.100.23"', '203.0.113.7  # again',
    '192.0.2.0/24 ; SBL1', '2001:DB8:0:0:0:0:0:1', '10.0.0.1/33', 'not-an-ip', '', '  \t',
  ].join('\r\n');
  const f = parseFeed(text, 'ip');
  assert.deepEqual(f.items, ['203.0.113.7', '198.51.100.23', '2001:db8::1']);
  assert.deepEqual(f.networks, ['192.0.2.0/24']);
  assert.equal(f.skipped, 3);
  assert.deepEqual(f.skippedSample, ['line 2: ip,first_seen', 'line 8: 10.0.0.1/33', 'line 9: not-an-ip']);
});

test('domain feeds: lower-case, trailing dot, hosts-file lines; hash feeds: upper-case MD5/SHA-1/SHA-256 only', () => {
  const d = parseFeed('Evil.Example.COM.\n0.0.0.0 tracker.example.net\n1.2.3.4\nbad_domain!.com\n', 'domain');
  assert.deepEqual(d.items, ['evil.example.com', 'tracker.example.net']);
  assert.equal(d.skipped, 2);
  const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
  const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  const h = parseFeed(`${md5}\n${sha256},eicar\nabc123\n`, 'hash');
  assert.deepEqual(h.items, [md5.toUpperCase(), sha256.toUpperCase()]);
  assert.equal(h.skipped, 1);
});

test('IPv6 addresses in both forms Windows logs: compressed (Security) and all eight groups (Sysmon, as in the corpus)', () => {
  assert.deepEqual(addressForms('fe80::80ac:4126:fa58:1b81'), ['fe80::80ac:4126:fa58:1b81', 'fe80:0:0:0:80ac:4126:fa58:1b81']);
  assert.deepEqual(addressForms('::1'), ['::1', '0:0:0:0:0:0:0:1']);
  assert.deepEqual(addressForms('203.0.113.7'), ['203.0.113.7']);
  assert.deepEqual(parseFeed('0:0:0:0:0:0:0:1\n', 'ip').items, ['::1']);
});
