/**
 * `haetae import`: decode event files of any input format into the store's tables
 * (sysmon, security, one per other channel), idempotently and resumably.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultThreads } from '../../evtx/index.js';
import { FORMAT_DESCRIPTIONS, INPUT_FORMATS } from '../../formats/index.js';
import { DATABASE_FILE, loadTableMapping, isValidTableName } from '../../store/index.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { loadConfig } from '../config.js';
import { importFiles } from '../import-files.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../inputs.js';
import { Progress } from '../progress.js';
import { isRemoteStore, openCommandStore, storeOptionHelp, storeSpec } from '../store-at.js';

export const usage = `Usage: haetae import <files|folders...> [options]

Decode event files and store their events. Sysmon events go to table 'sysmon', Security
events to 'security', every other channel to its own table named after the channel
(Microsoft-Windows-PowerShell/Operational → powershell_operational); a 'tables:' map in
haetae.yaml (working directory, then data directory) changes that. Inputs are recognised
by their content (folders are searched for *.evtx, *.xml, *.json, *.jsonl, *.ndjson, *.gz,
*.txt, *.log):
${INPUT_FORMATS.map((f) => `  ${f.padEnd(10)} ${FORMAT_DESCRIPTIONS[f]}`).join('\n')}

A file already imported (same content) is skipped; an import that was interrupted resumes
where its last commit ended, so re-running the same command never duplicates events.

Options:
  -d, --data <dir>          data directory (default ./haetae-data)
${storeOptionHelp(28)}
  -T, --table <name>        put every event into this table
  -i, --input-format <f>    skip detection: read every input as this format
  -t, --threads <n>         EVTX worker threads (default: all cores, ${defaultThreads()} here)
      --commit-every <n>    events per transaction (default 50000)
      --strict-crc          EVTX: skip chunks whose CRC32 does not match
      --skip-errors         exit 0 even when records were skipped (still reported)
  -v, --verbose             print a line after every commit
  -q, --quiet               do not list each skipped record or chunk
  -h, --help                show this help

Exit code: 0 ok, 1 something was skipped or the store could not be opened, 2 usage.`;

/** Runs `haetae import`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    store: { type: 'string' },
    table: { type: 'string', short: 'T' },
    'input-format': { type: 'string', short: 'i' },
    threads: { type: 'string', short: 't' },
    'commit-every': { type: 'string' },
    'strict-crc': { type: 'boolean' },
    'skip-errors': { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length === 0) throw new UsageError('no input: give event files or folders');
  const inputFormat = str(cl, 'input-format') === undefined ? undefined : oneOf(str(cl, 'input-format'), 'input-format', INPUT_FORMATS, 'evtx');
  const threads = positiveInt(str(cl, 'threads'), 'threads', defaultThreads());
  const commitEvery = positiveInt(str(cl, 'commit-every'), 'commit-every', 50_000);
  const table = str(cl, 'table');
  if (table !== undefined && !isValidTableName(table)) throw new UsageError(`--table '${table}' is not a valid table name: use a letter, then letters, digits or _`);
  const config = loadConfig(str(cl, 'data'));
  const dataDir = resolve(config.dataDir);
  const spec = storeSpec(str(cl, 'store'), config.store);

  const { files, problems } = expandInputs(cl.positionals, INPUT_FILE_PATTERN);
  for (const p of problems) process.stderr.write(`haetae import: ${p}\n`);
  if (files.length === 0) { process.stderr.write('haetae import: no input files found\n'); return 1; }

  let mapping;
  try { mapping = loadTableMapping([process.cwd(), dataDir]); } catch (e) { process.stderr.write(`haetae import: ${(e as Error).message}\n`); return 1; }
  const store = await openCommandStore('import', { spec, dataDir, commitEvery });
  if (store === null) return 1;
  let totalBytes = 0;
  for (const f of files) { try { totalBytes += statSync(f).size; } catch { /* reported by the import */ } }
  const progress = new Progress(totalBytes, 'importing');
  let summary;
  try {
    summary = await importFiles(store, files, {
      table: table ?? 'auto', tableFor: (ch) => mapping.tableFor(ch), inputFormat, threads, strictChecksums: flag(cl, 'strict-crc'),
      onIssue: (_severity, text) => { if (!flag(cl, 'quiet')) { progress.finish(); process.stderr.write(text + '\n'); } },
      onCommit: (p, bytes) => {
        progress.advance(bytes, p.batch);
        if (flag(cl, 'verbose')) { progress.finish(); process.stderr.write(`haetae import: committed ${p.committed} events\n`); }
      },
    });
  } catch (e) {
    // A ClickHouse cluster's trouble (the shard holding a file's import record down) is one line; what was committed stays spooled.
    if (!isRemoteStore(spec)) throw e;
    progress.finish();
    await store.close();
    process.stderr.write(`haetae import: ${(e as Error).message}\n`);
    return 1;
  } finally {
    progress.finish();
  }
  let stored: number | string;
  try {
    stored = (await store.tables()).reduce((n, t) => n + t.events, 0);
  } catch (e) {
    // A ClickHouse shard down: the import is spooled (acknowledged), only the count cannot be read.
    stored = (e as Error).message;
  } finally {
    await store.close();
  }
  printSummary(summary, stored, isRemoteStore(spec) ? store.path : dataDir);
  const skipped = summary.errors > 0 || problems.length > 0;
  return skipped && !flag(cl, 'skip-errors') ? 1 : 0;
}

/** The import's summary; `where` is the data directory, or the ClickHouse store's address (its size is `haetae store stats`'s). */
function printSummary(s: Awaited<ReturnType<typeof importFiles>>, storeEvents: number | string, where: string): void {
  const n = (x: number): string => x.toLocaleString('en-US');
  const rate = s.seconds > 0 ? Math.round(s.events / s.seconds) : 0;
  const lines = [`imported ${n(s.events)} events in ${s.seconds.toFixed(2)} s (${n(rate)} events/s)`];
  const width = Math.max(0, ...[...s.tables.keys()].map((t) => t.length));
  for (const [t, c] of [...s.tables].sort((a, b) => b[1] - a[1])) lines.push(`  ${t.padEnd(width)}  ${n(c).padStart(12)}`);
  if (s.alreadyImported.length > 0) lines.push(`skipped ${s.alreadyImported.length} file(s) already imported`);
  for (const r of s.resumed) lines.push(`resumed ${r.file} after ${n(r.skipped)} events committed earlier`);
  if (s.errors > 0) lines.push(`skipped ${n(s.errors)} record(s) or chunk(s) with errors (listed above)`);
  if (s.warnings > 0) lines.push(`${n(s.warnings)} warning(s) (listed above)`);
  if (typeof storeEvents === 'string' || isRemoteStore(where)) {
    lines.push(`store ${where}: ${typeof storeEvents === 'string' ? `events not counted: ${storeEvents}` : `${n(storeEvents)} events`}`);
    process.stdout.write(lines.join('\n') + '\n');
    return;
  }
  const db = join(where, DATABASE_FILE);
  let size = 0;
  for (const f of [db, `${db}.wal`]) if (existsSync(f)) size += statSync(f).size;
  lines.push(`store ${db}: ${n(storeEvents)} events, ${(size / 1048576).toFixed(1)} MiB${storeEvents > 0 ? `, ${n(Math.round(size / storeEvents))} bytes/event` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
}
