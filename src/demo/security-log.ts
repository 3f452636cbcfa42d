/**
 * The Security log of the demo dataset's hosts, with process creation (4688, command
 * lines on), process termination (4689), Filtering Platform connection (5156) and logon
 * auditing on — the audit policy `haetae sysmon audit-commands` prints.
 *
 * Process and connection events are the Security side of the same activity Sysmon
 * logged: every Sysmon 1 has its 4688, every 5 its 4689, every 3 its 5156, with the same
 * PIDs (hex in 4688/4689, decimal in 5156) and times, so a query or a correlation can
 * match the two sensors (spec §1 "What this means for the IIS guide", §3). Real Windows
 * logs more WFP connections than a filtering Sysmon config does; the demo keeps one per
 * Sysmon 3. Logons are the day's background: service logons (type 5) before services
 * start, workstation unlocks (type 7, one mistyped password each), Kerberos network
 * logons (type 3) to the domain controller and the file server with their service
 * tickets (4769) and logoffs (4634).
 */
import type { Event } from '../event/index.js';
import { FLEET_DOMAIN, type FleetHost } from './generator.js';
import { Accounts, devicePath, hexPid, machineAccount, securityEvent, shortName, timeOf, type Account } from './windows-log.js';

/** MandatoryLabel (4688) of Sysmon's IntegrityLevel. */
const MANDATORY_LABEL: Readonly<Record<string, string>> = {
  System: 'S-1-16-16384', High: 'S-1-16-12288', Medium: 'S-1-16-8192', Low: 'S-1-16-4096', AppContainer: 'S-1-16-4096',
};

/** Privileges Windows lists in 4672 for SYSTEM and for administrators (corpus 4672 messages). */
export const ADMIN_PRIVILEGES = [
  'SeSecurityPrivilege', 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeTakeOwnershipPrivilege', 'SeDebugPrivilege',
  'SeSystemEnvironmentPrivilege', 'SeLoadDriverPrivilege', 'SeImpersonatePrivilege', 'SeDelegateSessionUserImpersonatePrivilege',
].join('\r\n\t\t\t');
const SERVICE_PRIVILEGES = ['SeAssignPrimaryTokenPrivilege', 'SeAuditPrivilege', 'SeImpersonatePrivilege'].join('\r\n\t\t\t');

const NOBODY: Account = { sid: 'S-1-0-0', name: '-', domain: '-', logonId: '0x0' };
const NULL_GUID = '{00000000-0000-0000-0000-000000000000}';

/** The Subject fields of an account. */
export function subjectOf(a: Account): Record<string, string> {
  return { SubjectUserSid: a.sid, SubjectUserName: a.name, SubjectDomainName: a.domain, SubjectLogonId: a.logonId };
}

/** The Target fields of an account. */
export function targetOf(a: Account): Record<string, string> {
  return { TargetUserSid: a.sid, TargetUserName: a.name, TargetDomainName: a.domain, TargetLogonId: a.logonId };
}

/**
 * The Security events of the process and network activity in `sysmon` (any order; the
 * result follows it): 4688 for Sysmon 1 (after a 4624 type 5 and 4672 when services.exe
 * starts a service account's process), 4689 for 5, 5156 for 3.
 *
 * @example
 * const security = securityFromSysmon(sysmonEvents, hosts, new Accounts(hosts));
 */
export function securityFromSysmon(sysmon: readonly Event[], hosts: readonly FleetHost[], accounts: Accounts): Event[] {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const out: Event[] = [];
  for (const e of sysmon) {
    const host = byName.get(e.host);
    if (host === undefined) continue;
    const t = timeOf(e) - 0.4; // Security writes the record while the kernel acts; Sysmon's comes a moment later
    if (e.event_id === 1) out.push(...processCreated(e, host, t, accounts));
    else if (e.event_id === 5) out.push(processExited(e, host, t, accounts));
    else if (e.event_id === 3) out.push(connectionPermitted(e, host, t));
  }
  return out;
}

