/**
 * The intrusion inside the demo dataset, as Sysmon and the Security log of the hosts saw
 * it. An attacker uploads an ASPX webshell to WEB01's IIS site, runs commands through it
 * (w3wp.exe → cmd.exe → whoami.exe), reads web.config (which holds the domain account
 * `svc_backup` and its password), makes the webshell download a tool from a public server
 * (w3wp.exe connecting out — what the IIS guide wants logged), runs it, and from it moves
 * to the file server FS01: a few wrong passwords for Administrator, then svc_backup over
 * SMB, the tool copied to ADMIN$ and run as a service — the same file (same SHA256) on a
 * second host, hours later. Both copies call home to the same public address.
 *
 * The story's facts are constants ({@link DEMO_STORY}) for tests and docs; times are fixed
 * offsets into the day, while PIDs, GUIDs, ports and logon IDs follow the seed. Process
 * creations, ends and connections here are Sysmon events; their Security twins (4688,
 * 4689, 5156) come from security-log.ts like the background's. The Security events with
 * no Sysmon twin (logons, explicit credentials, share access, service install) are here.
 * Names and hashes are invented; the public addresses are arbitrary examples, not known
 * indicators.
 */
import type { Event, EventValue } from '../event/index.js';
import { FLEET_DOMAIN, sysmonProcessGuid, WEBSHELL_ATTACKER_IP, WEBSHELL_HOST, type FleetHost, type FleetImage, type FleetProcess } from './generator.js';
import { ADMIN_PRIVILEGES, badPassword, logon, NETWORK_SUBJECT, subjectOf, targetOf } from './security-log.js';
import { hexPid, securityEvent, shortName, sysmonEvent, utcTime, type Account, type Accounts } from './windows-log.js';

/** The day the demo dataset covers, by default. */
export const DEMO_START = new Date('2024-05-01T00:00:00Z');

const PAYLOAD_SHA256 = '9BEB7C619CE1F9E9349C33D6E347A9DA093E9F9020EDF0CD434F8753D67E1AA8';

/**
 * What happens in the story: hosts, addresses, files, the stolen account, and when each
 * step happens (time of day, UTC, on the dataset's day).
 */
export const DEMO_STORY = {
  webHost: WEBSHELL_HOST,
  lateralHost: `FS01.${FLEET_DOMAIN.dns}`,
  /** Where the webshell is used from (inbound requests to WEB01). */
  attackerIp: WEBSHELL_ATTACKER_IP,
  /** The attacker's server: the webshell downloads the tool from it, and the tool calls home to it. */
  payloadServerIp: '45.77.65.211',
  payloadServerPort: 443,
  webshellPath: 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\errorPage.aspx',
  payload: {
    webPath: 'C:\\Users\\Public\\svch0st.exe',
    lateralPath: 'C:\\Windows\\svch0st.exe',
    sha256: PAYLOAD_SHA256,
    /** Sysmon 1 `Hashes` of the tool on both hosts (HashAlgorithms=*). */
    hashes: `SHA1=2F446E6C5BA8D964C7F7D0130440B1B3113B82D5,MD5=9A491B5EDF2BC05212CCE424D6DA74B2,SHA256=${PAYLOAD_SHA256},IMPHASH=7A23859A56729AB2710938C723DC1095`,
    service: 'WinSvcUpd',
  },
  /** The domain account whose password web.config held. */
  account: { name: 'svc_backup', sid: `${FLEET_DOMAIN.sid}-1131` },
  /** The account the attacker guessed at first. */
  guessedAccount: 'Administrator',
  steps: {
    /** The webshell is written by w3wp.exe (Sysmon 11) after a request from the attacker. */
    upload: '10:41:07.412',
    /** w3wp.exe → cmd.exe → whoami.exe. */
    recon: '10:44:52.108',
    /** w3wp.exe → cmd.exe /c type web.config. */
    readConfig: '10:47:30.655',
    /** w3wp.exe connects out to the payload server, then writes the tool. */
    download: '10:52:18.330',
    /** w3wp.exe → cmd.exe → svch0st.exe on WEB01. */
    runOnWeb: '10:53:04.871',
    /** Three failed network logons as Administrator on FS01 (4625). */
    guessPasswords: '13:18:40.220',
    /** svc_backup logs on to FS01 from WEB01 (4624 type 3), the tool is copied to ADMIN$. */
    lateralLogon: '13:20:14.503',
    /** services.exe → svch0st.exe on FS01. */
    runOnLateral: '13:20:17.090',
    /** svc_backup's network session on FS01 ends (4634). */
    logoff: '13:21:02.744',
  },
} as const;

