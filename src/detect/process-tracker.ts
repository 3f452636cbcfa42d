/**
 * Process lifetimes per host, from Sysmon 1/5 and Security 4688/4689, so that "which
 * image had PID 420 on WEB01 at 10:02" is answered for that time, not for now: PIDs are
 * reused and IIS app pools recycle (../shared/specs/windows-events.md §1 "What this means
 * for the IIS guide": the creator-PID mapping of a 4688 without ParentProcessName must use
 * the w3wp PIDs alive at the event's time).
 *
 * Model: per host, per PID, a list of process records sorted by start time (or, when the
 * start is unknown, by the first time the process was seen). Records of one PID do not
 * overlap: a record without a known end ends, implicitly, where the next record of that
 * PID begins. Sysmon GUIDs index the same records. Times are event times (`_time`) in ms.
 *
 * Arrival order: lookups by time work whatever order the events arrived in, as long as
 * the events involved were observed before the lookup (the lists are kept sorted, and an
 * exit seen before its creation is merged into the creation when it arrives). What needs
 * order: the engine must `observe` an event before matching rules that read the tracker
 * for it, and a 4688 whose creator's creation arrives later resolves only after that.
 *
 * Merging: Sysmon 1 and 4688 of one process (same host and PID, created within
 * `mergeWindowMs`, images not different) are one record; so are a record first seen as a
 * parent or from an exit and its later-observed creation.
 *
 * Memory: records that ended more than `horizonMs` of event time before the host's
 * latest event are evicted, and the total is capped at `maxRecords` (ended records go
 * first, oldest end first; then the least recently seen).
 */
import { eventTimeMs, learnVolume, processId, SECURITY_PROVIDER, SYSMON_PROVIDER, type Event, type EventValue } from '../event/index.js';
import { processCreationUser } from './security-fields.js';

/** One process as the tracker knows it. Times are ms since the epoch (event time). */
export interface ProcessRecord {
  readonly host: string;
  readonly pid: number;
  /** Sysmon ProcessGuid, lowercase `{…}`. */
  readonly guid?: string;
  /** Full image path; '' when only the PID is known. */
  readonly image: string;
  readonly commandLine?: string;
  /** Creation time; null when the process was only seen as a parent, running or exiting. */
  readonly start: number | null;
  /** Exit time; null while not seen exiting. */
  readonly end: number | null;
  readonly parentPid?: number;
  readonly parentGuid?: string;
  /** `DOMAIN\name` as Sysmon writes it. */
  readonly user?: string;
}

/** Tuning; the defaults suit a hunt over a few days of logs from a few servers. */
export interface ProcessTrackerOptions {
  /** Keep ended processes this long (event time) after the host's latest event. Default 24 h. */
  readonly horizonMs?: number;
  /** At most this many records in all. Default 1,000,000. */
  readonly maxRecords?: number;
  /** Sysmon 1 and 4688 of one process are at most this far apart. Default 2000 ms. */
  readonly mergeWindowMs?: number;
}

/** The tracker's mutable record; handed out as a read-only ProcessRecord. */
interface Proc {
  host: string;
  pid: number;
  guid?: string;
  image: string;
  commandLine?: string;
  start: number | null;
  end: number | null;
  parentPid?: number;
  parentGuid?: string;
  user?: string;
  /** Earliest and latest event times the process was known alive (or exiting). */
  seen: number;
  lastSeen: number;
}

interface HostState {
  readonly byPid: Map<number, Proc[]>;
  readonly byGuid: Map<string, Proc>;
  /** NT volume name (`harddiskvolume2`) → drive (`C:`), learned from WFP events. */
  readonly volumes: Record<string, string>;
  maxTime: number;
}

/** What a process-creation event says. */
interface Creation {
  readonly pid: number;
  readonly guid?: string;
  readonly image: string;
  readonly commandLine?: string;
  readonly user?: string;
  readonly parentPid?: number;
  readonly parentGuid?: string;
  readonly parentImage?: string;
}

const DAY_MS = 24 * 3600 * 1000;
const SWEEP_EVERY = 10_000;

const anchor = (p: Proc): number => p.start ?? p.seen;

