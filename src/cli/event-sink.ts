/**
 * Writing events out in any of Haetae's output formats, EVTX included: the one place
 * `haetae export` and `haetae sysmon simulate --write` turn events into a file.
 */
import { EvtxWriter, EvtxWriteError } from '../evtx/index.js';
import { eventToXml, type Event } from '../event/index.js';
import { csvHeader, formatEvent, OUTPUT_FORMATS, type OutputFormat } from '../formats/write.js';
import { UsageError } from './args.js';
import { openOutput, type TextOutput } from './output.js';

/** Formats an event sink can write: EVTX and the text formats of formats/write.ts. */
export const SINK_FORMATS = ['evtx', ...OUTPUT_FORMATS] as const;
/** One of {@link SINK_FORMATS}. */
export type SinkFormat = (typeof SINK_FORMATS)[number];

/** Events into one output; an event that cannot be encoded is skipped and reported. */
export class EventSink {
  written = 0;
  skipped = 0;
  private constructor(private readonly format: SinkFormat, private readonly evtx: EvtxWriter | null, private readonly text: TextOutput | null) {}

  /**
   * Opens `output` (stdout for text formats when undefined or `-`). EVTX needs a file:
   * it is written with seeks. Throws {@link UsageError} otherwise.
   */
  static async open(format: SinkFormat, output: string | undefined): Promise<EventSink> {
    if (format === 'evtx') {
      if (output === undefined || output === '-') throw new UsageError('EVTX output needs a file (it is binary and written with seeks)');
      return new EventSink(format, new EvtxWriter(output), null);
    }
    const text = openOutput(output);
    if (format === 'csv') await text.write(csvHeader() + '\n');
    return new EventSink(format, null, text);
  }

  /** Whether the reader went away (e.g. `| head`). */
  get closed(): boolean {
    return this.text?.closed ?? false;
  }

  /** Writes events; `onSkip` hears of each event that could not be encoded. */
  async write(events: readonly Event[], onSkip: (e: Event, reason: string) => void = () => {}): Promise<void> {
    if (this.text !== null) {
      let s = '';
      for (const e of events) s += formatEvent(e, this.format as OutputFormat) + '\n';
      await this.text.write(s);
      this.written += events.length;
      return;
    }
    for (const e of events) {
      try {
        this.evtx!.writeRecord(eventToXml(e), e._time);
        this.written++;
      } catch (err) {
        if (!(err instanceof EvtxWriteError)) throw err;
        this.skipped++;
        onSkip(e, err.message);
      }
    }
  }

  /** Finishes the file. */
  async close(): Promise<void> {
    this.evtx?.close();
    await this.text?.close();
  }
}
