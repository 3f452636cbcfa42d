/**
 * Expanding command-line inputs: files are taken as given, folders are walked for
 * `.evtx` files (sorted, so runs are reproducible). Missing paths are reported, not fatal.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files a folder is searched for: every format `formats/` reads (content decides the format). */
export const INPUT_FILE_PATTERN = /\.(evtx|xml|json|jsonl|ndjson|gz|txt|log)$/i;

/** Files to read, and the inputs that could not be used. */
export interface ExpandedInputs {
  readonly files: string[];
  readonly problems: string[];
}

/**
 * Expands files and folders into a file list.
 *
 * @example
 * expandInputs(['cases/web01', 'Security.evtx'], /\.evtx$/i)
 */
export function expandInputs(inputs: readonly string[], pattern: RegExp): ExpandedInputs {
  const files: string[] = [];
  const problems: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch (e) { problems.push(`${dir}: ${(e as Error).message}`); return; }
    for (const name of names) {
      const p = join(dir, name);
      try {
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile() && pattern.test(name)) files.push(p);
      } catch (e) { problems.push(`${p}: ${(e as Error).message}`); }
    }
  };
  for (const input of inputs) {
    try {
      const st = statSync(input);
      if (st.isDirectory()) walk(input);
      else files.push(input);
    } catch {
      problems.push(`${input}: no such file or folder`);
    }
  }
  return { files, problems };
}
