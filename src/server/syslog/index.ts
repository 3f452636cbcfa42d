/**
 * Syslog carrying Windows events: framing a TCP stream (framing.ts), the RFC 5424 / 3164
 * header (header.ts), the shippers' payloads — NXLog fields and JSON, Snare records,
 * flattened messages — as Events (windows-event.ts, snare.ts, flattened-message.ts), local
 * time stamps made UTC (clock.ts), and a rate-limited problem log. Public face of the
 * module; the receiver that listens is ../syslog.ts.
 */
export { SyslogFramer, type FramingProblem } from './framing.js';
export { parseSyslog, type SdElement, type SyslogMessage } from './header.js';
export { eventFromSyslog, type ArrivalContext } from './windows-event.js';
export { restoreMessage } from './flattened-message.js';
export { parseSnare, type SnareRecord } from './snare.js';
export { SenderClock, bsdLocalStamp, isoLocalStamp, isoUtc, snareLocalStamp, type LocalStamp } from './clock.js';
export { ProblemLog } from './problem-log.js';
