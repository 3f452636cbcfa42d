/**
 * Live rules: the IIS webshell pack on the demo dataset shipped in several requests raises
 * exactly the detections a hunt over the same events finds (correlations across
 * batches included), and rule throttling counts instead of repeating.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoDataset, demoEvents } from '../demo/index.js';
import { iisPackDetections } from '../testing/pack-detections.js';
import { startTestServer, type TestServer, shipEvents } from '../testing/server.js';
import { W3WP } from '../testing/windows-events.js';
import type { Alert } from './alert-model.js';
import { defaultRealtimeSettings } from './realtime-config.js';

const SHELL = 'IIS Worker Process Spawned a Shell, Script Host or LOLBin';
const PACK = { ...defaultRealtimeSettings().rules, packs: ['iis-webshell' as const] };


async function ruleAlerts(t: TestServer): Promise<Alert[]> {
  const { body } = await t.api('GET', '/api/alerts?source=rule&since=0&limit=10000');
  return body['alerts'] as Alert[];
}

const signature = (name: string, time: string, host: string | null): string => `${name}|${new Date(time).toISOString()}|${host ?? ''}`;

test('the IIS webshell pack fires live on the demo dataset (w3wp → cmd), exactly as a hunt over the same events', async () => {
  const events = demoDataset();
  const expected = iisPackDetections(events);
  assert.ok(expected.some((d) => d.ruleTitle === SHELL), 'the demo holds the webshell story');
  assert.ok(expected.some((d) => d.target === 'correlation'), 'and correlations');
  const t = await startTestServer({ settings: { rules: PACK } });
  try {
    await shipEvents(t, events, 7);
    const alerts = await ruleAlerts(t);
    assert.deepEqual(alerts.map((a) => signature(a.name, a.time, a.host)).sort(), expected.map((d) => signature(d.ruleTitle, d.time, d.host)).sort());
    const shell = alerts.find((a) => a.name === SHELL && String(a.fields['Image']).toLowerCase().endsWith('\\cmd.exe'))!;
    assert.ok(shell, 'w3wp → cmd raised');
    assert.equal(shell.level, 'high');
    assert.equal(String(shell.fields['ParentImage']).toLowerCase(), W3WP.toLowerCase());
    assert.deepEqual((shell.fields['chain'] as string[]).map((x) => x.toLowerCase().split('\\').pop()).slice(-2), ['w3wp.exe', 'cmd.exe']);
    const status = (await t.api('GET', '/api/rules', undefined, t.readToken)).body;
    assert.equal(status['events'], events.length);
    assert.equal(typeof status['us_per_event'], 'number');
    assert.deepEqual(status['rules'], { loaded: 6, dormant: 0, not_loaded: 0 });
  } finally {
    await t.close();
  }
});

test('rule throttling: one alert per rule and host per window; the counts add up to every detection', async () => {
  // The small generator repeats the webshell story all day: many detections, many windows.
  const events = demoEvents({ count: 3000 });
  const expected = iisPackDetections(events);
  const t = await startTestServer({ settings: { rules: { ...PACK, throttle: { windowMs: 3_600_000, key: ['host'] } } } });
  try {
    await shipEvents(t, events, 3);
    const alerts = await ruleAlerts(t);
    assert.ok(alerts.length < expected.length, `${alerts.length} alerts for ${expected.length} detections`);
    const perRule = (xs: { name: string; n: number }[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const x of xs) out[x.name] = (out[x.name] ?? 0) + x.n;
      return out;
    };
    assert.deepEqual(perRule(alerts.map((a) => ({ name: a.name, n: a.count }))), perRule(expected.map((d) => ({ name: d.ruleTitle, n: 1 }))));
    // No two alerts of one rule and host within the hour of each other.
    const seen = new Map<string, number[]>();
    for (const a of alerts) seen.set(`${a.name}|${a.host}`, [...(seen.get(`${a.name}|${a.host}`) ?? []), Date.parse(a.time)]);
    for (const [k, times] of seen) {
      times.sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 3_600_000, `${k}: ${new Date(times[i - 1]!).toISOString()} then ${new Date(times[i]!).toISOString()}`);
    }
    assert.ok([...seen.values()].some((times) => times.length > 1), 'the day has several windows');
  } finally {
    await t.close();
  }
});
