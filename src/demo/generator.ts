/**
 * A fast, deterministic generator of realistic Sysmon events at scale, for benchmarks
 * (`npm run bench:query`) and load tests: a simulated fleet whose hosts start, run and
 * end processes, and whose processes connect, resolve names, write files and registry
 * values, open other processes, load DLLs and use pipes — with an IIS webshell intrusion
 * inside (w3wp.exe → cmd.exe → whoami.exe, w3wp.exe → a public IP) so queries find
 * something.
 *
 * Events come in batches from a generator, so 10 million of them stream in bounded memory.
 * Each Event is what the EVTX reader would produce for the record (catalog field order
 * and types, `_time` with 7 fractional digits) with `line` rendered by `renderLine`.
 *
 * Distributions (see fleet-catalog.ts for the values and their sources): the event ID mix
 * {@link EVENT_MIX}; process creations over ~310 programs falling off like a Zipf law;
 * each program's SHA1/MD5/SHA256/IMPHASH fixed per Windows build (3 builds in the fleet),
 * giving about 400 distinct Image+SHA256 pairs; process GUIDs built as Sysmon builds them
 * (machine id, start time, per-boot counter).
 */
import { renderLine, type Event, type EventValue } from '../event/index.js';
import { prng, SYSMON } from './dataset.js';
import {
  FILE_PATHS, FIRST_NAMES, GRANTED_ACCESS, LAST_NAMES, LIBRARIES, MICROSOFT_DOMAINS, PIPE_NAMES, PROGRAMS, REGISTRY_KEYS, REGISTRY_VALUES,
  tailPrograms, WEB_DOMAINS, type Activity, type DomainEntry, type HostRole, type Library, type Program,
} from './fleet-catalog.js';

/** Options for {@link generateSysmonEvents}. */
export interface GeneratorOptions {
  /** Number of events. */
  readonly count: number;
  /** PRNG seed: the same seed and options give the same events. Default 1. */
  readonly seed?: number;
  /** Number of hosts (WEB01, DC01, FS01, then workstations). Default 25. */
  readonly hosts?: number;
  /** Time of the first event. Default 2024-05-01T00:00:00Z. */
  readonly start?: Date;
  /** Time covered by all events, in ms, give or take the random steps' spread. Default one day (86,400,000). */
  readonly spanMs?: number;
  /**
   * Events per yielded batch. Default 1,000: a batch the consumer holds survives the
   * young-generation GC, and 10,000-event batches (~25 MB) made generation 2× slower.
   */
  readonly batchSize?: number;
  /**
   * Whether the webshell story is woven in (default true). The demo dataset turns it off
   * and tells a longer story of its own (story.ts) on the same hosts.
   */
  readonly webshellStory?: boolean;
}

/**
 * Sysmon event ID mix of a busy fleet with a filtering configuration (sysmon-modular's
 * default: ProcessAccess and ImageLoad only for chosen targets). The corpus shows how
 * much the configuration decides: MKT01's verbose lab config logs 63% Sysmon 10 and 17%
 * Sysmon 7; the attack samples are 45% Sysmon 1. Process ends (5) follow starts (1).
 */
export const EVENT_MIX: Readonly<Record<number, number>> = {
  1: 0.14, 3: 0.15, 5: 0.13, 7: 0.08, 10: 0.11, 11: 0.09, 12: 0.04, 13: 0.14, 17: 0.01, 18: 0.01, 22: 0.10,
};

/** The webshell story's attacker address (public; a Tor exit range). */
export const WEBSHELL_ATTACKER_IP = '185.220.101.47';
/** The host of the webshell story. */
export const WEBSHELL_HOST = 'WEB01.corp.example';
/** The fleet's Active Directory domain: DNS name, NetBIOS name, and the domain SID that account SIDs extend. */
export const FLEET_DOMAIN = { dns: 'corp.example', netbios: 'CORP', sid: 'S-1-5-21-3623811015-3361044348-30300820' } as const;
const DOMAIN = FLEET_DOMAIN.dns;
const NETBIOS = FLEET_DOMAIN.netbios;
/** The story repeats every this many events (once in any run of 12 events or more). */
const STORY_EVERY = 1_000_000;
/** First two octets of the networks a public web server's clients come from. */
const CLIENT_NETS = ['73.162', '81.2', '98.207', '176.31', '91.121', '24.48'];

/** System/Version of each Sysmon event ID in the fleet's events: those of a recent Sysmon, as in the corpus. */
export const SYSMON_EVENT_VERSIONS: Readonly<Record<number, number>> = { 1: 5, 3: 5, 5: 3, 7: 3, 10: 3, 11: 2, 12: 2, 13: 2, 17: 1, 18: 1, 22: 5 };
const BUILDS = ['10.0.19041.3803', '10.0.19041.4291', '10.0.20348.2340'] as const;

// ---- text helpers, built once: formatting is most of the generator's own time ----

const HEX4: string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const PAD4: string[] = Array.from({ length: 10000 }, (_, i) => String(i).padStart(4, '0'));

/** FNV-1a of a string: the seed of a value derived from a name (hashes, addresses). */
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** `length` uppercase hex digits derived from `name`: a stable stand-in for a file hash. */
function digest(name: string, length: number): string {
  const r = prng(fnv(name));
  let s = '';
  while (s.length < length) s += HEX4[Math.floor(r() * 65536)];
  return s.slice(0, length).toUpperCase();
}

