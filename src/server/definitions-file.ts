/**
 * Definitions the API creates (stream queries, feeds) live in small JSON files in the
 * data directory (`streams.json`, `feeds.json`), written atomically (a temporary file
 * renamed over the old one), so a crash mid-write leaves the previous version whole.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The entries of a definitions file (none when it does not exist). Throws naming the
 * file when it is not a JSON list: a damaged file must not be silently replaced.
 *
 * @example
 * const defs = readDefinitions(join(dataDir, 'streams.json'));
 */
export function readDefinitions(file: string): unknown[] {
  if (!existsSync(file)) return [];
  let doc: unknown;
  try { doc = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new Error(`${file}: not valid JSON (${(e as Error).message}); fix or remove it`, { cause: e }); }
  if (!Array.isArray(doc)) throw new Error(`${file}: expected a JSON list of definitions`);
  return doc;
}

/** Writes the entries, replacing the file atomically. */
export function writeDefinitions(file: string, entries: readonly unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(entries, null, 2) + '\n');
  renameSync(tmp, file);
}
