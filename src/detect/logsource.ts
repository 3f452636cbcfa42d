/**
 * Sigma log sources → the event-log channels Haetae reads: each rule's `logsource:` becomes
 * one or more {@link LogSourceTarget}s, each a channel + provider + event IDs with its own
 * field mapping. Never event IDs alone: EventID 1 is Sysmon's ProcessCreate only on the
 * Sysmon channel.
 *
 * Source: Sigma taxonomy appendix v2.1.0 (sigma-appendix-taxonomy.md), "Windows Folder"
 * (Category and Service tables). Additions and choices the taxonomy does not make:
 * - `process_creation` also reads Security 4688 and `network_connection` Security 5156,
 *   with Sysmon field names mapped (security-fields.ts). 5157 (a connection the filtering
 *   platform *blocked*) is not a `network_connection`: Sysmon 3 logs connections that
 *   happened, and rules such as "w3wp.exe talks to the internet" would call a blocked
 *   attempt a connection. A user mapping can add it ({@link LogSourceMapping}).
 * - `file_delete` reads Sysmon 23 and 26: the taxonomy table lists 23 only, but 26
 *   (FileDeleteDetected) is the same deletion logged without the archive copy, and a
 *   Sysmon config chooses one or the other; `file_delete_detected` stays 26 alone.
 * - `file_change` is Sysmon 2 (FileCreateTime), as the table says.
 * - Service aliases SigmaHQ rules use but the table lacks: `microsoft-servicebus-client`
 *   (= `servicebus-client`), `smbserver-connectivity`. The `WinEventLog:` prefix of one
 *   kernel-shimengine channel is a Splunk source name, dropped.
 * - `file_access` / `file_rename` come from the ETW provider Microsoft-Windows-Kernel-File,
 *   which writes no event-log channel: no target, the rule is dormant.
 * - No `product` counts as Windows when the category or service is a Windows one.
 */
import { SECURITY_PROVIDER, SYSMON_PROVIDER } from '../event/index.js';
import { defaultResolver, renamingResolver } from './field-access.js';
import { networkConnection5156Resolver, processCreation4688Resolver } from './security-fields.js';
import type { FieldResolver, LogSource, LogSourceTarget } from './types.js';

/** Sysmon's event-log channel. */
export const SYSMON_CHANNEL = 'Microsoft-Windows-Sysmon/Operational';
/** The Security log's channel. */
export const SECURITY_CHANNEL = 'Security';
/** Target name of the Security 4688 mapping of `process_creation`. */
export const SECURITY_4688_TARGET = 'security:4688';
/** Target name of the Security 5156 mapping of `network_connection`. */
export const SECURITY_5156_TARGET = 'security:5156';

/**
 * A user's extra mapping (from haetae.yaml): events of `channel` (and `provider`, and
 * `eventIds` when given) are what `logsource` means; `fields` renames Sigma fields to the
 * event's names (`{ Image: 'NewProcessName' }`). A mapping applies to a rule whose log
 * source has every attribute the mapping's `logsource` names (case-insensitive).
 *
 * @example
 * { logsource: { product: 'windows', category: 'network_connection' }, channel: 'Security',
 *   provider: 'Microsoft-Windows-Security-Auditing', eventIds: [5157] }
 */
export interface LogSourceMapping {
  readonly logsource: LogSource;
  readonly channel: string;
  readonly provider?: string;
  readonly eventIds?: readonly number[];
  readonly fields?: Readonly<Record<string, string>>;
}

/** What a log source maps to; `reason` says why there are no targets (the rule is dormant). */
export interface LogSourceResolution {
  readonly targets: readonly LogSourceTarget[];
  readonly reason?: string;
}

/** Sysmon event IDs per Windows category: taxonomy "Windows Folder / Category". */
const SYSMON_CATEGORIES: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
};

/** A channel, its provider when one is implied, and event IDs (empty: any). */
interface ChannelSpec {
  readonly name: string;
  readonly channel: string;
  readonly provider: string | null;
  readonly eventIds: readonly number[];
  readonly resolve: FieldResolver;
}

const POWERSHELL = 'Microsoft-Windows-PowerShell/Operational';
const POWERSHELL_CORE = 'PowerShellCore/Operational';
const WINDOWS_POWERSHELL = 'Windows PowerShell';

const spec = (name: string, channel: string, eventIds: readonly number[] = [], provider: string | null = null, resolve: FieldResolver = defaultResolver): ChannelSpec =>
  ({ name, channel, provider, eventIds, resolve });

