/**
 * Builders for Sysmon and Security events in tests, and a round trip through a real EVTX
 * file written by Haetae's own EvtxWriter (fixtures are made by the project, never copied).
 * Field lists follow shared/specs/windows-events.md §2–3.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyEvent, eventToXml, type Event, type EventValue } from '../event/index.js';
import { EvtxWriter } from '../evtx/index.js';
import { decodeFile } from '../formats/index.js';

export const SYSMON = ['Microsoft-Windows-Sysmon/Operational', 'Microsoft-Windows-Sysmon'] as const;
export const SECURITY = ['Security', 'Microsoft-Windows-Security-Auditing'] as const;
export const W3WP = 'C:\\Windows\\System32\\inetsrv\\w3wp.exe';

/** A Sysmon 1 process: its PID/GUID/image and its parent's. */
export interface SysmonProcess { pid: number; guid: string; image: string; ppid: number; pguid: string; pimage: string; commandLine?: string }

/**
 * Makes events of one host on one day, numbering records.
 *
 * @example
 * const b = new WindowsEvents('WEB01', '2024-05-01');
 * const e = b.sec4688('09:00:00', '0x1a4', W3WP, '0x300');
 */
export class WindowsEvents {
  private recordId = 0;
  constructor(readonly host: string, readonly day: string) {}

  /** Any event at `time` (HH:MM:SS) with the given channel/provider, ID and data. */
  ev(time: string, [channel, provider]: readonly [string, string], eventId: number, data: Record<string, EventValue>): Event {
    return { ...emptyEvent(), _time: `${this.day}T${time}.0000000Z`, host: this.host, channel, provider, event_id: eventId, record_id: ++this.recordId, level: 0, data };
  }

  /** Epoch ms of `time` on this day. */
  at(time: string): number { return Date.parse(`${this.day}T${time}Z`); }

  /** A 4688; version 1 (no ParentProcessName, as on 2008 R2) unless `parent` is given (version 2). */
  sec4688(time: string, pid: string, image: string, creator: string, parent?: string, commandLine = `${image.split('\\').pop()} /x`): Event {
    const data: Record<string, EventValue> = {
      SubjectUserSid: 'S-1-5-82-1', SubjectUserName: 'DefaultAppPool', SubjectDomainName: 'IIS APPPOOL', SubjectLogonId: '0x3e4',
      NewProcessId: pid, NewProcessName: image, TokenElevationType: '%%1936', ProcessId: creator, CommandLine: commandLine,
    };
    if (parent !== undefined) Object.assign(data, { TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0', ParentProcessName: parent, MandatoryLabel: 'S-1-16-8192' });
    return { ...this.ev(time, SECURITY, 4688, data), version: parent === undefined ? 1 : 2 };
  }

  /** A 4689 (process exit). */
  sec4689(time: string, pid: string, image: string): Event {
    return this.ev(time, SECURITY, 4689, { SubjectUserSid: 'S-1-5-18', SubjectUserName: `${this.host}$`, SubjectDomainName: 'CORP', SubjectLogonId: '0x3e7', Status: '0x0', ProcessId: pid, ProcessName: image });
  }

  /** A 5156 (WFP permitted a connection); `outbound` picks Direction %%14593 / %%14592. */
  sec5156(time: string, c: { pid: number; application: string; outbound: boolean; source: string; sourcePort: number; dest: string; destPort: number; protocol?: number }): Event {
    return this.ev(time, SECURITY, 5156, {
      ProcessID: c.pid, Application: c.application, Direction: c.outbound ? '%%14593' : '%%14592', SourceAddress: c.source, SourcePort: String(c.sourcePort),
      DestAddress: c.dest, DestPort: String(c.destPort), Protocol: c.protocol ?? 6, FilterRTID: 0, LayerName: '%%14611', LayerRTID: 48, RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0',
    });
  }

  /** A Sysmon 1 (process create). */
  sysmon1(time: string, p: SysmonProcess): Event {
    return this.ev(time, SYSMON, 1, {
      RuleName: '-', UtcTime: `${this.day} ${time}.000`, ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, CommandLine: p.commandLine ?? `"${p.image}"`,
      CurrentDirectory: 'C:\\', User: 'IIS APPPOOL\\DefaultAppPool', IntegrityLevel: 'Medium', Hashes: 'SHA256=00',
      ParentProcessGuid: p.pguid, ParentProcessId: p.ppid, ParentImage: p.pimage, ParentCommandLine: `"${p.pimage}"`,
    });
  }

  /** A Sysmon 3 (network connection). */
  sysmon3(time: string, c: { pid: number; guid: string; image: string; initiated: boolean; source: string; sourcePort: number; dest: string; destPort: number; destHostname?: string }): Event {
    const v6 = (ip: string): boolean => ip.includes(':');
    return this.ev(time, SYSMON, 3, {
      RuleName: '-', UtcTime: `${this.day} ${time}.000`, ProcessGuid: c.guid, ProcessId: c.pid, Image: c.image, User: 'IIS APPPOOL\\DefaultAppPool', Protocol: 'tcp',
      Initiated: c.initiated, SourceIsIpv6: v6(c.source), SourceIp: c.source, SourceHostname: '-', SourcePort: c.sourcePort, SourcePortName: '-',
      DestinationIsIpv6: v6(c.dest), DestinationIp: c.dest, DestinationHostname: c.destHostname ?? '-', DestinationPort: c.destPort, DestinationPortName: '-',
    });
  }

  /** A Sysmon 5 (process terminated). */
  sysmon5(time: string, pid: number, guid: string, image: string): Event {
    return this.ev(time, SYSMON, 5, { RuleName: '-', UtcTime: `${this.day} ${time}.000`, ProcessGuid: guid, ProcessId: pid, Image: image });
  }
}

let tempDir: string | null = null;

/** Writes `events` to a real EVTX file and decodes them back, as a hunt reads them; returns the file and the events. */
export async function throughEvtx(name: string, events: readonly Event[]): Promise<{ file: string; events: Event[] }> {
  tempDir ??= mkdtempSync(join(tmpdir(), 'haetae-events-'));
  const file = join(tempDir, `${name}.evtx`);
  const w = new EvtxWriter(file);
  for (const e of events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  const out: Event[] = [];
  for await (const batch of decodeFile(file)) out.push(...batch.events);
  assert.equal(out.length, events.length, `${file}: every written event reads back`);
  return { file, events: out };
}