/** The `Hashes` value as Sysmon writes it with `HashAlgorithms=*`: SHA1, MD5, SHA256, IMPHASH. */
function hashesOf(name: string): string {
  let h = HASHES.get(name);
  if (h === undefined) { h = hashesText(name); HASHES.set(name, h); }
  return h;
}

/** Hashes by file identity: the same file on 25 hosts is derived once. */
const HASHES = new Map<string, string>();

function hashesText(name: string): string {
  return `SHA1=${digest('sha1:' + name, 40)},MD5=${digest('md5:' + name, 32)},SHA256=${digest('sha256:' + name, 64)},IMPHASH=${digest('imphash:' + name, 32)}`;
}

/** Time stamps as text, cached per second: `_time` (7 digits, Z) and Sysmon's `UtcTime` (3 digits). */
class Clock {
  private second = -1;
  private isoPrefix = '';
  private utcPrefix = '';
  private prefix(sec: number): void {
    if (sec === this.second) return;
    this.second = sec;
    this.isoPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
    this.utcPrefix = this.isoPrefix.replace('T', ' ');
  }
  /** `2024-05-01T00:00:01.1234567Z` for `ms` (fractional ms become the last 4 digits). */
  iso(ms: number): string {
    const whole = Math.floor(ms);
    this.prefix(Math.floor(whole / 1000));
    return `${this.isoPrefix}.${PAD3[whole % 1000]}${PAD4[Math.floor((ms - whole) * 10000)]}Z`;
  }
  /** `2024-05-01 00:00:01.123`. */
  utc(ms: number): string {
    const whole = Math.floor(ms);
    this.prefix(Math.floor(whole / 1000));
    return `${this.utcPrefix}.${PAD3[whole % 1000]}`;
  }
}

/** Cumulative weights for picking an index with probability proportional to its weight. */
class WeightedChoice {
  private readonly cumulative: Float64Array;
  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) { sum += Math.max(0, weights[i]); this.cumulative[i] = sum; }
  }
  get total(): number { return this.cumulative.length === 0 ? 0 : this.cumulative[this.cumulative.length - 1]; }
  pick(u: number): number {
    const c = this.cumulative;
    const x = u * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (c[mid] > x) hi = mid; else lo = mid + 1; }
    return lo;
  }
}

const zipf = (n: number, s: number): number[] => Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));

// ---- the fleet ----

/** A program as installed on one host: its resolved path, version, hashes and texts. */
interface InstalledProgram {
  readonly program: Program;
  readonly index: number;
  readonly image: string;
  readonly fileVersion: string;
  readonly hashes: string;
  readonly commandLines: readonly string[];
  readonly currentDirectory: string;
  /** Sysmon 10 CallTrace when this program opens another process. */
  readonly callTrace: string;
  /** `{EXE}` for prefetch file names. */
  readonly exeUpper: string;
}

/** A running process as Sysmon knows it. */
interface Process {
  readonly guid: string;
  readonly pid: number;
  readonly installed: InstalledProgram;
  readonly user: string;
  readonly logonId: string;
  readonly logonGuid: string;
  readonly sessionId: number;
  readonly integrity: string;
  readonly commandLine: string;
  /** When it ends (ms): processes ending first are preferred for Sysmon 5. */
  readonly ends: number;
  /** Positions in the host's lists, for O(1) removal. */
  liveAt: number;
  programAt: number;
}

/** One simulated Windows machine: what {@link FleetHost} tells of it, and the simulation's state. */
interface Host extends Omit<FleetHost, 'images' | 'running'> {
  readonly userFolder: string;
  readonly userLogonGuid: string;
  readonly systemLogonGuid: string;
  readonly sysmonThreads: readonly number[];
  readonly installed: readonly (InstalledProgram | null)[];
  /** Process creations on this host pick programs from this choice (indices into `startable`). */
  readonly starts: WeightedChoice;
  readonly startable: readonly number[];
  /** Running processes by program index (boot processes included). */
  readonly byProgram: Process[][];
  /** Running processes that were started in the log (the ones Sysmon 5 can end). */
  readonly live: Process[];
  readonly pids: Set<number>;
  guidCounter: number;
  recordId: number;
}

/** Programs of the fleet: the catalog's head, then the long tail. */
const ALL_PROGRAMS: readonly Program[] = [...PROGRAMS, ...tailPrograms(250)];
const PROGRAM_INDEX: ReadonlyMap<string, number> = new Map(ALL_PROGRAMS.map((p, i) => [p.key, i]));
const ACTIVITY_KINDS = ['net', 'dns', 'file', 'reg', 'access', 'load', 'pipe'] as const;
type ActivityKind = (typeof ACTIVITY_KINDS)[number];
const ACTIVITY_CHOICE: Readonly<Record<ActivityKind, WeightedChoice>> = Object.fromEntries(
  ACTIVITY_KINDS.map((k) => [k, new WeightedChoice(ALL_PROGRAMS.map((p) => p.activity[k as keyof Activity]))]),
) as Record<ActivityKind, WeightedChoice>;

const fits = (p: Program, role: HostRole): boolean => p.role === undefined || p.role === role;

/**
 * Generates Sysmon events in batches; memory stays bounded whatever `count` is.
 *
 * @example
 * let n = 0;
 * for (const batch of generateSysmonEvents({ count: 1_000_000, seed: 7 })) n += batch.length;
 */
