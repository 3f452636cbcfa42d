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
import { typedData } from '../event/field-catalog.js';
import { RecordError } from './types.js';

/**
 * NXLog's and Logstash's own keys (im_msvistalog field list and what the corpus shows).
 * Everything else is EventData. `ProcessID` is absent on purpose: it is 5156's EventData.
 */
const METADATA = new Set([
  'EventID', 'EventId', 'Channel', 'Task', 'SourceName', 'ProviderName', 'Hostname', 'Computer', 'Message', 'Keywords',
  'SeverityValue', 'Severity', 'ProviderGuid', 'ExecutionProcessID', 'ExecutionThreadID', 'host', 'EventReceivedTime',
  'ThreadID', 'Opcode', 'OpcodeValue', 'EventTime', '@timestamp', 'SourceModuleType', 'SourceModuleName',
  'port', 'RecordNumber', '@version', 'Version', 'Category', 'tags', 'type', 'TimeCreated', 'ActivityID', 'RelatedActivityID',
  'ERROR_EVT_UNRESOLVED', 'Level', 'EventTypeOrignal', 'AccountName', 'Domain', 'AccountType', 'UserID', 'Qualifiers',
]);

/** NXLog's `EventType` values; any other `EventType` is EventData (Sysmon 12–14 have one). */
const NXLOG_EVENT_TYPES = new Set(['INFO', 'WARNING', 'ERROR', 'AUDIT_SUCCESS', 'AUDIT_FAILURE', 'VERBOSE', 'CRITICAL']);

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
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

const TEXT_VALUE = (v: unknown): EventValue => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(TEXT_VALUE);
  return JSON.stringify(v);
};

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
  const data: Record<string, EventValue> = {};
  for (const k in o) {
    if (METADATA.has(k) || (k === 'EventType' && NXLOG_EVENT_TYPES.has(String(o[k])))) continue;
    setField(data, k, TEXT_VALUE(o[k]));
  }
  e.data = typedData(e.provider, e.event_id, e.version, data, true);
  if (typeof o.Message === 'string') e.line = o.Message;
  const local = str(o.EventTime ?? o.TimeCreated);
  const utc = local === null ? str(o['@timestamp']) : null;
  const sysmonUtc = e.provider === 'Microsoft-Windows-Sysmon' && typeof e.data.UtcTime === 'string' ? e.data.UtcTime : null;
  return { event: e, localTime: local, utcTime: utc ?? sysmonUtc };
}

/** `YYYY-MM-DD[T ]HH:MM:SS[.fff…][Z]` → [epoch ms as if UTC, fraction digits as written]. */
function parseStamp(s: string): [number, string] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/.exec(s);
  if (m === null) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? null : [ms, m[7] ?? ''];
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
   */
  accept(event: Event, local: string | null, utc: string | null): Event[] {
    const stamp = local === null ? null : parseStamp(local);
    if (stamp === null) {
      const u = utc === null ? null : parseStamp(utc);
      event._time = u === null ? (utc ?? local ?? '') : iso(u[0], u[1]);
      return [event];
    }
    const known = utc === null ? null : parseStamp(utc);
    let released: Event[] = [];
    if (known !== null) {
      const offset = Math.round((known[0] - stamp[0]) / QUARTER_HOUR) * QUARTER_HOUR;
      this.offsets.set(event.host, offset);
      released = this.release(event.host, offset);
    }
    const offset = this.offsets.get(event.host);
    if (offset !== undefined) {
      event._time = iso(stamp[0] + offset, stamp[1]);
      released.push(event);
      return released;
    }
    let list = this.waiting.get(event.host);
    if (list === undefined) { list = []; this.waiting.set(event.host, list); }
    list.push({ event, stamp });
    if (++this.waitingCount > this.maxWaiting) return [...released, ...this.flush()];
    return released;
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

  private release(host: string, offset: number): Event[] {
    const list = this.waiting.get(host);
    if (list === undefined) return [];
    this.waiting.delete(host);
    this.waitingCount -= list.length;
    return list.map((w) => { w.event._time = iso(w.stamp[0] + offset, w.stamp[1]); return w.event; });
  }
}

/** ISO 8601 UTC keeping the source's fraction digits (none, 3 for NXLog's milliseconds, …). */
function iso(ms: number, fraction: string): string {
  const base = new Date(ms).toISOString().slice(0, 19);
  return fraction === '' ? base + 'Z' : `${base}.${fraction}Z`;
}
