import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { durationMs, parseRealtimeSettings } from './realtime-config.js';

const YAML = `
alerts:
  sinks:
    - { type: webhook, url: "https://hooks.example.com/haetae", headers: { Authorization: "Bearer x" }, backoff: 2s, max_attempts: 5 }
    - { type: syslog, host: 10.0.0.5, protocol: tcp }
    - { type: file, path: alerts.ndjson }
feeds:
  - { name: blocklist, url: "https://feeds.example.com/ip.txt", type: ip, refresh: 1h }
  - { name: hashes, file: lists/hashes.txt, type: hash, refresh: 10m }
rules:
  packs: [iis-webshell]
  dirs: [/etc/haetae/sigma, mine]
  min_level: low
  throttle: { window: 60s, key: [host] }
`;

test('haetae.yaml real-time sections: sinks with retry settings, feeds, rules; relative paths from the data directory', () => {
  const s = parseRealtimeSettings(parse(YAML), 'haetae.yaml', '/var/lib/haetae');
  assert.deepEqual(s.sinks.map((x) => x.type), ['webhook', 'syslog', 'file']);
  assert.deepEqual(s.sinks[0]!.retry, { queue: 10_000, initialBackoffMs: 2000, maxBackoffMs: 300_000, maxAttempts: 5 });
  assert.deepEqual(s.sinks[1], { type: 'syslog', host: '10.0.0.5', port: 514, protocol: 'tcp', facility: 16, retry: { queue: 10_000, initialBackoffMs: 1000, maxBackoffMs: 300_000, maxAttempts: 10 } });
  assert.equal((s.sinks[2] as { path: string }).path, '/var/lib/haetae/alerts.ndjson');
  assert.deepEqual(s.feeds, [
    { name: 'blocklist', type: 'ip', refreshMs: 3_600_000, url: 'https://feeds.example.com/ip.txt' },
    { name: 'hashes', type: 'hash', refreshMs: 600_000, file: '/var/lib/haetae/lists/hashes.txt' },
  ]);
  assert.deepEqual(s.rules, { enabled: true, packs: ['iis-webshell'], dirs: ['/etc/haetae/sigma', '/var/lib/haetae/mine'], minLevel: 'low', throttle: { windowMs: 60_000, key: ['host'] } });
});

test('mistakes name the file and the setting', () => {
  const bad = (yaml: string, message: RegExp): void => assert.throws(() => parseRealtimeSettings(parse(yaml), 'haetae.yaml', '/d'), message);
  bad('alerts: { sinks: [{ type: pager }] }', /haetae\.yaml: alerts\.sinks\[0\]\.type: expected one of webhook, syslog, file/);
  bad('alerts: { sinks: [{ type: webhook, url: "ftp://x/y" }] }', /alerts\.sinks\[0\]\.url: only http and https/);
  bad('alerts: { sinks: [{ type: syslog, host: h, port: 70000 }] }', /alerts\.sinks\[0\]\.port: expected a whole number from 1 to 65535/);
  bad('feeds: [{ name: blocklist, url: "http://x/y", file: z, type: ip }]', /feeds\[0\]: give either url or file/);
  bad('feeds: [{ name: "block-list", url: "http://x/y", type: ip }]', /feeds\[0\]\.name: 'block-list' must start with a letter/);
  bad('rules: { packs: [nope] }', /rules\.packs\[0\]: expected one of iis-webshell/);
  bad('rules: { throttle: { window: 1H } }', /rules\.throttle\.window: '1H': unit 'H' must be lowercase/);
  bad('alerts: { sink: [] }', /alerts\.sink: unknown setting/);
});

test('durations: seconds as numbers, or a number and a unit letter', () => {
  assert.equal(durationMs(90), 90_000);
  assert.equal(durationMs('0'), 0);
  assert.equal(durationMs('5m'), 300_000);
  assert.match(String(durationMs('-1')), /not a number followed by one unit letter/);
});