/** The last event whose time was parsed, its time text and that time (a hit's chain asks again and again). */
let lastTimed: Event | undefined;
let lastTimedText = '';
let lastTime = NaN;

/** `Date.parse(e._time)` (by {@link eventTimeMs}), remembered for the last event. */
function timeOf(e: Event): number {
  if (e !== lastTimed || e._time !== lastTimedText) { lastTimed = e; lastTimedText = e._time; lastTime = eventTimeMs(e._time); }
  return lastTime;
}

/** The last host name looked up and its key (lowercase): a hunt sees a few hosts, in long runs. */
let lastHost = '';
let lastHostKey = '';

/** A host name as the tracker keys it. */
function hostKey(name: string): string {
  if (name !== lastHost) { lastHost = name; lastHostKey = name.toLowerCase(); }
  return lastHostKey;
}

function str(v: EventValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' && v !== '-' ? v : undefined;
}

/** A GUID as the tracker keys it: lowercase, braced. */
function guidKey(v: EventValue | undefined): string | undefined {
  const s = str(v)?.trim().toLowerCase();
  if (s === undefined || /^\{?0{8}-0{4}-0{4}-0{4}-0{12}\}?$/.test(s)) return undefined;
  return s.startsWith('{') ? s : `{${s}}`;
}

/** Two images name the same file (or one is unknown). */
function sameImage(a: string, b: string): boolean {
  return a === '' || b === '' || a.toLowerCase() === b.toLowerCase();
}

const pidOf = (v: EventValue | undefined): number | undefined => processId(v) ?? undefined;

type EventKind = 'sysmon1' | 'sysmon5' | 'sysmonOther' | 'sec4688' | 'sec4689' | 'wfp' | 'other';

const SYSMON = SYSMON_PROVIDER.toLowerCase();
const SECURITY = SECURITY_PROVIDER.toLowerCase();

/**
 * The last provider spelling seen and its lowercase form: the tracker asks an event's
 * kind several times (observe, then each rule hit's chain), and a hunt sees a handful
 * of spellings, in long runs.
 */
let lastProvider = '';
let lastFolded = '';

function kindOf(e: Event): EventKind {
  if (e.provider !== lastProvider) { lastProvider = e.provider; lastFolded = e.provider.toLowerCase(); }
  const provider = lastFolded;
  if (provider === SYSMON) return e.event_id === 1 ? 'sysmon1' : e.event_id === 5 ? 'sysmon5' : 'sysmonOther';
  if (provider === SECURITY) {
    if (e.event_id === 4688) return 'sec4688';
    if (e.event_id === 4689) return 'sec4689';
    if (e.event_id === 5156 || e.event_id === 5157) return 'wfp';
  }
  return 'other';
}

/**
 * Process lifetimes per host from Sysmon 1/5 and Security 4688/4689, queried by PID and
 * time or by Sysmon GUID.
 *
 * @example
 * const tracker = new ProcessTracker();
 * for (const e of events) tracker.observe(e);
 * tracker.imageAt('WEB01', 0x1a4, Date.parse('2024-05-01T10:02:00Z')); // 'C:\\…\\w3wp.exe'
 * tracker.parentOf(event4688)?.image;
 */
export class ProcessTracker {
  private readonly hosts = new Map<string, HostState>();
  private readonly horizonMs: number;
  private readonly maxRecords: number;
  private readonly mergeWindowMs: number;
  private total = 0;
  private sinceSweep = 0;

  constructor(options: ProcessTrackerOptions = {}) {
    this.horizonMs = options.horizonMs ?? DAY_MS;
    this.maxRecords = options.maxRecords ?? 1_000_000;
    this.mergeWindowMs = options.mergeWindowMs ?? 2000;
  }

  /** Records held now. */
  get size(): number {
    return this.total;
  }

