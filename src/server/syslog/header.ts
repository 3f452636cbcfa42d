/**
 * A syslog message's header: RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`) or
 * RFC 3164, the BSD format (`<PRI>Mmm dd hh:mm:ss HOST TAG[pid]: MSG`), or no header at all
 * (shippers writing JSON lines or Snare's own format straight to TCP).
 *
 * RFC 3164 describes what was seen in the wild rather than a grammar, so the BSD reader is
 * lenient the way receivers are: the host may be missing (the token after the time stamp is
 * then the tag, ending in `:` or `[`), a tag is optional, and an RFC 3339 time stamp is
 * accepted in place of the BSD one. Structured data (RFC 5424 §6.3) is read with its
 * escapes (`\"`, `\\`, `\]`); NXLog's `to_syslog_ietf()` puts every field of the event
 * there, under the SD-ID `NXLOG@14506`.
 */

/** One structured-data element: its SD-ID and its parameters in order. */
export interface SdElement {
  readonly id: string;
  readonly params: Readonly<Record<string, string>>;
}

/** A syslog message split into its header fields and its MSG. */
export interface SyslogMessage {
  readonly format: 'rfc5424' | 'rfc3164' | 'none';
  /** PRI's facility and severity (null without a PRI). */
  readonly facility: number | null;
  readonly severity: number | null;
  /** The time stamp as written (null when absent or `-`). */
  readonly timestamp: string | null;
  readonly hostname: string | null;
  /** RFC 5424 APP-NAME, or the RFC 3164 tag. */
  readonly appName: string | null;
  readonly procId: string | null;
  readonly msgId: string | null;
  readonly structuredData: readonly SdElement[];
  /** The message text (a UTF-8 BOM removed). */
  readonly message: string;
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
/** `Mmm dd hh:mm:ss` (day space-padded), optionally with a year (some Cisco-style senders). */
const BSD_STAMP = new RegExp(`^(?:${MONTHS}) [ 0-9]\\d(?: \\d{4})? \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?`);
/** RFC 3339, as RFC 5424 and many "BSD" senders (rsyslog) write it. */
const ISO_STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/;
/** A BSD tag: what NXLog and logger write (Windows provider names have `-`). */
const TAG = /^([A-Za-z0-9_./-]{1,64})(?:\[([^\]\s]*)\])?:(?: |$)/;

const nil = (s: string): string | null => (s === '-' ? null : s);

/**
 * Splits one message (one frame or datagram, as text) into header and MSG. Never throws:
 * text without a PRI is a headerless message.
 *
 * @example
 * parseSyslog('<13>1 2024-05-01T10:00:00Z WEB01 Microsoft-Windows-Sysmon 4 - - Process Create:…').hostname // 'WEB01'
 */
export function parseSyslog(text: string): SyslogMessage {
  const pri = /^<(\d{1,3})>/.exec(text);
  if (pri === null || Number(pri[1]) > 191) return headerless(text);
  const value = Number(pri[1]);
  const rest = text.slice(pri[0].length);
  const base = { facility: value >> 3, severity: value & 7 };
  if (rest.startsWith('1 ')) {
    const m = rfc5424(rest.slice(2));
    if (m !== null) return { ...base, ...m };
  }
  return { ...base, ...rfc3164(rest) };
}

function headerless(text: string): SyslogMessage {
  return { format: 'none', facility: null, severity: null, timestamp: null, hostname: null, appName: null, procId: null, msgId: null, structuredData: [], message: stripBom(text) };
}

const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

type Fields = Omit<SyslogMessage, 'facility' | 'severity'>;

/** RFC 5424 after `<PRI>1 `, or null when the header does not have its shape. */
function rfc5424(s: string): Fields | null {
  let pos = 0;
  const token = (): string | null => {
    const sp = s.indexOf(' ', pos);
    if (sp === -1) return null;
    const t = s.slice(pos, sp);
    pos = sp + 1;
    return t === '' ? null : t;
  };
  const timestamp = token();
  const hostname = token();
  const appName = token();
  const procId = token();
  const msgId = token();
  if (timestamp === null || hostname === null || appName === null || procId === null || msgId === null) return null;
  if (timestamp !== '-' && !ISO_STAMP.test(timestamp)) return null;
  const sd = structuredData(s, pos);
  if (sd === null) return null;
  let message = s.slice(sd.end);
  if (message.startsWith(' ')) message = message.slice(1);
  return {
    format: 'rfc5424', timestamp: nil(timestamp), hostname: nil(hostname), appName: nil(appName), procId: nil(procId), msgId: nil(msgId),
    structuredData: sd.elements, message: stripBom(message),
  };
}

/** STRUCTURED-DATA at `pos`: `-` or `[ID p="v" …]…`; null when malformed. */
function structuredData(s: string, pos: number): { elements: SdElement[]; end: number } | null {
  if (s[pos] === '-' && (pos + 1 === s.length || s[pos + 1] === ' ')) return { elements: [], end: pos + 1 };
  const elements: SdElement[] = [];
  while (s[pos] === '[') {
    pos++;
    const idEnd = s.slice(pos).search(/[ \]]/);
    if (idEnd <= 0) return null;
    const id = s.slice(pos, pos + idEnd);
    pos += idEnd;
    const params: Record<string, string> = {};
    while (s[pos] === ' ') {
      pos++;
      const eq = s.indexOf('="', pos);
      if (eq <= pos) return null;
      const name = s.slice(pos, eq);
      if (/[ \]"]/.test(name)) return null;
      pos = eq + 2;
      let value = '';
      for (;;) {
        if (pos >= s.length) return null;
        const c = s[pos];
        if (c === '\\' && (s[pos + 1] === '"' || s[pos + 1] === '\\' || s[pos + 1] === ']')) { value += s[pos + 1]; pos += 2; continue; }
        if (c === '"') { pos++; break; }
        value += c;
        pos++;
      }
      // A name given twice keeps its first value (RFC 5424 leaves it to the receiver).
      if (!Object.prototype.hasOwnProperty.call(params, name)) params[name] = value;
    }
    if (s[pos] !== ']') return null;
    pos++;
    elements.push({ id, params });
  }
  if (elements.length === 0) return null;
  return { elements, end: pos };
}

/** RFC 3164 after `<PRI>` (lenient; see the module comment). */
function rfc3164(s: string): Fields {
  let pos = 0;
  let timestamp: string | null = null;
  const stamp = BSD_STAMP.exec(s) ?? ISO_STAMP.exec(s);
  if (stamp !== null) {
    timestamp = stamp[0];
    pos = stamp[0].length;
    while (s[pos] === ' ') pos++;
  }
  let hostname: string | null = null;
  const hostEnd = s.slice(pos).search(/[ \t]/);
  const first = hostEnd === -1 ? s.slice(pos) : s.slice(pos, pos + hostEnd);
  // The token after the time stamp is the host unless it is already the tag (`tag:`, `tag[pid]:`).
  if (timestamp !== null && first !== '' && s[pos + first.length] === ' ' && !TAG.test(s.slice(pos))) {
    hostname = first;
    pos += first.length + 1;
  }
  const tag = TAG.exec(s.slice(pos));
  let appName: string | null = null;
  let procId: string | null = null;
  if (tag !== null) {
    appName = tag[1];
    procId = tag[2] ?? null;
    pos += tag[0].length;
  }
  return { format: 'rfc3164', timestamp, hostname, appName, procId, msgId: null, structuredData: [], message: stripBom(s.slice(pos)) };
}
