/**
 * The message Windows renders for Security-Auditing events (EvtFormatMessage, the
 * `Message` of log shippers), rebuilt from an event's EventData.
 *
 * Ground truth: the `Message` fields of ../shared/corpus/json/*.json.gz (NXLog exports of
 * Windows 10 / Server hosts), compared line by line with the EventData exported beside
 * them (see security-message.test.ts). Facts that the corpus established:
 * - Lines are CRLF-joined; labels are followed by tabs exactly as in the templates below.
 * - Windows writes `-` itself for empty Security fields; an empty or absent insert (4692
 *   RecoveryServer, null in the export) renders as nothing.
 * - `%%NNNN` tokens anywhere in a value are replaced by their parameter text, except those
 *   Windows cannot resolve: 4688's `%%1936`…`%%1938` stay literal in all 55 corpus messages.
 * - Hex integers print uppercase (`0xC61D9`, `0x1FFFFF`) except pointer-typed fields
 *   (process and handle IDs), which print as in the XML (`0x12d8`).
 */
import type { EventValue } from './event.js';

/** The provider name Security events log under. */
export const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';

const lines = (...l: string[]): string => l.join('\r\n');

/** An account block: `Subject:` (Subject* fields), `New Logon:` (Target* fields) and the like. */
const account = (heading: string, prefix: 'Subject' | 'Target'): string[] => [
  heading,
  `\tSecurity ID:\t\t{${prefix}UserSid}`,
  `\tAccount Name:\t\t{${prefix}UserName}`,
  `\tAccount Domain:\t\t{${prefix}DomainName}`,
  `\tLogon ID:\t\t{${prefix}LogonId}`,
];

/** The subject block most events open with; 4658 and 4662 write `Subject :`. */
const subject = (heading = 'Subject:'): string[] => account(heading, 'Subject');

/** The explanatory paragraphs 4624 and 4627 share after their fields. */
const LOGON_NOTES = [
  'The subject fields indicate the account on the local system which requested the logon. This is most commonly a service such as the Server service, or a local process such as Winlogon.exe or Services.exe.',
  '',
  'The logon type field indicates the kind of logon that occurred. The most common types are 2 (interactive) and 3 (network).',
  '',
  'The New Logon fields indicate the account for whom the new logon was created, i.e. the account that was logged on.',
];
const WFP_APPLICATION = ['Application Information:', '\tProcess ID:\t\t{ProcessID}', '\tApplication Name:\t{Application}'];
const WFP_FILTER = ['Filter Information:', '\tFilter Run-Time ID:\t{FilterRTID}', '\tLayer Name:\t\t{LayerName}', '\tLayer Run-Time ID:\t{LayerRTID}'];
const WFP_CONNECTION = [
  'Network Information:',
  '\tDirection:\t\t{Direction}',
  '\tSource Address:\t\t{SourceAddress}',
  '\tSource Port:\t\t{SourcePort}',
  '\tDestination Address:\t{DestAddress}',
  '\tDestination Port:\t\t{DestPort}',
  '\tProtocol:\t\t{Protocol}',
];

/** The process block shared by the logon and object-access events. */
const PROCESS_INFORMATION = ['Process Information:', '\tProcess ID:\t\t{ProcessId}', '\tProcess Name:\t\t{ProcessName}'];
/** The object block of the object-access events (4656, 4662, 4663, …). */
const OBJECT_HANDLE = [
  'Object:',
  '\tObject Server:\t\t{ObjectServer}',
  '\tObject Type:\t\t{ObjectType}',
  '\tObject Name:\t\t{ObjectName}',
  '\tHandle ID:\t\t{HandleId}',
];

/** The network and share blocks of 5140 and 5145 (with their tab-only line, as in the corpus). */
const SHARE_ACCESS = [
  'Network Information:\t',
  '\tObject Type:\t\t{ObjectType}',
  '\tSource Address:\t\t{IpAddress}',
  '\tSource Port:\t\t{IpPort}',
  '\t',
  'Share Information:',
  '\tShare Name:\t\t{ShareName}',
  '\tShare Path:\t\t{ShareLocalPath}',
];

/** The network and authentication blocks of 4624 (corpus) and 4625 (same layout per Microsoft's docs). */
const LOGON_NETWORK_AND_AUTHENTICATION = [
  'Network Information:',
  '\tWorkstation Name:\t{WorkstationName}',
  '\tSource Network Address:\t{IpAddress}',
  '\tSource Port:\t\t{IpPort}',
  '',
  'Detailed Authentication Information:',
  '\tLogon Process:\t\t{LogonProcessName}',
  '\tAuthentication Package:\t{AuthenticationPackageName}',
  '\tTransited Services:\t{TransmittedServices}',
  '\tPackage Name (NTLM only):\t{LmPackageName}',
  '\tKey Length:\t\t{KeyLength}',
];

