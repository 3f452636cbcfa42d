/**
 * Haetae's built-in rule packs: folders of Sigma rules under `src/detect/packs/<name>/`,
 * shipped as YAML so users can read, copy and change them (DESIGN.md "One rule format").
 * The compiled code lives in dist/, the YAML stays in src/: both are in the npm package.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Names of the built-in packs. */
export const PACK_NAMES = ['iis-webshell'] as const;
export type PackName = (typeof PACK_NAMES)[number];

/** Where the pack YAML lives, from src/ (tsx, tests) or dist/src/ (the built CLI). */
function packsRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = join(here, '..', '..', '..', 'src', 'detect', 'packs');
  return existsSync(fromDist) ? fromDist : join(here, 'packs');
}

/**
 * The folder of a built-in pack: `rules/` (Sigma rules and correlations), `allowlist.yml`,
 * `README.md`.
 *
 * @example
 * packDir('iis-webshell') // …/src/detect/packs/iis-webshell
 */
export function packDir(name: PackName): string {
  return join(packsRoot(), name);
}

/** The Sigma rules folder of a pack. */
export function packRules(name: PackName): string {
  return join(packDir(name), 'rules');
}

/** The default allowlist of a pack (an editable copy is what users pass with --allowlist). */
export function packAllowlist(name: PackName): string {
  return join(packDir(name), 'allowlist.yml');
}
