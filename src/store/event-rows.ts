/**
 * Events flattened to the event table's row layout as JSON text: what the bulk loader
 * feeds to DuckDB's `read_json`, and what EVTX decode workers produce directly so that
 * no Event crosses a thread (the main thread used to spend ~40 µs per event parsing
 * Event JSON; see bench/RESULTS.md "# Import").
 *
 * Only the decisions that do not depend on a table's current schema are taken here:
 * `_time` → microseconds, system fields that do not fit their column and data fields
 * named like a fixed column go to `_extra`. Whether a data field fits its table column
 * (same case, compatible type) is decided by the store, from the per-run {@link FieldKinds}.
 */
import { fieldTypes, setField, type Event, type EventValue } from '../event/index.js';
import { dataColumnType, EXTRA_COLUMN, FIXED_COLUMNS, fitsColumn, SYSTEM_COLUMNS, timeMicros, type DataColumnType } from './schema.js';
import { exceptionName, LINE_KV_COLUMN, recipeExceptions } from '../query/line-recipe.js';

/** Bits of {@link FieldKinds}: which kinds of value a field had in a run. */
export const KIND = { int: 1, number: 2, string: 4, boolean: 8, stringList: 16, other: 32 } as const;

/** Per data field of a run: the kinds of its values (KIND bits) and the column type its first value asks for. */
export type FieldKinds = Record<string, [kinds: number, type: DataColumnType]>;

/**
 * Consecutive events of one channel as row JSON. Each row is an object's text without its
 * opening `{` and without `_id` (`"_time":…}`): the store prepends `{"_id":N,`.
 */
export interface EventRun {
  readonly channel: string;
  readonly rows: string[];
  readonly fields: FieldKinds;
}

/** Names a data field cannot have as a column (any case): the fixed columns and the recipe flag. */
const FIXED_LOWER = new Set([...FIXED_COLUMNS.map((c) => c.name.toLowerCase()), LINE_KV_COLUMN]);

/** The recipe flag as a row's last member: `"_line_kv":` and its text. */
const LINE_KV_MEMBER = `,${JSON.stringify(LINE_KV_COLUMN)}:`;

/**
 * Data field names that must go to `_extra` (named like a fixed column in any case, or
 * `__proto__`), answered once per distinct name: events repeat the same few names, and
 * lower-casing every key of every event allocated a string per value.
 */
const toExtraByName = new Map<string, boolean>();
function goesToExtra(k: string): boolean {
  let x = toExtraByName.get(k);
  if (x === undefined) {
    x = FIXED_LOWER.has(k.toLowerCase()) || k === '__proto__';
    if (toExtraByName.size < 100_000) toExtraByName.set(k, x);
  }
  return x;
}

/** The KIND bit of a (non-null) value. */
export function kindOf(v: EventValue): number {
  switch (typeof v) {
    case 'number': return Number.isSafeInteger(v) ? KIND.int : KIND.number;
    case 'string': return KIND.string;
    case 'boolean': return KIND.boolean;
    default: return Array.isArray(v) && v.every((x) => typeof x === 'string') ? KIND.stringList : KIND.other;
  }
}

/** KIND bits a column of each data type accepts (the same rule as `fitsColumn`). */
export const ACCEPTS: Readonly<Record<string, number>> = { BIGINT: KIND.int, BOOLEAN: KIND.boolean, VARCHAR: KIND.string, 'VARCHAR[]': KIND.stringList };

type WellFormed = { toWellFormed(): string };

/**
 * JSON text of a value, with lone UTF-16 surrogates replaced by U+FFFD (what any UTF-8
 * encoding of the string does; DuckDB's JSON reader refuses `\ud800` escapes).
 */
export function jsonValue(v: unknown): string {
  const j = JSON.stringify(v);
  if (!j.includes('\\ud')) return j;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? (x as unknown as WellFormed).toWellFormed() : x));
}

/**
 * Encodes events as runs of row JSON, one run per stretch of consecutive events of the
 * same channel (or one run for all when `channel` is given).
 *
 * @example
 * const [run] = encodeEventRuns(events, 'Security');
 * run.rows[0] // '"_time":1714557600123456,"host":"WEB01",…}'
 */