/** 4698 (doc-only) shares 4702's layout, which the corpus shows. */
const scheduledTask = (title: string, contentLabel: string, contentField: string): string =>
  lines(
    title, '', ...subject(), '',
    'Task Information:',
    '\tTask Name: \t\t{TaskName}',
    `\t${contentLabel}: \t\t{${contentField}}`,
    '',
    'Other Information:',
    '\tProcessCreationTime: \t\t{ClientProcessStartKey}',
    '\tClientProcessId: \t\t\t{ClientProcessId}',
    '\tParentProcessId: \t\t\t{ParentProcessId}',
    // Windows labels RpcCallClientLocality "FQDN" and never shows the FQDN field (corpus 4702).
    '\tFQDN: \t\t{RpcCallClientLocality}',
    '\t',
  );

/**
 * Message templates by event ID, latest event version. `{Name}` is the EventData field
 * `Name`. Unless marked otherwise, each was checked against every corpus message of its ID.
 */
const TEMPLATES: Readonly<Record<number, string>> = {
  4611: lines(
    'A trusted logon process has been registered with the Local Security Authority.',
    'This logon process will be trusted to submit logon requests.', '', ...subject(), '',
    'Logon Process Name:\t\t{LogonProcessName}',
  ),
  4624: lines(
    'An account was successfully logged on.', '', ...subject(), '',
    'Logon Information:',
    '\tLogon Type:\t\t{LogonType}',
    '\tRestricted Admin Mode:\t{RestrictedAdminMode}',
    '\tVirtual Account:\t\t{VirtualAccount}',
    '\tElevated Token:\t\t{ElevatedToken}',
    '',
    'Impersonation Level:\t\t{ImpersonationLevel}',
    '',
    ...account('New Logon:', 'Target'),
    '\tLinked Logon ID:\t\t{TargetLinkedLogonId}',
    '\tNetwork Account Name:\t{TargetOutboundUserName}',
    '\tNetwork Account Domain:\t{TargetOutboundDomainName}',
    '\tLogon GUID:\t\t{LogonGuid}',
    '',
    ...PROCESS_INFORMATION,
    '',
    ...LOGON_NETWORK_AND_AUTHENTICATION,
    '',
    'This event is generated when a logon session is created. It is generated on the computer that was accessed.',
    '',
    ...LOGON_NOTES,
    '',
    'The network fields indicate where a remote logon request originated. Workstation name is not always available and may be left blank in some cases.',
    '',
    'The impersonation level field indicates the extent to which a process in the logon session can impersonate.',
    '',
    'The authentication information fields provide detailed information about this specific logon request.',
    '\t- Logon GUID is a unique identifier that can be used to correlate this event with a KDC event.',
    '\t- Transited services indicate which intermediate services have participated in this logon request.',
    '\t- Package name indicates which sub-protocol was used among the NTLM protocols.',
    '\t- Key length indicates the length of the generated session key. This will be 0 if no session key was requested.',
  ),
  // Not corpus-verified: from Microsoft's 4625 documentation and the 4624 layout the corpus shows.
  4625: lines(
    'An account failed to log on.', '', ...subject(), '',
    'Logon Type:\t\t\t{LogonType}',
    '',
    'Account For Which Logon Failed:',
    '\tSecurity ID:\t\t{TargetUserSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '',
    'Failure Information:',
    '\tFailure Reason:\t\t{FailureReason}',
    '\tStatus:\t\t\t{Status}',
    '\tSub Status:\t\t{SubStatus}',
    '',
    'Process Information:',
    '\tCaller Process ID:\t{ProcessId}',
    '\tCaller Process Name:\t{ProcessName}',
    '',
    ...LOGON_NETWORK_AND_AUTHENTICATION,
    '',
    'This event is generated when a logon request fails. It is generated on the computer where access was attempted.',
    '',
    'The Subject fields indicate the account on the local system which requested the logon. This is most commonly a service such as the Server service, or a local process such as Winlogon.exe or Services.exe.',
    '',
    'The Logon Type field indicates the kind of logon that was requested. The most common types are 2 (interactive) and 3 (network).',
    '',
    'The Process Information fields indicate which account and process on the system requested the logon.',
    '',
    'The Network Information fields indicate where a remote logon request originated. Workstation name is not always available and may be left blank in some cases.',
    '',
    'The authentication information fields provide detailed information about this specific logon request.',
    '\t- Transited services indicate which intermediate services have participated in this logon request.',
    '\t- Package name indicates which sub-protocol was used among the NTLM protocols.',
    '\t- Key length indicates the length of the generated session key. This will be 0 if no session key was requested.',
  ),
  4627: lines(
    'Group membership information.', '', ...subject(), '',
    'Logon Type:\t\t\t{LogonType}',
    '',
    ...account('New Logon:', 'Target'),
    '',
    'Event in sequence:\t\t{EventIdx} of {EventCountTotal}',
    '',
    // GroupMembership starts with its own CRLF and tabs, one `%{SID}` per line.
    'Group Membership:\t\t\t{GroupMembership}',
    '',
    ...LOGON_NOTES,
    '',
    'This event is generated when the Audit Group Membership subcategory is configured.  The Logon ID field can be used to correlate this event with the corresponding user logon event as well as to any other security audit events generated during this logon session.',
  ),
  4634: lines(
    'An account was logged off.', '',
    'Subject:',
    '\tSecurity ID:\t\t{TargetUserSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '\tLogon ID:\t\t{TargetLogonId}',
    '',
    'Logon Type:\t\t\t{LogonType}',
    '',
    'This event is generated when a logon session is destroyed. It may be positively correlated with a logon event using the Logon ID value. Logon IDs are only unique between reboots on the same computer.',
  ),
  4648: lines(
    'A logon was attempted using explicit credentials.', '', ...subject(),
    '\tLogon GUID:\t\t{LogonGuid}',
    '',
    'Account Whose Credentials Were Used:',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '\tLogon GUID:\t\t{TargetLogonGuid}',
    '',
    'Target Server:',
    '\tTarget Server Name:\t{TargetServerName}',
    '\tAdditional Information:\t{TargetInfo}',
    '',
    ...PROCESS_INFORMATION,
    '',
    'Network Information:',
    '\tNetwork Address:\t{IpAddress}',
    '\tPort:\t\t\t{IpPort}',
    '',
    // U+2019 (right single quotation mark), as Windows writes it.
    'This event is generated when a process attempts to log on an account by explicitly specifying that account\u2019s credentials.  This most commonly occurs in batch-type configurations such as scheduled tasks, or when using the RUNAS command.',
  ),
  4656: lines(
    'A handle to an object was requested.', '', ...subject(), '',
    ...OBJECT_HANDLE,
    '\tResource Attributes:\t{ResourceAttributes}',
    '',
    ...PROCESS_INFORMATION,
    '',
    'Access Request Information:',
    '\tTransaction ID:\t\t{TransactionId}',
    '\tAccesses:\t\t{AccessList}',
    '\tAccess Reasons:\t\t{AccessReason}',
    '\tAccess Mask:\t\t{AccessMask}',
    '\tPrivileges Used for Access Check:\t{PrivilegeList}',
    '\tRestricted SID Count:\t{RestrictedSidCount}',
  ),
  4658: lines(
    'The handle to an object was closed.', '', ...subject('Subject :'), '',
    'Object:',
    '\tObject Server:\t\t{ObjectServer}',
    '\tHandle ID:\t\t{HandleId}',
    '',
    ...PROCESS_INFORMATION,
  ),
  4662: lines(
    'An operation was performed on an object.', '', ...subject('Subject :'), '',
    ...OBJECT_HANDLE,
    '',
    'Operation:',
    '\tOperation Type:\t\t{OperationType}',
    '\tAccesses:\t\t{AccessList}',
    '\tAccess Mask:\t\t{AccessMask}',
    '\tProperties:\t\t{Properties}',
    '',
    'Additional Information:',
    '\tParameter 1:\t\t{AdditionalInfo}',
    '\tParameter 2:\t\t{AdditionalInfo2}',
  ),
  4663: lines(
    'An attempt was made to access an object.', '', ...subject(), '',
    ...OBJECT_HANDLE,
    '\tResource Attributes:\t{ResourceAttributes}',
    '',
    ...PROCESS_INFORMATION,
    '',
    'Access Request Information:',
    '\tAccesses:\t\t{AccessList}',
    '\tAccess Mask:\t\t{AccessMask}',
  ),
  4670: lines(
    'Permissions on an object were changed.', '', ...subject(), '',
    'Object:',
    '\tObject Server:\t{ObjectServer}',
    '\tObject Type:\t{ObjectType}',
    '\tObject Name:\t{ObjectName}',
    '\tHandle ID:\t{HandleId}',
    '',
    'Process:',
    '\tProcess ID:\t{ProcessId}',
    '\tProcess Name:\t{ProcessName}',
    '',
    'Permissions Change:',
    '\tOriginal Security Descriptor:\t{OldSd}',
    '\tNew Security Descriptor:\t{NewSd}',
  ),
  4672: lines('Special privileges assigned to new logon.', '', ...subject(), '', 'Privileges:\t\t{PrivilegeList}'),
  4673: lines(
    'A privileged service was called.', '', ...subject(), '',
    'Service:',
    '\tServer:\t{ObjectServer}',
    '\tService Name:\t{Service}',
    '',
    'Process:',
    '\tProcess ID:\t{ProcessId}',
    '\tProcess Name:\t{ProcessName}',
    '',
    'Service Request Information:',
    '\tPrivileges:\t\t{PrivilegeList}',
  ),
  4688: lines(
    'A new process has been created.', '', ...subject('Creator Subject:'), '',
    'Target Subject:',
    '\tSecurity ID:\t\t{TargetUserSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '\tLogon ID:\t\t{TargetLogonId}',
    '',
    'Process Information:',
    '\tNew Process ID:\t\t{NewProcessId}',
    '\tNew Process Name:\t{NewProcessName}',
    '\tToken Elevation Type:\t{TokenElevationType}',
    '\tMandatory Label:\t\t{MandatoryLabel}',
    '\tCreator Process ID:\t{ProcessId}',
    '\tCreator Process Name:\t{ParentProcessName}',
    '\tProcess Command Line:\t{CommandLine}',
    '',
    'Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.',
    '',
    'Type 1 is a full token with no privileges removed or groups disabled.  A full token is only used if User Account Control is disabled or if the user is the built-in Administrator account or a service account.',
    '',
    'Type 2 is an elevated token with no privileges removed or groups disabled.  An elevated token is used when User Account Control is enabled and the user chooses to start the program using Run as administrator.  An elevated token is also used when an application is configured to always require administrative privilege or to always require maximum privilege, and the user is a member of the Administrators group.',
    '',
    'Type 3 is a limited token with administrative privileges removed and administrative groups disabled.  The limited token is used when User Account Control is enabled, the application does not require administrative privilege, and the user does not choose to start the program using Run as administrator.',
  ),
  4689: lines(
    'A process has exited.', '', ...subject(), '',
    'Process Information:',
    '\tProcess ID:\t{ProcessId}',
    '\tProcess Name:\t{ProcessName}',
    '\tExit Status:\t{Status}',
  ),
  4690: lines(
    'An attempt was made to duplicate a handle to an object.', '', ...subject(), '',
    'Source Handle Information:',
    '\tSource Handle ID:\t{SourceHandleId}',
    '\tSource Process ID:\t{SourceProcessId}',
    '',
    'New Handle Information:',
    '\tTarget Handle ID:\t{TargetHandleId}',
    '\tTarget Process ID:\t{TargetProcessId}',
  ),
  4692: lines(
    'Backup of data protection master key was attempted.', '', ...subject(), '',
    'Key Information:',
    '\tKey Identifier:\t{MasterKeyId}',
    '\tRecovery Server:\t{RecoveryServer}',
    '\tRecovery Key ID:\t{RecoveryKeyId}',
    '',
    'Status Information:',
    '\tStatus Code:\t{FailureReason}',
  ),
  4695: lines(
    'Unprotection of auditable protected data was attempted.', '', ...subject(), '',
    'Protected Data:',
    // Swapped on purpose: the corpus event has MasterKeyId "Edge" under Data Description
    // and DataDescription (a GUID) under Key Identifier.
    '\tData Description:\t{MasterKeyId}',
    '\tKey Identifier:\t{DataDescription}',
    '\tProtected Data Flags:\t{ProtectedDataFlags}',
    '\tProtection Algorithms:\t{CryptoAlgorithms}',
    '',
    'Status Information:',
    '\tStatus Code:\t{FailureReason}',
  ),
  4697: lines(
    'A service was installed in the system.', '', ...subject(), '',
    'Service Information:',
    '\tService Name: \t\t{ServiceName}',
    '\tService File Name:\t{ServiceFileName}',
    '\tService Type: \t\t{ServiceType}',
    '\tService Start Type:\t{ServiceStartType}',
    '\tService Account: \t\t{ServiceAccount}',
  ),
  // Not corpus-verified: Microsoft's 4698 documentation, laid out like the corpus' 4702.
  4698: scheduledTask('A scheduled task was created.', 'Task Content', 'TaskContent'),
  4702: scheduledTask('A scheduled task was updated.', 'Task New Content', 'TaskContentNew'),
  4703: lines(
    'A token right was adjusted.', '', ...subject(), '',
    'Target Account:',
    '\tSecurity ID:\t\t{TargetUserSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '\tLogon ID:\t\t{TargetLogonId}',
    '',
    ...PROCESS_INFORMATION,
    '',
    'Enabled Privileges:',
    '\t\t\t{EnabledPrivilegeList}',
    '',
    'Disabled Privileges:',
    '\t\t\t{DisabledPrivilegeList}',
  ),
  // Not corpus-verified: Microsoft's 4720 documentation (labels and field order); tabs follow
  // the conventions of the corpus-verified templates.
  4720: lines(
    'A user account was created.', '', ...subject(), '',
    'New Account:',
    '\tSecurity ID:\t\t{TargetSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '',
    'Attributes:',
    '\tSAM Account Name:\t{SamAccountName}',
    '\tDisplay Name:\t\t{DisplayName}',
    '\tUser Principal Name:\t{UserPrincipalName}',
    '\tHome Directory:\t\t{HomeDirectory}',
    '\tHome Drive:\t\t{HomePath}',
    '\tScript Path:\t\t{ScriptPath}',
    '\tProfile Path:\t\t{ProfilePath}',
    '\tUser Workstations:\t{UserWorkstations}',
    '\tPassword Last Set:\t{PasswordLastSet}',
    '\tAccount Expires:\t\t{AccountExpires}',
    '\tPrimary Group ID:\t{PrimaryGroupId}',
    '\tAllowed To Delegate To:\t{AllowedToDelegateTo}',
    '\tOld UAC Value:\t\t{OldUacValue}',
    '\tNew UAC Value:\t\t{NewUacValue}',
    '\tUser Account Control:\t{UserAccountControl}',
    '\tUser Parameters:\t{UserParameters}',
    '\tSID History:\t\t{SidHistory}',
    '\tLogon Hours:\t\t{LogonHours}',
    '',
    'Additional Information:',
    '\tPrivileges\t\t{PrivilegeList}',
  ),
  // Not corpus-verified: Microsoft's 4732 documentation; tabs as in the corpus' 4799.
  4732: lines(
    'A member was added to a security-enabled local group.', '', ...subject(), '',
    'Member:',
    '\tSecurity ID:\t\t{MemberSid}',
    '\tAccount Name:\t\t{MemberName}',
    '',
    'Group:',
    '\tSecurity ID:\t\t{TargetSid}',
    '\tGroup Name:\t\t{TargetUserName}',
    '\tGroup Domain:\t\t{TargetDomainName}',
    '',
    'Additional Information:',
    '\tPrivileges:\t\t{PrivilegeList}',
  ),
  4769: lines(
    'A Kerberos service ticket was requested.', '',
    'Account Information:',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '\tLogon GUID:\t\t{LogonGuid}',
    '',
    'Service Information:',
    '\tService Name:\t\t{ServiceName}',
    '\tService ID:\t\t{ServiceSid}',
    '',
    'Network Information:',
    '\tClient Address:\t\t{IpAddress}',
    '\tClient Port:\t\t{IpPort}',
    '',
    'Additional Information:',
    '\tTicket Options:\t\t{TicketOptions}',
    '\tTicket Encryption Type:\t{TicketEncryptionType}',
    '\tFailure Code:\t\t{Status}',
    '\tTransited Services:\t{TransmittedServices}',
    '',
    'This event is generated every time access is requested to a resource such as a computer or a Windows service.  The service name indicates the resource to which access was requested.',
    '',
    'This event can be correlated with Windows logon events by comparing the Logon GUID fields in each event.  The logon event occurs on the machine that was accessed, which is often a different machine than the domain controller which issued the service ticket.',
    '',
    'Ticket options, encryption types, and failure codes are defined in RFC 4120.',
  ),
  4797: lines(
    'An attempt was made to query the existence of a blank password for an account.', '', ...subject(), '',
    'Additional Information:',
    '\tCaller Workstation:\t{Workstation}',
    '\tTarget Account Name:\t{TargetUserName}',
    '\tTarget Account Domain:\t{TargetDomainName}',
  ),
  4798: lines(
    'A user\'s local group membership was enumerated.', '', ...subject(), '',
    'User:',
    '\tSecurity ID:\t\t{TargetSid}',
    '\tAccount Name:\t\t{TargetUserName}',
    '\tAccount Domain:\t\t{TargetDomainName}',
    '',
    'Process Information:',
    '\tProcess ID:\t\t{CallerProcessId}',
    '\tProcess Name:\t\t{CallerProcessName}',
  ),
  4799: lines(
    'A security-enabled local group membership was enumerated.', '', ...subject(), '',
    'Group:',
    '\tSecurity ID:\t\t{TargetSid}',
    '\tGroup Name:\t\t{TargetUserName}',
    '\tGroup Domain:\t\t{TargetDomainName}',
    '',
    'Process Information:',
    '\tProcess ID:\t\t{CallerProcessId}',
    '\tProcess Name:\t\t{CallerProcessName}',
  ),
  // 5140 and 5145 really have tab-only lines and a trailing CRLF (corpus).
  5140: lines(
    'A network share object was accessed.', '\t', ...subject(), '',
    ...SHARE_ACCESS,
    '',
    'Access Request Information:',
    '\tAccess Mask:\t\t{AccessMask}',
    '\tAccesses:\t\t{AccessList}',
    '',
  ),
  5145: lines(
    'A network share object was checked to see whether client can be granted desired access.', '\t', ...subject(), '',
    ...SHARE_ACCESS,
    '\tRelative Target Name:\t{RelativeTargetName}',
    '',
    'Access Request Information:',
    '\tAccess Mask:\t\t{AccessMask}',
    '\tAccesses:\t\t{AccessList}',
    'Access Check Results:',
    '\t{AccessReason}',
    '',
  ),
  5152: lines('The Windows Filtering Platform has blocked a packet.', '', ...WFP_APPLICATION, '', ...WFP_CONNECTION, '', ...WFP_FILTER),
  5156: lines('The Windows Filtering Platform has permitted a connection.', '', ...WFP_APPLICATION, '', ...WFP_CONNECTION, '', ...WFP_FILTER),
  // Not corpus-verified: Microsoft's 5157 documentation; the same fields as 5156.
  5157: lines('The Windows Filtering Platform has blocked a connection.', '', ...WFP_APPLICATION, '', ...WFP_CONNECTION, '', ...WFP_FILTER),
  5158: lines(
    'The Windows Filtering Platform has permitted a bind to a local port.', '', ...WFP_APPLICATION, '',
    'Network Information:',
    '\tSource Address:\t\t{SourceAddress}',
    '\tSource Port:\t\t{SourcePort}',
    '\tProtocol:\t\t{Protocol}',
    '', ...WFP_FILTER,
  ),
  5379: lines(
    'Credential Manager credentials were read.', '', ...subject(),
    '\tRead Operation:\t\t{ReadOperation}',
    '',
    'This event occurs when a user performs a read operation on stored credentials in Credential Manager.',
  ),
};

