/**
 * The seed queries the benchmarks time (issue 4's acceptance queries over generated Sysmon
 * events) and how one is timed through Haetae's query engine, shared by bench:query
 * (DuckDB, 10 million events) and bench:scale (DuckDB vs ClickHouse, 100 million).
 */
import { executeQuery, parseQuery } from '../src/query/index.js';
import type { Row } from '../src/query/index.js';
import type { RowSource } from '../src/query/exec/context.js';
import { round } from './support.js';

/** The spec's acceptance query: Process Create messages parsed by the Logpresso recipe, counted by image and SHA-256. */
export const SEED_QUERY = `table sysmon
| search line == "*Process Create*"
| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "\`")
| parsekv overlay=t pairdelim="\`" kvdelim=": "
| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)
| stats count by Image, Hashes | sort -count`;

/** A field search over a typed column, newest first. */
export const SEARCH_QUERY = 'table sysmon | search Image == "*\\\\cmd.exe" | fields _time, host, Image, CommandLine';

/** One run of `text` through parseQuery + executeQuery (pushdown on or off); `keep` collects the rows. */
export async function timeQuery(
  source: RowSource, text: string, pushdown: boolean, keep?: Row[],
): Promise<{ seconds: number; rows: number }> {
  const t0 = performance.now();
  let rows = 0;
  for await (const batch of executeQuery(parseQuery(text), { source, now: new Date() }, { pushdown })) {
    rows += batch.length;
    if (keep) keep.push(...batch);
  }
  return { seconds: round((performance.now() - t0) / 1000, 3), rows };
}
