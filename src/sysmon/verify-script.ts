/**
 * `haetae sysmon verify-script`: writes a Windows PowerShell script that checks a web
 * server's own logs for what IIS worker processes (w3wp.exe) did — child processes
 * (Sysmon 1, Security 4688) and outbound connections to public addresses (Sysmon 3,
 * Security 5156/5157) — the way `shared/specs/windows-events.md` says they must be read,
 * where a widely shared guide reads them wrongly:
 *
 * - events selected by ID in the query (FilterHashtable / FilterXPath), fields read from
 *   the event XML by name, never by regexes over the rendered, localised message;
 * - 5156's destination is `DestAddress` (there is no `DstIP=`), outbound is `%%14593`,
 *   Application an NT device path;
 * - "private" is range math on address bytes (IPv4, IPv6, IPv4-mapped), not a string
 *   prefix or a CIDR compared as text;
 * - a 4688's parent is `ParentProcessName` (event version 2), else the process that held
 *   the creator PID *at the event's time*, never the w3wp.exe PIDs running now.
 *
 * The private-range table is data (`NON_PUBLIC_RANGES` of ranges.ts) rendered into the script, so
 * tests can check the script's ranges against {@link classifyIp} without PowerShell.
 */
import type { Allowlist } from '../detect/index.js';
import { ipAddressBytes } from '../event/index.js';
import { NON_PUBLIC_RANGES } from './ranges.js';

/** Profiles `verify-script` knows. */
export const VERIFY_PROFILES = ['iis-webshell'] as const;
/** A `verify-script --profile` value. */
export type VerifyProfile = (typeof VERIFY_PROFILES)[number];


/** Options of {@link verifyScript}. */
export interface VerifyScriptOptions {
  /** Default `iis-webshell`, the only one so far. */
  readonly profile?: VerifyProfile;
  /** The script's default `-Hours` (how far back it looks); default 24. */
  readonly hours?: number;
  /** The iis-webshell allowlist (`parseAllowlist` of detect), whose matches the script sets aside. */
  readonly allowlist?: Allowlist;
  /** The allowlist's file name, named in the script's header. */
  readonly allowlistFile?: string;
}

/**
 * A PowerShell expression for `text` that survives Windows PowerShell 5.1 reading the
 * script in the ANSI code page (a .ps1 without BOM is not read as UTF-8): ASCII runs are
 * single-quoted (quotes doubled, including the typographic ones PowerShell also treats
 * as quotes), other UTF-16 code units become `[char]0xNNNN`, joined with `+`.
 *
 * @example
 * powerShellString("it's")     // "'it''s'"
 * powerShellString('C:\\웹')    // "('C:\\' + [char]0xC6F9)"
 */
export function powerShellString(text: string): string {
  const parts: string[] = [];
  let ascii = '';
  for (const ch of text.split('')) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f) { ascii += ch; continue; }
    if (ascii !== '') { parts.push(`'${ascii.replace(/'/g, "''")}'`); ascii = ''; }
    parts.push(`[char]0x${code.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  if (ascii !== '' || parts.length === 0) parts.push(`'${ascii.replace(/'/g, "''")}'`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' + ')})`;
}

/** An allowlist pattern (`*` wildcard, everything else literal) as a PowerShell `-like` pattern. */
function likePattern(pattern: string): string {
  return pattern.replace(/[`[\]?]/g, (c) => '`' + c);
}

/** An allowlist address or CIDR as a CIDR; IPv4-mapped IPv6 ranges become IPv4 ones, as the script unwraps them. */
function allowCidr(entry: string): string {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const bytes = ipAddressBytes(address);
  if (bytes === null) throw new RangeError(`allowlist destination '${entry}' is not an address or CIDR range`);
  let bits = slash < 0 ? bytes.length * 8 : Number(entry.slice(slash + 1));
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped && bits >= 96) {
    bits -= 96;
    return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}/${bits}`;
  }
  return `${address}/${bits}`;
}

/** A PowerShell array literal, one element per line (inside `@( )` each line is an element: no commas). */
function psArray(items: readonly string[]): string {
  if (items.length === 0) return '@()';
  return `@(\n${items.map((s) => `    ${s}`).join('\n')}\n)`;
}

function rangeTable(): string {
  const width = Math.max(...NON_PUBLIC_RANGES.map((r) => r.cidr.length));
  return psArray(NON_PUBLIC_RANGES.map((r) => {
    const pad = ' '.repeat(width - r.cidr.length);
    return `@{ Cidr = ${powerShellString(r.cidr)};${pad} Class = ${powerShellString(r.class)} }  # ${r.why}`;
  }));
}

