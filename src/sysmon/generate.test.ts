/**
 * `generate` on the events the issue names (plain Sysmon field records), through the
 * simulator: on its own and merged into each community config, in both modes; the
 * allowlist; the schema choices; and the linter finds nothing in what it writes. Facts:
 * shared/specs/windows-events.md §1.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { packRules } from '../detect/index.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';
import { generateSysmonConfig, GenerateError, type GenerateOptions } from './generate.js';
import { lintSysmonConfig } from './lint.js';
import type { SysmonConfig } from './model.js';
import { parseSysmonConfig } from './parse.js';
import { printSysmonConfig } from './print.js';
import { wildcardFilters } from './profiles/iis-allowlist.js';
import { EXECUTOR_RULE, w3wpExecutors } from './profiles/w3wp-executors.js';
import { SysmonSimulator, type EventFields } from './simulate.js';

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const CSC = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe';

const connection = (ip: string, initiated = true, image = W3WP): EventFields => ({
  Image: image, Initiated: initiated, Protocol: 'tcp', DestinationIp: ip, DestinationIsIpv6: ip.includes(':'), DestinationPort: 443, DestinationHostname: '-',
});
const process = (image: string, parent: string): EventFields => ({ Image: image, ParentImage: parent, CommandLine: `"${image}"`, ParentCommandLine: `"${parent}"` });

const DROPPED = ['10.1.2.3', 'fe80::1', 'fe80:0:0:0:80ac:4126:fa58:1b81', '::1', '0:0:0:0:0:0:0:1', '192.168.1.1', '172.20.0.1', '100.64.1.1', '127.0.0.1', '169.254.169.254', '224.0.0.251', 'fd00:0:0:0:0:0:0:1'];
const LOGGED = ['8.8.8.8', '2001:4860:4860::8888', '2001:4860:4860:0:0:0:0:8888', '100.128.0.1', '172.32.0.1', '11.0.0.1'];

function decision(config: SysmonConfig, eventId: number, fields: EventFields): 'include' | 'exclude' {
  return new SysmonSimulator(config).decide(eventId, fields).decision;
}

function generate(options: Partial<GenerateOptions> = {}): ReturnType<typeof generateSysmonConfig> {
  return generateSysmonConfig({ profile: 'iis-webshell', mode: 'broad', ...options });
}

describe('generate on its own', () => {
  for (const mode of ['broad', 'focused'] as const) {
    it(`${mode}: w3wp.exe's outbound connections to public addresses only; every process creation`, () => {
      const { config, text } = generate({ mode });
      assert.deepEqual(parseSysmonConfig(text).problems, []);
      for (const ip of DROPPED) assert.equal(decision(config, 3, connection(ip)), 'exclude', ip);
      for (const ip of LOGGED) assert.equal(decision(config, 3, connection(ip)), 'include', ip);
      assert.equal(decision(config, 3, connection('8.8.8.8', false)), 'exclude', 'inbound (not initiated)');
      assert.equal(decision(config, 3, connection('8.8.8.8', true, 'C:\\x\\chrome.exe')), 'exclude', 'another process');
      assert.equal(new SysmonSimulator(config).decide(3, connection('8.8.8.8')).ruleName, 'haetae iis-webshell: w3wp.exe connected out to a public address');
      assert.equal(decision(config, 1, process(CMD, W3WP)), 'include');
      assert.equal(decision(config, 1, process(CMD, 'C:\\Windows\\explorer.exe')), 'include', 'a cmd.exe not under w3wp.exe is still logged');
      // Focused mode logs no less on its own: Sysmon's default logs every process creation.
      assert.equal(decision(config, 1, process(CSC, W3WP)), 'include');
      assert.equal(new SysmonSimulator(config).decide(1, process(CSC, W3WP)).reason, 'no-filter');
      assert.equal(decision(config, 5, { Image: CMD }), 'include', 'process terminations');
      assert.equal(decision(config, 11, { Image: W3WP, TargetFilename: 'C:\\inetpub\\wwwroot\\x.aspx' }), 'exclude', 'no other event type');
    });
  }

  it('states what it logs, in the config and on the summary', () => {
    const { text, summary } = generate({ mode: 'focused' });
    assert.match(text, /^<!-- Written by haetae sysmon generate, profile iis-webshell \(focused mode\), schemaversion 4\.90\. -->/);
    assert.match(text, /ProcessCreate has no include block on purpose/);
    assert.match(summary.join('\n'), /focused mode logs no less here/);
    assert.match(summary.join('\n'), /NetworkConnect: logs connections w3wp\.exe initiates to public IPv4 and IPv6 addresses \(include rule added\)/);
  });

  it('below schema 4.70: an include rule plus an exclusion of non-public destinations, with the same verdicts', () => {
    const { config, summary } = generate({ schema: 4.5 });
    assert.equal(config.schemaVersion, '4.50');
    assert.doesNotMatch(printSysmonConfig(config), /condition="not (begin|end) with"/);
    for (const ip of DROPPED) assert.equal(decision(config, 3, connection(ip)), 'exclude', ip);
    for (const ip of LOGGED) assert.equal(decision(config, 3, connection(ip)), 'include', ip);
    assert.equal(decision(config, 3, connection('8.8.8.8', false)), 'exclude');
    assert.equal(decision(config, 3, connection('10.1.2.3', true, 'C:\\x\\chrome.exe')), 'exclude');
    assert.match(summary.join('\n'), /below 4\.70 has no "not begin with"/);
  });

  it('refuses a schema without <Rule>, and a merge below 4.70, saying why', () => {
    assert.throws(() => generate({ schema: 4.21 }), (e: unknown) => e instanceof GenerateError && /needs schemaversion 4\.22 or later/.test(e.message));
    const base = parseSysmonConfig('<Sysmon schemaversion="4.50"><EventFiltering/></Sysmon>').config;
    assert.throws(() => generate({ schema: 4.6, merge: { config: base, file: 'x.xml' } }), (e: unknown) => e instanceof GenerateError && /merging needs schemaversion 4\.70/.test(e.message) && /Upgrade Sysmon/.test(e.message));
  });
});

describe('the focused executor list is the detection pack\'s', () => {
  it('reads the pack rule: shells and LOLBins, not ASP.NET\'s compilers', () => {
    const executors = w3wpExecutors();
    const doc = parse(readFileSync(`${packRules('iis-webshell')}/${EXECUTOR_RULE}`, 'utf8')) as { detection: { selection_child: Record<string, string[]> } };
    assert.deepEqual(executors, doc.detection.selection_child['Image|endswith']);
    for (const e of ['\\cmd.exe', '\\powershell.exe', '\\pwsh.exe', '\\whoami.exe', '\\net.exe', '\\net1.exe', '\\certutil.exe', '\\bitsadmin.exe', '\\mshta.exe', '\\rundll32.exe', '\\regsvr32.exe', '\\wscript.exe', '\\cscript.exe']) assert.ok(executors.includes(e), e);
    for (const e of ['\\csc.exe', '\\vbc.exe', '\\cvtres.exe', '\\werfault.exe']) assert.ok(!executors.map((x) => x.toLowerCase()).includes(e), e);
  });
});

describe('merged into the community configs', () => {
  for (const file of sharedSysmonConfigs()) {
    for (const mode of ['broad', 'focused'] as const) {
      it(`${basename(file)} (${mode})`, () => {
        const original = parseSysmonConfig(readFileSync(file), file).config;
        const { config, text, summary } = generate({ mode, merge: { config: original, file: basename(file) } });
        assert.deepEqual(parseSysmonConfig(text).problems, [], 'Sysmon accepts the printed config');
        for (const ip of LOGGED) assert.equal(decision(config, 3, connection(ip)), 'include', ip);
        // Not a target: decided as the original decides, or logged where an exclusion was carved.
        for (const ip of DROPPED) {
          const was = decision(original, 3, connection(ip));
          if (was === 'include') assert.equal(decision(config, 3, connection(ip)), 'include', ip);
        }
        assert.equal(decision(config, 1, process(CMD, W3WP)), 'include');
        const cmd = process(CMD, 'C:\\Windows\\explorer.exe');
        assert.equal(decision(config, 1, cmd), decision(original, 1, cmd), 'a cmd.exe not under w3wp.exe: as the config decided');
        assert.equal(decision(config, 1, cmd), 'include');
        const csc = decision(config, 1, process(CSC, W3WP));
        if (mode === 'broad') assert.equal(csc, 'include');
        else assert.equal(csc, decision(original, 1, process(CSC, W3WP)), 'focused: csc.exe is not the profile\'s; the config decides');
        assert.ok(summary[0].includes(`merged into ${basename(file)}`));
      });
    }
  }

  it('raises SwiftOnSecurity\'s schemaversion and says so; keeps sysmon-modular\'s', () => {
    for (const file of sharedSysmonConfigs()) {
      const original = parseSysmonConfig(readFileSync(file), file).config;
      const { config, summary } = generate({ merge: { config: original, file } });
      if ((original.schema ?? 0) < 4.7) {
        assert.equal(config.schemaVersion, '4.70', file);
        assert.ok(summary.some((l) => l.includes(`schemaversion raised ${original.schemaVersion} → 4.70`)), file);
      } else assert.equal(config.schemaVersion, original.schemaVersion, file);
    }
  });
});

describe('--allow: the iis-webshell allowlist as exclusions for w3wp.exe only', () => {
  const allow = [
    'destinations:',
    '  - 52.1.2.3              # payment gateway',
    '  - 151.101.64.0/18',
    "  - '*.api.example.com'",
    'ports: [1433]',
    'child_images:',
    "  - '\\magick.exe'",
    "  - 'C:\\Program Files\\wkhtmltopdf\\bin\\wkhtmltopdf.exe'",
    'command_lines:',
    "  - 'cmd.exe /c \"C:\\inetpub\\scripts\\rotate-logs.cmd\"*'",
  ].join('\n');

  it('drops the allowed w3wp.exe events, and nothing of any other process', () => {
    for (const merge of [undefined, ...sharedSysmonConfigs().slice(0, 2).map((f) => ({ config: parseSysmonConfig(readFileSync(f), f).config, file: f }))]) {
      const { config, summary } = generate({ allow: { text: allow, file: 'allow.yml' }, ...(merge ? { merge } : {}) });
      const without = generate(merge ? { merge } : {}).config;
      const allowed: [number, EventFields][] = [
        [3, connection('52.1.2.3')], [3, connection('151.101.70.5')], [3, { ...connection('93.184.216.34'), DestinationHostname: 'eu.api.example.com' }],
        [3, { ...connection('93.184.216.34'), DestinationPort: 1433 }],
        [1, process('D:\\tools\\magick.exe', W3WP)], [1, process('C:\\Program Files\\wkhtmltopdf\\bin\\wkhtmltopdf.exe', W3WP)],
        [1, { ...process(CMD, W3WP), CommandLine: 'cmd.exe /c "C:\\inetpub\\scripts\\rotate-logs.cmd" daily' }],
      ];
      for (const [id, fields] of allowed) {
        assert.equal(decision(config, id, fields), 'exclude', `${merge?.file ?? 'standalone'}: ${JSON.stringify(fields)}`);
        // The same event from another process is decided as without the allowlist.
        const other = id === 3 ? { ...fields, Image: 'C:\\x\\chrome.exe' } : { ...fields, ParentImage: 'C:\\Windows\\explorer.exe' };
        assert.equal(decision(config, id, other), decision(without, id, other), JSON.stringify(other));
      }
      assert.equal(decision(config, 3, connection('52.1.2.33')), 'include', 'an address beginning like an allowed one');
      assert.equal(decision(config, 3, connection('151.101.128.1')), 'include', 'outside the allowed range');
      assert.equal(decision(config, 1, process(CMD, W3WP)), 'include');
      assert.ok(summary.some((l) => /ProcessCreate: 3 allowlist exclusion\(s\) for w3wp\.exe added/.test(l)), summary.join('\n'));
      assert.ok(summary.some((l) => /note: allow\.yml: host names match DestinationHostname/.test(l)));
    }
  });

  it('names the file and line of each mistake, and writes nothing', () => {
    const bad = 'destinations:\n  - 10.0.0.0/40\n  - 0.0.0.0/0\ncommand_lines:\n  - "*"\nfrobs: [1]\n';
    assert.throws(() => generate({ allow: { text: bad, file: 'bad.yml' } }), (e: unknown) => {
      assert.ok(e instanceof GenerateError);
      assert.match(e.message, /bad\.yml:2: '10\.0\.0\.0\/40' is not a CIDR range/);
      assert.match(e.message, /bad\.yml:3: '0\.0\.0\.0\/0' is every address/);
      assert.match(e.message, /bad\.yml:5: '\*' matches every CommandLine/);
      assert.match(e.message, /bad\.yml:6: unknown key 'frobs'/);
      assert.ok(e.message.indexOf('bad.yml:3') < e.message.indexOf('bad.yml:6'), 'in line order');
      return true;
    });
  });

  it('turns * patterns into begin/contains/end filters, and says when order is lost', () => {
    const show = (p: string): string => { const w = wildcardFilters('CommandLine', p); return typeof w === 'string' ? w : `${w.filters.map((f) => `${f.condition}:${f.value}`).join(' & ')}${w.approximate ? ' (approximate)' : ''}`; };
    assert.equal(show('a b'), 'is:a b');
    assert.equal(show('*.example.com'), 'end with:.example.com');
    assert.equal(show('cmd /c *'), 'begin with:cmd /c ');
    assert.equal(show('*rotate*'), 'contains:rotate');
    assert.equal(show('a*b'), 'begin with:a & end with:b');
    assert.equal(show('a*b*c'), 'begin with:a & contains:b & end with:c (approximate)');
  });
});

describe('the linter finds nothing in what generate writes', () => {
  const allow = { text: 'destinations: [52.1.2.3, 151.101.64.0/18, "*.api.example.com"]\nports: [1433]\nchild_images: ["\\\\magick.exe"]\ncommand_lines: ["cmd.exe /c x*"]\n', file: 'allow.yml' };
  /** Error and warning findings per code. */
  const serious = (text: string | Uint8Array, file: string): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const f of lintSysmonConfig(text, file).findings) if (f.severity !== 'info') counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
    return counts;
  };

  it('on its own: no finding at all, in both modes, with an allowlist, and in the pre-4.70 form', () => {
    for (const options of [{ mode: 'broad' }, { mode: 'focused' }, { mode: 'broad', allow }, { mode: 'focused', allow }, { mode: 'broad', schema: 4.5, allow }] as const) {
      assert.deepEqual(lintSysmonConfig(generate(options).text, 'generated.xml').findings, [], JSON.stringify(options));
    }
  });

  it('merged into each community config: no error or warning the original did not have', () => {
    for (const file of sharedSysmonConfigs()) {
      const bytes = readFileSync(file);
      const before = serious(bytes, file);
      const original = parseSysmonConfig(bytes, file).config;
      for (const mode of ['broad', 'focused'] as const) {
        const after = serious(generate({ mode, allow, merge: { config: original, file } }).text, file);
        for (const [code, n] of after) assert.ok(n <= (before.get(code) ?? 0), `${basename(file)} (${mode}): ${n} ${code} findings, ${before.get(code) ?? 0} before`);
      }
    }
  });
});
