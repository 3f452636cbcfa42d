/**
 * Which table an event goes to. Sysmon's channel → `sysmon`, Security → `security`, every
 * other channel → its slug (see {@link channelSlug}); a `tables:` map in `haetae.yaml`
 * (working directory, then data directory) overrides any of them, and `haetae import
 * --table T` sends everything to one table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The tables every event log ends up in unless configured otherwise, by channel. */
export const DEFAULT_TABLES: Readonly<Record<string, string>> = {
  'microsoft-windows-sysmon/operational': 'sysmon',
  security: 'security',
};

/** Table names: a letter, then letters, digits and underscores (names starting `_` are the store's own). */
const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/** True when `name` may name a user table. */
export function isValidTableName(name: string): boolean {
  return TABLE_NAME.test(name);
}

/** Throws unless `table` is a valid table name (quoted identifiers and bound values only reach SQL). */
export function checkTableName(table: string): void {
  if (!isValidTableName(table)) throw new Error(`'${table}' is not a valid table name: use a letter, then letters, digits or _`);
}

/**
 * A channel's default table name: lower case, a leading `Microsoft-Windows-` dropped, every
 * run of other characters than letters and digits turned into one `_`, trimmed of `_`;
 * a name starting with a digit gets `t_` in front; an empty channel is `unknown`.
 *
 * @example
 * channelSlug('Microsoft-Windows-PowerShell/Operational') // 'powershell_operational'
 * channelSlug('Windows PowerShell') // 'windows_powershell'
 */
export function channelSlug(channel: string): string {
  let s = channel.toLowerCase().replace(/^microsoft-windows-/, '').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '') return 'unknown';
  if (/^[0-9]/.test(s)) s = `t_${s}`;
  return s.slice(0, 128);
}

/** Channel → table, built from the defaults and a user's map. */
export class TableMapping {
  private readonly map = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  /** @param overrides channel name (any case) → table name, from `haetae.yaml`. */
  constructor(overrides: Readonly<Record<string, string>> = {}) {
    for (const [c, t] of Object.entries(DEFAULT_TABLES)) this.map.set(c, t);
    for (const [c, t] of Object.entries(overrides)) {
      if (!isValidTableName(t)) throw new Error(`table name '${t}' for channel '${c}' is not valid: use a letter, then letters, digits or _`);
      this.map.set(c.toLowerCase(), t.toLowerCase());
    }
  }

  /**
   * The table for a channel.
   *
   * @example
   * new TableMapping().tableFor('Security') // 'security'
   */
  tableFor(channel: string): string {
    let t = this.cache.get(channel);
    if (t === undefined) {
      t = this.map.get(channel.toLowerCase()) ?? channelSlug(channel);
      this.cache.set(channel, t);
    }
    return t;
  }
}

/**
 * Reads the `tables:` map of `haetae.yaml` from the first of `dirs` that has one.
 * A missing file is no map; a malformed one is an error naming the file.
 *
 * @example
 * // haetae.yaml:  tables: { "Microsoft-Windows-PowerShell/Operational": powershell }
 * loadTableMapping([process.cwd(), './haetae-data'])
 */
export function loadTableMapping(dirs: readonly string[]): TableMapping {
  for (const dir of dirs) {
    const path = join(dir, 'haetae.yaml');
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { continue; }
    let doc: unknown;
    try { doc = parse(text); } catch (e) { throw new Error(`${path}: not valid YAML: ${(e as Error).message}`, { cause: e }); }
    if (doc === null || doc === undefined) return new TableMapping();
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path}: expected a mapping at the top level`);
    const tables = (doc as Record<string, unknown>).tables;
    if (tables === undefined || tables === null) return new TableMapping();
    if (typeof tables !== 'object' || Array.isArray(tables)) throw new Error(`${path}: 'tables' must map channel names to table names`);
    const overrides: Record<string, string> = {};
    for (const [channel, table] of Object.entries(tables as Record<string, unknown>)) {
      if (typeof table !== 'string') throw new Error(`${path}: tables.${channel} must be a table name`);
      overrides[channel] = table;
    }
    try { return new TableMapping(overrides); } catch (e) { throw new Error(`${path}: ${(e as Error).message}`, { cause: e }); }
  }
  return new TableMapping();
}
