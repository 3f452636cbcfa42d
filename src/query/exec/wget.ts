/**
 * `wget`: the whole response body in `line`, the HTTP status in `_wget_code` (spec
 * "Commands"). Hosts are checked against the operator's allowlist by the WgetClient
 * before any connection is made.
 */
import type { WgetCommand } from '../ast.js';
import { newRow, type Row } from '../value.js';
import { ExecError, type ExecContext, type RowStream } from './context.js';

async function fetchInto(row: Row, url: string, cmd: WgetCommand, ctx: ExecContext): Promise<Row> {
  if (!ctx.wget) throw new ExecError('wget is not available here (no HTTP client configured)', cmd.span);
  const res = await ctx.wget.fetch(url, { method: cmd.method, timeoutMs: cmd.timeout * 1000 });
  row['line'] = res.body;
  row['_wget_code'] = res.status;
  return row;
}

/** `wget url=…` as the first command: one row. */
export async function* wgetSource(cmd: WgetCommand, ctx: ExecContext): RowStream {
  if (cmd.url === undefined) throw new ExecError('wget needs url="…" when it starts a query', cmd.span);
  const row = newRow();
  row['_time'] = ctx.now;
  yield [await fetchInto(row, cmd.url, cmd, ctx)];
}

/** `wget` after other commands: fetches `url=` (or each row's `url` field) for every row. */
export async function* wgetEach(cmd: WgetCommand, input: RowStream, ctx: ExecContext): RowStream {
  for await (const rows of input) {
    const out: Row[] = [];
    for (const row of rows) {
      const url = cmd.url ?? row['url'];
      if (typeof url !== 'string') { out.push(row); continue; }
      out.push(await fetchInto(row, url, cmd, ctx));
    }
    yield out;
  }
}
