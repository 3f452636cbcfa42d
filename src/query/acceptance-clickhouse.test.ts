/**
 * The acceptance queries of specs/query-language.md, verbatim, on the whole EVTX corpus
 * imported into the ClickHouse store (a two-shard cluster of local servers) and into the
 * DuckDB store: the ClickHouse store must give DuckDB's rows, with pushdown on and off.
 * (src/cli/query-acceptance.test.ts checks DuckDB's rows against the decoded events.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles } from '../cli/import-files.js';
import { openClickHouseStore, openStore, type Store } from '../store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import type { RowSource } from './exec/context.js';
import { parseQuery } from './parser.js';
import { executeQuery, planQuery } from './plan.js';
import { valueToJson } from './semantics.js';
import { clickhouse } from './sql/clickhouse.js';
import { AllowlistWgetClient } from './wget-client.js';

const EVTX_DIR = join(corpusRoot, 'evtx');
const PARSE = `| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "\`")
| parsekv overlay=t pairdelim="\`" kvdelim=": "`;
const PROCESS = `table sysmon
| search line == "*Process Create*"
${PARSE}
| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)`;

/** The spec's acceptance queries, verbatim but for the port of the IP list's server. */
const QUERIES: Record<string, string> = {
  list: 'table sysmon | fields _time, event_id, level, line',
  process: PROCESS,
  stats: `${PROCESS}
| stats count by Image, Hashes | sort -count`,
  network: `table sysmon | search line == "*Network connection detected*"
${PARSE}
| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, SourcePortName, DestinationIp, DestinationPort`,
  join: `table sysmon
| search line == "*Network connection detected*"
${PARSE}
| join DestinationIp [
    wget url="http://127.0.0.1:PORT/hostslist/ip.txt"
    | eval ip = split(line, "\\r\\n")
    | fields ip
    | explode ip
    | rename ip as DestinationIp
]
| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, DestinationIp, DestinationPort`,
};

let cluster: ClickHouseCluster;
let spoolDir = '';
let duck: Store;
let house: Store;
let server: Server;
let port = 0;

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
  server = createServer((req, res) => {
    res.writeHead(req.url === '/hostslist/ip.txt' ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(req.url === '/hostslist/ip.txt' ? body : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await duck?.close();
  await house?.close();
  await cluster?.stop();
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The ClickHouse store as the query engine sees it, speaking the ClickHouse dialect. */
function clickhouseSource(): RowSource {
  const dialect = (house as RowSource).sqlDialect ?? clickhouse;
  return {
    sqlDialect: dialect,
    tableNames: () => house.tableNames(),
    columns: (table) => house.columns(table),
    scan: (table, request) => house.scan(table, request),
    extraFields: (table) => house.extraFields(table),
    runSql: (sql, parameters) => house.runSql(sql, parameters),
  };
}

/** Rows as JSON lines, sorted; `_id` left out (each store numbers events its own way). */
async function rows(source: RowSource, text: string, pushdown: boolean): Promise<string[]> {
  const out: string[] = [];
  const ctx = { source, now: new Date(), wget: new AllowlistWgetClient(['127.0.0.1']) };
  for await (const batch of executeQuery(parseQuery(text.replace('PORT', String(port))), ctx, { pushdown })) {
    for (const r of batch) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (k !== '_id') o[k] = valueToJson(v);
      out.push(JSON.stringify(o));
    }
  }
  return out.sort();
}

for (const [name, text] of Object.entries(QUERIES)) {
  test(`acceptance on ClickHouse: ${name} — DuckDB's rows, pushdown on and off`, async () => {
    const expected = await rows(duck, text, true);
    assert.ok(expected.length > 0, 'the corpus should give rows');
    const source = clickhouseSource();
    const plan = await planQuery(parseQuery(text.replace('PORT', String(port))), { source, now: new Date() });
    assert.ok(plan.pushed, 'ClickHouse pushes at least the table and search');
    for (const pushdown of [true, false]) {
      const got = await rows(source, text, pushdown);
      assert.equal(got.length, expected.length, `${pushdown ? 'with pushdown' : 'JS only'}: row count`);
      assert.deepEqual(got, expected, pushdown ? 'with pushdown' : 'JS only');
    }
  });
}