/**
 * Parameter strings for `%%NNNN` tokens. Every entry was read off the corpus (a field's
 * token aligned with the text in the same event's message) unless marked doc-only.
 * `%%1936`…`%%1938` (4688 TokenElevationType) are absent on purpose: Windows prints them
 * unresolved.
 */
const PARAMETERS: Readonly<Record<number, string>> = {
  // Standard access rights.
  1537: 'DELETE', 1538: 'READ_CONTROL', 1539: 'WRITE_DAC', 1540: 'WRITE_OWNER', 1541: 'SYNCHRONIZE',
  1801: 'Granted by',
  // 4624 impersonation level and yes/no. 1832/1840 doc-only (Microsoft's 4624 documentation).
  1832: 'Identification', 1833: 'Impersonation', 1840: 'Delegation', 1842: 'Yes', 1843: 'No',
  // Doc-only (Microsoft's 4720 documentation).
  1793: '<value not set>', 1794: '<never>', 2080: 'Account Disabled', 2082: '\'Password Not Required\' - Enabled', 2084: '\'Normal Account\' - Enabled',
  // Doc-only (Microsoft's 4625 documentation): failure reasons.
  2304: 'An Error occured during Logon.', 2305: 'The specified user account has expired.', 2306: 'The NetLogon component is not active.',
  2307: 'Account locked out.', 2308: 'The user has not been granted the requested logon type at this machine.',
  2309: 'The specified account\'s password has expired.', 2310: 'Account currently disabled.',
  2311: 'Account logon time restriction violation.', 2312: 'User not allowed to logon at this computer.', 2313: 'Unknown user name or bad password.',
  // File access rights.
  4416: 'ReadData (or ListDirectory)', 4417: 'WriteData (or AddFile)', 4418: 'AppendData (or AddSubdirectory or CreatePipeInstance)',
  4419: 'ReadEA', 4420: 'WriteEA', 4423: 'ReadAttributes', 4424: 'WriteAttributes',
  // Registry key access rights.
  4432: 'Query key value', 4433: 'Set key value', 4434: 'Create sub-key', 4435: 'Enumerate sub-keys', 4436: 'Notify about changes to keys',
  // Process access rights.
  4480: 'Force process termination', 4481: 'Create new thread in process', 4482: 'Set process session ID',
  4483: 'Perform virtual memory operation', 4484: 'Read from process memory', 4485: 'Write to process memory',
  4486: 'Duplicate handle into or out of process', 4487: 'Create a subprocess of process', 4488: 'Set process quotas',
  4489: 'Set process information', 4490: 'Query process information', 4491: 'Set process termination port',
  4492: 'Undefined Access (no effect) Bit 12', 4493: 'Undefined Access (no effect) Bit 13',
  4494: 'Undefined Access (no effect) Bit 14', 4495: 'Undefined Access (no effect) Bit 15',
  // SAM server, domain and user access rights.
  5376: 'ConnectToServer', 5377: 'ShutdownServer', 5378: 'InitializeServer', 5379: 'CreateDomain', 5380: 'EnumerateDomains', 5381: 'LookupDomain',
  5392: 'ReadPasswordParameters', 5393: 'WritePasswordParameters', 5394: 'ReadOtherParameters', 5395: 'WriteOtherParameters',
  5396: 'CreateUser', 5398: 'CreateLocalGroup', 5399: 'GetLocalGroupMembership', 5400: 'ListAccounts', 5401: 'LookupIDs', 5402: 'AdministerServer',
  5440: 'ReadGeneralInformation', 5441: 'ReadPreferences', 5442: 'WritePreferences', 5443: 'ReadLogon', 5444: 'ReadAccount', 5445: 'WriteAccount',
  5446: 'ChangePassword (with knowledge of old password)', 5447: 'SetPassword (without knowledge of old password)',
  5448: 'ListGroups', 5449: 'ReadGroupMembership', 5450: 'ChangeGroupMembership',
  // LSA secret access, Credential Manager read operation.
  5649: 'Query secret value',
  8100: 'Enumerate Credentials',
  // Windows Filtering Platform directions and layers.
  14592: 'Inbound', 14593: 'Outbound', 14597: 'Transport', 14601: 'ICMP Error',
  14608: 'Resource Assignment', 14610: 'Receive/Accept', 14611: 'Connect',
};

