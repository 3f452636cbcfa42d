/**
 * `haetae dump`: decode inputs of any format and print every event as Haetae Events
 * (jsonl), Windows event XML, Rust evtx_dump JSON, Winlogbeat ECS JSON or CSV.
 *
 * EVTX files printed as jsonl/xml/evtx-json take the parallel path (worker threads render
 * chunks); everything else streams through formats/decodeFile, one file after another.
 */
import { statSync } from 'node:fs';
import { decodeFilesParallel, defaultThreads } from '../../evtx/index.js';
import { decodeFile, FORMAT_DESCRIPTIONS, INPUT_FORMATS, type InputFormat } from '../../formats/index.js';
import { csvHeader, formatEvent, OUTPUT_FORMATS, type OutputFormat } from '../../formats/write.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { expandInputs, INPUT_FILE_PATTERN } from '../inputs.js';
import { formatIssue, formatInputIssue } from '../issues.js';
import { openOutput, type TextOutput } from '../output.js';
import { Progress } from '../progress.js';

export const usage = `Usage: haetae dump <files|folders...> [options]

Decode event files and print one event per line. Inputs are recognised by their content
(folders are searched for *.evtx, *.xml, *.json, *.jsonl, *.ndjson, *.gz, *.txt, *.log):
${INPUT_FORMATS.map((f) => `  ${f.padEnd(10)} ${FORMAT_DESCRIPTIONS[f]}`).join('\n')}
gzip-compressed files are read directly; UTF-8 and UTF-16 (with or without BOM) both work.

Options:
  -f, --format <fmt>       jsonl      Haetae Event JSON, with the rendered message in "line" (default)
                           xml        Windows event XML, as wevtutil prints it
                           evtx-json  the Rust evtx_dump JSON shape (#attributes, typed numbers)
                           ecs        Winlogbeat-shaped ECS JSON (winlog.event_data, @timestamp)
                           csv        system fields, data as JSON, and the message
  -i, --input-format <f>   skip detection: read every input as this format
  -t, --threads <n>        EVTX worker threads (default: all cores, ${defaultThreads()} here)
      --unordered          EVTX: print slices as they finish instead of in file order (faster)
      --strict-crc         EVTX: skip chunks whose CRC32 does not match instead of decoding them
      --skip-errors        exit 0 even when records or chunks were skipped (still summarised)
  -q, --quiet              do not list each skipped record or chunk on stderr
  -o, --output <file>      write to a file instead of stdout
  -h, --help               show this help

Bad input (a corrupt chunk, a truncated JSON line, an XML DOCTYPE, a wrong encoding, an
over-long line) is skipped and reported on stderr with file and line or offset; the run
always continues. Exit code: 0 ok, 1 something was skipped, 2 usage.`;

const RENDERERS = {
  jsonl: new URL('../render/jsonl.js', import.meta.url),
  xml: new URL('../render/xml.js', import.meta.url),
  'evtx-json': new URL('../render/evtx-json.js', import.meta.url),
} as const;

interface Tally { events: number; errors: number; warnings: number }

/** Runs `haetae dump`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
    'input-format': { type: 'string', short: 'i' },
    threads: { type: 'string', short: 't' },
    unordered: { type: 'boolean' },
    'strict-crc': { type: 'boolean' },
    'skip-errors': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  const { positionals } = cl;
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (positionals.length === 0) throw new UsageError('no input: give event files or folders');
  const format = oneOf(str(cl, 'format'), 'format', OUTPUT_FORMATS, 'jsonl');
  const inputFormat = str(cl, 'input-format') === undefined ? undefined : oneOf(str(cl, 'input-format'), 'input-format', INPUT_FORMATS, 'evtx');
  const threads = positiveInt(str(cl, 'threads'), 'threads', defaultThreads());

  const { files, problems } = expandInputs(positionals, INPUT_FILE_PATTERN);
  for (const p of problems) process.stderr.write(`haetae dump: ${p}\n`);
  if (files.length === 0) { process.stderr.write('haetae dump: no input files found\n'); return 1; }

  let totalBytes = 0;
  for (const f of files) { try { totalBytes += statSync(f).size; } catch { /* reported by the decoder */ } }
  const progress = new Progress(totalBytes, 'decoding');
  const out = openOutput(str(cl, 'output'));
  const tally: Tally = { events: 0, errors: 0, warnings: 0 };
  const report = (severity: 'error' | 'warning', text: string): void => {
    if (severity === 'error') tally.errors++; else tally.warnings++;
    if (!flag(cl, 'quiet')) { progress.finish(); process.stderr.write(text + '\n'); }
  };
  const allEvtx = files.every((f) => /\.evtx$/i.test(f)) && (inputFormat === undefined || inputFormat === 'evtx');
  if (allEvtx && format !== 'ecs' && format !== 'csv') {
    for await (const slice of decodeFilesParallel(files, { renderer: RENDERERS[format], threads, ordered: !flag(cl, 'unordered'), strictChecksums: flag(cl, 'strict-crc') })) {
      await out.write(slice.text);
      tally.events += slice.records;
      for (const i of slice.issues) report(i.severity, formatIssue(slice.file, i));
      progress.advance(slice.bytes, slice.records);
      if (out.closed) break;
    }
  } else {
    await dumpSequential(files, format, inputFormat, out, progress, tally, report, flag(cl, 'strict-crc'));
  }
  progress.finish();
  await out.close();
  if (tally.errors + tally.warnings > 0 || problems.length > 0) {
    process.stderr.write(`haetae dump: ${tally.events} events from ${files.length} file(s); ${tally.errors} skipped (errors), ${tally.warnings} warnings\n`);
  }
  return (tally.errors > 0 || problems.length > 0) && !flag(cl, 'skip-errors') ? 1 : 0;
}

async function dumpSequential(
  files: readonly string[], format: OutputFormat, inputFormat: InputFormat | undefined, out: TextOutput, progress: Progress,
  tally: Tally, report: (severity: 'error' | 'warning', text: string) => void, strictChecksums: boolean,
): Promise<void> {
  if (format === 'csv') await out.write(csvHeader() + '\n');
  for (const file of files) {
    for await (const batch of decodeFile(file, { format: inputFormat, strictChecksums })) {
      let text = '';
      for (const e of batch.events) text += formatEvent(e, format) + '\n';
      await out.write(text);
      tally.events += batch.events.length;
      for (const i of batch.issues) report(i.severity, formatInputIssue(i));
      progress.advance(batch.bytes, batch.events.length);
      if (out.closed) return;
    }
  }
}
