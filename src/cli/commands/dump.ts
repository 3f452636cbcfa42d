/**
 * `haetae dump`: decode EVTX files and print every record as Haetae Events (jsonl),
 * Windows event XML (xml) or Rust evtx_dump JSON (evtx-json).
 */
import { statSync } from 'node:fs';
import { decodeFilesParallel, defaultThreads } from '../../evtx/index.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { expandInputs } from '../inputs.js';
import { formatIssue } from '../issues.js';
import { openOutput } from '../output.js';
import { Progress } from '../progress.js';

export const usage = `Usage: haetae dump <files|folders...> [options]

Decode EVTX files (folders are searched for *.evtx) and print one record per line.

Options:
  -f, --format <fmt>   jsonl      Haetae Event JSON (default)
                       xml        Windows event XML, as wevtutil prints it
                       evtx-json  the Rust evtx_dump JSON shape (#attributes, typed numbers)
  -t, --threads <n>    worker threads (default: all cores, ${defaultThreads()} here)
      --unordered      print slices as they finish instead of in file order (faster)
      --strict-crc     skip chunks whose CRC32 does not match instead of decoding them
      --skip-errors    exit 0 even when records or chunks were skipped (still summarised)
  -q, --quiet          do not list each skipped record or chunk on stderr
  -o, --output <file>  write to a file instead of stdout
  -h, --help           show this help

Corrupt chunks and records are skipped and reported on stderr (file, chunk, offset,
reason); the run always continues. Exit code: 0 ok, 1 something was skipped, 2 usage.`;

const RENDERERS = {
  jsonl: new URL('../render/jsonl.js', import.meta.url),
  xml: new URL('../render/xml.js', import.meta.url),
  'evtx-json': new URL('../render/evtx-json.js', import.meta.url),
} as const;

/** Runs `haetae dump`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
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
  if (positionals.length === 0) throw new UsageError('no input: give EVTX files or folders');
  const format = oneOf(str(cl, 'format'), 'format', ['jsonl', 'xml', 'evtx-json'] as const, 'jsonl');
  const threads = positiveInt(str(cl, 'threads'), 'threads', defaultThreads());

  const { files, problems } = expandInputs(positionals, /\.evtx$/i);
  for (const p of problems) process.stderr.write(`haetae dump: ${p}\n`);
  if (files.length === 0) { process.stderr.write('haetae dump: no EVTX files found\n'); return 1; }

  let totalBytes = 0;
  for (const f of files) { try { totalBytes += statSync(f).size; } catch { /* reported by the decoder */ } }
  const progress = new Progress(totalBytes, 'decoding');
  const out = openOutput(str(cl, 'output'));
  let records = 0;
  let errors = 0;
  let warnings = 0;
  for await (const slice of decodeFilesParallel(files, { renderer: RENDERERS[format], threads, ordered: !flag(cl, 'unordered'), strictChecksums: flag(cl, 'strict-crc') })) {
    await out.write(slice.text);
    records += slice.records;
    for (const i of slice.issues) {
      if (i.severity === 'error') errors++; else warnings++;
      if (!flag(cl, 'quiet')) { progress.finish(); process.stderr.write(formatIssue(slice.file, i) + '\n'); }
    }
    progress.advance(slice.bytes, slice.records);
    if (out.closed) break;
  }
  progress.finish();
  await out.close();
  if (errors + warnings > 0 || problems.length > 0) {
    process.stderr.write(`haetae dump: ${records} records from ${files.length} file(s); ${errors} skipped (errors), ${warnings} warnings\n`);
  }
  return (errors > 0 || problems.length > 0) && !flag(cl, 'skip-errors') ? 1 : 0;
}