  /**
   * Learns from one event: Sysmon 1 (create) and 5 (exit), 4688 (create) and 4689 (exit);
   * other Sysmon events with ProcessGuid/ProcessId/Image record a running process; 5156/5157
   * teach drive letters of NT volumes. Other events, and events without a time, are ignored.
   *
   * @example
   * tracker.observe(sysmon1Event);
   */
  observe(e: Event): void {
    const kind = kindOf(e);
    if (kind === 'other') return;
    const time = timeOf(e);
    if (Number.isNaN(time)) return;
    const h = this.host(e.host);
    if (time > h.maxTime) h.maxTime = time;
    const d = e.data;
    switch (kind) {
      case 'sysmon1': {
        const pid = pidOf(d.ProcessId);
        if (pid === undefined) return;
        this.create(h, e.host, time, {
          pid, guid: guidKey(d.ProcessGuid), image: str(d.Image) ?? '', commandLine: str(d.CommandLine), user: str(d.User),
          parentPid: pidOf(d.ParentProcessId), parentGuid: guidKey(d.ParentProcessGuid), parentImage: str(d.ParentImage),
        });
        break;
      }
      case 'sec4688': {
        const pid = pidOf(d.NewProcessId);
        if (pid === undefined) return;
        this.create(h, e.host, time, {
          pid, image: str(d.NewProcessName) ?? '', commandLine: str(d.CommandLine), user: processCreationUser(d),
          parentPid: pidOf(d.ProcessId), parentImage: str(d.ParentProcessName),
        });
        break;
      }
      case 'sysmon5':
      case 'sec4689': {
        const pid = pidOf(d.ProcessId);
        if (pid === undefined) return;
        this.exit(h, e.host, time, pid, kind === 'sysmon5' ? guidKey(d.ProcessGuid) : undefined, str(kind === 'sysmon5' ? d.Image : d.ProcessName) ?? '');
        break;
      }
      case 'sysmonOther': {
        const pid = pidOf(d.ProcessId);
        const image = str(d.Image);
        if (pid !== undefined && image !== undefined) this.running(h, e.host, time, pid, guidKey(d.ProcessGuid), image);
        break;
      }
      case 'wfp':
        this.learnVolume(h, time, pidOf(d.ProcessID), str(d.Application));
        break;
    }
    // A sweep walks every record: sweeping after a quarter as many events keeps it O(1) per event.
    if (++this.sinceSweep >= Math.max(SWEEP_EVERY, this.total >> 2) || this.total > this.maxRecords) this.sweep();
  }

  /**
   * The process that had `pid` on `host` at `timeMs`, or null when none is known then
   * (between an exit and the next creation with that PID, or never seen).
   *
   * @example
   * tracker.processAt('WEB01', 420, Date.parse('2024-05-01T10:02:00Z'))?.image
   */
  processAt(host: string, pid: number, timeMs: number): ProcessRecord | null {
    const h = this.hosts.get(hostKey(host));
    return h === undefined ? null : aliveAt(h, pid, timeMs);
  }

  /**
   * The image path of the process that had `pid` at `timeMs`; null when unknown.
   *
   * @example
   * tracker.imageAt('WEB01', 0x1a4, t) // 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'
   */
  imageAt(host: string, pid: number, timeMs: number): string | null {
    return this.processAt(host, pid, timeMs)?.image || null;
  }

  /**
   * The process with a Sysmon ProcessGuid (any case, braces optional).
   *
   * @example
   * tracker.byGuid('WEB01', '{83989f29-3374-5f6b-0100-000000000301}')
   */
  byGuid(host: string, guid: string): ProcessRecord | null {
    const key = guidKey(guid);
    return key === undefined ? null : this.hosts.get(hostKey(host))?.byGuid.get(key) ?? null;
  }

  /**
   * The process an event is about: the created or exiting process of 1/5/4688/4689, the
   * acting process (ProcessGuid, else ProcessId/ProcessID at the event's time) otherwise.
   *
   * @example
   * tracker.processOf(event5156)?.image
   */
  processOf(e: Event): ProcessRecord | null {
    const h = this.hosts.get(hostKey(e.host));
    const time = timeOf(e);
    if (h === undefined || Number.isNaN(time)) return null;
    const d = e.data;
    const kind = kindOf(e);
    if (kind === 'sysmon1' || kind === 'sysmon5' || kind === 'sysmonOther') {
      const g = guidKey(d.ProcessGuid);
      const byGuid = g === undefined ? undefined : h.byGuid.get(g);
      if (byGuid !== undefined) return byGuid;
    }
    const pid = pidOf(kind === 'sec4688' ? d.NewProcessId : kind === 'wfp' ? d.ProcessID : d.ProcessId ?? d.ProcessID);
    return pid === undefined ? null : aliveAt(h, pid, time);
  }

