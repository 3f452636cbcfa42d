import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { classifyIp, ipAddressBytes } from '../event/index.js';
import { checkPowerShell, lexPowerShell } from './powershell-check.js';
import { auditCommands } from './audit-commands.js';
import { NON_PUBLIC_RANGES } from './ranges.js';
import { powerShellString, verifyScript } from './verify-script.js';

/** Cmdlets the verify script may call besides its own functions. */
const CMDLETS = ['Get-WinEvent', 'New-Object', 'Write-Host', 'Write-Warning', 'Sort-Object', 'ForEach-Object', 'Get-Date'];

const ALLOWLIST = {
  ips: ['203.0.113.10', '::ffff:8.8.4.4'], cidrs: ['198.51.100.0/24', '::ffff:10.0.0.0/104', '2001:db8::/32'],
  hostnames: ['*.api.example.com'], ports: [1433],
  childImages: ['C:\\Program Files\\웹\\wkhtmltopdf.exe', "\\it's.exe"], commandLines: ['cmd.exe /c "C:\\jobs\\rotate [1].cmd" *'],
};

const plain = verifyScript();
const allowed = verifyScript({ hours: 72, allowlist: ALLOWLIST, allowlistFile: 'allow #> list.yml' });

test('verify script: passes the PowerShell 5.1 static checks (brackets, strings, PS7-only syntax, variables, functions, parameters)', () => {
  assert.deepEqual(checkPowerShell(plain, CMDLETS), []);
  assert.deepEqual(checkPowerShell(allowed, CMDLETS), []);
});

