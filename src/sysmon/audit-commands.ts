/**
 * What `haetae sysmon audit-commands` prints: the Windows settings the iis-webshell profile
 * needs besides Sysmon itself — Security auditing of process creation (4688, with command
 * lines), process termination (4689) and Filtering Platform connections (5156/5157) — as
 * text to read, or as a `.cmd` or `.ps1` script that applies them.
 *
 * Facts: `shared/specs/windows-events.md` §3 (the events), Microsoft's auditpol, WFP
 * auditing and AuditSettings.admx documentation (subcategory GUIDs, the command-line
 * policy's registry value), MS-GPSB (SCENoApplyLegacyAuditPolicy).
 */
import { powerShellString } from './verify-script.js';

/** An advanced audit policy subcategory, by its English name and its language-neutral GUID. */
export interface AuditSubcategory {
  /** The name auditpol accepts on an English Windows only: names are translated (a Korean server has its own). */
  readonly name: string;
  /** The subcategory GUID: auditpol accepts it on every display language. */
  readonly guid: string;
  /** Where it sits under Advanced Audit Policy Configuration > Audit Policies. */
  readonly category: string;
  /** The events it turns on that Haetae reads. */
  readonly events: string;
  readonly success: boolean;
  readonly failure: boolean;
}

/**
 * The three subcategories the iis-webshell profile relies on. GUIDs from Ntsecapi.h
 * (`Audit_DetailedTracking_ProcessCreation`, `…_ProcessTermination`,
 * `Audit_ObjectAccess_FirewallConnection`) and Microsoft's WFP auditing page.
 *
 * @example
 * AUDIT_SUBCATEGORIES.processCreation.guid // '{0CCE922B-69AE-11D9-BED3-505054503030}'
 */
export const AUDIT_SUBCATEGORIES = {
  processCreation: {
    name: 'Process Creation', guid: '{0CCE922B-69AE-11D9-BED3-505054503030}', category: 'Detailed Tracking',
    events: '4688 (a new process has been created)', success: true, failure: false,
  },
  processTermination: {
    name: 'Process Termination', guid: '{0CCE922C-69AE-11D9-BED3-505054503030}', category: 'Detailed Tracking',
    events: '4689 (a process has exited)', success: true, failure: false,
  },
  filteringPlatformConnection: {
    name: 'Filtering Platform Connection', guid: '{0CCE9226-69AE-11D9-BED3-505054503030}', category: 'Object Access',
    events: '5156 (connection permitted: success), 5157 (connection blocked: failure); also 5154/5155 listen and 5158/5159 bind',
    success: true, failure: true,
  },
} as const satisfies Record<string, AuditSubcategory>;

/** The registry value behind "Include command line in process creation events" (AuditSettings.admx). */
export const COMMAND_LINE_POLICY = {
  key: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\Audit',
  value: 'ProcessCreationIncludeCmdLine_Enabled',
  gpo: ['Computer Configuration', 'Administrative Templates', 'System', 'Audit Process Creation', 'Include command line in process creation events'],
} as const;

/** The registry value behind "Audit: Force audit policy subcategory settings … to override audit policy category settings". */
export const FORCE_SUBCATEGORY_POLICY = {
  key: 'HKLM\\System\\CurrentControlSet\\Control\\Lsa',
  value: 'SCENoApplyLegacyAuditPolicy',
  title: 'Audit: Force audit policy subcategory settings (Windows Vista or later) to override audit policy category settings',
  gpo: ['Computer Configuration', 'Windows Settings', 'Security Settings', 'Local Policies', 'Security Options'],
} as const;

/** The output forms of `haetae sysmon audit-commands --format`. */
export const AUDIT_COMMAND_FORMATS = ['text', 'cmd', 'ps1'] as const;
/** `text` to read, `cmd` for a batch file, `ps1` for Windows PowerShell 5.1 and later. */
export type AuditCommandsFormat = (typeof AUDIT_COMMAND_FORMATS)[number];

/** Options of {@link auditCommands}. */
export interface AuditCommandsOptions {
  /** Default `text`. */
  readonly format?: AuditCommandsFormat;
  /** The Sysmon configuration file the install/update lines name; default `config.xml`. */
  readonly sysmonConfig?: string;
}

/** One command of a step: what it runs and, for text, an optional name-based twin. */
interface Command {
  /** The command as cmd.exe and PowerShell both run it (GUIDs, not translated names). */
  readonly line: string;
  /** The same by English subcategory name, shown in text (it reads better, and the guide uses names). */
  readonly byName?: string;
  /**
   * The PowerShell spelling when it differs: `'/subcategory:{GUID}'` in single quotes, so
   * the braces cannot start a script block. PowerShell passes it without the quotes, which
   * is the command line cmd.exe passes for `/subcategory:"{GUID}"`.
   */
  readonly ps?: string;
  /** Said after the command in text. */
  readonly note?: string;
}