  /**
   * The parent of what an event is about. Sysmon 1: by ParentProcessGuid, else the
   * process with ParentProcessId alive at the event's time. 4688: the creator (ProcessId)
   * alive at the event's time; when none is known but the event names ParentProcessName,
   * a record made from it (start unknown). Other events: the parent of {@link processOf}.
   *
   * @example
   * tracker.parentOf(event4688)?.image // the w3wp.exe that had the creator PID then
   */
  parentOf(e: Event): ProcessRecord | null {
    const h = this.hosts.get(hostKey(e.host));
    const time = timeOf(e);
    if (Number.isNaN(time)) return null;
    const d = e.data;
    const kind = kindOf(e);
    if (kind === 'sysmon1') {
      const g = guidKey(d.ParentProcessGuid);
      const byGuid = g === undefined || h === undefined ? undefined : h.byGuid.get(g);
      if (byGuid !== undefined) return byGuid;
      const ppid = pidOf(d.ParentProcessId);
      return ppid === undefined || h === undefined ? null : aliveAt(h, ppid, time);
    }
    if (kind === 'sec4688') {
      const creator = pidOf(d.ProcessId);
      if (creator === undefined) return null;
      const alive = h === undefined ? null : aliveAt(h, creator, time);
      if (alive !== null) return alive;
      const name = str(d.ParentProcessName);
      return name === undefined ? null : { host: e.host, pid: creator, image: name, start: null, end: null };
    }
    const self = this.processOf(e);
    return self === null ? null : this.parentOfRecord(self);
  }

  /**
   * The chain of ancestors of what an event is about, parent first, at most `max` long;
   * stops at the first process seen twice (PID reuse can make PID links loop).
   *
   * @example
   * tracker.ancestors(event).map((p) => p.image) // [cmd.exe, w3wp.exe, svchost.exe, services.exe]
   */
  ancestors(e: Event, max = 8): ProcessRecord[] {
    const out: ProcessRecord[] = [];
    const seen = new Set<ProcessRecord>();
    const self = this.processOf(e);
    if (self !== null) seen.add(self);
    let p = this.parentOf(e);
    while (p !== null && out.length < max && !seen.has(p)) {
      out.push(p);
      seen.add(p);
      p = this.parentOfRecord(p);
    }
    return out;
  }

  /**
   * Drive letters learned for a host's NT volumes (`{ harddiskvolume2: 'C:' }`), from a
   * 5156/5157 Application and the image the tracker knows for its ProcessID then.
   *
   * @example
   * ntPathToDrivePath(app, tracker.volumes('WEB01'))
   */
  volumes(host: string): Readonly<Record<string, string>> {
    return this.hosts.get(hostKey(host))?.volumes ?? {};
  }

  /** The parent of a known record: by its parent GUID, else its parent PID at its start. */
  private parentOfRecord(p: ProcessRecord): ProcessRecord | null {
    const h = this.hosts.get(hostKey(p.host));
    if (h === undefined) return null;
    if (p.parentGuid !== undefined) {
      const g = h.byGuid.get(p.parentGuid);
      if (g !== undefined) return g;
    }
    if (p.parentPid === undefined) return null;
    const at = p.start ?? (p as Proc).seen ?? p.end;
    if (at === null || at === undefined) return null;
    const parent = aliveAt(h, p.parentPid, at);
    return parent === p ? null : parent;
  }

  private host(name: string): HostState {
    const key = hostKey(name);
    let h = this.hosts.get(key);
    if (h === undefined) {
      h = { byPid: new Map(), byGuid: new Map(), volumes: {}, maxTime: -Infinity };
      this.hosts.set(key, h);
    }
    return h;
  }

  private add(h: HostState, p: Proc): Proc {
    let list = h.byPid.get(p.pid);
    if (list === undefined) {
      list = [];
      h.byPid.set(p.pid, list);
    }
    list.push(p);
    sortList(list);
    if (p.guid !== undefined) h.byGuid.set(p.guid, p);
    this.total++;
    return p;
  }

