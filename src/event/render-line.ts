/**
 * `line`: the message as Windows renders it, for the events Haetae has templates for
 * (every Sysmon event type; the Security events in security-message.ts). Other providers'
 * templates live in message DLLs on the machine that wrote the log, so their events get a
 * generic rendering, marked as such in its first line so nobody mistakes it for Windows' text.
 */
import type { Event, EventValue } from './event.js';
import { renderSecurityMessage, SECURITY_PROVIDER } from './security-message.js';
import { renderSysmonMessage, SYSMON_PROVIDER } from './sysmon-message.js';

/** The first-line mark of a generic rendering. */
export const GENERIC_RENDERING_MARK = '(generic rendering: no Windows message template)';

function text(v: EventValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  return String(v);
}

/**
 * Renders an Event's message: Windows' own text for Sysmon and the Security events with a
 * template; otherwise `<provider> <id> (generic rendering: …):` and one `Key: value` line
 * per field, CRLF-joined like Windows' messages.
 *
 * @example
 * renderLine(e) // 'Process Create:\r\nRuleName: -\r\nUtcTime: …'
 */
export function renderLine(e: Event): string {
  if (e.provider === SYSMON_PROVIDER || e.channel === 'Microsoft-Windows-Sysmon/Operational') {
    const s = renderSysmonMessage(e.event_id, e.data);
    if (s !== null) return s;
  } else if (e.provider === SECURITY_PROVIDER) {
    const s = renderSecurityMessage(e.event_id, e.data);
    if (s !== null) return s;
  }
  let s = `${e.provider || e.channel} ${e.event_id} ${GENERIC_RENDERING_MARK}:`;
  for (const k of Object.keys(e.data)) s += `\r\n${k}: ${text(e.data[k])}`;
  return s;
}
