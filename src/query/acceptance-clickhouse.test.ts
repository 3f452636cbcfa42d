/**
 * The acceptance queries of specs/query-language.md, verbatim, on the whole EVTX corpus
 * imported into the ClickHouse store (a two-shard cluster of local servers) and into the
 * DuckDB store: the ClickHouse store must give DuckDB's rows, with pushdown on and off.
 * (src/cli/query-acceptance.test.ts checks DuckDB's rows against the decoded events.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles } from '../cli/import-files.js';
import { openClickHouseStore, openStore, type Store } from '../store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import { serveText, type TextServer } from './conformance-runner.js';
import type { RowSource } from './exec/context.js';
import { parseQuery } from './parser.js';
import { executeQuery, planQuery } from './plan.js';
import { valueToJson } from './semantics.js';
import { clickhouse } from './sql/clickhouse.js';
import { AllowlistWgetClient } from './wget-client.js';

const EVTX_DIR = join(corpusRoot, 'evtx');
const SPEC = join(corpusRoot, '..', 'specs', 'query-language.md');

/**
 * The spec's acceptance queries, read from the spec itself so they stay verbatim: the
 * code block under "Acceptance queries", one query per blank-line-separated paragraph.
 */
function acceptanceQueries(): string[] {
  const text = readFileSync(requireShared(SPEC), 'utf8');
  const block = /## Acceptance queries[^\n]*\n+```\n([\s\S]*?)\n```/.exec(text);
  if (!block) throw new Error(`${SPEC}: no code block under "## Acceptance queries"`);
  return block[1]!.split(/\n\s*\n/).map((q) => q.trim()).filter((q) => q !== '');
}

let cluster: ClickHouseCluster;
let spoolDir = '';
let duck: Store;
let house: Store;
let http: TextServer | undefined;

before(async () => {
  requireShared(EVTX_DIR);
  const files = listFiles(EVTX_DIR, /\.evtx$/i);
  cluster = await startClickHouseCluster({ shards: 2 });
  spoolDir = mkdtempSync(join(tmpdir(), 'haetae-acceptance-spool-'));
  house = await openClickHouseStore(cluster.storeUrl, { spoolDir });
  duck = await openStore({ memory: true });
  await importFiles(duck, files, { table: 'auto' });
  await importFiles(house, files, { table: 'auto' });
  // Every third destination of the corpus, as the IP list `wget` downloads.
  const ips: string[] = [];
  for await (const batch of executeQuery(parseQuery('table sysmon | search event_id == 3 | fields line'), { source: duck, now: new Date() }, {})) {
    for (const r of batch) {
      const m = /DestinationIp: ([^\r\n]*)/.exec(String(r['line']));
      if (m) ips.push(m[1]!);
    }
  }
  const body = [...new Set(ips)].sort().filter((_, i) => i % 3 === 0).join('\r\n');
  http = await serveText((path) => (path === '/hostslist/ip.txt' ? body : undefined));
});

after(async () => {
  await duck?.close();
  await house?.close();
  await cluster?.stop();
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  await http?.close();
});

/** Rows as JSON lines, sorted; `_id` left out (each store numbers events its own way). */
async function rows(source: RowSource, text: string, pushdown: boolean): Promise<string[]> {
  const out: string[] = [];
  const ctx = { source, now: new Date(), wget: new AllowlistWgetClient(['127.0.0.1']) };
  for await (const batch of executeQuery(parseQuery(text.replace('PORT', String(http!.port))), ctx, { pushdown })) {
    for (const r of batch) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (k !== '_id') o[k] = valueToJson(v);
      out.push(JSON.stringify(o));
    }
  }
  return out.sort();
}

const QUERIES = acceptanceQueries();

test('the spec has the five acceptance queries', () => {
  assert.equal(QUERIES.length, 5);
});

for (const [i, text] of QUERIES.entries()) {
  test(`acceptance on ClickHouse: query ${i + 1} (${text.split('\n').pop()!.slice(0, 50)}) gives DuckDB's rows, pushdown on and off`, async () => {
    const expected = await rows(duck, text, true);
    assert.ok(expected.length > 0, 'the corpus should give rows');
    const source = house;
    assert.equal(house.sqlDialect, clickhouse, 'the ClickHouse store speaks the ClickHouse dialect');
    const query = parseQuery(text.replace('PORT', String(http!.port)));
    const onClickHouse = await planQuery(query, { source, now: new Date() });
    const onDuckDB = await planQuery(query, { source: duck, now: new Date() });
    assert.equal(onClickHouse.pushed?.commandCount, onDuckDB.pushed?.commandCount, 'ClickHouse pushes as much of the query as DuckDB');
    for (const pushdown of [true, false]) {
      const got = await rows(source, text, pushdown);
      assert.equal(got.length, expected.length, `${pushdown ? 'with pushdown' : 'JS only'}: row count`);
      assert.deepEqual(got, expected, pushdown ? 'with pushdown' : 'JS only');
    }
  });
}
