import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALLOWLIST_FILE, AllowlistError, loadAllowlist } from './allowlist.js';

const SHA = '9BEB7C619CE1F9E9349C33D6E347A9DA093E9F9020EDF0CD434F8753D67E1AA8';

test('allowlist: the data directory file and haetae.yaml forensics.allowlist together', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-allow-'));
  try {
    assert.deepEqual(loadAllowlist(dir), { hashes: new Set(), signers: new Set() });
    writeFileSync(join(dir, ALLOWLIST_FILE), `# known good\n${SHA.toLowerCase()}   # the tool, for the test\n\nsigner: Microsoft Windows\n`);
    writeFileSync(join(dir, 'haetae.yaml'), 'forensics:\n  allowlist:\n    - "signer:NVIDIA Corporation"\n    - "' + 'A'.repeat(64) + '"\n');
    const a = loadAllowlist(dir, join(dir, 'haetae.yaml'));
    assert.deepEqual(a.hashes, new Set([SHA, 'A'.repeat(64)]));
    assert.deepEqual(a.signers, new Set(['microsoft windows', 'nvidia corporation']));
    writeFileSync(join(dir, ALLOWLIST_FILE), `${SHA}\nnotepad.exe\n`);
    assert.throws(() => loadAllowlist(dir), (e: unknown) => e instanceof AllowlistError && /forensics-allowlist\.txt:2: 'notepad\.exe'/.test(e.message));
    writeFileSync(join(dir, ALLOWLIST_FILE), '');
    writeFileSync(join(dir, 'haetae.yaml'), 'forensics:\n  allowlist: yes\n');
    assert.throws(() => loadAllowlist(dir, join(dir, 'haetae.yaml')), /forensics\.allowlist must be a list of strings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
