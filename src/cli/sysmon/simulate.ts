/**
 * `haetae sysmon simulate`: run a Sysmon config over events as Sysmon's rule engine would,
 * and report per event type what would be logged or dropped, and by which rule.
 */
import { statSync } from 'node:fs';
import type { Event } from '../../event/index.js';
import { decodeFile, FORMAT_DESCRIPTIONS, INPUT_FORMATS } from '../../formats/index.js';
import { isSysmonEvent } from '../../sysmon/events.js';
import { SysmonSimulator, type EventFields, type Verdict } from '../../sysmon/simulate.js';
import { formatTally, SimulationTally } from '../../sysmon/tally.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { EventSink, SINK_FORMATS } from '../event-sink.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../inputs.js';
import { formatInputIssue } from '../issues.js';
import { openOutput, type TextOutput } from '../output.js';
import { Progress } from '../progress.js';
import { readConfigFile } from './config-file.js';

/** Usage of `haetae sysmon simulate`. */
export const usage = `Usage: haetae sysmon simulate --config <config.xml> <files|folders...> [options]
       haetae sysmon simulate --config <config.xml> --table <name> [--data DIR] [options]

Run a Sysmon config over events exactly as Sysmon's rule engine would (exclude first,
per-block defaults, schema-dependent AND/OR, case-insensitive string comparison) and
report, per event type, how many events would be logged or dropped and by which rule.

Events: any format haetae reads (${INPUT_FORMATS.join(', ')}), recognised by content,
including JSON lines of plain Sysmon fields: {"EventID": 1, "Image": "C:\\\\…", …}.
Or a stored table (--table) of the data directory. Events that are not Sysmon events
(e.g. Security) are counted and skipped.

Options:
  -c, --config <file>       the Sysmon config to simulate (required)
      --table <name>        read the events of a stored table instead of files
  -d, --data <dir>          data directory for --table (default ./haetae-data)
      --verdicts            print one JSON line per event to stdout:
                            {"record": …, "event_id": N, "decision": "include"|"exclude", "rule_name": "…", …}
                            (the report then goes to stderr)
  -w, --write <file>        write the events that would be logged to a file
      --write-format <f>    ${SINK_FORMATS.join(', ')} (default: jsonl; evtx for a .evtx file name)
  -f, --format <fmt>        report format: text (default) or json
  -i, --input-format <f>    read every input as this format
  -q, --quiet               no progress, no input problems on stderr
  -h, --help                show this help

Input formats:
${INPUT_FORMATS.map((f) => `  ${f.padEnd(10)} ${FORMAT_DESCRIPTIONS[f]}`).join('\n')}

Exit code: 0, or 1 when the config has problems Sysmon would refuse (listed on stderr).`;

/** Where simulated events come from: decoded files, or rows of a stored table. */
interface SimulatedEvent {
  readonly eventId: number;
  readonly fields: EventFields;
  readonly record: number | null;
  readonly file: string | null;
  /** The decoded event (files only), for --write. */
  readonly event: Event | null;
}

/** Events of the input files, in batches; input problems go to `onIssue`. */
async function* fileEvents(paths: string[], inputFormat: (typeof INPUT_FORMATS)[number] | undefined, onIssue: (line: string) => void, onBytes: (n: number) => void, skip: () => void): AsyncGenerator<SimulatedEvent[]> {
  const { files, problems } = expandInputs(paths, INPUT_FILE_PATTERN);
  for (const p of problems) onIssue(p);
  if (files.length === 0) throw new UsageError('no input files found');
  for (const file of files) {
    for await (const batch of decodeFile(file, { format: inputFormat, render: false })) {
      for (const i of batch.issues) onIssue(formatInputIssue(i));
      onBytes(batch.bytes);
      const out: SimulatedEvent[] = [];
      for (const e of batch.events) {
        if (!isSysmonEvent(e)) { skip(); continue; }
        out.push({ eventId: e.event_id, fields: e.data, record: e.record_id, file, event: e });
      }
      yield out;
    }
  }
}

/** Events of a stored table: each row's columns are the event's fields. */
async function* tableEvents(table: string, dataDir: string | undefined, skip: () => void): AsyncGenerator<SimulatedEvent[]> {
  const { openStoreAt } = await import('../../store/open.js');
  const { loadConfig } = await import('../config.js');
  const config = loadConfig(dataDir);
  // haetae.yaml's `store:` names a ClickHouse cluster when the events live there.
  const store = await openStoreAt(config.store, { dataDir: config.dataDir, onNotice: (m) => process.stderr.write(`haetae sysmon simulate: ${m}\n`) });
  try {
    if (!(await store.tableNames()).includes(table)) throw new UsageError(`no table '${table}' in the data directory (haetae tables lists them)`);
    for await (const rows of store.scan(table, { order: 'asc' })) {
      const out: SimulatedEvent[] = [];
      for (const row of rows) {
        const provider = typeof row.provider === 'string' ? row.provider : '';
        const channel = typeof row.channel === 'string' ? row.channel : '';
        if (typeof row.event_id !== 'number' || !isSysmonEvent({ provider, channel })) { skip(); continue; }
        out.push({ eventId: row.event_id, fields: row, record: typeof row.record_id === 'number' ? row.record_id : null, file: null, event: null });
      }
      yield out;
    }
  } finally {
    await store.close();
  }
}

