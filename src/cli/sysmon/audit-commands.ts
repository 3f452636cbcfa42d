/**
 * `haetae sysmon audit-commands`: the auditpol, registry and GPO settings that make
 * Windows write Security 4688/4689 (with command lines) and 5156/5157, and the Sysmon
 * install lines — as text to read, or as a .cmd / .ps1 script to run.
 */
import { AUDIT_COMMAND_FORMATS, auditCommands } from '../../sysmon/audit-commands.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { openOutput } from '../output.js';

/** Usage of `haetae sysmon audit-commands`. */
export const usage = `Usage: haetae sysmon audit-commands [--format text|cmd|ps1] [--config FILE] [-o FILE]

Print the settings beside Sysmon that the IIS webshell checks need: auditpol lines for
Process Creation/Termination (4688/4689) and Filtering Platform Connection (5156/5157),
by subcategory GUID so they work on any Windows language; the registry value and GPO
path that put command lines in 4688; the policy that lets subcategories override
categories; Sysmon install/update lines; and the commands that verify each setting.

Options:
  -f, --format <fmt>   text (default: explained), cmd (a batch file), ps1 (a PowerShell script)
  -c, --config <file>  the Sysmon config file name used in the install lines (default config.xml)
  -o, --output <file>  write to a file instead of stdout
  -h, --help           show this help`;

/** Runs `haetae sysmon audit-commands`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    format: { type: 'string', short: 'f' },
    config: { type: 'string', short: 'c' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const format = oneOf(str(cl, 'format'), 'format', AUDIT_COMMAND_FORMATS, 'text');
  let text: string;
  try { text = auditCommands({ format, sysmonConfig: str(cl, 'config') }); } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const out = openOutput(str(cl, 'output'));
  await out.write(text);
  await out.close();
  return 0;
}
