/**
 * Events of the demo dataset's hosts as Windows writes them: the System fields of Sysmon
 * and Security-Auditing events, EventData typed and ordered by the field catalog, `line`
 * rendered by `renderLine` — the Event the EVTX reader would produce for the record.
 * Also the accounts behind Sysmon's `User` values, as Security events name them.
 * Field facts: ../shared/specs/windows-events.md §2–3 and the corpus' Security exports.
 */
import { renderLine, SECURITY_PROVIDER, typedData, type Event, type EventValue } from '../event/index.js';
import { SYSMON } from './dataset.js';
import { FLEET_DOMAIN, SYSMON_EVENT_VERSIONS, type FleetHost } from './generator.js';

const SECURITY_GUID = '{54849625-5478-4994-A5BA-3E3B0328C30D}';

/**
 * Version and task (audit subcategory) of the Security events the demo writes, as the
 * corpus shows them (4625 from Microsoft's documentation; 4697 version 1, with the client
 * process fields the corpus' export shows, as Windows Server 2019 and later write it).
 */
const SECURITY_SYSTEM: Readonly<Record<number, { readonly version: number; readonly task: number }>> = {
  4624: { version: 2, task: 12544 }, 4625: { version: 0, task: 12544 }, 4634: { version: 0, task: 12545 }, 4648: { version: 0, task: 12544 },
  4672: { version: 0, task: 12548 }, 4688: { version: 2, task: 13312 }, 4689: { version: 0, task: 13313 }, 4697: { version: 1, task: 12289 },
  4769: { version: 0, task: 14337 }, 5140: { version: 1, task: 12808 }, 5145: { version: 0, task: 12811 }, 5156: { version: 1, task: 12810 },
};

/** Events that lsass.exe logs (System/Execution/@ProcessID); the kernel (PID 4) logs the rest. */
const LOGGED_BY_LSASS: ReadonlySet<number> = new Set([4624, 4625, 4634, 4648, 4672, 4697, 4769]);

/**
 * `_time` as the EVTX reader gives it: ISO 8601 UTC with 7 fractional digits (the 4 below
 * the millisecond from the fraction of `ms`).
 *
 * @example
 * eventTime(Date.parse('2024-05-01T10:41:07.250Z') + 0.5) // '2024-05-01T10:41:07.2505000Z'
 */
