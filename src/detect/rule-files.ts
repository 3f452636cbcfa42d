/**
 * Finding and reading Sigma rule files: `--rules` takes files and folders; folders are
 * searched recursively for `.yml`/`.yaml` (sorted, so load reports are reproducible).
 * An unreadable file is a problem in the load report, never the end of the run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleProblem } from './types.js';

/** The text of one rule file. */
export interface RuleSource {
  readonly file: string;
  readonly text: string;
}

const RULE_FILE = /\.ya?ml$/i;

/**
 * Reads every rule file under `paths`.
 *
 * @example
 * const { sources, problems } = readRuleSources(['../shared/sigma/rules/windows']);
 */
export function readRuleSources(paths: readonly string[]): { sources: RuleSource[]; problems: RuleProblem[] } {
  const sources: RuleSource[] = [];
  const problems: RuleProblem[] = [];
  const read = (file: string): void => {
    try {
      // Rules are UTF-8 (rules spec "File structure"); a BOM is tolerated.
      sources.push({ file, text: readFileSync(file, 'utf8').replace(/^\uFEFF/, '') });
    } catch (e) {
      problems.push({ file, message: `cannot read rule file: ${(e as Error).message}` });
    }
  };
  for (const path of paths) {
    let isDir: boolean;
    try { isDir = statSync(path).isDirectory(); } catch { problems.push({ file: path, message: 'no such rule file or folder' }); continue; }
    if (!isDir) { read(path); continue; }
    const names = (readdirSync(path, { recursive: true }) as string[]).filter((n) => RULE_FILE.test(n)).sort();
    for (const name of names) read(join(path, name));
  }
  return { sources, problems };
}
