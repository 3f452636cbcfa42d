/**
 * Haetae's normalized event: what every decoder (EVTX, XML, JSON, syslog) produces and
 * everything downstream (detection, store, queries) consumes. See DESIGN.md "Event model".
 */

/** A field value: as typed by the source where that is meaningful (PIDs, ports are numbers). */
export type EventValue = string | number | boolean | null | EventValue[];

/**
 * One Windows event.
 *
 * System fields are flat and always present (null when the source lacks them), so every
 * Event has the same shape. `data` keeps EventData/UserData in document order.
 *
 * @example
 * const e: Event = { _time: '2024-05-01T10:00:00.0000000Z', host: 'WEB01', channel: 'Security',
 *   provider: 'Microsoft-Windows-Security-Auditing', event_id: 4688, data: { NewProcessName: 'C:\\Windows\\System32\\cmd.exe' }, … };
 */
export interface Event {
  /** System/TimeCreated/@SystemTime: ISO 8601 UTC with the source's precision (7 digits from EVTX). */
  _time: string;
  /** System/Computer. */
  host: string;
  /** System/Channel, e.g. `Microsoft-Windows-Sysmon/Operational`, `Security`. */
  channel: string;
  /** System/Provider/@Name (or @EventSourceName for classic providers). */
  provider: string;
  /** System/Provider/@Guid as Windows shows it: `{UPPERCASE}`. */
  provider_guid: string | null;
  /** System/EventID. */
  event_id: number;
  /** System/EventID/@Qualifiers (classic event sources). */
  qualifiers: number | null;
  version: number | null;
  level: number | null;
  task: number | null;
  opcode: number | null;
  /** System/Keywords as `0x…` hex. */
  keywords: string | null;
  /** System/EventRecordID. */
  record_id: number | null;
  /** System/Execution/@ProcessID: the process that logged the event. */
  process_id: number | null;
  /** System/Execution/@ThreadID. */
  thread_id: number | null;
  /** System/Security/@UserID. */
  user_sid: string | null;
  /** System/Correlation/@ActivityID. */
  activity_id: string | null;
  /** System/Correlation/@RelatedActivityID. */
  related_activity_id: string | null;
  /**
   * EventData `<Data Name="X">` as `X`; unnamed `<Data>` elements as an array under
   * `Data`; `<Binary>` as `Binary`; UserData leaf elements by their names. A repeated
   * name gets `_2`, `_3` … so nothing is lost.
   */
  data: Record<string, EventValue>;
  /** The message as Windows renders it (CRLF-joined); empty until rendered. */
  line: string;
}

/** An Event with every system field empty, for decoders to fill. */
export function emptyEvent(): Event {
  return {
    _time: '', host: '', channel: '', provider: '', provider_guid: null, event_id: 0, qualifiers: null,
    version: null, level: null, task: null, opcode: null, keywords: null, record_id: null,
    process_id: null, thread_id: null, user_sid: null, activity_id: null, related_activity_id: null,
    data: {}, line: '',
  };
}

/**
 * Sets `data[key]`, also for the key `__proto__` (a plain assignment would change the
 * object's prototype instead): field names come from untrusted input.
 */
export function setField(data: Record<string, EventValue>, key: string, value: EventValue): void {
  if (key === '__proto__') Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
  else data[key] = value;
}

/** The number spelled by `count` ASCII digits of `s` at `from`, or -1 if one is not a digit. */
function digitsAt(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/**
 * `Date.parse(time)` for an {@link Event._time}: the ISO 8601 UTC form every decoder
 * writes (`2019-05-24T01:33:53.1124866Z`, up to nine fraction digits) is read by hand,
 * anything else goes to `Date.parse`. Same result, about three times faster: V8 takes
 * more than three fraction digits off its ISO fast path (~200 ns a call), and the
 * process tracker and correlation inputs parse a time per tracked event.
 *
 * @example
 * eventTimeMs('2019-05-24T01:33:53.1124866Z') === Date.parse('2019-05-24T01:33:53.1124866Z') // true
 */
export function eventTimeMs(time: string): number {
  const n = time.length;
  // YYYY-MM-DDTHH:MM:SS, then optionally '.' and fraction digits, then Z.
  if (n < 20 || time.charCodeAt(n - 1) !== 0x5a || time.charCodeAt(4) !== 0x2d || time.charCodeAt(7) !== 0x2d || time.charCodeAt(10) !== 0x54 ||
    time.charCodeAt(13) !== 0x3a || time.charCodeAt(16) !== 0x3a) return Date.parse(time);
  const year = digitsAt(time, 0, 4);
  const month = digitsAt(time, 5, 2);
  const day = digitsAt(time, 8, 2);
  const hour = digitsAt(time, 11, 2);
  const minute = digitsAt(time, 14, 2);
  const second = digitsAt(time, 17, 2);
  // Years below 100 (Date.UTC would read 1900 + y), field values out of range (24:00,
  // month 13, 31 April) and malformed text are Date.parse's to judge.
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Date.parse(time);
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return Date.parse(time);
  let ms = 0;
  if (n > 20) {
    const fraction = n - 21;
    // Past nine digits V8 reads the fraction as one number and loses its leading zeros
    // ('.0123456789' gives 123 ms): Date.parse's own answer, whatever it is, is the one.
    if (time.charCodeAt(19) !== 0x2e || fraction < 1 || fraction > 9) return Date.parse(time);
    for (let i = 20; i < n - 1; i++) { const d = time.charCodeAt(i) - 0x30; if (d < 0 || d > 9) return Date.parse(time); }
    // Milliseconds are the first three digits, the rest dropped (as Date.parse does).
    ms = fraction >= 3 ? digitsAt(time, 20, 3) : digitsAt(time, 20, fraction) * (fraction === 1 ? 100 : 10);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}
