/**
 * SQL pushdown: the longest prefix of a query that the store can run as one SELECT, in
 * the store's {@link SqlDialect}, with exactly the JS pipeline's results (DESIGN.md "One
 * query semantics").
 *
 * How exactness is kept: SQL computes values — filters, `eval` expressions, the pairs
 * `parsekv` splits, group-bys — and the structural effects on rows (which fields a row
 * has, overlay order, `fields`, `rename`) are recorded as a list of *writes* that
 * {@link shapeRows} replays in JS on each result row, in pipeline order. Every stage
 * passes all columns through (`SELECT *, …`), so `_time`/`_id` stay available for the
 * final ORDER BY and fields hidden by `fields` stay available to nothing but the replay.
 */
import type { Command, ParsekvCommand, StatsCommand, TableCommand } from '../ast.js';
import { newRow, type Row, type Value } from '../value.js';
import type { ColumnInfo } from '../exec/context.js';
import { timeWindow } from '../exec/table.js';
import { KEPT_SYSTEM_FIELDS } from '../exec/transform.js';
import { Parameters, type SqlDialect, type ValueKind } from './dialect.js';
import { duckdb } from './duckdb.js';
import { translateExpr, truthSql, type FieldScope, type SqlExpr, type Translation } from './expr.js';
import { exceptionName, isRecipeEval, isRecipeParsekv, LINE_KV_COLUMN } from '../line-recipe.js';

/** The schema the planner needs of a stored table. */
export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  /** Data fields stored (for some rows) outside their typed column, in `_extra`: never pushed. */
  readonly extraFields: readonly string[];
  /**
   * Set when the table's rows carry the recipe flag (../line-recipe.ts): the columns holding
   * the data fields of a flagged row, i.e. every key the recipe's parsekv can set on it.
   */
  readonly lineKvFields?: readonly string[];
}

/** A structural step replayed in JS on each SQL result row. */
export type Write =
  | { readonly kind: 'computed'; readonly name: string; readonly column: string; readonly valueKind: ValueKind }
  | { readonly kind: 'pairs'; readonly column: string; readonly reset: boolean }
  | { readonly kind: 'keep'; readonly names: readonly string[] }
  | { readonly kind: 'drop'; readonly names: readonly string[] }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'regroup'; readonly names: readonly string[] };

/** A pushed-down prefix: SQL, its parameters, and how to turn result rows into query rows. */
export interface PushedQuery {
  readonly sql: string;
  readonly parameters: ReadonlyArray<string | number>;
  /** How many of the query's commands the SQL covers. */
  readonly commandCount: number;
  readonly writes: readonly Write[];
  /** The physical columns rows start with (exact names), or empty after `stats`. */
  readonly baseColumns: readonly string[];
  /** Set when a pushed `stats` needs its groups ordered like the JS `stats` (by these fields). */
  readonly groupOrder?: readonly string[];
  readonly table: string;
  /** The kinds of the physical columns, for dialects that must decode what the engine returns. */
  readonly baseKinds: ReadonlyMap<string, ValueKind>;
  readonly dialect: SqlDialect;
  /** For `--explain`: how the Logpresso recipe was recognized, when it was. */
  readonly recipe?: string;
}

/** Where a field's current value comes from, while building. */
interface FieldState {
  readonly sql: string;
  readonly kind: ValueKind;
}

/** Bumped when a failed translation is undone, so SQL remembered from it is built again. */
let generation = 0;

/** A field whose SQL is only built (and its parameters only bound) when a command reads it. */
function lazyField(kind: ValueKind, make: () => string): FieldState {
  let sql: string | undefined;
  let madeIn = -1;
  return {
    kind,
    get sql() {
      if (sql === undefined || madeIn !== generation) { sql = make(); madeIn = generation; }
      return sql;
    },
  };
}

const INTERNAL = '__h';

/**
 * A recognized recipe stage whose SQL is chosen when the whole query is built (see
 * {@link finishRecipe}): `plain` computes it for every row, `guarded(skip)` is NULL on the
 * rows where `skip` holds.
 */