/**
 * Fields of pointer type (process and handle IDs): Windows prints them as in the XML,
 * lowercase (`0x12d8`), where other hex integers (logon IDs, access masks, statuses) print
 * uppercase — every hex value in the corpus' messages follows this split.
 */
const POINTER_FIELDS: ReadonlySet<string> = new Set([
  'ProcessId', 'NewProcessId', 'CallerProcessId', 'HandleId', 'SourceHandleId', 'SourceProcessId', 'TargetHandleId', 'TargetProcessId',
]);

const HEX_INT = /^0x[0-9a-f]+$/;

/** An insert as text: empty when absent, hex case as Windows prints the field's type. */
function insertText(name: string, v: EventValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => insertText(name, x)).join(',');
  const s = String(v);
  return HEX_INT.test(s) && !POINTER_FIELDS.has(name) ? '0x' + s.slice(2).toUpperCase() : s;
}

/**
 * Looks a field up by name, then case-insensitively: exporters do not agree on the case of
 * some names (5156's `ProcessID` is `ProcessId` in the corpus' covenant export).
 */
function field(data: Readonly<Record<string, EventValue>>, name: string): EventValue | undefined {
  if (Object.prototype.hasOwnProperty.call(data, name)) return data[name];
  const lower = name.toLowerCase();
  const key = Object.keys(data).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : data[key];
}

