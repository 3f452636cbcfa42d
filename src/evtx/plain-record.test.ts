import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decodeEvtx, type EvtxRecord } from './index.js';
import { usePlainRecordShapes } from './plain-record.js';
import { eventFromRecord, eventFromXml } from '../event/index.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

const json = (v: unknown): string => JSON.stringify(v, (k, x) => (k === 'template' ? undefined : typeof x === 'bigint' ? `${x}n` : x));

/** Every corpus record with a plain (template-less) record among its file's, decoded with `decode`. */
function plainFileRecords(decode: (r: EvtxRecord) => string): { lines: string[]; shaped: number } {
  const root = join(corpusRoot, 'evtx');
  const lines: string[] = [];
  let shaped = 0;
  for (const f of listFiles(root, /\.evtx$/i)) {
    const chunks = [...decodeEvtx(readFileSync(f))];
    if (!chunks.some((c) => c.records.some((r) => !(r.nodes.length === 1 && r.nodes[0].kind === 'instance')))) continue;
    for (const c of chunks) {
      for (const i of c.issues) lines.push(`${relative(root, f)}: ${i.reason}`);
      for (const r of c.records) {
        if (r.instance !== null && r.instance.template.guid === undefined) shaped++;
        lines.push(`${relative(root, f)} ${r.recordId} ${decode(r)}`);
      }
    }
  }
  return { lines, shaped };
}

test('records written without templates decode through their learnt structure exactly as through the generic decoder', () => {
  // The Event is built first, so that the node tree is built afterwards from the instance.
  const decode = (r: EvtxRecord): string => { const e = eventFromRecord(r); return json(e) + json(r.nodes) + json(eventFromXml(r.nodes)); };
  try {
    usePlainRecordShapes(false);
    const generic = plainFileRecords(decode);
    usePlainRecordShapes(true);
    const cold = plainFileRecords(decode);
    const warm = plainFileRecords(decode);
    assert.equal(generic.shaped, 0);
    // 1,287 plain records in 13 files; the first of each structure is learnt from decodeNodes' tree.
    assert.equal(generic.lines.length, 1287);
    assert.ok(cold.shaped >= 1250, `only ${cold.shaped} records took their structure's template`);
    assert.equal(cold.lines.length, generic.lines.length);
    for (let i = 0; i < generic.lines.length; i++) {
      assert.equal(cold.lines[i], generic.lines[i]);
      assert.equal(warm.lines[i], generic.lines[i], 'warm trie');
    }
  } finally {
    usePlainRecordShapes(true);
  }
});
