/**
 * Deterministic demo and fixture events: an IIS server where w3wp.exe spawns
 * cmd.exe → whoami.exe and connects out, seen through Sysmon 1/3 and Security
 * 4688/5156, plus background noise. Field names and value types follow the Sysmon
 * and Security schemas (../shared/specs/windows-events.md); values are invented.
 */
import { emptyEvent, type Event, type EventValue } from '../event/index.js';

/** A small deterministic PRNG (mulberry32) so fixtures are identical on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SYSMON = { provider: 'Microsoft-Windows-Sysmon', guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', channel: 'Microsoft-Windows-Sysmon/Operational' };
const SECURITY = { provider: 'Microsoft-Windows-Security-Auditing', guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', channel: 'Security' };

function base(src: typeof SYSMON, host: string, eventId: number, time: Date, recordId: number, data: Record<string, EventValue>): Event {
  const e = emptyEvent();
  e._time = time.toISOString().replace('Z', '') + String(recordId % 10000).padStart(4, '0') + 'Z';
  e.host = host;
  e.channel = src.channel;
  e.provider = src.provider;
  e.provider_guid = src.guid;
  e.event_id = eventId;
  e.version = src === SYSMON ? 5 : 2;
  e.level = 4;
  e.task = src === SYSMON ? eventId : eventId === 4688 ? 13312 : 12810;
  e.opcode = 0;
  e.keywords = src === SYSMON ? '0x8000000000000000' : '0x8020000000000000';
  e.record_id = recordId;
  e.process_id = src === SYSMON ? 2044 : 4;
  e.thread_id = 3000 + (recordId % 500);
  e.user_sid = src === SYSMON ? 'S-1-5-18' : null;
  e.data = data;
  return e;
}

const guid = (r: () => number): string => {
  const h = (n: number): string => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  return `{${h(8)}-${h(4)}-${h(4)}-${h(4)}-${h(12)}}`;
};

/** Options for {@link demoEvents}. */
export interface DemoOptions {
  readonly count: number;
  readonly seed?: number;
  readonly host?: string;
  readonly start?: Date;
}

/**
 * Generates `count` events: mostly benign process and network activity, with the IIS
 * webshell sequence (w3wp → cmd → whoami, w3wp → public IP) every 50 events.
 *
 * @example
 * const events = demoEvents({ count: 1000 });
 */
