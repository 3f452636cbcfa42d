/**
 * What Sysmon's configuration language knows: event tags and their event IDs, the fields
 * each tag can filter on, the conditions, and the schema version that introduced each.
 * Facts from Microsoft's Sysmon documentation and manifest (shared/specs/windows-events.md §1,
 * "Schema history"); the linter and the simulator read them from here only.
 */

/** One filterable event tag (`<ProcessCreate onmatch=…>`). */
export interface EventTagSpec {
  readonly tag: string;
  /** Sysmon event IDs the tag filters (RegistryEvent covers 12, 13 and 14). */
  readonly eventIds: readonly number[];
  /** Fields a filter may name, in the event's order (RuleName is not filterable). */
  readonly fields: readonly string[];
  /** Schema version that introduced the tag (undefined: present since schema 3.x / 4.0). */
  readonly since?: number;
  /** Whether Sysmon logs the type when the config has no block for it (§1: only 1 and 5). */
  readonly loggedByDefault: boolean;
}

const PROCESS = ['UtcTime', 'ProcessGuid', 'ProcessId', 'Image'] as const;

/** Every event tag, in event ID order. */
export const EVENT_TAGS: readonly EventTagSpec[] = [
  { tag: 'ProcessCreate', eventIds: [1], loggedByDefault: true, fields: [...PROCESS, 'FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId', 'IntegrityLevel', 'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser'] },
  { tag: 'FileCreateTime', eventIds: [2], loggedByDefault: false, fields: [...PROCESS, 'TargetFilename', 'CreationUtcTime', 'PreviousCreationUtcTime', 'User'] },
  { tag: 'NetworkConnect', eventIds: [3], loggedByDefault: false, fields: [...PROCESS, 'User', 'Protocol', 'Initiated', 'SourceIsIpv6', 'SourceIp', 'SourceHostname', 'SourcePort', 'SourcePortName', 'DestinationIsIpv6', 'DestinationIp', 'DestinationHostname', 'DestinationPort', 'DestinationPortName'] },
  { tag: 'ProcessTerminate', eventIds: [5], loggedByDefault: true, fields: [...PROCESS, 'User'] },
  { tag: 'DriverLoad', eventIds: [6], loggedByDefault: false, fields: ['UtcTime', 'ImageLoaded', 'Hashes', 'Signed', 'Signature', 'SignatureStatus'] },
  { tag: 'ImageLoad', eventIds: [7], loggedByDefault: false, fields: [...PROCESS, 'ImageLoaded', 'FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName', 'Hashes', 'Signed', 'Signature', 'SignatureStatus', 'User'] },
  { tag: 'CreateRemoteThread', eventIds: [8], loggedByDefault: false, fields: ['UtcTime', 'SourceProcessGuid', 'SourceProcessId', 'SourceImage', 'TargetProcessGuid', 'TargetProcessId', 'TargetImage', 'NewThreadId', 'StartAddress', 'StartModule', 'StartFunction', 'SourceUser', 'TargetUser'] },
  { tag: 'RawAccessRead', eventIds: [9], loggedByDefault: false, fields: [...PROCESS, 'Device', 'User'] },
  { tag: 'ProcessAccess', eventIds: [10], loggedByDefault: false, fields: ['UtcTime', 'SourceProcessGUID', 'SourceProcessId', 'SourceThreadId', 'SourceImage', 'TargetProcessGUID', 'TargetProcessId', 'TargetImage', 'GrantedAccess', 'CallTrace', 'SourceUser', 'TargetUser'] },
  { tag: 'FileCreate', eventIds: [11], loggedByDefault: false, fields: [...PROCESS, 'TargetFilename', 'CreationUtcTime', 'User'] },
  { tag: 'RegistryEvent', eventIds: [12, 13, 14], loggedByDefault: false, fields: ['EventType', ...PROCESS, 'TargetObject', 'Details', 'NewName', 'User'] },
  { tag: 'FileCreateStreamHash', eventIds: [15], loggedByDefault: false, fields: [...PROCESS, 'TargetFilename', 'CreationUtcTime', 'Hash', 'Contents', 'User'] },
  { tag: 'PipeEvent', eventIds: [17, 18], loggedByDefault: false, fields: ['EventType', ...PROCESS, 'PipeName', 'User'] },
  { tag: 'WmiEvent', eventIds: [19, 20, 21], loggedByDefault: false, fields: ['EventType', 'UtcTime', 'Operation', 'User', 'EventNamespace', 'Name', 'Query', 'Type', 'Destination', 'Consumer', 'Filter'] },
  { tag: 'DnsQuery', eventIds: [22], since: 4.21, loggedByDefault: false, fields: [...PROCESS, 'QueryName', 'QueryStatus', 'QueryResults', 'User'] },
  { tag: 'FileDelete', eventIds: [23], since: 4.3, loggedByDefault: false, fields: [...PROCESS, 'User', 'TargetFilename', 'Hashes', 'IsExecutable', 'Archived'] },
  { tag: 'ClipboardChange', eventIds: [24], since: 4.4, loggedByDefault: false, fields: [...PROCESS, 'Session', 'ClientInfo', 'Hashes', 'Archived', 'User'] },
  { tag: 'ProcessTampering', eventIds: [25], since: 4.5, loggedByDefault: false, fields: [...PROCESS, 'Type', 'User'] },
  { tag: 'FileDeleteDetected', eventIds: [26], since: 4.6, loggedByDefault: false, fields: [...PROCESS, 'User', 'TargetFilename', 'Hashes', 'IsExecutable'] },
  // Sysmon 14 brought 27 and 28 (schema 4.82); 29 came with schema 4.90 (§1, schema history).
  { tag: 'FileBlockExecutable', eventIds: [27], since: 4.82, loggedByDefault: false, fields: [...PROCESS, 'User', 'TargetFilename', 'Hashes'] },
  { tag: 'FileBlockShredding', eventIds: [28], since: 4.82, loggedByDefault: false, fields: [...PROCESS, 'User', 'TargetFilename', 'Hashes', 'IsExecutable'] },
  { tag: 'FileExecutableDetected', eventIds: [29], since: 4.9, loggedByDefault: false, fields: [...PROCESS, 'User', 'TargetFilename', 'Hashes'] },
];