interface RecipeStage {
  readonly token: string;
  readonly alias: string;
  readonly plain: string;
  guarded(skip: string): string;
}
const WS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i + 1)).join('');

class Builder {
  readonly params: Parameters;
  readonly writes: Write[] = [];
  sql: string;
  /** Current fields (exact names) → their SQL over the current relation, in row order. */
  fields = new Map<string, FieldState>();
  /** parsekv lists that may set any field: a lookup wraps the field's state. */
  private aliasCount = 0;
  stage = 0;
  grouped = false;
  baseColumns: string[];

  readonly baseKinds = new Map<string, ValueKind>();

  /** The recipe flag column (quoted); undefined when the table has none. */
  readonly flag: string | undefined;
  /** The data columns a flagged row's parsekv keys are in, by name, with how SQL gives their text. */
  readonly kvFields = new Map<string, 'string' | 'integer' | 'boolean' | 'other'>();
  /** Names the recipe's lookups read: on flagged rows not naming any of them, the pairs are not needed. */
  readonly recipeNames = new Set<string>();
  /** A lookup reads the pairs on every row (a column without an exact text): they cannot be skipped. */
  recipeListAlways = false;
  /** `line` as stored, and `line` after the recipe's eval of it (when recognized). */
  readonly baseLine: FieldState | undefined;
  recipeLine: FieldState | undefined;
  /** The recipe's eval stages and parsekv list, when recognized. */
  recipeEvals: RecipeStage[] = [];
  recipeList: RecipeStage | undefined;
  /** What {@link finishRecipe} did, for `--explain`. */
  recipeNote: string | undefined;

  constructor(readonly schema: TableSchema, table: TableCommand, now: Date, readonly dialect: SqlDialect) {
    const d = dialect;
    this.params = new Parameters(d);
    const extra = new Set(schema.extraFields);
    this.baseColumns = schema.columns.map((c) => c.name).filter((n) => n !== '_extra');
    this.fields.set('_table', lazyField('string', () => this.params.add(schema.name, 'VARCHAR')));
    for (const c of schema.columns) {
      if (c.name === '_extra') continue;
      this.baseKinds.set(c.name, d.columnKind(c.type));
      this.fields.set(c.name, { sql: d.quoteIdent(c.name), kind: extra.has(c.name) ? 'unknown' : d.columnKind(c.type) });
    }
    for (const f of extra) if (!this.fields.has(f)) this.fields.set(f, { sql: 'NULL', kind: 'unknown' });
    const line = this.fields.get('line');
    this.baseLine = line?.kind === 'string' ? line : undefined;
    if (schema.lineKvFields !== undefined) {
      this.flag = d.quoteIdent(LINE_KV_COLUMN);
      const types = new Map(schema.columns.map((c) => [c.name, c.type.toUpperCase()]));
      const text = { VARCHAR: 'string', BIGINT: 'integer', BOOLEAN: 'boolean' } as const;
      for (const f of schema.lineKvFields) this.kvFields.set(f, text[types.get(f) as keyof typeof text] ?? 'other');
    }
    const where: string[] = [];
    const w = timeWindow(table, now);
    if (w.from) where.push(`${d.quoteIdent('_time')} >= ${d.timestamp(w.from, this.params)}`);
    if (w.to) where.push(`${d.quoteIdent('_time')} < ${d.timestamp(w.to, this.params)}`);
    this.order = table.order === 'asc' ? 'ASC' : 'DESC';
    let sql = `SELECT * FROM ${d.quoteIdent(schema.name)}${where.length ? ' WHERE ' + where.join(' AND ') : ''}`;
    if (table.limit !== undefined || table.offset !== undefined) sql += this.orderBy() + this.limitSql(table.limit, table.offset);
    this.sql = sql;
  }

  order: 'ASC' | 'DESC';

  orderBy(): string {
    if (this.grouped) return '';
    const keys = ['_time', '_id'].filter((c) => this.schema.columns.some((x) => x.name === c));
    return keys.length === 0 ? '' : ` ORDER BY ${keys.map((k) => `${this.dialect.quoteIdent(k)} ${this.order}`).join(', ')}`;
  }

