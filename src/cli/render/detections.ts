/**
 * Printing hunt detections: a readable timeline (table), CSV for spreadsheets, or JSON
 * lines for pipelines. The table shows one headline per detection (time, level, rule,
 * host, event) and indented lines with the key fields and the process chain.
 */
import type { Detection } from '../../detect/index.js';
import type { EventValue } from '../../event/index.js';

/** Output formats of `haetae hunt`. */
export const DETECTION_FORMATS = ['table', 'csv', 'jsonl'] as const;
export type DetectionFormat = (typeof DETECTION_FORMATS)[number];

const CSV_COLUMNS = ['time', 'level', 'rule', 'rule_id', 'host', 'channel', 'event_id', 'record_id', 'target', 'fields', 'chain', 'file'] as const;

function text(v: EventValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(text).join(', ');
  return String(v);
}

function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i >= 0 ? path.slice(i + 1) : path;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header line of a format, or '' when it has none. */
export function detectionHeader(format: DetectionFormat): string {
  return format === 'csv' ? CSV_COLUMNS.join(',') + '\n' : '';
}

/**
 * One detection in `format`, newline-terminated.
 *
 * @example
 * out.write(formatDetection(d, 'table'));
 */
export function formatDetection(d: Detection, format: DetectionFormat): string {
  const chain = d.chain.map(basename).join(' > ');
  const fields = Object.entries(d.fields).map(([k, v]) => `${k}: ${text(v)}`);
  switch (format) {
    case 'jsonl':
      return JSON.stringify({
        time: d.time, level: d.level, rule: d.ruleTitle, rule_id: d.ruleId, tags: d.tags, host: d.host, channel: d.channel,
        event_id: d.eventId, record_id: d.recordId, target: d.target, fields: d.fields, chain: d.chain, correlation: d.correlation, file: d.file,
      }) + '\n';
    case 'csv':
      return [d.time, d.level, d.ruleTitle, d.ruleId, d.host, d.channel, String(d.eventId), d.recordId === null ? '' : String(d.recordId), d.target, fields.join(' | '), chain, d.file ?? '']
        .map(csvCell).join(',') + '\n';
    case 'table': {
      const when = d.time.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1Z');
      const event = d.correlation ? `correlation (${d.correlation.type}, ${d.correlation.events} events)` : `${d.target} record ${d.recordId ?? '?'}`;
      let s = `${when}  ${d.level.toUpperCase().padEnd(13)} ${d.ruleTitle}\n    host ${d.host || '?'} · ${event}\n`;
      for (const f of fields) s += `    ${f.replace(/[\r\n]+/g, ' ')}\n`;
      if (chain !== '') s += `    chain: ${chain}\n`;
      return s;
    }
  }
}