function allowlistBlock(a: Allowlist | undefined): string {
  const none: Allowlist = { ips: [], cidrs: [], hostnames: [], ports: [], childImages: [], commandLines: [] };
  const allow = a ?? none;
  const cidrs = [...allow.ips, ...allow.cidrs].map(allowCidr);
  return [
    `$AllowDestinations = ${psArray(cidrs.map(powerShellString))}`,
    `$AllowHostnames = ${psArray(allow.hostnames.map((h) => powerShellString(likePattern(h))))}`,
    `$AllowPorts = ${psArray(allow.ports.map(String))}`,
    `$AllowChildImages = ${psArray(allow.childImages.map(powerShellString))}`,
    `$AllowCommandLines = ${psArray(allow.commandLines.map((c) => powerShellString(likePattern(c))))}`,
  ].join('\n');
}

/**
 * The PowerShell verification script for a profile. Windows PowerShell 5.1 compatible,
 * ASCII only, read-only on the server. Its output: one object per finding (time, log,
 * event id, host, image, parent and how the parent was determined, destination, …) on
 * the pipeline, and a summary (events read, setup problems, counts) on the host.
 *
 * @example
 * writeFileSync('verify-iis.ps1', verifyScript({ profile: 'iis-webshell', hours: 72 }));
 * // on the server: .\verify-iis.ps1 -Hours 24 | Export-Csv findings.csv -NoTypeInformation
 */
export function verifyScript(options: VerifyScriptOptions = {}): string {
  const profile = options.profile ?? 'iis-webshell';
  if (!(VERIFY_PROFILES as readonly string[]).includes(profile)) {
    throw new RangeError(`unknown verify-script profile '${profile}'; expected ${VERIFY_PROFILES.join(', ')}`);
  }
  const hours = options.hours ?? 24;
  if (!Number.isInteger(hours) || hours < 1 || hours > 87600) throw new RangeError(`--hours must be a whole number from 1 to 87600, not ${hours}`);
  const command = `haetae sysmon verify-script --profile ${profile} --hours ${hours}` + (options.allowlistFile ? ` --allow ${options.allowlistFile}` : '');
  const script = iisWebshellScript(hours, rangeTable(), allowlistBlock(options.allowlist), command);
  // Windows PowerShell 5.1 reads a .ps1 without BOM in the ANSI code page: keep it ASCII.
  const nonAscii = /[^\t\n\x20-\x7e]/.exec(script);
  if (nonAscii) throw new Error(`internal: verify script has a non-ASCII character U+${nonAscii[0].charCodeAt(0).toString(16)} at offset ${nonAscii.index}`);
  return script;
}

/*
 * The script. String.raw keeps PowerShell's backslashes; the script has no backticks
 * and no `${`, so nothing but the marked holes is interpolated.
 */
