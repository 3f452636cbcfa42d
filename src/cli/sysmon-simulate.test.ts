/**
 * `haetae sysmon simulate` end to end: EVTX written by Haetae's own writer, plain Sysmon
 * field lines, a stored table; verdict lines, the report, and the logged events written out.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, projectRoot, requireShared } from '../testing/corpus.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';
import { throughEvtx, W3WP, WindowsEvents } from '../testing/windows-events.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-sysmon-sim-'));
const GUIDE_NETWORK = join(projectRoot, 'src', 'sysmon', 'testdata', 'guide-network.xml');

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A config logging w3wp's outbound connections to public IPv4 addresses, the spec's correct form. */
const W3WP_OUTBOUND = `<Sysmon schemaversion="4.90"><EventFiltering><RuleGroup name="iis">
<NetworkConnect onmatch="include"><Rule name="w3wp outbound" groupRelation="and">
<Image condition="end with">\\w3wp.exe</Image><Initiated>true</Initiated>
<DestinationIp condition="not begin with">10.</DestinationIp><DestinationIp condition="not begin with">192.168.</DestinationIp><DestinationIp condition="not begin with">127.</DestinationIp>
</Rule></NetworkConnect></RuleGroup></EventFiltering></Sysmon>`;

function events(): WindowsEvents {
  return new WindowsEvents('WEB01', '2024-05-01');
}

describe('haetae sysmon simulate', () => {
  it('answers --help, and names what is missing', () => {
    assert.equal(haetae('sysmon', '--help').code, 0);
    const help = haetae('sysmon', 'simulate', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--verdicts/);
    const noConfig = haetae('sysmon', 'simulate', 'x.evtx');
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /--config <file> is required/);
    const badConfig = haetae('sysmon', 'simulate', '-c', join(dir, 'missing.xml'), 'x.evtx');
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /cannot read .*missing\.xml: ENOENT/);
  });

  it('prints one verdict per event of an EVTX file and writes the logged events', async () => {
    const b = events();
    const conn = { pid: 4012, guid: '{11111111-2222-3333-4444-555555555555}', image: W3WP, initiated: true, source: '10.0.0.5', sourcePort: 50000, destPort: 443 };
    const { file } = await throughEvtx('sim', [
      b.sysmon3('09:00:00', { ...conn, dest: '8.8.8.8' }),
      b.sysmon3('09:00:01', { ...conn, dest: '10.1.2.3' }),
      b.sysmon3('09:00:02', { ...conn, dest: '93.184.216.34', initiated: false }),
      b.sysmon1('09:00:03', { pid: 5000, guid: '{a}', image: 'C:\\Windows\\System32\\cmd.exe', ppid: 4012, pguid: conn.guid, pimage: W3WP }),
      b.sec4689('09:00:04', '0x1a4', W3WP),
    ]);
    const config = join(dir, 'w3wp.xml');
    writeFileSync(config, W3WP_OUTBOUND);
    const out = join(dir, 'logged.evtx');
    const r = haetae('sysmon', 'simulate', '--config', config, file, '--verdicts', '--write', out);
    assert.equal(r.code, 0, r.stderr);
    const verdicts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(verdicts.map((v) => [v.record, v.event_id, v.decision, v.rule_name, v.reason]), [
      [1, 3, 'include', 'w3wp outbound', 'include-rule'],
      [2, 3, 'exclude', '', 'exclude-default'],
      [3, 3, 'exclude', '', 'exclude-default'],
      [4, 1, 'include', '', 'no-filter'],
    ]);
    assert.match(r.stderr, /Event 3 Network connection detected \(NetworkConnect\): 3 events, 1 logged, 2 dropped/);
    assert.match(r.stderr, /logged +1 +include rule "w3wp outbound" \(line 2\)/);
    assert.match(r.stderr, /1 events are not Sysmon events and were skipped/);
    const written = [];
    for await (const batch of decodeFile(out)) written.push(...batch.events);
    assert.deepEqual(written.map((e) => [e.event_id, e.data.DestinationIp ?? e.data.Image]), [[3, '8.8.8.8'], [1, 'C:\\Windows\\System32\\cmd.exe']]);
  });

  it('reads JSON lines of plain Sysmon fields, and reports as JSON', () => {
    const lines = join(dir, 'plain.jsonl');
    writeFileSync(lines, [
      { EventID: 3, Image: W3WP, DestinationIp: '10.1.2.3', Initiated: 'true' },
      { EventID: 3, Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', DestinationIp: '192.168.1.1', Initiated: true },
      { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe' },
    ].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = haetae('sysmon', 'simulate', '-c', GUIDE_NETWORK, lines, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { eventTypes: { eventId: number; logged: number; dropped: number }[] };
    // The guide's block, under its "or" RuleGroup, logs every connection on the host (spec §1).
    assert.deepEqual(report.eventTypes.map((t) => [t.eventId, t.logged, t.dropped]), [[1, 1, 0], [3, 2, 0]]);
  });

  it('simulates over a stored table', () => {
    const lines = join(dir, 'stored.jsonl');
    const b = events();
    const conn = { pid: 4012, guid: '{1}', image: W3WP, initiated: true, source: '10.0.0.5', sourcePort: 50000, destPort: 443 };
    writeFileSync(lines, [b.sysmon3('10:00:00', { ...conn, dest: '8.8.8.8' }), b.sysmon3('10:00:01', { ...conn, dest: '10.9.9.9' })].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const data = join(dir, 'data');
    const imported = haetae('import', '--data', data, lines);
    assert.equal(imported.code, 0, imported.stderr);
    const config = join(dir, 'w3wp-table.xml');
    writeFileSync(config, W3WP_OUTBOUND);
    const r = haetae('sysmon', 'simulate', '-c', config, '--table', 'sysmon', '--data', data, '--verdicts');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { decision: string }).decision), ['include', 'exclude']);
    const missing = haetae('sysmon', 'simulate', '-c', config, '--table', 'nope', '--data', data);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no table 'nope'/);
  });

  for (const config of sharedSysmonConfigs()) {
    it(`runs ${basename(config)} over the corpus's Sysmon samples`, () => {
      const samples = requireShared(join(corpusRoot, 'evtx', 'YamatoSecurity', 'Sysmon'));
      const r = haetae('sysmon', 'simulate', '-c', config, samples, '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { eventTypes: { events: number; logged: number; dropped: number }[] };
      const events = report.eventTypes.reduce((n, t) => n + t.events, 0);
      assert.ok(events > 10, `${events} Sysmon events simulated`);
      for (const t of report.eventTypes) assert.equal(t.logged + t.dropped, t.events);
    });
  }
});
