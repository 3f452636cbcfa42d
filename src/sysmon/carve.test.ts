/**
 * Carving targets out of exclusions (carve.ts, target.ts), proved with the simulator: on a
 * grid of events, a carved block drops exactly what it dropped before, except the targets,
 * for every way filters combine (shared/specs/windows-events.md §1).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { filter } from './build.js';
import { CarveError, carveBlock, MAX_COMBINATIONS } from './carve.js';
import type { Condition } from './catalog.js';
import { eventBlocks, type SysmonConfig } from './model.js';
import { parseSysmonConfig } from './parse.js';
import { blockRelation, SysmonSimulator } from './simulate.js';
import { mayMatch, type FieldConstraint, type Target } from './target.js';

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CHILDREN: Target = new Map([['parentimage', { kind: 'suffix', suffixes: ['\\w3wp.exe'] }]]);
const SPARE_CHILDREN = filter('ParentImage', 'not end with', '\\w3wp.exe');

function config(filtering: string, schema = '4.90'): SysmonConfig {
  return parseSysmonConfig(`<Sysmon schemaversion="${schema}"><EventFiltering>${filtering}</EventFiltering></Sysmon>`).config;
}

/** The config with its first block carved. */
function carved(c: SysmonConfig, target: Target, spare = SPARE_CHILDREN): { config: SysmonConfig; lines: readonly number[] } {
  const [{ block, group }] = eventBlocks(c);
  const result = carveBlock(block, blockRelation(c.schema, group), target, spare);
  const filtering = c.filtering.map((i) => (i === block ? result.block : i.kind === 'group' && i === group ? { ...i, items: [result.block] } : i));
  return { config: { ...c, filtering }, lines: result.carved };
}

/** Every combination of the given field values. */
function grid(values: Record<string, readonly string[]>): Record<string, string>[] {
  return Object.entries(values).reduce<Record<string, string>[]>((acc, [field, vs]) => acc.flatMap((e) => vs.map((v) => ({ ...e, [field]: v }))), [{}]);
}

const PROCESSES = grid({
  ParentImage: [W3WP, 'C:\\Windows\\explorer.exe', 'C:\\Windows\\system32\\SearchIndexer.exe', 'C:\\inetsrv\\other.exe'],
  Image: ['C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\system32\\conhost.exe', 'C:\\Splunk\\a.exe', 'C:\\Azure\\b.exe'],
  CommandLine: ['x', 'y'],
});

/** Asserts the carved config logs every target and decides every other event as before. */
function assertCarvedExactly(before: SysmonConfig, after: SysmonConfig, eventId: number, events: readonly Record<string, string>[], isTarget: (e: Record<string, string>) => boolean): void {
  const a = new SysmonSimulator(before), b = new SysmonSimulator(after);
  for (const e of events) {
    const expected = isTarget(e) ? 'include' : a.decide(eventId, e).decision;
    assert.equal(b.decide(eventId, e).decision, expected, JSON.stringify(e));
  }
}

const isW3wpChild = (e: Record<string, string>): boolean => e.ParentImage === W3WP;