export function eventTime(ms: number): string {
  const whole = Math.floor(ms);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(Math.floor((ms - whole) * 10000)).padStart(4, '0')}Z`;
}

/**
 * Sysmon's `UtcTime`: `YYYY-MM-DD HH:MM:SS.mmm`.
 *
 * @example
 * utcTime(Date.parse('2024-05-01T10:41:07.250Z')) // '2024-05-01 10:41:07.250'
 */
export function utcTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().slice(0, 23).replace('T', ' ');
}

/** Epoch ms (with the sub-millisecond digits) of an Event's `_time`. */
export function timeOf(e: Event): number {
  const t = e._time;
  const frac = /\.\d{3}(\d{1,4})/.exec(t)?.[1] ?? '';
  return Date.parse(t.slice(0, 23) + 'Z') + (frac === '' ? 0 : Number(frac.padEnd(4, '0')) / 10000);
}

/** A thread ID that stays the same for the same host and second, as a logging thread would. */
function threadId(host: FleetHost, ms: number, salt: number): number {
  return 4 * (100 + ((Math.floor(ms / 1000) * 31 + host.sysmonPid + salt) % 1900));
}

function finish(e: Event): Event {
  e.data = typedData(e.provider, e.event_id, e.version, e.data, true);
  e.line = renderLine(e);
  return e;
}

/**
 * A Sysmon event on `host`, written a few milliseconds after `ms` (Sysmon's `UtcTime`).
 * The record ID is left for the dataset to number.
 *
 * @example
 * sysmonEvent(web, 11, t, { RuleName: '-', UtcTime: utcTime(t), ProcessGuid, ProcessId, Image, TargetFilename, CreationUtcTime: utcTime(t), User })
 */
export function sysmonEvent(host: FleetHost, eventId: number, ms: number, data: Record<string, EventValue>): Event {
  return finish({
    _time: eventTime(ms + 0.5 + (Math.floor(ms) % 37) / 10), host: host.name, channel: SYSMON.channel, provider: SYSMON.provider, provider_guid: SYSMON.guid,
    event_id: eventId, qualifiers: null, version: SYSMON_EVENT_VERSIONS[eventId] ?? 5, level: 4, task: eventId, opcode: 0, keywords: '0x8000000000000000',
    record_id: null, process_id: host.sysmonPid, thread_id: threadId(host, ms, 0), user_sid: 'S-1-5-18', activity_id: null, related_activity_id: null,
    data, line: '',
  });
}

/**
 * A Security-Auditing event on `host` at `ms`: audit success, or audit failure for 4625.
 *
 * @example
 * securityEvent(fs, 4634, t, { TargetUserSid, TargetUserName, TargetDomainName, TargetLogonId, LogonType: 3 })
 */
export function securityEvent(host: FleetHost, eventId: number, ms: number, data: Record<string, EventValue>): Event {
  const system = SECURITY_SYSTEM[eventId];
  if (system === undefined) throw new Error(`demo: no System fields known for Security event ${eventId}`);
  const lsass = host.running.get('lsass')?.pid ?? 4;
  return finish({
    _time: eventTime(ms), host: host.name, channel: 'Security', provider: SECURITY_PROVIDER, provider_guid: SECURITY_GUID,
    event_id: eventId, qualifiers: null, version: system.version, level: 0, task: system.task, opcode: 0,
    keywords: eventId === 4625 ? '0x8010000000000000' : '0x8020000000000000', record_id: null,
    process_id: LOGGED_BY_LSASS.has(eventId) ? lsass : 4, thread_id: threadId(host, ms, eventId), user_sid: null, activity_id: null, related_activity_id: null,
    data, line: '',
  });
}

/** An account as Security events name it: SID, name, domain, and the logon session it runs in. */
export interface Account {
  readonly sid: string;
  readonly name: string;
  readonly domain: string;
  readonly logonId: string;
}

/** The accounts that Security events write for `Subject`/`Target`, by Sysmon `User` value. */
export class Accounts {
  private readonly domainSids = new Map<string, string>();

  /** `extra`: domain accounts beyond the hosts' users (the story's service account), by name. */
  constructor(hosts: readonly FleetHost[], extra: Readonly<Record<string, string>> = {}) {
    for (const h of hosts) this.domainSids.set(h.user.toLowerCase(), h.userSid);
    for (const [name, sid] of Object.entries(extra)) this.domainSids.set(`${FLEET_DOMAIN.netbios}\\${name}`.toLowerCase(), sid);
  }

  /**
   * The account behind a Sysmon `User` on `host`. Local SYSTEM is written as the machine
   * account (`WEB01$` in domain `CORP`), as in every corpus event of a domain member.
   *
   * @example
   * accounts.of('NT AUTHORITY\\SYSTEM', web) // { sid: 'S-1-5-18', name: 'WEB01$', domain: 'CORP', logonId: '0x3e7' }
   */
  of(user: string, host: FleetHost): Account {
    const slash = user.indexOf('\\');
    const domain = user.slice(0, slash);
    const name = user.slice(slash + 1);
    switch (user.toUpperCase()) {
      case 'NT AUTHORITY\\SYSTEM': return { sid: 'S-1-5-18', name: `${shortName(host)}$`, domain: FLEET_DOMAIN.netbios, logonId: '0x3e7' };
      case 'NT AUTHORITY\\LOCAL SERVICE': return { sid: 'S-1-5-19', name, domain, logonId: '0x3e5' };
      case 'NT AUTHORITY\\NETWORK SERVICE': return { sid: 'S-1-5-20', name, domain, logonId: '0x3e4' };
    }
    // Application pool identities are virtual accounts: S-1-5-82 and the SHA-1 of the
    // lowercased pool name; DefaultAppPool's is well known.
    if (domain.toUpperCase() === 'IIS APPPOOL') return { sid: 'S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415', name, domain, logonId: '0x3e4' };
    const sid = this.domainSids.get(user.toLowerCase());
    if (sid === undefined) throw new Error(`demo: no SID known for account '${user}' on ${host.name}`);
    return { sid, name, domain, logonId: user.toLowerCase() === host.user.toLowerCase() ? host.userLogonId : '0x0' };
  }
}

/**
 * The domain account of a host's machine (`WEB01$`): its SID's last part is derived from
 * the name, so every event names the same machine the same way.
 */
export function machineAccount(host: FleetHost): Account {
  let rid = 0;
  for (const c of shortName(host)) rid = (rid * 31 + c.charCodeAt(0)) % 900;
  return { sid: `${FLEET_DOMAIN.sid}-${1000 + rid}`, name: `${shortName(host)}$`, domain: FLEET_DOMAIN.netbios, logonId: '0x0' };
}

/** `WEB01` of `WEB01.corp.example`. */
export function shortName(host: FleetHost): string {
  const dot = host.name.indexOf('.');
  return dot < 0 ? host.name : host.name.slice(0, dot);
}

/**
 * An image path as the Windows Filtering Platform writes it (5156 `Application`): the NT
 * device path, lowercased (spec §1: `\device\harddiskvolume2\windows\system32\inetsrv\w3wp.exe`).
 * `System` and other names without a drive stay as they are.
 *
 * @example
 * devicePath('C:\\Windows\\System32\\svchost.exe') // '\\device\\harddiskvolume2\\windows\\system32\\svchost.exe'
 */
export function devicePath(image: string): string {
  return /^[A-Za-z]:\\/.test(image) ? `\\device\\harddiskvolume2\\${image.slice(3).toLowerCase()}` : image;
}

/** A process ID as 4688/4689 write it: lowercase hex (`0x2a5c`). */
export function hexPid(pid: number): string {
  return '0x' + pid.toString(16);
}
