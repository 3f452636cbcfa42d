/**
 * How a Sigma field name reads an Event: the System fields Sigma rules name (`EventID`,
 * `Channel`, `Provider_Name`, `Computer`, …) map to the Event's flat system fields; every
 * other name reads `event.data`, exact name first, then case-insensitively.
 *
 * Sigma taxonomy appendix, "Specific": "`product: windows` … The naming of Windows
 * Eventlog attributes is used in Sigma rules", i.e. the EventData `Name` attributes and
 * the System element names (as pySigma-style backends flatten them: `Provider_Name` for
 * System/Provider/@Name).
 */
import type { Event, EventValue } from '../event/index.js';
import type { FieldAccessor, FieldResolver } from './types.js';

/**
 * System fields that always read the System part: no EventData field of a Windows event
 * uses these names.
 */
const SYSTEM_ALWAYS: Readonly<Record<string, FieldAccessor>> = {
  eventid: (e) => e.event_id,
  provider_name: (e) => e.provider,
  computer: (e) => e.host,
  eventrecordid: (e) => e.record_id ?? undefined,
  provider_guid: (e) => e.provider_guid ?? undefined,
};

/**
 * System fields whose names some EventData also uses: these read the data field when the
 * event has one, else the System value. System 104 "log cleared" (Microsoft-Windows-Eventlog)
 * names the cleared log in UserData `Channel`, and SigmaHQ's eventlog-cleared rules (service
 * system) test exactly that (`Channel: Security`) — the event's own channel is always
 * System. Sysmon 4 has a `Version`, Wininit 12 a `Level` data field (seen in the corpus).
 * `Provider` and `ProcessID` are not System aliases at all: SigmaHQ's WMI rules mean the
 * data field `Provider`, and 5156 has a data field `ProcessID`.
 */
const SYSTEM_FALLBACK: Readonly<Record<string, (e: Event) => EventValue | undefined>> = {
  channel: (e) => e.channel || undefined,
  level: (e) => e.level ?? undefined,
  keywords: (e) => e.keywords ?? undefined,
  task: (e) => e.task ?? undefined,
  opcode: (e) => e.opcode ?? undefined,
  version: (e) => e.version ?? undefined,
  timecreated: (e) => e._time || undefined,
  security_userid: (e) => e.user_sid ?? undefined,
};

/**
 * Whether `accessor` is the one that reads the System EventID (what `EventID` resolves to
 * unless a mapping renames it): rules that test it can be routed by event ID.
 *
 * @example
 * isEventIdAccessor(defaultResolver('EventID')!) // true
 */
export function isEventIdAccessor(accessor: FieldAccessor): boolean {
  return accessor === SYSTEM_ALWAYS.eventid;
}

/**
 * An accessor for the System field a Sigma name denotes, or null when the name is not one.
 *
 * @example
 * systemFieldAccessor('EventID')!(event) // 4688
 * systemFieldAccessor('Image')           // null
 */
export function systemFieldAccessor(sigmaField: string): FieldAccessor | null {
  const key = sigmaField.toLowerCase();
  const always = SYSTEM_ALWAYS[key];
  if (always !== undefined && Object.hasOwn(SYSTEM_ALWAYS, key)) return always;
  const fallback = SYSTEM_FALLBACK[key];
  if (fallback === undefined || !Object.hasOwn(SYSTEM_FALLBACK, key)) return null;
  const data = dataFieldAccessor(sigmaField);
  return (e) => {
    const v = data(e);
    return v !== undefined ? v : fallback(e);
  };
}

/**
 * Reads `event.data[name]`; when the event has no field of exactly that name, the first
 * field whose name equals it case-insensitively (rules write `ParentCommandline`, exports
 * lower-case keys), or that equals it once its spaces are removed (rules spec "Field
 * Usage": Defender's `Source Name` is written `SourceName`). `undefined` when absent. The
 * fallback looks the folded name up in a map shared by every event with the same key
 * list (see `foldedKeys`), so an event's keys are not folded again per lookup.
 *
 * @example
 * dataFieldAccessor('image')({ ...event, data: { Image: 'C:\\x.exe' } }) // 'C:\\x.exe'
 */
export function dataFieldAccessor(name: string): FieldAccessor {
  const key = foldedName(name);
  return (e) => {
    const data = e.data;
    if (Object.hasOwn(data, name)) return data[name];
    const actual = foldedKeys(data).get(key);
    return actual === undefined ? undefined : data[actual];
  };
}

/** A field name as the fallback compares it: lower case, spaces removed. */
function foldedName(name: string): string {
  return name.toLowerCase().replaceAll(' ', '');
}

