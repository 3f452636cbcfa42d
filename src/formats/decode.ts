/**
 * One entry point for every input: `decodeFile` finds the format from the content (or
 * takes `format`), streams the file and yields batches of Events with the issues met.
 * Every Event leaves here with its `line`: Windows' own message when the source carried
 * it (NXLog `Message`, ECS `message`, XML `RenderingInfo`), else Haetae's rendering.
 */
import { closeSync } from 'node:fs';
import { isEvtxSignature, readEvtxFile } from '../evtx/index.js';
import { eventFromRecord, renderLine, type Event } from '../event/index.js';
import { eventFromEcs } from './ecs.js';
import { eventFromEvtxJson } from './evtx-json.js';
import { eventFromHaetaeJson, isHaetaeEvent } from './haetae-json.js';
import { JsonRecordReader } from './json-records.js';
import { restoreSecurityLineEnds } from './line-ends.js';
import { eventFromNxlog, LocalTimeFixer } from './nxlog.js';
import { eventFromMessage, isMessageTitle } from './rendered-text.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, readTextChunks, sniffOpen, type ReadMeter, type Sniffed, type SourceLine } from './source.js';
import { RecordError, type DecodedBatch, type InputFormat, type InputIssue } from './types.js';
import { decodeWindowsXml } from './windows-xml.js';

/** Options of {@link decodeFile}. */
export interface DecodeOptions {
  /** Force a format instead of detecting it. */
  readonly format?: InputFormat;
  /** Fill `line` where the source has no message (default true). */
  readonly render?: boolean;
  /** Longest accepted line of a line-based format (default 64 MiB). */
  readonly maxLineBytes?: number;
  /** EVTX: skip chunks whose checksum does not match. */
  readonly strictChecksums?: boolean;
}

/** What a file's content looks like: one of the formats, or `json` (shape decided per record). */
export type DetectedFormat = InputFormat | 'json';

/** Tells the format from the first bytes, or null when nothing fits. */
export function detectFormat(s: Sniffed): DetectedFormat | null {
  if (isEvtxSignature(s.headBytes)) return 'evtx';
  const head = s.head.trimStart();
  if (head.startsWith('<')) return 'xml';
  if (head.startsWith('{') || head.startsWith('[') || /^Record \d+\r?\n/.test(head)) return 'json';
  const first = head.split(/\r?\n/, 1)[0];
  if (isMessageTitle(first)) return 'text';
  return null;
}

/** The JSON shape of one object, for files whose format was detected as `json`. */
function jsonShape(o: Record<string, unknown>): InputFormat | null {
  if (o.Event !== null && typeof o.Event === 'object') return 'evtx-json';
  if (o.winlog !== null && typeof o.winlog === 'object') return 'ecs';
  if (isHaetaeEvent(o)) return 'haetae';
  if ('EventID' in o || 'EventId' in o) return 'nxlog';
  return null;
}

/**
 * Decodes one input file. Never throws on bad content: unreadable files, undetectable
 * formats and bad records become issues (file, line or offset, reason).
 *
 * @example
 * for await (const b of decodeFile('Security.xml')) for (const e of b.events) …
 */
export async function* decodeFile(file: string, options: DecodeOptions = {}): AsyncGenerator<DecodedBatch> {
  let sniffed: Sniffed;
  let fd: number | null;
  try {
    ({ sniffed, fd } = await sniffOpen(file));
  } catch (e) {
    yield { events: [], issues: [{ severity: 'error', file, reason: `cannot read: ${(e as Error).message}` }], bytes: 0 };
    return;
  }
  // The EVTX reader takes the open file over; every other path reads by name, so the
  // descriptor is closed as soon as the format is known.
  const opened: OpenedFile = {
    take: () => { const f = fd ?? undefined; fd = null; return f; },
    close: () => { if (fd !== null) { closeSync(fd); fd = null; } },
  };
  try {
    yield* decodeSniffed(file, sniffed, opened, options);
  } finally {
    opened.close();
  }
}

/** The sniffer's descriptor of a file: taken over by the EVTX reader, else closed. */
interface OpenedFile {
  /** The descriptor, now the caller's to close (undefined if already taken or closed). */
  take(): number | undefined;
  close(): void;
}

async function* decodeSniffed(file: string, sniffed: Sniffed, opened: OpenedFile, options: DecodeOptions): AsyncGenerator<DecodedBatch> {
  const format = options.format ?? detectFormat(sniffed);
  if (format !== 'evtx' || sniffed.gzip) opened.close();
  if (format === null) {
    yield { events: [], issues: [{ severity: 'error', file, line: 1, reason: 'cannot tell the input format from the content; use --input-format' }], bytes: 0 };
    return;
  }
  const render = options.render ?? true;
  const finish = (b: DecodedBatch): DecodedBatch => {
    if (render) for (const e of b.events) if (e.line === '') e.line = renderLine(e);
    return b;
  };
  const meter: ReadMeter = { bytesRead: () => 0 };
  let reported = 0;
  const progressed = (): number => { const now = meter.bytesRead(); const d = now - reported; reported = now; return d; };
  try {
    if (format === 'evtx') {
      if (sniffed.gzip) throw new RecordError('gzip-compressed EVTX: decompress it first');
      yield* decodeEvtxFile(file, options.strictChecksums ?? false, opened.take(), finish);
    } else if (format === 'xml') {
      for await (const b of decodeWindowsXml(file, readTextChunks(file, sniffed, meter))) yield finish({ ...b, bytes: progressed() });
    } else if (format === 'text') {
      for await (const b of decodeMessages(file, readLines(file, sniffed, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, meter))) yield finish({ ...b, bytes: progressed() });
    } else {
      for await (const b of decodeJson(file, format, readLines(file, sniffed, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, meter))) yield finish({ ...b, bytes: progressed() });
    }
  } catch (e) {
    // Read errors (a truncated gzip stream, an I/O error) end this file, not the run.
    yield { events: [], issues: [{ severity: 'error', file, reason: `stopped reading: ${(e as Error).message}` }], bytes: progressed() };
  }
}