/** Non-Sysmon Windows categories: taxonomy "Category" (PowerShell) plus the Security mappings. */
const OTHER_CATEGORIES: Readonly<Record<string, readonly ChannelSpec[]>> = {
  ps_classic_start: [spec('powershell-classic:400', WINDOWS_POWERSHELL, [400])],
  ps_classic_provider_start: [spec('powershell-classic:600', WINDOWS_POWERSHELL, [600])],
  ps_classic_script: [spec('powershell-classic:800', WINDOWS_POWERSHELL, [800])],
  ps_module: [spec('powershell:4103', POWERSHELL, [4103]), spec('powershell-core:4103', POWERSHELL_CORE, [4103])],
  ps_script: [spec('powershell:4104', POWERSHELL, [4104]), spec('powershell-core:4104', POWERSHELL_CORE, [4104])],
};

/** Extra non-Sysmon targets of Sysmon categories. */
const SECURITY_ALSO: Readonly<Record<string, readonly ChannelSpec[]>> = {
  process_creation: [spec(SECURITY_4688_TARGET, SECURITY_CHANNEL, [4688], SECURITY_PROVIDER, processCreation4688Resolver)],
  network_connection: [spec(SECURITY_5156_TARGET, SECURITY_CHANNEL, [5156], SECURITY_PROVIDER, networkConnection5156Resolver())],
};

/** Windows categories that exist but write no event-log channel. */
const NO_CHANNEL_CATEGORIES: Readonly<Record<string, string>> = {
  file_access: 'the ETW provider Microsoft-Windows-Kernel-File, which writes no event log',
  file_rename: 'the ETW provider Microsoft-Windows-Kernel-File, which writes no event log',
};

