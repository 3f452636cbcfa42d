/**
 * The demo dataset: a day of a small Windows domain — WEB01 (IIS), DC01, FS01 and two
 * workstations — as Sysmon and the Security log recorded it, with the IIS webshell
 * intrusion of story.ts inside. What `haetae serve --demo` loads and `haetae demo`
 * writes, so a newcomer sees alerts and can run the seed queries at once.
 *
 * Built from three parts: the fleet generator's Sysmon background (generator.ts, its own
 * webshell story off), the story's events, and the Security log of both (security-log.ts:
 * the Security twins of every process and connection event, and the day's logons). All
 * events are sorted by time and numbered per host and channel, as each host's logs would be.
 */
import type { Event } from '../event/index.js';
import { prng } from './dataset.js';
import { fleetHosts, generateSysmonEvents, type FleetHost, type GeneratorOptions } from './generator.js';
import { logonActivity, securityFromSysmon } from './security-log.js';
import { DEMO_START, DEMO_STORY, webshellIntrusion } from './story.js';
import { Accounts } from './windows-log.js';

/** Options for {@link demoDataset}. */
export interface DemoDatasetOptions {
  /** PRNG seed: the same seed gives the same events. Default 1. */
  readonly seed?: number;
  /** Start of the day the dataset covers. Default {@link DEMO_START} (2024-05-01, UTC). */
  readonly start?: Date;
  /** Sysmon background events over the day (before the story and the Security log). Default 12,000. */
  readonly sysmonEvents?: number;
}

/** Hosts of the demo: WEB01, DC01, FS01, WS-0001, WS-0002 (the fleet generator's first five). */
export const DEMO_HOSTS = 5;
const DAY_MS = 86_400_000;

/** The generator options behind the dataset's background and hosts. */
function fleetOptions(options: DemoDatasetOptions): GeneratorOptions {
  return {
    count: options.sysmonEvents ?? 12_000, seed: options.seed ?? 1, hosts: DEMO_HOSTS, start: options.start ?? DEMO_START, spanMs: DAY_MS,
    webshellStory: false,
  };
}

/**
 * The hosts of the dataset with the given options.
 *
 * @example
 * demoHosts().map((h) => h.name) // ['WEB01.corp.example', 'DC01.corp.example', 'FS01.corp.example', …]
 */
export function demoHosts(options: DemoDatasetOptions = {}): FleetHost[] {
  return fleetHosts(fleetOptions(options));
}

/**
 * The demo dataset, sorted by time; deterministic per seed (and start and size).
 *
 * @example
 * const events = demoDataset({ seed: 1 });
 * events.filter((e) => e.host === DEMO_STORY.lateralHost && e.data.Hashes === DEMO_STORY.payload.hashes) // the tool on FS01
 */
export function demoDataset(options: DemoDatasetOptions = {}): Event[] {
  const fleet = fleetOptions(options);
  const start = fleet.start!;
  const hosts = fleetHosts(fleet);
  const background: Event[] = [];
  for (const batch of generateSysmonEvents(fleet)) background.push(...batch);
  // One PRNG for the story and the logons, apart from the fleet's, so the background is the fleet's own.
  const rand = prng(((options.seed ?? 1) ^ 0x5eed5eed) >>> 0);
  const pids = pidsByHost(background);
  const accounts = new Accounts(hosts, { [DEMO_STORY.account.name]: DEMO_STORY.account.sid });
  const story = webshellIntrusion(hosts, start, rand, (host) => pids.get(host) ?? new Set(), accounts);
  const sysmon = [...background, ...story.sysmon];
  const events = [...sysmon, ...securityFromSysmon(sysmon, hosts, accounts), ...logonActivity(hosts, start, DAY_MS, rand, accounts), ...story.security];
  events.sort((a, b) => (a._time < b._time ? -1 : a._time > b._time ? 1 : 0));
  numberRecords(events, rand);
  return events;
}

/** The process IDs each host's Sysmon events name. */
function pidsByHost(events: readonly Event[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const e of events) {
    let set = out.get(e.host);
    if (set === undefined) { set = new Set(); out.set(e.host, set); }
    for (const k of ['ProcessId', 'ParentProcessId', 'SourceProcessId', 'TargetProcessId']) {
      const v = e.data[k];
      if (typeof v === 'number') set.add(v);
    }
  }
  return out;
}

/** EventRecordIDs rising with time in each host's log of each channel, from where a long-running log would be. */
function numberRecords(events: Event[], rand: () => number): void {
  const next = new Map<string, number>();
  for (const e of events) {
    const key = `${e.host}|${e.channel}`;
    const id = next.get(key) ?? 100_000 + Math.floor(rand() * 900_000);
    e.record_id = id;
    next.set(key, id + 1);
  }
}