/** A step of {@link DEMO_STORY}. */
export type StoryStep = keyof typeof DEMO_STORY.steps;

/**
 * When a step happens (epoch ms) on the day that starts at `start`.
 *
 * @example
 * new Date(storyTime('recon')).toISOString() // '2024-05-01T10:44:52.108Z'
 */
export function storyTime(step: StoryStep, start: Date = DEMO_START): number {
  const [h, m, s] = DEMO_STORY.steps[step].split(':').map(Number);
  return start.getTime() + ((h * 60 + m) * 60 + s) * 1000;
}

/** A process of the story: its identity and the file behind it. */
interface StoryProcess extends FleetProcess {
  readonly file: FleetImage;
  readonly currentDirectory: string;
  readonly sessionId: number;
}

/** The tool as Sysmon describes it: no version resource, so `-` everywhere. */
const PAYLOAD_FILE = (image: string): FleetImage => ({
  image, fileVersion: '-', description: '-', product: '-', company: '-', originalFileName: '-', hashes: DEMO_STORY.payload.hashes,
});

/** One host's part of the story: fresh PIDs, process GUIDs and ports that the background does not use. */
class Scene {
  private counter: number;
  readonly sysmon: Event[] = [];
  readonly security: Event[] = [];

  constructor(readonly host: FleetHost, private readonly rand: () => number, private readonly usedPids: Set<number>) {
    this.counter = 0xe000 + Math.floor(rand() * 0x800);
  }

  port(): number { return 49152 + Math.floor(this.rand() * 16383); }

  running(key: string): FleetProcess {
    const p = this.host.running.get(key);
    if (p === undefined) throw new Error(`demo: ${this.host.name} runs no '${key}' process`);
    return p;
  }

  installed(key: string): FleetImage {
    const f = this.host.images.get(key);
    if (f === undefined) throw new Error(`demo: ${this.host.name} has no '${key}' installed`);
    return f;
  }

  /** Sysmon 1 of a new process started by `parent`. */
  start(ms: number, file: FleetImage, commandLine: string, parent: FleetProcess, as: Partial<StoryProcess> = {}): StoryProcess {
    let pid = 0;
    while (pid === 0 || this.usedPids.has(pid)) pid = 4 * (100 + Math.floor(this.rand() * 7400));
    this.usedPids.add(pid);
    const p: StoryProcess = {
      guid: sysmonProcessGuid(this.host, ms, this.counter++), pid, image: file.image, commandLine, user: parent.user, logonId: parent.logonId,
      logonGuid: parent.logonGuid, integrity: parent.integrity, file, currentDirectory: 'C:\\Windows\\system32\\', sessionId: 0, ...as,
    };
    this.sysmon.push(sysmonEvent(this.host, 1, ms, {
      RuleName: '-', UtcTime: utcTime(ms), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, FileVersion: file.fileVersion, Description: file.description,
      Product: file.product, Company: file.company, OriginalFileName: file.originalFileName, CommandLine: p.commandLine, CurrentDirectory: p.currentDirectory,
      User: p.user, LogonGuid: p.logonGuid, LogonId: p.logonId, TerminalSessionId: p.sessionId, IntegrityLevel: p.integrity, Hashes: file.hashes,
      ParentProcessGuid: parent.guid, ParentProcessId: parent.pid, ParentImage: parent.image, ParentCommandLine: parent.commandLine, ParentUser: parent.user,
    }));
    return p;
  }

  /** Sysmon 5. */
  end(ms: number, p: FleetProcess): void {
    this.sysmon.push(sysmonEvent(this.host, 5, ms, { RuleName: '-', UtcTime: utcTime(ms), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, User: p.user }));
  }

  /** Sysmon 3; for an inbound connection Sysmon puts the remote side in Source. */
  connect(ms: number, p: FleetProcess, initiated: boolean, source: string, sourcePort: number, dest: string, destPort: number): void {
    this.sysmon.push(sysmonEvent(this.host, 3, ms, {
      RuleName: '-', UtcTime: utcTime(ms), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, User: p.user, Protocol: 'tcp', Initiated: initiated,
      SourceIsIpv6: false, SourceIp: source, SourceHostname: '-', SourcePort: sourcePort, SourcePortName: '-', DestinationIsIpv6: false, DestinationIp: dest,
      DestinationHostname: '-', DestinationPort: destPort, DestinationPortName: destPort === 445 ? 'microsoft-ds' : destPort === 443 ? 'https' : '-',
    }));
  }

  /** A request from `client` to the web server's port 443, answered by w3wp.exe (Sysmon 3 inbound, as the fleet logs them). */
  request(ms: number, w3wp: FleetProcess, client: string): void {
    this.connect(ms, w3wp, false, client, this.port(), this.host.ip, 443);
  }

