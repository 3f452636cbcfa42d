/**
 * Winlogbeat / Elastic Agent documents (Elastic Common Schema) ↔ Events.
 *
 * Winlogbeat writes `winlog.event_data` values as strings, unnamed `<Data>` as `param1`,
 * `param2` … (kept as named fields: Service Control Manager names its Data `param1` too),
 * task/opcode/keywords by name and the level as `log.level` text; the field
 * catalog restores the binary types. Haetae's own ECS output ({@link eventToEcs}) is the
 * same shape plus what Winlogbeat leaves out, so that it reads back to the same Event:
 * numeric task/opcode as text in `winlog.task`/`winlog.opcode`, keywords as `0x…`, the
 * level in `event.severity` (ECS: "the source's numeric severity"), `winlog.qualifiers`.
 */
import { emptyEvent, setField, type Event, type EventValue } from '../event/index.js';
import { typedData } from '../event/field-catalog.js';
import { jsonEventValue, RecordError } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Winlogbeat's level names (EvtFormatMessage's, lower-cased) → event schema levels. */
const LEVELS: Readonly<Record<string, number>> = { critical: 1, error: 2, warning: 3, information: 4, info: 4, verbose: 5 };

/**
 * Maps one ECS document to an Event.
 *
 * @example
 * eventFromEcs({ '@timestamp': '2024-05-01T10:00:00.123Z', winlog: { channel: 'Security', event_id: '4688', … } })
 */
export function eventFromEcs(o: Obj): Event {
  const w = o.winlog;
  if (!isObj(w)) throw new RecordError('ECS document without a winlog object');
  const ev = isObj(o.event) ? o.event : {};
  const e = emptyEvent();
  e.event_id = num(w.event_id ?? ev.code) ?? 0;
  if (e.event_id === 0 && w.event_id === undefined && ev.code === undefined) throw new RecordError('ECS document without winlog.event_id or event.code');
  e.provider = str(w.provider_name ?? ev.provider) ?? '';
  e.provider_guid = str(w.provider_guid);
  e.channel = str(w.channel) ?? '';
  e.host = str(w.computer_name) ?? (isObj(o.host) ? str(o.host.name) ?? '' : '');
  e.qualifiers = num(w.qualifiers);
  e.version = num(w.version);
  e.level = num(ev.severity) ?? (isObj(o.log) && typeof o.log.level === 'string' ? LEVELS[o.log.level.toLowerCase()] ?? null : null);
  e.task = num(w.task);
  e.opcode = num(w.opcode);
  const kw = Array.isArray(w.keywords) ? w.keywords.find((k) => typeof k === 'string' && k.startsWith('0x')) : undefined;
  e.keywords = typeof kw === 'string' ? kw : null;
  e.record_id = num(w.record_id);
  if (isObj(w.process)) {
    e.process_id = num(w.process.pid);
    e.thread_id = isObj(w.process.thread) ? num(w.process.thread.id) : null;
  }
  e.user_sid = isObj(w.user) ? str(w.user.identifier) : null;
  e.activity_id = str(w.activity_id);
  e.related_activity_id = str(w.related_activity_id);
  e._time = str(o['@timestamp']) ?? '';
  const data: Record<string, EventValue> = {};
  if (isObj(w.event_data)) for (const k of Object.keys(w.event_data)) setField(data, k, jsonEventValue(w.event_data[k]));
  if (isObj(w.user_data)) for (const k of Object.keys(w.user_data)) if (k !== 'xml_name') setField(data, k, jsonEventValue(w.user_data[k]));
  e.data = typedData(e.provider, e.event_id, e.version, data, false);
  if (typeof o.message === 'string') e.line = o.message;
  return e;
}

/**
 * An Event as a Winlogbeat-shaped ECS document (see the module comment for the fields
 * Haetae adds so that the document reads back to the same Event).
 */
export function eventToEcs(e: Event): Obj {
  const winlog: Obj = {
    channel: e.channel,
    provider_name: e.provider,
    event_id: String(e.event_id),
    computer_name: e.host,
    record_id: e.record_id,
  };
  if (e.provider_guid !== null) winlog.provider_guid = e.provider_guid;
  if (e.version !== null) winlog.version = e.version;
  if (e.qualifiers !== null) winlog.qualifiers = e.qualifiers;
  if (e.task !== null) winlog.task = String(e.task);
  if (e.opcode !== null) winlog.opcode = String(e.opcode);
  if (e.keywords !== null) winlog.keywords = [e.keywords];
  if (e.process_id !== null || e.thread_id !== null) winlog.process = { pid: e.process_id, thread: { id: e.thread_id } };
  if (e.user_sid !== null) winlog.user = { identifier: e.user_sid };
  if (e.activity_id !== null) winlog.activity_id = e.activity_id;
  if (e.related_activity_id !== null) winlog.related_activity_id = e.related_activity_id;
  winlog.event_data = e.data;
  const doc: Obj = {
    '@timestamp': e._time,
    event: { code: String(e.event_id), provider: e.provider, kind: 'event', ...(e.level !== null ? { severity: e.level } : {}) },
    host: { name: e.host },
    winlog,
  };
  if (e.line !== '') doc.message = e.line;
  return doc;
}
