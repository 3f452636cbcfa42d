/**
 * The simulator's index must never change a verdict: for each community config, real
 * Sysmon events of the corpus, and events built from the config's own filter values (so
 * that most rules match something), give the same verdicts indexed and scanned in order.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EventValue } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';
import { tagOfEventId } from './catalog.js';
import { isSysmonEvent } from './events.js';
import { eventBlocks } from './model.js';
import { parseSysmonConfig } from './parse.js';
import { SysmonSimulator } from './simulate.js';

interface Sample { eventId: number; fields: Record<string, EventValue> }

/** Sysmon events of the corpus (EVTX files whose names say Sysmon, plus any others found). */
async function corpusSysmonEvents(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const file of listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)) {
    for await (const b of decodeFile(file, { render: false })) {
      for (const e of b.events) if (isSysmonEvent(e) && e.provider !== '') out.push({ eventId: e.event_id, fields: e.data });
    }
  }
  return out;
}

/** Variants of real events whose fields take the values the config's filters name. */
function variants(config: ReturnType<typeof parseSysmonConfig>['config'], real: readonly Sample[]): Sample[] {
  const out: Sample[] = [];
  const byTag = new Map<string, Sample[]>();
  for (const s of real) {
    const tag = tagOfEventId(s.eventId)?.tag;
    if (tag !== undefined) byTag.set(tag, [...(byTag.get(tag) ?? []), s]);
  }
  let n = 0;
  for (const { block } of eventBlocks(config)) {
    const bases = byTag.get(block.tag) ?? [];
    if (bases.length === 0) continue;
    const filters = block.items.flatMap((i) => (i.kind === 'filter' ? [i] : i.kind === 'rule' ? i.items.filter((f) => f.kind === 'filter') : []));
    for (const f of filters) {
      if (f.kind !== 'filter') continue;
      const base = bases[n++ % bases.length];
      const v = f.value.split(';')[0];
      const value = f.condition === 'contains' || f.condition === 'contains all' ? `x${v}y` : f.condition === 'begin with' ? `${v}\\tail.exe` : f.condition === 'end with' || f.condition === 'image' ? `C:\\dir\\${v}` : v;
      out.push({ eventId: base.eventId, fields: { ...base.fields, [f.field]: value } });
    }
  }
  return out;
}

describe('simulator index agrees with the in-order scan', () => {
  let real: Sample[] = [];
  before(async () => { real = await corpusSysmonEvents(); });

  it('found Sysmon events in the corpus', () => {
    assert.ok(real.length > 1000, `only ${real.length} Sysmon events`);
  });

  for (const file of sharedSysmonConfigs()) {
    it(`gives the same verdicts for ${basename(file)}`, () => {
      const { config } = parseSysmonConfig(readFileSync(file));
      const indexed = new SysmonSimulator(config, { indexFrom: 1 });
      const scanned = new SysmonSimulator(config, { indexFrom: Infinity });
      const made = variants(config, real);
      const samples = [...real, ...made];
      let decided = 0;
      for (const [i, s] of samples.entries()) {
        const a = indexed.decide(s.eventId, s.fields);
        const b = scanned.decide(s.eventId, s.fields);
        assert.deepEqual(a, b, `event ${s.eventId} ${JSON.stringify(s.fields).slice(0, 300)}`);
        if (i >= real.length && (a.reason === 'include-rule' || a.reason === 'exclude-rule')) decided++;
      }
      assert.ok(decided > made.length / 2, `rules decided only ${decided} of ${made.length} events made to match them: the variants do not exercise the rules`);
    });
  }
});
