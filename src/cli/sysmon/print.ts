/**
 * `haetae sysmon print`: read a Sysmon config (any schema or encoding) and print it back
 * normalised, comments kept. It proves the file parses and shows it as Sysmon reads it.
 */
import { flag, parseCommandLine, str, UsageError } from '../args.js';
import { openOutput } from '../output.js';
import { printSysmonConfig } from '../../sysmon/print.js';
import { readConfigFile } from './config-file.js';

/** Usage of `haetae sysmon print`. */
export const usage = `Usage: haetae sysmon print <config.xml> [-o FILE]

Read a Sysmon config (schema 3.x to 4.90+, UTF-8 or UTF-16) and print it back normalised,
comments kept. Problems Sysmon would refuse go to stderr with their line numbers.

Options:
  -o, --output <file>  write the config to a file instead of stdout
  -h, --help           show this help`;

/** Runs `haetae sysmon print`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length !== 1) throw new UsageError('give exactly one config file');
  const { config, problems } = readConfigFile(cl.positionals[0]);
  for (const p of problems) process.stderr.write(`${cl.positionals[0]}:${p.line}: ${p.message}\n`);
  const out = openOutput(str(cl, 'output'));
  await out.write(printSysmonConfig(config));
  await out.close();
  return problems.length > 0 ? 1 : 0;
}
