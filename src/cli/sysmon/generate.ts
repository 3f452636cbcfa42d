/**
 * `haetae sysmon generate`: write a Sysmon config for a profile (iis-webshell), on its own
 * or merged into an existing config without weakening it; the config goes to stdout or -o,
 * a summary of what it logs and what the merge changed to stderr.
 */
import { readFileSync } from 'node:fs';
import { generateSysmonConfig, GenerateError, PROFILES } from '../../sysmon/generate.js';
import { schemaNumber } from '../../sysmon/catalog.js';
import { IIS_MODES } from '../../sysmon/profiles/iis-webshell.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { openOutput } from '../output.js';
import { readConfigFile } from './config-file.js';

/** Usage of `haetae sysmon generate`. */
export const usage = `Usage: haetae sysmon generate --profile iis-webshell [--mode broad|focused]
                             [--merge existing.xml] [--allow FILE] [--schema 4.90] [-o FILE]

Write a Sysmon config that logs what the profile names, in forms Sysmon evaluates as meant
(see shared/specs/windows-events.md §1), and say on stderr what it logs.

Profile iis-webshell:
  NetworkConnect  connections w3wp.exe initiates to public IPv4/IPv6 addresses: one
                  <Rule groupRelation="and"> with "not begin with" for each private,
                  loopback, link-local, CGNAT and multicast prefix (schema 4.70)
  ProcessCreate   broad (default): every process w3wp.exe starts; focused: the shells,
                  script hosts and LOLBins of the iis-webshell detection pack
  Every other process creation stays logged: no include-only ProcessCreate block.

Options:
  -p, --profile <name>   ${PROFILES.join(', ')} (required)
  -m, --mode <mode>      ${IIS_MODES.join(' or ')} (default broad)
      --merge <file>     merge into this config (SwiftOnSecurity, sysmon-modular…): all it
                         logs stays logged; its exclusions that could drop the profile's
                         events are narrowed to spare w3wp.exe; schemaversion raised to 4.70
                         if lower
      --allow <file>     the iis-webshell allowlist (YAML, as for 'haetae hunt --allowlist':
                         destinations, ports, child_images, command_lines): those w3wp.exe
                         events are excluded; no other process's events are
      --schema <x.yy>    the schemaversion your Sysmon accepts (default 4.90); from 4.22.
                         Below 4.70 a config on its own drops private destinations with an
                         exclude block instead; --merge needs 4.70
  -o, --output <file>    write the config to a file instead of stdout
  -h, --help             show this help`;

/** Runs `haetae sysmon generate`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    profile: { type: 'string', short: 'p' }, mode: { type: 'string', short: 'm' }, merge: { type: 'string' }, allow: { type: 'string' },
    schema: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  if (cl.positionals.length > 0) throw new UsageError(`unexpected argument '${cl.positionals[0]}'`);
  const rawProfile = str(cl, 'profile');
  if (rawProfile === undefined) throw new UsageError(`--profile is required (one of ${PROFILES.join(', ')})`);
  const profile = oneOf(rawProfile, 'profile', PROFILES, PROFILES[0]);
  const mode = oneOf(str(cl, 'mode'), 'mode', IIS_MODES, 'broad');
  const rawSchema = str(cl, 'schema');
  const schema = rawSchema === undefined ? undefined : schemaNumber(rawSchema);
  if (schema === null) throw new UsageError(`--schema must be a version number such as 4.90; got '${rawSchema}'`);
  const mergePath = str(cl, 'merge');
  let merge: { config: ReturnType<typeof readConfigFile>['config']; file: string } | undefined;
  if (mergePath !== undefined) {
    const parsed = readConfigFile(mergePath);
    for (const p of parsed.problems) process.stderr.write(`${mergePath}:${p.line}: warning: ${p.message} (kept as read)\n`);
    merge = { config: parsed.config, file: mergePath };
  }
  const allowPath = str(cl, 'allow');
  let allow: { text: string; file: string } | undefined;
  if (allowPath !== undefined) {
    try { allow = { text: readFileSync(allowPath, 'utf8'), file: allowPath }; } catch (e) { throw new UsageError(`cannot read ${allowPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  }
  let generated: ReturnType<typeof generateSysmonConfig>;
  try {
    generated = generateSysmonConfig({ profile, mode, ...(schema !== undefined ? { schema } : {}), ...(merge ? { merge } : {}), ...(allow ? { allow } : {}) });
  } catch (e) {
    if (!(e instanceof GenerateError)) throw e;
    process.stderr.write(`haetae sysmon generate: ${e.message}\n`);
    return 1;
  }
  const out = openOutput(str(cl, 'output'));
  await out.write(generated.text);
  await out.close();
  process.stderr.write(generated.summary.join('\n') + '\n');
  return 0;
}