/** 4688 (version 2: ParentProcessName and MandatoryLabel), preceded by a service logon where Windows writes one. */
function processCreated(e: Event, host: FleetHost, t: number, accounts: Accounts): Event[] {
  const d = e.data;
  const user = String(d.User);
  const parentUser = String(d.ParentUser ?? d.User);
  const creator = accounts.of(parentUser, host);
  const target = accounts.of(user, host);
  const same = user === parentUser;
  const out: Event[] = [];
  const serviceAccount = /^NT AUTHORITY\\/i.test(user);
  if (serviceAccount && /\\services\.exe$/i.test(String(d.ParentImage))) {
    // A service starting under its own account gets a logon session first (type 5) and,
    // being privileged, its 4672. The session names SYSTEM as `SYSTEM`/`NT AUTHORITY`, where
    // subjects name it by the machine account (corpus 4624/4672 of MKT01).
    const session = target.sid === 'S-1-5-18' ? { ...target, name: 'SYSTEM', domain: 'NT AUTHORITY' } : target;
    out.push(securityEvent(host, 4624, t - 0.6, logon(accounts.of('NT AUTHORITY\\SYSTEM', host), session, 5, {
      LogonProcessName: 'Advapi  ', AuthenticationPackageName: 'Negotiate', WorkstationName: '-', ProcessId: hexPid(Number(d.ParentProcessId)),
      ProcessName: String(d.ParentImage), IpAddress: '-', IpPort: '-', ElevatedToken: '%%1842',
    })));
    out.push(securityEvent(host, 4672, t - 0.5, { ...subjectOf(session), PrivilegeList: session.sid === 'S-1-5-18' ? ADMIN_PRIVILEGES : SERVICE_PRIVILEGES }));
  }
  const integrity = String(d.IntegrityLevel);
  // %%1936: full token (services, UAC off, standard users); %%1937: elevated admin.
  const elevation = integrity === 'High' && !serviceAccount && !/^IIS APPPOOL\\/i.test(user) ? '%%1937' : '%%1936';
  out.push(securityEvent(host, 4688, t, {
    ...subjectOf(same ? target : creator), NewProcessId: hexPid(Number(d.ProcessId)), NewProcessName: String(d.Image), TokenElevationType: elevation,
    ProcessId: hexPid(Number(d.ParentProcessId)), CommandLine: String(d.CommandLine), ...targetOf(same ? NOBODY : target),
    ParentProcessName: String(d.ParentImage), MandatoryLabel: MANDATORY_LABEL[integrity] ?? MANDATORY_LABEL.Medium,
  }));
  return out;
}

/** 4689. */
function processExited(e: Event, host: FleetHost, t: number, accounts: Accounts): Event {
  const d = e.data;
  return securityEvent(host, 4689, t, { ...subjectOf(accounts.of(String(d.User), host)), Status: '0x0', ProcessId: hexPid(Number(d.ProcessId)), ProcessName: String(d.Image) });
}

/** 5156: Source is always the local side (spec §1); Sysmon puts the remote client of an inbound connection in Source. */
function connectionPermitted(e: Event, host: FleetHost, t: number): Event {
  const d = e.data;
  const outbound = d.Initiated === true;
  const [local, localPort, remote, remotePort] = outbound
    ? [d.SourceIp, d.SourcePort, d.DestinationIp, d.DestinationPort]
    : [d.DestinationIp, d.DestinationPort, d.SourceIp, d.SourcePort];
  return securityEvent(host, 5156, t, {
    ProcessID: Number(d.ProcessId), Application: devicePath(String(d.Image)), Direction: outbound ? '%%14593' : '%%14592',
    SourceAddress: String(local), SourcePort: String(localPort), DestAddress: String(remote), DestPort: String(remotePort),
    Protocol: d.Protocol === 'udp' ? 17 : 6, FilterRTID: 67_000 + (host.sysmonPid % 3000), LayerName: outbound ? '%%14611' : '%%14610',
    LayerRTID: outbound ? 48 : 44, RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0',
  });
}

