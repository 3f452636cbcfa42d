/**
 * DuckDB's SQL dialect (the embedded store, src/store/duckdb-store.ts): standard SQL plus
 * DuckDB's string functions, `ILIKE`, timestamps from ISO text, and parsekv's pairs as a
 * list of structs.
 */
import { STANDARD_SQL, type SqlDialect } from './dialect.js';

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * DuckDB: the default dialect of pushdown.
 *
 * @example
 * duckdb.startsWith('"Image"', 'CAST($1 AS VARCHAR)') // 'starts_with("Image", CAST($1 AS VARCHAR))'
 */
export const duckdb: SqlDialect = {
  ...STANDARD_SQL,
  name: 'duckdb',
  startsWith: (s, p) => `starts_with(${s}, ${p})`,
  endsWith: (s, p) => `ends_with(${s}, ${p})`,
  contains: (s, p) => `contains(${s}, ${p})`,
  strpos: (s, n) => `strpos(${s}, ${n})`,
  length: (s) => `length(${s})`,
  slice: (s, begin, end) => `substring(${s}, ${begin} + 1, ${end} - ${begin})`,
  replaceAll: (s, p, r) => `replace(${s}, ${p}, ${r})`,
  // ILIKE lower-cases both sides (Unicode), as close to JS's /i as DuckDB gets.
  wildcard: (s, pattern, params) => `(${s} ILIKE ${params.add(pattern.split('*').map(escapeLike).join('%'), 'VARCHAR')} ESCAPE '\\')`,
  timestamp: (at, params) => `${params.add(at.toISOString(), 'VARCHAR')}::TIMESTAMP`,
  pairs: {
    list: (text, pd, kd, ws) => {
      const trimmed = `list_filter(list_transform(string_split(${text}, ${pd}), p -> trim(p, ${ws})), p -> p <> '')`;
      return `list_transform(${trimmed}, p -> CASE WHEN strpos(p, ${kd}) > 0 ` +
        `THEN {'k': substring(p, 1, strpos(p, ${kd}) - 1), 'v': substring(p, strpos(p, ${kd}) + length(${kd}))} ` +
        `ELSE {'k': p, 'v': NULL::VARCHAR} END)`;
    },
    // Measured: building the pairs once and looking keys up in that list beats splitting
    // and trimming the text again per key (DuckDB's trim with a character set is slow).
    lookup: (list, key, otherwise) => `(CASE WHEN list_contains(list_transform(${list}, x -> x.k), ${key}) ` +
      `THEN list_last(list_filter(${list}, x -> x.k = ${key})).v ELSE ${otherwise} END)`,
  },
};
