import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { EventValue } from './event.js';
import { renderSecurityMessage, SECURITY_PROVIDER } from './security-message.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

/**
 * Keys the NXLog exports add around EventData (all three corpus files). EventIdx and
 * EventCountTotal are not among them: they are 4627's EventData.
 */
const NXLOG_METADATA = new Set([
  'EventID', 'Channel', 'Task', 'SourceName', 'Hostname', 'Message', 'Keywords', 'SeverityValue', 'ProviderGuid',
  'ExecutionProcessID', 'host', 'EventReceivedTime', 'ThreadID', 'EventType', 'Opcode', 'EventTime', '@timestamp',
  'SourceModuleType', 'port', 'RecordNumber', '@version', 'OpcodeValue', 'SourceModuleName', 'Severity', 'Version',
  'Category', 'tags', 'TimeCreated', 'ActivityID', 'ERROR_EVT_UNRESOLVED', 'Level',
]);

/** IDs the renderer must reproduce exactly wherever the corpus has them. */
const REQUIRED = [4624, 4625, 4634, 4648, 4672, 4688, 4689, 4698, 4720, 4732, 5140, 5145, 5156, 5157, 5158];

interface Row { file: string; id: number; message: string; data: Record<string, EventValue> }

/** Security lines with Windows' Message, their EventData split from NXLog's keys. */
function securityRows(): Row[] {
  const out: Row[] = [];
  for (const f of listFiles(join(corpusRoot, 'json'), /\.json\.gz$/)) {
    for (const line of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const d = JSON.parse(line) as Record<string, EventValue>;
      if (d.SourceName !== SECURITY_PROVIDER || typeof d.Message !== 'string') continue;
      const data: Record<string, EventValue> = {};
      // Two of the exports turned the CRLFs inside values (privilege and access lists) into
      // LF, while the covenant export and every Message keep CRLF: undo that export artifact.
      for (const [k, v] of Object.entries(d)) if (!NXLOG_METADATA.has(k)) data[k] = typeof v === 'string' ? v.replace(/\r?\n/g, '\r\n') : v;
      out.push({ file: basename(f), id: Number(d.EventID), message: d.Message, data });
    }
  }
  return out;
}

test('rendered Security messages equal the messages Windows wrote, per event ID', () => {
  const rows = securityRows();
  assert.ok(rows.length > 2000, `expected the corpus' Security messages, found ${rows.length}`);
  const rate = new Map<number, { ok: number; all: number; firstBad?: string }>();
  for (const r of rows) {
    const s = rate.get(r.id) ?? { ok: 0, all: 0 };
    s.all++;
    const rendered = renderSecurityMessage(r.id, r.data);
    if (rendered !== null && rendered.trimEnd() === r.message.trimEnd()) s.ok++;
    else s.firstBad ??= `${r.file}: ${JSON.stringify(rendered)} vs ${JSON.stringify(r.message)}`;
    rate.set(r.id, s);
  }
  const report = [...rate].sort((a, b) => a[0] - b[0]).map(([id, s]) => `${id}: ${s.ok}/${s.all}`).join(', ');
  console.log(`Security message match rates: ${report}`);
  // Every ID that occurs must match fully, the required ones and the others alike.
  for (const [id, s] of rate) assert.equal(s.ok, s.all, `Security ${id} matched ${s.ok}/${s.all} (${report}); first mismatch ${s.firstBad}`);
  for (const id of [4624, 4634, 4648, 4672, 4688, 4689, 5140, 5145, 5156, 5158]) assert.ok(rate.has(id), `corpus lacks ${id}: ${report}`);
  assert.ok(REQUIRED.every((id) => renderSecurityMessage(id, {}) !== null));
});

test('%% parameter tokens: resolved where Windows resolves them, kept where it does not', () => {
  const wfp = renderSecurityMessage(5156, { ProcessID: 4, Application: 'System', Direction: '%%14592', SourceAddress: '10.0.0.5', SourcePort: 445,
    DestAddress: '10.0.0.9', DestPort: 50000, Protocol: 6, FilterRTID: 1, LayerName: '%%14610', LayerRTID: 44 });
  assert.match(wfp ?? '', /\r\n\tDirection:\t\tInbound\r\n/);
  assert.match(wfp ?? '', /\r\n\tLayer Name:\t\tReceive\/Accept\r\n/);
  assert.match(renderSecurityMessage(5157, { Direction: '%%14593', LayerName: '%%14611' }) ?? '', /^The Windows Filtering Platform has blocked a connection\.\r\n[\s\S]*Outbound[\s\S]*Layer Name:\t\tConnect\r\n/);
  // Token lists inside a value; 4688's elevation type is printed unresolved by Windows.
  assert.match(renderSecurityMessage(4663, { AccessList: '%%1537\r\n\t\t\t\t%%4484\r\n\t\t\t\t' }) ?? '', /\tAccesses:\t\tDELETE\r\n\t\t\t\tRead from process memory\r\n\t\t\t\t\r\n\tAccess Mask:/);
  assert.match(renderSecurityMessage(4688, { TokenElevationType: '%%1937' }) ?? '', /\tToken Elevation Type:\t%%1937\r\n/);
  assert.match(renderSecurityMessage(4625, { FailureReason: '%%2313', Status: '0xc000006d' }) ?? '', /\tFailure Reason:\t\tUnknown user name or bad password\.\r\n\tStatus:\t\t\t0xC000006D\r\n/);
  assert.equal(renderSecurityMessage(4611, { LogonProcessName: '%%99999' })?.endsWith('Logon Process Name:\t\t%%99999'), true);
});

test('missing fields, hex case, key order, %N inside values and unknown IDs', () => {
  // Absent and null inserts render as nothing (4692's RecoveryServer is null in the corpus).
  assert.equal(renderSecurityMessage(4689, {}), 'A process has exited.\r\n\r\nSubject:\r\n\tSecurity ID:\t\t\r\n\tAccount Name:\t\t\r\n\tAccount Domain:\t\t\r\n\tLogon ID:\t\t\r\n\r\nProcess Information:\r\n\tProcess ID:\t\r\n\tProcess Name:\t\r\n\tExit Status:\t');
  const a = renderSecurityMessage(4689, { Status: '0xc0000005', ProcessName: 'C:\\x.exe', ProcessId: '0x12d8', SubjectLogonId: '0x3e7', SubjectUserName: null });
  const b = renderSecurityMessage(4689, { SubjectUserName: null, SubjectLogonId: '0x3e7', ProcessId: '0x12d8', ProcessName: 'C:\\x.exe', Status: '0xc0000005' });
  assert.equal(a, b);
  assert.match(a ?? '', /\tLogon ID:\t\t0x3E7\r\n[\s\S]*\tProcess ID:\t0x12d8\r\n[\s\S]*\tExit Status:\t0xC0000005$/);
  assert.match(renderSecurityMessage(4688, { SubjectUserSid: 'S-1-5-18', CommandLine: 'echo %1 %9' }) ?? '', /\tProcess Command Line:\techo S-1-5-18 %9\r\n/);
  assert.equal(renderSecurityMessage(4104, { ScriptBlockText: 'x' }), null);
});