  limitSql(limit?: number, offset?: number): string {
    return this.dialect.limit(limit, offset, this.params);
  }

  alias(): string {
    return `${INTERNAL}${this.aliasCount++}`;
  }

  wrap(select: string, rest = ''): void {
    this.sql = `SELECT ${select} FROM (${this.sql}) AS s${this.stage++}${rest}`;
  }

  /** Computes `sql` in its own stage so later expressions can repeat a cheap reference to it. */
  hoist = (sql: string): string => {
    const alias = this.alias();
    this.wrap(`*, ${sql} AS ${this.quote(alias)}`);
    return this.quote(alias);
  };

  quote(name: string): string {
    return this.dialect.quoteIdent(name);
  }

  /** A recipe stage's SQL, as a token {@link finishRecipe} replaces by `plain` or by its guarded form. */
  recipeStage(alias: string, plain: string, guarded: (skip: string) => string): RecipeStage {
    return { token: `\u0000recipe${alias}\u0000`, alias, plain, guarded };
  }

  /** SQL true on rows whose recipe flag promises the field `name` (line-recipe.ts recipeExceptions). */
  flagHolds(name: string): string {
    const f = this.flag!;
    return `(${f} IS NOT NULL AND NOT ${this.dialect.contains(f, this.params.add(exceptionName(name), 'VARCHAR'))})`;
  }

  /** What translating an expression over the current fields needs (`over` replaces the field lookup). */
  translation(over: FieldScope = this.scope): Translation {
    return { scope: over, params: this.params, hoist: this.hoist, dialect: this.dialect };
  }

  scope: FieldScope = (name) => {
    const f = this.fields.get(name);
    if (!f) return undefined;
    return f.kind === 'unknown' ? 'unpushable' : f;
  };
}

type Step<C extends Command> = (b: Builder, cmd: C) => boolean;

function pushSearch(b: Builder, cmd: Extract<Command, { kind: 'search' }>): boolean {
  const e = translateExpr(cmd.expr, b.translation());
  const t = e && truthSql(e, b.dialect);
  if (t === undefined) return false;
  b.wrap('*', ` WHERE ${t}` + (cmd.limit !== undefined ? b.orderBy() + b.limitSql(cmd.limit) : ''));
  return true;
}

function pushEval(b: Builder, cmd: Extract<Command, { kind: 'eval' }>): boolean {
  // Assignments run left to right, each seeing the previous: one stage each. Nothing is
  // recorded until every assignment translates, so a partial eval leaves no trace.
  const stages: Array<{ alias: string; name: string; e: SqlExpr }> = [];
  const local = new Map<string, FieldState>();
  const scope: FieldScope = (name) => local.get(name) ?? b.scope(name);
  for (const a of cmd.assignments) {
    const e = translateExpr(a.expr, b.translation(scope));
    if (!e) return false;
    const alias = b.alias();
    stages.push({ alias, name: a.field, e });
    local.set(a.field, { sql: b.quote(alias), kind: e.kind });
  }
  // The recipe's eval of the stored line: its stages may later be skipped on flagged rows.
  const recipe = b.flag !== undefined && b.baseLine !== undefined && b.fields.get('line') === b.baseLine && isRecipeEval(cmd);
  const evals: RecipeStage[] = [];
  for (const s of stages) {
    let sql = s.e.sql;
    if (recipe) {
      const plain = sql;
      const stage = b.recipeStage(s.alias, plain, (skip) => `(CASE WHEN ${skip} THEN NULL ELSE ${plain} END)`);
      evals.push(stage);
      sql = stage.token;
    }
    b.wrap(`*, ${sql} AS ${b.quote(s.alias)}`);
    b.writes.push({ kind: 'computed', name: s.name, column: s.alias, valueKind: s.e.kind });
    b.fields.set(s.name, local.get(s.name)!);
  }
  if (recipe) { b.recipeEvals = evals; b.recipeLine = b.fields.get('line'); }
  return true;
}