function iisWebshellScript(hours: number, ranges: string, allowlist: string, command: string): string {
  // The command goes into a <# #> comment: no line breaks, no non-ASCII, no closing '#>'.
  const header = command.replace(/[^\x20-\x7e]/g, '?').replace(/#>/g, '# >');
  return String.raw`<#
.SYNOPSIS
    Checks this server's Sysmon and Security logs for what the IIS worker process, w3wp.exe,
    did: processes it started, and connections it opened to public addresses.
.DESCRIPTION
    Written by: ${header}
    Read-only: it reads event logs and changes nothing. Run it elevated (the Security log
    needs administrator rights) in Windows PowerShell 5.1 or PowerShell 7.
    Findings go to the pipeline (one object each: pipe them to Export-Csv or Format-Table);
    the summary, with any setup problem found, is written to the console.

    It reads the logs the way a widely shared guide does not (Haetae's README, "What the
    widely shared IIS guide gets wrong"); each "Correction" comment below says how:
      (1) "not private" is range math on address bytes, not a CIDR compared as text;
      (5) 5156 has no DstIP=: the field is DestAddress, outbound is %%14593;
      (6) a 4688's parent is ParentProcessName, else the PID's owner at that time,
          never a PID running now;
      (7) fields come from the event XML by name, never from regexes over Message.
.PARAMETER Hours
    How far back to look for findings (default ${String(hours)}).
.PARAMETER HistoryHours
    How much further back process starts and exits are read, to know which process held
    a PID when a 4688 without ParentProcessName was written (default 168: a w3wp.exe may
    have started days before its child).
.PARAMETER IncludeExcluded
    Also output findings set aside by the allowlist or as ASP.NET compilers (marked Excluded).
.EXAMPLE
    .\verify-iis.ps1 -Hours 72 | Export-Csv w3wp-findings.csv -NoTypeInformation
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 87600)]
    [int]$Hours = ${String(hours)},
    [ValidateRange(0, 87600)]
    [int]$HistoryHours = 168,
    [switch]$IncludeExcluded
)

$ErrorActionPreference = 'Stop'
$StartTime = (Get-Date).AddHours(-$Hours)
$HistoryStart = $StartTime.AddHours(-$HistoryHours)
$SysmonLog = 'Microsoft-Windows-Sysmon/Operational'
$Problems = New-Object System.Collections.ArrayList
$Counts = @{}

function Add-Count {
    param([string]$Name, [int]$By = 1)
    if ($Counts.ContainsKey($Name)) { $Counts[$Name] += $By } else { $Counts[$Name] = $By }
}

function Get-Count {
    param([string]$Name)
    if ($Counts.ContainsKey($Name)) { return $Counts[$Name] }
    return 0
}

# ---------------------------------------------------------------------------------------
# Reading events
# ---------------------------------------------------------------------------------------

# Events are chosen by log, ID and time inside the query (FilterHashtable/FilterXPath), so the
# event log service does the filtering; a query with no match is not an error.
function Read-Events {
    param([string]$What, [hashtable]$Filter, [string]$LogName, [string]$XPath)
    try {
        if ($Filter) { Get-WinEvent -FilterHashtable $Filter -ErrorAction Stop }
        else { Get-WinEvent -LogName $LogName -FilterXPath $XPath -ErrorAction Stop }
    } catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { return }
        [void]$Problems.Add(('{0}: could not be read: {1}' -f $What, $_.Exception.Message))
    }
}

# Correction (7): fields are read from the event's XML by their Name. The rendered Message is
# the wrong source: it is translated on a non-English Windows (a Korean server writes Korean
# labels), its labels are not the field names (5156 writes "Destination Address:", the
# field is DestAddress; no "DstIP=" is written anywhere), and it is empty when the
# provider's message file is missing.
function Get-EventFields {
    param($Record)
    $fields = @{}
    $xml = [xml]$Record.ToXml()
    foreach ($data in $xml.Event.EventData.Data) {
        if ($data.Name) { $fields[$data.Name] = $data.InnerText }
    }
    return $fields
}

# 4688/4689 write process IDs as hexadecimal (0x2a5c); Sysmon and 5156 write decimal.
function ConvertFrom-ProcessId {
    param([string]$Text)
    if ([string]::IsNullOrEmpty($Text)) { return $null }
    $t = $Text.Trim()
    if ($t -match '^0[xX][0-9a-fA-F]+$') { return [Convert]::ToInt64($t.Substring(2), 16) }
    if ($t -match '^[0-9]+$') { return [Int64]$t }
    return $null
}

# UTC as the event log writes SystemTime; invariant culture, as ':' is a culture's time separator.
function Format-Utc {
    param([datetime]$Time)
    return $Time.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [System.Globalization.CultureInfo]::InvariantCulture)
}

function Test-IsW3wp {
    param([string]$Path)
    # Sysmon writes C:\...\w3wp.exe; 5156 writes \device\harddiskvolumeN\...\w3wp.exe.
    if ([string]::IsNullOrEmpty($Path)) { return $false }
    return $Path.EndsWith('\w3wp.exe', [System.StringComparison]::OrdinalIgnoreCase)
}

# ---------------------------------------------------------------------------------------
# Correction (1): which addresses are public
# ---------------------------------------------------------------------------------------
# Sysmon compares "is not 10.0.0.0/8" as text, so it is true for every real address; and a
# string prefix such as "172.1" is not 172.16.0.0/12. Here each range is compared on the
# address bytes with its prefix length, IPv4 and IPv6 alike; an IPv4-mapped IPv6 address
# (::ffff:10.1.2.3, written for IPv4 peers of dual-stack sockets) is classified by its IPv4
# address. First match wins. This table is generated by Haetae from the same data its
# tests check against its own address classifier.
$NonPublicRangeTable = ${ranges}

# The address as bytes in network order (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), or
# $null when the text is not an address.
function ConvertTo-AddressBytes {
    param([string]$Text)
    if ([string]::IsNullOrEmpty($Text)) { return $null }
    $t = $Text.Trim()
    $address = $null
    if (-not [System.Net.IPAddress]::TryParse($t, [ref]$address)) { return $null }
    # .NET also reads '10.1' or '167772161' as IPv4; the logs write dotted quads only.
    if ($address.AddressFamily -eq [System.Net.Sockets.AddressFamily]::InterNetwork -and $t -notmatch '^[0-9]{1,3}(\.[0-9]{1,3}){3}$') { return $null }
    $bytes = $address.GetAddressBytes()
    if ($bytes.Length -eq 16) {
        $mapped = ($bytes[10] -eq 255) -and ($bytes[11] -eq 255)
        for ($i = 0; $i -lt 10; $i++) { if ($bytes[$i] -ne 0) { $mapped = $false } }
        if ($mapped) { return ,([byte[]]@($bytes[12], $bytes[13], $bytes[14], $bytes[15])) }
    }
    return ,$bytes
}

function ConvertTo-Range {
    param([string]$Cidr, [string]$Class)
    $slash = $Cidr.IndexOf('/')
    $bytes = ConvertTo-AddressBytes $Cidr.Substring(0, $slash)
    if ($null -eq $bytes) { throw ('not a CIDR range: {0}' -f $Cidr) }
    return New-Object PSObject -Property @{ Cidr = $Cidr; Bytes = $bytes; Bits = [int]$Cidr.Substring($slash + 1); Class = $Class }
}

# True when the first Bits bits of the address equal the range's.
function Test-InRange {
    param([byte[]]$Address, $Range)
    if ($Address.Length -ne $Range.Bytes.Length) { return $false }
    $whole = [int][Math]::Floor($Range.Bits / 8)
    for ($i = 0; $i -lt $whole; $i++) {
        if ($Address[$i] -ne $Range.Bytes[$i]) { return $false }
    }
    $rest = $Range.Bits % 8
    if ($rest -eq 0) { return $true }
    $mask = (0xFF -shl (8 - $rest)) -band 0xFF
    return (($Address[$whole] -band $mask) -eq ($Range.Bytes[$whole] -band $mask))
}

$NonPublicRanges = @($NonPublicRangeTable | ForEach-Object { ConvertTo-Range $_.Cidr $_.Class })

# 'public', a class from the table ('private', 'loopback', ...), or 'invalid'.
function Get-IpClass {
    param([string]$Text)
    $bytes = ConvertTo-AddressBytes $Text
    if ($null -eq $bytes) { return 'invalid' }
    foreach ($range in $NonPublicRanges) {
        if (Test-InRange $bytes $range) { return $range.Class }
    }
    return 'public'
}

# ---------------------------------------------------------------------------------------
# Allowlist (haetae sysmon verify-script --allow FILE): findings it matches are set aside
# ---------------------------------------------------------------------------------------
${allowlist}
$AllowRanges = @($AllowDestinations | ForEach-Object { ConvertTo-Range $_ 'allowlisted' })

function Test-AllowedDestination {
    param([string]$Ip, [string]$Port, [string]$HostName)
    foreach ($p in $AllowPorts) { if ([string]$p -eq $Port) { return $true } }
    $bytes = ConvertTo-AddressBytes $Ip
    if ($null -ne $bytes) {
        foreach ($range in $AllowRanges) { if (Test-InRange $bytes $range) { return $true } }
    }
    if ($HostName) {
        foreach ($pattern in $AllowHostnames) { if ($HostName -like $pattern) { return $true } }
    }
    return $false
}

# Why a child of w3wp.exe is set aside, or '' when it is not.
function Get-ChildExclusion {
    param([string]$Image, [string]$CommandLine)
    foreach ($allowed in $AllowChildImages) {
        if ($allowed.StartsWith('\')) {
            if ($Image.EndsWith($allowed, [System.StringComparison]::OrdinalIgnoreCase)) { return 'allowlist' }
        } elseif ([string]::Equals($Image, $allowed, [System.StringComparison]::OrdinalIgnoreCase)) { return 'allowlist' }
    }
    foreach ($pattern in $AllowCommandLines) { if ($CommandLine -like $pattern) { return 'allowlist' } }
    # ASP.NET compiles pages with csc.exe, vbc.exe and cvtres.exe as w3wp.exe children: benign
    # from the .NET Framework folder only (a csc.exe in the web root is not).
    if ($Image -match '\\Microsoft\.NET\\Framework(64)?\\v[^\\]+\\(csc|vbc|cvtres)\.exe$') { return 'ASP.NET compiler' }
    return ''
}

# ---------------------------------------------------------------------------------------
# Correction (6): process lifetimes, for 4688 events without ParentProcessName
# ---------------------------------------------------------------------------------------
# Before Windows 10 / Server 2016 (4688 event version 0 and 1) the only link to the parent is
# the creator's process ID. Comparing it with the w3wp.exe PIDs running NOW (Get-Process,
# tasklist) is wrong: PIDs are reused as soon as a process exits, and application pools
# recycle, so today's w3wp.exe PID may have been an unrelated process when the event was
# written, and the w3wp.exe that really was the parent may be long gone. Instead every
# start (4688, Sysmon 1) and exit (4689, Sysmon 5) is recorded per PID, and the parent is
# the process that held the PID at the event's own time.
$Lifetimes = @{}

function Add-Sighting {
    param($ProcessId, [datetime]$Time, [string]$Kind, [string]$Image, [string]$Source)
    if ($null -eq $ProcessId) { return }
    $key = [string]$ProcessId
    if (-not $Lifetimes.ContainsKey($key)) { $Lifetimes[$key] = New-Object System.Collections.ArrayList }
    [void]$Lifetimes[$key].Add((New-Object PSObject -Property @{ Time = $Time; Kind = $Kind; Image = $Image; Source = $Source }))
}

# The start of the process that held ProcessId at Time, or $null: the latest start or exit at
# or before Time decides (an exit logged in the same instant as the child's creation does
# not count: the parent was alive to create it; of a start and an exit at one instant, the
# start wins, the PID having been reused).
function Find-ProcessAt {
    param($ProcessId, [datetime]$Time)
    if ($null -eq $ProcessId) { return $null }
    $list = $Lifetimes[[string]$ProcessId]
    if ($null -eq $list) { return $null }
    $best = $null
    foreach ($s in $list) {
        if ($s.Time -gt $Time) { continue }
        if ($s.Kind -eq 'end' -and $s.Time -eq $Time) { continue }
        if ($null -eq $best -or $s.Time -gt $best.Time -or ($s.Time -eq $best.Time -and $s.Kind -eq 'start')) { $best = $s }
    }
    if ($null -eq $best -or $best.Kind -ne 'start') { return $null }
    return $best
}

# ---------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------
$Findings = New-Object System.Collections.ArrayList

function Add-Finding {
    param($Record, [string]$Log, [string]$Finding, [string]$Image, $ProcessId, [string]$User,
          [string]$Parent, [string]$ParentFrom, [string]$CommandLine, [string]$Destination, [string]$Excluded)
    if ($Excluded) { Add-Count ('excluded: ' + $Excluded) } else { Add-Count $Finding }
    if ($Excluded -and -not $IncludeExcluded) { return }
    [void]$Findings.Add((New-Object PSObject -Property ([ordered]@{
        Time        = (Format-Utc $Record.TimeCreated)
        Host        = $Record.MachineName
        Log         = $Log
        EventId     = $Record.Id
        RecordId    = $Record.RecordId
        Finding     = $Finding
        Image       = $Image
        ProcessId   = $ProcessId
        User        = $User
        Parent      = $Parent
        ParentFrom  = $ParentFrom
        CommandLine = $CommandLine
        Destination = $Destination
        Excluded    = $Excluded
    })))
}

function Format-Destination {
    param([string]$Ip, [string]$Port, [string]$HostName)
    $text = $Ip
    if ($Ip.Contains(':')) { $text = '[' + $Ip + ']' }
    if ($Port) { $text = $text + ':' + $Port }
    if ($HostName -and $HostName -ne '-') { $text = $text + ' (' + $HostName + ')' }
    return $text
}

if (-not ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    [void]$Problems.Add('not running elevated: the Security log cannot be read')
}

# --- Sysmon: 1 and 5 for lifetimes (from HistoryStart), 1 and 3 for findings (from StartTime)
$sysmonProcessEvents = @(Read-Events -What $SysmonLog -Filter @{ LogName = $SysmonLog; Id = 1, 5; StartTime = $HistoryStart })
$sysmonNetworkEvents = @(Read-Events -What $SysmonLog -Filter @{ LogName = $SysmonLog; Id = 3; StartTime = $StartTime })

# --- Security: 4688 and 4689 (from HistoryStart, for lifetimes)
$securityProcessEvents = @(Read-Events -What 'Security 4688/4689' -Filter @{ LogName = 'Security'; Id = 4688, 4689; StartTime = $HistoryStart })

# --- Security: 5156/5157, outbound only. Correction (5): the guide looked for a "DstIP=" token
# that Windows never writes. The XML fields are DestAddress and DestPort; Direction is %%14593
# for outbound (%%14592 inbound), and is filtered in the query because 5156 is the noisiest
# event of the Security log. SourceAddress is always the local side.
$sinceUtc = Format-Utc $StartTime
$wfpXPath = "*[System[(EventID=5156 or EventID=5157) and TimeCreated[@SystemTime>='" + $sinceUtc + "']]] and *[EventData[Data[@Name='Direction']='%%14593']]"
$wfpEvents = @(Read-Events -What 'Security 5156/5157' -LogName 'Security' -XPath $wfpXPath)

# Lifetimes from every process start and exit, w3wp.exe or not: a later start of another
# program on the same PID is what ends a w3wp.exe's claim to it when its exit was not logged.
# Starts inside the window are kept in InWindow for the findings below.
function Read-Lifetimes {
    param($Events, [string]$Log, [int]$StartId, [string]$StartPid, [string]$StartImage, [string]$EndPid, [string]$EndImage, $InWindow)
    foreach ($rec in $Events) {
        $f = Get-EventFields $rec
        $source = $Log + ' ' + $rec.Id
        if ($rec.Id -eq $StartId) {
            Add-Sighting (ConvertFrom-ProcessId $f[$StartPid]) $rec.TimeCreated 'start' $f[$StartImage] $source
            if ($rec.TimeCreated -ge $StartTime) { [void]$InWindow.Add(@($rec, $f)) }
        } else {
            Add-Sighting (ConvertFrom-ProcessId $f[$EndPid]) $rec.TimeCreated 'end' $f[$EndImage] $source
        }
        Add-Count ('read: ' + $source)
    }
}
$security4688 = New-Object System.Collections.ArrayList
Read-Lifetimes -Events $securityProcessEvents -Log 'Security' -StartId 4688 -StartPid 'NewProcessId' -StartImage 'NewProcessName' -EndPid 'ProcessId' -EndImage 'ProcessName' -InWindow $security4688
$sysmon1 = New-Object System.Collections.ArrayList
Read-Lifetimes -Events $sysmonProcessEvents -Log 'Sysmon' -StartId 1 -StartPid 'ProcessId' -StartImage 'Image' -EndPid 'ProcessId' -EndImage 'Image' -InWindow $sysmon1

# --- Sysmon 1: children of w3wp.exe (Sysmon writes the parent's path itself)
foreach ($pair in $sysmon1) {
    $rec = $pair[0]; $f = $pair[1]
    if (-not (Test-IsW3wp $f['ParentImage'])) { continue }
    Add-Finding -Record $rec -Log 'Sysmon' -Finding 'w3wp.exe child process' -Image $f['Image'] -ProcessId (ConvertFrom-ProcessId $f['ProcessId']) -User $f['User'] -Parent $f['ParentImage'] -ParentFrom 'Sysmon ParentImage' -CommandLine $f['CommandLine'] -Excluded (Get-ChildExclusion $f['Image'] $f['CommandLine'])
}

# --- Security 4688: children of w3wp.exe
foreach ($pair in $security4688) {
    $rec = $pair[0]; $f = $pair[1]
    if ([string]::IsNullOrEmpty($f['CommandLine'])) { Add-Count '4688 without command line' }
    $parent = $f['ParentProcessName']
    $creator = ConvertFrom-ProcessId $f['ProcessId']
    if (-not [string]::IsNullOrEmpty($parent)) {
        # Event version 2 (Windows 10 / Server 2016 and later): the parent's path is in the event.
        $from = 'ParentProcessName (4688 version ' + $rec.Version + ')'
    } else {
        Add-Count '4688 without ParentProcessName'
        $owner = Find-ProcessAt $creator $rec.TimeCreated
        if ($null -eq $owner) {
            Add-Count '4688 creator unresolved'
            continue
        }
        $parent = $owner.Image
        $from = 'PID+time: creator ' + $f['ProcessId'] + ' was ' + $owner.Image + ', started ' + (Format-Utc $owner.Time) + ' (' + $owner.Source + ')'
    }
    if (-not (Test-IsW3wp $parent)) { continue }
    $user = $f['SubjectDomainName'] + '\' + $f['SubjectUserName']
    Add-Finding -Record $rec -Log 'Security' -Finding 'w3wp.exe child process' -Image $f['NewProcessName'] -ProcessId (ConvertFrom-ProcessId $f['NewProcessId']) -User $user -Parent $parent -ParentFrom $from -CommandLine $f['CommandLine'] -Excluded (Get-ChildExclusion $f['NewProcessName'] $f['CommandLine'])
}

# --- Sysmon 3: connections w3wp.exe initiated to public addresses
foreach ($rec in $sysmonNetworkEvents) {
    Add-Count 'read: Sysmon 3'
    $f = Get-EventFields $rec
    if (-not (Test-IsW3wp $f['Image'])) { continue }
    if ($f['Initiated'] -ne 'true') { continue }
    $class = Get-IpClass $f['DestinationIp']
    if ($class -ne 'public') { Add-Count ('w3wp.exe to non-public (' + $class + ')'); continue }
    $excluded = ''
    if (Test-AllowedDestination $f['DestinationIp'] $f['DestinationPort'] $f['DestinationHostname']) { $excluded = 'allowlist' }
    Add-Finding -Record $rec -Log 'Sysmon' -Finding 'w3wp.exe outbound connection' -Image $f['Image'] -ProcessId (ConvertFrom-ProcessId $f['ProcessId']) -User $f['User'] -Destination (Format-Destination $f['DestinationIp'] $f['DestinationPort'] $f['DestinationHostname']) -Excluded $excluded
}

# --- Security 5156 (permitted) / 5157 (blocked): outbound connections of w3wp.exe
foreach ($rec in $wfpEvents) {
    Add-Count ('read: Security ' + $rec.Id)
    $f = Get-EventFields $rec
    # Application is an NT device path (\device\harddiskvolume2\windows\system32\inetsrv\w3wp.exe).
    if (-not (Test-IsW3wp $f['Application'])) { continue }
    if ($f['Direction'] -ne '%%14593') { continue }
    $class = Get-IpClass $f['DestAddress']
    if ($class -ne 'public') { Add-Count ('w3wp.exe to non-public (' + $class + ')'); continue }
    $finding = 'w3wp.exe outbound connection'
    if ($rec.Id -eq 5157) { $finding = 'w3wp.exe outbound connection blocked' }
    $excluded = ''
    if (Test-AllowedDestination $f['DestAddress'] $f['DestPort'] '') { $excluded = 'allowlist' }
    Add-Finding -Record $rec -Log 'Security' -Finding $finding -Image $f['Application'] -ProcessId (ConvertFrom-ProcessId $f['ProcessID']) -Destination (Format-Destination $f['DestAddress'] $f['DestPort'] '') -Excluded $excluded
}

$Findings | Sort-Object Time

# ---------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------
Write-Host ''
Write-Host ('Haetae iis-webshell check of {0}, last {1} hour(s) (since {2})' -f $env:COMPUTERNAME, $Hours, $sinceUtc)
Write-Host ('Events read in the window: Sysmon 1: {0}, Sysmon 3: {1}, Security 4688: {2}, 5156 outbound: {3}, 5157 outbound: {4}' -f $sysmon1.Count, (Get-Count 'read: Sysmon 3'), $security4688.Count, (Get-Count 'read: Security 5156'), (Get-Count 'read: Security 5157'))
Write-Host ('Process starts and exits read for lifetimes (from {0} hour(s) earlier): Sysmon 1/5: {1}/{2}, Security 4688/4689: {3}/{4}' -f $HistoryHours, (Get-Count 'read: Sysmon 1'), (Get-Count 'read: Sysmon 5'), (Get-Count 'read: Security 4688'), (Get-Count 'read: Security 4689'))
foreach ($name in @('w3wp.exe child process', 'w3wp.exe outbound connection', 'w3wp.exe outbound connection blocked')) {
    Write-Host ('{0}: {1}' -f $name, (Get-Count $name))
}
foreach ($name in @($Counts.Keys | Sort-Object)) {
    if ($name -like 'w3wp.exe to non-public*') { Write-Host ('{0}: {1} (not output)' -f $name, $Counts[$name]) }
    if ($name -like 'excluded: *') { Write-Host ('{0}: {1} (output with -IncludeExcluded)' -f $name, $Counts[$name]) }
}
$noParent = Get-Count '4688 without ParentProcessName'
$unresolved = Get-Count '4688 creator unresolved'
if ($noParent -gt 0) {
    Write-Host ('4688 without ParentProcessName (before Windows 10 / Server 2016): {0}; parent found by PID+time: {1}; unresolved: {2} (their creator started before the history window: raise -HistoryHours, or the log no longer holds it)' -f $noParent, ($noParent - $unresolved), $unresolved)
}

# Setup checks: what the numbers above say about the audit settings.
if ($security4688.Count -eq 0) { [void]$Problems.Add('no 4688 in the window: is Process Creation auditing on? (haetae sysmon audit-commands)') }
$noCommandLine = Get-Count '4688 without command line'
if ($noCommandLine -gt 0) { [void]$Problems.Add(('{0} 4688 event(s) have no command line: enable "Include command line in process creation events" (haetae sysmon audit-commands)' -f $noCommandLine)) }
if ((Get-Count 'read: Security 4689') -eq 0 -and $noParent -gt 0) { [void]$Problems.Add('no 4689 read: without Process Termination auditing, the PID+time mapping cannot see exits') }
if ((Get-Count 'read: Security 5156') -eq 0) { [void]$Problems.Add('no outbound 5156 in the window: Filtering Platform Connection auditing looks off (haetae sysmon audit-commands)') }
if ($sysmon1.Count -eq 0) { [void]$Problems.Add('no Sysmon 1 in the window: is Sysmon installed, and does its configuration log process creation?') }
foreach ($p in $Problems) { Write-Warning $p }
`;
}
