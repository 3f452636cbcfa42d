/**
 * Stream query definitions (spec query-language.md "Stream queries"): what an admin
 * sends to `POST /api/streams`, checked and compiled for the runner.
 *
 * Settings: `name`, `query`, `interval` (seconds; 0 = per-event streaming), `enabled`,
 * plus what the alerts need: `level`, `alert` (false: output only feeds other
 * streams), `key` (fields of the dedup key), `throttle` (window), and
 * `subquery_refresh` (seconds between static snapshots). The source tables are the
 * query's `table` command: `table sysmon | search …` reads the rows of events committed
 * to `sysmon`, in input order; `table a, b` both; `*` patterns match stored tables; a
 * name that is another stream query's name reads that stream's output rows.
 *
 * Which commands can stream (interval 0): search, eval, parsekv, fields, rename,
 * explode, rex, parsejson — row by row — and lookup and join, whose other side is a
 * static snapshot (below). stats, sort, timechart, dedup, limit and `search limit=`
 * need all the rows of a window: they require an interval, and then the whole query
 * runs every `interval` seconds over the rows received in that window (a tumbling
 * window; an empty window is not run). `wget` after the first command would fetch once
 * per event and is refused: fetch lists with a feed, or in a join subquery.
 *
 * Joins: Logpresso refuses `join` in streaming mode. Haetae allows a join (and a
 * lookup) whose other side is STATIC: the subquery may read stored tables (e.g. a
 * feed's `feed_<name>` table) or `wget`, but not the stream's own sources nor another
 * stream. It runs once when the stream starts and again every `subquery_refresh`
 * seconds (default 300) and whenever a feed is refreshed; events are matched against
 * the latest snapshot. Per event, `join type=right|rightonly|full` is refused (their
 * unmatched subquery rows come "at the end of the input", which a stream never reaches).
 */
import { LEVELS, type Level } from '../detect/index.js';
import { formatDiagnostic, parseQueryResult, type Command, type Query } from '../query/index.js';
import type { CommandKind, JoinCommand, TableCommand, TableRef } from '../query/ast.js';
import type { Span } from '../query/diagnostics.js';
import { wildcardRegExp } from '../query/semantics.js';
import { durationMs, NAME_PATTERN, type ThrottleSettings } from './realtime-config.js';

/** A stream query as stored and as the API shows it. */
export interface StreamDefinition {
  readonly name: string;
  readonly query: string;
  /** Seconds; 0 = per-event streaming. */
  readonly interval: number;
  readonly enabled: boolean;
  /** Level of its alerts. */
  readonly level: Level;
  /** False: no alerts; the output only feeds other stream queries. */
  readonly alert: boolean;
  /** Fields whose values form the alert key (default: all output fields). */
  readonly key?: readonly string[];
  /** Throttle window (e.g. "60s"; absent: every output row is an alert). */
  readonly throttle?: string;
  /** Seconds between refreshes of the join/lookup snapshots. */
  readonly subquery_refresh: number;
  readonly description?: string;
}

/** A definition that cannot be accepted; the message says what and how to fix it. */
export class StreamDefinitionError extends Error {
  override readonly name = 'StreamDefinitionError';
}

/** How each command behaves in a stream query. Exhaustive: a new command must be classified. */
const STREAMING: { readonly [K in CommandKind]: 'row' | 'window' | 'never' } = {
  table: 'never', search: 'row', eval: 'row', parsekv: 'row', fields: 'row', rename: 'row', explode: 'row', rex: 'row',
  parsejson: 'row', lookup: 'row', join: 'row', stats: 'window', sort: 'window', timechart: 'window', dedup: 'window',
  limit: 'window', wget: 'never',
};

/** Name of the snapshot table standing for join subquery `i`. */
export const staticTableName = (i: number): string => `__static_${i}`;

/** A definition ready to run. */
export interface CompiledStream {
  readonly def: StreamDefinition;
  /** Source table names or patterns, and stream names. */
  readonly sources: readonly string[];
  /** The commands after `table`; join subqueries replaced by `table __static_<i>`. */
  readonly commands: readonly Command[];
  /** Join subqueries, run as snapshots. */
  readonly statics: readonly Query[];
  /** Tables `lookup` reads, snapshotted too. */
  readonly lookups: readonly string[];
  readonly throttle?: ThrottleSettings;
}

