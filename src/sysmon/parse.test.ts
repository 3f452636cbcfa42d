/**
 * Reading and printing Sysmon configs: every shared community config round-trips, every
 * encoding Sysmon accepts is read, and what cannot be read is named with its line.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { sharedSysmonConfigs, testConfig } from '../testing/sysmon.js';
import { eventBlocks, type SysmonConfig } from './model.js';
import { parseSysmonConfig, SysmonConfigError } from './parse.js';
import { printSysmonConfig } from './print.js';

/** The config without line numbers (printing renumbers lines). */
function withoutLines(c: SysmonConfig): string {
  return JSON.stringify(c, (k, v: unknown) => (k === 'line' ? undefined : v));
}

function utf16(text: string, endian: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le).swap16();
  const mark = endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

describe('reading Sysmon configs', () => {
  for (const file of sharedSysmonConfigs()) {
    it(`reads and round-trips ${basename(file)} without a problem`, () => {
      const { config, problems } = parseSysmonConfig(readFileSync(file), file);
      assert.deepEqual(problems, []);
      assert.ok(eventBlocks(config).length >= 10, 'blocks read');
      const again = parseSysmonConfig(printSysmonConfig(config));
      assert.deepEqual(again.problems, []);
      assert.equal(withoutLines(again.config), withoutLines(config));
      // Comments are kept, in place: the community configs document every rule in them.
      const comments = (readFileSync(file, 'utf8').match(/<!--/g) ?? []).length;
      assert.equal((printSysmonConfig(config).match(/<!--/g) ?? []).length, comments);
    });
  }

  it('reads UTF-16 LE and BE, with and without BOM, and UTF-8 with BOM', () => {
    const text = testConfig('guide-network.xml');
    const expected = withoutLines(parseSysmonConfig(text).config);
    for (const bytes of [utf16(text, 'le', true), utf16(text, 'be', true), utf16(text, 'le', false), utf16(text, 'be', false), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])]) {
      assert.equal(withoutLines(parseSysmonConfig(bytes).config), expected);
    }
  });

  it('models groups, blocks, rules, filters, settings and line numbers', () => {
    const xml = [
      '<Sysmon schemaversion="4.22">',
      '  <HashAlgorithms>md5,sha256</HashAlgorithms>',
      '  <CheckRevocation/>',
      '  <EventFiltering>',
      '    <RuleGroup name="IIS" groupRelation="or">',
      '      <ProcessCreate onmatch="include">',
      '        <!-- children of IIS -->',
      '        <ParentImage name="w3wp child" condition="end with">\\w3wp.exe</ParentImage>',
      '        <Rule name="r" groupRelation="and"><Image condition="image">cmd.exe</Image><CommandLine condition="Contains">a&amp;b</CommandLine></Rule>',
      '      </ProcessCreate>',
      '    </RuleGroup>',
      '    <NetworkConnect onmatch="exclude"/>',
      '  </EventFiltering>',
      '</Sysmon>',
    ].join('\n');
    const { config, problems } = parseSysmonConfig(xml);
    assert.deepEqual(problems, []);
    assert.equal(config.schema, 4.22);
    assert.deepEqual(config.settings.map((s) => (s.kind === 'setting' ? [s.name, s.value, s.line] : s.kind)), [['HashAlgorithms', 'md5,sha256', 2], ['CheckRevocation', '', 3]]);
    assert.equal(config.filteringAt, 2);
    const [group, network] = config.filtering;
    assert.ok(group.kind === 'group' && network.kind === 'block');
    assert.deepEqual([group.name, group.groupRelation, group.line], ['IIS', 'or', 5]);
    const block = group.items[0];
    assert.ok(block.kind === 'block');
    assert.deepEqual([block.tag, block.onmatch, block.line], ['ProcessCreate', 'include', 6]);
    assert.deepEqual(block.items[0], { kind: 'comment', text: ' children of IIS ' });
    assert.deepEqual(block.items[1], { kind: 'filter', field: 'ParentImage', condition: 'end with', value: '\\w3wp.exe', name: 'w3wp child', line: 8 });
    const rule = block.items[2];
    assert.ok(rule.kind === 'rule');
    assert.deepEqual(rule.items.map((f) => (f.kind === 'filter' ? [f.field, f.condition, f.conditionText, f.value] : [])), [['Image', 'image', undefined, 'cmd.exe'], ['CommandLine', 'contains', 'Contains', 'a&b']]);
    assert.deepEqual([network.tag, network.onmatch, network.items.length], ['NetworkConnect', 'exclude', 0]);
    const printed = printSysmonConfig(config);
    assert.match(printed, /<CommandLine condition="Contains">a&amp;b<\/CommandLine>/);
    assert.equal(withoutLines(parseSysmonConfig(printed).config), withoutLines(config));
  });

  it('reads schema 3.x configs (no RuleGroup, no names)', () => {
    const { config, problems } = parseSysmonConfig('<Sysmon schemaversion="3.40"><HashAlgorithms>*</HashAlgorithms><EventFiltering><ProcessCreate onmatch="exclude"><Image>C:\\a.exe</Image></ProcessCreate></EventFiltering></Sysmon>');
    assert.deepEqual(problems, []);
    assert.equal(config.schema, 3.4);
    assert.equal(eventBlocks(config).length, 1);
  });

  it('names the line of what Sysmon would refuse, and reads the rest', () => {
    const xml = '<Sysmon schemaversion="4.90">\n<EventFiltering>\n<ProcesCreate onmatch="include"/>\n<ProcessCreate onmatch="maybe"/>\n<NetworkConnect onmatch="include">\n<Image condition="matches">x</Image>\n<DestinationPort>443</DestinationPort>\n</NetworkConnect>\n<RuleGroup groupRelation="xor"/>\n</EventFiltering>\n</Sysmon>';
    const { config, problems } = parseSysmonConfig(xml);
    assert.deepEqual(problems.map((p) => p.line), [3, 4, 6, 9]);
    assert.match(problems[0].message, /ProcesCreate.*not a Sysmon event tag/);
    assert.match(problems[1].message, /onmatch="maybe"/);
    assert.match(problems[2].message, /condition="matches".*unknown condition/);
    assert.match(problems[3].message, /groupRelation="xor"/);
    const blocks = eventBlocks(config);
    assert.deepEqual(blocks.map((b) => [b.block.tag, b.block.items.length]), [['NetworkConnect', 1]]);
  });

  it('refuses what is not a Sysmon XML document, with the line', () => {
    assert.throws(() => parseSysmonConfig('<Sysmon schemaversion="4.90">\n<EventFiltering>\n<Image>a & b</Image></EventFiltering></Sysmon>', 'c.xml'), (e: Error) => e instanceof SysmonConfigError && /^c\.xml: XML error at line 3/.test(e.message));
    assert.throws(() => parseSysmonConfig('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Sysmon>&e;</Sysmon>'), /DOCTYPE and ENTITY declarations are refused/);
    assert.throws(() => parseSysmonConfig('\n<Config/>', 'c.xml'), /c\.xml:2: the root element is <Config>/);
    assert.throws(() => parseSysmonConfig('not xml'), SysmonConfigError);
  });

  it('reports a missing or malformed schemaversion', () => {
    assert.match(parseSysmonConfig('<Sysmon><EventFiltering/></Sysmon>').problems[0].message, /no schemaversion/);
    assert.match(parseSysmonConfig('<Sysmon schemaversion="four"/>').problems[0].message, /not a version number/);
  });
});
