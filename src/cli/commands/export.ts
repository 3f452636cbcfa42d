/**
 * `haetae export`: convert events into another container, above all EVTX — so that
 * events from any source can be opened in Event Viewer or any EVTX tool, and so that
 * Haetae makes its own test fixtures.
 */
import { EvtxWriter, EvtxWriteError, readEvtxFile } from '../../evtx/index.js';
import { eventFromXml, eventToXml } from '../../event/index.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { expandInputs } from '../inputs.js';
import { formatIssue } from '../issues.js';
import { openOutput } from '../output.js';

export const usage = `Usage: haetae export --format <fmt> -o <file> <files|folders...>

Convert events to another format. Inputs: EVTX files (folders are searched for *.evtx).

Options:
  -f, --format <fmt>   evtx   a valid EVTX file (templates, string tables, CRCs)
                       jsonl  Haetae Event JSON lines
  -o, --output <file>  output file (required for evtx; jsonl defaults to stdout)
  -q, --quiet          do not list skipped records on stderr
  -h, --help           show this help

Every input event becomes one record; events that cannot be encoded (for example a
record larger than a 64 KiB chunk) are skipped and reported.`;

/** Runs `haetae export`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const format = oneOf(str(cl, 'format'), 'format', ['evtx', 'jsonl'] as const, 'evtx');
  const output = str(cl, 'output');
  if (format === 'evtx' && (output === undefined || output === '-')) throw new UsageError('--format evtx needs -o FILE (EVTX is binary and is written with seeks)');
  if (cl.positionals.length === 0) throw new UsageError('no input: give EVTX files or folders');
  const { files, problems } = expandInputs(cl.positionals, /\.evtx$/i);
  for (const p of problems) process.stderr.write(`haetae export: ${p}\n`);

  const writer = format === 'evtx' ? new EvtxWriter(output!) : null;
  const text = format === 'jsonl' ? openOutput(output) : null;
  let written = 0;
  let skipped = 0;
  try {
    for (const file of files) {
      for await (const chunk of readEvtxFile(file)) {
        for (const i of chunk.issues) {
          if (i.severity === 'error') skipped++;
          if (!flag(cl, 'quiet')) process.stderr.write(formatIssue(file, i) + '\n');
        }
        for (const r of chunk.records) {
          const e = eventFromXml(r.nodes);
          if (e === null) continue;
          if (text) { await text.write(JSON.stringify(e) + '\n'); written++; continue; }
          try {
            writer!.writeRecord(eventToXml(e), e._time);
            written++;
          } catch (err) {
            if (!(err instanceof EvtxWriteError)) throw err;
            skipped++;
            if (!flag(cl, 'quiet')) process.stderr.write(`${file}: record ${r.recordId}: not exported: ${err.message}\n`);
          }
        }
      }
    }
  } finally {
    writer?.close();
    await text?.close();
  }
  process.stderr.write(`haetae export: ${written} events written${output ? ` to ${output}` : ''}${skipped ? `, ${skipped} skipped` : ''}\n`);
  return skipped > 0 || problems.length > 0 ? 1 : 0;
}