export function encodeEventRuns(events: readonly Event[], channel?: string): EventRun[] {
  const runs: EventRun[] = [];
  let run: EventRun | null = null;
  for (const e of events) {
    const ch = channel ?? e.channel;
    if (run === null || run.channel !== ch) { run = { channel: ch, rows: [], fields: Object.create(null) as FieldKinds }; runs.push(run); }
    run.rows.push(encodeRow(e, run.fields));
  }
  return runs;
}

/**
 * The system columns and `line`, every one present (undefined = left out of the JSON), so
 * that each row's copy has the same shape: an object that gains more than a dozen keys by
 * keyed stores turns into a dictionary, which `JSON.stringify` serializes several times
 * slower (V8; measured on generated Sysmon rows).
 */
const SYSTEM_SHAPE: Readonly<Record<string, unknown>> = Object.freeze(Object.fromEntries([...SYSTEM_COLUMNS.map((c) => [c.name, undefined]), ['line', undefined]]));

/**
 * One event's row text (see {@link EventRun}); records its data fields' kinds in `fields`.
 * Serialized by `JSON.stringify` of whole objects, not value by value: the system part
 * from a fixed-shape copy of {@link SYSTEM_SHAPE}, and the event's data object as it is
 * when it has neither nulls (left out of rows) nor names that belong in `_extra`; such
 * events (a tenth of the corpus) build one row object instead.
 *
 * The row carries the recipe flag (`_line_kv`, ../query/line-recipe.ts recipeExceptions):
 * the fields for which the Logpresso recipe over its `line` does not yield exactly what
 * their columns hold, fields headed for `_extra` among them (the store adds those it
 * moves there itself: event-table.ts fixRow). Every writer encodes rows here, so every
 * row gets the same flag.
 */
export function encodeRow(e: Event, fields: FieldKinds): string {
  let extra: Record<string, EventValue> | null = null;
  const micros = timeMicros(e._time);
  if (micros === null && e._time !== '') { extra = Object.create(null) as Record<string, EventValue>; extra._time = e._time; }
  const system: Record<string, unknown> = { ...SYSTEM_SHAPE };
  for (const c of SYSTEM_COLUMNS) {
    const v = e[c.name];
    if (v === null) continue;
    if (fitsColumn(v, c.type)) system[c.name] = v;
    else setField(extra ??= Object.create(null) as Record<string, EventValue>, c.name, v);
  }
  system.line = e.line;
  const data = e.data;
  let types: ReadonlyMap<string, string> | null | undefined;
  let asIs = true; // data serializes unchanged
  let keys = 0;
  let outside = ''; // recipe flag entries for fields kept in `_extra`
  for (const k in data) {
    const v = data[k];
    if (v === null) { asIs = false; continue; }
    // `__proto__` cannot be set as an own key of a plain object by assignment; like a field
    // named after a fixed column, it is kept in `_extra` (a null-prototype object).
    if (goesToExtra(k)) { asIs = false; outside += exceptionName(k); setField(extra ??= Object.create(null) as Record<string, EventValue>, k, v); continue; }
    keys++;
    const kind = kindOf(v);
    const f = fields[k];
    if (f === undefined) {
      if (types === undefined) types = fieldTypes(e.provider, e.event_id, e.version);
      fields[k] = [kind, dataColumnType((types?.get(k) ?? undefined) as Parameters<typeof dataColumnType>[0], v)];
    } else {
      f[0] |= kind;
    }
  }
  let rest: Record<string, unknown> | null = asIs ? null : {};
  if (rest !== null) for (const k in data) { const v = data[k]; if (v !== null && !goesToExtra(k)) rest[k] = v; }
  if (extra !== null) (rest ??= { ...data })[EXTRA_COLUMN] = extra;
  const head = jsonValue(system); // never `{}`: it has `line`
  // `_time` may be a BigInt, which JSON.stringify refuses. No opening brace: the store prepends `{"_id":N,`.
  let row = `"_time":${micros === null ? 'null' : micros},${head.slice(1, -1)}`;
  if (rest === null ? keys > 0 : Object.keys(rest).length > 0) row += `,${jsonValue(rest ?? data).slice(1, -1)}`;
  const flag = typeof e.line === 'string' && e.line !== '' ? recipeExceptions(e.line, data) : null;
  if (flag !== null) {
    row += LINE_KV_MEMBER + JSON.stringify(flag + outside);
    if (fields[LINE_KV_COLUMN] === undefined) fields[LINE_KV_COLUMN] = [KIND.string, 'VARCHAR'];
  }
  return row + '}';
}