/** Everything a 4624 (version 2) needs beyond its subject, target and logon type. */
interface LogonDetails {
  readonly LogonProcessName: string;
  readonly AuthenticationPackageName: string;
  readonly WorkstationName: string;
  readonly ProcessId: string;
  readonly ProcessName: string;
  readonly IpAddress: string;
  readonly IpPort: string;
  readonly ElevatedToken: string;
  readonly LogonGuid?: string;
  readonly LmPackageName?: string;
  readonly KeyLength?: number;
}

/**
 * The EventData of a 4624 in the catalog's version-2 order.
 *
 * @example
 * securityEvent(fs, 4624, t, logon(NOBODY_SUBJECT, user, 3, { LogonProcessName: 'Kerberos', … }))
 */
export function logon(subject: Account, target: Account, logonType: number, x: LogonDetails): Record<string, string | number> {
  return {
    ...subjectOf(subject), ...targetOf(target), LogonType: logonType, LogonProcessName: x.LogonProcessName,
    AuthenticationPackageName: x.AuthenticationPackageName, WorkstationName: x.WorkstationName, LogonGuid: x.LogonGuid ?? NULL_GUID,
    TransmittedServices: '-', LmPackageName: x.LmPackageName ?? '-', KeyLength: x.KeyLength ?? 0, ProcessId: x.ProcessId, ProcessName: x.ProcessName,
    IpAddress: x.IpAddress, IpPort: x.IpPort, ImpersonationLevel: '%%1833', RestrictedAdminMode: '-', TargetOutboundUserName: '-',
    TargetOutboundDomainName: '-', VirtualAccount: '%%1843', TargetLinkedLogonId: '0x0', ElevatedToken: x.ElevatedToken,
  };
}

/**
 * The EventData of a 4625 for a wrong password (`0xc000006d` / `0xc000006a`, "Unknown user
 * name or bad password"), in the catalog's order.
 *
 * @example
 * securityEvent(fs, 4625, t, badPassword(NETWORK_SUBJECT, 'Administrator', 'CORP', 3, { LogonProcessName: 'NtLmSsp ', … }))
 */
export function badPassword(subject: Account, userName: string, domain: string, logonType: number, x: Omit<LogonDetails, 'ElevatedToken' | 'LogonGuid'>): Record<string, string | number> {
  return {
    ...subjectOf(subject), TargetUserSid: 'S-1-0-0', TargetUserName: userName, TargetDomainName: domain, Status: '0xc000006d', FailureReason: '%%2313',
    SubStatus: '0xc000006a', LogonType: logonType, LogonProcessName: x.LogonProcessName, AuthenticationPackageName: x.AuthenticationPackageName,
    WorkstationName: x.WorkstationName, TransmittedServices: '-', LmPackageName: x.LmPackageName ?? '-', KeyLength: x.KeyLength ?? 0, ProcessId: x.ProcessId,
    ProcessName: x.ProcessName, IpAddress: x.IpAddress, IpPort: x.IpPort,
  };
}

/** The "no subject" of a network logon: the server accepted it, no local account asked for it. */
export const NETWORK_SUBJECT: Account = NOBODY;

/**
 * The day's logons on `hosts` from `start` over `spanMs`: workstation unlocks with one
 * mistyped password each, and Kerberos network logons of the workstations' users and
 * machine accounts to the domain controller and the file server.
 *
 * @example
 * const events = logonActivity(hosts, start, 86_400_000, prng(1), new Accounts(hosts));
 */
