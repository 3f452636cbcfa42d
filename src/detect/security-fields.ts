/**
 * Sysmon-named Sigma fields read from Security events: 4688 for `process_creation`
 * (Sysmon 1's fields) and 5156 for `network_connection` (Sysmon 3's fields).
 *
 * Facts (../shared/specs/windows-events.md §3, Microsoft's 4688/5156 audit docs):
 * - 4688: NewProcessId and ProcessId (the creator) are hex (`0x2a5c`); Sysmon writes
 *   decimal. ParentProcessName exists from event version 2 (Windows 10 / 2016) only.
 *   Target* (version 2) is the account the new process runs as when it differs from the
 *   creator (Subject*); otherwise TargetUserSid is `S-1-0-0` and TargetUserName `-`.
 * - 5156: ProcessID (decimal), Application as an NT device path, Direction `%%14593`
 *   (Outbound) / `%%14592` (Inbound), SourceAddress/SourcePort always the local side,
 *   DestAddress/DestPort the remote side, Protocol as the IP protocol number. Sysmon 3
 *   instead puts the initiator in Source*: for an inbound connection (Initiated false) the
 *   remote peer is SourceIp (checked on the corpus: inbound SMB to the System process has
 *   DestinationPort 445). So inbound 5156 events swap the two sides.
 */
import { ntPathToDrivePath, processId, type Event, type EventValue } from '../event/index.js';
import { dataFieldAccessor, systemFieldAccessor } from './field-access.js';
import type { FieldAccessor, FieldResolver } from './types.js';

/** Text that Windows writes for "no value". */
function present(v: EventValue | undefined): v is string | number | boolean {
  return v !== undefined && v !== null && v !== '' && v !== '-' && !Array.isArray(v);
}

/**
 * Well-known service accounts as Sysmon's `User` names them (`NT AUTHORITY\SYSTEM`);
 * Security events name them by the machine account (`WEB01$` / domain) or a localized
 * name, so the SID decides.
 */
const WELL_KNOWN_ACCOUNTS: Readonly<Record<string, string>> = {
  'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
  'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
  'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
};

/**
 * Which account a 4688 event's new process runs as: the Target subject when the event
 * names one (version 2, a different account), else the Creator subject. `prefix` is
 * `Target` or `Subject`.
 */
function accountPrefix(data: Readonly<Record<string, EventValue>>): 'Target' | 'Subject' {
  const sid = data.TargetUserSid;
  return present(data.TargetUserName) && present(sid) && sid !== 'S-1-0-0' ? 'Target' : 'Subject';
}

/**
 * The account of the process a 4688 event created, in Sysmon's `DOMAIN\name` form
 * (`IIS APPPOOL\DefaultAppPool`, `NT AUTHORITY\SYSTEM`). Undefined when the event has none.
 *
 * @example
 * processCreationUser({ SubjectUserSid: 'S-1-5-82-1', SubjectUserName: 'DefaultAppPool', SubjectDomainName: 'IIS APPPOOL' })
 * // 'IIS APPPOOL\\DefaultAppPool'
 */
export function processCreationUser(data: Readonly<Record<string, EventValue>>): string | undefined {
  const p = accountPrefix(data);
  const sid = data[`${p}UserSid`];
  if (typeof sid === 'string' && Object.hasOwn(WELL_KNOWN_ACCOUNTS, sid.toUpperCase())) return WELL_KNOWN_ACCOUNTS[sid.toUpperCase()];
  const name = data[`${p}UserName`];
  if (!present(name)) return undefined;
  const domain = data[`${p}DomainName`];
  return present(domain) ? `${String(domain)}\\${String(name)}` : String(name);
}

/** Mandatory label SIDs (4688 MandatoryLabel) → Sysmon's IntegrityLevel names. */
const INTEGRITY_LEVELS: Readonly<Record<string, string>> = {
  'S-1-16-0': 'Untrusted',
  'S-1-16-4096': 'Low',
  'S-1-16-8192': 'Medium',
  'S-1-16-8448': 'Medium',
  'S-1-16-12288': 'High',
  'S-1-16-16384': 'System',
  'S-1-16-20480': 'Protected',
};

/**
 * 4688's MandatoryLabel SID as Sysmon's IntegrityLevel word (`S-1-16-12288` → `High`);
 * an unknown label is returned as written. SigmaHQ rules list both forms, so either
 * matches; the word keeps one vocabulary with Sysmon 1.
 *
 * @example
 * integrityLevel('S-1-16-16384') // 'System'
 */
