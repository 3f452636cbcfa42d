/**
 * `haetae query "<query>"`: runs a query (specs/query-language.md) on the store and
 * prints the rows; `--explain` shows the plan and the SQL pushed down instead.
 */
import { parseQueryResult } from '../../query/parser.js';
import { QueryError, formatDiagnostic } from '../../query/diagnostics.js';
import { ExecError } from '../../query/exec/context.js';
import { executePlan, explainPlan, planQuery } from '../../query/plan.js';
import { AllowlistWgetClient } from '../../query/wget-client.js';
import type { Row } from '../../query/value.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { loadConfig } from '../config.js';
import { openCommandStore, storeOptionHelp, storeSpec } from '../store-at.js';
import { ROW_FORMATS, renderCsv, renderJsonLines, renderTable, rowToJson } from '../render/rows.js';

export const usage = `Usage: haetae query [options] "<query>"

Run a query in Haetae's Logpresso-compatible pipe language on the store, e.g.
  haetae query 'table sysmon | search line == "*Process Create*" | stats count by host'

Options:
  -d, --data <dir>        data directory (default ./haetae-data)
${storeOptionHelp(26)}
  -f, --format <fmt>      table (default on a terminal), csv, jsonl (default otherwise), json
      --explain           show the plan: the SQL pushed down to the store and what runs in JS
      --no-pushdown       run every command in the JS pipeline (same rows, slower)
      --allow-host <h>    let wget reach host h (repeatable; adds to wget.allow_hosts in haetae.yaml)
  -h, --help              show this help

The language: commands joined by |, e.g. table, search, eval, parsekv, stats, sort,
fields, rename, join, wget, explode, limit, rex, parsejson, lookup, timechart (see README).`;

/** Runs `haetae query`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    store: { type: 'string' },
    format: { type: 'string', short: 'f' },
    explain: { type: 'boolean' },
    'no-pushdown': { type: 'boolean' },
    'allow-host': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const text = cl.positionals.join(' ');
  if (text.trim() === '') throw new UsageError('no query given');
  const format = oneOf(str(cl, 'format'), 'format', ROW_FORMATS, process.stdout.isTTY ? 'table' : 'jsonl');
  const parsed = parseQueryResult(text);
  if (!parsed.query || parsed.diagnostics.length > 0) {
    for (const d of parsed.diagnostics) process.stderr.write(formatDiagnostic(d, text) + '\n');
    return 2;
  }
  const config = loadConfig(str(cl, 'data'));
  const allowHosts = [...config.wget.allowHosts, ...((cl.values['allow-host'] as string[] | undefined) ?? [])];
  const store = await openCommandStore('query', { spec: storeSpec(str(cl, 'store'), config.store), dataDir: config.dataDir });
  if (store === null) return 1;
  try {
    const ctx = { source: store, now: new Date(), wget: new AllowlistWgetClient(allowHosts) };
    const plan = await planQuery(parsed.query, ctx, { pushdown: !flag(cl, 'no-pushdown') });
    if (flag(cl, 'explain')) { process.stdout.write(explainPlan(plan) + '\n'); return 0; }
    const all: Row[] = [];
    for await (const rows of executePlan(plan, ctx)) {
      if (format === 'jsonl') process.stdout.write(renderJsonLines(rows));
      else all.push(...rows);
    }
    if (format === 'table') process.stdout.write(renderTable(all));
    else if (format === 'csv') process.stdout.write(renderCsv(all));
    else if (format === 'json') process.stdout.write(JSON.stringify(all.map(rowToJson), null, 2) + '\n');
    return 0;
  } catch (e) {
    if (e instanceof QueryError) { process.stderr.write(e.message + '\n'); return 2; }
    if (e instanceof ExecError) {
      process.stderr.write((e.span ? formatDiagnostic({ code: 'exec', message: e.message, span: e.span }, text) : `error: ${e.message}`) + '\n');
      return 1;
    }
    throw e;
  } finally {
    await store.close();
  }
}
