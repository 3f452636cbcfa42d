/**
 * NXLog-style flat JSON (im_msvistalog's fields, often passed through Logstash) → Events.
 *
 * The shapes met in the field (../shared/corpus/json) disagree: the event's host is
 * `Hostname` (`host` is the shipper), the time is `EventTime` or `TimeCreated`, numbers
 * are numbers or strings, keys come in any order, and the time stamps are the exporting
 * host's *local* time, sometimes written with a `Z` and even on a 12-hour clock without
 * AM/PM. EventData fields sit beside NXLog's own keys, so they are told apart by name.
 * Times are made UTC by {@link LocalTimeFixer}.
 */
import { emptyEvent, setField, type Event, type EventValue } from '../event/index.js';
import { coerceValue, eventFields, type FieldSpec } from '../event/field-catalog.js';
import { jsonEventValue, RecordError } from './types.js';

/**
 * NXLog's and Logstash's own keys (im_msvistalog field list and what the corpus shows).
 * Everything else is EventData. `ProcessID` is absent on purpose: it is 5156's EventData.
 */
export const NXLOG_METADATA: ReadonlySet<string> = new Set([
  'EventID', 'EventId', 'Channel', 'Task', 'SourceName', 'ProviderName', 'Hostname', 'Computer', 'Message', 'Keywords',
  'SeverityValue', 'Severity', 'ProviderGuid', 'ExecutionProcessID', 'ExecutionThreadID', 'host', 'EventReceivedTime',
  'ThreadID', 'Opcode', 'OpcodeValue', 'EventTime', '@timestamp', 'SourceModuleType', 'SourceModuleName',
  'port', 'RecordNumber', '@version', 'Version', 'Category', 'tags', 'type', 'TimeCreated', 'ActivityID', 'RelatedActivityID',
  'ERROR_EVT_UNRESOLVED', 'Level', 'EventTypeOrignal', 'AccountName', 'Domain', 'AccountType', 'UserID', 'Qualifiers',
]);

/** NXLog's `EventType` values; any other `EventType` is EventData (Sysmon 12–14 have one). */
export const NXLOG_EVENT_TYPES: ReadonlySet<string> = new Set(['INFO', 'WARNING', 'ERROR', 'AUDIT_SUCCESS', 'AUDIT_FAILURE', 'VERBOSE', 'CRITICAL']);

/** True when `s` matches /^-?\d+$/ (tested without a regex: NXLog writes most numbers as text). */
function isInteger(s: string): boolean {
  const from = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (s.length === from) return false;
  for (let i = from; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 0x30 || c > 0x39) return false; }
  return true;
}

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && isInteger(v)) return Number(v);
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v)) return parseInt(v, 16);
  return null;
};
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Keywords as `0x…`: NXLog writes them as a signed 64-bit number (exact at -2^63) or as hex text. */
function keywords(v: unknown): string | null {
  if (typeof v === 'string') return v.startsWith('0x') ? v.toLowerCase() : v;
  if (typeof v === 'number' && Number.isInteger(v)) return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
  return null;
}

/**
 * How to pick an event's EventData out of an NXLog object, per catalog entry: the catalog
 * fields that may be data (not NXLog's own keys), and the keys the pass over the object in
 * source order skips (NXLog's keys and the catalog's, which the first pass took).
 */
interface DataPlan {
  readonly fields: readonly (FieldSpec & { readonly inherited: boolean })[];
  readonly skip: ReadonlySet<string>;
}

const NO_CATALOG: DataPlan = { fields: [], skip: NXLOG_METADATA };
const plans = new WeakMap<readonly FieldSpec[], DataPlan>();

function planOf(fields: readonly FieldSpec[] | null): DataPlan {
  if (fields === null) return NO_CATALOG;
  let plan = plans.get(fields);
  if (plan === undefined) {
    plan = {
      // `inherited`: a name that plain objects inherit (`constructor`…) needs an own-property check.
      fields: fields.filter((f) => !NXLOG_METADATA.has(f.name)).map((f) => ({ ...f, inherited: f.name in Object.prototype })),
      skip: new Set([...NXLOG_METADATA, ...fields.map((f) => f.name)]),
    };
    plans.set(fields, plan);
  }
  return plan;
}

/**
 * The EventData of an NXLog object: the fields the catalog knows for the event first, in
 * its order and with its types, then the others in their source order (what
 * `typedData(…, reorder)` makes of the fields in source order, in one pass). `EventType`
 * is data unless it holds one of NXLog's own event types.
 */
