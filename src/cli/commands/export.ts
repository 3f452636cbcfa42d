/**
 * `haetae export`: convert events into another container, above all EVTX — so that
 * events from any source can be opened in Event Viewer or any EVTX tool, and so that
 * Haetae makes its own test fixtures.
 */
import { decodeFile, INPUT_FORMATS } from '../../formats/index.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../inputs.js';
import { formatInputIssue } from '../issues.js';
import { EventSink, SINK_FORMATS } from '../event-sink.js';

export const usage = `Usage: haetae export --format <fmt> -o <file> <files|folders...>

Convert events to another format. Inputs: any format haetae dump reads (EVTX, Windows
XML, evtx_dump JSON, NXLog JSON, Winlogbeat ECS JSON, Haetae JSON lines, rendered
messages), recognised by content; folders are searched for event files.

Options:
  -f, --format <fmt>       evtx       a valid EVTX file (templates, string tables, CRCs)
                           jsonl, xml, evtx-json, ecs, csv   as in haetae dump
  -i, --input-format <f>   skip detection: read every input as this format
  -o, --output <file>      output file (required for evtx; text formats default to stdout)
  -q, --quiet              do not list skipped records on stderr
  -h, --help               show this help

Every input event becomes one record; events that cannot be encoded (for example a
record larger than a 64 KiB chunk) are skipped and reported.`;

/** Runs `haetae export`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
    'input-format': { type: 'string', short: 'i' },
    output: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const format = oneOf(str(cl, 'format'), 'format', SINK_FORMATS, 'evtx');
  const inputFormat = str(cl, 'input-format') === undefined ? undefined : oneOf(str(cl, 'input-format'), 'input-format', INPUT_FORMATS, 'evtx');
  const output = str(cl, 'output');
  if (format === 'evtx' && (output === undefined || output === '-')) throw new UsageError('--format evtx needs -o FILE (EVTX is binary and is written with seeks)');
  if (cl.positionals.length === 0) throw new UsageError('no input: give event files or folders');
  const { files, problems } = expandInputs(cl.positionals, INPUT_FILE_PATTERN);
  for (const p of problems) process.stderr.write(`haetae export: ${p}\n`);

  const sink = await EventSink.open(format, output);
  let skipped = 0;
  try {
    for (const file of files) {
      for await (const batch of decodeFile(file, { format: inputFormat })) {
        for (const i of batch.issues) {
          if (i.severity === 'error') skipped++;
          if (!flag(cl, 'quiet')) process.stderr.write(formatInputIssue(i) + '\n');
        }
        await sink.write(batch.events, (e, reason) => {
          if (!flag(cl, 'quiet')) process.stderr.write(`${file}: record ${e.record_id ?? '?'}: not exported: ${reason}\n`);
        });
      }
    }
  } finally {
    await sink.close();
  }
  const written = sink.written;
  skipped += sink.skipped;
  process.stderr.write(`haetae export: ${written} events written${output ? ` to ${output}` : ''}${skipped ? `, ${skipped} skipped` : ''}\n`);
  return skipped > 0 || problems.length > 0 ? 1 : 0;
}
