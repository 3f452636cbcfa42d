/**
 * `haetae sysmon <subcommand>`: write, lint and simulate Sysmon configurations, and print
 * the audit settings and the verification script beside them. Each subcommand lives in
 * `src/cli/sysmon/<name>.ts` and exports `usage` and `run(argv)`, like the top-level commands.
 */
import { UsageError } from '../args.js';

interface Subcommand {
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  lint: { summary: 'tell what a config really does: CIDR, wildcards, OR\'ed negatives, silenced defaults…', load: () => import('../sysmon/lint.js') },
  simulate: { summary: 'run a config over events as Sysmon would: what is logged, what is dropped, by which rule', load: () => import('../sysmon/simulate.js') },
  'audit-commands': { summary: 'print the auditpol and registry lines for Security 4688 and 5156', load: () => import('../sysmon/audit-commands.js') },
  'verify-script': { summary: 'write a PowerShell script that checks a server\'s logs the right way', load: () => import('../sysmon/verify-script.js') },
  print: { summary: 'read a config and print it back normalised (checks that it parses)', load: () => import('../sysmon/print.js') },
};

/** The usage text of `haetae sysmon`. */
export const usage = `Usage: haetae sysmon <subcommand> [options]

Write, lint and simulate Sysmon configurations, so that what gets logged is what was meant.

Subcommands:
${Object.entries(SUBCOMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`).join('\n')}

Run 'haetae sysmon <subcommand> --help' for its options.`;

/** Runs `haetae sysmon …`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = SUBCOMMANDS[name];
  if (!entry) throw new UsageError(`unknown subcommand '${name}'; one of: ${Object.keys(SUBCOMMANDS).join(', ')}`);
  const sub = await entry.load();
  try {
    return await sub.run(rest);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${name}: ${e.message}`);
    throw e;
  }
}