function eventData(o: Record<string, unknown>, fields: readonly FieldSpec[] | null): Record<string, EventValue> {
  const data: Record<string, EventValue> = {};
  const plan = planOf(fields);
  for (const f of plan.fields) {
    const v = o[f.name];
    if (v === undefined || (f.inherited && !Object.prototype.hasOwnProperty.call(o, f.name))) continue;
    if (f.name === 'EventType' && NXLOG_EVENT_TYPES.has(String(v))) continue;
    setField(data, f.name, coerceValue(jsonEventValue(v), f.type));
  }
  for (const k in o) {
    if (plan.skip.has(k)) continue;
    const v = o[k];
    if (k === 'EventType' && NXLOG_EVENT_TYPES.has(String(v))) continue;
    setField(data, k, jsonEventValue(v));
  }
  return data;
}

/**
 * Maps one NXLog object to an Event. Its `_time` is left as the raw local stamp in
 * `localTime` for the {@link LocalTimeFixer}; `line` is Windows' `Message` when present.
 */
export function eventFromNxlog(o: Record<string, unknown>): { event: Event; localTime: string | null; utcTime: string | null } {
  const id = num(o.EventID ?? o.EventId);
  if (id === null) throw new RecordError('NXLog JSON without a numeric EventID');
  const e = emptyEvent();
  e.event_id = id;
  e.provider = str(o.SourceName ?? o.ProviderName) ?? '';
  e.channel = str(o.Channel) ?? '';
  e.host = str(o.Hostname ?? o.Computer) ?? (typeof o.host === 'string' ? o.host : '');
  e.provider_guid = str(o.ProviderGuid);
  e.version = num(o.Version);
  e.level = num(o.Level);
  e.task = num(o.Task);
  e.opcode = num(o.OpcodeValue) ?? num(o.Opcode);
  e.keywords = keywords(o.Keywords);
  e.record_id = num(o.RecordNumber);
  e.process_id = num(o.ExecutionProcessID);
  e.thread_id = num(o.ExecutionThreadID ?? o.ThreadID);
  e.user_sid = str(o.UserID);
  e.activity_id = str(o.ActivityID);
  e.related_activity_id = str(o.RelatedActivityID);
  e.qualifiers = num(o.Qualifiers);
  e.data = eventData(o, eventFields(e.provider, e.event_id, e.version));
  if (typeof o.Message === 'string') e.line = o.Message;
  const local = str(o.EventTime ?? o.TimeCreated);
  const utc = local === null ? str(o['@timestamp']) : null;
  const sysmonUtc = e.provider === 'Microsoft-Windows-Sysmon' && typeof e.data.UtcTime === 'string' ? e.data.UtcTime : null;
  return { event: e, localTime: local, utcTime: utc ?? sysmonUtc };
}

/**
 * The minutes (as the number YYYYMMDDHHMM) of the last two stamps parsed, with their epoch
 * ms: stamps come in time order, so most share one. Two, because NXLog's local stamps and
 * Sysmon's UtcTime alternate in a minute of their own each.
 */
const minuteKeys = [-1, -1];
const minuteMs = [0, 0];
let minuteNext = 0;

/** The value of the decimal digit at `s[i]`, or -1000 (so that any sum with it is negative). */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 0x30;
  return d >= 0 && d <= 9 ? d : -1000;
}