/**
 * Windows' formatter rewrites tokens inside an insert: `%%NNNN` becomes its parameter text
 * (unknown numbers stay as written) and `%N` becomes the N-th insert of the event, in the
 * event's own field order (as for Sysmon; see sysmon-message.ts).
 */
function expandTokens(value: string, inserts: readonly string[]): string {
  if (!value.includes('%')) return value;
  return value.replace(/%%(\d+)|%([1-9][0-9]?)/g, (m, param: string | undefined, index: string | undefined) => {
    if (param !== undefined) return PARAMETERS[Number(param)] ?? m;
    const n = Number(index);
    return n <= inserts.length ? inserts[n - 1] : m;
  });
}

/**
 * Renders a Security-Auditing event's message from its EventData, or null for an event ID
 * without a template. Fields are bound by name, so the data's key order does not matter
 * (except for `%N` inside values, which refer to the data's order).
 *
 * @example
 * renderSecurityMessage(5158, { ProcessId: 3260, Application: '\\device\\…\\agent.exe', SourceAddress: '0.0.0.0',
 *   SourcePort: 62779, Protocol: 6, FilterRTID: 0, LayerName: '%%14608', LayerRTID: 36 })
 * // 'The Windows Filtering Platform has permitted a bind to a local port.\r\n\r\nApplication Information:\r\n\tProcess ID:\t\t3260\r\n…\tLayer Name:\t\tResource Assignment\r\n…'
 */
