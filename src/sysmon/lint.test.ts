/**
 * The linter against the facts of shared/specs/windows-events.md §1: each check has a case
 * that fires and cases that must not, and where a finding claims an effect, the simulator
 * (simulate.ts, Sysmon's rule engine reproduced) shows it on an event.
 *
 * The last suite lints every config in ../shared/sysmon-configs and compares the findings
 * (per config, sorted `line code severity`) with src/sysmon/testdata/lint-snapshot.txt,
 * whose findings were reviewed by hand. After a deliberate change, regenerate it with
 *   npx tsc -p . && HAETAE_UPDATE_SNAPSHOTS=1 node --test dist/src/sysmon/lint.test.js
 * and review the diff before committing.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../testing/corpus.js';
import { sharedSysmonConfigs, testConfig } from '../testing/sysmon.js';
import { formatFindings, lintSysmonConfig, type Finding } from './lint.js';
import { parseSysmonConfig } from './parse.js';
import { SysmonSimulator, type EventFields } from './simulate.js';

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const CHROME = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';

/** A config whose `lines` start at line 3 (line 1 `<Sysmon>`, line 2 `<EventFiltering>`). */
function config(lines: readonly string[], schema = '4.90'): string {
  return [`<Sysmon schemaversion="${schema}">`, '<EventFiltering>', ...lines, '</EventFiltering>', '</Sysmon>'].join('\n');
}

function lint(lines: readonly string[], schema = '4.90'): Finding[] {
  return [...lintSysmonConfig(config(lines, schema), 'test.xml').findings];
}

/** Findings as `line code severity`, the snapshot's form. */
function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.line} ${f.code} ${f.severity}`);
}

function only(findings: readonly Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

function logged(xml: string, eventId: number, fields: EventFields): boolean {
  return new SysmonSimulator(parseSysmonConfig(xml).config).decide(eventId, fields).decision === 'include';
}

/** The §1 "correct form" for w3wp.exe outbound connections to non-private addresses. */
const W3WP_OUTBOUND = [
  '<RuleGroup name="iis" groupRelation="or">',
  '<NetworkConnect onmatch="include">',
  '<Rule name="w3wp outbound" groupRelation="and">',
  '<Image condition="end with">\\w3wp.exe</Image>',
  '<Initiated condition="is">true</Initiated>',
  ...['10.', '192.168.', '127.', '169.254.', ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.`), '::1', 'fe80:', 'fc', 'fd']
    .map((p) => `<DestinationIp condition="not begin with">${p}</DestinationIp>`),
  '</Rule>',
  '</NetworkConnect>',
  '</RuleGroup>',
];