/**
 * parsekv: the SQL computes the list of pairs once per row (see exec/transform.ts
 * parsePairs; the dialect spells it), fields read after it look their key up in that
 * list, and the row's new fields are set from the list in JS (the 'pairs' write).
 */
function pushParsekv(b: Builder, cmd: ParsekvCommand): boolean {
  const pairs = b.dialect.pairs;
  const target = b.scope(cmd.field);
  if (!pairs || target === 'unpushable' || cmd.pairdelim === '' || cmd.kvdelim === '') return false;
  const text = target ?? { sql: 'NULL', kind: 'null' as const };
  if (text.kind !== 'string' && text.kind !== 'null') return false;
  const alias = b.alias();
  const listOf = (t: string): string => pairs.list(t, b.params.add(cmd.pairdelim, 'VARCHAR'), b.params.add(cmd.kvdelim, 'VARCHAR'), b.params.add(WS, 'VARCHAR'));
  let listSql = listOf(text.sql);
  // The recipe over the line its eval computed: on flagged rows the keys are the data
  // columns (line-recipe.ts recipeExceptions), so lookups read them, not the list.
  const recipe = b.flag !== undefined && b.recipeLine !== undefined && b.fields.get('line') === b.recipeLine && isRecipeParsekv(cmd);
  if (recipe) {
    b.recipeList = b.recipeStage(alias, listSql, (skip) => listOf(`(CASE WHEN ${skip} THEN NULL ELSE ${text.sql} END)`));
    listSql = b.recipeList.token;
  }
  b.wrap(`*, ${listSql} AS ${b.quote(alias)}`, cmd.overlay ? '' : ` WHERE ${text.sql} IS NOT NULL`);
  const list = b.quote(alias);
  const general = (name: string, otherwise: string): string => pairs.lookup(list, b.params.add(name, 'VARCHAR'), otherwise);
  const lookup = !recipe ? general : (name: string, otherwise: string): string => {
    const column = b.kvFields.get(name);
    // A data column of a type without an exact text (lists, reals): the list decides, on
    // every row (a real column's safe integer is not named in the flag, yet its SQL text differs).
    if (column === 'other') { b.recipeListAlways = true; return general(name, otherwise); }
    b.recipeNames.add(name);
    const q = b.quote(name);
    const text = column === 'integer' ? b.dialect.integerText(q) : column === 'boolean' ? b.dialect.booleanText(q) : q;
    // Promised: a key exactly when its column is not null, holding the column's text.
    const flagged = column === undefined ? otherwise : `coalesce(${text}, ${otherwise})`;
    return `(CASE WHEN ${b.flagHolds(name)} THEN ${flagged} ELSE ${general(name, otherwise)} END)`;
  };
  const next = new Map<string, FieldState>();
  if (cmd.overlay) {
    for (const [name, f] of b.fields) {
      next.set(name, f.kind === 'string' || f.kind === 'null' ? lazyField('string', () => lookup(name, f.sql)) : { sql: f.sql, kind: 'unknown' });
    }
  } else {
    for (const name of KEPT_SYSTEM_FIELDS) {
      const f = b.fields.get(name);
      if (f) next.set(name, f);
    }
  }
  b.fields = next;
  // Fields not tracked by name (any key the pairs hold) are strings or null.
  const tracked = b.fields;
  b.scope = (name) => {
    const f = tracked.get(name);
    if (f) return f.kind === 'unknown' ? 'unpushable' : f;
    return lazyField('string', () => lookup(name, 'NULL'));
  };
  b.writes.push({ kind: 'pairs', column: alias, reset: !cmd.overlay });
  return true;
}