/** One setting: why, where in Group Policy, and the commands that apply it. */
interface Step {
  /** `setting` applies something; `sysmon` installs or updates Sysmon; `verify` only reads. */
  readonly kind: 'setting' | 'sysmon' | 'verify';
  readonly title: string;
  readonly why: readonly string[];
  readonly gpo?: readonly string[];
  readonly commands: readonly Command[];
  /** Commands printed (text) or left commented out (scripts): choices the admin makes. */
  readonly optional?: readonly Command[];
}

function auditpolSet(s: AuditSubcategory): Command {
  const flags = `/success:${s.success ? 'enable' : 'disable'}${s.failure ? ' /failure:enable' : ''}`;
  return { line: `auditpol /set /subcategory:"${s.guid}" ${flags}`, byName: `auditpol /set /subcategory:"${s.name}" ${flags}`, ps: `auditpol /set '/subcategory:${s.guid}' ${flags}` };
}

function auditpolGet(s: AuditSubcategory): Command {
  return { line: `auditpol /get /subcategory:"${s.guid}"`, byName: `auditpol /get /subcategory:"${s.name}"`, ps: `auditpol /get '/subcategory:${s.guid}'` };
}

function regAddDword(key: string, value: string): Command {
  return { line: `reg add "${key}" /v ${value} /t REG_DWORD /d 1 /f` };
}

function regQuery(key: string, value: string): Command {
  return { line: `reg query "${key}" /v ${value}` };
}

const ADVANCED_AUDIT_GPO = ['Computer Configuration', 'Policies', 'Windows Settings', 'Security Settings', 'Advanced Audit Policy Configuration', 'Audit Policies'];

/** A step that turns on an advanced audit subcategory. */
function subcategoryStep(s: AuditSubcategory, title: string, why: readonly string[], optional?: readonly Command[]): Step {
  return {
    kind: 'setting', title, why: [`Logs ${s.events}.`, ...why],
    gpo: [...ADVANCED_AUDIT_GPO, s.category, `Audit ${s.name}`], commands: [auditpolSet(s)], optional,
  };
}

/** The settings in the order they must be applied: the override first, or the rest may not hold. */
function auditSteps(): Step[] {
  const { processCreation, processTermination, filteringPlatformConnection: wfp } = AUDIT_SUBCATEGORIES;
  return [
    {
      kind: 'setting',
      title: 'Subcategory settings override category settings',
      why: [
        'The security option "Audit: Force audit policy subcategory settings (Windows Vista or',
        'later) to override audit policy category settings" must be Enabled. Without it, a legacy',
        'category policy ("Audit process tracking", "Audit object access") set locally or by a GPO',
        'replaces the subcategory settings below, and 4688/5156 silently stop or never start.',
      ],
      gpo: [...FORCE_SUBCATEGORY_POLICY.gpo, FORCE_SUBCATEGORY_POLICY.title],
      commands: [regAddDword(FORCE_SUBCATEGORY_POLICY.key, FORCE_SUBCATEGORY_POLICY.value)],
    },
    subcategoryStep(processCreation, 'Process Creation (4688)', [
      'Success only (4688 has no failure events). Since Windows 10 / Server 2016 (event version 2)',
      "4688 carries the parent's path (ParentProcessName, \"Creator Process Name\"), so a w3wp.exe",
      'child is recognised without any PID mapping.',
    ]),
    {
      kind: 'setting',
      title: 'Command lines in 4688',
      why: [
        'Without this policy 4688 has an empty Process Command Line (Windows 8.1 / Server 2012 R2',
        'and later; event version 1+). Anyone who can read the Security log can then read every',
        'command line, passwords typed on command lines included.',
      ],
      gpo: [...COMMAND_LINE_POLICY.gpo],
      commands: [regAddDword(COMMAND_LINE_POLICY.key, COMMAND_LINE_POLICY.value)],
    },
    subcategoryStep(processTermination, 'Process Termination (4689)', [
      'Needed where 4688 has no ParentProcessName (before Windows 10 / Server 2016): the parent',
      'is then found from the creator PID and the processes alive at that time, and 4689 tells',
      'when a w3wp.exe (an application pool recycling) ended. Low volume.',
    ]),
    subcategoryStep(wfp, 'Filtering Platform Connection (5156 permitted, 5157 blocked)', [
      'Success = 5156, a connection the Windows Filtering Platform permitted; failure = 5157, one it',
      'blocked (a reverse shell stopped by the firewall is still worth seeing).',
      'VOLUME: 5156 is written for every permitted connection and bind of every process on the',
      'host, not only w3wp.exe: on a busy web server it can be most of the Security log and make',
      'it roll over, taking the 4688s with it. Enable it deliberately: raise the Security log size',
      '(below) or forward the events; or rely on Sysmon 3 with a filtered config (haetae sysmon',
      'generate) and keep only the blocked ones (/success:disable /failure:enable).',
    ], [{ line: 'wevtutil sl Security /ms:1073741824', note: 'optional: a 1 GiB Security log' }]),
  ];
}

