/**
 * An event table's schema as the importer tracks it, and the fitting of encoded event
 * rows (event-rows.ts) to it.
 *
 * DuckDB identifiers are case-insensitive, so columns are found by lower-cased name; a data
 * field whose name differs from the column's only in case, or names a fixed column, or whose
 * value does not fit its column's type, goes into `_extra` (a JSON object) instead.
 */
import { setField, type EventValue } from '../event/index.js';
import { ACCEPTS, jsonValue, type EventRun } from './event-rows.js';
import { EXTRA_COLUMN, FIXED_COLUMNS, fitsColumn, type DataColumnType } from './schema.js';
import { exceptionName, LINE_KV_COLUMN } from '../query/line-recipe.js';

/** A column of an event table: name, type, position. */
export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly index: number;
}

const FIXED_INDEX = new Map(FIXED_COLUMNS.map((c, i) => [c.name, i]));
const EXTRA = FIXED_INDEX.get(EXTRA_COLUMN)!;

/** True when the columns read from the database are those of an event table. */
export function isEventTableSchema(columns: readonly { name: string; type: string }[]): boolean {
  return FIXED_COLUMNS.every((c, i) => columns[i]?.name === c.name);
}

/**
 * For pushdown (RowSource.lineKvFields): the data columns of an event table whose rows
 * carry the recipe flag, i.e. where a flagged row's fields are; null for a table without
 * the flag column (an older store, or none of its rows was ever flagged).
 */
export function lineKvFields(columns: readonly { name: string; type: string }[]): string[] | null {
  if (!isEventTableSchema(columns) || !columns.some((c) => c.name === LINE_KV_COLUMN && c.type === 'VARCHAR')) return null;
  return columns.slice(FIXED_COLUMNS.length).map((c) => c.name).filter((n) => n !== LINE_KV_COLUMN);
}

/** The schema of one event table and the next `_id` to hand out. */
export class EventTable {
  /** Columns by lower-cased name. */
  private readonly byLower = new Map<string, TableColumn>();
  readonly columns: TableColumn[] = [];

  constructor(readonly name: string, columns: readonly { name: string; type: string }[], public nextId: number, public exists: boolean) {
    for (const c of columns) this.add(c.name, c.type);
  }

  private add(name: string, type: string): TableColumn {
    const col = { name, type, index: this.columns.length };
    this.columns.push(col);
    this.byLower.set(name.toLowerCase(), col);
    return col;
  }

  /**
   * Data columns that the runs' fields need and the table lacks, added to this schema (the
   * caller creates them in the database), typed as the first run holding the field asks.
   */
  newColumns(runs: readonly EventRun[]): { name: string; type: DataColumnType }[] {
    const added: { name: string; type: DataColumnType }[] = [];
    for (const r of runs) {
      for (const k in r.fields) {
        if (this.byLower.has(k.toLowerCase())) continue;
        const type = r.fields[k][1];
        this.add(k, type);
        added.push({ name: k, type });
      }
    }
    return added;
  }

  /** True when every data field of the run lands in its own column (same case, fitting type). */
  fits(run: EventRun): boolean {
    for (const k in run.fields) {
      const col = this.byLower.get(k.toLowerCase());
      if (col === undefined || col.name !== k || col.index <= EXTRA || (run.fields[k][0] & ~(ACCEPTS[col.type] ?? 0)) !== 0) return false;
    }
    return true;
  }

  /**
   * A row of a run that does not {@link fits}: data fields without a column of their own
   * (case collisions, values of another type) moved into `_extra`, and named in the row's
   * recipe flag (`_line_kv`, event-rows.ts encodeRow): their columns do not hold them.
   */
  fixRow(row: string): string {
    const o = JSON.parse(`{${row}`) as Record<string, unknown>;
    let extra = (o[EXTRA_COLUMN] ?? null) as Record<string, EventValue> | null;
    let moved = '';
    for (const k of Object.keys(o)) {
      if (FIXED_INDEX.has(k) || k === LINE_KV_COLUMN) continue;
      const v = o[k] as EventValue;
      const col = this.byLower.get(k.toLowerCase());
      if (col !== undefined && col.name === k && col.index > EXTRA && fitsColumn(v, col.type)) continue;
      setField(extra ??= Object.create(null) as Record<string, EventValue>, k, v);
      delete o[k];
      moved += exceptionName(k);
    }
    const flag = this.byLower.get(LINE_KV_COLUMN);
    if (typeof o[LINE_KV_COLUMN] !== 'string' || flag === undefined || flag.name !== LINE_KV_COLUMN || flag.type !== 'VARCHAR') delete o[LINE_KV_COLUMN];
    else o[LINE_KV_COLUMN] += moved;
    if (extra !== null) o[EXTRA_COLUMN] = extra;
    return jsonValue(o).slice(1);
  }
}