export function* generateSysmonEvents(options: GeneratorOptions): Generator<Event[]> {
  const fleet = new FleetSimulation(options);
  const batchSize = Math.max(1, options.batchSize ?? 1_000);
  while (fleet.remaining > 0) yield fleet.next(Math.min(batchSize, fleet.remaining));
}

/** A program as installed on a fleet host: what Sysmon 1 reports of its file. */
export interface FleetImage {
  readonly image: string;
  readonly fileVersion: string;
  readonly description: string;
  readonly product: string;
  readonly company: string;
  readonly originalFileName: string;
  /** `SHA1=…,MD5=…,SHA256=…,IMPHASH=…`, the same on every host of the same Windows build. */
  readonly hashes: string;
}

/** A process running on a fleet host when the log starts (services.exe, lsass.exe, w3wp.exe …). */
export interface FleetProcess {
  readonly guid: string;
  readonly pid: number;
  readonly image: string;
  readonly commandLine: string;
  readonly user: string;
  readonly logonId: string;
  readonly logonGuid: string;
  readonly integrity: string;
}

/**
 * A host of the fleet as the other logs of the same machine need it (the demo's Security
 * log and intrusion story): its addresses, accounts, installed programs and boot processes.
 */
export interface FleetHost {
  readonly name: string;
  readonly role: HostRole;
  readonly ip: string;
  /** Windows build, e.g. `10.0.20348.2340`. */
  readonly build: string;
  /** First and last groups of this machine's process GUIDs (see {@link sysmonProcessGuid}). */
  readonly machine: string;
  readonly guidTail: string;
  /** The host's interactive or admin user (`CORP\first.last`), its SID and logon. */
  readonly user: string;
  readonly userSid: string;
  readonly userLogonId: string;
  /** Sysmon's own PID (System/Execution/@ProcessID of its events). */
  readonly sysmonPid: number;
  /** Installed programs by catalog key (`cmd`, `whoami`, `conhost` …). */
  readonly images: ReadonlyMap<string, FleetImage>;
  /** Boot processes by catalog key (`services`, `lsass`, `w3wp`, `system` …). */
  readonly running: ReadonlyMap<string, FleetProcess>;
}

/**
 * The hosts {@link generateSysmonEvents} simulates for the same `seed`, `hosts` and `start`.
 *
 * @example
 * const web = fleetHosts({ count: 0, hosts: 5 })[0];
 * web.running.get('w3wp')?.pid // the IIS worker's PID in the generated events
 */
export function fleetHosts(options: GeneratorOptions): FleetHost[] {
  return new FleetSimulation(options).describeHosts();
}

/**
 * A process GUID as Sysmon builds it: `{machine-time low-time high-counter-tail}`, the time
 * in seconds, the counter byte-swapped.
 *
 * @example
 * sysmonProcessGuid({ machine: '1f2e3d4c', guidTail: '000000001a00' }, Date.parse('2024-05-01T10:00:00Z'), 7)
 * // '{1f2e3d4c-12a0-6632-0700-000000001a00}'
 */
export function sysmonProcessGuid(host: { readonly machine: string; readonly guidTail: string }, startMs: number, counter: number): string {
  const seconds = Math.floor(startMs / 1000);
  const c = counter & 0xffff;
  return `{${host.machine}-${HEX4[seconds & 0xffff]}-${HEX4[(seconds >>> 16) & 0xffff]}-${HEX4[((c & 0xff) << 8) | (c >>> 8)]}-${host.guidTail}}`;
}

/** The simulation behind {@link generateSysmonEvents}. */
class FleetSimulation {
  private readonly rand: () => number;
  private readonly clock = new Clock();
  private readonly hosts: Host[];
  private readonly hostChoice: WeightedChoice;
  private readonly eventIds: number[];
  private readonly eventChoice: WeightedChoice;
  private readonly webDomains = new WeightedChoice(zipf(WEB_DOMAINS.length, 1.0));
  private readonly msDomains = new WeightedChoice(zipf(MICROSOFT_DOMAINS.length, 0.8));
  private readonly libraries = new WeightedChoice(zipf(LIBRARIES.length, 0.7));
  private readonly access = new WeightedChoice(GRANTED_ACCESS.map(([, w]) => w));
  private readonly libraryBuilds = new Map<string, { fileVersion: string; hashes: string }>();
  private readonly dcIp: string;
  private readonly meanStep: number;
  private now: number;
  private produced = 0;
  private readonly count: number;
  private readonly storyOffset: number;
  private readonly story: boolean;
  private pending: Event[] = [];

  constructor(options: GeneratorOptions) {
    this.count = Math.max(0, Math.floor(options.count));
    this.rand = prng(options.seed ?? 1);
    this.now = (options.start ?? new Date('2024-05-01T00:00:00Z')).getTime();
    this.meanStep = (options.spanMs ?? 86_400_000) / Math.max(1, this.count);
    this.storyOffset = Math.min(2000, Math.floor(this.count / 3));
    this.story = options.webshellStory ?? true;
    const n = Math.max(1, Math.floor(options.hosts ?? 25));
    this.hosts = Array.from({ length: n }, (_, i) => this.makeHost(i));
    this.dcIp = this.hosts.find((h) => h.role === 'dc')?.ip ?? '10.20.0.10';
    // Servers log more than workstations; workstations fall off slowly (a few busy users).
    this.hostChoice = new WeightedChoice(this.hosts.map((h, i) => (h.role === 'workstation' ? 1 / (1 + 0.05 * i) : h.role === 'dc' ? 4 : 3)));
    this.eventIds = Object.keys(EVENT_MIX).map(Number);
    this.eventChoice = new WeightedChoice(this.eventIds.map((id) => EVENT_MIX[id]));
  }

