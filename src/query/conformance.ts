/**
 * The query conformance suite's case format and runner (cases live in `cases/*.q`).
 *
 * A case file holds one or more cases separated by lines of `===`. Sections start with
 * a line beginning with `@`:
 *
 * ```
 * # substr is end-exclusive                 ← description (comment lines)
 * @table t                                   ← a fixture table: one JSON object per line,
 * {"s": "0123456789"}                          newest first (rows without `_time` get one)
 * @http /ip.txt                              ← a file the local HTTP server serves (raw text)
 * 1.2.3.4
 * @query                                     ← the query (PORT becomes the server's port)
 * table t | eval x = substr(s, 2, 4) | fields x
 * @rows                                      ← expected rows, one JSON object per line
 * {"x": "23"}                                  (`@rows unordered` compares as a multiset)
 * @error                                     ← or: expected error text (each line must occur)
 * ```
 *
 * Rows compare as JSON (dates as ISO strings); a field absent on one side equals null on
 * the other; `_id` and `_table` (and `_time`, unless the expected rows name it) are
 * ignored.
 */
import { newRow, type Row, type Value } from './value.js';

/** One parsed case. */
export interface QueryCase {
  readonly file: string;
  readonly line: number;
  readonly description: string;
  readonly tables: ReadonlyMap<string, Row[]>;
  readonly http: ReadonlyMap<string, string>;
  readonly query: string;
  readonly rows?: readonly Record<string, unknown>[];
  readonly unordered: boolean;
  readonly errors?: readonly string[];
}

/** Base time of fixture rows without `_time`: the first row is newest, one second apart. */
const FIXTURE_BASE = Date.UTC(2024, 4, 1, 12, 0, 0);

function fixtureValue(v: unknown): Value {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fixtureValue);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['$date'] === 'string') return new Date(o['$date']);
    const m = newRow();
    for (const [k, x] of Object.entries(o)) m[k] = fixtureValue(x);
    return m;
  }
  return null;
}

/** Parses one fixture row: `_time` strings become dates, `{"$date": …}` anywhere becomes a date. */
export function fixtureRow(json: Record<string, unknown>, index: number): Row {
  const row = newRow();
  const t = json['_time'];
  row['_time'] = typeof t === 'string' ? new Date(t) : new Date(FIXTURE_BASE - index * 1000);
  for (const [k, v] of Object.entries(json)) if (k !== '_time') row[k] = fixtureValue(v);
  return row;
}

/**
 * Parses a `.q` file into cases.
 *
 * @example
 * parseCaseFile('functions.q', readFileSync(path, 'utf8'))
 */
export function parseCaseFile(file: string, text: string): QueryCase[] {
  const cases: QueryCase[] = [];
  const lines = text.split(/\r?\n/);
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^===+\s*$/.test(lines[i]!)) {
      const block = lines.slice(start, i);
      if (block.some((l) => l.trim() !== '')) cases.push(parseCase(file, start + 1, block));
      start = i + 1;
    }
  }
  return cases;
}

function parseCase(file: string, firstLine: number, lines: string[]): QueryCase {
  const description: string[] = [];
  const tables = new Map<string, Row[]>();
  const http = new Map<string, string>();
  const query: string[] = [];
  let rows: Record<string, unknown>[] | undefined;
  let errors: string[] | undefined;
  let unordered = false;
  let section: { kind: string; arg: string; body: string[] } | undefined;
  const where = (i: number): string => `${file}:${firstLine + i}`;
  const close = (): void => {
    if (!section) return;
    const body = section.body;
    switch (section.kind) {
      case 'table':
        tables.set(section.arg, body.filter((l) => l.trim() !== '').map((l, i) => fixtureRow(JSON.parse(l) as Record<string, unknown>, i)));
        break;
      case 'http': http.set(section.arg, body.join('\n')); break;
      case 'query': query.push(...body); break;
      case 'rows':
        rows = body.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
        unordered = section.arg === 'unordered';
        break;
      case 'error': errors = body.filter((l) => l.trim() !== ''); break;
    }
  };
  lines.forEach((l, i) => {
    const m = /^@(table|http|query|rows|error)\b\s*(.*)$/.exec(l);
    if (m) {
      close();
      section = { kind: m[1]!, arg: m[2]!.trim(), body: [] };
    } else if (section) {
      section.body.push(l);
    } else if (l.startsWith('#')) {
      description.push(l.replace(/^#\s?/, ''));
    } else if (l.trim() !== '') {
      throw new Error(`${where(i)}: text outside a section: ${l}`);
    }
  });
  close();
  if (query.length === 0) throw new Error(`${where(0)}: case without @query`);
  if (!rows === !errors) throw new Error(`${where(0)}: a case needs exactly one of @rows and @error`);
  return {
    file, line: firstLine, description: description.join(' '), tables, http, query: query.join('\n').trim(),
    unordered, ...(rows ? { rows } : {}), ...(errors ? { errors } : {}),
  };
}

/**
 * A result row in the form cases compare: JSON values, without null fields and ignored system fields.
 * Values go through a JSON round trip so that maps (null-prototype objects from `valueToJson`)
 * compare equal to the plain objects of the expected rows under `deepStrictEqual`.
 */
export function comparableRow(row: Record<string, unknown>, keepTime: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row).sort()) {
    if (k === '_id' || k === '_table' || (k === '_time' && !keepTime)) continue;
    if (row[k] === null || row[k] === undefined) continue;
    out[k] = JSON.parse(JSON.stringify(row[k])) as unknown;
  }
  return out;
}
