/**
 * A syslog message carrying a Windows event → an Event. What shippers put in syslog
 * (NXLog xm_syslog and im_msvistalog; Snare):
 * - NXLog `to_syslog_ietf()`: every field of the event as RFC 5424 structured data under
 *   `NXLOG@14506` (EventID, Channel, EventData fields…), the event time with its zone in the
 *   header, `Message` as MSG. Fields NXLog keeps out of the structured data (Hostname,
 *   SourceName, ProcessID — compared without case, so also Sysmon's ProcessId —, Message,
 *   the severities) come from the header and from the message.
 * - NXLog `to_json()` (with or without a syslog header): NXLog's flat JSON, read by
 *   {@link eventFromNxlog}; Winlogbeat-shaped JSON (`winlog`) by {@link eventFromEcs}.
 * - NXLog `to_syslog_bsd()`: `Message` alone after `SourceName[ProcessID]:`.
 * - Snare (and `to_syslog_snare()`): see snare.ts.
 * Messages flattened onto one line are restored first (flattened-message.ts), then parsed
 * with {@link eventFromMessage}.
 *
 * The event's host is the one the event names (Snare's computer field, NXLog's Hostname),
 * else the syslog header's host, else the sender's address. Its time is the most exact one
 * at hand: Sysmon's UtcTime, an RFC 5424 / RFC 3339 header stamp (it has a zone), a local
 * stamp made UTC by the {@link SenderClock}, and last the time of receipt.
 */
import { emptyEvent, renderLine, SECURITY_PROVIDER, typedData, type Event } from '../../event/index.js';
import { eventFromEcs, eventFromMessage, eventFromNxlog, RecordError, restoreSecurityLineEnds } from '../../formats/index.js';
import { bsdLocalStamp, isoLocalStamp, isoUtc, snareLocalStamp, type LocalStamp, type SenderClock } from './clock.js';
import { restoreMessage } from './flattened-message.js';
import type { SyslogMessage } from './header.js';
import { parseSnare, type SnareRecord } from './snare.js';

/** Where and when a message arrived, and the clock that makes senders' local stamps UTC. */
export interface ArrivalContext {
  /** The sender's address. */
  readonly peer: string;
  /** Epoch ms of receipt. */
  readonly receivedAt: number;
  readonly clock: SenderClock;
}

