import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_SUBCATEGORIES, auditCommands } from './audit-commands.js';
import { checkPowerShell } from './powershell-check.js';

// Subcategory GUIDs as Microsoft publishes them (Ntsecapi.h's Audit_DetailedTracking_ProcessCreation
// = 0x0CCE922B, …_ProcessTermination = 0x0CCE922C, Audit_ObjectAccess_FirewallConnection =
// 0x0CCE9226; the WFP "Auditing" page lists Filtering Platform Connection with the same GUID).
const EXPECTED = [
  { name: 'Process Creation', guid: '{0CCE922B-69AE-11D9-BED3-505054503030}', flags: '/success:enable' },
  { name: 'Process Termination', guid: '{0CCE922C-69AE-11D9-BED3-505054503030}', flags: '/success:enable' },
  { name: 'Filtering Platform Connection', guid: '{0CCE9226-69AE-11D9-BED3-505054503030}', flags: '/success:enable /failure:enable' },
];

const text = auditCommands();
const cmd = auditCommands({ format: 'cmd', sysmonConfig: 'sysmon-iis.xml' });
const ps1 = auditCommands({ format: 'ps1', sysmonConfig: "web server's config.xml" });

test('audit-commands: subcategory names and GUIDs are the published ones', () => {
  assert.deepEqual(Object.values(AUDIT_SUBCATEGORIES).map((s) => ({ name: s.name, guid: s.guid })), EXPECTED.map(({ name, guid }) => ({ name, guid })));
});

test('audit-commands text: auditpol lines by name and by GUID, with the right success/failure flags', () => {
  for (const { name, guid, flags } of EXPECTED) {
    assert.ok(text.includes(`auditpol /set /subcategory:"${name}" ${flags}\n`), `${name} by name`);
    assert.ok(text.includes(`auditpol /set /subcategory:"${guid}" ${flags}    (by GUID)`), `${name} by GUID`);
    assert.ok(text.includes(`auditpol /get /subcategory:"${name}"`), `${name} verified by name`);
    assert.ok(text.includes(`auditpol /get /subcategory:"${guid}"`), `${name} verified by GUID`);
  }
  // 5156 = success = permitted, 5157 = failure = blocked, and the volume warning.
  assert.match(text, /Success = 5156, a connection the Windows Filtering Platform permitted; failure = 5157, one it\n\s+blocked/);
  assert.match(text, /VOLUME: 5156 is written for every permitted connection/);
});

test('audit-commands text: command-line policy (registry and GPO), the subcategory override, Sysmon lines', () => {
  assert.ok(text.includes('reg add "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit" /v ProcessCreationIncludeCmdLine_Enabled /t REG_DWORD /d 1 /f'));
  assert.ok(text.includes('GPO: Computer Configuration > Administrative Templates > System > Audit Process Creation > Include command line in process creation events'));
  assert.ok(text.includes('reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit" /v ProcessCreationIncludeCmdLine_Enabled'));
  assert.match(text.replace(/\n\s+/g, ' '), /"Audit: Force audit policy subcategory settings \(Windows Vista or later\) to override audit policy category settings" must be Enabled/);
  assert.ok(text.includes('reg add "HKLM\\System\\CurrentControlSet\\Control\\Lsa" /v SCENoApplyLegacyAuditPolicy /t REG_DWORD /d 1 /f'));
  // The override comes first: set after the subcategories, a legacy category policy may already have replaced them.
  assert.ok(text.indexOf('SCENoApplyLegacyAuditPolicy') < text.indexOf('auditpol /set'));
  assert.ok(text.includes('sysmon64 -accepteula -i config.xml\n'));
  assert.ok(text.includes('sysmon64 -c config.xml\n'));
  assert.ok(auditCommands({ sysmonConfig: 'C:\\Sysmon Configs\\iis.xml' }).includes('sysmon64 -c "C:\\Sysmon Configs\\iis.xml"'));
});

test('audit-commands --format cmd: a batch file cmd.exe reads as meant', () => {
  assert.ok(cmd.startsWith('@echo off\r\n'));
  assert.doesNotMatch(cmd.replace(/\r\n/g, ''), /[\r\n]/, 'CRLF line ends only');
  const lines = cmd.split('\r\n');
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${line}`;
    // REM lines: cmd.exe still expands % there and some parsers trip on redirection characters.
    if (/^REM\b/.test(line)) { assert.doesNotMatch(line.slice(4), /[%&|<>^]/, where); continue; }
    // Every % is a variable reference the script sets, or %~dp0.
    for (const m of line.matchAll(/%([^%\s]*)%|%~dp0|%/g)) {
      assert.ok(m[0] === '%~dp0' || (m[1] !== undefined && ['SYSMON', 'CONFIG', 'FAILED'].includes(m[1])), `${where}: stray %`);
    }
    // Parentheses balance outside quotes (an unbalanced one swallows or ends a block).
    let depth = 0;
    for (const part of line.split('"').filter((_, j) => j % 2 === 0)) for (const c of part) depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    assert.equal(depth, 0, where);
    assert.equal(line.split('"').length % 2, 1, `${where}: unbalanced quotes`);
  }
  // Subcategories are set by GUID only: names fail on a Korean (any non-English) Windows.
  for (const { name, guid, flags } of EXPECTED) {
    assert.ok(cmd.includes(`auditpol /set /subcategory:"${guid}" ${flags} || (echo FAILED: `), `${name} set by GUID, failure counted`);
    assert.ok(!cmd.includes(`/subcategory:"${name}"`), `${name} not set by name`);
  }
  assert.ok(cmd.includes('set "CONFIG=%~dp0sysmon-iis.xml"'));
  assert.ok(cmd.includes('"%SYSMON%" -accepteula -i "%CONFIG%"') && cmd.includes('"%SYSMON%" -c "%CONFIG%"'));
  assert.ok(cmd.includes('REM wevtutil sl Security /ms:1073741824'), 'the log size change is left to the admin');
  assert.ok(cmd.endsWith('exit /b %FAILED%\r\n'));
});

test('audit-commands --format ps1: passes the PowerShell 5.1 static checks and sets subcategories by GUID', () => {
  assert.deepEqual(checkPowerShell(ps1, ['Write-Warning', 'Join-Path', 'Test-Path', 'Get-Service']), []);
  assert.ok(ps1.startsWith('#Requires -RunAsAdministrator\n'));
  for (const { guid, flags } of EXPECTED) {
    // Single quotes: an unquoted {GUID} would be a PowerShell script block.
    assert.ok(ps1.includes(`{ auditpol /set '/subcategory:${guid}' ${flags} }`), guid);
    assert.ok(ps1.includes(`auditpol /get '/subcategory:${guid}'`), guid);
  }
  assert.ok(ps1.includes("[string]$SysmonConfig = 'web server''s config.xml'"));
  assert.match(ps1, /^[\t\n\x20-\x7e]*$/, 'ASCII only');
});

test('audit-commands: unknown formats and unusable config paths are refused', () => {
  assert.throws(() => auditCommands({ format: 'bash' as never }), /unknown audit-commands format 'bash'/);
  assert.throws(() => auditCommands({ sysmonConfig: 'a"b.xml' }), /unusable Sysmon configuration path/);
  assert.throws(() => auditCommands({ sysmonConfig: '%TEMP%\\x.xml' }), /unusable Sysmon configuration path/);
});
