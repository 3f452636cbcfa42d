/**
 * The simulator against Sysmon's documented and observed behaviour: every case of
 * shared/specs/windows-events.md §1 is a test here.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseSysmonConfig } from './parse.js';
import { testConfig } from '../testing/sysmon.js';
import { SysmonSimulator, type EventFields, type Verdict } from './simulate.js';

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';

function simulator(filtering: string, schema = '4.90'): SysmonSimulator {
  return new SysmonSimulator(parseSysmonConfig(`<Sysmon schemaversion="${schema}"><EventFiltering>${filtering}</EventFiltering></Sysmon>`).config);
}

function decision(sim: SysmonSimulator, eventId: number, fields: EventFields): Verdict['decision'] {
  return sim.decide(eventId, fields).decision;
}


describe('Sysmon defaults (§1: no block, one block, several blocks)', () => {
  it('logs ProcessCreate and ProcessTerminate without a block, and no other type', () => {
    const sim = simulator('');
    assert.equal(decision(sim, 1, { Image: CMD }), 'include');
    assert.equal(decision(sim, 5, { Image: CMD }), 'include');
    for (const id of [2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 22, 23]) assert.equal(decision(sim, id, { Image: CMD }), 'exclude', `event ${id}`);
    assert.equal(sim.decide(3, {}).reason, 'no-filter');
  });

  it('an include block drops everything it does not match; an empty include logs nothing', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><Image condition="end with">\\w3wp.exe</Image></NetworkConnect><ProcessCreate onmatch="include"/>');
    assert.equal(decision(sim, 3, { Image: W3WP }), 'include');
    assert.equal(decision(sim, 3, { Image: CMD }), 'exclude');
    assert.equal(sim.decide(3, { Image: CMD }).reason, 'exclude-default');
    assert.equal(decision(sim, 1, { Image: CMD }), 'exclude');
  });

  it('an exclude block keeps everything it does not match; an empty exclude logs everything', () => {
    const sim = simulator('<NetworkConnect onmatch="exclude"><Image condition="end with">\\chrome.exe</Image></NetworkConnect><ImageLoad onmatch="exclude"/>');
    assert.equal(decision(sim, 3, { Image: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' }), 'exclude');
    assert.equal(decision(sim, 3, { Image: W3WP }), 'include');
    assert.equal(sim.decide(3, { Image: W3WP }).reason, 'include-default');
    assert.equal(decision(sim, 7, { Image: W3WP }), 'include');
  });

  it('with an include and an exclude block, an event neither matches is dropped', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><Image condition="end with">\\w3wp.exe</Image></NetworkConnect>'
      + '<NetworkConnect onmatch="exclude"><DestinationPort>53</DestinationPort></NetworkConnect>');
    assert.equal(decision(sim, 3, { Image: CMD, DestinationPort: 443 }), 'exclude');
    assert.equal(sim.decide(3, { Image: CMD, DestinationPort: 443 }).reason, 'exclude-default');
  });

  it('evaluates excludes first: an exclude match drops the event whatever includes say', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Image condition="end with">cmd.exe</Image></ProcessCreate>'
      + '<ProcessCreate onmatch="exclude"><CommandLine condition="contains">/c ver</CommandLine></ProcessCreate>');
    assert.equal(decision(sim, 1, { Image: CMD, CommandLine: 'cmd /c ver' }), 'exclude');
    assert.equal(sim.decide(1, { Image: CMD, CommandLine: 'cmd /c ver' }).reason, 'exclude-rule');
    assert.equal(decision(sim, 1, { Image: CMD, CommandLine: 'cmd /c whoami' }), 'include');
  });

  it('always writes its own service events (4, 16, 255)', () => {
    const sim = simulator('<ProcessCreate onmatch="include"/>');
    for (const id of [4, 16, 255]) assert.deepEqual(sim.decide(id, {}), { decision: 'include', ruleName: null, line: null, reason: 'not-filterable', tag: null });
  });

  it('filters Registry 12/13/14 with one RegistryEvent block, and Pipe 17/18, WMI 19/20/21', () => {
    const sim = simulator('<RegistryEvent onmatch="include"><TargetObject condition="contains">\\Run\\</TargetObject></RegistryEvent>');
    for (const id of [12, 13, 14]) assert.equal(decision(sim, id, { TargetObject: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x' }), 'include');
    assert.equal(decision(sim, 13, { TargetObject: 'HKLM\\Software\\x' }), 'exclude');
  });
});

describe('combining filters (§1: schema-dependent AND/OR, same-field OR, RuleGroup, Rule)', () => {
  const block = '<ProcessCreate onmatch="include"><ParentImage condition="end with">\\w3wp.exe</ParentImage><Image condition="end with">\\cmd.exe</Image><Image condition="end with">\\powershell.exe</Image></ProcessCreate>';

  it('ANDs fields and ORs filters on the same field when schemaversion > 4.1 (4.21)', () => {
    const sim = simulator(block, '4.21');
    assert.equal(decision(sim, 1, { ParentImage: W3WP, Image: CMD }), 'include');
    assert.equal(decision(sim, 1, { ParentImage: W3WP, Image: 'C:\\x\\powershell.exe' }), 'include');
    assert.equal(decision(sim, 1, { ParentImage: W3WP, Image: 'C:\\x\\csc.exe' }), 'exclude');
    assert.equal(decision(sim, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: CMD }), 'exclude');
  });

  it('ORs every filter when schemaversion <= 4.1', () => {
    for (const schema of ['4.1', '4.00', '3.40']) {
      const sim = simulator(block, schema);
      assert.equal(decision(sim, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: CMD }), 'include', schema);
      assert.equal(decision(sim, 1, { ParentImage: W3WP, Image: 'C:\\x\\csc.exe' }), 'include', schema);
      assert.equal(decision(sim, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: 'C:\\x\\csc.exe' }), 'exclude', schema);
    }
  });

  it('lets <RuleGroup groupRelation> override the schema default; without the attribute it ANDs', () => {
    const or = simulator(`<RuleGroup name="g" groupRelation="or">${block}</RuleGroup>`, '4.90');
    assert.equal(decision(or, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: CMD }), 'include');
    const and = simulator(`<RuleGroup name="g">${block}</RuleGroup>`, '4.90');
    assert.equal(decision(and, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: CMD }), 'exclude');
    assert.equal(decision(and, 1, { ParentImage: W3WP, Image: CMD }), 'include');
  });

  it('<Rule groupRelation="and"> ANDs every child, filters on the same field included', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Rule groupRelation="and"><Image condition="begin with">C:\\Windows\\</Image><Image condition="end with">\\cmd.exe</Image></Rule></ProcessCreate>');
    assert.equal(decision(sim, 1, { Image: CMD }), 'include');
    assert.equal(decision(sim, 1, { Image: 'C:\\Temp\\cmd.exe' }), 'exclude');
    assert.equal(decision(sim, 1, { Image: 'C:\\Windows\\notepad.exe' }), 'exclude');
  });

  it('a <Rule> without groupRelation ORs its children (the docs claim AND)', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Rule name="r"><ParentImage condition="end with">\\w3wp.exe</ParentImage><Image condition="end with">\\cmd.exe</Image></Rule></ProcessCreate>');
    assert.equal(decision(sim, 1, { ParentImage: 'C:\\x\\explorer.exe', Image: CMD }), 'include');
    assert.equal(decision(sim, 1, { ParentImage: W3WP, Image: 'C:\\x\\notepad.exe' }), 'include');
  });

  it('each <Rule> is its own rule beside the loose filters of the block', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><DestinationPort>4444</DestinationPort>'
      + '<Rule groupRelation="and"><Image condition="end with">\\w3wp.exe</Image><Initiated>true</Initiated></Rule></NetworkConnect>');
    assert.equal(decision(sim, 3, { Image: CMD, DestinationPort: 4444, Initiated: false }), 'include');
    assert.equal(decision(sim, 3, { Image: W3WP, DestinationPort: 443, Initiated: true }), 'include');
    assert.equal(decision(sim, 3, { Image: W3WP, DestinationPort: 443, Initiated: false }), 'exclude');
  });
});

describe('comparing values (§1: case-insensitive strings, no wildcards, regex or CIDR)', () => {
  it('compares case-insensitively, condition names included', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Image condition="END WITH">\\CMD.EXE</Image></ProcessCreate>');
    assert.equal(decision(sim, 1, { Image: 'c:\\windows\\system32\\cmd.exe' }), 'include');
  });

  it('compares numbers, booleans, GUIDs and hex values as strings', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><Rule groupRelation="and"><Initiated>TRUE</Initiated><DestinationPort>443</DestinationPort><ProcessGuid>{ABCDEF01-0000-0000-0000-000000000000}</ProcessGuid></Rule></NetworkConnect>'
      + '<ProcessAccess onmatch="include"><GrantedAccess>0x1FFFFF</GrantedAccess></ProcessAccess>');
    assert.equal(decision(sim, 3, { Initiated: true, DestinationPort: 443, ProcessGuid: '{abcdef01-0000-0000-0000-000000000000}' }), 'include');
    assert.equal(decision(sim, 3, { Initiated: true, DestinationPort: 4430, ProcessGuid: '{abcdef01-0000-0000-0000-000000000000}' }), 'exclude');
    assert.equal(decision(sim, 10, { GrantedAccess: '0x1fffff' }), 'include');
    assert.equal(decision(sim, 10, { GrantedAccess: '2097151' }), 'exclude');
  });

  it('has no CIDR: "is not 10.0.0.0/8" is true for 10.1.2.3', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><DestinationIp condition="is not">10.0.0.0/8</DestinationIp></NetworkConnect>');
    assert.equal(decision(sim, 3, { DestinationIp: '10.1.2.3' }), 'include');
    const is = simulator('<NetworkConnect onmatch="include"><DestinationIp>10.0.0.0/8</DestinationIp></NetworkConnect>');
    assert.equal(decision(is, 3, { DestinationIp: '10.1.2.3' }), 'exclude');
  });

  it('has no wildcards or regex', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Image>C:\\*\\cmd.exe</Image><CommandLine condition="contains">who.*</CommandLine></ProcessCreate>', '4.1');
    assert.equal(decision(sim, 1, { Image: CMD, CommandLine: 'whoami' }), 'exclude');
    assert.equal(decision(sim, 1, { Image: 'C:\\*\\cmd.exe', CommandLine: '' }), 'include');
  });

  it('less than / more than compare strings, not numbers', () => {
    const sim = simulator('<NetworkConnect onmatch="include"><DestinationPort condition="less than">1024</DestinationPort></NetworkConnect>');
    assert.equal(decision(sim, 3, { DestinationPort: 80 }), 'exclude', '"80" > "1024" as strings');
    assert.equal(decision(sim, 3, { DestinationPort: 1000 }), 'include');
    assert.equal(decision(sim, 3, { DestinationPort: 10000 }), 'include', '"10000" < "1024" as strings');
    const more = simulator('<NetworkConnect onmatch="include"><DestinationPort condition="more than">1024</DestinationPort></NetworkConnect>');
    assert.equal(decision(more, 3, { DestinationPort: 80 }), 'include');
    assert.equal(decision(more, 3, { DestinationPort: 10000 }), 'exclude');
  });

  it('image compares the file name when the value has no backslash, else the whole path', () => {
    const sim = simulator('<ProcessCreate onmatch="include"><Image condition="image">CMD.exe</Image><ParentImage condition="image">C:\\Windows\\System32\\inetsrv\\w3wp.exe</ParentImage></ProcessCreate>', '4.1');
    assert.equal(decision(sim, 1, { Image: 'D:\\tools\\cmd.exe', ParentImage: '' }), 'include');
    assert.equal(decision(sim, 1, { Image: 'D:\\tools\\xcmd.exe', ParentImage: '' }), 'exclude');
    assert.equal(decision(sim, 1, { Image: '', ParentImage: W3WP }), 'include');
    assert.equal(decision(sim, 1, { Image: '', ParentImage: 'D:\\w3wp.exe' }), 'exclude');
  });

  it('implements is any, contains any/all, excludes, excludes any/all, (not) begin/end with', () => {
    const cases: [string, string, string, boolean][] = [
      ['is any', 'a.exe;b.exe', 'B.EXE', true],
      ['is any', 'a.exe;b.exe', 'c.exe', false],
      ['contains any', 'who;net ', 'whoami /all', true],
      ['contains any', 'who;net ', 'ipconfig', false],
      ['contains all', 'net;user', 'net user x', true],
      ['contains all', 'net;user', 'net group', false],
      ['excludes', 'temp', 'c:\\temp\\x', false],
      ['excludes', 'temp', 'c:\\x', true],
      ['excludes any', 'a;b', 'xyz', true], // none present
      ['excludes any', 'a;b', 'xaz', false],
      ['excludes all', 'a;b', 'xaz', true], // one missing
      ['excludes all', 'a;b', 'abz', false],
      ['begin with', 'C:\\Users', 'c:\\users\\x', true],
      ['not begin with', 'C:\\Users', 'c:\\users\\x', false],
      ['not begin with', 'C:\\Users', 'c:\\windows', true],
      ['end with', '.EXE', 'x.exe', true],
      ['not end with', '.exe', 'x.exe', false],
      ['not end with', '.exe', 'x.dll', true],
      ['is not', 'x', 'X', false],
      ['contains', 'Ö', 'xöy', true],
    ];
    for (const [condition, value, event, expected] of cases) {
      const sim = simulator(`<ProcessCreate onmatch="include"><CommandLine condition="${condition}">${value}</CommandLine></ProcessCreate>`);
      assert.equal(decision(sim, 1, { CommandLine: event }), expected ? 'include' : 'exclude', `${condition} ${value} on ${event}`);
    }
  });

  it('matches field names case-insensitively and treats a missing field as empty', () => {
    const sim = simulator('<ProcessAccess onmatch="include"><SourceProcessGuid condition="is not"></SourceProcessGuid></ProcessAccess>');
    assert.equal(decision(sim, 10, { SourceProcessGUID: '{1}' }), 'include');
    assert.equal(decision(sim, 10, {}), 'exclude');
  });
});

describe('RuleName (§1: filter name, else Rule name, else RuleGroup name)', () => {
  const sim = simulator('<RuleGroup name="group"><ProcessCreate onmatch="include">'
    + '<Image name="filter" condition="end with">\\cmd.exe</Image>'
    + '<Rule name="rule" groupRelation="and"><Image condition="end with">\\whoami.exe</Image></Rule>'
    + '<Rule groupRelation="or"><Image condition="end with">\\net.exe</Image></Rule>'
    + '<Rule groupRelation="or"><Image name="inner" condition="end with">\\net1.exe</Image></Rule>'
    + '</ProcessCreate></RuleGroup>');
  it('reports the name at the right level', () => {
    assert.equal(sim.decide(1, { Image: CMD }).ruleName, 'filter');
    assert.equal(sim.decide(1, { Image: 'C:\\x\\whoami.exe' }).ruleName, 'rule');
    assert.equal(sim.decide(1, { Image: 'C:\\x\\net.exe' }).ruleName, 'group');
    assert.equal(sim.decide(1, { Image: 'C:\\x\\net1.exe' }).ruleName, 'inner');
    assert.equal(sim.decide(1, { Image: 'C:\\x\\calc.exe' }).ruleName, null);
  });

  it('reports the first rule in document order when several match, with its line', () => {
    const xml = '<Sysmon schemaversion="4.90"><EventFiltering>\n<ProcessCreate onmatch="exclude">\n<Rule name="second" groupRelation="and"><Image condition="contains">cmd</Image></Rule>\n<Rule name="third" groupRelation="and"><Image condition="end with">.exe</Image></Rule>\n</ProcessCreate></EventFiltering></Sysmon>';
    const v = new SysmonSimulator(parseSysmonConfig(xml).config).decide(1, { Image: CMD });
    assert.equal(v.ruleName, 'second');
    assert.equal(v.line, 3);
  });
});

describe('the IIS guide snippets (§1 "What this means for the IIS guide")', () => {
  const network = new SysmonSimulator(parseSysmonConfig(testConfig('guide-network.xml')).config);
  const processes = new SysmonSimulator(parseSysmonConfig(testConfig('guide-process.xml')).config);

  it('NetworkConnect under an "or" RuleGroup logs every connection on the host, private ones included', () => {
    assert.equal(decision(network, 3, { Image: W3WP, DestinationIp: '10.1.2.3' }), 'include');
    assert.equal(decision(network, 3, { Image: 'C:\\x\\chrome.exe', DestinationIp: '192.168.1.5' }), 'include');
    assert.equal(decision(network, 3, { Image: 'C:\\x\\svchost.exe', DestinationIp: '127.0.0.1' }), 'include', 'the other "is not" lines are still true');
  });

  it('the same NetworkConnect block ANDed (schema > 4.1, no "or" group) logs every w3wp connection', () => {
    const text = testConfig('guide-network.xml').replace('<RuleGroup name="" groupRelation="or">', '<RuleGroup name="">');
    const and = new SysmonSimulator(parseSysmonConfig(text).config);
    assert.equal(decision(and, 3, { Image: W3WP, DestinationIp: '10.1.2.3' }), 'include');
    assert.equal(decision(and, 3, { Image: W3WP, DestinationIp: '127.0.0.1' }), 'include', '"is not 10.0.0.0/8" is true');
    assert.equal(decision(and, 3, { Image: 'C:\\x\\chrome.exe', DestinationIp: '8.8.8.8' }), 'exclude');
  });

  it('ProcessCreate works as ParentImage AND (Image1 OR …) and silences all other process logging', () => {
    assert.equal(decision(processes, 1, { ParentImage: W3WP, Image: CMD }), 'include');
    assert.equal(decision(processes, 1, { ParentImage: W3WP, Image: 'C:\\x\\csc.exe' }), 'exclude');
    assert.equal(decision(processes, 1, { ParentImage: 'C:\\Windows\\explorer.exe', Image: CMD }), 'exclude', 'a cmd.exe outside IIS is no longer logged');
    assert.equal(decision(processes, 1, { ParentImage: 'C:\\Windows\\explorer.exe', Image: 'C:\\x\\mimikatz.exe' }), 'exclude');
  });

  it('ProcessCreate under schema 4.1 ORs: every w3wp child and every cmd.exe anywhere', () => {
    const old = new SysmonSimulator(parseSysmonConfig(testConfig('guide-process.xml').replace('4.90', '4.1')).config);
    assert.equal(decision(old, 1, { ParentImage: W3WP, Image: 'C:\\x\\csc.exe' }), 'include');
    assert.equal(decision(old, 1, { ParentImage: 'C:\\Windows\\explorer.exe', Image: CMD }), 'include');
  });
});
