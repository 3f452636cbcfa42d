/**
 * The forensics allowlist: SHA256 hashes and code signers an analyst has judged known-good,
 * so prevalence views can mark or hide them. Entries come from `<data>/forensics-allowlist.txt`
 * (one a line: a SHA256, or `signer:<name>`; `#` starts a comment) and from `haetae.yaml`'s
 * `forensics: allowlist:` list with the same entries. The file is read on each use, so an
 * edit applies without a restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** File name of the allowlist inside the data directory. */
export const ALLOWLIST_FILE = 'forensics-allowlist.txt';

/** Known-good hashes (upper-case hex) and signers (lower-case). */
export interface Allowlist {
  readonly hashes: ReadonlySet<string>;
  readonly signers: ReadonlySet<string>;
}

/** An allowlist entry that is neither a SHA256 nor `signer:<name>`; names where it was written. */
export class AllowlistError extends Error {
  override readonly name = 'AllowlistError';
}

/**
 * Adds the entries of `lines` (from `where`, for messages) to the allowlist being built.
 *
 * @example
 * addEntries(['9BEB7C…E1AA8', 'signer:Microsoft Windows'], 'x.txt', hashes, signers)
 */
export function addEntries(lines: readonly string[], where: string, hashes: Set<string>, signers: Set<string>): void {
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const signer = /^signer:\s*(.+)$/i.exec(line);
    if (signer !== null) signers.add(signer[1].trim().toLowerCase());
    else if (/^[0-9a-f]{64}$/i.test(line)) hashes.add(line.toUpperCase());
    else throw new AllowlistError(`${where}:${i + 1}: '${line}' is neither a SHA256 (64 hex digits) nor signer:<name>`);
  });
}

/**
 * The allowlist of a data directory: its `forensics-allowlist.txt` and the
 * `forensics.allowlist` list of `configFile` (haetae.yaml), when given and present.
 *
 * @example
 * const allow = loadAllowlist('haetae-data', 'haetae-data/haetae.yaml');
 */
export function loadAllowlist(dataDir: string | undefined, configFile?: string): Allowlist {
  const hashes = new Set<string>();
  const signers = new Set<string>();
  if (dataDir !== undefined) {
    const file = join(dataDir, ALLOWLIST_FILE);
    if (existsSync(file)) addEntries(readFileSync(file, 'utf8').split(/\r?\n/), file, hashes, signers);
  }
  if (configFile !== undefined && existsSync(configFile)) {
    const doc = parse(readFileSync(configFile, 'utf8')) as { forensics?: { allowlist?: unknown } } | null;
    const list = doc?.forensics?.allowlist;
    if (list !== undefined && list !== null) {
      if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) throw new AllowlistError(`${configFile}: forensics.allowlist must be a list of strings`);
      addEntries(list as string[], `${configFile} forensics.allowlist item`, hashes, signers);
    }
  }
  return { hashes, signers };
}

/**
 * The haetae.yaml a data directory uses, as `haetae` looks for it (src/cli/config.ts:
 * the working directory's first, then the data directory's); undefined when neither exists.
 */
export function configFileFor(dataDir: string): string | undefined {
  return [join(process.cwd(), 'haetae.yaml'), join(dataDir, 'haetae.yaml')].find((f) => existsSync(f));
}
