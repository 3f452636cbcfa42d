/** `haetae sysmon print`: a config printed back parses to the same model; bad files are named. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseSysmonConfig } from '../sysmon/parse.js';
import { sharedSysmonConfigs } from '../testing/sysmon.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haetae-sysmon-print-'));

function haetae(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('haetae sysmon print', () => {
  it('prints a community config back to the same model', () => {
    const file = sharedSysmonConfigs()[0];
    const out = join(dir, 'printed.xml');
    const r = haetae('sysmon', 'print', file, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    const strip = (t: string | Buffer): string => JSON.stringify(parseSysmonConfig(t).config, (k, v: unknown) => (k === 'line' ? undefined : v));
    assert.equal(strip(readFileSync(out, 'utf8')), strip(readFileSync(file)));
  });

  it('names the file and line of what is wrong', () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<Sysmon schemaversion="4.90">\n<EventFiltering>\n<Image>a & b</Image>\n</EventFiltering>\n</Sysmon>\n');
    const r = haetae('sysmon', 'print', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.xml: XML error at line 3/);
    const refused = join(dir, 'refused.xml');
    writeFileSync(refused, '<Sysmon schemaversion="4.90">\n<EventFiltering>\n<NetworkConnect onmatch="always"/>\n</EventFiltering>\n</Sysmon>\n');
    const p = haetae('sysmon', 'print', refused);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /refused\.xml:3: <NetworkConnect> onmatch="always"/);
    assert.equal(haetae('sysmon', 'print').code, 2);
    assert.equal(haetae('sysmon', 'frobnicate').code, 2);
  });
});