  /** Sysmon 11. */
  createFile(ms: number, p: FleetProcess, path: string): void {
    this.sysmon.push(sysmonEvent(this.host, 11, ms, {
      RuleName: '-', UtcTime: utcTime(ms), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, TargetFilename: path, CreationUtcTime: utcTime(ms), User: p.user,
    }));
  }

  /** Sysmon 13. */
  setValue(ms: number, p: FleetProcess, key: string, details: string): void {
    this.sysmon.push(sysmonEvent(this.host, 13, ms, {
      RuleName: '-', EventType: 'SetValue', UtcTime: utcTime(ms), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.image, TargetObject: key, Details: details, User: p.user,
    }));
  }

  /** A Security event with no Sysmon twin. */
  audit(ms: number, eventId: number, data: Record<string, EventValue>): void {
    this.security.push(securityEvent(this.host, eventId, ms, data));
  }
}

/** The story's events: Sysmon (whose Security twins the dataset derives) and Security events of their own. */
export interface StoryEvents {
  readonly sysmon: Event[];
  readonly security: Event[];
}

/**
 * The intrusion on `hosts` (WEB01 and FS01 must be among them) on the day starting at
 * `start`. `usedPids(host)` are the PIDs the background uses on a host; the story's
 * processes get others. `accounts` names the accounts in Security events.
 *
 * @example
 * const { sysmon, security } = webshellIntrusion(hosts, DEMO_START, prng(7), () => new Set(), new Accounts(hosts));
 */
