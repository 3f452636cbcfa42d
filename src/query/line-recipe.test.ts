/**
 * The recipe flag (line-recipe.ts) and its use by SQL pushdown: rows built to trip it
 * (values holding the recipe's delimiters, lines that are not Haetae's rendering, typed
 * columns, other event types) must give the JS pipeline's rows with pushdown on, with the
 * flag used and with it ignored, on DuckDB and on ClickHouse (one local server).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyEvent, renderSysmonMessage, type Event, type EventValue } from '../event/index.js';
import { openClickHouseStore, openStore, type Store } from '../store/index.js';
import { startClickHouseCluster, type ClickHouseCluster } from '../testing/clickhouse-cluster.js';
import { corpusRoot, listFiles, requireShared } from '../testing/corpus.js';
import { importFiles } from '../cli/import-files.js';
import type { RowSource } from './exec/context.js';
import { isRecipeEval, isRecipeParsekv, recipeExceptions, recipeLastValues, recipePairs } from './line-recipe.js';
import { readEvtxFileSync } from '../evtx/index.js';
import { eventFromXml, renderLine } from '../event/index.js';
import { parseQuery } from './parser.js';
import { executeQuery, explainPlan, planQuery } from './plan.js';
import { valueToJson } from './semantics.js';

const RECIPE = 'eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "`") | parsekv overlay=t pairdelim="`" kvdelim=": "';

test('recipePairs runs the pipeline\'s eval and parsekv over a line', () => {
  assert.deepEqual(recipePairs('Process Create:\r\nImage: C:\\a.exe\r\nCommandLine: a`b: c\r\nX:'), [['Image', 'C:\\a.exe'], ['CommandLine', 'a'], ['b', 'c'], ['X:', null]]);
});

test('recipeExceptions names every field the recipe does not set to its column\'s text', () => {
  const line = 'Process Create:\r\nImage: C:\\a.exe\r\nProcessId: 42\r\nLogonId: 0x3E7\r\nInitiated: true\r\nCommandLine: x`Image: evil';
  assert.equal(recipeExceptions(line, { Image: 'C:\\a.exe', ProcessId: 42, LogonId: '0x3e7', Initiated: true, CommandLine: 'x`Image: evil' }), '"Image""LogonId""CommandLine"');
  assert.equal(recipeExceptions('Process Create:\r\nImage: a', { Image: 'a' }), '');
  // A field missing from the line, a key without a field, a value the store would change.
  assert.equal(recipeExceptions('T:\r\nA: 1', { B: 'x' }), '"B""A"');
  assert.equal(recipeExceptions('T:\r\nA: \ud800', { A: '\ud800' }), null);
  assert.equal(recipeExceptions('T:\r\nA: [1]', { A: ['1'] }), '"A"');
  assert.equal(recipeExceptions('T:\r\n' + Array.from({ length: 9 }, (_, i) => `K${i}: v`).join('\r\n'), {}), null);
});

/** The reference: the pipeline's pairs, last value per key, keys in first-seen order. */
function referenceLastValues(line: string): Array<[string, string | null]> | null {
  const pairs = recipePairs(line);
  if (pairs === null) return null;
  const last = new Map<string, string | null>();
  for (const [k, v] of pairs) last.set(k, v);
  return [...last];
}

test('recipeLastValues equals the pipeline\'s eval + parsekv on edge cases and random lines', () => {
  const lines = ['', ':', 'a:', 'a:bc', 'a:\r\nb', 'no colon here: x', 'T:\r\nK: v\r\nK: w\r\nJ: 1', 'T:\r\nK:\r\n: v\r\n  \r\n`` ` K : v `X: y: z',
    'T:\r\nA:  spaced  \t\r\nB: \u0000\u001f x \r\nC: a: b\nD', 'x:yz\n\n\n', 'T:\r\nA: 1\r\nA', 'T:\r\nKey:\r\n: \r\n:',
    // A `: ` cut by the trim (no value), a key repeated after another one.
    'T:\r\nK: \r\nJ: 1\r\nK: 2', 'T:\r\nK: `J: : x'];
  let seed = 11;
  const alphabet = ['a', 'B', ':', ' ', ': ', '\n', '\r\n', '`', '\t', '\u0001', 'é', 'K: v', '\u3042'];
  for (let i = 0; i < 5000; i++) {
    let l = '';
    const n = seed % 40;
    for (let j = 0; j < n; j++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; l += alphabet[seed % alphabet.length]; }
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    lines.push(l);
  }
  for (const l of lines) {
    const fast = recipeLastValues(l);
    assert.deepEqual(fast === null ? null : [...fast], referenceLastValues(l), JSON.stringify(l));
  }
});

