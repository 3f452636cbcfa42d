import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { renderSysmonMessage, type Event, type EventValue } from '../../event/index.js';
import { eventFromMessage } from '../../formats/index.js';
import { corpusRoot, requireShared } from '../../testing/corpus.js';
import { flatten } from '../../testing/syslog-shapes.js';
import { restoreMessage } from './flattened-message.js';

/** Windows' own messages: the `Message` of NXLog exports (Sysmon and Security events with their text). */
async function windowsMessages(): Promise<{ channel: string; id: number; message: string }[]> {
  const out: { channel: string; id: number; message: string }[] = [];
  for (const name of ['covenant_copy_smb_CreateRequest.json.gz', 'psh_lsass_memory_dump_comsvcs.json.gz']) {
    for (const text of gunzipSync(readFileSync(requireShared(join(corpusRoot, 'json', name)))).toString('utf8').split('\n')) {
      if (text.trim() === '') continue;
      const o = JSON.parse(text) as { Channel?: string; EventID?: number; Message?: string };
      if (typeof o.Message === 'string' && typeof o.Channel === 'string' && typeof o.EventID === 'number') out.push({ channel: o.Channel, id: o.EventID, message: o.Message });
    }
  }
  return out;
}

/** Whitespace runs as one space: what survives of a value whose line breaks were flattened. */
const squeeze = (v: EventValue | undefined): unknown => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : v);

function parsed(message: string): Event | null {
  try { return eventFromMessage(message); } catch { return null; }
}

test('every Sysmon and Security message of the corpus NXLog exports comes back from both flattenings', async () => {
  const all = await windowsMessages();
  let sysmon = 0;
  const securityIds = new Set<number>();
  for (const { channel, id, message } of all) {
    const original = parsed(message);
    if (original === null) continue; // a provider without a template (PowerShell, System): not a rendered-message event
    const isSecurity = channel.toLowerCase() === 'security';
    if (isSecurity) securityIds.add(id); else sysmon++;
    // NXLog to_syslog_bsd / to_syslog_ietf: CR and LF as spaces, TABs kept.
    const bsd = restoreMessage(flatten(message, true));
    assert.notEqual(bsd, null, `${channel} ${id}: NXLog-flattened message not restored`);
    const fromBsd = parsed(bsd!)!;
    assert.equal(fromBsd.event_id, original.event_id);
    for (const [k, v] of Object.entries(original.data)) {
      // Exact, except values holding a line break not followed by a TAB (a task's XML).
      if (typeof v === 'string' && /\r\n(?!\t)/.test(v)) assert.equal(squeeze(fromBsd.data[k]), squeeze(v), `${channel} ${id} ${k}`);
      else assert.deepEqual(fromBsd.data[k], v, `${channel} ${id} ${k}`);
    }
    if (!isSecurity) assert.equal(bsd, message.replace(/(\r\n)+$/, ''), `${channel} ${id}: Sysmon text exactly`);
    // Snare: CR, LF and TAB as spaces; the event ID is known from Snare's own field.
    const snare = restoreMessage(flatten(message, false), isSecurity ? id : undefined);
    assert.notEqual(snare, null, `${channel} ${id}: Snare-flattened message not restored`);
    const fromSnare = parsed(snare!)!;
    assert.equal(fromSnare.event_id, original.event_id);
    for (const [k, v] of Object.entries(original.data)) {
      if (typeof v === 'string' && /[\r\n\t]/.test(v)) {
        if (squeeze(fromSnare.data[k]) !== squeeze(v)) assert.match(String(fromSnare.data[k]), /^%%\d+$/, `${channel} ${id} ${k}`); // a list's one item read as its token
      } else assert.deepEqual(fromSnare.data[k], v, `${channel} ${id} ${k}`);
    }
  }
  // Both kinds, and Security messages with lists (4672 privileges, 4627 groups, 5140/5145 access).
  assert.ok(sysmon > 100, `${sysmon} Sysmon messages`);
  for (const id of [4624, 4627, 4672, 4688, 4689, 5140, 5145, 5156, 5158]) assert.ok(securityIds.has(id), `no ${id} in [${[...securityIds].join(', ')}]`);
});

test('Snare-flattened privilege lists come back line by line', async () => {
  const privileges = (await windowsMessages()).find((m) => m.id === 4672);
  assert.ok(privileges, 'the corpus has a 4672');
  const restored = restoreMessage(flatten(privileges.message, false), 4672)!;
  assert.equal(parsed(restored)!.data.PrivilegeList, parsed(privileges.message)!.data.PrivilegeList);
  assert.match(String(parsed(restored)!.data.PrivilegeList), /Privilege\r\n\t\t\tSe/);
});

test('a Sysmon value quoting a field name does not split its line', () => {
  const data = {
    RuleName: '-', UtcTime: '2024-05-01 10:00:00.000', ProcessGuid: '{00000000-0000-0000-0000-000000000001}', ProcessId: 4120,
    Image: 'C:\\Windows\\System32\\cmd.exe', FileVersion: '-', Description: '-', Product: '-', Company: '-', OriginalFileName: '-',
    CommandLine: 'cmd /c echo  User: x  Configuration: y  Image: z', CurrentDirectory: 'C:\\', User: 'WEB01\\iis', LogonGuid: '{00000000-0000-0000-0000-000000000002}',
    LogonId: '0x3e7', TerminalSessionId: 0, IntegrityLevel: 'High', Hashes: 'SHA256=00', ParentProcessGuid: '{00000000-0000-0000-0000-000000000003}',
    ParentProcessId: 3000, ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', ParentCommandLine: 'w3wp.exe ', ParentUser: 'WEB01\\iis',
  };
  const message = renderSysmonMessage(1, data)!;
  for (const keepTabs of [true, false]) {
    const restored = restoreMessage(flatten(message, keepTabs));
    assert.equal(restored, message);
    assert.equal(parsed(restored!)!.data.CommandLine, data.CommandLine);
  }
});

test('messages with real line breaks pass unchanged; other text is not a message', () => {
  const lf = 'Process terminated:\nRuleName: -\nUtcTime: 2024-05-01 10:00:00.000\nProcessGuid: {00000000-0000-0000-0000-000000000001}\nProcessId: 4120\nImage: C:\\x.exe';
  assert.equal(restoreMessage(lf), lf);
  assert.equal(restoreMessage('Accepted publickey for root from 10.0.0.1 port 22'), null);
  assert.equal(restoreMessage('A new process has been created. but nothing else'), null);
});