  get remaining(): number { return this.count - this.produced; }

  /** The next `n` events. */
  next(n: number): Event[] {
    const out: Event[] = [];
    while (out.length < n) {
      if (this.pending.length > 0) { out.push(this.pending.shift()!); continue; }
      const i = this.produced + out.length;
      if (this.story && i % STORY_EVERY === this.storyOffset && this.count - i >= 12 && this.hosts[0].role === 'web') {
        this.webshellStory(this.hosts[0]);
        continue;
      }
      this.advance();
      const host = this.hosts[this.hostChoice.pick(this.rand())];
      out.push(this.event(host, this.eventIds[this.eventChoice.pick(this.rand())]));
    }
    this.produced += out.length;
    return out;
  }

  /** The hosts, as {@link fleetHosts} describes them. */
  describeHosts(): FleetHost[] {
    return this.hosts.map((h) => {
      const images = new Map<string, FleetImage>();
      const running = new Map<string, FleetProcess>();
      for (const inst of h.installed) {
        if (inst === null) continue;
        const p = inst.program;
        images.set(p.key, {
          image: inst.image, fileVersion: inst.fileVersion, description: p.description, product: p.product, company: p.company,
          originalFileName: p.originalFileName, hashes: inst.hashes,
        });
        const boot = h.byProgram[inst.index][0];
        if (p.boot && boot !== undefined) {
          running.set(p.key, {
            guid: boot.guid, pid: boot.pid, image: inst.image, commandLine: boot.commandLine, user: boot.user, logonId: boot.logonId,
            logonGuid: boot.logonGuid, integrity: boot.integrity,
          });
        }
      }
      return {
        name: h.name, role: h.role, ip: h.ip, build: h.build, machine: h.machine, guidTail: h.guidTail, user: h.user, userSid: h.userSid,
        userLogonId: h.userLogonId, sysmonPid: h.sysmonPid, images, running,
      };
    });
  }

  private advance(): void {
    this.now += this.meanStep * 2 * this.rand();
  }

  // ---- hosts ----

  private makeHost(i: number): Host {
    const r = this.rand;
    const role: HostRole = i === 0 ? 'web' : i === 1 ? 'dc' : i === 2 ? 'file' : 'workstation';
    const name = role === 'web' ? WEBSHELL_HOST : role === 'dc' ? `DC01.${DOMAIN}` : role === 'file' ? `FS01.${DOMAIN}` : `WS-${String(i - 2).padStart(4, '0')}.${DOMAIN}`;
    const first = FIRST_NAMES[Math.floor(r() * FIRST_NAMES.length)];
    const last = LAST_NAMES[Math.floor(r() * LAST_NAMES.length)];
    const userFolder = role === 'workstation' ? `${first}.${last}` : `adm.${last}`;
    const build = role === 'workstation' ? BUILDS[Math.floor(r() * 2)] : BUILDS[2];
    const machine = HEX4[Math.floor(r() * 65536)] + HEX4[Math.floor(r() * 65536)];
    const bootSeconds = Math.floor(this.now / 1000) - 3600 - Math.floor(r() * 86400 * 3);
    const userLogonId = 0x20000 + Math.floor(r() * 0xfffff);
    const installed = ALL_PROGRAMS.map((p, index) => (fits(p, role) ? this.install(p, index, build, userFolder) : null));
    const startable = ALL_PROGRAMS.map((_, k) => k).filter((k) => installed[k] !== null && !ALL_PROGRAMS[k].boot && ALL_PROGRAMS[k].starts > 0);
    const host: Host = {
      name, role, ip: `10.20.${1 + Math.floor(i / 230)}.${10 + (i % 230) + (i >= 3 ? 10 : 0)}`, build, machine,
      guidTail: `00000000${HEX4[16 + Math.floor(r() * 240)].slice(2)}00`,
      user: `${NETBIOS}\\${userFolder}`, userFolder,
      userSid: `${FLEET_DOMAIN.sid}-${1100 + Math.floor(r() * 4000)}`,
      userLogonId: '0x' + userLogonId.toString(16), userLogonGuid: this.logonGuid(machine, bootSeconds + 60, userLogonId),
      systemLogonGuid: this.logonGuid(machine, bootSeconds, 0x3e7),
      sysmonPid: 2000 + 4 * Math.floor(r() * 800), sysmonThreads: Array.from({ length: 4 }, () => 1000 + 4 * Math.floor(r() * 2000)),
      installed, startable, starts: new WeightedChoice(startable.map((k) => ALL_PROGRAMS[k].starts)),
      byProgram: ALL_PROGRAMS.map(() => []), live: [], pids: new Set(), guidCounter: 1 + Math.floor(r() * 64), recordId: Math.floor(r() * 500_000),
    };
    // Processes already running when the log starts: the well-known system parents.
    for (let k = 0; k < ALL_PROGRAMS.length; k++) {
      const inst = installed[k];
      if (inst === null || !ALL_PROGRAMS[k].boot) continue;
      const started = bootSeconds + (ALL_PROGRAMS[k].runAs === 'user' ? 60 : ALL_PROGRAMS[k].runAs === 'iis' ? 120 : Math.floor(r() * 20));
      const p = this.makeProcess(host, inst, started * 1000, Infinity, inst.program.key === 'system' ? 4 : undefined);
      host.byProgram[k].push(p);
      p.programAt = 0;
    }
    return host;
  }