test('recipeLastValues equals the pipeline\'s eval + parsekv on every corpus event\'s line', () => {
  const dir = requireShared(join(corpusRoot, 'evtx'));
  let lines = 0;
  for (const file of listFiles(dir, /\.evtx$/i)) {
    readEvtxFileSync(file, {}, (chunk) => {
      for (const r of chunk.records) {
        const e = eventFromXml(r.nodes);
        if (e === null) continue;
        const line = renderLine(e);
        const fast = recipeLastValues(line);
        assert.deepEqual(fast === null ? null : [...fast], referenceLastValues(line), `${file} record ${r.recordId}`);
        lines++;
      }
    });
  }
  assert.ok(lines > 20_000, `${lines} lines`);
});

test('the recipe is recognized only verbatim', () => {
  const [, ev, kv] = parseQuery(`table t | ${RECIPE}`).commands;
  assert.ok(isRecipeEval(ev!) && isRecipeParsekv(kv!));
  const [, ev2, kv2] = parseQuery('table t | eval line = substr(line, indexof(line, ":") + 2) | parsekv overlay=f pairdelim="`" kvdelim=": "').commands;
  assert.ok(!isRecipeEval(ev2!) && !isRecipeParsekv(kv2!));
});

/** A Sysmon event of `id` with `data`, its line rendered (or given: NXLog's Message is Windows' own). */
function sysmonEvent(n: number, id: number, data: Record<string, EventValue>, line?: string): Event {
  const e = emptyEvent();
  e._time = new Date(Date.UTC(2024, 4, 1, 0, 0, n)).toISOString();
  e.host = `WS-${n % 3}`;
  e.channel = 'Microsoft-Windows-Sysmon/Operational';
  e.provider = 'Microsoft-Windows-Sysmon';
  e.event_id = id;
  e.record_id = n;
  e.data = data;
  e.line = line ?? renderSysmonMessage(id, data) ?? '';
  assert.notEqual(e.line, '', `no rendering for event ${id}`);
  return e;
}

function processCreate(n: number, over: Record<string, EventValue> = {}): Record<string, EventValue> {
  return {
    RuleName: '-', UtcTime: '2024-05-01 00:00:00.000', ProcessGuid: `{${n}}`, ProcessId: 1000 + n, Image: `C:\\Windows\\p${n % 4}.exe`,
    FileVersion: '10.0', CommandLine: `p${n}.exe /x`, CurrentDirectory: 'C:\\', User: 'CORP\\u', LogonId: '0x3e7', IntegrityLevel: 'High',
    Hashes: `SHA1=AA,MD5=BB,SHA256=${n % 5}${'C'.repeat(63)},IMPHASH=DD`, ParentImage: 'C:\\Windows\\explorer.exe', ...over,
  };
}