/** Aggregates with an exact SQL form: count, count(e), dc, and sum/avg/min/max of numbers. */
function aggregateSql(fn: string, args: SqlExpr[], d: SqlDialect): SqlExpr | undefined {
  if (fn === 'count') {
    if (args.length === 0) return { sql: 'count(*)', kind: 'number' };
    return args.length === 1 ? { sql: `count(${args[0]!.sql})`, kind: 'number' } : undefined;
  }
  if (args.length !== 1) return undefined;
  const a = args[0]!;
  if (fn === 'dc' && (a.kind === 'string' || a.kind === 'number' || a.kind === 'boolean' || a.kind === 'date')) {
    return { sql: d.countDistinct(a.sql), kind: 'number' };
  }
  if ((fn === 'sum' || fn === 'avg' || fn === 'min' || fn === 'max') && a.kind === 'number') {
    return { sql: `${fn}(${d.toDouble(a.sql)})`, kind: 'number' };
  }
  return undefined;
}

function pushStats(b: Builder, cmd: StatsCommand): boolean {
  const keys: Array<{ name: string; e: SqlExpr; alias: string }> = [];
  for (const f of cmd.by) {
    const e = b.scope(f);
    if (e === 'unpushable') return false;
    keys.push({ name: f, e: e ?? { sql: 'NULL', kind: 'null' }, alias: b.alias() });
  }
  const aggs: Array<{ name: string; e: SqlExpr; alias: string }> = [];
  for (const a of cmd.aggregates) {
    const args: SqlExpr[] = [];
    for (const x of a.args) {
      const t = translateExpr(x, b.translation());
      if (!t) return false;
      args.push(t);
    }
    const e = aggregateSql(a.fn, args, b.dialect);
    if (!e) return false;
    aggs.push({ name: a.name, e, alias: b.alias() });
  }
  const select = [...keys, ...aggs].map((k) => `${k.e.sql} AS ${b.quote(k.alias)}`).join(', ');
  const groupBy = keys.length > 0 ? ` GROUP BY ${b.dialect.groupBy(keys.map((k) => b.quote(k.alias)))}` : '';
  b.wrap(select, groupBy);
  b.grouped = true;
  b.baseColumns = [];
  b.writes.length = 0;
  b.writes.push({ kind: 'keep', names: [] });
  b.fields = new Map();
  for (const k of [...keys, ...aggs]) {
    b.writes.push({ kind: 'computed', name: k.name, column: k.alias, valueKind: k.e.kind });
    b.fields.set(k.name, { sql: b.quote(k.alias), kind: k.e.kind });
  }
  const tracked = b.fields;
  b.scope = (name) => tracked.get(name);
  b.writes.push({ kind: 'regroup', names: cmd.by });
  return true;
}

const STEPS: { [K in Command['kind']]?: Step<Extract<Command, { kind: K }>> } = {
  search: pushSearch,
  eval: pushEval,
  parsekv: pushParsekv,
  stats: (b, cmd) => !b.grouped && pushStats(b, cmd),
  fields: (b, cmd) => {
    if (cmd.names.some((n) => b.fields.get(n)?.kind === 'unknown' && !b.grouped)) return false;
    if (cmd.exclude) for (const n of cmd.names) b.fields.delete(n);
    else b.fields = new Map(cmd.names.filter((n) => b.fields.has(n)).map((n) => [n, b.fields.get(n)!]));
    const tracked = b.fields;
    const before = b.scope;
    b.scope = (name) => (tracked.has(name) ? before(name) : undefined);
    b.writes.push(cmd.exclude ? { kind: 'drop', names: cmd.names } : { kind: 'keep', names: cmd.names });
    return true;
  },
  rename: (b, cmd) => {
    // A field only a parsekv list may hold (not tracked by name): leave rename to JS.
    if (cmd.pairs.some(({ from }) => !b.fields.has(from) && b.scope(from) !== undefined)) return false;
    for (const { from, to } of cmd.pairs) {
      const f = b.fields.get(from);
      if (!f || from === to) continue;
      const next = new Map<string, FieldState>();
      for (const [k, v] of b.fields) {
        if (k === from) next.set(to, v);
        else if (k !== to) next.set(k, v);
      }
      b.fields = next;
      b.writes.push({ kind: 'rename', from, to });
    }
    const tracked = b.fields;
    const before = b.scope;
    b.scope = (name) => (tracked.has(name) ? tracked.get(name)!.kind === 'unknown' ? 'unpushable' : tracked.get(name) : before(name));
    return true;
  },
  limit: (b, cmd) => {
    if (b.grouped) return false;
    b.wrap('*', b.orderBy() + b.limitSql(cmd.count, cmd.offset));
    return true;
  },
};

