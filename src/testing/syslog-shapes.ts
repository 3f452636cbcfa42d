/**
 * Windows events in the shapes syslog shippers send them, for tests (facts from NXLog's
 * xm_syslog writer and Snare's "Windows Event Output Format"; see src/server/syslog/):
 * - NXLog `to_syslog_bsd()` / `to_syslog_ietf()`: the message with each CR and LF as a space;
 * - NXLog `to_syslog_ietf()`: the event's fields as structured-data parameters, without the
 *   ones its writer keeps out (compared without case: Hostname, SourceName, ProcessID,
 *   Message, EventTime, the severities);
 * - Snare: TAB-separated fields, the message with each CR, LF and TAB as a space.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { Event } from '../event/index.js';

/** A message as a syslog sender flattens it: CR and LF (and TAB unless kept) become spaces. */
export function flatten(message: string, keepTabs: boolean): string {
  return message.replace(keepTabs ? /[\r\n]/g : /[\r\n\t]/g, ' ');
}

/** Fields NXLog's `to_syslog_ietf()` leaves out of the structured data (lower case). */
const NXLOG_SD_LEFT_OUT = new Set([
  'raw_event', 'eventtime', 'hostname', 'sourcename', 'message', 'messageid', 'processid',
  'severity', 'severityvalue', 'syslogseverity', 'syslogseverityvalue', 'syslogfacility', 'syslogfacilityvalue',
]);

/** The NXLog event type of an event (im_msvistalog's `EventType`). */
function nxlogEventType(e: Event): string {
  if (e.keywords === '0x8020000000000000') return 'AUDIT_SUCCESS';
  if (e.keywords === '0x8010000000000000') return 'AUDIT_FAILURE';
  return e.level === 2 ? 'ERROR' : e.level === 3 ? 'WARNING' : 'INFO';
}

/** An event's fields as NXLog `to_syslog_ietf()` writes them into `[NXLOG@14506 …]`. */
export function nxlogStructuredData(e: Event): Record<string, string> {
  const params: Record<string, string> = {
    EventID: String(e.event_id),
    Channel: e.channel,
    EventType: nxlogEventType(e),
    SourceModuleName: 'eventlog',
    SourceModuleType: 'im_msvistalog',
  };
  if (e.record_id !== null) params.RecordNumber = String(e.record_id);
  if (e.version !== null) params.Version = String(e.version);
  if (e.task !== null) params.Task = String(e.task);
  if (e.provider_guid !== null) params.ProviderGuid = e.provider_guid;
  if (e.process_id !== null) params.ExecutionProcessID = String(e.process_id);
  if (e.thread_id !== null) params.ThreadID = String(e.thread_id);
  if (e.user_sid !== null) params.UserID = e.user_sid;
  for (const [k, v] of Object.entries(e.data)) {
    if (NXLOG_SD_LEFT_OUT.has(k.toLowerCase()) || v === null || Array.isArray(v)) continue;
    params[k] = String(v);
  }
  return params;
}

/** An RFC 5424 PARAM-VALUE with its escapes (`"`, `\`, `]`). */
export function sdValue(v: string): string {
  return v.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** Snare's date field (`Fri Nov 27 09:58:51 2015`) for a UTC time (a host on UTC). */
export function snareDate(iso: string): string {
  const d = new Date(iso);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Snare's event type words. */
function snareEventType(e: Event): string {
  if (e.keywords === '0x8020000000000000') return 'Success Audit';
  if (e.keywords === '0x8010000000000000') return 'Failure Audit';
  return ({ 1: 'Critical', 2: 'Error', 3: 'Warning', 5: 'Verbose' } as Record<number, string>)[e.level ?? 4] ?? 'Information';
}

/**
 * The Snare fields after `MSWinEventLog` (criticality … event log counter), TAB-joined.
 *
 * @example
 * `<13>Nov 27 09:58:51 ${host} MSWinEventLog\t${snareFields(e, 1)}`
 */
export function snareFields(e: Event, counter: number): string {
  return [
    '1', e.channel, String(counter), snareDate(e._time), String(e.event_id), e.provider, 'N/A', 'N/A',
    snareEventType(e), e.host, 'N/A', '', flatten(e.line, false), e.record_id === null ? 'N/A' : String(e.record_id),
  ].join('\t');
}

/** Throws a clear error when util-linux `logger` (with octet counting, RFC 5424 and structured data) is missing. */
export function requireLogger(): void {
  const r = spawnSync('logger', ['--help'], { encoding: 'utf8' });
  if (r.error !== undefined || !/--octet-count/.test(r.stdout)) {
    throw new Error('the syslog tests need util-linux `logger` (with --octet-count, --rfc5424, --sd-param) on PATH; install util-linux (e.g. apt-get install bsdutils)');
  }
}

/** Sends syslog messages with util-linux `logger` to 127.0.0.1 (the test's real syslog client). */
export function logger(args: readonly string[]): Promise<void> {
  requireLogger();
  return new Promise((resolve, reject) => {
    const child = spawn('logger', ['-n', '127.0.0.1', '--size', '200000', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`logger ${args.slice(0, 6).join(' ')} … exited ${code}: ${stderr}`))));
  });
}
