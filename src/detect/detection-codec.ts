/**
 * The form in which a hunt writes detections to its spill files (spill-sort.ts): the
 * parts every detection of one rule target repeats (rule id, title, level, tags, target)
 * and the input file's path are written once, in memory, and each line refers to them by
 * number. A corpus detection was ~750 characters of JSON, of which ~400 were those
 * parts; a detection-heavy hunt writes most of its detections, so that was most of the
 * cost of spilling.
 *
 * The tables live as long as the codec (one hunt): they grow with distinct rule targets
 * and files, not with detections.
 *
 * @example
 * const codec = new DetectionCodec();
 * const back = codec.revive(JSON.parse(JSON.stringify(codec.store(d)))); // deepEqual(back, d)
 */
import type { EventValue } from '../event/index.js';
import type { Detection, Level } from './types.js';

/** What detections of one rule target share. */
interface RulePart {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: Level;
  readonly tags: readonly string[];
  readonly target: string;
}

/** A stored detection: references to shared parts, then its own values in a fixed order. */
type StoredDetection = [
  rule: number, time: string, host: string, channel: string, eventId: number, recordId: number | null,
  file: number, fields: Readonly<Record<string, EventValue>>, chain: readonly string[], correlation?: Detection['correlation'],
];

/** Writes detections compactly and reads them back (see the module comment). */
export class DetectionCodec {
  private readonly rules: RulePart[] = [];
  /** `ruleId` NUL `target` → the parts stored under it (more than one only when rules share an id). */
  private readonly ruleIndex = new Map<string, number[]>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();

  /** The JSON-ready form of `d`. */
  store(d: Detection): StoredDetection {
    const rule = this.ruleOf(d);
    let file = -1;
    if (d.file !== undefined) {
      const known = this.fileIndex.get(d.file);
      if (known !== undefined) file = known;
      else { this.fileIndex.set(d.file, (file = this.files.length)); this.files.push(d.file); }
    }
    const out: StoredDetection = [rule, d.time, d.host, d.channel, d.eventId, d.recordId, file, d.fields, d.chain];
    if (d.correlation !== undefined) out.push(d.correlation);
    return out;
  }

  private ruleOf(d: Detection): number {
    const key = `${d.ruleId}\u0000${d.target}`;
    let stored = this.ruleIndex.get(key);
    if (stored === undefined) this.ruleIndex.set(key, (stored = []));
    for (const i of stored) if (sameRule(this.rules[i], d)) return i;
    stored.push(this.rules.length);
    this.rules.push({ ruleId: d.ruleId, ruleTitle: d.ruleTitle, level: d.level, tags: d.tags, target: d.target });
    return this.rules.length - 1;
  }

  /**
   * The detection `json` (a parsed {@link store} result) stands for, with its properties
   * in the order a hunt builds them (JSON output is the same spilled or not).
   */
  revive(json: unknown): Detection {
    const [rule, time, host, channel, eventId, recordId, file, fields, chain, correlation] = json as StoredDetection;
    const r = this.rules[rule];
    if (r === undefined || (file !== -1 && this.files[file] === undefined)) throw new Error(`detection refers to unknown rule ${rule} or file ${file}`);
    const d: Detection = {
      ruleId: r.ruleId, ruleTitle: r.ruleTitle, level: r.level, tags: r.tags, time, host, channel, eventId, recordId,
      ...(file === -1 ? {} : { file: this.files[file] }), target: r.target, fields, chain,
    };
    return correlation === undefined ? d : { ...d, correlation };
  }
}

/** Whether `d` has the shared parts `r` (ids and targets already equal). */
function sameRule(r: RulePart, d: Detection): boolean {
  if (r.ruleTitle !== d.ruleTitle || r.level !== d.level) return false;
  if (r.tags === d.tags) return true;
  return r.tags.length === d.tags.length && r.tags.every((t, i) => t === d.tags[i]);
}