/** One `--verdicts` line. */
function verdictLine(index: number, e: SimulatedEvent, v: Verdict): string {
  return JSON.stringify({
    record: e.record ?? index, event_id: e.eventId, decision: v.decision, rule_name: v.ruleName ?? '',
    reason: v.reason, line: v.line, ...(e.file !== null ? { file: e.file } : {}),
  });
}

/** Runs `haetae sysmon simulate`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    config: { type: 'string', short: 'c' },
    table: { type: 'string' },
    data: { type: 'string', short: 'd' },
    verdicts: { type: 'boolean' },
    write: { type: 'string', short: 'w' },
    'write-format': { type: 'string' },
    format: { type: 'string', short: 'f' },
    'input-format': { type: 'string', short: 'i' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const configPath = str(cl, 'config');
  if (configPath === undefined) throw new UsageError('--config <file> is required');
  const table = str(cl, 'table');
  if (table === undefined && cl.positionals.length === 0) throw new UsageError('no events: give event files or folders, or --table');
  if (table !== undefined && cl.positionals.length > 0) throw new UsageError('give either event files or --table, not both');
  const writePath = str(cl, 'write');
  if (writePath !== undefined && table !== undefined) throw new UsageError('--write needs event files (stored rows are not events to re-encode)');
  const format = oneOf(str(cl, 'format'), 'format', ['text', 'json'] as const, 'text');
  const writeFormat = oneOf(str(cl, 'write-format'), 'write-format', SINK_FORMATS, writePath?.toLowerCase().endsWith('.evtx') ? 'evtx' : 'jsonl');
  const inputFormat = str(cl, 'input-format') === undefined ? undefined : oneOf(str(cl, 'input-format'), 'input-format', INPUT_FORMATS, 'evtx');
  const quiet = flag(cl, 'quiet');

  const { config, problems } = readConfigFile(configPath);
  for (const p of problems) process.stderr.write(`${configPath}:${p.line}: ${p.message}\n`);
  const simulator = new SysmonSimulator(config);
  const tally = new SimulationTally();
  const verdicts: TextOutput | null = flag(cl, 'verdicts') ? openOutput(undefined) : null;
  const sink = writePath !== undefined ? await EventSink.open(writeFormat, writePath) : null;

  let totalBytes = 0;
  for (const p of cl.positionals) { try { const st = statSync(p); if (st.isFile()) totalBytes += st.size; } catch { /* reported by the reader */ } }
  const progress = new Progress(totalBytes, 'simulating', !quiet && table === undefined && process.stderr.isTTY === true);
  const say = (line: string): void => { if (!quiet) { progress.finish(); process.stderr.write(line + '\n'); } };
  let skipped = 0;
  const skip = (): void => { skipped++; };
  let bytes = 0;
  const source = table !== undefined
    ? tableEvents(table, str(cl, 'data'), skip)
    : fileEvents(cl.positionals, inputFormat, say, (n) => { bytes = n; }, skip);
  let index = 0;
  try {
    for await (const batch of source) {
      let lines = '';
      const logged: Event[] = [];
      for (const e of batch) {
        const v = simulator.decide(e.eventId, e.fields);
        tally.add(e.eventId, v);
        index++;
        if (verdicts !== null) lines += verdictLine(index, e, v) + '\n';
        if (sink !== null && v.decision === 'include' && e.event !== null) logged.push(e.event);
      }
      progress.advance(bytes, batch.length);
      bytes = 0;
      if (verdicts !== null && lines !== '') {
        await verdicts.write(lines);
        if (verdicts.closed) break;
      }
      if (sink !== null) await sink.write(logged, (e, reason) => say(`record ${e.record_id ?? '?'}: not written: ${reason}`));
    }
  } finally {
    progress.finish();
    await sink?.close();
    await verdicts?.close();
  }
  const result = tally.result();
  let report: string;
  if (format === 'json') report = JSON.stringify({ config: configPath, schema: config.schemaVersion, eventTypes: result, notSysmon: skipped, written: sink?.written ?? null }, null, 2) + '\n';
  else {
    report = formatTally(result);
    if (skipped > 0) report += `${skipped} events are not Sysmon events and were skipped\n`;
    if (sink !== null) report += `${sink.written} logged events written to ${writePath}${sink.skipped > 0 ? ` (${sink.skipped} could not be encoded)` : ''}\n`;
  }
  // With --verdicts, stdout carries the JSON lines; the report goes beside them on stderr.
  if (verdicts !== null) process.stderr.write(report);
  else {
    const out = openOutput(undefined);
    await out.write(report);
    await out.close();
  }
  return problems.length > 0 ? 1 : 0;
}