/**
 * The columns the final SELECT must return. When the last structural step is a `fields`
 * keep and no parsekv list or rename came before it, only the kept fields' columns (and
 * the internal columns computing them) are read back — not every column of the table.
 */
function finalColumns(b: Builder): string {
  const writes = b.writes;
  const lastKeep = writes.map((w) => w.kind).lastIndexOf('keep');
  if (lastKeep < 0 || writes.some((w, i) => i < lastKeep && (w.kind === 'pairs' || w.kind === 'rename')) || writes.length - 1 !== lastKeep) return '*';
  const keep = writes[lastKeep] as Extract<Write, { kind: 'keep' }>;
  const wanted = new Set(keep.names);
  const cols: string[] = [];
  for (const n of wanted) if (b.baseColumns.includes(n)) cols.push(b.quote(n));
  for (const w of writes) if (w.kind === 'computed' && wanted.has(w.name)) cols.push(b.quote(w.column));
  if (cols.length === 0) return '*';
  return cols.join(', ');
}

/** Occurrences of `part` in `text`. */
function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/**
 * Puts the recognized recipe stages' SQL in place of their tokens. The parsekv list is
 * computed only for unflagged rows when no row replays it (a pushed `stats` drops the
 * rows' writes): flagged rows' lookups read columns. The eval stages of `line` are skipped
 * on flagged rows too when nothing but the next stage and that list reads them (counted
 * in the SQL text: every reader names the stage's unique alias). Otherwise every stage
 * runs on every row, as without the flag.
 */
function finishRecipe(b: Builder, sql: string): string {
  const list = b.recipeList;
  const evals = b.recipeEvals;
  const put = (text: string, stages: readonly RecipeStage[]): string =>
    stages.reduce((t, s) => t.split(s.token).join(s.plain), text);
  if (list === undefined || !sql.includes(list.token)) return put(sql, list ? [list, ...evals] : evals);
  if (!b.grouped || b.recipeListAlways) {
    const why = b.grouped ? 'a field without an exact text column needs them' : 'the result rows need them';
    b.recipeNote = `recognized the Logpresso recipe (eval line … | parsekv …): rows flagged at import (${LINE_KV_COLUMN}) read the fields later commands use from typed columns; every row's pairs are still split (${why})`;
    return put(sql, [list, ...evals]);
  }
  // The pairs are needed only on rows where some lookup takes the general path.
  const names = [...b.recipeNames];
  const skip = names.length === 0 ? `(${b.flag!} IS NOT NULL)` : `(${names.map((n) => b.flagHolds(n)).join(' AND ')})`;
  const guard = (text: string, stages: readonly RecipeStage[]): string => stages.reduce((t, s) => t.split(s.token).join(s.guarded(skip)), text);
  let out = guard(sql, [list]);
  const readers = [...evals.slice(1).map((s) => s.plain), list.guarded(skip)];
  const plain = put(out, evals);
  const alone = evals.length > 0 && evals.every((s, i) => occurrences(plain, b.quote(s.alias)) === 1 + occurrences(readers[i]!, b.quote(s.alias)));
  out = alone ? guard(out, evals) : put(out, evals);
  b.recipeNote = `recognized the Logpresso recipe (eval line … | parsekv …): rows flagged at import (${LINE_KV_COLUMN}) read their fields from typed columns` +
    (alone ? ' without splitting line' : '') + '; other rows split line';
  return out;
}

/**
 * Builds the SQL for the longest pushable prefix of `commands` (the first must be a
 * single-table `table`) in `dialect` (default DuckDB), or undefined when not even the
 * source can be pushed.
 *
 * @example
 * pushdown(parseQuery('table sysmon | search event_id == 1 | stats count by Image').commands, schema, now)
 */
