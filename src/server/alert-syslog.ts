/**
 * Alerts as syslog messages (RFC 5424), for the syslog sink:
 * `<PRI>1 TIMESTAMP HOSTNAME haetae PROCID MSGID [haetae@32473 id=… name=… …] BOM{json}`.
 *
 * - PRI = facility × 8 + severity (§6.2.1); severity from the alert level: critical 2
 *   (Critical), high 3 (Error), medium 4 (Warning), low 5 (Notice), informational 6.
 * - MSGID is the alert source (`stream` or `rule`).
 * - The structured data element's id uses 32473, the enterprise number reserved for
 *   documentation (RFC 5612): Haetae has no registered number of its own.
 * - MSG is the alert's JSON, UTF-8 with a BOM (§6.4).
 * Over TCP, messages are framed by octet counting (RFC 6587 §3.4.1: `LEN SP MSG`).
 */
import { hostname } from 'node:os';
import type { Level } from '../detect/index.js';
import type { Alert } from './alert-model.js';

const SEVERITY: Readonly<Record<Level, number>> = { critical: 2, high: 3, medium: 4, low: 5, informational: 6 };

/** §6.3.3: `"`, `\` and `]` are escaped with a backslash in a PARAM-VALUE. */
function paramValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** §6.2.4: HOSTNAME is 1–255 printable US-ASCII characters without spaces, or `-`. */
function headerHost(): string {
  const h = hostname().replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return h === '' ? '-' : h;
}

/**
 * The RFC 5424 message of an alert (without framing).
 *
 * @example
 * syslogMessage(alert, 16).toString() // '<131>1 2024-05-01T10:00:01.000Z web01 haetae 4242 stream [haetae@32473 id="7" …] \ufeff{…}'
 */
export function syslogMessage(alert: Alert, facility: number): Buffer {
  const pri = facility * 8 + SEVERITY[alert.level];
  const params: [string, string][] = [
    ['id', String(alert.id)], ['name', alert.name], ['level', alert.level], ['host', alert.host ?? ''], ['key', alert.key],
    ['count', String(alert.count)], ['time', alert.time],
  ];
  const sd = `[haetae@32473 ${params.map(([k, v]) => `${k}="${paramValue(v)}"`).join(' ')}]`;
  const header = `<${pri}>1 ${alert.raised_at} ${headerHost()} haetae ${process.pid} ${alert.source} ${sd} `;
  return Buffer.concat([Buffer.from(header, 'utf8'), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(alert), 'utf8')]);
}

/** An RFC 6587 octet-counted frame: the message's byte length, a space, the message. */
export function octetCounted(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