test('verify script: the static checks catch what would break on a server', () => {
  // Each mutation of the real script is a mistake the checks exist for; none may pass.
  const mutations: [string, (s: string) => string, RegExp][] = [
    ['a brace removed', (s) => s.replace('if ($null -eq $ProcessId) { return $null }', 'if ($null -eq $ProcessId) { return $null '), /never closed|closes/],
    ['null-coalescing', (s) => s.replace("$t = $Text.Trim()", "$t = $Text ?? ''"), /PowerShell 7-only/],
    ['ternary', (s) => s.replace("$finding = 'w3wp.exe outbound connection'\n", "$finding = $rec.Id -eq 5157 ? 'blocked' : 'permitted'\n"), /PowerShell 7-only/],
    ['pipeline chain', (s) => s.replace("Write-Host ''", "Write-Host '' && Write-Host ''"), /PowerShell 7-only/],
    ['"$name:" in a string', (s) => s.replace("('{0}: could not be read: {1}' -f $What, $_.Exception.Message)", '"$What: could not be read"'), /scope-qualified/],
    ['a misspelt variable', (s) => s.replace('$list = $Lifetimes[[string]$ProcessId]', '$list = $Lifetime[[string]$ProcessId]'), /\$Lifetime is never assigned/],
    ['an automatic variable', (s) => s.replace('foreach ($rec in $sysmonNetworkEvents)', 'foreach ($event in $sysmonNetworkEvents)'), /automatic variable \$event/],
    ['an unknown parameter', (s) => s.replace("-Log 'Sysmon' -Finding 'w3wp.exe child process'", "-Log 'Sysmon' -Findng 'w3wp.exe child process'"), /Add-Finding has no parameter -Findng/],
    ['a call before the definition', (s) => s.replace("$NonPublicRanges = @($NonPublicRangeTable", "$early = Get-IpClass '10.0.0.1'\n$NonPublicRanges = @($NonPublicRangeTable"), /Get-IpClass is called before it is defined/],
    ['an undefined function', (s) => s.replace('$owner = Find-ProcessAt $creator', '$owner = Find-ProcessAtTime $creator'), /Find-ProcessAtTime/],
    // A lost quote makes PowerShell read the following lines as string and code swapped.
    ['an unterminated string', (s) => s.replace("$SysmonLog = 'Microsoft-Windows-Sysmon/Operational'", "$SysmonLog = 'Microsoft-Windows-Sysmon/Operational"), /unterminated|never closed|closes|neither defined|never assigned/],
  ];
  for (const [what, mutate, expected] of mutations) {
    const mutated = mutate(plain);
    assert.notEqual(mutated, plain, `mutation '${what}' did not apply: the script changed, update the test`);
    const problems = checkPowerShell(mutated, CMDLETS);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: expected a problem matching ${expected}, got ${JSON.stringify(problems)}`);
  }
});

test('verify script: is ASCII only, even with non-ASCII allowlist entries (PowerShell 5.1 reads BOM-less scripts as ANSI)', () => {
  assert.match(allowed, /^[\t\n\x20-\x7e]*$/);
  assert.ok(allowed.includes(`('C:\\Program Files\\' + [char]0xC6F9 + '\\wkhtmltopdf.exe')`));
});

test('verify script: events are selected by ID in FilterHashtable / FilterXPath queries', () => {
  const filters = [...plain.matchAll(/-Filter @\{ LogName = ([^;]+); Id = ([\d, ]+); StartTime = \$(\w+) \}/g)]
    .map((m) => ({ log: m[1], ids: m[2].split(',').map((x) => Number(x.trim())), start: m[3] }));
  const ids = (log: string): number[] => filters.filter((f) => f.log === log).flatMap((f) => f.ids).sort((a, b) => a - b);
  assert.deepEqual(ids('$SysmonLog'), [1, 3, 5]);
  assert.deepEqual(ids("'Security'"), [4688, 4689]);
  assert.match(plain, /\$SysmonLog = 'Microsoft-Windows-Sysmon\/Operational'/);
  // Findings come from StartTime; lifetimes (Sysmon 1/5, 4688/4689) from HistoryStart, earlier.
  assert.deepEqual(filters.map((f) => f.start).sort(), ['HistoryStart', 'HistoryStart', 'StartTime']);
  const xpath = /\$wfpXPath = "([^\n]+)"/.exec(plain)?.[1] ?? '';
  assert.match(xpath, /EventID=5156 or EventID=5157/);
  assert.match(xpath, /Data\[@Name='Direction'\]='%%14593'/);
  assert.match(plain, /Get-WinEvent -LogName \$LogName -FilterXPath \$XPath/);
});

test('verify script: fields come from the event XML by name, never from the rendered message', () => {
  const { code, withoutComments } = lexPowerShell(plain);
  assert.match(code, /\[xml\]\$Record\.ToXml\(\)/);
  assert.match(code, /\$xml\.Event\.EventData\.Data/);
  assert.doesNotMatch(code, /(?<!Exception)\.Message\b/, 'no event Message is read');
  assert.doesNotMatch(withoutComments, /DstIP/, 'no DstIP= token outside comments');
  for (const field of ['ParentImage', 'Image', 'Initiated', 'DestinationIp', 'Application', 'Direction', 'DestAddress', 'DestPort', 'ParentProcessName', 'ProcessId', 'CommandLine']) {
    assert.ok(withoutComments.includes(`$f['${field}']`), `reads ${field} by name`);
  }
  // Process lifetimes read their fields by names passed to Read-Lifetimes.
  assert.match(code, /\$f\[\$StartPid\]/);
});

test('verify script: 4688 parents come from ParentProcessName, else from the PID owner at the event time, never from running processes', () => {
  const { code, withoutComments } = lexPowerShell(plain);
  assert.doesNotMatch(withoutComments, /Get-Process|\bgps\b|tasklist|Win32_Process|Get-CimInstance|Get-WmiObject|\bgwmi\b/i);
  assert.match(code, /\[Convert\]::ToInt64\(\$t\.Substring\(2\), 16\)/, 'hex creator PIDs parsed as base 16');
  const parentName = withoutComments.indexOf("$parent = $f['ParentProcessName']");
  const fallback = withoutComments.indexOf('$owner = Find-ProcessAt $creator $rec.TimeCreated');
  assert.ok(parentName > 0 && fallback > parentName, 'ParentProcessName first, PID+time as the fallback, at the event time');
  // Lifetimes come from starts and exits of both logs, by their own field names.
  assert.ok(withoutComments.includes("Read-Lifetimes -Events $securityProcessEvents -Log 'Security' -StartId 4688 -StartPid 'NewProcessId' -StartImage 'NewProcessName' -EndPid 'ProcessId' -EndImage 'ProcessName'"));
  assert.ok(withoutComments.includes("Read-Lifetimes -Events $sysmonProcessEvents -Log 'Sysmon' -StartId 1 -StartPid 'ProcessId' -StartImage 'Image' -EndPid 'ProcessId' -EndImage 'Image'"));
  assert.match(withoutComments, /LogName = 'Security'; Id = 4688, 4689/);
  assert.match(plain, /# Correction \(6\)[^\n]*\n(# [^\n]*\n)*# [^\n]*PIDs are reused/, 'the script says why');
});

test('verify script: -Hours defaults to --hours; bad options are refused', () => {
  assert.match(plain, /\[int\]\$Hours = 24,/);
  assert.match(allowed, /\[int\]\$Hours = 72,/);
  assert.throws(() => verifyScript({ hours: 0 }), /--hours must be a whole number/);
  assert.throws(() => verifyScript({ hours: 1.5 }), /--hours must be a whole number/);
  assert.throws(() => verifyScript({ profile: 'ransomware' as never }), /unknown verify-script profile 'ransomware'/);
});

test('verify script: the allowlist is rendered as PowerShell data (mapped IPv6 as IPv4, -like patterns escaped)', () => {
  const block = (name: string): string[] => {
    const m = new RegExp(`\\$${name} = @\\(\\n((?:    [^\\n]*\\n)*)\\)`).exec(allowed);
    assert.ok(m, `$${name} rendered`);
    return m[1].split('\n').filter(Boolean).map((l) => l.trim());
  };
  assert.deepEqual(block('AllowDestinations'), ["'203.0.113.10/32'", "'8.8.4.4/32'", "'198.51.100.0/24'", "'10.0.0.0/8'", "'2001:db8::/32'"]);
  assert.deepEqual(block('AllowPorts'), ['1433']);
  assert.deepEqual(block('AllowChildImages'), [`('C:\\Program Files\\' + [char]0xC6F9 + '\\wkhtmltopdf.exe')`, "'\\it''s.exe'"]);
  assert.deepEqual(block('AllowCommandLines'), ["'cmd.exe /c \"C:\\jobs\\rotate `[1`].cmd\" *'"]);
  assert.match(plain, /\$AllowDestinations = @\(\)/);
  // The allowlist file name sits in the <# #> help: a '#>' in it must not end the comment.
  assert.ok(allowed.includes('--allow allow # > list.yml'));
});

test('powerShellString: quotes, and [char] for non-ASCII, evaluate back to the text', () => {
  // A tiny evaluator for exactly the forms powerShellString writes.
  const evaluate = (expr: string): string => {
    const inner = expr.startsWith('(') ? expr.slice(1, -1) : expr;
    return inner.split(/ \+ (?=(?:[^']*'[^']*')*[^']*$)/).map((part) => {
      if (part.startsWith("'")) return part.slice(1, -1).replace(/''/g, "'");
      const m = /^\[char\]0x([0-9A-F]{4})$/.exec(part);
      assert.ok(m, `unexpected part ${part}`);
      return String.fromCharCode(parseInt(m[1], 16));
    }).join('');
  };
  for (const s of ['', "it's", 'C:\\웹\\x.exe', '’smart’ quotes', 'a + b', "'' + ''", 'emoji 😀 tail', '\ttab']) {
    const expr = powerShellString(s);
    assert.match(expr, /^[\x20-\x7e]*$/);
    assert.equal(evaluate(expr), s, expr);
  }
});

// ---------------------------------------------------------------------------------------
// The private-range table, cross-checked against classifyIp
// ---------------------------------------------------------------------------------------

/** The table as rendered into the script (what PowerShell will use), read back from the text. */
function renderedTable(script: string): { cidr: string; class: string }[] {
  const block = /\$NonPublicRangeTable = @\(\n([\s\S]*?)\n\)/.exec(script);
  assert.ok(block, 'the range table is in the script');
  return [...block[1].matchAll(/@\{ Cidr = '([^']+)'; +Class = '([^']+)' \}/g)].map((m) => ({ cidr: m[1], class: m[2] }));
}

/** JS twin of the script's ConvertTo-AddressBytes (ipAddressBytes standing in for [IPAddress]::TryParse). */
function scriptAddressBytes(text: string): Uint8Array | null {
  const t = text.trim();
  const bytes = ipAddressBytes(t);
  if (!bytes) return null;
  if (bytes.length === 4 && !/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(t)) return null;
  if (bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.subarray(12);
  return bytes;
}

/** JS twin of the script's Test-InRange and Get-IpClass: the same byte and mask arithmetic. */
function scriptIpClass(text: string, table: { cidr: string; class: string }[]): string {
  const address = scriptAddressBytes(text);
  if (!address) return 'invalid';
  for (const r of table) {
    const slash = r.cidr.indexOf('/');
    const network = scriptAddressBytes(r.cidr.slice(0, slash));
    assert.ok(network, r.cidr);
    const bits = Number(r.cidr.slice(slash + 1));
    if (address.length !== network.length) continue;
    const whole = Math.floor(bits / 8);
    let match = true;
    for (let i = 0; i < whole; i++) if (address[i] !== network[i]) { match = false; break; }
    const rest = bits % 8;
    if (match && rest !== 0) {
      const mask = (0xff << (8 - rest)) & 0xff;
      match = (address[whole] & mask) === (network[whole] & mask);
    }
    if (match) return r.class;
  }
  return 'public';
}

test('range table: the script carries exactly NON_PUBLIC_RANGES, and its math is the one mirrored here', () => {
  assert.deepEqual(renderedTable(plain), NON_PUBLIC_RANGES.map((r) => ({ cidr: r.cidr, class: r.class })));
  // If these lines change, scriptAddressBytes/scriptIpClass above must change with them.
  for (const line of [
    "$whole = [int][Math]::Floor($Range.Bits / 8)",
    '$rest = $Range.Bits % 8',
    '$mask = (0xFF -shl (8 - $rest)) -band 0xFF',
    'return (($Address[$whole] -band $mask) -eq ($Range.Bytes[$whole] -band $mask))',
    '$mapped = ($bytes[10] -eq 255) -and ($bytes[11] -eq 255)',
    "for ($i = 0; $i -lt 10; $i++) { if ($bytes[$i] -ne 0) { $mapped = $false } }",
    "if ($mapped) { return ,([byte[]]@($bytes[12], $bytes[13], $bytes[14], $bytes[15])) }",
    "$t -notmatch '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$'",
    'foreach ($range in $NonPublicRanges) {',
    "if ($class -ne 'public') {",
  ]) assert.ok(plain.includes(line), `script line changed: ${line}`);
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure names a reproducible address. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** Addresses at and around every range edge, random ones, IPv4-mapped forms and odd spellings. */
function addressesToCheck(): string[] {
  const rnd = random(6);
  const out: string[] = [];
  for (const r of NON_PUBLIC_RANGES) {
    const [addr, len] = r.cidr.split('/');
    const bytes = ipAddressBytes(addr);
    assert.ok(bytes);
    const bits = Number(len);
    if (bytes.length === 4) {
      const base = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
      const size = 2 ** (32 - bits);
      for (const n of [base - 1, base, base + 1, base + size - 1, base + size, base + Math.floor(rnd() * size)]) {
        if (n >= 0 && n <= 0xffffffff) out.push(ipv4(n));
      }
    } else {
      for (const flip of [-1, 0, bits - 1, bits, 127]) {
        const b = Uint8Array.from(bytes);
        if (flip >= 0) b[flip >> 3] ^= 0x80 >> (flip & 7); // just inside (bit >= prefix) or just outside (bit < prefix)
        for (let i = Math.ceil(bits / 8); i < 16; i++) if (rnd() < 0.5) b[i] = Math.floor(rnd() * 256);
        out.push(ipv6(b));
      }
    }
  }
  for (let i = 0; i < 20000; i++) out.push(ipv4(Math.floor(rnd() * 2 ** 32)));
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(16).map(() => Math.floor(rnd() * 256));
    const prefix = [0x00, 0x20, 0xfc, 0xfd, 0xfe, 0xff][Math.floor(rnd() * 6)];
    b[0] = prefix;
    if (prefix === 0xfe) b[1] = [0x80, 0xbf, 0xc0, 0x7f][Math.floor(rnd() * 4)];
    if (prefix === 0x20) { b[1] = 0x01; b[2] = 0x0d; b[3] = rnd() < 0.5 ? 0xb8 : 0xb9; }
    out.push(ipv6(b));
  }
  const v4 = out.filter((a) => a.includes('.')).slice(0, 4000);
  for (const a of v4) out.push(`::ffff:${a}`);
  const o = (a: string): number[] => a.split('.').map(Number);
  for (const a of v4.slice(0, 500)) {
    const [w, x, y, z] = o(a);
    out.push(`0:0:0:0:0:FFFF:${((w << 8) | x).toString(16)}:${((y << 8) | z).toString(16)}`);
  }
  out.push('::', '::1', '::2', '0::1', '::ffff:0:0', '::ffff:127.0.0.1', '::8.8.8.8', 'fe80::1%12', 'FE80::ABCD', 'fd00::1',
    'ff02::1', '2001:db8::1', '2001:db9::1', '2606:4700::1111', ' 10.1.2.3 ', '8.8.8.8', '0.0.0.0', '255.255.255.255',
    '', 'abc', '1.2.3', '256.1.1.1', '1.2.3.4.5', '::g', '1::2::3');
  return out;
}

test('range table: the script classifies IPv4, IPv6 and IPv4-mapped addresses exactly as classifyIp does', () => {
  const table = renderedTable(plain);
  const addresses = addressesToCheck();
  assert.ok(addresses.length > 27000);
  const mismatches = addresses.filter((a) => scriptIpClass(a, table) !== classifyIp(a))
    .map((a) => `${a}: script ${scriptIpClass(a, table)}, classifyIp ${classifyIp(a)}`);
  assert.deepEqual(mismatches.slice(0, 20), []);
  // Public vs not is what the script reports on; make sure both sides occur in every family.
  const isPublic = (a: string): boolean => scriptIpClass(a, table) === 'public';
  for (const family of [(a: string) => !a.includes(':'), (a: string) => a.includes(':') && !a.includes('.'), (a: string) => a.startsWith('::ffff:')]) {
    const sample = addresses.filter(family);
    assert.ok(sample.some(isPublic) && sample.some((a) => !isPublic(a)), 'both public and non-public addresses checked');
  }
});

test('range table: a wrong table would be caught (string-prefix 172.1 and a missing IPv6 range)', () => {
  const addresses = addressesToCheck();
  const differs = (table: { cidr: string; class: string }[]): boolean => addresses.some((a) => scriptIpClass(a, table) !== classifyIp(a));
  const good = renderedTable(plain);
  assert.equal(differs(good), false);
  assert.equal(differs(good.map((r) => (r.cidr === '172.16.0.0/12' ? { ...r, cidr: '172.0.0.0/8' } : r))), true);
  assert.equal(differs(good.filter((r) => r.cidr !== 'fc00::/7')), true);
  assert.equal(differs(good.map((r) => (r.cidr === '100.64.0.0/10' ? { ...r, cidr: '100.64.0.0/16' } : r))), true);
});

// ---------------------------------------------------------------------------------------
// A real PowerShell grammar (devDependencies web-tree-sitter and tree-sitter-powershell)
// ---------------------------------------------------------------------------------------

test('verify script and audit-commands ps1: parse without errors with the tree-sitter PowerShell grammar', async () => {
  const require = createRequire(import.meta.url);
  type TreeSitter = { Parser: { init(): Promise<void>; new(): { setLanguage(l: unknown): void; parse(s: string): { rootNode: SyntaxNode } } }; Language: { load(p: string): Promise<unknown> } };
  // No PowerShell runs here; the grammar is the closest check that PowerShell would parse the scripts.
  const wasm = join(dirname(require.resolve('tree-sitter-powershell/package.json')), 'tree-sitter-powershell.wasm');
  const name = 'web-tree-sitter';
  const ts = await import(name) as TreeSitter;
  interface SyntaxNode { type: string; isMissing: boolean; startPosition: { row: number; column: number }; children: SyntaxNode[] }
  await ts.Parser.init();
  const parser = new ts.Parser();
  parser.setLanguage(await ts.Language.load(wasm));
  for (const script of [plain, allowed, auditCommands({ format: 'ps1' })]) {
    const errors: string[] = [];
    const walk = (n: SyntaxNode): void => {
      if (n.type === 'ERROR' || n.isMissing) errors.push(`${n.type} at line ${n.startPosition.row + 1}:${n.startPosition.column + 1}`);
      n.children.forEach(walk);
    };
    walk(parser.parse(script).rootNode);
    assert.deepEqual(errors, []);
  }
});