/**
 * Folded name → actual key of an event's data, found on the first fallback lookup and
 * kept while the event lives: thousands of rules ask one event for fields it lacks, and
 * scanning its keys each time cost more than matching. Events of one kind have the same
 * keys in the same order (one template), so the maps are shared by key list, found by
 * walking a trie of key lists one key at a time: property names are interned strings
 * whose hashes V8 keeps, so the walk allocates nothing (joining the keys into one string
 * per event was ~750 bytes of garbage per event, the hunt's largest source). Only the
 * last event's map is remembered: rules read one event at a time, and a WeakMap entry per
 * event was GC work (ephemerons) for every event of a hunt.
 */
interface KeyListNode {
  /** The node of this key list extended by one key. */
  readonly next: Map<string, KeyListNode>;
  /** The folded-name map of the key list ending here, built on first use. */
  folded: Map<string, string> | undefined;
}
let lastData: object | undefined;
let lastMap: Map<string, string> | undefined;
let keyLists: KeyListNode = { next: new Map(), folded: undefined };
let keyListNodes = 0;
/** Trie nodes kept before it starts over (a hunt sees a few hundred event shapes). */
const MAX_KEY_LIST_NODES = 65_536;
/**
 * The previous event's key list and map: consecutive events are mostly of one kind, and
 * comparing interned property names by identity, key by key, costs a fraction of the
 * trie's map lookups (measured: ~0.3 µs per event for a 4625's 21 keys).
 */
const lastKeys: string[] = [];
/**
 * In a `for…in` loop V8 compiles `hasOwnProperty` to a check of the enum cache;
 * `Object.hasOwn` stays a builtin call (measured on a 4625's 21 keys: 0.02 vs 0.22 µs).
 */
const hasOwn = Object.prototype.hasOwnProperty;
function foldedKeys(data: Readonly<Record<string, unknown>>): Map<string, string> {
  if (data === lastData && lastMap !== undefined) return lastMap;
  if (lastMap !== undefined && sameKeys(data)) { lastData = data; return lastMap; }
  if (keyListNodes >= MAX_KEY_LIST_NODES) { keyLists = { next: new Map(), folded: undefined }; keyListNodes = 0; }
  let node = keyLists;
  lastKeys.length = 0;
  for (const k in data) {
    if (!hasOwn.call(data, k)) continue;
    lastKeys.push(k);
    let child = node.next.get(k);
    if (child === undefined) { node.next.set(k, (child = { next: new Map(), folded: undefined })); keyListNodes++; }
    node = child;
  }
  let m = node.folded;
  if (m === undefined) {
    m = new Map();
    for (const k of lastKeys) {
      const f = foldedName(k);
      if (!m.has(f)) m.set(f, k);
    }
    node.folded = m;
  }
  lastData = data;
  lastMap = m;
  return m;
}

/** Whether `data`'s own keys are, in order, those of the previous event looked up. */
function sameKeys(data: Readonly<Record<string, unknown>>): boolean {
  let i = 0;
  for (const k in data) {
    if (!hasOwn.call(data, k)) continue;
    if (i >= lastKeys.length || lastKeys[i] !== k) return false;
    i++;
  }
  return i === lastKeys.length;
}

/**
 * The default resolver's accessors by field name: accessors depend on the name alone, so
 * one per name serves every rule and prefilter that reads it (thousands of rules read a
 * few dozen fields; each compile, including those on first use during a hunt, would
 * otherwise build its own closures). Detections resolve theirs once per matcher
 * (hunt.ts `MatchStage.readsOf`).
 */
const defaultAccessors = new Map<string, FieldAccessor>();
const MAX_DEFAULT_ACCESSORS = 4096;

/**
 * The default resolver (Sysmon and every channel without a special mapping): System field
 * names first, then `event.data`. Never null: any field may exist in some event version.
 *
 * @example
 * defaultResolver('CommandLine')!(sysmon1) // the command line
 */
export const defaultResolver: FieldResolver = (sigmaField) => {
  let accessor = defaultAccessors.get(sigmaField);
  if (accessor === undefined) {
    if (defaultAccessors.size >= MAX_DEFAULT_ACCESSORS) defaultAccessors.clear();
    defaultAccessors.set(sigmaField, (accessor = systemFieldAccessor(sigmaField) ?? dataFieldAccessor(sigmaField)));
  }
  return accessor;
};


/**
 * A resolver that first renames Sigma fields (`{ Image: 'NewProcessName' }`, from a
 * user mapping) and reads the renamed field through `base`; unmapped names go to `base`
 * as written.
 *
 * @example
 * renamingResolver({ Image: 'Path' })('Image')!(e) // e.data.Path
 */
export function renamingResolver(renames: Readonly<Record<string, string>>, base: FieldResolver = defaultResolver): FieldResolver {
  const byLower = new Map<string, string>();
  for (const [from, to] of Object.entries(renames)) byLower.set(from.toLowerCase(), to);
  return (sigmaField) => base(byLower.get(sigmaField.toLowerCase()) ?? sigmaField);
}
