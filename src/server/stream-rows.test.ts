/**
 * A stream query sees the rows a stored query sees: the same event gives the same row
 * (stream-rows.ts) and the same query gives the same result, on corpus events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { AllowlistWgetClient, executePlan, parseQuery, planQuery, valueToJson, type Row } from '../query/index.js';
import { openStore, TableMapping, type Store } from '../store/index.js';
import { corpusRoot, requireShared } from '../testing/corpus.js';
import { corpusEvents } from '../testing/stored-events.js';
import { compileStream, parseStreamDefinition } from './stream-definition.js';
import { eventRow } from './stream-rows.js';
import { StreamRunner } from './stream-runner.js';

const SAMPLES = join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES');
const FILES = [
  join(SAMPLES, 'AutomatedTestingTools', 'PanacheSysmon_vs_AtomicRedTeam01.evtx'),
  join(SAMPLES, 'Command and Control', 'DE_sysmon-3-rdp-tun.evtx'),
  join(SAMPLES, 'Lateral Movement', 'ImpersonateUser-via local Pass The Hash Sysmon and Security.evtx'),
].map(requireShared);

async function stored(events: readonly Event[]): Promise<Store> {
  const store = await openStore({ memory: true });
  await store.importEvents('auto', [{ events }]);
  return store;
}

/** Rows as comparable JSON text, sorted: a multiset. */
function multiset(rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => k !== '_id').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, valueToJson(v)])))).sort();
}

test('an event becomes the row its table returns (all but _id), for every corpus event of Sysmon and Security', async () => {
  const events = await corpusEvents(...FILES);
  const store = await stored(events);
  try {
    const mapping = new TableMapping();
    const byTable = new Map<string, Event[]>();
    for (const e of events) {
      const t = mapping.tableFor(e.channel);
      byTable.set(t, [...(byTable.get(t) ?? []), e]);
    }
    assert.ok(byTable.has('sysmon') && byTable.has('security'), [...byTable.keys()].join(', '));
    for (const [table, list] of byTable) {
      const rows: Row[] = [];
      for await (const batch of store.scan(table, { order: 'asc' })) rows.push(...batch);
      assert.equal(rows.length, list.length, table);
      // _id follows import order within a table.
      rows.sort((a, b) => Number(a['_id']) - Number(b['_id']));
      for (let i = 0; i < rows.length; i++) {
        const { _id, ...fromStore } = rows[i]!;
        assert.equal(typeof _id, 'number');
        assert.deepStrictEqual({ ...eventRow(list[i]!, table) }, fromStore, `${table} row ${i}`);
      }
    }
  } finally {
    await store.close();
  }
});

/** Runs a per-event stream query over events, as the server does. */
async function streamed(query: string, events: readonly Event[], store: Store): Promise<Row[]> {
  const compiled = compileStream(parseStreamDefinition({ name: 'q', query }), new Set());
  const out: Row[] = [];
  const runner = new StreamRunner(compiled, { store, wget: new AllowlistWgetClient([]), log: () => undefined }, (rows) => out.push(...rows));
  await runner.start();
  const mapping = new TableMapping();
  // In input order, in commit-sized batches.
  for (let i = 0; i < events.length; i += 100) runner.push(events.slice(i, i + 100).map((e) => eventRow(e, mapping.tableFor(e.channel))).filter((r) => compiled.sources.includes(String(r['_table']))));
  await runner.idle();
  await runner.stop();
  return out;
}

test('the spec\'s network-connection query gives the same rows streamed and over the stored table', async () => {
  const events = await corpusEvents(...FILES);
  const store = await stored(events);
  try {
    const query = `table sysmon | search line == "*Network connection detected*"
      | eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "\`")
      | parsekv overlay=t pairdelim="\`" kvdelim=": "
      | fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, SourcePortName, DestinationIp, DestinationPort`;
    const ctx = { source: store, now: new Date() };
    const fromStore: Row[] = [];
    for await (const rows of executePlan(await planQuery(parseQuery(query), ctx), ctx)) fromStore.push(...rows);
    const fromStream = await streamed(query, events, store);
    assert.ok(fromStore.length >= 40, `${fromStore.length} connections in the corpus sample`);
    assert.deepEqual(multiset(fromStream), multiset(fromStore));
  } finally {
    await store.close();
  }
});

test('typed fields and system fields filter the same way streamed and stored', async () => {
  const events = await corpusEvents(...FILES);
  const store = await stored(events);
  try {
    const query = 'table sysmon, security | search (event_id == 3 and DestinationPort == 3389) or (event_id == 4624 and LogonType == 9) | eval who = concat(host, "/", _table) | fields - line';
    const ctx = { source: store, now: new Date() };
    const fromStore: Row[] = [];
    for await (const rows of executePlan(await planQuery(parseQuery(query), ctx), ctx)) fromStore.push(...rows);
    const fromStream = await streamed(query, events, store);
    assert.ok(fromStore.length > 0);
    assert.deepEqual(multiset(fromStream), multiset(fromStore));
  } finally {
    await store.close();
  }
});