const BY_TAG = new Map(EVENT_TAGS.map((t) => [t.tag.toLowerCase(), t]));
const BY_EVENT_ID = new Map(EVENT_TAGS.flatMap((t) => t.eventIds.map((id) => [id, t] as const)));

/** The tag spec for a tag name (case-insensitive), or undefined. */
export function eventTag(tag: string): EventTagSpec | undefined {
  return BY_TAG.get(tag.toLowerCase());
}

/** The tag that filters a Sysmon event ID (12 → RegistryEvent), or undefined (4, 16, 255 are not filterable). */
export function tagOfEventId(eventId: number): EventTagSpec | undefined {
  return BY_EVENT_ID.get(eventId);
}

/** Fields introduced after the tag itself, with their schema version (§1 schema history). */
export const FIELD_SINCE: Readonly<Record<string, number>> = { OriginalFileName: 4.21, ParentUser: 4.8 };

/** Every filter condition, lowercase as Sysmon compares them, with the schema version that introduced it. */
export const CONDITIONS = {
  'is': undefined,
  'is not': undefined,
  'contains': undefined,
  'excludes': undefined,
  'begin with': undefined,
  'end with': undefined,
  'less than': undefined,
  'more than': undefined,
  'image': undefined,
  'contains any': 4.22,
  'contains all': 4.22,
  'excludes any': 4.23,
  'excludes all': 4.23,
  'is any': 4.31,
  'not begin with': 4.7,
  'not end with': 4.7,
} as const satisfies Readonly<Record<string, number | undefined>>;

/** A filter condition name (lowercase key of {@link CONDITIONS}). */
export type Condition = keyof typeof CONDITIONS;

/** The canonical condition for a `condition` attribute (case and spacing forgiven), or undefined. */
export function conditionOf(raw: string): Condition | undefined {
  const c = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  return Object.hasOwn(CONDITIONS, c) ? (c as Condition) : undefined;
}

/** Schema versions that introduced config elements (§1 schema history). */
export const ELEMENT_SINCE = { ruleName: 4.1, ruleGroup: 4.2, rule: 4.22 } as const;

/**
 * A `schemaversion` attribute as a number. Sysmon writes versions as decimals, and they
 * order as decimals: 4.1 < 4.2 < 4.21 < 4.22 < 4.3 (= "4.30") < 4.9 (= "4.90").
 */
export function schemaNumber(raw: string): number | null {
  return /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : null;
}
