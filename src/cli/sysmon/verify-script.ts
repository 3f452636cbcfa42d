/**
 * `haetae sysmon verify-script`: write the PowerShell that checks a server's logs the
 * right way for a profile (event IDs in the query, fields from the event XML, real
 * address-range tests, 4688 parents by ParentProcessName or by PID at that time).
 */
import { readFileSync } from 'node:fs';
import { parseAllowlist } from '../../detect/allowlist.js';
import { VERIFY_PROFILES, verifyScript } from '../../sysmon/verify-script.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError } from '../args.js';
import { openOutput } from '../output.js';

/** Usage of `haetae sysmon verify-script`. */
export const usage = `Usage: haetae sysmon verify-script --profile iis-webshell [--hours N] [--allow FILE] [-o FILE]

Write a PowerShell script (Windows PowerShell 5.1 or later) that checks a server's logs
for the profile: for iis-webshell, w3wp.exe children (Sysmon 1, Security 4688 with the
parent by ParentProcessName, else by the w3wp PID alive at that time) and w3wp.exe
outbound connections to public addresses (Sysmon 3, Security 5156/5157). Run it on the
server: powershell -ExecutionPolicy Bypass -File verify.ps1 [-Hours 48]

Options:
  -p, --profile <name>  ${VERIFY_PROFILES.join(', ')} (default iis-webshell)
      --hours <n>       the script's default look-back in hours (default 24)
  -a, --allow <file>    the iis-webshell allowlist (same format as haetae hunt --allowlist):
                        matches are set aside in the script's output
  -o, --output <file>   write the script to a file instead of stdout
  -h, --help            show this help`;

/** Runs `haetae sysmon verify-script`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    profile: { type: 'string', short: 'p' },
    hours: { type: 'string' },
    allow: { type: 'string', short: 'a' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const profile = oneOf(str(cl, 'profile'), 'profile', VERIFY_PROFILES, 'iis-webshell');
  const hours = positiveInt(str(cl, 'hours'), 'hours', 24);
  const allowFile = str(cl, 'allow');
  let allowlist;
  if (allowFile !== undefined) {
    let text: string;
    try { text = readFileSync(allowFile, 'utf8'); } catch (e) { throw new UsageError(`cannot read ${allowFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    const parsed = parseAllowlist(text, allowFile);
    for (const p of parsed.problems) process.stderr.write(`${p.file}:${p.line ?? '?'}: ${p.message}\n`);
    if (parsed.problems.length > 0) throw new UsageError(`${allowFile}: fix the allowlist first (${parsed.problems.length} problem(s) above)`);
    allowlist = parsed.allowlist;
  }
  let script: string;
  try { script = verifyScript({ profile, hours, allowlist, allowlistFile: allowFile }); } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const out = openOutput(str(cl, 'output'));
  await out.write(script);
  await out.close();
  return 0;
}