/** The Sysmon lines: install once, update the configuration later, show what is loaded. */
function sysmonSteps(config: string): Step[] {
  return [{
    kind: 'sysmon',
    title: 'Sysmon',
    why: [
      'Install with the configuration (first time), or load a new configuration into the running',
      'Sysmon; "sysmon64 -c" alone prints the configuration Sysmon is using.',
    ],
    commands: [{ line: `sysmon64 -accepteula -i ${quoteIfSpaced(config)}` }, { line: `sysmon64 -c ${quoteIfSpaced(config)}` }],
  }];
}

/** What to run afterwards to see that the settings hold. */
function verifySteps(): Step[] {
  const subs = Object.values(AUDIT_SUBCATEGORIES);
  return [{
    kind: 'verify',
    title: 'Verify',
    why: [
      'Expect "Success" for Process Creation and Process Termination, "Success and Failure" for',
      'Filtering Platform Connection, and 0x1 for both registry values. A domain GPO that sets',
      'Advanced Audit Policy overwrites local auditpol settings at its next refresh: set the same',
      'there. Then check real events: haetae sysmon verify-script --profile iis-webshell.',
    ],
    commands: [
      ...subs.map(auditpolGet),
      regQuery(COMMAND_LINE_POLICY.key, COMMAND_LINE_POLICY.value),
      regQuery(FORCE_SUBCATEGORY_POLICY.key, FORCE_SUBCATEGORY_POLICY.value),
    ],
  }];
}

function quoteIfSpaced(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}

function renderText(steps: readonly Step[]): string {
  const out = [
    'Windows audit settings for the iis-webshell profile (run in an elevated prompt: cmd.exe or PowerShell).',
    'Subcategory names are translated on non-English Windows (e.g. Korean): use the GUID lines there.',
    'Also as a script: haetae sysmon audit-commands --format cmd|ps1',
  ];
  steps.forEach((step, i) => {
    out.push('', `${i + 1}. ${step.title}`, ...step.why.map((l) => `   ${l}`));
    if (step.gpo) out.push(`   GPO: ${step.gpo.join(' > ')}`);
    for (const c of step.commands) {
      if (c.byName) out.push(`     ${c.byName}`, `     ${c.line}    (by GUID)`);
      else out.push(`     ${c.line}`);
    }
    for (const c of step.optional ?? []) out.push(`     ${c.line}    (${c.note ?? 'optional'})`);
  });
  return out.join('\n') + '\n';
}

// cmd.exe expands % and still parses some characters on REM lines: keep comments plain.
function cmdComment(line: string): string {
  return ('REM ' + line.replace(/[%&|<>^]/g, ' ')).trimEnd();
}

function renderCmd(steps: readonly Step[], config: string): string {
  const out = [
    '@echo off',
    'REM Windows audit settings for the iis-webshell profile. Written by: haetae sysmon audit-commands --format cmd',
    'REM Subcategories are set by GUID, which works whatever the display language.',
    'setlocal',
    'net session >nul 2>&1 || (echo Run this from an elevated command prompt. & exit /b 1)',
    'set FAILED=0',
  ];
  for (const step of steps) {
    out.push('', cmdComment(`== ${step.title}`), ...step.why.map(cmdComment));
    if (step.gpo) out.push(cmdComment(`GPO: ${step.gpo.join(' \\ ')}`));
    if (step.kind === 'sysmon') {
      // Install or update, whichever applies; Sysmon64.exe and the config are looked for beside this file.
      out.push(
        'set "SYSMON=%~dp0Sysmon64.exe"',
        'if not exist "%SYSMON%" set "SYSMON=sysmon64"',
        `set "CONFIG=%~dp0${config}"`,
        `if not exist "%CONFIG%" set "CONFIG=${config}"`,
        'sc query Sysmon64 >nul 2>&1',
        'if errorlevel 1 ("%SYSMON%" -accepteula -i "%CONFIG%") else ("%SYSMON%" -c "%CONFIG%")',
        'if errorlevel 1 (echo FAILED: Sysmon install or update & set /a FAILED+=1)',
      );
      continue;
    }
    const check = step.kind === 'verify' ? '' : ` || (echo FAILED: ${cmdEcho(step.title)} & set /a FAILED+=1)`;
    for (const c of step.commands) out.push(c.line + check);
    for (const c of step.optional ?? []) out.push(cmdComment(c.line));
  }
  out.push('', 'if not "%FAILED%"=="0" echo %FAILED% setting(s) failed.', 'exit /b %FAILED%');
  return out.join('\r\n') + '\r\n';
}