const KEYS = ['name', 'query', 'interval', 'enabled', 'level', 'alert', 'key', 'throttle', 'subquery_refresh', 'description'];

function fail(message: string): never {
  throw new StreamDefinitionError(message);
}

function seconds(v: unknown, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  const ms = durationMs(v);
  if (typeof ms === 'string') fail(`${what}: ${ms}`);
  if (ms % 1000 !== 0) fail(`${what}: whole seconds only`);
  return ms / 1000;
}

/**
 * Checks an API body (or a stored entry) and fills in defaults. `name` from the URL
 * wins over (and must agree with) the body's.
 *
 * @example
 * parseStreamDefinition({ name: 'blocklist', query: 'table sysmon | search event_id == 3', level: 'high' })
 */
export function parseStreamDefinition(body: unknown, name?: string): StreamDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('expected a JSON object: {"name": …, "query": "table sysmon | …", "interval": 0}');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KEYS.includes(k)) fail(`unknown setting '${k}' (known: ${KEYS.join(', ')})`);
  if (name !== undefined && b['name'] !== undefined && b['name'] !== name) fail(`the body's name '${String(b['name'])}' differs from the URL's '${name}'`);
  const n = name ?? b['name'];
  if (typeof n !== 'string' || !NAME_PATTERN.test(n)) fail('name: a letter, then letters, digits or _ (at most 63)');
  if (typeof b['query'] !== 'string' || b['query'].trim() === '') fail('query: a non-empty query string, e.g. "table sysmon | search event_id == 3"');
  for (const k of ['enabled', 'alert']) if (b[k] !== undefined && typeof b[k] !== 'boolean') fail(`${k}: true or false`);
  if (b['level'] !== undefined && !(LEVELS as readonly unknown[]).includes(b['level'])) fail(`level: one of ${LEVELS.join(', ')}`);
  if (b['key'] !== undefined && (!Array.isArray(b['key']) || b['key'].some((k) => typeof k !== 'string' || k === ''))) fail('key: a list of field names');
  if (b['description'] !== undefined && typeof b['description'] !== 'string') fail('description: a string');
  const interval = seconds(b['interval'], 'interval', 0);
  if (interval > 86_400) fail('interval: at most one day (86400)');
  let throttle: string | undefined;
  if (b['throttle'] !== undefined && b['throttle'] !== null) {
    throttle = typeof b['throttle'] === 'number' ? `${b['throttle']}s` : String(b['throttle']);
    seconds(throttle, 'throttle', 0);
  }
  const refresh = seconds(b['subquery_refresh'], 'subquery_refresh', 300);
  if (refresh < 1) fail('subquery_refresh: at least 1 second');
  return {
    name: n, query: b['query'], interval, enabled: b['enabled'] !== false, level: (b['level'] as Level | undefined) ?? 'medium',
    alert: b['alert'] !== false, subquery_refresh: refresh,
    ...(b['key'] !== undefined ? { key: b['key'] as string[] } : {}),
    ...(throttle !== undefined ? { throttle } : {}),
    ...(b['description'] !== undefined ? { description: b['description'] as string } : {}),
  };
}

/** A query error at a span, formatted with the query text and a caret. */
function queryFail(query: string, span: Span, message: string, hint?: string): never {
  fail(formatDiagnostic({ code: 'stream', message, span, ...(hint ? { hint } : {}) }, query));
}

/** Every table a (sub)query reads: `table` names and `lookup` tables, nested joins included. */
function tablesRead(q: Query): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  for (const c of q.commands) {
    if (c.kind === 'table') for (const t of c.tables) out.push({ name: t.name, span: t.span });
    else if (c.kind === 'lookup') out.push({ name: c.table, span: c.span });
    else if (c.kind === 'join') out.push(...tablesRead(c.subquery));
  }
  return out;
}

/** True when a source pattern and a table name (or pattern) may denote the same table. */
function overlaps(a: string, b: string): boolean {
  return wildcardRegExp(a).test(b) || wildcardRegExp(b).test(a);
}