/** The rows that trip a naive reading of typed columns, and plain ones around them. */
function trapEvents(): Event[] {
  const events: Event[] = [];
  let n = 0;
  for (let i = 0; i < 12; i++) events.push(sysmonEvent(++n, 1, processCreate(n)));
  // A PowerShell backtick: parsekv sees a bogus Image after the real one (overlay: later wins).
  events.push(sysmonEvent(++n, 1, processCreate(n, { CommandLine: 'powershell -c "a`nb`Image: C:\\evil.exe"' })));
  // A line break, a ": ", padding, a value of only spaces and a leading tab.
  events.push(sysmonEvent(++n, 1, processCreate(n, { CommandLine: 'cmd /c echo a\nHashes: SHA256=FAKE' })));
  events.push(sysmonEvent(++n, 1, processCreate(n, { CurrentDirectory: 'C:\\x: y', User: '  padded  ', FileVersion: ' ', Image: '\tC:\\tab.exe' })));
  // Hashes without SHA256, an empty value, a value with only the kv delimiter.
  events.push(sysmonEvent(++n, 1, processCreate(n, { Hashes: 'MD5=00', RuleName: '', IntegrityLevel: ': ' })));
  // NXLog: Windows' own Message (tabs, another field order, a field Haetae does not store).
  events.push(sysmonEvent(++n, 1, processCreate(n), 'Process Create:\r\nRuleName: -\r\nImage: C:\\Windows\\nx.exe\r\nHashes: SHA256=NXLOG\r\nExtra: 1\r\nProcessId:\t77'));
  // A line without any ":" and one that is empty after the recipe.
  events.push(sysmonEvent(++n, 1, processCreate(n), 'Process Create without colon'));
  events.push(sysmonEvent(++n, 1, processCreate(n), 'Process Create:'));
  // Other event types: one whose CommandLine says "Process Create", network events with typed ports and booleans.
  events.push(sysmonEvent(++n, 5, { RuleName: '-', UtcTime: '2024-05-01 00:00:00.000', ProcessGuid: '{9}', ProcessId: 9, Image: 'C:\\Process Create.exe', User: 'u' }));
  for (let i = 0; i < 4; i++) {
    events.push(sysmonEvent(++n, 3, {
      RuleName: '-', UtcTime: '2024-05-01 00:00:00.000', ProcessGuid: `{${n}}`, ProcessId: 4000 + i, Image: 'C:\\net.exe', User: 'u', Protocol: 'tcp',
      Initiated: i % 2 === 0, SourceIsIpv6: false, SourceIp: '10.0.0.1', SourceHostname: '-', SourcePort: 50000 + i, SourcePortName: '-',
      DestinationIsIpv6: false, DestinationIp: `10.0.0.${i}`, DestinationHostname: '-', DestinationPort: 443, DestinationPortName: '-',
    }));
  }
  // A field named like a fixed column, and one whose case collides with a column (stored in `_extra`).
  events.push(sysmonEvent(++n, 1, processCreate(n, { Channel: 'x' }), undefined));
  events.push(sysmonEvent(++n, 1, processCreate(n, { image: 'lower' }), 'Process Create:\r\nimage: lower\r\nImage: C:\\Windows\\upper.exe'));
  // Columns without an exact text: a list, and a real column holding a safe integer.
  for (const [tags, ratio] of [[['a', 'b'], 3], [['c'], 1.5]] as const) {
    events.push(sysmonEvent(++n, 1, { Image: 'C:\\t.exe', Tags: [...tags], Ratio: ratio }, `Process Create:\r\nImage: C:\\t.exe\r\nTags: ${tags.join(',')}\r\nRatio: ${ratio}`));
  }
  return events;
}

const QUERIES = [
  `table sysmon | search line == "*Process Create*" | ${RECIPE} | eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7) | stats count by Image, Hashes | sort -count`,
  `table sysmon | search line == "*Process Create*" | ${RECIPE} | eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)`,
  `table sysmon | search line == "*Network connection detected*" | ${RECIPE} | fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, SourcePortName, DestinationIp, DestinationPort`,
  `table sysmon | ${RECIPE} | stats count by Image, ProcessId, Initiated, DestinationPort, Extra, CommandLine, line, host, image`,
  `table sysmon | eval Image = "before" | ${RECIPE} | stats count by Image, User, IntegrityLevel, FileVersion, RuleName`,
  `table sysmon | ${RECIPE} | search Image == "*evil*" or Hashes == "*FAKE*" | stats count by Image, Hashes, event_id`,
  `table sysmon | ${RECIPE} | fields Image, CommandLine | stats count by Image, CommandLine`,
  `table sysmon | fields line | ${RECIPE} | stats count by Tags, Ratio, Image`,
];

/** A source that hides the recipe flag: pushdown takes the general path for every row. */
function withoutFlag(store: Store): RowSource {
  return new Proxy(store, { get: (t, k) => (k === 'lineKvFields' ? undefined : Reflect.get(t, k, t)) as unknown });
}

