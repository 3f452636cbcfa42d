/**
 * The merge's guarantees (merge.ts), proved with the simulator: every event the original
 * config logs is still logged, and the profile's events are logged too — on small configs
 * for each default of shared/specs/windows-events.md §1, and on the six community configs
 * over every Sysmon event of the corpus, plus those events turned into w3wp.exe's.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EventValue } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';
import { isNonPublicText } from './addresses.js';
import { andRule, filter } from './build.js';
import { isSysmonEvent } from './events.js';
import { generateSysmonConfig } from './generate.js';
import { mergeProfile, MergeError } from './merge.js';
import { eventBlocks, type SysmonConfig } from './model.js';
import { parseSysmonConfig } from './parse.js';
import { iisWebshellProfile, type IisMode } from './profiles/iis-webshell.js';
import { w3wpExecutors } from './profiles/w3wp-executors.js';
import { SysmonSimulator } from './simulate.js';

const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const PROFILE = iisWebshellProfile({ mode: 'broad', schema: 4.7, executors: ['\\cmd.exe'] });

function config(filtering: string, schema = '4.90'): SysmonConfig {
  return parseSysmonConfig(`<Sysmon schemaversion="${schema}"><EventFiltering>${filtering}</EventFiltering></Sysmon>`).config;
}

function merged(c: SysmonConfig, mode: IisMode = 'broad'): SysmonConfig {
  return mergeProfile(c, mode === 'broad' ? PROFILE : iisWebshellProfile({ mode, schema: 4.7, executors: ['\\cmd.exe'] }), 4.7).config;
}

const child = { ParentImage: W3WP, Image: 'C:\\inetpub\\wwwroot\\evil.exe' };
const outbound = { Image: W3WP, Initiated: 'true', DestinationIp: '8.8.8.8', DestinationPort: '443' };
const decide = (c: SysmonConfig, id: number, fields: Record<string, unknown>): string => new SysmonSimulator(c).decide(id, fields).decision;

describe('where the profile\'s include rules go (§1 defaults)', () => {
  it('no ProcessCreate block: nothing added (an include would silence every other process), a comment says why', () => {
    const m = mergeProfile(config(''), PROFILE, 4.7);
    assert.deepEqual(m.report.included, ['NetworkConnect']);
    assert.equal(eventBlocks(m.config).filter(({ block }) => block.tag === 'ProcessCreate').length, 0);
    assert.ok(m.config.filtering.some((i) => i.kind === 'comment' && /ProcessCreate block, and Sysmon then logs every ProcessCreate event/.test(i.text)));
    assert.equal(decide(m.config, 1, child), 'include');
    assert.equal(decide(m.config, 1, { ParentImage: 'C:\\Windows\\explorer.exe', Image: CMD }), 'include');
    assert.equal(decide(m.config, 3, outbound), 'include');
  });

  it('one exclude block: carved, no include added, the rest still logged by default', () => {
    const c = config('<ProcessCreate onmatch="exclude"><Image condition="begin with">C:\\inetpub\\</Image></ProcessCreate><NetworkConnect onmatch="exclude"><DestinationPort>443</DestinationPort></NetworkConnect>');
    const m = mergeProfile(c, PROFILE, 4.7);
    assert.deepEqual(m.report.included, []);
    assert.equal(m.report.byDefault.length, 2);
    assert.equal(eventBlocks(m.config).length, 2);
    assert.equal(decide(m.config, 1, child), 'include');
    assert.equal(decide(m.config, 3, outbound), 'include');
    assert.equal(decide(m.config, 1, { ParentImage: 'C:\\x\\svc.exe', Image: 'C:\\inetpub\\x.exe' }), 'exclude', 'still excluded for other parents');
    assert.equal(decide(m.config, 3, { ...outbound, Image: 'C:\\x\\chrome.exe' }), 'exclude');
    assert.equal(decide(m.config, 3, { ...outbound, Image: 'C:\\x\\chrome.exe', DestinationPort: '80' }), 'include');
  });

  it('include blocks, or several exclude blocks: an include group is added', () => {
    for (const filtering of [
      '<ProcessCreate onmatch="include"><Image condition="end with">\\powershell.exe</Image></ProcessCreate>',
      '<ProcessCreate onmatch="exclude"><Image>a</Image></ProcessCreate><ProcessCreate onmatch="exclude"><Image>b</Image></ProcessCreate>',
    ]) {
      const c = config(filtering);
      const m = mergeProfile(c, PROFILE, 4.7);
      assert.ok(m.report.included.includes('ProcessCreate'), filtering);
      assert.equal(new SysmonSimulator(m.config).decide(1, child).ruleName, 'haetae iis-webshell: w3wp.exe started a process');
      assert.equal(decide(m.config, 1, { Image: 'C:\\x\\powershell.exe' }), decide(c, 1, { Image: 'C:\\x\\powershell.exe' }));
      assert.equal(decide(m.config, 1, { Image: CMD }), 'exclude', 'unmatched events stay dropped, as before');
    }
  });

  it('keeps the order, comments and names of the original, and appends its own groups at the end', () => {
    const c = config('<!--first--><RuleGroup name="mine" groupRelation="or"><NetworkConnect onmatch="include"><Image name="x">C:\\x.exe</Image></NetworkConnect></RuleGroup><!--last-->');
    const m = mergeProfile(c, PROFILE, 4.7).config;
    assert.deepEqual(m.filtering.slice(0, 3), c.filtering);
    assert.match(m.filtering[m.filtering.length - 1].kind === 'group' ? (m.filtering[m.filtering.length - 1] as { name: string }).name : '', /^haetae iis-webshell/);
  });

  it('refuses to merge twice', () => {
    const once = merged(config('<NetworkConnect onmatch="include"><Image>x</Image></NetworkConnect>'));
    assert.throws(() => mergeProfile(once, PROFILE, 4.7), (e: unknown) => e instanceof MergeError && /already has the iis-webshell rules/.test(e.message));
  });

  it('refuses the pre-4.70 exclusion form where the config has blocks of the type', () => {
    const old = iisWebshellProfile({ mode: 'broad', schema: 4.5, executors: ['\\cmd.exe'] });
    assert.ok(old.parts.some((p) => p.exclude !== undefined));
    assert.throws(() => mergeProfile(config('<NetworkConnect onmatch="include"><Image>x</Image></NetworkConnect>', '4.50'), old, 4.5), MergeError);
  });
});

describe('schemaversion', () => {
  it('is raised to 4.70 when lower, kept when higher', () => {
    assert.equal(mergeProfile(config('', '4.50'), PROFILE, 4.7).config.schemaVersion, '4.70');
    assert.deepEqual(mergeProfile(config('', '4.50'), PROFILE, 4.7).report.schemaRaised, { from: '4.50', to: '4.70' });
    assert.equal(mergeProfile(config('', '4.83'), PROFILE, 4.7).config.schemaVersion, '4.83');
    assert.equal(mergeProfile(config('', '4.83'), PROFILE, 4.7).report.schemaRaised, null);
  });

  it('raised across 4.1, blocks whose loose filters were OR\'ed get <RuleGroup groupRelation="or"> and mean the same', () => {
    const c = config('<ProcessCreate onmatch="include"><ParentImage condition="end with">\\explorer.exe</ParentImage><Image condition="end with">\\powershell.exe</Image></ProcessCreate>'
      + '<NetworkConnect onmatch="include"><DestinationPort>4444</DestinationPort></NetworkConnect>', '3.40');
    const m = mergeProfile(c, PROFILE, 4.7);
    assert.equal(m.report.wrapped.length, 1, 'the NetworkConnect block has one loose filter: nothing to keep');
    const grid = [
      { ParentImage: 'C:\\Windows\\explorer.exe', Image: CMD }, { ParentImage: 'C:\\x\\svc.exe', Image: 'C:\\x\\powershell.exe' },
      { ParentImage: 'C:\\x\\svc.exe', Image: CMD },
    ];
    for (const e of grid) assert.equal(decide(m.config, 1, e), decide(c, 1, e), JSON.stringify(e));
    assert.equal(decide(m.config, 1, grid[0]), 'include', 'OR: the parent alone is enough');
  });

  it('refuses a config without a usable schemaversion', () => {
    assert.throws(() => mergeProfile(config('', 'x'), PROFILE, 4.7), /is not a version number/);
  });
});

describe('exclusions (an allowlist) never change what else is logged', () => {
  const rule = andRule([filter('ParentImage', 'end with', '\\w3wp.exe'), filter('Image', 'end with', '\\magick.exe')], 'allowlist: \\magick.exe');
  const exclusions = [{ tag: 'ProcessCreate', rules: [rule], source: 'allowlist test.yml' }];
  const magick = { ParentImage: W3WP, Image: 'C:\\tools\\magick.exe' };

  it('go into the first exclude block of the type (the block count, hence the default, unchanged)', () => {
    const c = config('<ProcessCreate onmatch="exclude"><Image>C:\\a.exe</Image></ProcessCreate>');
    const m = mergeProfile(c, PROFILE, 4.7, { exclusions });
    assert.deepEqual(m.report.excluded, [{ tag: 'ProcessCreate', rules: 1, line: 1 }]);
    assert.equal(eventBlocks(m.config).filter(({ block }) => block.tag === 'ProcessCreate').length, 1);
    assert.equal(decide(m.config, 1, magick), 'exclude');
    assert.equal(decide(m.config, 1, { ...magick, ParentImage: 'C:\\x\\svc.exe' }), 'include', 'only w3wp.exe\'s child');
    assert.equal(decide(m.config, 1, child), 'include');
  });

  it('or into a new exclude block when the type has none', () => {
    for (const filtering of ['', '<ProcessCreate onmatch="include"><Image condition="end with">magick.exe</Image></ProcessCreate>']) {
      const m = mergeProfile(config(filtering), PROFILE, 4.7, { exclusions });
      assert.equal(m.report.excluded[0].line, 0);
      assert.equal(decide(m.config, 1, magick), 'exclude');
      assert.equal(decide(m.config, 1, { ...magick, ParentImage: 'C:\\x\\svc.exe' }), 'include', filtering);
      assert.equal(decide(m.config, 1, { ParentImage: 'C:\\x\\svc.exe', Image: CMD }), filtering === '' ? 'include' : 'exclude', filtering);
    }
  });
});

interface Sample { eventId: number; fields: Record<string, EventValue> }

describe('merged into the community configs, over the corpus', () => {
  const samples: Sample[] = [];
  before(async () => {
    for (const file of listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)) {
      for await (const b of decodeFile(file, { render: false })) {
        for (const e of b.events) if (isSysmonEvent(e) && e.provider !== '') samples.push({ eventId: e.event_id, fields: e.data });
      }
    }
    assert.ok(samples.length > 3000, `${samples.length} Sysmon events in the corpus`);
  });

  const executors = w3wpExecutors();
  /** The corpus events turned into the profile's targets: w3wp.exe children, w3wp.exe outbound to public addresses. */
  function targets(mode: IisMode): Sample[] {
    return samples.flatMap((s, i): Sample[] => {
      if (s.eventId === 1) {
        const image = mode === 'broad' ? s.fields.Image : `C:\\Windows\\System32${executors[i % executors.length]}`;
        return [{ eventId: 1, fields: { ...s.fields, ParentImage: W3WP, Image: image ?? '' } }];
      }
      if (s.eventId === 3) {
        const ip = String(s.fields.DestinationIp ?? '');
        return [{ eventId: 3, fields: { ...s.fields, Image: W3WP, Initiated: true, DestinationIp: isNonPublicText(ip) ? '93.184.216.34' : ip } }];
      }
      return [];
    });
  }

  for (const file of sharedSysmonConfigs()) {
    for (const mode of ['broad', 'focused'] as const) {
      it(`${basename(file)} (${mode}): logs all it logged, and every w3wp.exe target`, () => {
        const original = parseSysmonConfig(readFileSync(file), file).config;
        const result = generateSysmonConfig({ profile: 'iis-webshell', mode, merge: { config: original, file } });
        const was = new SysmonSimulator(original), now = new SysmonSimulator(result.config);
        let logged = 0;
        for (const s of samples) {
          if (was.decide(s.eventId, s.fields).decision !== 'include') continue;
          logged++;
          assert.equal(now.decide(s.eventId, s.fields).decision, 'include', `${s.eventId} ${JSON.stringify(s.fields)}`);
        }
        const wanted = targets(mode);
        for (const s of wanted) assert.equal(now.decide(s.eventId, s.fields).decision, 'include', `target ${s.eventId} ${JSON.stringify(s.fields)}`);
        assert.ok(logged > 0 && wanted.length > 500, `${logged} logged, ${wanted.length} targets`);
      });
    }
  }
});
