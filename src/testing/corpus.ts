/**
 * Where tests and benchmarks find the shared data (never copied into the project):
 * `$HAETAE_CORPUS` (the `corpus` folder, holding `evtx/` and `json/`), else
 * `../shared/corpus` beside the project. Sigma material sits next to it in `sigma/`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder with package.json). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared corpus folder, whether or not it exists. */
export const corpusRoot = process.env.HAETAE_CORPUS ? resolve(process.env.HAETAE_CORPUS) : join(projectRoot, '..', 'shared', 'corpus');

/** The shared Sigma folder (rules, specification, regression_data). */
export const sigmaRoot = join(corpusRoot, '..', 'sigma');

/**
 * Returns `path` or throws a message that says what is missing and how to provide it.
 * Tests call this rather than skipping: a test that silently skips proves nothing.
 */
export function requireShared(path: string): string {
  if (!existsSync(path)) {
    throw new Error(`shared test data missing: ${path} does not exist. Put the shared folder beside the project (../shared) or set HAETAE_CORPUS to its corpus folder.`);
  }
  return path;
}

/** All files under `dir` whose names match `pattern`, sorted, as absolute paths. */
export function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(p);
    }
  };
  walk(requireShared(dir));
  return out;
}