export function renderSecurityMessage(eventId: number, data: Readonly<Record<string, EventValue>>): string | null {
  const template = TEMPLATES[eventId];
  if (template === undefined) return null;
  const inserts = Object.keys(data).map((k) => insertText(k, data[k]));
  return template.replace(/\{([A-Za-z0-9]+)\}/g, (_m, name: string) => expandTokens(insertText(name, field(data, name)), inserts));
}

/** A Security message parsed back into its event ID and fields. */
export interface ParsedSecurityMessage {
  readonly eventId: number;
  /** Fields in template order, as text; `%%` parameter texts turned back into their tokens. */
  readonly data: Record<string, string>;
}

interface CompiledTemplate { readonly id: number; readonly pattern: RegExp; readonly fields: readonly string[] }

let byFirstLine: Map<string, CompiledTemplate[]> | null = null;
const TOKEN_BY_TEXT = new Map(Object.entries(PARAMETERS).map(([n, t]) => [t, `%%${n}`]));

/** Each template as an anchored pattern, grouped by its (literal) first line; built on first use. */
function compiledTemplates(): Map<string, CompiledTemplate[]> {
  if (byFirstLine !== null) return byFirstLine;
  byFirstLine = new Map();
  for (const [id, template] of Object.entries(TEMPLATES)) {
    const fields: string[] = [];
    const parts = template.split(/\{([A-Za-z0-9]+)\}/);
    let source = '^';
    const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 1) {
        fields.push(parts[i]);
        // A value that ends the message takes everything to the end (5140's access list
        // ends in tabs); others stop at the next literal.
        source += i === parts.length - 2 && parts[i + 1] === '' ? '([\\s\\S]*?)(?:\\r\\n)*' : '([\\s\\S]*?)';
      } else if (i === parts.length - 1) {
        // Trailing whitespace of the template (5145 ends in CRLF, 4702 in a tab line) may
        // have been trimmed from the message.
        const body = parts[i].replace(/\s+$/, '');
        source += escape(body) + (body.length < parts[i].length ? `(?:${escape(parts[i].slice(body.length))})?(?:\\r\\n)*` : '');
      } else source += escape(parts[i]);
    }
    const first = template.slice(0, template.indexOf('\r\n') === -1 ? undefined : template.indexOf('\r\n'));
    const list = byFirstLine.get(first) ?? [];
    list.push({ id: Number(id), pattern: new RegExp(source + '$'), fields });
    byFirstLine.set(first, list);
  }
  return byFirstLine;
}