export function logonActivity(hosts: readonly FleetHost[], start: Date, spanMs: number, rand: () => number, accounts: Accounts): Event[] {
  const out: Event[] = [];
  const day = start.getTime();
  const dc = hosts.find((h) => h.role === 'dc');
  const fs = hosts.find((h) => h.role === 'file');
  const newLogonId = (): string => '0x' + (0x100000 + Math.floor(rand() * 0xeffffff)).toString(16);
  const guid = (): string => `{${[8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('')).join('-')}}`;
  const port = (): string => String(49152 + Math.floor(rand() * 16383));
  const hours = (h: number): number => day + h * 3_600_000 + Math.floor(rand() * 900_000);
  for (const ws of hosts.filter((h) => h.role === 'workstation')) {
    const user = accounts.of(ws.user, ws);
    const system = accounts.of('NT AUTHORITY\\SYSTEM', ws);
    const svchost = ws.running.get('svchost-netsvcs');
    const unlock = { LogonProcessName: 'User32 ', AuthenticationPackageName: 'Negotiate', WorkstationName: shortName(ws), ProcessId: hexPid(svchost?.pid ?? 0), ProcessName: svchost?.image ?? '-', IpAddress: '127.0.0.1', IpPort: '0', ElevatedToken: '%%1843' };
    // Unlocks in the morning, after lunch and late afternoon; each session ends at the next lock.
    for (const [i, h] of [8.5, 12.8, 16.2].entries()) {
      const t = hours(h);
      if (t - day > spanMs) continue;
      if (i === 1) {
        out.push(securityEvent(ws, 4625, t - 6_000, badPassword(system, user.name, user.domain, 7, unlock)));
      }
      const session = { ...user, logonId: newLogonId() };
      out.push(securityEvent(ws, 4624, t, logon(system, session, 7, { ...unlock, LogonGuid: guid() })));
      out.push(securityEvent(ws, 4634, t + 3_000_000 + rand() * 4_000_000, { ...targetOf(session), LogonType: 7 }));
    }
    // Kerberos network logons: the user to the file server (with the ticket the DC issued), the machine to the DC.
    for (let t = hours(8.6); t < hours(17.5) && fs !== undefined && dc !== undefined; t += 1_800_000 + rand() * 2_400_000) out.push(...networkLogon(fs, dc, ws, user, t));
    const machine = machineAccount(ws);
    for (let t = day + rand() * 3_600_000; t < day + spanMs && dc !== undefined; t += 3_600_000 + rand() * 3_600_000) out.push(...networkLogon(dc, null, ws, machine, t));
  }
  return out;

  function networkLogon(server: FleetHost, kdc: FleetHost | null, client: FleetHost, who: Account, t: number): Event[] {
    const session: Account = { ...who, domain: FLEET_DOMAIN.dns.toUpperCase(), logonId: newLogonId() };
    const logonGuid = guid();
    const events: Event[] = [];
    if (kdc !== null) {
      events.push(securityEvent(kdc, 4769, t - 40, {
        TargetUserName: `${who.name}@${FLEET_DOMAIN.dns.toUpperCase()}`, TargetDomainName: FLEET_DOMAIN.dns.toUpperCase(), ServiceName: `${shortName(server)}$`,
        ServiceSid: machineAccount(server).sid, TicketOptions: '0x40810000', TicketEncryptionType: '0x12',
        IpAddress: `::ffff:${client.ip}`, IpPort: port(), Status: '0x0', LogonGuid: logonGuid, TransmittedServices: '-',
      }));
    }
    events.push(securityEvent(server, 4624, t, logon(NOBODY, session, 3, {
      LogonProcessName: 'Kerberos', AuthenticationPackageName: 'Kerberos', WorkstationName: '-', ProcessId: '0x0', ProcessName: '-',
      IpAddress: client.ip, IpPort: port(), ElevatedToken: who.name.endsWith('$') ? '%%1842' : '%%1843', LogonGuid: logonGuid,
    })));
    // The logoff names the NetBIOS domain where the Kerberos logon named the DNS one (corpus 4624/4634 pairs).
    events.push(securityEvent(server, 4634, t + 2_000 + rand() * (kdc === null ? 10_000 : 600_000), { ...targetOf({ ...session, domain: who.domain }), LogonType: 3 }));
    return events;
  }
}
