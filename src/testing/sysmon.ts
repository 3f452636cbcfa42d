/**
 * Sysmon configs for tests: the project's own (src/sysmon/testdata, e.g. the IIS guide's
 * snippets as the spec describes them) and the community configs in ../shared/sysmon-configs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot, listFiles, projectRoot, requireShared } from './corpus.js';

/** Reads a config of src/sysmon/testdata by file name. */
export function testConfig(name: string): string {
  return readFileSync(join(projectRoot, 'src', 'sysmon', 'testdata', name), 'utf8');
}

/** The shared community configs (SwiftOnSecurity, sysmon-modular); throws a clear error when ../shared is missing. */
export function sharedSysmonConfigs(): string[] {
  return listFiles(requireShared(join(corpusRoot, '..', 'sysmon-configs')), /\.xml$/i);
}