export function demoEvents(options: DemoOptions): Event[] {
  const r = prng(options.seed ?? 1);
  const host = options.host ?? 'WEB01.corp.example';
  let t = (options.start ?? new Date('2024-05-01T00:00:00Z')).getTime();
  const out: Event[] = [];
  let rid = 1;
  const benign = ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\conhost.exe', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', 'C:\\Windows\\explorer.exe'];
  const w3wpGuid = guid(r);
  const w3wpPid = 4120;
  while (out.length < options.count) {
    t += Math.floor(r() * 5000);
    const now = new Date(t);
    const utc = now.toISOString().replace('T', ' ').slice(0, 23);
    const i = out.length;
    if (i % 50 === 10) {
      const cmdPid = 5000 + (i % 3000);
      const cmdGuid = guid(r);
      out.push(base(SYSMON, host, 1, now, rid++, {
        RuleName: '-', UtcTime: utc, ProcessGuid: cmdGuid, ProcessId: cmdPid, Image: 'C:\\Windows\\System32\\cmd.exe',
        FileVersion: '10.0.17763.1 (WinBuild.160101.0800)', Description: 'Windows Command Processor', Product: 'Microsoft® Windows® Operating System',
        Company: 'Microsoft Corporation', OriginalFileName: 'Cmd.Exe', CommandLine: 'cmd.exe /c "cd /d C:\\inetpub\\wwwroot & whoami"',
        CurrentDirectory: 'c:\\windows\\system32\\inetsrv\\', User: 'IIS APPPOOL\\DefaultAppPool', LogonGuid: guid(r), LogonId: '0x3e4',
        TerminalSessionId: 0, IntegrityLevel: 'High', Hashes: 'SHA256=BC866CFCDDA37E24DC2634DC282C7A0E6F55209DA17A8FA105B07414C0E7C527',
        ParentProcessGuid: w3wpGuid, ParentProcessId: w3wpPid, ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        ParentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0"', ParentUser: 'IIS APPPOOL\\DefaultAppPool',
      }));
      out.push(base(SECURITY, host, 4688, now, rid++, {
        SubjectUserSid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415', SubjectUserName: 'DefaultAppPool', SubjectDomainName: 'IIS APPPOOL',
        SubjectLogonId: '0x3e4', NewProcessId: '0x' + cmdPid.toString(16), NewProcessName: 'C:\\Windows\\System32\\cmd.exe', TokenElevationType: '%%1936',
        ProcessId: '0x' + w3wpPid.toString(16), CommandLine: 'cmd.exe /c "cd /d C:\\inetpub\\wwwroot & whoami"', TargetUserSid: 'S-1-0-0',
        TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0', ParentProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', MandatoryLabel: 'S-1-16-12288',
      }));
      out.push(base(SYSMON, host, 1, now, rid++, {
        RuleName: '-', UtcTime: utc, ProcessGuid: guid(r), ProcessId: cmdPid + 4, Image: 'C:\\Windows\\System32\\whoami.exe', FileVersion: '10.0.17763.1',
        Description: 'whoami - displays logged on user information', Product: 'Microsoft® Windows® Operating System', Company: 'Microsoft Corporation',
        OriginalFileName: 'whoami.exe', CommandLine: 'whoami', CurrentDirectory: 'C:\\inetpub\\wwwroot\\', User: 'IIS APPPOOL\\DefaultAppPool',
        LogonGuid: guid(r), LogonId: '0x3e4', TerminalSessionId: 0, IntegrityLevel: 'High', Hashes: 'SHA256=1D5491E3C468EE4B4EF6EDFF4BBC7D06EE83180F6F0B1576763EA2EFE049493A',
        ParentProcessGuid: cmdGuid, ParentProcessId: cmdPid, ParentImage: 'C:\\Windows\\System32\\cmd.exe', ParentCommandLine: 'cmd.exe /c "cd /d C:\\inetpub\\wwwroot & whoami"',
        ParentUser: 'IIS APPPOOL\\DefaultAppPool',
      }));
      out.push(base(SYSMON, host, 3, now, rid++, {
        RuleName: '-', UtcTime: utc, ProcessGuid: w3wpGuid, ProcessId: w3wpPid, Image: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', User: 'IIS APPPOOL\\DefaultAppPool',
        Protocol: 'tcp', Initiated: true, SourceIsIpv6: false, SourceIp: '10.0.1.15', SourceHostname: '-', SourcePort: 49800 + (i % 1000), SourcePortName: '-',
        DestinationIsIpv6: false, DestinationIp: '203.0.113.66', DestinationHostname: '-', DestinationPort: 443, DestinationPortName: 'https',
      }));
      out.push(base(SECURITY, host, 5156, now, rid++, {
        ProcessID: w3wpPid, Application: '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe', Direction: '%%14593', SourceAddress: '10.0.1.15',
        SourcePort: String(49800 + (i % 1000)), DestAddress: '203.0.113.66', DestPort: '443', Protocol: 6, FilterRTID: 67542, LayerName: '%%14611', LayerRTID: 48,
        RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0',
      }));
      continue;
    }
    const image = benign[Math.floor(r() * benign.length)];
    out.push(base(SYSMON, host, 1, now, rid++, {
      RuleName: '-', UtcTime: utc, ProcessGuid: guid(r), ProcessId: 1000 + Math.floor(r() * 9000), Image: image, FileVersion: '10.0.17763.1',
      Description: '-', Product: '-', Company: 'Microsoft Corporation', OriginalFileName: image.split('\\').pop()!, CommandLine: `"${image}" -k netsvcs -p`,
      CurrentDirectory: 'C:\\Windows\\system32\\', User: 'NT AUTHORITY\\SYSTEM', LogonGuid: guid(r), LogonId: '0x3e7', TerminalSessionId: 0,
      IntegrityLevel: 'System', Hashes: `SHA256=${Math.floor(r() * 2 ** 32).toString(16).toUpperCase().padStart(8, '0').repeat(8)}`,
      ParentProcessGuid: guid(r), ParentProcessId: 700, ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe',
      ParentUser: 'NT AUTHORITY\\SYSTEM',
    }));
  }
  return out.slice(0, options.count);
}
