/**
 * Syslog over TCP: cutting a byte stream into messages (RFC 6587).
 *
 * Two framings exist and senders do not announce theirs:
 * - octet counting (§3.4.1): `MSG-LEN SP SYSLOG-MSG`, the length in bytes, no delimiter —
 *   the only framing that carries messages with line breaks intact (NXLog's
 *   `OutputType Syslog_TLS`/octet framing, `logger --octet-count`, rsyslog's `TCP_Framing`);
 * - non-transparent framing (§3.4.2): each message ends with LF; in the field also CRLF
 *   (Windows senders) or NUL (some Java and Snare relays).
 *
 * A syslog message starts with `<` (its PRI) and a headerless one (NXLog JSON lines, Snare's
 * own format) with `{` or a host name, so a frame that starts with a non-zero digit run and a
 * space is octet-counted and anything else is delimited: the framing is recognised at each
 * frame start, so it is found on a connection's first message and a connection that mixes
 * both (a relay restarting) is still read.
 *
 * Bytes, not text: octet counts are byte counts, and a UTF-8 character may be split across
 * TCP chunks.
 */

/** A frame that could not be read, with the reason (counted and logged by the receiver). */
export interface FramingProblem {
  readonly reason: string;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** Longest length prefix read (ten digits is already more than any limit). */
const MAX_LENGTH_DIGITS = 10;

/**
 * Cuts one connection's bytes into syslog messages.
 *
 * @example
 * const framer = new SyslogFramer(64 * 1024);
 * framer.push(Buffer.from('5 <13>a')).frames // [] (incomplete)
 */
export class SyslogFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of an oversized frame still to be skipped (octet counting), or -1 to skip to the next delimiter. */
  private skipping = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Takes the next chunk of the stream; returns the complete frames it finished. */
  push(chunk: Buffer): { frames: Buffer[]; problems: FramingProblem[] } {
    const frames: Buffer[] = [];
    const problems: FramingProblem[] = [];
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let pos = 0;
    while (pos < buf.length) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, buf.length - pos);
        this.skipping -= n;
        pos += n;
        continue;
      }
      if (this.skipping === -1) {
        const end = delimiterAt(buf, pos);
        if (end === -1) { pos = buf.length; break; }
        this.skipping = 0;
        pos = end + 1;
        continue;
      }
      const b = buf[pos];
      // Stray delimiters between frames (empty lines, an LF after an octet-counted frame).
      if (b === LF || b === CR || b === NUL) { pos++; continue; }
      if (b >= 0x31 && b <= 0x39) {
        const counted = this.octetCounted(buf, pos, frames, problems);
        if (counted === 'wait') break;
        if (counted !== 'not-counted') { pos = counted; continue; }
      }
      const end = delimiterAt(buf, pos);
      if (end === -1) {
        if (buf.length - pos > this.maxFrameBytes) {
          problems.push({ reason: `a line over the limit of ${this.maxFrameBytes} bytes without a line end: skipped to the next line end` });
          this.skipping = -1;
          pos = buf.length;
        }
        break;
      }
      const stop = end > pos && buf[end - 1] === CR ? end - 1 : end;
      if (stop - pos > this.maxFrameBytes) problems.push({ reason: `a line of ${stop - pos} bytes is over the limit of ${this.maxFrameBytes}: skipped` });
      else if (stop > pos) frames.push(buf.subarray(pos, stop));
      pos = end + 1;
    }
    buf = buf.subarray(pos);
    // Keep a copy of the rest, not a view holding the whole chunk alive.
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    return { frames, problems };
  }

  /** The connection ended: a last line without its LF is a message; a cut octet-counted frame is not. */
  end(): { frames: Buffer[]; problems: FramingProblem[] } {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    const skipped = this.skipping !== 0;
    this.skipping = 0;
    if (rest.length === 0 || skipped) return { frames: [], problems: [] };
    const header = /^([1-9][0-9]{0,9}) /.exec(rest.subarray(0, MAX_LENGTH_DIGITS + 1).toString('latin1'));
    if (header !== null) return { frames: [], problems: [{ reason: `connection closed inside an octet-counted frame (${rest.length - header[0].length} of ${header[1]} bytes received)` }] };
    let stop = rest.length;
    while (stop > 0 && (rest[stop - 1] === CR || rest[stop - 1] === NUL)) stop--;
    return { frames: stop > 0 ? [rest.subarray(0, stop)] : [], problems: [] };
  }

  /**
   * Reads an octet-counted frame at `pos` (which holds a non-zero digit): the position after
   * it, `wait` for more bytes, or `not-counted` when the digits are not a length prefix.
   */
  private octetCounted(buf: Buffer, pos: number, frames: Buffer[], problems: FramingProblem[]): number | 'wait' | 'not-counted' {
    let i = pos;
    while (i < buf.length && i - pos < MAX_LENGTH_DIGITS && isDigit(buf[i])) i++;
    if (i === buf.length) return 'wait';
    if (buf[i] !== SP) return 'not-counted';
    const length = Number(buf.toString('latin1', pos, i));
    const start = i + 1;
    if (length > this.maxFrameBytes) {
      problems.push({ reason: `an octet-counted frame of ${length} bytes is over the limit of ${this.maxFrameBytes}: skipped` });
      const available = Math.min(length, buf.length - start);
      this.skipping = length - available;
      return start + available;
    }
    if (buf.length - start < length) return 'wait';
    frames.push(buf.subarray(start, start + length));
    return start + length;
  }
}

/** The position of the next LF or NUL at or after `from`, or -1. */
function delimiterAt(buf: Buffer, from: number): number {
  const lf = buf.indexOf(LF, from);
  const nul = buf.indexOf(NUL, from);
  if (lf === -1) return nul;
  if (nul === -1) return lf;
  return Math.min(lf, nul);
}