describe('could a filter match a target? (target.ts)', () => {
  const suffix: FieldConstraint = { kind: 'suffix', suffixes: ['\\w3wp.exe'] };
  const cases: [Condition, string, boolean][] = [
    ['is', 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', true], ['is', 'C:\\x\\chrome.exe', false],
    ['is any', 'a.exe;C:\\iis\\W3WP.EXE', true], ['is any', 'a.exe;b.exe', false],
    ['end with', 'w3wp.exe', true], ['end with', 'inetsrv\\w3wp.exe', true], ['end with', 'chrome.exe', false],
    ['image', 'w3wp.exe', true], ['image', 'chrome.exe', false], ['image', 'C:\\iis\\w3wp.exe', true], ['image', 'C:\\w3wp.exe.bak', false],
    ['begin with', 'C:\\Program Files\\', true], ['contains', 'inetsrv', true], ['is not', 'x', true],
    ['excludes', 'w3wp', false], ['excludes', 'inetsrv', true], ['excludes any', 'x;w3wp', false], ['excludes all', 'w3wp;inetsrv', true],
    ['not end with', '.exe', false], ['not end with', 'cmd.exe', true], ['not begin with', 'C:\\', true],
  ];
  for (const [condition, value, expected] of cases) {
    it(`${condition} ${value}: ${expected ? 'could' : 'could not'} end with \\w3wp.exe`, () => assert.equal(mayMatch(filter('Image', condition, value), suffix), expected));
  }

  it('judges Initiated and public destinations', () => {
    assert.equal(mayMatch(filter('Initiated', 'is', 'false'), { kind: 'one-of', values: ['true'] }), false);
    assert.equal(mayMatch(filter('Initiated', 'is', 'TRUE'), { kind: 'one-of', values: ['true'] }), true);
    const pub: FieldConstraint = { kind: 'public-address' };
    assert.equal(mayMatch(filter('DestinationIp', 'is', '127.0.0.1'), pub), false);
    assert.equal(mayMatch(filter('DestinationIp', 'begin with', 'fe80:0:0:0'), pub), false);
    assert.equal(mayMatch(filter('DestinationIp', 'is', '23.4.43.27'), pub), true);
    assert.equal(mayMatch(filter('DestinationIp', 'is any', '10.0.0.1;192.168.0.1'), pub), false);
    assert.equal(mayMatch(filter('DestinationIp', 'begin with', '8.'), pub), true);
    assert.equal(mayMatch(filter('DestinationIp', 'contains', '.1'), pub), true);
  });
});

describe('carving an exclude block (carve.ts)', () => {
  it('OR block: a loose filter that could match becomes an AND Rule with the spare filter; the others stay', () => {
    const before = config('<RuleGroup groupRelation="or"><ProcessCreate onmatch="exclude">\n<Image name="n">C:\\Windows\\system32\\conhost.exe</Image><!--why-->\n<ParentImage>C:\\Windows\\system32\\SearchIndexer.exe</ParentImage>\n</ProcessCreate></RuleGroup>');
    const after = carved(before, CHILDREN);
    assert.deepEqual(after.lines, [2]);
    const [{ block }] = eventBlocks(after.config);
    assert.deepEqual(block.items.map((i) => i.kind), ['rule', 'comment', 'filter']);
    const rule = block.items[0];
    assert.ok(rule.kind === 'rule' && rule.groupRelation === 'and' && rule.items[0].kind === 'filter' && rule.items[0].name === 'n', 'the filter keeps its name');
    assertCarvedExactly(before, after.config, 1, PROCESSES, isW3wpChild);
  });

  it('AND block: the loose filters get the spare filter as one more field', () => {
    const before = config('<ProcessCreate onmatch="exclude"><Image condition="begin with">C:\\Splunk\\</Image><Image condition="begin with">C:\\Azure\\</Image><CommandLine>x</CommandLine></ProcessCreate>');
    const after = carved(before, CHILDREN);
    assert.equal(after.lines.length, 3);
    assert.deepEqual(eventBlocks(after.config)[0].block.items.map((i) => i.kind === 'filter' ? i.field : i.kind), ['Image', 'Image', 'CommandLine', 'ParentImage']);
    assertCarvedExactly(before, after.config, 1, PROCESSES, isW3wpChild);
  });

  it('AND block with loose filters on the spared field: rewritten as one AND Rule per combination', () => {
    const before = config('<RuleGroup groupRelation="and"><ProcessCreate onmatch="exclude"><ParentImage condition="contains">inetsrv</ParentImage><ParentImage>C:\\Windows\\explorer.exe</ParentImage><Image condition="end with">cmd.exe</Image><Image condition="end with">conhost.exe</Image></ProcessCreate></RuleGroup>');
    const after = carved(before, CHILDREN);
    const rules = eventBlocks(after.config)[0].block.items.filter((i) => i.kind === 'rule');
    assert.equal(rules.length, 4);
    assertCarvedExactly(before, after.config, 1, PROCESSES, isW3wpChild);
  });

  it('AND block whose spared-field filters cannot match a target is left alone', () => {
    const before = config('<ProcessCreate onmatch="exclude"><ParentImage>C:\\Windows\\explorer.exe</ParentImage><Image condition="end with">cmd.exe</Image></ProcessCreate>');
    const after = carved(before, CHILDREN);
    assert.deepEqual(after.lines, []);
    assert.deepEqual(after.config, before);
  });

  it('refuses a rewrite of more than MAX_COMBINATIONS rules, naming the line', () => {
    const images = Array.from({ length: MAX_COMBINATIONS + 1 }, (_, i) => `<Image>C:\\x${i}.exe</Image>`).join('');
    const before = config(`<ProcessCreate onmatch="exclude">\n<ParentImage condition="contains">inetsrv</ParentImage>${images}</ProcessCreate>`);
    assert.throws(() => carved(before, CHILDREN), (e: unknown) => e instanceof CarveError && /^line 2: .* would become 257 rules/.test(e.message));
  });

  it('AND Rule: the spare filter is appended; OR Rule: the filters that could match leave it', () => {
    const before = config('<RuleGroup groupRelation="or"><ProcessCreate onmatch="exclude">'
      + '<Rule groupRelation="and"><Image condition="end with">cmd.exe</Image><CommandLine>x</CommandLine></Rule>'
      + '<Rule name="r"><Image condition="end with">conhost.exe</Image><ParentImage>C:\\Windows\\system32\\SearchIndexer.exe</ParentImage></Rule>'
      + '<Rule groupRelation="or"><CommandLine>y</CommandLine></Rule>'
      + '</ProcessCreate></RuleGroup>');
    const after = carved(before, CHILDREN);
    const items = eventBlocks(after.config)[0].block.items;
    assert.deepEqual(items.map((i) => (i.kind === 'rule' ? `${i.name ?? ''}/${i.groupRelation ?? '-'}/${i.items.length}` : i.kind)), ['/and/3', 'r/-/1', 'r/and/2', '/and/2']);
    assertCarvedExactly(before, after.config, 1, PROCESSES, isW3wpChild);
  });

  it('NetworkConnect: only exclusions that could match w3wp.exe\'s outbound public connections are narrowed', () => {
    const target: Target = new Map<string, FieldConstraint>([['image', { kind: 'suffix', suffixes: ['\\w3wp.exe'] }], ['initiated', { kind: 'one-of', values: ['true'] }], ['destinationip', { kind: 'public-address' }]]);
    const before = config('<RuleGroup groupRelation="or"><NetworkConnect onmatch="exclude">'
      + '<DestinationIp>127.0.0.1</DestinationIp><DestinationIp condition="begin with">fe80:0:0:0</DestinationIp><DestinationIp>23.4.43.27</DestinationIp>'
      + '<Image condition="end with">winlogbeat.exe</Image><DestinationHostname condition="end with">.microsoft.com</DestinationHostname>'
      + '<Rule groupRelation="and"><Initiated>false</Initiated><DestinationPort>443</DestinationPort></Rule>'
      + '</NetworkConnect></RuleGroup>', '4.50');
    const after = carved(before, target, filter('Image', 'not end with', '\\w3wp.exe'));
    assert.equal(after.lines.length, 2, 'the public address and the host name');
    const events = grid({
      Image: [W3WP, 'C:\\x\\winlogbeat.exe', 'C:\\x\\chrome.exe'], Initiated: ['true', 'false'],
      DestinationIp: ['127.0.0.1', 'fe80:0:0:0:1:2:3:4', '23.4.43.27', '8.8.8.8'], DestinationHostname: ['a.microsoft.com', '-'], DestinationPort: ['443'],
    });
    const isTarget = (e: Record<string, string>): boolean => e.Image === W3WP && e.Initiated === 'true' && ['23.4.43.27', '8.8.8.8'].includes(e.DestinationIp);
    assertCarvedExactly(before, after.config, 3, events, isTarget);
  });
});
