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