  private setGuid(h: HostState, p: Proc, guid: string | undefined): void {
    if (guid === undefined || p.guid !== undefined) return;
    p.guid = guid;
    h.byGuid.set(guid, p);
  }

  /** A creation (Sysmon 1 or 4688): find or make the record, then its parent's. */
  private create(h: HostState, host: string, time: number, c: Creation): void {
    let p = c.guid === undefined ? undefined : h.byGuid.get(c.guid);
    p ??= this.mergeCandidate(h, c.pid, time, c.guid, c.image);
    if (p === undefined) {
      p = this.add(h, { host, pid: c.pid, image: c.image, start: time, end: null, seen: time, lastSeen: time });
    } else if (p.start === null || time < p.start) {
      p.start = time;
      sortList(h.byPid.get(p.pid)!);
    }
    this.setGuid(h, p, c.guid);
    touch(p, time);
    if (p.image === '') p.image = c.image;
    p.commandLine ??= c.commandLine;
    p.user ??= c.user;
    p.parentPid ??= c.parentPid;
    p.parentGuid ??= c.parentGuid;
    this.noteParent(h, host, time, c);
  }

  /**
   * A record of `pid` that is the process created at `time`: one created within the
   * merge window (the same creation from the other log), or one first seen (as a parent,
   * running or exiting) after `time - window` with no known start. GUIDs and images must
   * not differ.
   */
  private mergeCandidate(h: HostState, pid: number, time: number, guid: string | undefined, image: string): Proc | undefined {
    const list = h.byPid.get(pid);
    if (list === undefined) return undefined;
    const w = this.mergeWindowMs;
    for (const p of list) {
      if (p.guid !== undefined && guid !== undefined && p.guid !== guid) continue;
      if (!sameImage(p.image, image)) continue;
      if (p.start !== null ? Math.abs(p.start - time) <= w : p.seen >= time - w) return p;
    }
    return undefined;
  }

  /** Records (or completes) the parent a creation names. */
  private noteParent(h: HostState, host: string, time: number, c: Creation): void {
    let q = c.parentGuid === undefined ? undefined : h.byGuid.get(c.parentGuid);
    if (q === undefined && c.parentPid !== undefined) {
      const alive = aliveAt(h, c.parentPid, time);
      const compatible = alive !== null && (alive.guid === undefined || c.parentGuid === undefined || alive.guid === c.parentGuid) && sameImage(alive.image, c.parentImage ?? '');
      if (compatible) q = alive;
    }
    if (q !== undefined) {
      this.setGuid(h, q, c.parentGuid);
      if (q.image === '' && c.parentImage !== undefined) q.image = c.parentImage;
      touch(q, time);
      return;
    }
    // Seen only as a parent: worth a record when something identifies it beyond the PID.
    if (c.parentPid !== undefined && (c.parentImage !== undefined || c.parentGuid !== undefined)) {
      this.add(h, { host, pid: c.parentPid, guid: c.parentGuid, image: c.parentImage ?? '', start: null, end: null, seen: time, lastSeen: time });
    }
  }

  /** An exit (Sysmon 5 or 4689). */
  private exit(h: HostState, host: string, time: number, pid: number, guid: string | undefined, image: string): void {
    this.sighting(h, host, time, pid, guid, image, time);
  }

  /** A running process named by another Sysmon event (3, 7, 11, …). */
  private running(h: HostState, host: string, time: number, pid: number, guid: string | undefined, image: string): void {
    this.sighting(h, host, time, pid, guid, image, null);
  }

  /**
   * A process seen at `time` (ending then when `end` is given): merged into the record
   * with its GUID, or the one alive with its PID and a compatible GUID and image; a new
   * record (start unknown) otherwise.
   */
  private sighting(h: HostState, host: string, time: number, pid: number, guid: string | undefined, image: string, end: number | null): void {
    let p = guid === undefined ? undefined : h.byGuid.get(guid);
    if (p === undefined) {
      const alive = aliveAt(h, pid, time);
      if (alive !== null && (alive.guid === undefined || guid === undefined || alive.guid === guid) && sameImage(alive.image, image)) p = alive;
    }
    if (p === undefined) {
      this.add(h, { host, pid, guid, image, start: null, end, seen: time, lastSeen: time });
      return;
    }
    this.setGuid(h, p, guid);
    if (p.image === '') p.image = image;
    if (end !== null && (p.end === null || end < p.end)) p.end = end;
    touch(p, time);
  }