describe('the IIS guide snippets (§1 "What this means for the IIS guide")', () => {
  it('guide-network.xml: CIDR in "is not", the same-field "is not" lines OR\'ed, the "or" RuleGroup logging every connection', () => {
    const { findings } = lintSysmonConfig(testConfig('guide-network.xml'), 'guide-network.xml');
    assert.deepEqual(brief(findings), ['12 always-true error', '12 cidr error', '13 cidr error', '14 cidr error']);
    const [always] = only(findings, 'always-true');
    assert.deepEqual(always.related, [13, 14, 15]);
    assert.match(always.effect, /4 negative filters on DestinationIp \(lines 12, 13, 14 and 15\) are OR'ed/);
    assert.match(always.effect, /<RuleGroup groupRelation="or"> makes every filter of the block a rule of its own/);
    assert.match(always.effect, /it logs every NetworkConnect event on the host/);
    assert.match(always.effect, /whatever the filters on Image say/);
    for (const cidr of only(findings, 'cidr')) assert.match(cidr.effect, /is true for every event — it filters out nothing/);
    assert.match(only(findings, 'cidr')[1].fix, /"172\.16\.", "172\.17\.", .*"172\.31\."/);
    // The simulator agrees: private destinations of any process are logged.
    const xml = testConfig('guide-network.xml');
    assert.ok(logged(xml, 3, { Image: CHROME, DestinationIp: '192.168.1.5' }));
    assert.ok(logged(xml, 3, { Image: W3WP, DestinationIp: '10.1.2.3' }));
  });

  it('the same block ANDed (no "or" group) logs every w3wp connection, private ones included', () => {
    const xml = testConfig('guide-network.xml').replace('<RuleGroup name="" groupRelation="or">', '<RuleGroup name="">');
    const [always] = only(lintSysmonConfig(xml).findings, 'always-true');
    assert.equal(always.severity, 'error');
    assert.match(always.effect, /as filters on one field of a block always are/);
    assert.match(always.effect, /the block matches every NetworkConnect event that the filters on Image match — and logs it/);
    assert.ok(logged(xml, 3, { Image: W3WP, DestinationIp: '10.1.2.3' }));
    assert.ok(!logged(xml, 3, { Image: CHROME, DestinationIp: '8.8.8.8' }));
  });

  it('guide-process.xml: the include-only ProcessCreate block silences all other process logging', () => {
    const { findings } = lintSysmonConfig(testConfig('guide-process.xml'), 'guide-process.xml');
    assert.deepEqual(brief(findings), ['8 silences-default warning']);
    assert.match(findings[0].effect, /ProcessCreate is logged by default/);
    assert.match(findings[0].effect, /every other process start on the host stops being logged \(simulated: cmd\.exe started by explorer\.exe is dropped\)/);
    const explorerCmd = { Image: CMD, ParentImage: 'C:\\Windows\\explorer.exe' };
    assert.ok(!logged(testConfig('guide-process.xml'), 1, explorerCmd));
    assert.ok(logged(config([]), 1, explorerCmd), 'logged with no ProcessCreate block');
  });

  it('the §1 correct form for w3wp outbound connections lints clean, and does what it says', () => {
    const xml = config(W3WP_OUTBOUND);
    assert.deepEqual(lintSysmonConfig(xml).findings, []);
    assert.ok(logged(xml, 3, { Image: W3WP, Initiated: 'true', DestinationIp: '8.8.8.8' }));
    for (const ip of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', 'fe80:0:0:0:1:2:3:4', 'fd00::1']) assert.ok(!logged(xml, 3, { Image: W3WP, Initiated: 'true', DestinationIp: ip }), ip);
    assert.ok(!logged(xml, 3, { Image: CHROME, Initiated: 'true', DestinationIp: '8.8.8.8' }));
  });
});

describe('cidr', () => {
  it('"is" with a range never matches an address in it', () => {
    const lines = ['<NetworkConnect onmatch="include">', '<DestinationIp>10.0.0.0/8</DestinationIp>', '</NetworkConnect>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['4 cidr error']);
    assert.match(f.effect, /never matches/);
    assert.match(f.fix, /a DestinationIp condition="begin with" filter with "10\."/);
    assert.ok(!logged(config(lines), 3, { DestinationIp: '10.1.2.3' }));
  });

  it('"is not" with a range is true for every address', () => {
    const lines = ['<NetworkConnect onmatch="include">', '<Rule groupRelation="and">', '<Image condition="end with">\\w3wp.exe</Image>', '<DestinationIp condition="is not">fe80::/10</DestinationIp>', '</Rule>', '</NetworkConnect>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['6 cidr error']);
    assert.match(f.fix, /"not begin with" filter for each of "fe8", "fe9", "fea", "feb"/);
    assert.ok(logged(config(lines), 3, { Image: W3WP, DestinationIp: 'fe80::1' }));
  });

  it('says when the declared schema is too old for "not begin with", and handles ranges without a text form', () => {
    const [old] = lint(['<NetworkConnect onmatch="exclude">', '<DestinationIp condition="is not">10.0.0.0/8</DestinationIp>', '</NetworkConnect>'], '4.50');
    assert.match(old.fix, /declares schema 4\.5, so raise schemaversion/);
    const [wide] = lint(['<NetworkConnect onmatch="include">', '<DestinationIp condition="contains any">2001:db8::/32;x</DestinationIp>', '</NetworkConnect>']);
    assert.equal(wide.code, 'cidr');
    assert.match(wide.fix, /split 2001:db8::\/32 on octet boundaries/);
  });

  it('leaves prefixes, addresses and other slashes alone', () => {
    assert.deepEqual(lint(['<NetworkConnect onmatch="include">', '<DestinationIp condition="begin with">10.</DestinationIp>', '<DestinationIp>8.8.8.8</DestinationIp>', '<DestinationHostname condition="end with">a/b</DestinationHostname>', '</NetworkConnect>',
      '<ProcessCreate onmatch="exclude">', '<CommandLine condition="contains">1.2.3/4</CommandLine>', '</ProcessCreate>']), []);
  });
});

describe('wildcard', () => {
  it('a glob or regex in a path field never matches (Windows names cannot hold * or ?)', () => {
    const lines = ['<FileCreate onmatch="include">', '<TargetFilename condition="end with">.*proj</TargetFilename>', '<TargetFilename condition="is">C:\\Users\\?\\a.txt</TargetFilename>', '</FileCreate>'];
    const findings = lint(lines);
    assert.deepEqual(brief(findings), ['4 wildcard error', '5 wildcard error']);
    assert.match(findings[0].effect, /the regular expression "\.\*" is compared as the characters themselves/);
    assert.match(findings[0].fix, /condition="end with" "proj"/);
    assert.ok(!logged(config(lines), 11, { TargetFilename: 'C:\\src\\app.csproj' }));
  });

  it('a glued * elsewhere is matched literally (warning), with a rewrite', () => {
    const lines = ['<ProcessCreate onmatch="include">', '<CommandLine condition="contains">mimi*dump</CommandLine>', '</ProcessCreate>'];
    const [f] = only(lint(lines), 'wildcard');
    assert.deepEqual(brief([f]), ['4 wildcard warning']);
    assert.match(f.fix, /<Rule groupRelation="and"> with CommandLine begin with "mimi" and CommandLine end with "dump"/);
    assert.ok(!logged(config(lines), 1, { CommandLine: 'mimikatz sekurlsa::minidump' }));
    assert.ok(logged(config(lines), 1, { CommandLine: 'x mimi*dump y' }));
  });

  it('does not flag real values: registry keys named *, autochk *, \\\\?\\ and \\??\\ paths, GUIDs, C$, the cmd caret', () => {
    assert.deepEqual(lint([
      '<RegistryEvent onmatch="include">', '<TargetObject condition="contains">Classes\\*\\</TargetObject>', '<TargetObject condition="contains">{945a8954-c147-4acd-923f-40c45405a658}</TargetObject>', '</RegistryEvent>',
      '<ProcessCreate onmatch="exclude">', '<CommandLine condition="is">\\??\\C:\\Windows\\system32\\autochk.exe *</CommandLine>', '<Image condition="is">\\\\?\\C:\\Windows\\system32\\wbem\\WMIADAP.EXE</Image>',
      '<CommandLine condition="contains">^</CommandLine>', '<Image condition="begin with">C:\\$Recycle.bin\\</Image>', '<CommandLine condition="contains">-DisableRealTimeMonitoring $true</CommandLine>', '</ProcessCreate>',
      '<PipeEvent onmatch="include">', '<PipeName condition="contains">c$</PipeName>', '</PipeEvent>',
    ]), []);
  });
});

describe('always-true', () => {
  const twoIsNot = ['<Image condition="is not">C:\\a.exe</Image>', '<Image condition="is not">C:\\b.exe</Image>'];

  it('two "is not" on one field in an "or" RuleGroup: the include block logs every event', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<ImageLoad onmatch="include">', ...twoIsNot, '</ImageLoad>', '</RuleGroup>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['5 always-true error']);
    assert.deepEqual(f.related, [6]);
    assert.match(f.effect, /it logs every ImageLoad event on the host/);
    assert.ok(logged(config(lines), 7, { Image: 'C:\\a.exe' }), 'even C:\\a.exe, which one of the lines names');
  });

  it('in an exclude block it drops every event', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<ImageLoad onmatch="exclude">', ...twoIsNot, '</ImageLoad>', '</RuleGroup>'];
    const [f] = lint(lines);
    assert.match(f.effect, /it drops every ImageLoad event: none is logged/);
    assert.ok(!logged(config(lines), 7, { Image: 'C:\\x.exe' }));
  });

  it('under schema <= 4.1 a block ORs its filters', () => {
    const [f] = lint(['<ImageLoad onmatch="include">', ...twoIsNot, '</ImageLoad>'], '4.10');
    assert.equal(f.code, 'always-true');
    assert.match(f.effect, /schemaversion 4\.1 \(<= 4\.1\) ORs the filters of a block/);
  });

  it('in a <Rule> without groupRelation (reported as such too)', () => {
    const lines = ['<ImageLoad onmatch="include">', '<Rule name="r">', ...twoIsNot, '</Rule>', '</ImageLoad>'];
    assert.deepEqual(brief(lint(lines)), ['4 rule-without-relation warning', '5 always-true error']);
    assert.ok(logged(config(lines), 7, { Image: 'C:\\a.exe' }));
  });

  it('on one field of an AND block the negative filters are OR\'ed too', () => {
    const lines = ['<ImageLoad onmatch="include">', '<Signed>false</Signed>', ...twoIsNot, '</ImageLoad>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['5 always-true error']);
    assert.deepEqual(f.related, [6]);
    assert.match(f.effect, /matches every ImageLoad event that the filters on Signed match/);
    assert.ok(logged(config(lines), 7, { Signed: 'false', Image: 'C:\\a.exe' }));
  });

  it('OR\'ed negatives that leave some values out are "nearly" always true (warning), with the exceptions named', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<ImageLoad onmatch="include">', '<Image condition="excludes">temp</Image>', '<Image condition="excludes">\\users\\</Image>', '</ImageLoad>', '</RuleGroup>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['5 always-true warning']);
    assert.match(f.effect, /except where Image contains "temp" and Image contains "\\users\\"/);
    assert.ok(logged(config(lines), 7, { Image: 'C:\\Windows\\Temp\\x.dll' }));
    assert.ok(!logged(config(lines), 7, { Image: 'C:\\Users\\a\\Temp\\x.dll' }));
  });

  it('a single negative filter of an "or" include block logs every event except one value', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<NetworkConnect onmatch="include">', '<Image condition="end with">\\w3wp.exe</Image>', '<DestinationPort condition="is not">443</DestinationPort>', '</NetworkConnect>', '</RuleGroup>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['6 always-true warning']);
    assert.match(f.effect, /matches every NetworkConnect event except where DestinationPort is "443" — it logs all of them/);
    assert.ok(logged(config(lines), 3, { Image: CHROME, DestinationPort: '80' }));
  });

  it('a positive and a negative filter on one field of an AND block are OR\'ed', () => {
    const [f] = only(lint(['<ProcessCreate onmatch="include">', '<ParentImage condition="end with">\\w3wp.exe</ParentImage>', '<Image condition="end with">\\cmd.exe</Image>', '<Image condition="is not">C:\\Windows\\System32\\cmd.exe</Image>', '</ProcessCreate>']), 'always-true');
    assert.deepEqual(brief([f]), ['5 always-true warning']);
  });

  it('stays quiet where negatives are ANDed or qualify other fields', () => {
    assert.deepEqual(lint(['<ImageLoad onmatch="include">', '<Rule groupRelation="and">', ...twoIsNot, '<Signed>false</Signed>', '</Rule>', '</ImageLoad>']), []);
    assert.deepEqual(lint(['<NetworkConnect onmatch="include">', '<Image condition="end with">\\w3wp.exe</Image>', '<DestinationPort condition="is not">443</DestinationPort>', '</NetworkConnect>']), []);
  });
});

