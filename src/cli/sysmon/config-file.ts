/**
 * Reading a config file for the `haetae sysmon` subcommands: a missing file or a file that
 * is not a Sysmon config is a usage error naming the file (and line), never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../args.js';
import { parseSysmonConfig, SysmonConfigError, type ParsedConfig } from '../../sysmon/parse.js';

/** The config at `path`, parsed; throws {@link UsageError} when it cannot be read or modelled. */
export function readConfigFile(path: string): ParsedConfig {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  try { return parseSysmonConfig(bytes, path); } catch (e) {
    if (e instanceof SysmonConfigError) throw new UsageError(e.message);
    throw e;
  }
}