function cmdEcho(text: string): string {
  return text.replace(/[%&|<>^()]/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function renderPs1(steps: readonly Step[], config: string): string {
  const out = [
    '#Requires -RunAsAdministrator',
    '# Windows audit settings for the iis-webshell profile. Written by: haetae sysmon audit-commands --format ps1',
    '# Subcategories are set by GUID, which works whatever the display language. Windows PowerShell 5.1 or later.',
    'param(',
    '    # Sysmon64.exe and the configuration; relative paths are looked for beside this script first.',
    "    [string]$SysmonExe = 'Sysmon64.exe',",
    `    [string]$SysmonConfig = ${powerShellString(config)}`,
    ')',
    '$Failed = 0',
    'function Invoke-Setting {',
    '    param([string]$What, [scriptblock]$Command)',
    '    & $Command',
    '    if ($LASTEXITCODE -ne 0) { Write-Warning "FAILED: $What (exit code $LASTEXITCODE)"; $script:Failed++ }',
    '}',
    'function Resolve-Beside {',
    '    param([string]$Path)',
    '    if ([System.IO.Path]::IsPathRooted($Path)) { return $Path }',
    '    $here = Join-Path $PSScriptRoot $Path',
    '    if (Test-Path -LiteralPath $here) { return $here }',
    '    return $Path',
    '}',
  ];
  for (const step of steps) {
    out.push('', `# == ${step.title}`, ...step.why.map((l) => `# ${l}`));
    if (step.gpo) out.push(`# GPO: ${step.gpo.join(' > ')}`);
    if (step.kind === 'sysmon') {
      out.push(
        '$sysmon = Resolve-Beside $SysmonExe',
        '$config = Resolve-Beside $SysmonConfig',
        "if (Get-Service -Name Sysmon64 -ErrorAction SilentlyContinue) {",
        "    Invoke-Setting 'Sysmon configuration update' { & $sysmon -c $config }",
        '} else {',
        "    Invoke-Setting 'Sysmon install' { & $sysmon -accepteula -i $config }",
        '}',
      );
      continue;
    }
    for (const c of step.commands) {
      const line = c.ps ?? c.line;
      out.push(step.kind === 'verify' ? line : `Invoke-Setting ${powerShellString(step.title)} { ${line} }`);
    }
    for (const c of step.optional ?? []) out.push(`# ${c.line}`);
  }
  out.push('', 'if ($Failed -gt 0) { Write-Warning "$Failed setting(s) failed." }', 'exit $Failed');
  return out.join('\n') + '\n';
}

/**
 * The audit settings, Sysmon install/update lines and verification commands, as text or
 * as a script (`cmd`: CRLF batch file; `ps1`: Windows PowerShell 5.1+). Scripts set
 * subcategories by GUID; the text shows the English names and the GUID twins.
 *
 * @example
 * process.stdout.write(auditCommands());                       // to read
 * writeFileSync('audit.cmd', auditCommands({ format: 'cmd', sysmonConfig: 'sysmon-iis.xml' }));
 */
export function auditCommands(options: AuditCommandsOptions = {}): string {
  const format = options.format ?? 'text';
  const config = options.sysmonConfig ?? 'config.xml';
  if (!(AUDIT_COMMAND_FORMATS as readonly string[]).includes(format)) {
    throw new RangeError(`unknown audit-commands format '${format}'; expected ${AUDIT_COMMAND_FORMATS.join(', ')}`);
  }
  // The config name lands in cmd `set "…"` lines and PowerShell strings: refuse what would break out of them.
  if (config === '' || /["%\r\n]/.test(config)) throw new RangeError(`unusable Sysmon configuration path '${config}': it must be non-empty, without ", % or line breaks`);
  const steps = [...auditSteps(), ...sysmonSteps(config), ...verifySteps()];
  if (format === 'cmd') return renderCmd(steps, config);
  if (format === 'ps1') return renderPs1(steps, config);
  return renderText(steps);
}
