/**
 * For ingest tests: corpus events to ship, and checks that what a server stored is exactly
 * what was shipped (every event once, every field as decoded).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Event } from '../event/index.js';
import { decodeFile } from '../formats/index.js';
import type { Row } from '../query/value.js';
import { TableMapping, type Store } from '../store/index.js';
import { corpusRoot, requireShared } from './corpus.js';

/** Corpus EVTX files with Sysmon (1, 3, 5, 6) and Security (4688, 5156, 4624 …) events. */
export const SHIPPING_FILES = {
  sysmon: join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'DE_sysmon-3-rdp-tun.evtx'),
  security: join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'DE_RDP_Tunnel_5156.evtx'),
} as const;

/** Corpus EVTX files rich in Sysmon 3 connections to many destinations (blocklist and stream tests). */
export const CONNECTION_FILES = [
  join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Discovery', 'discovery_sysmon_3_Invoke_UserHunter_SourceMachine.evtx'),
  join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'DE_sysmon-3-rdp-tun.evtx'),
  join(corpusRoot, 'evtx', 'EVTX-ATTACK-SAMPLES', 'Command and Control', 'tunna_iis_rdp_smb_tunneling_sysmon_3.evtx'),
] as const;

/** Every event of some corpus files, decoded with their rendered `line`. */
export async function corpusEvents(...files: string[]): Promise<Event[]> {
  const out: Event[] = [];
  for (const f of files) for await (const b of decodeFile(requireShared(f), { render: true })) out.push(...b.events);
  return out;
}

/** All rows of a table, oldest first. */
export async function storedRows(store: Store, table: string): Promise<Row[]> {
  const out: Row[] = [];
  if (!(await store.tableNames()).includes(table)) return out;
  for await (const rows of store.scan(table, { order: 'asc' })) out.push(...rows);
  return out;
}

/** Asserts that a stored row holds an event: header fields, time, `line` and every data field. */
export function assertRowIsEvent(row: Row, e: Event, label: string): void {
  assert.equal((row._time as Date).getTime(), Date.parse(e._time), `${label}: _time`);
  for (const f of ['host', 'channel', 'provider', 'event_id', 'record_id', 'process_id', 'user_sid', 'line'] as const) {
    if (e[f] !== null && e[f] !== '') assert.equal(row[f], e[f], `${label}: ${f}`);
  }
  for (const [name, v] of Object.entries(e.data)) {
    if (v !== null) assert.deepEqual(row[name], v, `${label}: ${name}`);
  }
}

/**
 * Asserts that the store holds exactly `events` (as the default channel → table mapping
 * places them): per table the same count, and each event, found by host, channel and
 * record ID, stored once with every field.
 */
export async function assertStoredExactly(store: Store, events: readonly Event[]): Promise<void> {
  const mapping = new TableMapping();
  const byTable = new Map<string, Event[]>();
  for (const e of events) {
    const t = mapping.tableFor(e.channel);
    byTable.set(t, [...(byTable.get(t) ?? []), e]);
  }
  for (const [table, want] of byTable) {
    const rows = await storedRows(store, table);
    assert.equal(rows.length, want.length, `${table}: rows stored`);
    const key = (host: unknown, channel: unknown, record: unknown): string => `${String(host)}|${String(channel)}|${String(record)}`;
    const byKey = new Map<string, Row[]>();
    for (const r of rows) {
      const k = key(r.host, r.channel, r.record_id);
      byKey.set(k, [...(byKey.get(k) ?? []), r]);
    }
    for (const e of want) {
      const k = key(e.host, e.channel, e.record_id);
      const found = byKey.get(k) ?? [];
      assert.equal(found.length, 1, `${table}: event ${k} stored ${found.length} times`);
      assertRowIsEvent(found[0], e, `${table} ${k}`);
    }
  }
}

/**
 * Holds a store's writes until the returned function is called: the ingest queue then
 * stays full for as long as a backpressure test needs, with no timing luck involved.
 */
export function holdStoreWrites(store: Store): () => void {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const importEvents = store.importEvents.bind(store);
  store.importEvents = async (...args) => { await gate; return importEvents(...args); };
  return open;
}

/** A test body run against something started fresh (a server) and closed afterwards, pass or fail. */
export function withStarted<R extends { close(): Promise<void> }>(start: () => Promise<R>, body: (r: R) => Promise<void>): () => Promise<void> {
  return async () => {
    const r = await start();
    try { await body(r); } finally { await r.close(); }
  };
}