describe('silences-default', () => {
  it('an include block for ProcessTerminate stops every other exit from being logged', () => {
    const lines = ['<ProcessTerminate onmatch="include">', '<Image condition="begin with">C:\\Users\\</Image>', '</ProcessTerminate>', '<ProcessTerminate onmatch="exclude">', '<Image condition="contains">x</Image>', '</ProcessTerminate>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['3 silences-default warning']);
    assert.deepEqual(f.related, [6]);
    assert.match(f.effect, /with the exclude block at line 6 as well, an event that no block matches is dropped too/);
    assert.ok(!logged(config(lines), 5, { Image: 'C:\\Windows\\System32\\notepad.exe' }));
  });

  it('exclude-only process blocks and include blocks of other types keep the default', () => {
    assert.deepEqual(lint(['<ProcessCreate onmatch="exclude">', '<Image condition="end with">\\svchost.exe</Image>', '</ProcessCreate>', '<NetworkConnect onmatch="include">', '<Image condition="end with">\\w3wp.exe</Image>', '</NetworkConnect>']), []);
  });
});

describe('schema: config, unknown-field, newer-than-schema, schema-version', () => {
  it('reports parser problems as errors: unknown tag, unknown condition, bad onmatch', () => {
    const findings = lint(['<ProcessCreat onmatch="include"/>', '<ProcessCreate onmatch="include">', '<Image condition="ends with">x</Image>', '</ProcessCreate>', '<ImageLoad onmatch="maybe"/>']);
    assert.deepEqual(brief(findings).filter((f) => f.includes('config')), ['3 config error', '5 config error', '7 config error']);
  });

  it('reports fields the event type does not have, and fields in the wrong case', () => {
    const findings = lint(['<NetworkConnect onmatch="include">', '<CommandLine condition="contains">x</CommandLine>', '<image condition="end with">\\x.exe</image>', '</NetworkConnect>']);
    assert.deepEqual(brief(findings), ['4 unknown-field error', '5 unknown-field error']);
    assert.match(findings[0].fix, /Use one of the NetworkConnect fields: UtcTime, ProcessGuid/);
    assert.match(findings[1].effect, /<image> is spelled <Image> in Sysmon's schema/);
  });

  it('reports tags, elements, conditions, fields and names newer than schemaversion', () => {
    const findings = lint(['<RuleGroup name="g">', '<DnsQuery onmatch="include">', '<QueryName name="n" condition="not end with">x</QueryName>', '</DnsQuery>', '</RuleGroup>',
      '<ProcessCreate onmatch="exclude">', '<Rule groupRelation="and">', '<ParentUser>x</ParentUser>', '<OriginalFileName condition="is any">a;b</OriginalFileName>', '</Rule>', '</ProcessCreate>'], '4.00');
    assert.deepEqual(brief(findings), [
      '3 newer-than-schema error', '4 newer-than-schema error', '5 newer-than-schema error', '5 newer-than-schema error',
      '9 newer-than-schema error', '10 newer-than-schema error', '11 newer-than-schema error', '11 newer-than-schema error',
    ]);
    assert.match(findings[0].effect, /<RuleGroup> came with schema 4\.20; this config declares 4\.00/);
    assert.match(findings.map((f) => f.effect).join('\n'), /condition="not end with" came with schema 4\.70/);
    assert.deepEqual(lint(['<DnsQuery onmatch="include">', '<QueryName name="n" condition="not end with">x</QueryName>', '</DnsQuery>']), []);
  });

  it('reports a missing or malformed schemaversion once, as schema-version', () => {
    for (const head of ['<Sysmon>', '<Sysmon schemaversion="four">']) {
      const { findings } = lintSysmonConfig(`${head}<EventFiltering/></Sysmon>`);
      assert.deepEqual(brief(findings), ['1 schema-version error'], head);
    }
  });
});

describe('rule-without-relation', () => {
  it('warns for two filters (Sysmon ORs them), informs for one', () => {
    const lines = ['<ProcessCreate onmatch="include">', '<Rule name="a">', '<ParentImage condition="end with">\\w3wp.exe</ParentImage>', '<Image condition="end with">\\cmd.exe</Image>', '</Rule>',
      '<Rule name="b">', '<Image condition="end with">\\whoami.exe</Image>', '</Rule>', '<Rule name="c" groupRelation="and">', '<Image condition="end with">\\net.exe</Image>', '</Rule>', '</ProcessCreate>'];
    const findings = only(lint(lines), 'rule-without-relation');
    assert.deepEqual(brief(findings), ['4 rule-without-relation warning', '8 rule-without-relation info']);
    assert.match(findings[0].effect, /Sysmon ORs its 2 filters/);
    assert.ok(logged(config(lines), 1, { ParentImage: 'C:\\Windows\\explorer.exe', Image: CMD }), 'cmd.exe without w3wp matches the OR');
  });
});

describe('duplicate', () => {
  it('reports the same filter twice in a block or a <Rule>, and the same <Rule> twice, with both lines', () => {
    const findings = lint(['<ProcessCreate onmatch="exclude">', '<Image condition="end with">\\a.exe</Image>', '<Image condition="end with">\\A.EXE</Image>',
      '<Rule groupRelation="and">', '<User>x</User>', '<User>X</User>', '</Rule>',
      '<Rule groupRelation="and">', '<User>x</User>', '<User>X</User>', '</Rule>', '</ProcessCreate>']);
    assert.deepEqual(brief(only(findings, 'duplicate')), ['5 duplicate info', '8 duplicate info', '10 duplicate info', '12 duplicate info']);
    assert.deepEqual(only(findings, 'duplicate').map((f) => f.related), [[4], [7], [6], [11]]);
  });

  it('is quiet for the same value under another condition or field', () => {
    assert.deepEqual(lint(['<ProcessCreate onmatch="exclude">', '<Image condition="end with">\\a.exe</Image>', '<Image condition="contains">\\a.exe</Image>', '<ParentImage condition="end with">\\a.exe</ParentImage>', '</ProcessCreate>'])
      .filter((f) => f.code === 'duplicate'), []);
  });
});

describe('unreachable', () => {
  it('an include rule that an exclude filter subsumes never logs', () => {
    const lines = ['<ProcessCreate onmatch="include">', '<Image>C:\\x\\a.exe</Image>', '</ProcessCreate>', '<ProcessCreate onmatch="exclude">', '<Image condition="end with">.exe</Image>', '</ProcessCreate>'];
    const [f] = lint(lines).filter((x) => x.code === 'unreachable');
    assert.deepEqual(brief([f]), ['4 unreachable warning']);
    assert.deepEqual(f.related, [7]);
    assert.ok(!logged(config(lines), 1, { Image: 'C:\\x\\a.exe' }));
  });

  it('an AND <Rule> with contradictory filters never matches', () => {
    const lines = ['<ProcessCreate onmatch="include">', '<Rule groupRelation="and">', '<Image>C:\\a.exe</Image>', '<Image>C:\\b.exe</Image>', '</Rule>', '</ProcessCreate>'];
    const [f] = only(lint(lines), 'unreachable');
    assert.deepEqual(brief([f]), ['4 unreachable warning']);
    assert.ok(!logged(config(lines), 1, { Image: 'C:\\a.exe' }) && !logged(config(lines), 1, { Image: 'C:\\b.exe' }));
  });

  it('a filter subsumed by an earlier one of the same scope adds nothing: "contains cmd" makes "end with cmd.exe" useless', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<ProcessCreate onmatch="include">', '<Image condition="contains">cmd</Image>', '<Image condition="end with">cmd.exe</Image>', '</ProcessCreate>', '</RuleGroup>'];
    const [f] = only(lint(lines), 'unreachable');
    assert.deepEqual(brief([f]), ['6 unreachable info']);
    assert.deepEqual(f.related, [5]);
    assert.equal(new SysmonSimulator(parseSysmonConfig(config(lines)).config).decide(1, { Image: CMD }).line, 5);
  });

  it('same-field filters of an AND block, OR\'ed: the narrower adds nothing', () => {
    const [f] = only(lint(['<ProcessCreate onmatch="include">', '<ParentImage condition="end with">\\w3wp.exe</ParentImage>', '<Image condition="contains">\\temp\\</Image>', '<Image condition="contains">\\Temp\\x</Image>', '</ProcessCreate>']), 'unreachable');
    assert.deepEqual(brief([f]), ['6 unreachable info']);
  });

  it('is quiet when the narrower rule comes first with its own name (it sets the RuleName), or nothing subsumes', () => {
    const lines = ['<RuleGroup groupRelation="or">', '<ProcessCreate onmatch="include">', '<Image name="specific" condition="end with">\\cmd.exe</Image>', '<Image name="broad" condition="contains">cmd</Image>', '</ProcessCreate>', '</RuleGroup>',
      '<ProcessCreate onmatch="exclude">', '<Image condition="begin with">C:\\Users\\x\\</Image>', '</ProcessCreate>'];
    assert.deepEqual(only(lint(lines), 'unreachable'), []);
    assert.equal(new SysmonSimulator(parseSysmonConfig(config(lines)).config).decide(1, { Image: CMD }).ruleName, 'specific');
  });
});

describe('unescaped-ampersand', () => {
  it('reports each bare & with its line and still lints the rest', () => {
    const xml = config(['<!-- a & b in a comment is fine', 'over two lines & more -->', '<ProcessCreate onmatch="exclude">', '<CommandLine condition="contains">a &amp; b &#38; c &#x26; d</CommandLine>',
      '<CommandLine condition="contains">cmd /c a & b</CommandLine>', '</ProcessCreate>', '<NetworkConnect onmatch="include">', '<DestinationIp>10.0.0.0/8</DestinationIp>', '</NetworkConnect>']);
    const { findings } = lintSysmonConfig(xml);
    assert.deepEqual(brief(findings), ['7 unescaped-ampersand error', '10 cidr error']);
    assert.match(findings[0].effect, /column 44/);
    assert.equal(findings[0].rule, '<CommandLine condition="contains">cmd /c a & b</CommandLine>');
  });
});

describe('empty-include', () => {
  it('an include block with no filters logs nothing of the type; beside another include it adds nothing', () => {
    const lines = ['<ImageLoad onmatch="include"/>', '<DnsQuery onmatch="include"/>', '<DnsQuery onmatch="include">', '<QueryName condition="end with">.onion</QueryName>', '</DnsQuery>', '<FileCreate onmatch="exclude"/>'];
    const findings = lint(lines);
    assert.deepEqual(brief(findings), ['3 empty-include info', '4 empty-include info']);
    assert.match(findings[0].effect, /no ImageLoad event is logged/);
    assert.match(findings[1].effect, /adds nothing to the include block at line 5/);
    assert.ok(!logged(config(lines), 7, { Image: CMD }));
    assert.ok(logged(config(lines), 11, { Image: CMD }), 'an empty exclude block logs everything');
  });

  it('an empty ProcessCreate include turns the default process logging off', () => {
    const [f] = lint(['<ProcessCreate onmatch="include"/>']);
    assert.deepEqual(brief([f]), ['3 empty-include info']);
    assert.match(f.effect, /with no ProcessCreate block at all, Sysmon would log every one/);
  });
});

describe('more value checks: whitespace, string-compare, bare-file-name, forward-slash, condition-case', () => {
  it('whitespace at an anchored end is compared as written', () => {
    const lines = ['<ProcessCreate onmatch="include">', '<Image condition="end with">\\cmd.exe </Image>', '<CommandLine condition="begin with"> x</CommandLine>', '<CommandLine condition="contains"> -enc </CommandLine>', '</ProcessCreate>'];
    assert.deepEqual(brief(only(lint(lines), 'whitespace')), ['4 whitespace warning', '5 whitespace info']);
    assert.ok(!logged(config(lines, '4.1'), 1, { Image: CMD }));
  });

  it('less than / more than with a number compare text', () => {
    const lines = ['<NetworkConnect onmatch="include">', '<DestinationPort condition="less than">1024</DestinationPort>', '</NetworkConnect>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['4 string-compare warning']);
    assert.match(f.effect, /"80" is not less than "1024"/);
    assert.ok(!logged(config(lines), 3, { DestinationPort: '80' }));
  });

  it('"is" with a bare file name on a path field never matches; "is not" is always true', () => {
    const lines = ['<PipeEvent onmatch="include">', '<Rule groupRelation="and">', '<PipeName condition="begin with">\\PSHost</PipeName>', '<Image condition="is not">powershell.exe</Image>', '</Rule>', '</PipeEvent>',
      '<ProcessCreate onmatch="include">', '<ParentImage condition="is">csc.exe</ParentImage>', '<Image condition="is">System</Image>', '<Image condition="image">cmd.exe</Image>', '</ProcessCreate>'];
    const findings = only(lint(lines), 'bare-file-name');
    assert.deepEqual(brief(findings), ['6 bare-file-name warning', '10 bare-file-name warning']);
    assert.match(findings[0].effect, /is true for every event — it excludes nothing/);
    assert.ok(logged(config(lines), 17, { PipeName: '\\PSHost.123', Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }));
    assert.ok(!logged(config(lines), 1, { ParentImage: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\csc.exe', Image: 'C:\\x\\y.exe' }));
  });

  it('a "/" in a Windows path field never matches (Sysmon writes backslashes)', () => {
    const lines = ['<FileDelete onmatch="include">', '<TargetFilename condition="contains">INetCache/Content.Outlook</TargetFilename>', '<TargetFilename condition="contains">\\INetCache\\</TargetFilename>', '</FileDelete>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['4 forward-slash warning']);
    assert.match(f.fix, /"INetCache\\Content\.Outlook"/);
    assert.ok(!logged(config(lines.filter((_, i) => i !== 2)), 23, { TargetFilename: 'C:\\Users\\a\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\x.doc' }));
  });

  it('a condition written in another case is read in Sysmon\'s spelling (info)', () => {
    assert.deepEqual(brief(lint(['<ProcessCreate onmatch="exclude">', '<Image condition="End With">\\a.exe</Image>', '</ProcessCreate>'])), ['4 condition-case info']);
  });
});

describe('several-excludes', () => {
  it('two exclude blocks and no include drop every event (several blocks, no match: dropped)', () => {
    const lines = ['<RuleGroup name="a"><NetworkConnect onmatch="exclude"><Image condition="end with">\\chrome.exe</Image></NetworkConnect></RuleGroup>',
      '<RuleGroup name="b"><NetworkConnect onmatch="exclude"><DestinationPort>53</DestinationPort></NetworkConnect></RuleGroup>'];
    const [f] = lint(lines);
    assert.deepEqual(brief([f]), ['4 several-excludes warning']);
    assert.ok(!logged(config(lines), 3, { Image: W3WP, DestinationPort: '443' }));
  });
});

describe('input and output', () => {
  it('reads UTF-16 with a BOM as Sysmon does', () => {
    const text = testConfig('guide-network.xml');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.deepEqual(lintSysmonConfig(utf16, 'x').findings, lintSysmonConfig(text, 'x').findings);
  });

  it('turns a file that is not XML into one finding naming the line', () => {
    assert.deepEqual(brief(lintSysmonConfig('{"a": "b && c"}', 'x.json').findings), ['1 config error']);
    assert.deepEqual(brief(lintSysmonConfig('<Sysmon schemaversion="4.90">\n<EventFiltering>\n</Sysmon>', 'x.xml').findings), ['3 config error']);
    assert.deepEqual(brief(lintSysmonConfig('<Config/>', 'x.xml').findings), ['1 config error']);
  });

  it('formats findings as file:line: severity [code] effect, rule and fix lines, and a summary', () => {
    const result = lintSysmonConfig(testConfig('guide-network.xml'), 'g.xml');
    const text = formatFindings([result, lintSysmonConfig(testConfig('guide-process.xml'), 'p.xml')]);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^g\.xml:12: error \[always-true\] The 4 negative filters/);
    assert.match(lines[1], /^ {4}rule: NetworkConnect include \(RuleGroup "", or\) › DestinationIp is not "10\.0\.0\.0\/8"$/);
    assert.match(lines[2], /^ {4}fix: {2}Put the filters/);
    assert.equal(lines.at(-1), '2 files: 4 errors, 1 warning, 0 info');
    assert.equal(formatFindings([result], 'error').trimEnd().split('\n').at(-1), 'g.xml: 4 errors, 0 warnings, 0 info');
    assert.equal(formatFindings([lintSysmonConfig(config(W3WP_OUTBOUND), 'ok.xml')]), 'ok.xml: 0 errors, 0 warnings, 0 info\n');
  });
});

const SNAPSHOT = join(projectRoot, 'src', 'sysmon', 'testdata', 'lint-snapshot.txt');

describe('the shared community configs (findings reviewed in testdata/lint-snapshot.txt)', () => {
  it('lints every config of ../shared/sysmon-configs and matches the reviewed snapshot', () => {
    const sections = sharedSysmonConfigs().map((path) => {
      const { findings } = lintSysmonConfig(readFileSync(path), basename(path));
      const lines = brief(findings).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
      return [`## ${basename(path)}`, ...lines].join('\n');
    });
    const actual = sections.join('\n\n') + '\n';
    if (process.env.HAETAE_UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, actual);
    assert.equal(actual, readFileSync(SNAPSHOT, 'utf8'), 'findings changed: review them, then regenerate with HAETAE_UPDATE_SNAPSHOTS=1');
  });
});