export function integrityLevel(label: EventValue | undefined): EventValue | undefined {
  if (typeof label !== 'string') return label;
  const key = label.toUpperCase();
  return Object.hasOwn(INTEGRITY_LEVELS, key) ? INTEGRITY_LEVELS[key] : label;
}

const hexPid = (field: string): FieldAccessor => (e) => processId(e.data[field]) ?? undefined;
const text = (field: string): FieldAccessor => (e) => {
  const v = e.data[field];
  return present(v) ? v : undefined;
};

/**
 * Sysmon 1 fields a 4688 event cannot carry: rules that need them positively cannot
 * match there (see `missingFields` in logsource.ts).
 */
export const SYSMON1_ONLY_FIELDS: readonly string[] = [
  'RuleName', 'UtcTime', 'ProcessGuid', 'FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName',
  'CurrentDirectory', 'LogonGuid', 'TerminalSessionId', 'Hashes', 'ParentProcessGuid', 'ParentCommandLine', 'ParentUser',
];

/** Sysmon 1 names → 4688 readers. */
const PROCESS_CREATION_4688: Readonly<Record<string, FieldAccessor>> = {
  Image: text('NewProcessName'),
  ParentImage: text('ParentProcessName'),
  CommandLine: (e) => {
    const v = e.data.CommandLine;
    return typeof v === 'string' ? v : undefined; // version 0 has none; '' is an empty command line
  },
  ProcessId: hexPid('NewProcessId'),
  ParentProcessId: hexPid('ProcessId'),
  User: (e) => processCreationUser(e.data),
  LogonId: (e) => text(`${accountPrefix(e.data)}LogonId`)(e),
  IntegrityLevel: (e) => integrityLevel(text('MandatoryLabel')(e)),
};

/** 4688's own EventData names (every version), readable as written. */
const FIELDS_4688 = [
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'NewProcessId', 'NewProcessName',
  'TokenElevationType', 'ProcessId', 'CommandLine', 'TargetUserSid', 'TargetUserName', 'TargetDomainName',
  'TargetLogonId', 'ParentProcessName', 'MandatoryLabel',
];

/** Builds a resolver from Sysmon-named accessors, null-listed fields and native names. */
function securityResolver(mapped: Readonly<Record<string, FieldAccessor>>, unavailable: readonly string[], native: readonly string[]): FieldResolver {
  const byLower = new Map<string, FieldAccessor | null>();
  for (const name of native) byLower.set(name.toLowerCase(), dataFieldAccessor(name));
  for (const name of unavailable) byLower.set(name.toLowerCase(), null);
  for (const [name, accessor] of Object.entries(mapped)) byLower.set(name.toLowerCase(), accessor);
  return (sigmaField) => {
    const system = systemFieldAccessor(sigmaField);
    if (system !== null) return system;
    const hit = byLower.get(sigmaField.toLowerCase());
    return hit === undefined ? null : hit; // a name neither Sysmon 1 nor 4688 has
  };
}

/**
 * Reads Sysmon 1 field names from a Security 4688 event: `Image` ← NewProcessName,
 * `ParentImage` ← ParentProcessName (version 2; absent before: see tracker-resolve.ts),
 * `ProcessId` ← NewProcessId and `ParentProcessId` ← ProcessId as numbers, `User` ←
 * Target (if another account) else Subject as `DOMAIN\name`, `LogonId` likewise,
 * `IntegrityLevel` ← MandatoryLabel as a word. Sysmon-only fields
 * ({@link SYSMON1_ONLY_FIELDS}) and unknown names resolve to null; 4688's own names
 * (`SubjectUserName`, `TokenElevationType`, …) read as written.
 *
 * @example
 * processCreation4688Resolver('ParentProcessId')!(e4688) // 420 for ProcessId '0x1a4'
 * processCreation4688Resolver('OriginalFileName')        // null
 */
export const processCreation4688Resolver: FieldResolver = securityResolver(PROCESS_CREATION_4688, SYSMON1_ONLY_FIELDS, FIELDS_4688);

/** IP protocol numbers → Sysmon 3's Protocol names. */
const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/**
 * Whether a 5156/5157 Direction is outbound (`%%14593`) or inbound (`%%14592`); text
 * exports may carry the rendered word. Undefined when unknown.
 *
 * @example
 * wfpOutbound('%%14593') // true
 */
