/** `haetae sysmon audit-commands` and `verify-script` from the command line. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { auditCommands } from '../sysmon/audit-commands.js';
import { verifyScript } from '../sysmon/verify-script.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-sysmon-scripts-'));

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('haetae sysmon audit-commands / verify-script', () => {
  it('prints the audit settings in each format', () => {
    for (const format of ['text', 'cmd', 'ps1'] as const) {
      const r = haetae('sysmon', 'audit-commands', '--format', format, '--config', 'iis.xml');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, auditCommands({ format, sysmonConfig: 'iis.xml' }));
      assert.match(r.stdout, /0CCE922B-69AE-11D9-BED3-505054503030/);
    }
    assert.equal(haetae('sysmon', 'audit-commands', '--format', 'bat').code, 2);
    assert.equal(haetae('sysmon', 'audit-commands', '--help').code, 0);
  });

  it('writes the verification script, with an allowlist, and refuses a bad one naming its line', () => {
    const allow = join(dir, 'allow.yml');
    writeFileSync(allow, 'destinations: [203.0.113.10]\n');
    const out = join(dir, 'verify.ps1');
    const r = haetae('sysmon', 'verify-script', '--profile', 'iis-webshell', '--hours', '48', '--allow', allow, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    const script = readFileSync(out, 'utf8');
    assert.match(script, /203\.0\.113\.10/);
    assert.notEqual(script, verifyScript({ hours: 48 }), 'the allowlist is in the script');
    writeFileSync(allow, 'destinations:\n  - 10.0.0.0/99\n');
    const bad = haetae('sysmon', 'verify-script', '--allow', allow);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /allow\.yml:2: '10\.0\.0\.0\/99'/);
    assert.equal(haetae('sysmon', 'verify-script', '--profile', 'exchange').code, 2);
  });
});
