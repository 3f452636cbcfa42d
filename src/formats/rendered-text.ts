/**
 * Rendered messages → Events: a Sysmon or Security message alone, as Logpresso keeps it in
 * `line` or as a syslog/file exporter writes it. A file may hold many messages; each starts
 * at a line that is a message's title (`Process Create:`, `A new process has been created.`).
 *
 * What the text carries is all there is: Sysmon's `UtcTime` gives the time, the message
 * gives the event ID and fields; the host, record ID and the like stay empty.
 */
import {
  emptyEvent, parseSecurityMessage, parseSysmonMessage, SECURITY_PROVIDER, securityMessageTitles, SYSMON_PROVIDER, SYSMON_TITLES, typedData, type Event,
} from '../event/index.js';
import { RecordError } from './types.js';

let titles: Set<string> | null = null;

/** True when `line` starts a Sysmon or Security message. */
export function isMessageTitle(line: string): boolean {
  if (titles === null) {
    titles = new Set([...Object.values(SYSMON_TITLES).map((t) => t + ':'), ...securityMessageTitles()]);
  }
  return titles.has(line);
}

/** Sysmon's `UtcTime` (`2024-05-01 10:00:00.123`) as ISO 8601 UTC, or '' when absent. */
function sysmonTime(v: unknown): string {
  return typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? v.replace(' ', 'T') + 'Z' : '';
}

/**
 * Parses one rendered message (CRLF or LF line ends) into an Event whose `line` is the
 * message with CRLF line ends. Throws {@link RecordError} when it is neither Sysmon nor Security.
 *
 * @example
 * eventFromMessage('Process terminated:\r\nRuleName: -\r\nUtcTime: 2024-05-01 10:00:00.000\r\n…').event_id // 5
 */
export function eventFromMessage(message: string): Event {
  const text = (message.includes('\r\n') ? message : message.replace(/\n/g, '\r\n')).replace(/(\r\n)+$/, '');
  const e = emptyEvent();
  e.line = text;
  const sysmon = parseSysmonMessage(text);
  if (sysmon !== null && sysmon.eventId !== null) {
    e.provider = SYSMON_PROVIDER;
    e.channel = 'Microsoft-Windows-Sysmon/Operational';
    e.event_id = sysmon.eventId;
    e.data = typedData(e.provider, e.event_id, null, sysmon.data, false);
    e._time = sysmonTime(sysmon.data.UtcTime);
    return e;
  }
  const security = parseSecurityMessage(text);
  if (security !== null) {
    e.provider = SECURITY_PROVIDER;
    e.channel = 'Security';
    e.event_id = security.eventId;
    e.data = typedData(e.provider, e.event_id, null, security.data, false);
    return e;
  }
  throw new RecordError(`not a Sysmon or Security message: ${JSON.stringify(text.split('\r\n')[0].slice(0, 80))}`);
}
