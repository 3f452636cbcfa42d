/**
 * Column types for generic tables (`writeRows`: query fixtures, lookup tables), inferred
 * from every row's values so that they read back as they were written.
 */
import { IpAddress, type Row, type Value } from '../query/value.js';

/** An inferred column. `JSON` holds mixed or map values as JSON text. */
export interface InferredColumn {
  readonly name: string;
  readonly type: 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'TIMESTAMP' | 'VARCHAR[]' | 'JSON';
}

type Kind = 'int' | 'float' | 'bool' | 'string' | 'date' | 'strings' | 'other';

function kindOf(v: Value): Kind {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof Date) return 'date';
  if (v instanceof IpAddress) return 'string';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return 'strings';
  return 'other';
}

/**
 * Columns in first-appearance order: integers only → BIGINT, numbers → DOUBLE, booleans →
 * BOOLEAN, strings (and IP addresses, as text) → VARCHAR, Dates → TIMESTAMP, string lists →
 * VARCHAR[], all null → VARCHAR, anything else or mixed → JSON. Names that differ only in
 * case cannot be two columns (DuckDB identifiers ignore case): that is an error.
 *
 * @example
 * inferColumns([{ n: 1 }, { n: 2.5 }]) // [{ name: 'n', type: 'DOUBLE' }]
 */
export function inferColumns(rows: readonly Row[]): InferredColumn[] {
  const kinds = new Map<string, Set<Kind>>();
  const lower = new Map<string, string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      let set = kinds.get(k);
      if (set === undefined) {
        const other = lower.get(k.toLowerCase());
        if (other !== undefined) throw new Error(`fields '${other}' and '${k}' differ only in case; a table cannot hold both`);
        lower.set(k.toLowerCase(), k);
        set = new Set();
        kinds.set(k, set);
      }
      const v = r[k];
      if (v !== null && v !== undefined) set.add(kindOf(v));
    }
  }
  return [...kinds].map(([name, set]) => ({ name, type: typeFor(set) }));
}

function typeFor(set: ReadonlySet<Kind>): InferredColumn['type'] {
  if (set.size === 0) return 'VARCHAR';
  if (set.size === 2 && set.has('int') && set.has('float')) return 'DOUBLE';
  if (set.size > 1) return 'JSON';
  const [k] = set;
  switch (k) {
    case 'int': return 'BIGINT';
    case 'float': return 'DOUBLE';
    case 'bool': return 'BOOLEAN';
    case 'string': return 'VARCHAR';
    case 'date': return 'TIMESTAMP';
    case 'strings': return 'VARCHAR[]';
    default: return 'JSON';
  }
}
