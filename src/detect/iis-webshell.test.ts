/**
 * The iis-webshell pack end to end (rules + log-source mapping + process tracker +
 * correlations + allowlist), on events written to real EVTX by Haetae's own writer and on
 * the shared corpus. Scenarios follow shared/specs/windows-events.md §1 ("What this means
 * for the IIS guide") and §3 (4688 versions, 5156 fields).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyIp, type Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import { throughEvtx, W3WP, WindowsEvents } from '../testing/windows-events.js';
import { Hunt, MatchStage } from './hunt.js';
import { ProcessTracker } from './process-tracker.js';
import { RuleSet } from './rule-set.js';
import { selectRuleSources } from './rule-sources.js';
import type { Detection } from './types.js';

const SHELL = 'IIS Worker Process Spawned a Shell, Script Host or LOLBin';
const UNUSUAL = 'IIS Worker Process Spawned an Unusual Child Process';
const OUT_WEB = 'IIS Worker Process Connected Out to a Public Address on a Web Port';
const OUT_PORT = 'IIS Worker Process Connected Out to a Public Address on an Unusual Port';
const CHILD_CONFIRMED = 'IIS Worker Child Process Confirmed by Both Sysmon and Security Auditing';
const OUT_CONFIRMED = 'IIS Worker Outbound Connection Confirmed by Both Sysmon and the Windows Filtering Platform';
const W3WP_DEVICE = '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe';
const FRAMEWORK = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319';

function packRuleSet(allowlist?: string): { set: RuleSet; tracker: ProcessTracker } {
  const tracker = new ProcessTracker();
  const { sources, problems } = selectRuleSources({ packs: ['iis-webshell'], rules: [], allowlist });
  assert.deepEqual(problems, []);
  const set = RuleSet.load(sources, { tracker });
  assert.deepEqual(set.problems, []);
  assert.ok(set.report.every((r) => r.status === 'loaded'), JSON.stringify(set.report.filter((r) => r.status !== 'loaded')));
  return { set, tracker };
}

function hunt(events: readonly Event[], allowlist?: string): Detection[] {
  const { set, tracker } = packRuleSet(allowlist);
  const h = new Hunt(set);
  const stage = new MatchStage(set, tracker);
  for (const e of events) stage.observe(e, 'test.evtx', (hit) => h.add(hit));
  return [...h.finish().detections];
}

const titles = (ds: readonly Detection[]): string[] => ds.map((d) => d.ruleTitle);

test('the pack loads: every rule and correlation, both process-creation and network targets', () => {
  const { set } = packRuleSet();
  const targets = new Set(set.report.flatMap((r) => r.targets));
  for (const t of ['sysmon:1', 'security:4688', 'sysmon:3', 'security:5156']) assert.ok(targets.has(t), `${t} in ${[...targets]}`);
  assert.equal(set.correlations.length, 2);
});

test('4688 without ParentProcessName: w3wp children found by the PID alive then, not after a recycle reused it', async () => {
  const b = new WindowsEvents('WEB01', '2024-05-01');
  const { events } = await throughEvtx('iis-recycle', [
    b.sec4688('09:00:00', '0x1a4', W3WP, '0x300'), // w3wp #1 (PID 420)
    b.sec4688('09:10:00', '0x2a5c', 'C:\\Windows\\System32\\cmd.exe', '0x1a4', undefined, 'cmd.exe /c whoami /all'),
    b.sec4689('09:20:00', '0x1a4', W3WP), // application pool recycle
    b.sec4688('09:20:01', '0x5d0', W3WP, '0x300'), // w3wp #2 (PID 1488)
    b.sec4688('09:30:00', '0x1a4', 'C:\\Windows\\System32\\svchost.exe', '0x260'), // PID 420 reused
    b.sec4688('09:40:00', '0x111', 'C:\\Windows\\System32\\whoami.exe', '0x1a4'), // child of that svchost: not a webshell
    b.sec4688('09:41:00', '0x112', 'C:\\Windows\\System32\\whoami.exe', '0x5d0'), // child of w3wp #2
  ]);
  const found = hunt(events);
  assert.deepEqual(found.map((d) => [d.time.slice(11, 19), d.ruleTitle, d.target]), [
    ['09:10:00', SHELL, 'security:4688'],
    ['09:41:00', SHELL, 'security:4688'],
  ]);
  assert.equal(found[0].fields.ParentImage, W3WP, 'ParentImage comes from the tracker');
  assert.deepEqual(found[0].chain.slice(-2), [W3WP, 'C:\\Windows\\System32\\cmd.exe']);
});

test('ASP.NET compilation under w3wp is silent; the same name outside the Framework folder is not', async () => {
  const b = new WindowsEvents('WEB01', '2024-05-01');
  const { events } = await throughEvtx('iis-aspnet', [
    b.sec4688('10:00:00', '0x900', `${FRAMEWORK}\\csc.exe`, '0x5d0', W3WP),
    b.sec4688('10:00:01', '0x904', `${FRAMEWORK}\\cvtres.exe`, '0x900', `${FRAMEWORK}\\csc.exe`),
    b.sec4688('10:00:02', '0x908', `${FRAMEWORK}\\vbc.exe`, '0x5d0', W3WP),
    b.sec4688('10:05:00', '0x90c', 'C:\\inetpub\\wwwroot\\uploads\\csc.exe', '0x5d0', W3WP),
  ]);
  const found = hunt(events);
  assert.deepEqual(titles(found), [UNUSUAL]);
  assert.equal(found[0].fields.Image, 'C:\\inetpub\\wwwroot\\uploads\\csc.exe');
  assert.equal(found[0].level, 'low');
});

test('Sysmon 1 and 4688 of the same process creation confirm each other (hex and decimal PIDs)', async () => {
  const b = new WindowsEvents('WEB01', '2024-05-01');
  const cmd = 'C:\\Windows\\System32\\cmd.exe';
  const { events } = await throughEvtx('iis-confirm', [
    b.sysmon1('11:00:00', { pid: 10844, guid: '{AAAAAAAA-0000-0000-0000-00000000000A}', image: cmd, ppid: 1488, pguid: '{AAAAAAAA-0000-0000-0000-000000000001}', pimage: W3WP }),
    b.sec4688('11:00:01', '0x2a5c', cmd, '0x5d0', W3WP),
    b.sysmon1('11:30:00', { pid: 2000, guid: '{AAAAAAAA-0000-0000-0000-00000000000B}', image: cmd, ppid: 1488, pguid: '{AAAAAAAA-0000-0000-0000-000000000001}', pimage: W3WP }),
  ]);
  const found = hunt(events);
  // Same time: sorted by title. The lone 11:30 creation is not confirmed.
  assert.deepEqual(titles(found), [SHELL, CHILD_CONFIRMED, SHELL, SHELL]);
  const confirmed = found[1];
  assert.equal(confirmed.level, 'critical');
  assert.equal(confirmed.correlation?.type, 'value_count');
  assert.equal(String(confirmed.correlation?.group.ProcessId), '10844');
});

test('w3wp outbound: public destinations alert (higher off 80/443); private, loopback, link-local, CGNAT, ULA and inbound stay silent', async () => {
  const b = new WindowsEvents('WEB01', '2024-05-01');
  const wfp = (time: string, dest: string, destPort: number, outbound = true): Event =>
    b.sec5156(time, { pid: 1488, application: W3WP_DEVICE, outbound, source: '10.0.0.5', sourcePort: 50000 + destPort % 1000, dest, destPort });
  const { events } = await throughEvtx('iis-outbound', [
    wfp('12:00:00', '10.0.0.8', 1433),
    wfp('12:00:01', '127.0.0.1', 80),
    wfp('12:00:02', '169.254.10.1', 80),
    wfp('12:00:03', '100.64.1.1', 443),
    wfp('12:00:04', '192.168.1.20', 445),
    wfp('12:00:05', '172.20.0.1', 443),
    wfp('12:00:06', 'fe80::1', 443),
    wfp('12:00:07', 'fd00::5', 443),
    wfp('12:00:08', '::1', 80),
    wfp('12:00:09', '::ffff:192.168.1.5', 443),
    wfp('12:00:10', '203.0.113.50', 443, false), // inbound: a web server's job
    wfp('12:01:00', '203.0.113.50', 443),
    wfp('12:02:00', '198.51.100.7', 4444),
    b.sysmon3('12:02:00', { pid: 1488, guid: '{AAAAAAAA-0000-0000-0000-000000000001}', image: W3WP, initiated: true, source: '10.0.0.5', sourcePort: 50444, dest: '198.51.100.7', destPort: 4444 }),
    b.sysmon3('12:03:00', { pid: 1488, guid: '{AAAAAAAA-0000-0000-0000-000000000001}', image: W3WP, initiated: true, source: '2001:db8::5', sourcePort: 50445, dest: '2606:4700::1111', destPort: 8443 }),
  ]);
  const found = hunt(events);
  assert.deepEqual(found.map((d) => [d.time.slice(11, 19), d.ruleTitle, d.target]), [
    ['12:01:00', OUT_WEB, 'security:5156'],
    ['12:02:00', OUT_CONFIRMED, 'correlation'],
    ['12:02:00', OUT_PORT, 'security:5156'],
    ['12:02:00', OUT_PORT, 'sysmon:3'],
    ['12:03:00', OUT_PORT, 'sysmon:3'],
  ]);
  assert.equal(found[0].level, 'medium');
  assert.equal(found[2].level, 'high');
  assert.equal(found[1].level, 'critical');
  assert.match(String(found[0].fields.Image), /\\w3wp\.exe$/i);
});

test('the allowlist silences what it names, reports bad entries by line, and keeps the rest', async () => {
  const b = new WindowsEvents('WEB01', '2024-05-01');
  const { events } = await throughEvtx('iis-allow', [
    b.sec5156('13:00:00', { pid: 1488, application: W3WP_DEVICE, outbound: true, source: '10.0.0.5', sourcePort: 50001, dest: '203.0.113.50', destPort: 443 }),
    b.sec5156('13:00:01', { pid: 1488, application: W3WP_DEVICE, outbound: true, source: '10.0.0.5', sourcePort: 50002, dest: '198.51.100.7', destPort: 1433 }),
    b.sec5156('13:00:02', { pid: 1488, application: W3WP_DEVICE, outbound: true, source: '10.0.0.5', sourcePort: 50003, dest: '192.0.2.1', destPort: 8080 }),
    b.sec4688('13:01:00', '0x120', 'C:\\Program Files\\wkhtmltopdf\\bin\\wkhtmltopdf.exe', '0x5d0', W3WP),
    b.sec4688('13:02:00', '0x124', 'C:\\Windows\\System32\\cmd.exe', '0x5d0', W3WP, 'cmd.exe /c "C:\\inetpub\\scripts\\rotate-logs.cmd"'),
    b.sec4688('13:03:00', '0x128', 'C:\\Windows\\System32\\cmd.exe', '0x5d0', W3WP, 'cmd.exe /c whoami'),
  ]);
  assert.equal(hunt(events).length, 6, 'without an allowlist every event alerts');
  const dir = mkdtempSync(join(tmpdir(), 'haetae-allow-'));
  const file = join(dir, 'allow.yml');
  writeFileSync(file, [
    'destinations:',
    '  - 203.0.113.0/24',
    '  - 10.0.0.0/33',
    'ports: [1433]',
    'child_images:',
    "  - '\\wkhtmltopdf.exe'",
    'command_lines:',
    "  - 'cmd.exe /c \"C:\\inetpub\\scripts\\*.cmd\"'",
  ].join('\n'));
  const { problems } = selectRuleSources({ packs: ['iis-webshell'], rules: [], allowlist: file });
  assert.deepEqual(problems.map((p) => [p.line, p.message]), [[3, "'10.0.0.0/33' is not a CIDR range (address/prefix-length)"]]);
  const { sources } = selectRuleSources({ packs: ['iis-webshell'], rules: [], allowlist: file });
  const tracker = new ProcessTracker();
  const set = RuleSet.load(sources, { tracker });
  const h = new Hunt(set);
  const stage = new MatchStage(set, tracker);
  for (const e of events) stage.observe(e, 'allow.evtx', (hit) => h.add(hit));
  assert.deepEqual([...h.finish().detections].map((d) => [d.time.slice(11, 19), d.ruleTitle]), [
    ['13:00:02', OUT_PORT],
    ['13:03:00', SHELL],
  ]);
});

async function decodeAll(file: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const batch of decodeFile(file)) out.push(...batch.events);
  return out;
}

test('corpus: the typical IIS webshell trace is detected (w3wp → cmd /c net user)', async () => {
  const file = requireShared(join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Lateral Movement', 'LM_typical_IIS_webshell_sysmon_1_10_traces.evtx'));
  const found = hunt(await decodeAll(file));
  assert.deepEqual(titles(found), [SHELL]);
  assert.match(String(found[0].fields.CommandLine), /cmd\.exe" \/c net user/);
  assert.deepEqual(found[0].chain.map((p) => p.split('\\').pop()), ['w3wp.exe', 'cmd.exe']);
});

test('corpus: over every EVTX file, outbound detections only name public destinations', async () => {
  const { set, tracker } = packRuleSet();
  const h = new Hunt(set);
  const stage = new MatchStage(set, tracker);
  for (const file of listFiles(join(corpusRoot, 'evtx'), /\.evtx$/)) {
    for await (const batch of decodeFile(file, { render: false })) for (const e of batch.events) stage.observe(e, file, (hit) => h.add(hit));
  }
  const found = [...h.finish().detections];
  assert.ok(found.some((d) => d.ruleTitle === SHELL), 'the webshell samples are found');
  for (const d of found.filter((x) => x.ruleTitle === OUT_WEB || x.ruleTitle === OUT_PORT)) {
    assert.equal(classifyIp(String(d.fields.DestinationIp)), 'public', JSON.stringify(d));
  }
  console.log(`iis-webshell over the corpus: ${found.length} detections (${[...new Set(titles(found))].join('; ')})`);
});
