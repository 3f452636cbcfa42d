/**
 * The processes a webshell runs through w3wp.exe (shells, script hosts, LOLBins, recon
 * tools), read from the iis-webshell detection pack's own rule so that the Sysmon config
 * logs exactly what the pack alerts on: one list, in the pack's YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packRules } from '../../detect/index.js';

/** The pack rule that holds the list (`detection.selection_child`, `Image|endswith`). */
export const EXECUTOR_RULE = 'w3wp_shell_or_lolbin_child.yml';

/**
 * The executor list as `\name.exe` suffixes of `Image`, in the pack's order.
 *
 * @example
 * w3wpExecutors() // ['\\cmd.exe', '\\powershell.exe', …]
 */
export function w3wpExecutors(): string[] {
  const file = join(packRules('iis-webshell'), EXECUTOR_RULE);
  const doc = parse(readFileSync(file, 'utf8')) as { detection?: { selection_child?: Record<string, unknown> } } | null;
  const list = doc?.detection?.selection_child?.['Image|endswith'];
  if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && /^\\[^\\]+$/.test(s))) {
    throw new Error(`${file}: detection.selection_child 'Image|endswith' is not a list of '\\name.exe' values, where the focused mode reads its executors`);
  }
  return list as string[];
}
