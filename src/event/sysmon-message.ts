/**
 * Sysmon's rendered message (what Event Viewer shows and what log shippers put in
 * `Message`), both ways: rendering from an event's data, and parsing a message alone
 * back into fields (Logpresso-style `line` inputs). Format, from the Sysmon manifest and
 * ../shared/specs/windows-events.md §2: the task title and a colon, then one
 * `Field: value` line per field in the event's order, CRLF-joined; empty values show `-`.
 */
import type { EventValue } from './event.js';

/** The provider name Sysmon logs under. */
export const SYSMON_PROVIDER = 'Microsoft-Windows-Sysmon';

/** Message titles (first line, without the colon) by Sysmon event ID. */
export const SYSMON_TITLES: Readonly<Record<number, string>> = {
  1: 'Process Create',
  2: 'File creation time changed',
  3: 'Network connection detected',
  4: 'Sysmon service state changed',
  5: 'Process terminated',
  6: 'Driver loaded',
  7: 'Image loaded',
  8: 'CreateRemoteThread detected',
  9: 'RawAccessRead detected',
  10: 'Process accessed',
  11: 'File created',
  12: 'Registry object added or deleted',
  13: 'Registry value set',
  14: 'Registry object renamed',
  15: 'File stream created',
  16: 'Sysmon config state changed',
  17: 'Pipe Created',
  18: 'Pipe Connected',
  19: 'WmiEventFilter activity detected',
  20: 'WmiEventConsumer activity detected',
  21: 'WmiEventConsumerToFilter activity detected',
  22: 'Dns query',
  23: 'File Delete archived',
  24: 'Clipboard changed',
  25: 'Process Tampering',
  26: 'File Delete logged',
  27: 'File Block Executable',
  28: 'File Block Shredding',
  29: 'File Executable Detected',
  255: 'Error report',
};

const EVENT_BY_TITLE: ReadonlyMap<string, number> = new Map(Object.entries(SYSMON_TITLES).map(([id, title]) => [title, Number(id)]));

const HEX_INT = /^0x[0-9a-f]+$/;

/**
 * A value as Sysmon's message shows it: text, `-` when empty. Hex integers (LogonId,
 * GrantedAccess) are lowercase in the event XML but uppercase in the message Windows
 * renders (`0x62F2D`), as 871 of 871 such values in the corpus' NXLog exports show.
 */
function messageValue(v: EventValue | undefined): string {
  if (v === null || v === undefined || v === '') return '-';
  // Strings first and without the regex unless they start with `0x`: this runs for every
  // field of every rendered event (see bench: generating 10 million events).
  if (typeof v === 'string') return v.charCodeAt(0) === 48 && v.charCodeAt(1) === 120 && HEX_INT.test(v) ? '0x' + v.slice(2).toUpperCase() : v;
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map((x) => messageValue(x)).join(',');
  return String(v);
}

/**
 * Renders a Sysmon event's message, or null for an event ID Sysmon does not define.
 *
 * @example
 * renderSysmonMessage(5, { RuleName: '-', UtcTime: '2024-05-01 10:00:00.000', ProcessGuid: '{…}', ProcessId: 4120, Image: 'C:\\…\\w3wp.exe' })
 * // 'Process terminated:\r\nRuleName: -\r\nUtcTime: 2024-05-01 10:00:00.000\r\n…'
 */
export function renderSysmonMessage(eventId: number, data: Readonly<Record<string, EventValue>>): string | null {
  const title = SYSMON_TITLES[eventId];
  if (title === undefined) return null;
  const keys = Object.keys(data);
  let s = title + ':';
  for (let i = 0; i < keys.length; i++) {
    const v = messageValue(data[keys[i]]);
    if (v.includes('%')) return renderWithInserts(title, keys, data);
    s += '\r\n' + keys[i] + ': ' + v;
  }
  return s;
}

/** The message of an event where some value holds a `%`: every value is needed first. */
function renderWithInserts(title: string, keys: readonly string[], data: Readonly<Record<string, EventValue>>): string {
  const values = keys.map((k) => messageValue(data[k]));
  let s = title + ':';
  for (let i = 0; i < keys.length; i++) s += '\r\n' + keys[i] + ': ' + (values[i].includes('%') ? expandInserts(values[i], values) : values[i]);
  return s;
}

/**
 * Windows' message formatting expands `%N` found *inside* an inserted value as the N-th
 * insert of the same event (one pass). A registry path with `%5C` therefore shows as
 * `3736C` when the 5th field, ProcessId, is 3736 — seen in the corpus' NXLog exports,
 * and reproduced here so that Haetae's `line` is the text Windows shows.
 */
function expandInserts(value: string, values: readonly string[]): string {
  return value.replace(/%([1-9][0-9]?)/g, (m, digits: string) => {
    const n = Number(digits);
    return n <= values.length ? values[n - 1] : m;
  });
}

/** A Sysmon message parsed back into its parts. */
export interface ParsedSysmonMessage {
  /** The event ID the title names, or null for an unknown title. */
  readonly eventId: number | null;
  readonly title: string;
  /** Fields in message order, values as text (`-` kept as written). */
  readonly data: Record<string, string>;
}

/** A field line: an identifier, a colon, a space (or nothing) and the value. */
const FIELD_LINE = /^([A-Za-z][A-Za-z0-9]*): ?(.*)$/s;

/**
 * Parses a Sysmon message. Lines that do not start with `Name:` continue the previous
 * value (a command line can contain line breaks); returns null when the first line is
 * not a `Title:` line.
 *
 * @example
 * parseSysmonMessage('Process terminated:\r\nRuleName: -\r\nProcessId: 4824').data.ProcessId // '4824'
 */
export function parseSysmonMessage(text: string): ParsedSysmonMessage | null {
  const lines = text.split('\r\n');
  const first = lines[0];
  if (!first.endsWith(':')) return null;
  const title = first.slice(0, -1);
  const data: Record<string, string> = {};
  let last: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const m = FIELD_LINE.exec(lines[i]);
    if (m && !Object.prototype.hasOwnProperty.call(data, m[1])) {
      data[m[1]] = m[2];
      last = m[1];
    } else if (last !== null) {
      data[last] += '\r\n' + lines[i];
    } else {
      return null;
    }
  }
  return { eventId: EVENT_BY_TITLE.get(title) ?? null, title, data };
}