function checkSourceTable(cmd: TableCommand, query: string): void {
  const options = (['duration', 'from', 'to', 'limit', 'offset'] as const).filter((o) => cmd[o] !== undefined);
  if (options.length > 0) {
    queryFail(query, cmd.span, `in a stream query, table only names the source tables; ${options.map((o) => `${o}=`).join(', ')} apply to stored queries`,
      'a stream query reads events as they are committed, in input order');
  }
}

/**
 * Checks a definition's query for streaming and compiles it. `streams` are the names of
 * the other stream queries (a source may be one of them).
 *
 * @example
 * const c = compileStream(def, new Set()); // throws StreamDefinitionError with the reason
 */
export function compileStream(def: StreamDefinition, streams: ReadonlySet<string>): CompiledStream {
  const text = def.query;
  const parsed = parseQueryResult(text);
  if (!parsed.query) fail(parsed.diagnostics.map((d) => formatDiagnostic(d, text)).join('\n'));
  const [first, ...rest] = parsed.query.commands;
  if (first?.kind !== 'table') queryFail(text, first?.span ?? parsed.query.span, 'a stream query starts with table NAME: the tables whose incoming events it reads');
  checkSourceTable(first, text);
  const sources = first.tables.map((t: TableRef) => t.name);
  if (sources.includes(def.name)) queryFail(text, first.span, `the stream query '${def.name}' cannot read its own output`);
  const perEvent = def.interval === 0;
  const statics: Query[] = [];
  const lookups: string[] = [];
  const commands = rest.map((c): Command => {
    const mode = c.kind === 'search' && c.limit !== undefined ? 'window' : STREAMING[c.kind];
    if (mode === 'never') {
      queryFail(text, c.span, `${c.kind} cannot run in a stream query: it would fetch once per event`,
        'fetch lists with a feed (POST /api/feeds) and join them, or put wget inside a join subquery, which runs as a static snapshot');
    }
    if (mode === 'window' && perEvent) {
      const what = c.kind === 'search' ? 'search limit=' : c.kind;
      queryFail(text, c.span, `${what} needs all the rows of a window, so it cannot run per event (interval 0)`,
        'give the stream an interval, e.g. "interval": 60, to run the query every 60 s over the rows received meanwhile');
    }
    if (c.kind === 'lookup') {
      checkStatic(c.table, c.span);
      if (!lookups.includes(c.table)) lookups.push(c.table);
    }
    if (c.kind !== 'join') return c;
    if (perEvent && (c.type === 'right' || c.type === 'rightonly' || c.type === 'full')) {
      queryFail(text, c.span, `join type=${c.type} cannot run per event: its unmatched subquery rows come at the end of the input, which a stream never reaches`,
        'use an interval (the join then runs per window) or an inner/left join');
    }
    for (const t of tablesRead(c.subquery)) checkStatic(t.name, t.span);
    statics.push(c.subquery);
    const table: TableCommand = { kind: 'table', tables: [{ name: staticTableName(statics.length - 1), optional: false, span: c.subquery.span }], order: 'asc', span: c.subquery.span };
    const join: JoinCommand = { ...c, subquery: { commands: [table], span: c.subquery.span } };
    return join;
  });

  function checkStatic(name: string, span: Span): void {
    if (streams.has(name)) queryFail(text, span, `'${name}' is a stream query: a join or lookup in a stream reads a static snapshot of stored tables, not another stream's output`);
    const clash = sources.find((s) => overlaps(s, name));
    if (clash !== undefined) {
      queryFail(text, span, `'${name}' is a source of this stream query: a join or lookup reads a static snapshot, refreshed every ${def.subquery_refresh} s, not the stream's own events`,
        'read another table (e.g. a feed: feed_NAME), or use an interval stream over the stored table');
    }
  }

  const throttleMs = def.throttle === undefined ? 0 : durationMs(def.throttle);
  return {
    def, sources, commands, statics, lookups,
    ...(typeof throttleMs === 'number' && throttleMs > 0 ? { throttle: { windowMs: throttleMs, ...(def.key ? { key: def.key } : {}) } } : {}),
  };
}

/** True when stream source `pattern` reads events committed to `table` (patterns match stored tables). */
export function sourceMatches(pattern: string, table: string): boolean {
  return pattern.includes('*') ? wildcardRegExp(pattern).test(table) : pattern.toLowerCase() === table.toLowerCase();
}
