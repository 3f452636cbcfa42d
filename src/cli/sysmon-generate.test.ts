/**
 * `haetae sysmon generate` end to end: the config on stdout or -o and the summary on stderr,
 * a merge into a community config, the allowlist's mistakes, usage errors; and the written
 * config run through `haetae sysmon simulate` on plain Sysmon field lines.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseSysmonConfig } from '../sysmon/parse.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-sysmon-gen-'));
const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function swiftOnSecurity(): string {
  const file = sharedSysmonConfigs().find((f) => f.includes('swiftonsecurity'));
  assert.ok(file, 'the SwiftOnSecurity config in ../shared/sysmon-configs');
  return file;
}

describe('haetae sysmon generate', () => {
  it('answers --help and is listed by haetae sysmon --help', () => {
    const help = haetae('sysmon', 'generate', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--merge <file>/);
    assert.match(help.stdout, /--allow <file>/);
    assert.match(haetae('sysmon', '--help').stdout, /generate +write a config for a profile/);
  });

  it('writes a config on its own to stdout, and what it logs to stderr', () => {
    const r = haetae('sysmon', 'generate', '--profile', 'iis-webshell', '--mode', 'focused');
    assert.equal(r.code, 0, r.stderr);
    const { config, problems } = parseSysmonConfig(r.stdout);
    assert.deepEqual(problems, []);
    assert.equal(config.schemaVersion, '4.90');
    assert.match(r.stderr, /^iis-webshell profile, focused mode, schemaversion 4\.90:/);
    assert.match(r.stderr, /NetworkConnect: logs connections w3wp\.exe initiates to public IPv4 and IPv6 addresses/);
    assert.match(r.stderr, /everything else: Sysmon's default/);
  });

  it('merges into SwiftOnSecurity with -o, and says what it changed', () => {
    const out = join(dir, 'merged.xml');
    const r = haetae('sysmon', 'generate', '-p', 'iis-webshell', '--merge', swiftOnSecurity(), '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /schemaversion raised 4\.50 → 4\.70/);
    assert.match(r.stderr, /ProcessCreate exclude block \(line 84\): \d+ exclusion\(s\) now spare w3wp\.exe's children \(lines 86-/);
    assert.match(r.stderr, /ProcessCreate: logs every process w3wp\.exe starts \(no rule needed: the config's only ProcessCreate block is an exclude block/);
    const merged = readFileSync(out, 'utf8');
    assert.match(merged, /sysmon-config \| A Sysmon configuration focused on default high-quality event tracing/, 'the original comments are kept');
    const again = haetae('sysmon', 'generate', '-p', 'iis-webshell', '--merge', out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /merged\.xml: line \d+: the config already has the iis-webshell rules/);
  });

  it('the written config, simulated: w3wp.exe to 10.1.2.3 dropped, to 8.8.8.8 logged, cmd.exe elsewhere still logged', () => {
    const out = join(dir, 'standalone.xml');
    assert.equal(haetae('sysmon', 'generate', '-p', 'iis-webshell', '-o', out).code, 0);
    const events = join(dir, 'events.jsonl');
    writeFileSync(events, [
      { EventID: 3, Image: W3WP, Initiated: 'true', DestinationIp: '10.1.2.3', DestinationPort: 443 },
      { EventID: 3, Image: W3WP, Initiated: 'true', DestinationIp: '8.8.8.8', DestinationPort: 443 },
      { EventID: 3, Image: W3WP, Initiated: 'true', DestinationIp: '2001:4860:4860:0:0:0:0:8888', DestinationPort: 443 },
      { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe' },
      { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: W3WP },
    ].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = haetae('sysmon', 'simulate', '-c', out, events, '--verdicts');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { decision: string }).decision), ['exclude', 'include', 'include', 'include', 'include']);
  });

  it('reports allowlist mistakes with file and line, and writes nothing', () => {
    const allow = join(dir, 'allow.yml');
    writeFileSync(allow, 'destinations:\n  - 52.1.2.3\n  - 10.0.0.0/0\n');
    const out = join(dir, 'never.xml');
    const r = haetae('sysmon', 'generate', '-p', 'iis-webshell', '--allow', allow, '-o', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /allow\.yml:3: '10\.0\.0\.0\/0' is every address/);
    assert.throws(() => readFileSync(out), /ENOENT/);
    writeFileSync(allow, 'destinations:\n  - 52.1.2.3\n');
    const ok = haetae('sysmon', 'generate', '-p', 'iis-webshell', '--allow', allow);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /<Rule name="allowlist: 52\.1\.2\.3" groupRelation="and">/);
    assert.match(ok.stderr, /NetworkConnect: 1 allowlist exclusion\(s\) for w3wp\.exe added in a new exclude block/);
  });

  it('explains usage mistakes', () => {
    const cases: [string[], RegExp][] = [
      [[], /--profile is required \(one of iis-webshell\)/],
      [['-p', 'exchange'], /--profile must be one of iis-webshell; got 'exchange'/],
      [['-p', 'iis-webshell', '--mode', 'all'], /--mode must be one of broad, focused; got 'all'/],
      [['-p', 'iis-webshell', '--schema', 'new'], /--schema must be a version number such as 4\.90; got 'new'/],
      [['-p', 'iis-webshell', '--merge', join(dir, 'missing.xml')], /cannot read .*missing\.xml: ENOENT/],
      [['-p', 'iis-webshell', '--allow', join(dir, 'missing.yml')], /cannot read .*missing\.yml: ENOENT/],
      [['-p', 'iis-webshell', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      const r = haetae('sysmon', 'generate', ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
    const old = haetae('sysmon', 'generate', '-p', 'iis-webshell', '--schema', '4.10');
    assert.equal(old.code, 1);
    assert.match(old.stderr, /needs schemaversion 4\.22 or later/);
  });
});
