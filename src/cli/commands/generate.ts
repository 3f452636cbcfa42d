/**
 * `haetae generate`: synthetic Sysmon events of a simulated fleet at any scale (with an
 * IIS webshell intrusion inside), for benchmarks and for trying queries and rules on a
 * realistic volume. Text goes through the same formatter as `dump`; EVTX through the
 * same writer as `export`.
 */
import { generateSysmonEvents } from '../../demo/index.js';
import { EvtxWriter, EvtxWriteError } from '../../evtx/index.js';
import { eventToXml } from '../../event/index.js';
import { csvHeader, formatEvent, OUTPUT_FORMATS } from '../../formats/write.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { openOutput } from '../output.js';

export const usage = `Usage: haetae generate --count N [--seed S] [--hosts H] [--format jsonl] [-o FILE]

Generate realistic Sysmon events of a simulated Windows fleet (process, network, DNS,
file, registry, process-access, image-load and pipe events; ~400 distinct images with
stable hashes), with an IIS webshell intrusion on WEB01 (w3wp.exe → cmd.exe →
whoami.exe, w3wp.exe → a public IP). The same seed gives the same events.

Options:
  -n, --count <n>          number of events (required)
  -s, --seed <s>           PRNG seed (default 1)
      --hosts <h>          number of hosts: WEB01, DC01, FS01, then workstations (default 25)
      --start <time>       time of the first event, ISO 8601 (default 2024-05-01T00:00:00Z)
      --hours <h>          hours the events cover (default 24)
  -f, --format <fmt>       jsonl (default), xml, evtx-json, ecs, csv as in haetae dump;
                           evtx   a valid EVTX file (needs -o)
  -o, --output <file>      output file (default stdout)
  -h, --help               show this help`;

/** Runs `haetae generate`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    count: { type: 'string', short: 'n' },
    seed: { type: 'string', short: 's' },
    hosts: { type: 'string' },
    start: { type: 'string' },
    hours: { type: 'string' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  if (str(cl, 'count') === undefined) throw new UsageError('--count N is required');
  const count = positiveInt(str(cl, 'count'), 'count', 1);
  const seed = str(cl, 'seed') === undefined ? 1 : Number(str(cl, 'seed'));
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got '${str(cl, 'seed')}'`);
  const start = str(cl, 'start') === undefined ? undefined : new Date(str(cl, 'start')!);
  if (start !== undefined && Number.isNaN(start.getTime())) throw new UsageError(`--start must be an ISO 8601 time, got '${str(cl, 'start')}'`);
  const format = oneOf(str(cl, 'format'), 'format', [...OUTPUT_FORMATS, 'evtx'] as const, 'jsonl');
  const output = str(cl, 'output');
  if (format === 'evtx' && (output === undefined || output === '-')) throw new UsageError('--format evtx needs -o FILE (EVTX is binary and is written with seeks)');
  const events = generateSysmonEvents({
    count, seed, start, hosts: positiveInt(str(cl, 'hosts'), 'hosts', 25), spanMs: positiveInt(str(cl, 'hours'), 'hours', 24) * 3_600_000,
  });

  let written = 0;
  let skipped = 0;
  if (format === 'evtx') {
    const writer = new EvtxWriter(output!);
    try {
      for (const batch of events) for (const e of batch) {
        try {
          writer.writeRecord(eventToXml(e), e._time);
          written++;
        } catch (err) {
          if (!(err instanceof EvtxWriteError)) throw err;
          skipped++;
          process.stderr.write(`haetae generate: record ${e.record_id ?? '?'} of ${e.host}: not written: ${err.message}\n`);
        }
      }
    } finally {
      writer.close();
    }
  } else {
    const text = openOutput(output);
    try {
      if (format === 'csv') await text.write(csvHeader() + '\n');
      for (const batch of events) {
        if (text.closed) break;
        let s = '';
        for (const e of batch) s += formatEvent(e, format) + '\n';
        await text.write(s);
        written += batch.length;
      }
    } finally {
      await text.close();
    }
  }
  if (output !== undefined && output !== '-') process.stderr.write(`haetae generate: ${written} events written to ${output}${skipped ? `, ${skipped} skipped` : ''}\n`);
  return skipped > 0 ? 1 : 0;
}