export function webshellIntrusion(
  hosts: readonly FleetHost[], start: Date, rand: () => number, usedPids: (host: string) => ReadonlySet<number>, accounts: Accounts,
): StoryEvents {
  const hostNamed = (name: string): FleetHost => {
    const h = hosts.find((x) => x.name === name);
    if (h === undefined) throw new Error(`demo: the story needs host ${name}`);
    return h;
  };
  const web = new Scene(hostNamed(DEMO_STORY.webHost), rand, new Set(usedPids(DEMO_STORY.webHost)));
  const fs = new Scene(hostNamed(DEMO_STORY.lateralHost), rand, new Set(usedPids(DEMO_STORY.lateralHost)));
  const at = (step: StoryStep, offsetMs = 0): number => storyTime(step, start) + offsetMs;
  const { attackerIp, payloadServerIp, payloadServerPort, payload } = DEMO_STORY;
  const w3wp = web.running('w3wp');
  const shellDir = 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web';
  const asShell = { currentDirectory: 'c:\\windows\\system32\\inetsrv\\', integrity: 'High' };

  /** One webshell command: a request, cmd.exe /c under w3wp.exe with its console host; returns cmd. */
  const shellCommand = (ms: number, command: string): StoryProcess => {
    web.request(ms - 120, w3wp, attackerIp);
    const cmd = web.start(ms, web.installed('cmd'), `cmd.exe /c "cd /d ${shellDir} & ${command}"`, w3wp, asShell);
    const conhost = web.start(ms + 14, web.installed('conhost'), '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1', cmd, { ...asShell });
    web.end(ms + 330, conhost);
    web.end(ms + 335, cmd);
    return cmd;
  };

  // WEB01: the webshell arrives through an upload form, then takes commands.
  web.request(at('upload'), w3wp, attackerIp);
  web.createFile(at('upload', 180), w3wp, DEMO_STORY.webshellPath);
  const recon = shellCommand(at('recon'), 'whoami');
  const whoami = web.start(at('recon', 41), web.installed('whoami'), 'whoami', recon, { currentDirectory: `${shellDir}\\`, integrity: 'High' });
  web.end(at('recon', 260), whoami);
  shellCommand(at('readConfig'), 'type C:\\inetpub\\wwwroot\\web.config');

  // The webshell downloads the tool: w3wp.exe itself connects out.
  web.request(at('download', -150), w3wp, attackerIp);
  web.connect(at('download'), w3wp, true, web.host.ip, web.port(), payloadServerIp, payloadServerPort);
  web.createFile(at('download', 900), w3wp, payload.webPath);

  // ... and runs it; it calls home.
  const launcher = shellCommand(at('runOnWeb'), `start /b ${payload.webPath}`);
  const tool = web.start(at('runOnWeb', 55), PAYLOAD_FILE(payload.webPath), payload.webPath, launcher, { currentDirectory: `${shellDir}\\`, integrity: 'High' });
  web.connect(at('runOnWeb', 2100), tool, true, web.host.ip, web.port(), payloadServerIp, payloadServerPort);

  // From the tool on WEB01 to FS01 over SMB: wrong passwords first, then svc_backup's.
  const system = fs.running('system');
  /** An SMB connection from the tool to FS01, seen on both ends; returns WEB01's port, which the logons on it name. */
  const smb = (ms: number): string => {
    const port = web.port();
    web.connect(ms - 3, tool, true, web.host.ip, port, fs.host.ip, 445);
    fs.connect(ms, system, false, web.host.ip, port, fs.host.ip, 445);
    return String(port);
  };
  const guessPort = smb(at('guessPasswords', -50));
  for (const offset of [0, 7_310, 15_870]) {
    fs.audit(at('guessPasswords', offset), 4625, badPassword(NETWORK_SUBJECT, DEMO_STORY.guessedAccount, FLEET_DOMAIN.netbios, 3, {
      LogonProcessName: 'NtLmSsp ', AuthenticationPackageName: 'NTLM', WorkstationName: shortName(web.host), ProcessId: '0x0', ProcessName: '-',
      IpAddress: web.host.ip, IpPort: guessPort,
    }));
  }
  const stolen: Account = { sid: DEMO_STORY.account.sid, name: DEMO_STORY.account.name, domain: FLEET_DOMAIN.netbios, logonId: '0x0' };
  web.audit(at('lateralLogon', -30), 4648, {
    ...subjectOf(accounts.of(tool.user, web.host)),
    LogonGuid: '{00000000-0000-0000-0000-000000000000}', TargetUserName: stolen.name, TargetDomainName: stolen.domain,
    TargetLogonGuid: '{00000000-0000-0000-0000-000000000000}', TargetServerName: fs.host.name, TargetInfo: fs.host.name,
    ProcessId: hexPid(tool.pid), ProcessName: tool.image, IpAddress: fs.host.ip, IpPort: '445',
  });
  const sessionPort = smb(at('lateralLogon', -10));
  const session: Account = { ...stolen, logonId: '0x' + (0x2000000 + Math.floor(rand() * 0xffffff)).toString(16) };
  fs.audit(at('lateralLogon'), 4624, logon(NETWORK_SUBJECT, session, 3, {
    LogonProcessName: 'NtLmSsp ', AuthenticationPackageName: 'NTLM', WorkstationName: shortName(web.host), ProcessId: '0x0', ProcessName: '-',
    IpAddress: web.host.ip, IpPort: sessionPort, ElevatedToken: '%%1842', LmPackageName: 'NTLM V2', KeyLength: 128,
  }));
  fs.audit(at('lateralLogon', 1), 4672, { ...subjectOf(session), PrivilegeList: ADMIN_PRIVILEGES });
  const share = { ...subjectOf(session), ObjectType: 'File', IpAddress: web.host.ip, IpPort: sessionPort, ShareName: '\\\\*\\ADMIN$', ShareLocalPath: '\\??\\C:\\Windows' };
  fs.audit(at('lateralLogon', 40), 5140, { ...share, AccessMask: '0x1', AccessList: '%%4416\r\n\t\t\t\t' });
  fs.audit(at('lateralLogon', 60), 5145, { ...share, RelativeTargetName: 'svch0st.exe', AccessMask: '0x2', AccessList: '%%4417\r\n\t\t\t\t', AccessReason: '-' });
  fs.createFile(at('lateralLogon', 75), system, payload.lateralPath);

  // A service runs the copy as SYSTEM.
  const services = fs.running('services');
  fs.audit(at('lateralLogon', 1100), 4697, {
    ...subjectOf(session), ServiceName: payload.service, ServiceFileName: payload.lateralPath, ServiceType: '0x10', ServiceStartType: 3, ServiceAccount: 'LocalSystem',
    // The request came over RPC from WEB01: no local client process.
    ClientProcessStartKey: '0', ClientProcessId: '0', ParentProcessId: '0',
  });
  fs.setValue(at('lateralLogon', 1108), services, `HKLM\\System\\CurrentControlSet\\Services\\${payload.service}\\ImagePath`, payload.lateralPath);
  const copy = fs.start(at('runOnLateral'), PAYLOAD_FILE(payload.lateralPath), payload.lateralPath, services, {
    user: 'NT AUTHORITY\\SYSTEM', logonId: '0x3e7', logonGuid: services.logonGuid, integrity: 'System',
  });
  fs.connect(at('runOnLateral', 1900), copy, true, fs.host.ip, fs.port(), payloadServerIp, payloadServerPort);
  fs.audit(at('logoff'), 4634, { ...targetOf(session), LogonType: 3 });

  return { sysmon: [...web.sysmon, ...fs.sysmon], security: [...web.security, ...fs.security] };
}