export function wfpOutbound(direction: EventValue | undefined): boolean | undefined {
  if (typeof direction !== 'string') return undefined;
  const d = direction.trim().toLowerCase();
  if (d === '%%14593' || d === 'outbound') return true;
  if (d === '%%14592' || d === 'inbound') return false;
  return undefined;
}

/** A port as Sysmon types it (a number); 5156 writes ports as text. */
function port(v: EventValue | undefined): EventValue | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return present(v) ? v : undefined;
}

/**
 * The initiator's (`Source`) or responder's (`Destination`) address or port of a WFP
 * event, in Sysmon 3's sense: outbound keeps WFP's sides, inbound swaps them.
 */
function side(which: 'Source' | 'Destination', what: 'Address' | 'Port'): FieldAccessor {
  return (e) => {
    const inbound = wfpOutbound(e.data.Direction) === false;
    const local = which === 'Source' ? !inbound : inbound;
    const field = local ? `Source${what}` : `Dest${what}`;
    return what === 'Port' ? port(e.data[field]) : text(field)(e);
  };
}

const isIpv6 = (a: FieldAccessor): FieldAccessor => (e) => {
  const v = a(e);
  return typeof v === 'string' ? v.includes(':') : undefined;
};

/**
 * A 5156 Application as Sysmon's Image: the NT device path with its volume replaced by
 * the drive letter when `volumes` knows it (`harddiskvolume2` → `C:`), else the device
 * path as written, which still ends with `\w3wp.exe` for `endswith` rules.
 *
 * @example
 * wfpImage('\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe', {}) // unchanged
 */
export function wfpImage(application: EventValue | undefined, volumes: Readonly<Record<string, string>>): EventValue | undefined {
  if (typeof application !== 'string' || !present(application)) return undefined;
  return ntPathToDrivePath(application, volumes);
}

/** Builds the 5156 accessors; `volumesOf(event)` says which drive letters are known. */
export function networkConnectionAccessors(volumesOf: (e: Event) => Readonly<Record<string, string>>): Readonly<Record<string, FieldAccessor>> {
  const sourceIp = side('Source', 'Address');
  const destinationIp = side('Destination', 'Address');
  return {
    Image: (e) => wfpImage(e.data.Application, volumesOf(e)),
    ProcessId: (e) => processId(e.data.ProcessID) ?? undefined,
    Protocol: (e) => {
      const p = e.data.Protocol;
      const n = typeof p === 'number' ? p : typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : NaN;
      return Number.isNaN(n) ? (present(p) ? p : undefined) : (PROTOCOLS[n] ?? String(n));
    },
    Initiated: (e) => wfpOutbound(e.data.Direction),
    SourceIp: sourceIp,
    SourcePort: side('Source', 'Port'),
    SourceIsIpv6: isIpv6(sourceIp),
    DestinationIp: destinationIp,
    DestinationPort: side('Destination', 'Port'),
    DestinationIsIpv6: isIpv6(destinationIp),
  };
}

/** Sysmon 3 fields a 5156 event cannot carry. */
export const SYSMON3_ONLY_FIELDS: readonly string[] = [
  'RuleName', 'UtcTime', 'ProcessGuid', 'User', 'SourceHostname', 'SourcePortName', 'DestinationHostname', 'DestinationPortName',
];

/** 5156/5157's own EventData names. */
const FIELDS_5156 = [
  'ProcessID', 'Application', 'Direction', 'SourceAddress', 'SourcePort', 'DestAddress', 'DestPort', 'Protocol',
  'FilterRTID', 'LayerName', 'LayerRTID', 'RemoteUserID', 'RemoteMachineID',
];

/**
 * Reads Sysmon 3 field names from a Security 5156 event (see the module comment for the
 * sides): `Image` ← Application (device path, mapped to a drive path when `volumesOf`
 * knows the volume), `ProcessId` ← ProcessID, `Protocol` 6/17 → `tcp`/`udp`, `Initiated`
 * ← Direction as a boolean (Sysmon's type; `Initiated: 'true'` compares as text).
 *
 * @example
 * networkConnection5156Resolver()('Initiated')!(e5156) // true for Direction '%%14593'
 */
export function networkConnection5156Resolver(volumesOf: (e: Event) => Readonly<Record<string, string>> = () => ({})): FieldResolver {
  return securityResolver(networkConnectionAccessors(volumesOf), SYSMON3_ONLY_FIELDS, FIELDS_5156);
}
