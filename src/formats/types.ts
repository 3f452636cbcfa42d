/**
 * What every input decoder produces: batches of Events, and issues that say exactly
 * where input was skipped (file, line or offset, reason) so that nothing is lost silently.
 */
import type { Event, EventValue } from '../event/index.js';

/** The input formats Haetae reads. `--input-format` takes these names. */
export const INPUT_FORMATS = ['evtx', 'xml', 'evtx-json', 'nxlog', 'ecs', 'haetae', 'text'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** What each format is, for `--help` and error messages. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<InputFormat, string>> = {
  evtx: 'Windows .evtx files',
  xml: 'Windows event XML (Event Viewer export, wevtutil qe /f:xml, Get-WinEvent ToXml())',
  'evtx-json': 'Rust evtx_dump JSON or JSONL (#attributes shape)',
  nxlog: 'NXLog-style flat JSON lines (EventID, SourceName/Channel, EventTime/TimeCreated, fields)',
  ecs: 'Winlogbeat / Elastic Agent ECS JSON (winlog.event_data, @timestamp, host.name)',
  haetae: "Haetae's own Event JSON lines (haetae dump -f jsonl)",
  text: 'rendered messages: Sysmon or Security message text as Windows shows it',
};

/** A place in an input where something went wrong. */
export interface InputIssue {
  readonly severity: 'error' | 'warning';
  /** The input file. */
  readonly file: string;
  /** 1-based line of the record's start, for text formats. */
  readonly line?: number;
  /** Byte offset, for binary formats (EVTX chunk or record). */
  readonly offset?: number;
  /** EVTX chunk index (-1: file header). */
  readonly chunk?: number;
  /** What happened; the record was skipped unless severity is `warning`. */
  readonly reason: string;
}

/** A batch of decoded events with the issues met while decoding them. */
export interface DecodedBatch {
  readonly events: Event[];
  readonly issues: InputIssue[];
  /** Input bytes consumed since the previous batch (compressed size for gzip), for progress. */
  readonly bytes: number;
}

/** A decoder failure for one record; the driver reports it with file and line and goes on. */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

/**
 * A parsed JSON value as an Event value: scalars and arrays as they are, objects (which an
 * Event field cannot hold) as their JSON text, so nothing a shipper sent is dropped.
 */
export function jsonEventValue(v: unknown): EventValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(jsonEventValue);
  return JSON.stringify(v);
}