  /** Learns `harddiskvolumeN` → `C:` from a WFP Application and the PID's known image. */
  private learnVolume(h: HostState, time: number, pid: number | undefined, application: string | undefined): void {
    if (pid === undefined || application === undefined) return;
    const m = /^\\device\\([^\\]+)\\/i.exec(application);
    if (m === null || Object.hasOwn(h.volumes, m[1].toLowerCase())) return;
    const image = aliveAt(h, pid, time)?.image;
    const learned = image === undefined ? null : learnVolume(application, image);
    if (learned !== null) h.volumes[learned[0]] = learned[1];
  }

  /** Evicts records past the horizon, then enforces the cap. */
  private sweep(): void {
    this.sinceSweep = 0;
    for (const h of this.hosts.values()) {
      const cutoff = h.maxTime - this.horizonMs;
      for (const [pid, list] of h.byPid) {
        let old = false;
        for (let i = 0; i < list.length && !old; i++) {
          const ended = effectiveEnd(list, i);
          old = ended !== null && ended < cutoff;
        }
        if (!old) continue;
        this.drop(h, pid, list, list.filter((_, i) => {
          const ended = effectiveEnd(list, i);
          return ended === null || ended >= cutoff;
        }));
      }
    }
    if (this.total <= this.maxRecords) return;
    // Over the cap: drop to 90 %, ended records first (oldest end first), then least recently seen.
    const all: { h: HostState; p: Proc; key: number; ended: boolean }[] = [];
    for (const h of this.hosts.values()) {
      for (const list of h.byPid.values()) {
        list.forEach((p, i) => {
          const ended = effectiveEnd(list, i);
          all.push({ h, p, key: ended ?? p.lastSeen, ended: ended !== null });
        });
      }
    }
    all.sort((a, b) => (a.ended === b.ended ? a.key - b.key : a.ended ? -1 : 1));
    const victims = new Set(all.slice(0, this.total - Math.floor(this.maxRecords * 0.9)).map((v) => v.p));
    for (const h of this.hosts.values()) {
      for (const [pid, list] of h.byPid) {
        if (list.some((p) => victims.has(p))) this.drop(h, pid, list, list.filter((p) => !victims.has(p)));
      }
    }
  }

  private drop(h: HostState, pid: number, list: Proc[], keep: Proc[]): void {
    const kept = new Set(keep);
    for (const p of list) {
      if (kept.has(p)) continue;
      if (p.guid !== undefined && h.byGuid.get(p.guid) === p) h.byGuid.delete(p.guid);
      this.total--;
    }
    if (keep.length === 0) h.byPid.delete(pid);
    else h.byPid.set(pid, keep);
  }
}

function touch(p: Proc, time: number): void {
  if (time < p.seen) p.seen = time;
  if (time > p.lastSeen) p.lastSeen = time;
}

function sortList(list: Proc[]): void {
  if (list.length > 1) list.sort((a, b) => anchor(a) - anchor(b));
}

/** A record's end, or where the next record of its PID begins; null while open. */
function effectiveEnd(list: readonly Proc[], i: number): number | null {
  const p = list[i];
  if (p.end !== null) return p.end;
  const next = list[i + 1];
  return next === undefined ? null : anchor(next);
}

/**
 * The record of `pid` alive at `t`. A record spans [start, end]; an unknown start reaches
 * back to the previous record's end (or forever), an unknown end forward to the next
 * record's beginning (exclusive) or forever.
 */
function aliveAt(h: HostState, pid: number, t: number): Proc | null {
  const list = h.byPid.get(pid);
  if (list === undefined) return null;
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    const prev = i > 0 ? list[i - 1] : undefined;
    const lo = p.start ?? (prev === undefined ? -Infinity : prev.end ?? anchor(prev));
    if (t < lo) return null;
    if (p.end !== null) {
      if (t <= p.end) return p;
      continue;
    }
    const next = list[i + 1];
    if (next === undefined || t < anchor(next)) return p;
  }
  return null;
}