async function* decodeEvtxFile(file: string, strictChecksums: boolean, fd: number | undefined, finish: (b: DecodedBatch) => DecodedBatch): AsyncGenerator<DecodedBatch> {
  let last = 0;
  let size: number | undefined;
  for await (const chunk of readEvtxFile(file, { strictChecksums, fd })) {
    if (chunk.fileSize !== undefined) size = chunk.fileSize;
    const events: Event[] = [];
    const issues: InputIssue[] = chunk.issues.map((i) => ({ severity: i.severity, file, chunk: i.chunk, offset: i.offset, reason: i.recordId !== undefined ? `record ${i.recordId}: ${i.reason}` : i.reason }));
    for (const r of chunk.records) {
      const e = eventFromRecord(r);
      if (e !== null) events.push(e);
      else issues.push({ severity: 'error', file, chunk: chunk.index, offset: r.offset, reason: `record ${r.recordId}: no <Event> element` });
    }
    const end = chunk.index < 0 ? 4096 : 4096 + (chunk.index + 1) * 65536;
    yield finish({ events, issues, bytes: Math.max(0, end - last) });
    last = Math.max(last, end);
  }
  // Chunks the reader skipped unread (never written, past the header's count) still count
  // as read: progress totals are file sizes. (The size comes with the header's item; a
  // stat per file was ~1% of a hunt.)
  if (size !== undefined && size > last) yield { events: [], issues: [], bytes: size - last };
}

/** JSON records → Events with the mapper of the forced format, or per record by shape. */
async function* decodeJson(file: string, format: InputFormat | 'json', batches: AsyncIterable<SourceLine[]>): AsyncGenerator<DecodedBatch> {
  const reader = new JsonRecordReader();
  const times = new LocalTimeFixer();
  const convert = (records: ReturnType<JsonRecordReader['read']>): DecodedBatch => {
    const events: Event[] = [];
    const issues: InputIssue[] = [];
    for (const r of records) {
      if (r.kind === 'bad') { issues.push({ severity: 'error', file, line: r.line, reason: `${r.reason}; record skipped` }); continue; }
      try {
        const shape = format === 'json' ? jsonShape(r.value) : format;
        switch (shape) {
          case 'nxlog': { const n = eventFromNxlog(r.value); restoreSecurityLineEnds(n.event); times.accept(n.event, n.localTime, n.utcTime, events); break; }
          case 'evtx-json': events.push(eventFromEvtxJson(r.value)); break;
          case 'ecs': events.push(eventFromEcs(r.value)); break;
          case 'haetae': events.push(eventFromHaetaeJson(r.value)); break;
          default: throw new RecordError(`unrecognised JSON shape (keys: ${Object.keys(r.value).slice(0, 8).join(', ')}); use --input-format`);
        }
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        issues.push({ severity: 'error', file, line: r.line, reason: `${e.message}; record skipped` });
      }
    }
    return { events, issues, bytes: 0 };
  };
  for await (const lines of batches) yield convert(reader.read(lines));
  const last = convert(reader.finish());
  for (const e of times.flush()) last.events.push(e);
  for (const host of times.assumedUtc) {
    last.issues.push({ severity: 'warning', file, reason: `host ${JSON.stringify(host)}: its time stamps are the exporter's local time and no Sysmon UtcTime told the offset; taken as UTC` });
  }
  yield last;
}

/** Rendered messages, each starting at a title line, → Events. */
async function* decodeMessages(file: string, batches: AsyncIterable<SourceLine[]>): AsyncGenerator<DecodedBatch> {
  let current: string[] = [];
  let start = 0;
  let strayFrom = 0;
  const flush = (events: Event[], issues: InputIssue[]): void => {
    if (current.length === 0) return;
    try { events.push(eventFromMessage(current.join('\r\n'))); } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      issues.push({ severity: 'error', file, line: start, reason: `${e.message}; message skipped` });
    }
    current = [];
  };
  for await (const lines of batches) {
    const events: Event[] = [];
    const issues: InputIssue[] = [];
    for (const l of lines) {
      if (l.kind === 'bad') { issues.push({ severity: 'error', file, line: l.line, reason: `${l.reason}; line skipped` }); continue; }
      if (isMessageTitle(l.text)) { flush(events, issues); current = [l.text]; start = l.line; strayFrom = 0; }
      else if (current.length > 0) current.push(l.text);
      else if (l.text.trim() !== '' && strayFrom === 0) { strayFrom = l.line; issues.push({ severity: 'error', file, line: l.line, reason: 'text before any Sysmon or Security message title; skipped up to the next title' }); }
    }
    yield { events, issues, bytes: 0 };
  }
  const events: Event[] = [];
  const issues: InputIssue[] = [];
  flush(events, issues);
  yield { events, issues, bytes: 0 };
}
