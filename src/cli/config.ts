/**
 * `haetae.yaml`: the operator's settings. Looked for in the working directory, then in
 * the data directory; every key is optional.
 *
 * ```yaml
 * data: ./haetae-data          # data directory (the --data option wins)
 * wget:
 *   allow_hosts: [127.0.0.1, "*.abuse.ch"]   # the only hosts `wget` may reach
 * tables:                       # channel → table, overriding the default mapping
 *   Microsoft-Windows-PowerShell/Operational: powershell
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './args.js';

/** Default data directory. */
export const DEFAULT_DATA_DIR = 'haetae-data';

/** The settings Haetae uses, with defaults filled in. */
export interface HaetaeConfig {
  readonly dataDir: string;
  /** Where the settings came from, or undefined when no file was found. */
  readonly file?: string;
  readonly wget: { readonly allowHosts: readonly string[] };
  /** Channel → table overrides. */
  readonly tables: Readonly<Record<string, string>>;
}

function stringList(v: unknown, what: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UsageError(`${file}: ${what} must be a list of strings`);
  return v as string[];
}

/**
 * Reads `haetae.yaml` (working directory first, then the data directory).
 *
 * @example
 * const config = loadConfig(argv.data); // config.wget.allowHosts
 */
export function loadConfig(dataDirOption?: string): HaetaeConfig {
  const candidates = [join(process.cwd(), 'haetae.yaml'), join(dataDirOption ?? DEFAULT_DATA_DIR, 'haetae.yaml')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return { dataDir: dataDirOption ?? DEFAULT_DATA_DIR, wget: { allowHosts: [] }, tables: {} };
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  if (typeof root !== 'object' || Array.isArray(root)) throw new UsageError(`${file}: expected a mapping of settings`);
  const wget = (root['wget'] ?? {}) as Record<string, unknown>;
  const tables = (root['tables'] ?? {}) as Record<string, unknown>;
  if (typeof tables !== 'object' || Array.isArray(tables) || Object.values(tables).some((t) => typeof t !== 'string')) {
    throw new UsageError(`${file}: tables must map channel names to table names`);
  }
  const data = root['data'];
  if (data !== undefined && typeof data !== 'string') throw new UsageError(`${file}: data must be a directory path`);
  return {
    dataDir: dataDirOption ?? data ?? DEFAULT_DATA_DIR,
    file,
    wget: { allowHosts: stringList(wget['allow_hosts'], 'wget.allow_hosts', file) },
    tables: tables as Record<string, string>,
  };
}