const NXLOG_SD_ID = /^NXLOG@\d+$/;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The Event a syslog message carries. Throws {@link RecordError} (the reason for the
 * receiver's log) when the message holds no Windows event Haetae can read.
 *
 * @example
 * eventFromSyslog(parseSyslog('<13>Nov 22 11:30:09 WEB01 Microsoft-Windows-Sysmon[2]: Process terminated:  RuleName: -  …'), arrival).event_id // 5
 */
export function eventFromSyslog(msg: SyslogMessage, arrival: ArrivalContext): Event {
  const text = msg.message.replace(/[\r\n\0]+$/, '');
  const sd = msg.structuredData.find((el) => NXLOG_SD_ID.test(el.id));
  let e: Event;
  if (sd !== undefined) e = fromNxlogFields(msg, sd.params, text);
  else if (text.startsWith('{')) e = fromJson(msg, text, arrival);
  else {
    let snare: SnareRecord | null;
    try { snare = parseSnare(text, msg.appName); } catch (err) { throw new RecordError((err as Error).message); }
    e = snare !== null ? fromSnare(msg, snare, arrival) : fromMessage(msg, text, arrival);
  }
  if (e.host === '') e.host = msg.hostname ?? arrival.peer;
  if (e._time === '') e._time = headerTime(msg, e.host, arrival)?.utc ?? isoUtc(arrival.receivedAt, '');
  if (e.line === '') e.line = renderLine(e);
  return e;
}

/**
 * A header stamp as UTC, with the local stamp it came from when it had no zone. A BSD
 * stamp has no year: it takes the year nearest `near` (the event's UTC time when known,
 * else the time of receipt).
 */
function headerTime(msg: SyslogMessage, host: string, arrival: ArrivalContext, near = arrival.receivedAt): { utc: string; local: LocalStamp | null } | null {
  const ts = msg.timestamp;
  if (ts === null) return null;
  if (/^\d{4}-\d\d-\d\dT/.test(ts)) {
    const ms = Date.parse(ts);
    return Number.isNaN(ms) ? null : { utc: isoUtc(ms, /\.(\d+)/.exec(ts)?.[1] ?? ''), local: null };
  }
  const local = bsdLocalStamp(ts, near);
  return local === null ? null : { utc: arrival.clock.toUtc(host, local, arrival.receivedAt), local };
}

/** A UTC time as written by Sysmon (`2024-05-01 10:00:00.123`) or as ISO 8601, as ISO UTC. */
function utcText(s: string | null): string | null {
  if (s === null) return null;
  const stamp = isoLocalStamp(s);
  if (stamp !== null) return isoUtc(stamp.ms, stamp.fraction);
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** NXLog's `to_syslog_ietf()`: fields from the structured data, the rest from header and message. */
function fromNxlogFields(msg: SyslogMessage, params: Readonly<Record<string, string>>, text: string): Event {
  const fields: Record<string, unknown> = { ...params };
  if (fields.Hostname === undefined && msg.hostname !== null) fields.Hostname = msg.hostname;
  if (fields.SourceName === undefined && msg.appName !== null) fields.SourceName = msg.appName;
  const { event: e, utcTime } = eventFromNxlog(fields);
  const restored = text === '' ? null : restoreMessage(text, e.provider === SECURITY_PROVIDER ? e.event_id : undefined);
  if (restored !== null) {
    e.line = restored;
    // Fields NXLog left out of the structured data (Sysmon's ProcessId) are in the message.
    let fromMessage: Event | null = null;
    try { fromMessage = eventFromMessage(restored); } catch { /* a message without a template: the fields stand alone */ }
    if (fromMessage !== null && fromMessage.event_id === e.event_id) {
      const merged = { ...e.data };
      for (const [k, v] of Object.entries(fromMessage.data)) if (!Object.prototype.hasOwnProperty.call(merged, k)) merged[k] = v;
      e.data = typedData(e.provider, e.event_id, e.version, merged, true);
    }
  } else if (text !== '') e.line = text;
  restoreSecurityLineEnds(e);
  e._time = utcText(utcTime) ?? '';
  return e;
}

/** NXLog JSON or Winlogbeat JSON as the message. */
function fromJson(msg: SyslogMessage, text: string, arrival: ArrivalContext): Event {
  let o: unknown;
  try { o = JSON.parse(text); } catch (err) { throw new RecordError(`JSON message does not parse: ${(err as Error).message}`); }
  if (!isObj(o)) throw new RecordError('JSON message is not an object');
  if (isObj(o.winlog)) return eventFromEcs(o);
  const { event: e, localTime, utcTime } = eventFromNxlog(o);
  restoreSecurityLineEnds(e);
  const host = e.host || (msg.hostname ?? arrival.peer);
  const utc = utcText(utcTime);
  const local = localTime === null ? null : isoLocalStamp(localTime);
  // As when the same JSON is read from a file (LocalTimeFixer): the local stamp moved by
  // the host's offset, which the event's UtcTime, when it has one, teaches first.
  if (utc !== null && local !== null) arrival.clock.learn(host, local, Date.parse(utc));
  e._time = local !== null ? arrival.clock.toUtc(host, local, arrival.receivedAt) : utc ?? '';
  return e;
}

/** Snare's event types → level; audit types also give the Security keywords. */
const SNARE_LEVELS: Readonly<Record<string, number>> = {
  Critical: 1, Error: 2, Warning: 3, Information: 4, Verbose: 5, 'Success Audit': 0, 'Failure Audit': 0,
};
const AUDIT_KEYWORDS: Readonly<Record<string, string>> = { 'Success Audit': '0x8020000000000000', 'Failure Audit': '0x8010000000000000' };

const known = (s: string): string | null => (s.trim() === '' || s === 'N/A' ? null : s.trim());

function fromSnare(msg: SyslogMessage, s: SnareRecord, arrival: ArrivalContext): Event {
  const restored = restoreMessage(s.message, s.channel === 'Security' ? s.eventId : undefined);
  let e: Event | null = null;
  if (restored !== null) {
    try { e = eventFromMessage(restored); } catch { e = null; }
  }
  if (e === null || e.event_id !== s.eventId) {
    // An event without a message template (System, Application…): its header fields and text.
    e = emptyEvent();
    e.event_id = s.eventId;
    e.line = s.message.trim();
  }
  e.channel = s.channel;
  e.provider = known(s.source) ?? e.provider;
  e.host = known(s.computer) ?? s.host ?? msg.hostname ?? arrival.peer;
  e.record_id = s.recordNumber;
  e.level = SNARE_LEVELS[s.eventType] ?? null;
  e.keywords = AUDIT_KEYWORDS[s.eventType] ?? null;
  const local = snareLocalStamp(s.date);
  if (local !== null) {
    if (e._time !== '') arrival.clock.learn(e.host, local, Date.parse(e._time));
    else e._time = arrival.clock.toUtc(e.host, local, arrival.receivedAt);
  }
  return e;
}

/** A rendered message alone (NXLog `to_syslog_bsd()`, or any sender of `Message`). */
function fromMessage(msg: SyslogMessage, text: string, arrival: ArrivalContext): Event {
  const restored = restoreMessage(text);
  if (restored === null) {
    throw new RecordError(`not a Windows event (no NXLog fields, JSON, Snare record, or Sysmon/Security message): ${JSON.stringify(text.slice(0, 80))}`);
  }
  const e = eventFromMessage(restored);
  e.host = msg.hostname ?? arrival.peer;
  if (e._time === '') e._time = headerTime(msg, e.host, arrival)?.utc ?? '';
  else {
    // Sysmon: the header's local stamp (NXLog writes EventTime there) and UtcTime give the offset.
    const header = headerTime(msg, e.host, arrival, Date.parse(e._time));
    if (header?.local) arrival.clock.learn(e.host, header.local, Date.parse(e._time));
  }
  return e;
}