export function pushdown(commands: readonly Command[], schema: TableSchema, now: Date, dialect: SqlDialect = duckdb): PushedQuery | undefined {
  const [first, ...rest] = commands;
  if (first?.kind !== 'table') return undefined;
  const b = new Builder(schema, first, now, dialect);
  let count = 1;
  for (const cmd of rest) {
    const step = STEPS[cmd.kind] as Step<Command> | undefined;
    const mark = b.params.values.length;
    const saved = { sql: b.sql, stage: b.stage };
    if (!step || !step(b, cmd)) {
      // Undo what a failed translation added (hoisted stages, their parameters).
      b.params.truncate(mark);
      generation++;
      b.sql = saved.sql;
      b.stage = saved.stage;
      break;
    }
    count++;
  }
  const built = finishRecipe(b, b.grouped ? b.sql : `SELECT ${finalColumns(b)} FROM (${b.sql}) AS result${b.orderBy()}`);
  // Bind only the parameters the SQL uses (a translation may have dropped an operand it
  // had already bound, e.g. `x + null` is NULL), renumbered in order.
  const used = [...new Set([...built.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((x, y) => x - y);
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  const sql = built.replace(/\$(\d+)/g, (_, n: string) => `$${renumber.get(Number(n))!}`);
  const parameters = used.map((n) => b.params.values[n - 1]!);
  const regroup = b.writes.find((w) => w.kind === 'regroup');
  return {
    sql, parameters, commandCount: count, writes: b.writes.filter((w) => w.kind !== 'regroup'),
    baseColumns: b.baseColumns, table: schema.name, baseKinds: b.baseKinds, dialect,
    ...(regroup?.kind === 'regroup' ? { groupOrder: regroup.names } : {}),
    ...(b.recipeNote !== undefined ? { recipe: b.recipeNote } : {}),
  };
}

/**
 * Turns one SQL result row (physical columns by name, internal `__h…` columns) into the
 * row the JS pipeline would have produced, replaying the recorded writes in order.
 */
export function shapeRow(raw: Row, pushed: PushedQuery): Row {
  let row = newRow();
  const decode = pushed.dialect.decode ?? ((v: Value): Value => v);
  if (pushed.baseColumns.length > 0) {
    row['_table'] = pushed.table;
    // Same field order as a scan: `line` last.
    for (const k of Object.keys(raw)) if (!k.startsWith(INTERNAL) && k !== 'line') row[k] = decode(raw[k]!, pushed.baseKinds.get(k) ?? 'unknown');
    if ('line' in raw) row['line'] = decode(raw['line']!, pushed.baseKinds.get('line') ?? 'unknown');
  }
  for (const w of pushed.writes) {
    switch (w.kind) {
      case 'computed':
        row[w.name] = decode(raw[w.column] ?? null, w.valueKind);
        break;
      case 'pairs': {
        const pairs = raw[w.column] ?? null;
        if (w.reset) {
          const kept = newRow();
          for (const f of KEPT_SYSTEM_FIELDS) if (f in row) kept[f] = row[f]!;
          row = kept;
        }
        const read = pushed.dialect.pairs?.read;
        if (read) {
          for (const [k, v] of read(pairs)) row[k] = v;
        } else if (Array.isArray(pairs)) {
          for (const p of pairs as Array<Record<string, Value>>) row[p['k'] as string] = p['v'] ?? null;
        }
        break;
      }
      case 'keep': {
        const kept = newRow();
        for (const n of w.names) if (n in row) kept[n] = row[n]!;
        row = kept;
        break;
      }
      case 'drop':
        for (const n of w.names) delete row[n];
        break;
      case 'rename': {
        if (!(w.from in row)) break;
        const next = newRow();
        for (const k of Object.keys(row)) {
          if (k === w.from) next[w.to] = row[k]!;
          else if (k !== w.to) next[k] = row[k]!;
        }
        row = next;
        break;
      }
      case 'regroup':
        break;
    }
  }
  return row;
}