  private install(p: Program, index: number, build: string, userFolder: string): InstalledProgram {
    const image = p.path.replaceAll('{user}', userFolder).replaceAll('{build}', build);
    const fileVersion = p.version.replaceAll('{build}', build);
    const id = p.sameOnEveryBuild ? p.key : `${p.key}@${build}`;
    const hashes = p.key === 'system' ? '' : hashesOf(id);
    const commandLines = p.commandLines.map((c) => c.replaceAll('{user}', userFolder).replaceAll('{build}', build).replaceAll('{image}', image));
    const slash = image.lastIndexOf('\\');
    const currentDirectory = p.runAs === 'user' && p.starts > 0 ? `C:\\Users\\${userFolder}\\` : slash > 0 ? image.slice(0, slash + 1) : 'C:\\Windows\\system32\\';
    const off = (k: number): string => (fnv(`${id}:${k}`) % 0xfffff).toString(16);
    const callTrace = `C:\\Windows\\SYSTEM32\\ntdll.dll+${off(1)}|C:\\Windows\\System32\\KERNELBASE.dll+${off(2)}|${image}+${off(3)}|${image}+${off(4)}|C:\\Windows\\System32\\KERNEL32.DLL+17034|C:\\Windows\\SYSTEM32\\ntdll.dll+526a1`;
    return { program: p, index, image, fileVersion, hashes, commandLines, currentDirectory, callTrace, exeUpper: image.slice(slash + 1).toUpperCase() };
  }

  private logonGuid(machine: string, seconds: number, logonId: number): string {
    return `{${machine}-${HEX4[seconds & 0xffff]}-${HEX4[(seconds >>> 16) & 0xffff]}-${HEX4[((logonId & 0xff) << 8) | ((logonId >>> 8) & 0xff)]}-${HEX4[(((logonId >>> 16) & 0xff) << 8) | ((logonId >>> 24) & 0xff)]}00000000}`;
  }

  /** A new process: GUID as Sysmon builds it ({machine-time low-time high-counter LE-tail}), a free PID. */
  private makeProcess(host: Host, inst: InstalledProgram, startMs: number, ends: number, pid?: number): Process {
    const r = this.rand;
    let id = pid ?? 0;
    // Processes started at boot have low PIDs (Windows hands PIDs out from the bottom up).
    const range = ends === Infinity ? 1000 : 7400;
    while (id === 0 || host.pids.has(id)) id = 4 * (100 + Math.floor(r() * range));
    host.pids.add(id);
    host.guidCounter = (host.guidCounter + 1) & 0xffff;
    const guid = sysmonProcessGuid(host, startMs, host.guidCounter);
    const p = inst.program;
    const server = host.role !== 'workstation';
    let user: string, logonId: string, logonGuid: string, sessionId: number;
    switch (p.runAs) {
      case 'user': user = host.user; logonId = host.userLogonId; logonGuid = host.userLogonGuid; sessionId = server ? 2 : 1; break;
      case 'iis': user = 'IIS APPPOOL\\DefaultAppPool'; logonId = '0x3e4'; logonGuid = host.systemLogonGuid.replace('-e703-', '-e403-'); sessionId = 0; break;
      case 'network': user = 'NT AUTHORITY\\NETWORK SERVICE'; logonId = '0x3e4'; logonGuid = host.systemLogonGuid.replace('-e703-', '-e403-'); sessionId = 0; break;
      case 'local': user = 'NT AUTHORITY\\LOCAL SERVICE'; logonId = '0x3e5'; logonGuid = host.systemLogonGuid.replace('-e703-', '-e503-'); sessionId = 0; break;
      default: user = 'NT AUTHORITY\\SYSTEM'; logonId = '0x3e7'; logonGuid = host.systemLogonGuid; sessionId = 0;
    }
    const integrity = p.runAs === 'user' && server ? 'High' : p.integrity;
    const lines = inst.commandLines;
    let commandLine = lines[Math.floor(r() * lines.length)];
    if (commandLine.includes('{n}')) commandLine = commandLine.replaceAll('{n}', String(1 + Math.floor(r() * 9000)));
    return { guid, pid: id, installed: inst, user, logonId, logonGuid, sessionId, integrity, commandLine, ends, liveAt: -1, programAt: -1 };
  }

  /** A running process of a program that does `kind`, on `host` (the busy svchost when none runs). */
  private actor(host: Host, kind: ActivityKind): Process {
    const choice = ACTIVITY_CHOICE[kind];
    for (let tries = 0; tries < 4; tries++) {
      const list = host.byProgram[choice.pick(this.rand())];
      if (list.length > 0) return list[Math.floor(this.rand() * list.length)];
    }
    return host.byProgram[PROGRAM_INDEX.get('svchost-netsvcs')!][0];
  }

  private forget(host: Host, p: Process): void {
    const live = host.live;
    const lastLive = live.pop()!;
    if (lastLive !== p) { live[p.liveAt] = lastLive; lastLive.liveAt = p.liveAt; }
    const list = host.byProgram[p.installed.index];
    const lastOfProgram = list.pop()!;
    if (lastOfProgram !== p) { list[p.programAt] = lastOfProgram; lastOfProgram.programAt = p.programAt; }
    host.pids.delete(p.pid);
  }

  // ---- events ----

