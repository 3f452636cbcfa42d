/**
 * Undoing an export artifact: some NXLog pipelines turn the CRLFs inside Security values
 * (privilege lists, access lists: `SeSecurityPrivilege\r\n\t\t\tSe…`) into bare LFs, while
 * the `Message` beside them keeps Windows' CRLFs (two of the three corpus exports). The
 * Security-Auditing provider writes CRLF in every multi-line value, so a bare LF there is
 * the exporter's doing.
 */
import { SECURITY_PROVIDER, type Event } from '../event/index.js';

/** Restores CRLF inside a Security event's string values when its Windows Message shows CRLF. */
export function restoreSecurityLineEnds(e: Event): void {
  if (e.provider !== SECURITY_PROVIDER || !e.line.includes('\r\n')) return;
  for (const k of Object.keys(e.data)) {
    const v = e.data[k];
    if (typeof v === 'string' && v.includes('\n')) e.data[k] = v.replace(/\r?\n/g, '\r\n');
  }
}
