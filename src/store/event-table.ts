/**
 * An event table's schema as the importer tracks it, and the conversion of Events into
 * column arrays for the appender's data chunks.
 *
 * DuckDB identifiers are case-insensitive, so columns are found by lower-cased name; a data
 * field whose name differs from the column's only in case, or names a fixed column, or whose
 * value does not fit its column's type, goes into `_extra` (a JSON object) instead.
 */
import { listValue, timestampValue, type DuckDBValue } from '@duckdb/node-api';
import { fieldTypes, type Event, type EventValue } from '../event/index.js';
import { dataColumnType, EXTRA_COLUMN, FIXED_COLUMNS, fitsColumn, SYSTEM_COLUMNS, timeMicros, type DataColumnType } from './schema.js';

/** A column of an event table: name, type, position. */
export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly index: number;
}

const FIXED_INDEX = new Map(FIXED_COLUMNS.map((c, i) => [c.name, i]));
const ID = FIXED_INDEX.get('_id')!;
const TIME = FIXED_INDEX.get('_time')!;
const LINE = FIXED_INDEX.get('line')!;
const EXTRA = FIXED_INDEX.get(EXTRA_COLUMN)!;
const SYSTEM = SYSTEM_COLUMNS.map((c) => ({ name: c.name, type: c.type, index: FIXED_INDEX.get(c.name)! }));

/** True when the columns read from the database are those of an event table. */
export function isEventTableSchema(columns: readonly { name: string; type: string }[]): boolean {
  return FIXED_COLUMNS.every((c, i) => columns[i]?.name === c.name);
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
   * Data columns that `events` need and the table lacks, added to this schema (the caller
   * creates them in the database). Types come from the field catalog, else the first value.
   */
  newColumns(events: readonly Event[]): { name: string; type: DataColumnType }[] {
    const added: { name: string; type: DataColumnType }[] = [];
    for (const e of events) {
      for (const k in e.data) {
        if (this.byLower.has(k.toLowerCase())) continue;
        const v = e.data[k];
        if (v === null) continue;
        const type = dataColumnType(fieldTypes(e.provider, e.event_id, e.version)?.get(k), v);
        this.add(k, type);
        added.push({ name: k, type });
      }
    }
    return added;
  }

  /**
   * The events as one array of DuckDB values per column (in table order), `_id`s assigned
   * from {@link nextId}. Every data field lands in its column or in `_extra`.
   */
  toColumns(events: readonly Event[]): DuckDBValue[][] {
    const n = events.length;
    const cols: DuckDBValue[][] = this.columns.map(() => new Array<DuckDBValue>(n).fill(null));
    const idCol = cols[ID], timeCol = cols[TIME], lineCol = cols[LINE], extraCol = cols[EXTRA];
    for (let r = 0; r < n; r++) {
      const e = events[r];
      let extra: Record<string, EventValue> | null = null;
      const putExtra = (k: string, v: EventValue): void => {
        extra ??= Object.create(null) as Record<string, EventValue>;
        extra[k] = v;
      };
      idCol[r] = BigInt(this.nextId++);
      const micros = timeMicros(e._time);
      if (micros !== null) timeCol[r] = timestampValue(micros);
      else if (e._time !== '') putExtra('_time', e._time);
      for (const s of SYSTEM) {
        const v = e[s.name];
        if (v === null) continue;
        if (!fitsColumn(v, s.type)) putExtra(s.name, v);
        else cols[s.index][r] = s.type === 'BIGINT' ? BigInt(v) : v;
      }
      lineCol[r] = e.line;
      const data = e.data;
      for (const k in data) {
        const v = data[k];
        if (v === null) continue;
        const col = this.byLower.get(k.toLowerCase());
        if (col === undefined || col.name !== k || col.index <= EXTRA || !fitsColumn(v, col.type)) { putExtra(k, v); continue; }
        switch (col.type) {
          case 'BIGINT': cols[col.index][r] = BigInt(v as number); break;
          case 'VARCHAR[]': cols[col.index][r] = listValue(v as string[]); break;
          default: cols[col.index][r] = v as string | boolean;
        }
      }
      if (extra !== null) extraCol[r] = JSON.stringify(extra);
    }
    return cols;
  }
}