  private base(host: Host, eventId: number, ms: number, data: Record<string, EventValue>): Event {
    const e: Event = {
      _time: this.clock.iso(ms + 0.5 + this.rand() * 4), host: host.name, channel: SYSMON.channel, provider: SYSMON.provider, provider_guid: SYSMON.guid,
      event_id: eventId, qualifiers: null, version: SYSMON_EVENT_VERSIONS[eventId], level: 4, task: eventId, opcode: 0, keywords: '0x8000000000000000',
      record_id: ++host.recordId, process_id: host.sysmonPid, thread_id: host.sysmonThreads[host.recordId & 3], user_sid: 'S-1-5-18',
      activity_id: null, related_activity_id: null, data, line: '',
    };
    e.line = renderLine(e);
    return e;
  }

  private event(host: Host, id: number): Event {
    switch (id) {
      case 1: return this.processCreate(host);
      case 5: return this.processTerminate(host);
      case 3: return this.network(host, this.actor(host, 'net'));
      case 22: return this.dns(host, this.actor(host, 'dns'));
      case 11: return this.fileCreate(host, this.actor(host, 'file'));
      case 12: case 13: return this.registry(host, id, this.actor(host, 'reg'));
      case 10: return this.processAccess(host, this.actor(host, 'access'));
      case 7: return this.imageLoad(host, this.actor(host, 'load'));
      default: return this.pipe(host, id, this.actor(host, 'pipe'));
    }
  }

  private parentOf(host: Host, program: Program): Process {
    const keys = [program.parent, host.role === 'workstation' && program.runAs === 'user' ? 'explorer' : 'svchost-netsvcs', 'services'];
    for (const key of keys) {
      const list = host.byProgram[PROGRAM_INDEX.get(key) ?? -1];
      if (list !== undefined && list.length > 0) return list[Math.floor(this.rand() * list.length)];
    }
    return host.byProgram[PROGRAM_INDEX.get('services')!][0];
  }

  /** Sysmon 1; the new process joins the host's running processes. */
  private processCreate(host: Host): Event {
    if (host.live.length > 400) return this.processTerminate(host);
    const inst = host.installed[host.startable[host.starts.pick(this.rand())]]!;
    const parent = this.parentOf(host, inst.program);
    const life = inst.program.lifetime === 'short' ? 200 + this.rand() * 30_000 : 600_000 + this.rand() * 20_000_000;
    const p = this.makeProcess(host, inst, this.now, this.now + life);
    p.liveAt = host.live.length; host.live.push(p);
    const list = host.byProgram[inst.index];
    p.programAt = list.length; list.push(p);
    return this.base(host, 1, this.now, this.processCreateData(p, parent));
  }

  private processCreateData(p: Process, parent: Process): Record<string, EventValue> {
    const inst = p.installed;
    const prog = inst.program;
    return {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid, Image: inst.image, FileVersion: inst.fileVersion,
      Description: prog.description, Product: prog.product, Company: prog.company, OriginalFileName: prog.originalFileName, CommandLine: p.commandLine,
      CurrentDirectory: inst.currentDirectory, User: p.user, LogonGuid: p.logonGuid, LogonId: p.logonId, TerminalSessionId: p.sessionId, IntegrityLevel: p.integrity,
      Hashes: inst.hashes, ParentProcessGuid: parent.guid, ParentProcessId: parent.pid, ParentImage: parent.installed.image, ParentCommandLine: parent.commandLine,
      ParentUser: parent.user,
    };
  }

  /** Sysmon 5: of two running processes, the one due to end first. */
  private processTerminate(host: Host): Event {
    const live = host.live;
    if (live.length === 0) return this.processCreate(host);
    const a = live[Math.floor(this.rand() * live.length)];
    const b = live[Math.floor(this.rand() * live.length)];
    const p = a.ends <= b.ends ? a : b;
    this.forget(host, p);
    return this.terminateEvent(host, p);
  }

  private terminateEvent(host: Host, p: Process): Event {
    return this.base(host, 5, this.now, { RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image, User: p.user });
  }

  private domain(p: Process): DomainEntry {
    return p.installed.program.traffic === 'web' ? WEB_DOMAINS[this.webDomains.pick(this.rand())] : MICROSOFT_DOMAINS[this.msDomains.pick(this.rand())];
  }

  private static addressOf(d: DomainEntry): string {
    const h = fnv(d.name);
    return `${d.prefix}.${(h >>> 8) & 0xff}.${1 + (h & 0xfd)}`;
  }

  private ephemeralPort(): number { return 49152 + Math.floor(this.rand() * 16383); }