/** The two digits at `s[i]`, `s[i + 1]` as a number, negative when one is not a digit. */
const digits2 = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.fff…][Z]` → [epoch ms as if UTC, fraction digits as written].
 * Date.UTC runs once per minute of stamps; seconds are added to the minute's ms (Date.UTC
 * carries over out-of-range fields linearly, so that is the same number).
 */
export function parseStamp(s: string): [number, string] | null {
  if (s.length < 19) return null;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || (sep !== 0x54 && sep !== 0x20) || s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return null;
  const year = digits2(s, 0) * 100 + digits2(s, 2);
  const month = digits2(s, 5);
  const day = digits2(s, 8);
  const hour = digits2(s, 11);
  const min = digits2(s, 14);
  const sec = digits2(s, 17);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || min < 0 || sec < 0) return null;
  let fraction = '';
  let end = s.length;
  if (s.charCodeAt(end - 1) === 0x5a) end--; // Z
  if (end > 19) {
    if (s.charCodeAt(19) !== 0x2e || end === 20) return null;
    for (let i = 20; i < end; i++) if (digit(s, i) < 0) return null;
    fraction = s.slice(20, end);
  }
  const key = (((year * 100 + month) * 100 + day) * 100 + hour) * 100 + min;
  let minute: number;
  if (key === minuteKeys[0]) minute = minuteMs[0];
  else if (key === minuteKeys[1]) minute = minuteMs[1];
  else {
    minute = Date.UTC(year, month - 1, day, hour, min, 0);
    if (Number.isNaN(minute)) return null;
    minuteKeys[minuteNext] = key;
    minuteMs[minuteNext] = minute;
    minuteNext ^= 1;
  }
  return [minute + sec * 1000, fraction];
}

const QUARTER_HOUR = 15 * 60 * 1000;

/**
 * Makes exporters' local time stamps UTC. Sysmon events carry `UtcTime`, the true UTC
 * time of the same moment, so each Sysmon event tells its host's offset (rounded to
 * 15 minutes: time zones are quarter hours); other events of the host take the offset of
 * the latest Sysmon event before them. That also repairs stamps printed on a 12-hour clock
 * (the offset then flips by 12 hours between morning and afternoon, as the events do).
 * Events met before any offset is known wait (bounded) for one.
 */
export class LocalTimeFixer {
  private readonly offsets = new Map<string, number>();
  private readonly waiting = new Map<string, { event: Event; stamp: [number, string] }[]>();
  private waitingCount = 0;
  /** Hosts whose stamps had to be taken as UTC. */
  readonly assumedUtc = new Set<string>();

  constructor(private readonly maxWaiting = 50_000) {}

  /**
   * Sets `event._time` (now or later) and returns the events whose time is final, in order.
   * `local`: the exporter's stamp; `utc`: a known UTC time of the same moment, if any.
   * `out`: the array to append them to and return (default: a new one).
   */
  accept(event: Event, local: string | null, utc: string | null, out: Event[] = []): Event[] {
    const stamp = local === null ? null : parseStamp(local);
    if (stamp === null) {
      const u = utc === null ? null : parseStamp(utc);
      event._time = u === null ? (utc ?? local ?? '') : iso(u[0], u[1]);
      out.push(event);
      return out;
    }
    const known = utc === null ? null : parseStamp(utc);
    if (known !== null) {
      const offset = Math.round((known[0] - stamp[0]) / QUARTER_HOUR) * QUARTER_HOUR;
      this.offsets.set(event.host, offset);
      this.release(event.host, offset, out);
    }
    const offset = this.offsets.get(event.host);
    if (offset !== undefined) {
      event._time = iso(stamp[0] + offset, stamp[1]);
      out.push(event);
      return out;
    }
    let list = this.waiting.get(event.host);
    if (list === undefined) { list = []; this.waiting.set(event.host, list); }
    list.push({ event, stamp });
    if (++this.waitingCount > this.maxWaiting) for (const e of this.flush()) out.push(e);
    return out;
  }

  /** Releases every waiting event, taking its stamp as UTC (no offset could be learned). */
  flush(): Event[] {
    const out: Event[] = [];
    for (const [host, list] of this.waiting) {
      if (list.length > 0) this.assumedUtc.add(host);
      for (const w of list) { w.event._time = iso(w.stamp[0], w.stamp[1]); out.push(w.event); }
    }
    this.waiting.clear();
    this.waitingCount = 0;
    return out;
  }

  private release(host: string, offset: number, out: Event[]): void {
    const list = this.waiting.get(host);
    if (list === undefined) return;
    this.waiting.delete(host);
    this.waitingCount -= list.length;
    for (const w of list) { w.event._time = iso(w.stamp[0] + offset, w.stamp[1]); out.push(w.event); }
  }
}

/** The last minute {@link iso} formatted: its epoch ms and `YYYY-MM-DDTHH:MM:`. */
let isoMinuteMs = NaN;
let isoMinutePrefix = '';

/** ISO 8601 UTC keeping the source's fraction digits (none, 3 for NXLog's milliseconds, …). */
export function iso(ms: number, fraction: string): string {
  const minute = Math.floor(ms / 60_000) * 60_000;
  let base: string;
  if (minute === isoMinuteMs && ms % 1000 === 0) base = isoMinutePrefix + pad2((ms - minute) / 1000);
  else {
    const full = new Date(ms).toISOString();
    base = full.slice(0, 19);
    // Only four-digit years have the fixed layout; others (±YYYYYY) are formatted each time.
    if (full.length === 24 && ms % 1000 === 0) { isoMinuteMs = minute; isoMinutePrefix = full.slice(0, 17); }
  }
  return fraction === '' ? base + 'Z' : `${base}.${fraction}Z`;
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