/** Channels per Windows service: taxonomy "Windows Folder / Service", plus aliases. */
const SERVICES: Readonly<Record<string, readonly string[]>> = {
  application: ['Application'],
  'application-experience': ['Microsoft-Windows-Application-Experience/Program-Telemetry', 'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant'],
  applocker: ['Microsoft-Windows-AppLocker/MSI and Script', 'Microsoft-Windows-AppLocker/EXE and DLL', 'Microsoft-Windows-AppLocker/Packaged app-Deployment', 'Microsoft-Windows-AppLocker/Packaged app-Execution'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'dns-server': ['DNS Server'],
  'dns-server-analytic': ['Microsoft-Windows-DNS-Server/Analytical'],
  'dns-server-audit': ['Microsoft-Windows-DNS-Server/Audit'],
  'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
  'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'msexchange-management': ['MSExchange Management'],
  ntfs: ['Microsoft-Windows-Ntfs/Operational'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  openssh: ['OpenSSH/Operational'],
  powershell: [POWERSHELL],
  'powershell-classic': [WINDOWS_POWERSHELL],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  security: [SECURITY_CHANNEL],
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  sense: ['Microsoft-Windows-SENSE/Operational'],
  'servicebus-client': ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
  'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbserver-connectivity': ['Microsoft-Windows-SmbServer/Connectivity'],
  sysmon: [SYSMON_CHANNEL],
  system: ['System'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
};

/** Providers implied by a service's channel (Sysmon and Security have one writer each). */
const CHANNEL_PROVIDERS: Readonly<Record<string, string>> = {
  [SYSMON_CHANNEL]: SYSMON_PROVIDER,
  [SECURITY_CHANNEL]: SECURITY_PROVIDER,
};

const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

function toTarget(s: ChannelSpec): LogSourceTarget {
  return { name: s.name, channel: s.channel, provider: s.provider, eventIds: s.eventIds, resolve: s.resolve };
}

function serviceSpecs(service: string): ChannelSpec[] | undefined {
  const channels = own(SERVICES, service);
  if (channels === undefined) return undefined;
  return channels.map((channel, i) => spec(channels.length > 1 ? `${service}:${i + 1}` : service, channel, [], own(CHANNEL_PROVIDERS, channel) ?? null));
}

function categorySpecs(category: string): ChannelSpec[] | undefined {
  const ids = own(SYSMON_CATEGORIES, category);
  if (ids !== undefined) return [spec(`sysmon:${ids.join('/')}`, SYSMON_CHANNEL, ids, SYSMON_PROVIDER), ...(own(SECURITY_ALSO, category) ?? [])];
  const other = own(OTHER_CATEGORIES, category);
  return other === undefined ? undefined : [...other];
}

const describe = (ls: LogSource): string =>
  (['product', 'category', 'service'] as const).filter((k) => ls[k] !== undefined).map((k) => `${k}: ${ls[k]}`).join(', ') || 'an empty logsource';

/** The built-in Windows targets, or why there are none. */
function builtinTargets(ls: LogSource): LogSourceResolution {
  const product = ls.product?.toLowerCase();
  const category = ls.category?.toLowerCase();
  const service = ls.service?.toLowerCase();
  if (product !== undefined && product !== 'windows') return { targets: [], reason: `log source ${describe(ls)} is not a Windows event log` };
  if (category === undefined && service === undefined) {
    return { targets: [], reason: product === 'windows' ? `log source ${describe(ls)} names no category or service: every Windows channel is too broad` : `log source ${describe(ls)} names nothing Haetae reads` };
  }
  const byCategory = category === undefined ? undefined : categorySpecs(category);
  const byService = service === undefined ? undefined : serviceSpecs(service);
  if (category !== undefined) {
    if (byCategory === undefined) {
      const why = own(NO_CHANNEL_CATEGORIES, category);
      return { targets: [], reason: why !== undefined ? `log source ${describe(ls)} comes from ${why}` : `log source ${describe(ls)}: no known event-log channel for category '${category}'` };
    }
    if (service === undefined) return { targets: byCategory.map(toTarget) };
    // Both given: the category's targets on the service's channels.
    if (byService === undefined) return { targets: [], reason: `log source ${describe(ls)}: no known event-log channel for service '${service}'` };
    const channels = new Set(byService.map((s) => s.channel.toLowerCase()));
    const both = byCategory.filter((s) => channels.has(s.channel.toLowerCase()));
    return both.length > 0 ? { targets: both.map(toTarget) } : { targets: [], reason: `log source ${describe(ls)}: the category's channels are not the service's` };
  }
  if (byService === undefined) return { targets: [], reason: `log source ${describe(ls)}: no known event-log channel for service '${service}'` };
  return { targets: byService.map(toTarget) };
}

/** Whether every attribute `pattern` names equals the rule's (case-insensitive). */
function mappingApplies(pattern: LogSource, ls: LogSource): boolean {
  return (['product', 'category', 'service'] as const).every((k) => pattern[k] === undefined || pattern[k]?.toLowerCase() === ls[k]?.toLowerCase());
}

/** A user mapping as a target; field renames read through the default resolver. */
function mappingTarget(m: LogSourceMapping, index: number): LogSourceTarget {
  const ids = m.eventIds ?? [];
  return {
    name: `custom:${m.channel}${ids.length > 0 ? `:${ids.join('/')}` : ''}#${index + 1}`,
    channel: m.channel,
    provider: m.provider ?? null,
    eventIds: ids,
    resolve: m.fields !== undefined ? renamingResolver(m.fields) : defaultResolver,
  };
}

/**
 * The targets a rule's log source maps to: Sysmon categories → the Sysmon channel with
 * their event IDs (plus Security 4688 / 5156 for process creation / network connection),
 * Windows services → their channels (any event ID), PowerShell categories → their
 * channels and IDs. User `extra` mappings whose log source matches are added. No targets
 * (non-Windows or unknown log sources, ETW-only categories) come with a `reason`; the
 * engine marks such rules dormant.
 *
 * @example
 * logSourceTargets({ product: 'windows', category: 'process_creation' }).targets.map((t) => t.name)
 * // ['sysmon:1', 'security:4688']
 * logSourceTargets({ product: 'linux', service: 'auditd' }).reason
 * // 'log source product: linux, service: auditd is not a Windows event log'
 */
export function logSourceTargets(ls: LogSource, extra: readonly LogSourceMapping[] = []): LogSourceResolution {
  const builtin = builtinTargets(ls);
  const custom = extra.flatMap((m, i) => (mappingApplies(m.logsource, ls) ? [mappingTarget(m, i)] : []));
  if (custom.length === 0) return builtin;
  return { targets: [...builtin.targets, ...custom] };
}

/**
 * The fields of `fieldsUsed` that `target` cannot have (its resolver returns null), in
 * order, without repeats. Engine policy (documented here because the compiler and the load
 * report both rely on it): a field that cannot exist reads as absent, so a positive test
 * on it never matches and an OR with other fields still works (`Image|endswith` OR
 * `OriginalFileName` matches 4688 through Image). But when a rule *needs* such a field —
 * in a filter under `not`, or in a selection that is ANDed in — the target would match too
 * much or never; the engine then skips that target and reports
 * `security:4688 target skipped: needs OriginalFileName`.
 *
 * @example
 * missingFields(security4688, ['Image', 'OriginalFileName', 'Hashes']) // ['OriginalFileName', 'Hashes']
 */
export function missingFields(target: LogSourceTarget, fieldsUsed: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of fieldsUsed) {
    if (seen.has(f)) continue;
    seen.add(f);
    if (target.resolve(f) === null) out.push(f);
  }
  return out;
}