  /** Sysmon 3: the web, Microsoft, the domain controller, local multicast, or (servers) inbound clients. */
  private network(host: Host, p: Process): Event {
    const prog = p.installed.program;
    const r = this.rand();
    let protocol = 'tcp', initiated = true, ipv6 = false, src = host.ip, srcPort = this.ephemeralPort(), dst: string, dstPort: number;
    if (prog.key === 'w3wp' || (prog.key === 'system' && host.role === 'file') || prog.key === 'dns-server') {
      // Inbound: Sysmon puts the remote client in Source.
      initiated = false;
      dst = host.ip;
      if (prog.key === 'w3wp') { src = `${CLIENT_NETS[Math.floor(r * CLIENT_NETS.length)]}.${Math.floor(this.rand() * 256)}.${1 + Math.floor(this.rand() * 254)}`; dstPort = 443; }
      else { src = `10.20.1.${23 + Math.floor(this.rand() * 60)}`; dstPort = prog.key === 'dns-server' ? 53 : 445; protocol = prog.key === 'dns-server' ? 'udp' : 'tcp'; }
    } else if (prog.traffic === 'web' || prog.traffic === 'microsoft') {
      dst = FleetSimulation.addressOf(this.domain(p));
      dstPort = r < 0.93 ? 443 : 80;
    } else if (prog.traffic === 'corp' && r < 0.9) {
      const service = Math.floor(this.rand() * 6);
      dst = this.dcIp;
      dstPort = [53, 389, 88, 445, 135, 123][service];
      protocol = service === 0 || service === 5 ? 'udp' : 'tcp';
    } else {
      protocol = 'udp';
      const kind = Math.floor(this.rand() * 4);
      if (kind === 0) { ipv6 = true; src = `fe80::${HEX4[fnv(host.name) & 0xffff]}:${HEX4[fnv(host.machine) & 0xffff]}:${HEX4[host.sysmonPid]}:1c2d`; dst = 'ff02::1:3'; dstPort = 5355; }
      else { dst = ['224.0.0.252', '224.0.0.251', '239.255.255.250'][kind - 1]; dstPort = [5355, 5353, 1900][kind - 1]; }
      srcPort = kind === 3 ? 1900 : this.ephemeralPort();
    }
    return this.base(host, 3, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image, User: p.user, Protocol: protocol,
      Initiated: initiated, SourceIsIpv6: ipv6, SourceIp: src, SourceHostname: '-', SourcePort: srcPort, SourcePortName: '-', DestinationIsIpv6: ipv6,
      DestinationIp: dst, DestinationHostname: '-', DestinationPort: dstPort, DestinationPortName: '-',
    });
  }

  /** Sysmon 22: names resolve to the addresses Sysmon 3 connects to; corp names to the domain controller. */
  private dns(host: Host, p: Process): Event {
    const traffic = p.installed.program.traffic;
    let name: string, status = '0', results: string;
    if (traffic === 'corp' || traffic === 'none') {
      const r = this.rand();
      if (r < 0.08) { name = 'wpad'; status = '9003'; results = '-'; }
      else { name = r < 0.6 ? `DC01.${DOMAIN}` : r < 0.8 ? `FS01.${DOMAIN}` : `_ldap._tcp.dc._msdcs.${DOMAIN}`; results = `::ffff:${name.startsWith('FS01') ? '10.20.1.12' : this.dcIp};`; }
    } else {
      const d = this.domain(p);
      name = d.name;
      results = `${d.cname === null ? '' : `type:  5 ${d.cname};`}::ffff:${FleetSimulation.addressOf(d)};`;
    }
    return this.base(host, 22, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid, QueryName: name, QueryStatus: status, QueryResults: results, Image: p.installed.image,
    });
  }

  private fill(template: string, host: Host, creator: Process): string {
    let s = template;
    if (s.includes('{user}')) s = s.replaceAll('{user}', host.userFolder);
    if (s.includes('{sid}')) s = s.replaceAll('{sid}', host.userSid);
    if (s.includes('{exe}')) { const live = host.live; s = s.replace('{exe}', (live.length > 0 ? live[Math.floor(this.rand() * live.length)] : creator).installed.exeUpper); }
    if (s.includes('{hex}')) s = s.replaceAll('{hex}', HEX4[Math.floor(this.rand() * 65536)].toUpperCase() + HEX4[Math.floor(this.rand() * 65536)].toUpperCase());
    if (s.includes('{n}')) s = s.replaceAll('{n}', String(Math.floor(this.rand() * 10000)));
    return s;
  }

  /** Sysmon 11: prefetch files from svchost, scan history from Defender, caches and temp files from the rest. */
  private fileCreate(host: Host, p: Process): Event {
    const key = p.installed.program.key;
    const r = this.rand();
    const t = key === 'svchost-netsvcs' ? (r < 0.7 ? 0 : r < 0.85 ? 8 : 9) : key === 'msmpeng' ? 7 : p.installed.program.traffic === 'web' ? [1, 3, 4, 4, 5][Math.floor(r * 5)] : [1, 2, 6, 9][Math.floor(r * 4)];
    const utc = this.clock.utc(this.now);
    return this.base(host, 11, this.now, {
      RuleName: '-', UtcTime: utc, ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image, TargetFilename: this.fill(FILE_PATHS[t], host, p),
      CreationUtcTime: this.rand() < 0.85 ? utc : this.clock.utc(this.now - 86_400_000 * (1 + Math.floor(this.rand() * 90))), User: p.user,
    });
  }

  /** Sysmon 12 (key created or deleted, value deleted) and 13 (value set). */
  private registry(host: Host, id: number, p: Process): Event {
    const utc = this.clock.utc(this.now);
    if (id === 13) {
      const [target, details] = REGISTRY_VALUES[Math.floor(this.rand() * REGISTRY_VALUES.length)];
      return this.base(host, 13, this.now, {
        RuleName: '-', EventType: 'SetValue', UtcTime: utc, ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image,
        TargetObject: this.fill(target, host, p), Details: this.fill(details, host, p), User: p.user,
      });
    }
    const r = this.rand();
    const type = r < 0.85 ? 'CreateKey' : r < 0.99 ? 'DeleteValue' : 'DeleteKey';
    const target = type === 'DeleteValue' ? REGISTRY_VALUES[Math.floor(this.rand() * REGISTRY_VALUES.length)][0] : REGISTRY_KEYS[Math.floor(this.rand() * REGISTRY_KEYS.length)];
    return this.base(host, 12, this.now, {
      RuleName: '-', EventType: type, UtcTime: utc, ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image, TargetObject: this.fill(target, host, p), User: p.user,
    });
  }

  /** Sysmon 10: Defender, WMI and csrss opening running processes, lsass now and then. */
  private processAccess(host: Host, source: Process): Event {
    let target: Process;
    if (this.rand() < 0.08 || host.live.length === 0) target = host.byProgram[PROGRAM_INDEX.get('lsass')!][0];
    else target = host.live[Math.floor(this.rand() * host.live.length)];
    return this.base(host, 10, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), SourceProcessGUID: source.guid, SourceProcessId: source.pid, SourceThreadId: 4 * (200 + Math.floor(this.rand() * 3000)),
      SourceImage: source.installed.image, TargetProcessGUID: target.guid, TargetProcessId: target.pid, TargetImage: target.installed.image,
      GrantedAccess: GRANTED_ACCESS[this.access.pick(this.rand())][0], CallTrace: source.installed.callTrace, SourceUser: source.user, TargetUser: target.user,
    });
  }

  private libraryBuild(lib: Library, build: string): { fileVersion: string; hashes: string } {
    const key = `${lib.path}@${build}`;
    let b = this.libraryBuilds.get(key);
    if (b === undefined) {
      const dotnet = lib.product !== 'Microsoft® Windows® Operating System';
      b = { fileVersion: dotnet ? '4.8.9181.0 built by: NET481REL1LAST_C' : `${build} (WinBuild.160101.0800)`, hashes: hashesOf(dotnet ? lib.path : key) };
      this.libraryBuilds.set(key, b);
    }
    return b;
  }

  /** Sysmon 7. */
  private imageLoad(host: Host, p: Process): Event {
    const lib = LIBRARIES[this.libraries.pick(this.rand())];
    const b = this.libraryBuild(lib, host.build);
    return this.base(host, 7, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid, Image: p.installed.image, ImageLoaded: lib.path, FileVersion: b.fileVersion,
      Description: lib.description, Product: lib.product, Company: lib.company, OriginalFileName: lib.originalFileName, Hashes: b.hashes, Signed: 'true',
      Signature: lib.signature, SignatureStatus: 'Valid', User: p.user,
    });
  }

  /** Sysmon 17 (pipe created) and 18 (pipe connected). */
  private pipe(host: Host, id: number, p: Process): Event {
    return this.base(host, id, this.now, {
      RuleName: '-', EventType: id === 17 ? 'CreatePipe' : 'ConnectPipe', UtcTime: this.clock.utc(this.now), ProcessGuid: p.guid, ProcessId: p.pid,
      PipeName: this.fill(PIPE_NAMES[Math.floor(this.rand() * PIPE_NAMES.length)], host, p), Image: p.installed.image,
    });
  }

  /**
   * The intrusion, 9 events on the web server: a request from the attacker, the webshell
   * written, w3wp.exe → cmd.exe → whoami.exe (and conhost.exe), their ends, and w3wp.exe
   * connecting out to the attacker.
   */
  private webshellStory(web: Host): void {
    const w3wp = web.byProgram[PROGRAM_INDEX.get('w3wp')!][0];
    const step = (): number => (this.now += 40 + this.rand() * 400);
    const inbound = this.network(web, w3wp);
    inbound.data.SourceIp = WEBSHELL_ATTACKER_IP;
    inbound.line = renderLine(inbound);
    const out: Event[] = [inbound];
    step();
    out.push(this.base(web, 11, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: w3wp.guid, ProcessId: w3wp.pid, Image: w3wp.installed.image,
      TargetFilename: 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\errorPage.aspx', CreationUtcTime: this.clock.utc(this.now), User: w3wp.user,
    }));
    const shell = (key: string, commandLine: string, parent: Process): Process => {
      const inst = web.installed[PROGRAM_INDEX.get(key)!]!;
      const p = { ...this.makeProcess(web, inst, step(), this.now), user: w3wp.user, logonId: w3wp.logonId, logonGuid: w3wp.logonGuid, sessionId: 0, integrity: 'High', commandLine };
      out.push(this.base(web, 1, this.now, { ...this.processCreateData(p, parent), CurrentDirectory: 'c:\\windows\\system32\\inetsrv\\' }));
      return p;
    };
    const cmd = shell('cmd', 'cmd.exe /c "cd /d C:\\inetpub\\wwwroot\\aspnet_client\\system_web & whoami"', w3wp);
    const conhost = shell('conhost', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1', cmd);
    const whoami = shell('whoami', 'whoami', cmd);
    for (const p of [whoami, conhost, cmd]) { step(); web.pids.delete(p.pid); out.push(this.terminateEvent(web, p)); }
    step();
    out.push(this.base(web, 3, this.now, {
      RuleName: '-', UtcTime: this.clock.utc(this.now), ProcessGuid: w3wp.guid, ProcessId: w3wp.pid, Image: w3wp.installed.image, User: w3wp.user, Protocol: 'tcp',
      Initiated: true, SourceIsIpv6: false, SourceIp: web.ip, SourceHostname: '-', SourcePort: this.ephemeralPort(), SourcePortName: '-', DestinationIsIpv6: false,
      DestinationIp: WEBSHELL_ATTACKER_IP, DestinationHostname: '-', DestinationPort: 443, DestinationPortName: '-',
    }));
    this.pending.push(...out);
  }
}
