/**
 * Runs the query conformance suite (every case in `cases/*.q`, format: conformance.ts)
 * against one store: each case's fixture tables are written to it, and the query runs
 * twice — with SQL pushdown in the store's dialect and with the JS pipeline alone — and
 * both must give the expected rows (DESIGN.md "One query semantics"). One runner, one
 * test file per store (Hono's contract-suite pattern, STYLE.md).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseQuery } from './parser.js';
import { executeQuery } from './plan.js';
import { valueToJson } from './semantics.js';
import { AllowlistWgetClient } from './wget-client.js';
import { comparableRow, parseCaseFile, type QueryCase } from './conformance.js';
import type { RowSource } from './exec/context.js';
import type { Row } from './value.js';

/** What the suite needs of a store: a row source it can fill with fixture tables. */
export interface ConformanceStore extends RowSource {
  tableNames(): Promise<string[]>;
  dropTable(table: string): Promise<void>;
  writeRows(table: string, rows: readonly Row[]): Promise<void>;
  close(): Promise<void>;
}

const CASES_DIR = fileURLToPath(new URL('../../../src/query/cases/', import.meta.url));
const NOW = new Date(Date.UTC(2024, 4, 2, 0, 0, 0));

/** A local HTTP server answering `wget` with fixed text (404 for unknown paths). */
export interface TextServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a loopback HTTP server that answers each path with `textAt(path)`.
 *
 * @example
 * const http = await serveText((path) => (path === '/ip.txt' ? '1.2.3.4' : undefined));
 */
export async function serveText(textAt: (path: string) => string | undefined): Promise<TextServer> {
  const server: Server = createServer((req, res) => {
    const body = textAt(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every conformance case, in file order. */
export function conformanceCases(): QueryCase[] {
  const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.q')).sort();
  return files.flatMap((f) => parseCaseFile(f, readFileSync(join(CASES_DIR, f), 'utf8')));
}

function toJson(rows: Row[], keepTime: boolean): Record<string, unknown>[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) o[k] = valueToJson(v);
    return comparableRow(o, keepTime);
  });
}

function sortedForCompare(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/**
 * Registers one test per conformance case against the store `open` returns (opened once,
 * before the first case; closed after the last, then `afterClose` runs, e.g. to stop the
 * servers the store ran on). `label` prefixes the test names.
 *
 * @example
 * conformanceSuite('duckdb', () => openStore({ memory: true }));
 */
export function conformanceSuite(label: string, open: () => Promise<ConformanceStore>, afterClose?: () => Promise<void>): void {
  const cases = conformanceCases();
  let store: ConformanceStore;
  let http: TextServer | undefined;
  let served = new Map<string, string>();

  before(async () => {
    store = await open();
    http = await serveText((path) => served.get(path));
  });

  after(async () => {
    await store?.close();
    await http?.close();
    await afterClose?.();
  });

  async function runCase(c: QueryCase, pushdown: boolean): Promise<{ rows?: Row[]; error?: string }> {
    try {
      const query = parseQuery(c.query.replace(/\bPORT\b/g, String(http!.port)));
      const ctx = { source: store, now: NOW, wget: new AllowlistWgetClient(['127.0.0.1']) };
      const rows: Row[] = [];
      for await (const batch of executeQuery(query, ctx, { pushdown })) rows.push(...batch);
      return { rows };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  test(`${label}: the conformance suite has at least 300 cases`, () => {
    assert.ok(cases.length >= 300, `only ${cases.length} cases`);
  });

  for (const c of cases) {
    const name = `${label}: ${c.file}:${c.line} ${c.description || c.query.slice(0, 60)}`;
    test(name, async () => {
      for (const name of await store.tableNames()) await store.dropTable(name);
      for (const [table, rows] of c.tables) await store.writeRows(table, rows);
      served = new Map(c.http);
      for (const pushdown of [true, false]) {
        const mode = pushdown ? 'with pushdown' : 'JS only';
        const got = await runCase(c, pushdown);
        if (c.errors) {
          assert.ok(got.error !== undefined, `${mode}: expected an error, got rows ${JSON.stringify(got.rows?.map((r) => Object.keys(r)))}`);
          for (const e of c.errors) assert.ok(got.error.includes(e), `${mode}: error should contain ${JSON.stringify(e)}:\n${got.error}`);
          continue;
        }
        assert.equal(got.error, undefined, `${mode}: ${got.error ?? ''}`);
        const keepTime = c.rows!.some((r) => '_time' in r);
        const actual = toJson(got.rows!, keepTime);
        const expected = c.rows!.map((r) => comparableRow(r, keepTime));
        if (c.unordered) assert.deepEqual(sortedForCompare(actual), sortedForCompare(expected), mode);
        else assert.deepEqual(actual, expected, mode);
      }
    });
  }
}
