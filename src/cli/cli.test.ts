import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvtxWriter } from '../evtx/index.js';
import { eventToXml, renderLine, type Event } from '../event/index.js';
import { demoEvents } from '../demo/index.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-cli-'));

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fixture(name: string, count: number): { path: string; events: Event[] } {
  const events = demoEvents({ count, seed: 42 });
  const path = join(dir, name);
  const w = new EvtxWriter(path);
  for (const e of events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  return { path, events };
}

test('every command answers --help', () => {
  for (const args of [['--help'], ['dump', '--help'], ['export', '--help']]) {
    const r = haetae(...args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: haetae/);
  }
  const bad = haetae('dump', '--format', 'yaml', 'x.evtx');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of jsonl, xml, evtx-json, ecs, csv; got 'yaml'/);
  assert.equal(haetae('frobnicate').code, 2);
});

test('dump prints Events, Windows XML and evtx_dump JSON, in order with any thread count', () => {
  const { path, events } = fixture('dump.evtx', 500);
  const one = haetae('dump', '-t', '1', path);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(one.stdout.trim().split('\n').map((l) => JSON.parse(l)), events.map((e) => ({ ...e, line: renderLine(e) })));
  const two = haetae('dump', '-t', '2', path);
  assert.equal(two.stdout, one.stdout);
  const xml = haetae('dump', '-f', 'xml', path).stdout.trim().split('\n');
  assert.equal(xml.length, 500);
  assert.match(xml[10], /^<Event xmlns='http:\/\/schemas.microsoft.com\/win\/2004\/08\/events\/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='\{5770385F-C22A-43E0-BF4C-06F5698FFBD9\}'\/><EventID>1<\/EventID>/);
  assert.match(xml[10], /<Data Name='ParentImage'>C:\\Windows\\System32\\inetsrv\\w3wp.exe<\/Data>/);
  const json = haetae('dump', '-f', 'evtx-json', path).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(json[10].Event.System.Provider['#attributes'].Guid, '5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  assert.equal(json[10].Event.EventData.ParentProcessId, 4120);
});

test('a corrupt chunk is reported with file, chunk and offset; the run goes on', () => {
  const { path } = fixture('corrupt.evtx', 2000);
  const bytes = readFileSync(path);
  bytes.fill(0x5a, 4096 + 65536, 4096 + 2 * 65536); // chunk 1 is garbage
  const bad = join(dir, 'corrupt-chunk.evtx');
  writeFileSync(bad, bytes);
  const r = haetae('dump', bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`corrupt-chunk\\.evtx: chunk 1, offset 0x11000: error: chunk signature ElfChnk missing; chunk skipped`));
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length > 1500 && lines.length < 2000, `${lines.length} events from the intact chunks`);
  assert.equal(haetae('dump', '--skip-errors', '-q', bad).code, 0);
  const missing = haetae('dump', join(dir, 'nope.evtx'), bad);
  assert.match(missing.stderr, /nope\.evtx: no such file or folder/);
});

test('dump walks folders; export writes an EVTX that dumps to the same events', () => {
  const folder = requireShared(join(corpusRoot, 'evtx', 'DeepBlueCLI'));
  const direct = haetae('dump', folder);
  assert.equal(direct.code, 0, direct.stderr);
  const out = join(dir, 'exported.evtx');
  const exp = haetae('export', '--format', 'evtx', '-o', out, folder);
  assert.equal(exp.code, 0, exp.stderr);
  assert.equal(haetae('dump', out).stdout, direct.stdout);
  assert.equal(haetae('export', '-f', 'evtx', folder).code, 2, 'evtx export without -o is a usage error');
});

test('dump and export convert between every format: NXLog → XML → CSV/ECS, EVTX via export', () => {
  const nxlog = join(requireShared(join(corpusRoot, 'json')), 'psh_lsass_memory_dump_comsvcs.json.gz');
  const xml = join(dir, 'psh.xml');
  const toXml = haetae('dump', nxlog, '-f', 'xml', '-o', xml);
  assert.equal(toXml.code, 0, toXml.stderr);
  const original = haetae('dump', nxlog).stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
  const back = haetae('dump', xml).stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
  assert.equal(back.length, 184);
  assert.deepEqual(back.map((e) => [e.event_id, e.line]), original.map((e) => [e.event_id, e.line]));
  const csv = haetae('dump', xml, '-f', 'csv').stdout.split('\r\n')[0].split('\n')[0];
  assert.equal(csv, '_time,host,channel,provider,event_id,record_id,level,task,opcode,keywords,process_id,thread_id,user_sid,data,line');
  const ecs = JSON.parse(haetae('dump', xml, '-f', 'ecs').stdout.split('\n')[0]) as { winlog: { event_id: string } };
  assert.equal(ecs.winlog.event_id, String(original[0].event_id));
  const evtx = join(dir, 'psh.evtx');
  assert.equal(haetae('export', '-f', 'evtx', '-o', evtx, xml).code, 0);
  assert.equal(haetae('dump', evtx).stdout.trim().split('\n').length, 184);
  const bad = haetae('dump', xml, '--input-format', 'yaml');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /input-format/);
});

test('haetae hunt: the webshell sample gives a detection line with the chain; bad files are reported and skipped; exit 0', () => {
  const sample = requireShared(join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Lateral Movement', 'LM_typical_IIS_webshell_sysmon_1_10_traces.evtx'));
  const bad = join(dir, 'truncated.evtx');
  writeFileSync(bad, readFileSync(sample).subarray(0, 5000));
  const r = haetae('hunt', sample, bad, '-f', 'jsonl', '-t', '1');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; level: string; chain: string[]; host: string; record_id: number });
  assert.deepEqual(lines.map((l) => [l.rule, l.level, l.host]), [['IIS Worker Process Spawned a Shell, Script Host or LOLBin', 'high', 'IEWIN7']]);
  assert.deepEqual(lines[0].chain.map((p) => p.split('\\').pop()), ['w3wp.exe', 'cmd.exe']);
  assert.match(r.stderr, /truncated\.evtx/, 'the bad file is named');
  assert.match(r.stderr, /Summary: 2 file\(s\)/);
  assert.match(r.stderr, /Rules: 6 loaded, 0 dormant/);
  const table = haetae('hunt', sample, '-q');
  assert.equal(table.code, 0);
  assert.match(table.stdout, /HIGH\s+IIS Worker Process Spawned a Shell/);
  assert.match(table.stdout, /chain: w3wp\.exe > cmd\.exe/);
  assert.equal(table.stderr, '');
});

test('haetae hunt: usage errors exit 2; --show-allowlist prints the generated Sigma filters', () => {
  assert.equal(haetae('hunt').code, 2);
  assert.equal(haetae('hunt', 'x.evtx', '--min-level', 'loud').code, 2);
  assert.equal(haetae('hunt', join(dir, 'no-such-folder')).code, 2);
  const allow = join(dir, 'allow.yml');
  writeFileSync(allow, 'destinations: [203.0.113.7, "*.example.com"]\nports: [1433]\n');
  const r = haetae('hunt', '--show-allowlist', '--allowlist', allow);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /DestinationIp\|cidr:\n\s+- 203\.0\.113\.7\/32/);
  assert.match(r.stdout, /DestinationHostname:\n\s+- "\*\.example\.com"/);
  assert.match(r.stdout, /haetae_iis_w3wp_outbound_web/);
});