async function rowsOf(source: RowSource, q: string, pushdown: boolean): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of executeQuery(parseQuery(q), { source, now: new Date() }, { pushdown })) {
    for (const r of batch) out.push(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, valueToJson(v)])));
  }
  return out;
}

/** Every query: pushdown with the flag, pushdown without it and the JS pipeline give the same rows, in the same order. */
async function checkStore(store: Store, queries = QUERIES, nonEmpty = true): Promise<void> {
  assert.ok(await store.lineKvFields?.('sysmon'), 'the import wrote no recipe flag');
  assert.ok(!(await store.columns('sysmon'))!.some((c) => c.name === '_line_kv'), 'the flag column is shown');
  for (const q of queries) {
    const js = await rowsOf(store, q, false);
    assert.ok(!nonEmpty || js.length > 0, `no rows: ${q}`);
    assert.deepEqual(await rowsOf(store, q, true), js, `pushdown with the flag: ${q}`);
    assert.deepEqual(await rowsOf(withoutFlag(store), q, true), js, `pushdown without the flag: ${q}`);
  }
  const plan = explainPlan(await planQuery(parseQuery(QUERIES[0]!), { source: store, now: new Date() }));
  assert.match(plan, /recognized the Logpresso recipe/);
  assert.match(explainPlan(await planQuery(parseQuery(QUERIES[0]!), { source: withoutFlag(store), now: new Date() })), /^(?![\s\S]*recognized)/);
  // Scans never show the flag.
  for await (const batch of store.scan('sysmon', {})) for (const r of batch) assert.ok(!('_line_kv' in r));
}

test('DuckDB: the recipe over trap rows gives the JS pipeline\'s rows, flag used or not', async () => {
  const store = await openStore({ memory: true });
  try {
    await store.importEvents('sysmon', [{ events: trapEvents() }]);
    await checkStore(store);
  } finally {
    await store.close();
  }
});

test('DuckDB: rows imported before the flag existed take the general path', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'haetae-recipe-old-'));
  let store = await openStore({ dataDir });
  try {
    await store.importEvents('sysmon', [{ events: trapEvents() }]);
    // As an older Haetae left the table: no flag column.
    for await (const _ of store.runSql('ALTER TABLE sysmon DROP COLUMN _line_kv')) void _;
    await store.close();
    store = await openStore({ dataDir });
    assert.equal(await store.lineKvFields?.('sysmon'), null);
    assert.doesNotMatch(explainPlan(await planQuery(parseQuery(QUERIES[0]!), { source: store, now: new Date() })), /recognized/);
    // A newer import adds the column: the old rows have no flag, the new ones do.
    await store.importEvents('sysmon', [{ events: trapEvents().map((e) => ({ ...e, record_id: e.record_id! + 1000 })) }]);
    await checkStore(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('DuckDB: the EVTX corpus gives the same rows with the flag used, ignored, and in JS', async () => {
  const dir = requireShared(join(corpusRoot, 'evtx'));
  const store = await openStore({ memory: true });
  try {
    await importFiles(store, listFiles(dir, /\.evtx$/i), { table: 'auto' });
    const spec = [
      `table sysmon | search line == "*Network connection detected*" | ${RECIPE} | stats count by Image, DestinationIp, DestinationPort, ProcessId`,
      `table sysmon | search line == "*Process Create*" | ${RECIPE} | stats count by Image, CommandLine, ParentImage, LogonId, User`,
    ];
    await checkStore(store, [...QUERIES, ...spec], false);
  } finally {
    await store.close();
  }
});

let cluster: ClickHouseCluster | undefined;
let spoolDir = '';
before(async () => {
  cluster = await startClickHouseCluster({ shards: 1 });
  spoolDir = mkdtempSync(join(tmpdir(), 'haetae-recipe-spool-'));
});
after(async () => {
  await cluster?.stop();
  if (spoolDir !== '') rmSync(spoolDir, { recursive: true, force: true });
});

test('ClickHouse: the recipe over trap rows gives the JS pipeline\'s rows, flag used or not', async () => {
  const store = await openClickHouseStore(cluster!.storeUrl, { spoolDir });
  try {
    await store.importEvents('sysmon', [{ events: trapEvents() }]);
    await checkStore(store);
  } finally {
    await store.close();
  }
});
