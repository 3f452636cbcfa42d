/**
 * Snare's Windows event format (Snare Agent "SNARE" output, and NXLog's `to_syslog_snare()`
 * which imitates it): TAB-separated fields after the literal `MSWinEventLog`.
 *
 *   <host> MSWinEventLog <criticality> <log name> <Snare counter> <date> <event ID>
 *   <source> <user> <SID type> <event type> <computer> <category> <data> <expanded message>
 *   <event log counter> [<more optional fields>]
 *
 * (Snare documentation, "Windows Event Output Format"; NXLog xm_syslog's Snare writer.) The
 * date is the host's local time (`Fri Nov 27 09:58:51 2015`); the data string is usually
 * empty and the expanded message holds Windows' `Message`, with the delimiter (TAB) replaced
 * by a space and every CR and LF replaced by a space. The event log counter is the event's
 * record number. Over syslog the host moves into the syslog header (`<13>Nov 27 09:58:51
 * HOST MSWinEventLog<TAB>…`); senders that must write a syslog tag write `MSWinEventLog` as
 * the tag and the fields after it.
 */

/** The fields of one Snare record. */
export interface SnareRecord {
  /** The sender's host field (headerless Snare only). */
  readonly host: string | null;
  readonly criticality: string;
  /** The event log (channel): `Security`, `Microsoft-Windows-Sysmon/Operational`. */
  readonly channel: string;
  readonly date: string;
  readonly eventId: number;
  /** The provider (`Microsoft-Windows-Security-Auditing`). */
  readonly source: string;
  readonly user: string;
  readonly sidType: string;
  /** `Success Audit`, `Failure Audit`, `Information`, `Warning`, `Error`, `Critical`, `Verbose`. */
  readonly eventType: string;
  readonly computer: string;
  readonly category: string;
  /** The expanded message (or the data string when that is all there is). */
  readonly message: string;
  /** The event log counter (record number), when numeric. */
  readonly recordNumber: number | null;
}

const MARK = 'MSWinEventLog';
/** Fields from criticality to the expanded message. */
const REQUIRED_FIELDS = 13;

/**
 * Reads a Snare record from a syslog MSG (`MSWinEventLog<TAB>…`, or the fields after a
 * `MSWinEventLog` tag when `tag` says so) or from a headerless line (`HOST<TAB>MSWinEventLog<TAB>…`).
 * Returns null when the text is not Snare's; throws when it is but is cut short.
 *
 * @example
 * parseSnare('MSWinEventLog\t1\tSecurity\t7\tFri Nov 27 09:58:51 2015\t4688\t…', null)?.eventId // 4688
 */
export function parseSnare(text: string, tag: string | null): SnareRecord | null {
  let host: string | null = null;
  let fields: string[];
  if (text.startsWith(MARK + '\t')) fields = text.slice(MARK.length + 1).split('\t');
  else if (tag === MARK) fields = text.replace(/^\t/, '').split('\t');
  else {
    const tab = text.indexOf('\t');
    if (tab <= 0 || !text.startsWith(MARK + '\t', tab + 1) || /\s/.test(text.slice(0, tab))) return null;
    host = text.slice(0, tab);
    fields = text.slice(tab + 1 + MARK.length + 1).split('\t');
  }
  if (fields.length < REQUIRED_FIELDS) throw new Error(`Snare record with ${fields.length} fields after ${MARK} (at least ${REQUIRED_FIELDS} expected)`);
  const [criticality, channel, , date, id, source, user, sidType, eventType, computer, category, data, expanded, counter] = fields;
  if (!/^\d+$/.test(id.trim())) throw new Error(`Snare record with a non-numeric event ID ${JSON.stringify(id)}`);
  return {
    host, criticality, channel, date, eventId: Number(id), source, user, sidType, eventType, computer, category,
    message: expanded.trim() !== '' ? expanded : data,
    recordNumber: counter !== undefined && /^\d+$/.test(counter.trim()) ? Number(counter) : null,
  };
}
