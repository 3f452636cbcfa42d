/**
 * Local time stamps from syslog senders → UTC.
 *
 * BSD syslog headers (`Nov 22 11:30:09`), Snare's date (`Fri Nov 27 09:58:51 2015`) and
 * NXLog's `EventTime` (`2024-05-01 10:00:00`) are the Windows host's local time with no
 * zone. Sysmon events carry `UtcTime`, the true UTC time of the same event, so each Sysmon
 * event that also has a local stamp tells its host's offset (rounded to a quarter hour:
 * time zones are quarter hours); the host's other events use the latest offset learned.
 * A host whose offset is unknown (no Sysmon events yet) is assumed to send in real time:
 * the offset is the difference between the local stamp and the time of receipt, rounded to
 * a quarter hour, when that is a possible time zone (UTC−12 … UTC+14) — wrong by the lag for
 * events sent late (a backlog after an outage) — and zero otherwise (the stamp is taken as
 * UTC). BSD stamps have no year: the year that puts the stamp nearest the receipt is used.
 */

const QUARTER_HOUR = 15 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A local stamp read as if it were UTC: epoch ms, and its fraction digits as written. */
export interface LocalStamp {
  readonly ms: number;
  readonly fraction: string;
}

/** `YYYY-MM-DD[T ]HH:MM:SS[.fff]` (NXLog EventTime) as a {@link LocalStamp}, or null. */
export function isoLocalStamp(s: string): LocalStamp | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  if (m === null) return null;
  return stamp(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ?? '');
}

/** Snare's `Fri Nov 27 09:58:51 2015` (also with a space-padded day) as a {@link LocalStamp}, or null. */
export function snareLocalStamp(s: string): LocalStamp | null {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(s.trim());
  const month = m === null ? -1 : MONTHS.indexOf(m[1]);
  if (m === null || month === -1) return null;
  return stamp(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), '');
}

/** A BSD `Mmm dd hh:mm:ss` (optionally `Mmm dd yyyy hh:mm:ss`) stamp, the year chosen nearest `receivedAt`. */
export function bsdLocalStamp(s: string, receivedAt: number): LocalStamp | null {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2})(?: (\d{4}))? (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(s);
  const month = m === null ? -1 : MONTHS.indexOf(m[1]);
  if (m === null || month === -1) return null;
  const at = (year: number): LocalStamp | null => stamp(year, month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ?? '');
  if (m[3] !== undefined) return at(Number(m[3]));
  const year = new Date(receivedAt).getUTCFullYear();
  const candidates = [at(year - 1), at(year), at(year + 1)].filter((c): c is LocalStamp => c !== null);
  candidates.sort((a, b) => Math.abs(a.ms - receivedAt) - Math.abs(b.ms - receivedAt));
  return candidates[0] ?? null;
}

function stamp(year: number, month: number, day: number, hour: number, min: number, sec: number, fraction: string): LocalStamp | null {
  const ms = Date.UTC(year, month, day, hour, min, sec);
  // Date.UTC rolls over out-of-range fields (Feb 30 → Mar 2): such a stamp is not a date.
  const d = new Date(ms);
  if (Number.isNaN(ms) || d.getUTCDate() !== day || d.getUTCMonth() !== month || hour > 23 || min > 59 || sec > 59) return null;
  return { ms, fraction };
}

/** ISO 8601 UTC keeping the stamp's fraction digits (none for second-precision stamps). */
export function isoUtc(ms: number, fraction: string): string {
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  return fraction === '' ? `${base}Z` : `${base}.${fraction}Z`;
}

/**
 * Per-host offsets between senders' local stamps and UTC.
 *
 * @example
 * const clock = new SenderClock();
 * clock.learn('WEB01', isoLocalStamp('2024-05-01 19:00:00')!, Date.parse('2024-05-01T10:00:00Z')); // KST
 * clock.toUtc('WEB01', isoLocalStamp('2024-05-01 19:05:00')!, Date.now()) // '2024-05-01T10:05:00Z'
 */
export class SenderClock {
  private readonly offsets = new Map<string, number>();

  /** Learns a host's offset from one event's local stamp and its true UTC time. */
  learn(host: string, local: LocalStamp, utcMs: number): void {
    const offset = Math.round((utcMs - local.ms) / QUARTER_HOUR) * QUARTER_HOUR;
    if (offset >= -14 * HOUR && offset <= 12 * HOUR) this.offsets.set(host.toLowerCase(), offset);
  }

  /** The host's learned offset (ms to add to a local stamp), if any. */
  offset(host: string): number | undefined {
    return this.offsets.get(host.toLowerCase());
  }

  /** A local stamp of `host` as ISO UTC (see the module comment for hosts with no offset yet). */
  toUtc(host: string, local: LocalStamp, receivedAt: number): string {
    let offset = this.offset(host);
    if (offset === undefined) {
      const guess = Math.round((receivedAt - local.ms) / QUARTER_HOUR) * QUARTER_HOUR;
      offset = guess >= -14 * HOUR && guess <= 12 * HOUR ? guess : 0;
    }
    return isoUtc(local.ms + offset, local.fraction);
  }
}