/**
 * The message templates by event ID (`{Field}` marks an insert), for readers of messages
 * whose whitespace a shipper rewrote (syslog senders put CR, LF and TAB on one line).
 *
 * @example
 * securityMessageTemplates().get(4689)?.split('\r\n')[0] // 'A process has exited.'
 */
export function securityMessageTemplates(): ReadonlyMap<number, string> {
  return new Map(Object.entries(TEMPLATES).map(([id, t]) => [Number(id), t]));
}

/** The first lines of the Security messages Haetae has templates for (each names its event). */
export function securityMessageTitles(): ReadonlySet<string> {
  return new Set(compiledTemplates().keys());
}

/**
 * Parses a Security message (as Windows renders it, e.g. a Logpresso `line` or an NXLog
 * `Message`) back into fields by matching it against the templates. Line ends may be CRLF
 * or LF. Returns null when no template matches.
 *
 * Values come back as the message shows them, except that a whole value equal to a `%%`
 * parameter text becomes the token the event holds (`Outbound` → `%%14593`) and hex
 * numbers take the lower case of the event XML (`0xC61D9` → `0xc61d9`).
 *
 * @example
 * parseSecurityMessage('A process has exited.\r\n\r\nSubject:\r\n…')?.eventId // 4689
 */
export function parseSecurityMessage(message: string): ParsedSecurityMessage | null {
  const text = message.includes('\r\n') ? message : message.replace(/\n/g, '\r\n');
  const nl = text.indexOf('\r\n');
  const candidates = compiledTemplates().get(nl === -1 ? text : text.slice(0, nl));
  if (candidates === undefined) return null;
  for (const t of candidates) {
    const m = t.pattern.exec(text);
    if (m === null) continue;
    const data: Record<string, string> = {};
    t.fields.forEach((name, i) => {
      if (Object.prototype.hasOwnProperty.call(data, name)) return; // a field shown twice (4688's ParentProcessName)
      const v = m[i + 1];
      data[name] = TOKEN_BY_TEXT.get(v) ?? (/^0x[0-9A-F]+$/.test(v) ? v.toLowerCase() : v);
    });
    return { eventId: t.id, data };
  }
  return null;
}
