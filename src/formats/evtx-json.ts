/**
 * The Rust `evtx_dump` JSON shape (`{"Event": {"#attributes": …, "System": …, "EventData": …}}`,
 * as Hayabusa, Chainsaw and SigmaHQ's regression data use it) → Events. The shaping rules
 * being undone are listed in ../evtx/render-json.ts, which writes the same shape.
 *
 * What the shape cannot carry back: evtx_dump trims string values, keeps FILETIME to the
 * microsecond and prints GUIDs without braces in upper case. GUIDs are restored to the
 * Event's form (`{lowercase}` in EventData, `{UPPERCASE}` in System); trimmed spaces and
 * the seventh time digit are gone.
 */
import { emptyEvent, setField, type Event, type EventValue } from '../event/index.js';
import { fieldTypes, typedData } from '../event/field-catalog.js';
import { RecordError } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const attr = (v: unknown, name: string): unknown => (isObj(v) && isObj(v['#attributes']) ? v['#attributes'][name] : undefined);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
/** Text of an element value: itself, or its `#text` beside `#attributes`. */
const text = (v: unknown): unknown => (isObj(v) ? v['#text'] : v);

const BARE_GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** System GUIDs as Windows shows them: `{UPPERCASE}`. */
function systemGuid(v: unknown): string | null {
  const s = str(v);
  if (s === null) return null;
  return BARE_GUID.test(s) ? `{${s.toUpperCase()}}` : s;
}

/** An EventData value in the Event's form (GUID braces are restored later, by field type). */
function dataValue(v: unknown): EventValue {
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(dataValue);
  if (isObj(v) && '#text' in v) return dataValue(v['#text']);
  return isObj(v) ? JSON.stringify(v) : null;
}

function readEventData(section: Obj, data: Record<string, EventValue>): void {
  for (const k of Object.keys(section)) {
    if (k === '#attributes') continue;
    const v = section[k];
    if (k === 'Data' && isObj(v) && '#text' in v) {
      const t = v['#text'];
      setField(data, 'Data', Array.isArray(t) ? t.map(dataValue) : [dataValue(t)]);
    } else setField(data, k, dataValue(v));
  }
}

/** UserData: leaf values under the wrapper element(s), by name (as the EVTX path reads them). */
function readUserData(section: Obj, data: Record<string, EventValue>): void {
  for (const k of Object.keys(section)) {
    if (k === '#attributes') continue;
    const v = section[k];
    const inner = isObj(v) ? Object.keys(v).filter((x) => x !== '#attributes' && x !== '#text') : [];
    if (isObj(v) && inner.length > 0) readUserData(v, data);
    else setField(data, k, dataValue(text(v) ?? null));
  }
}

/**
 * Maps one evtx_dump record to an Event.
 *
 * @example
 * eventFromEvtxJson(JSON.parse(line)).event_id
 */
export function eventFromEvtxJson(o: Obj): Event {
  const ev = o.Event;
  if (!isObj(ev) || !isObj(ev.System)) throw new RecordError('evtx_dump JSON without Event.System');
  const s = ev.System;
  const e = emptyEvent();
  e.provider = str(attr(s.Provider, 'Name')) ?? str(attr(s.Provider, 'EventSourceName')) ?? '';
  e.provider_guid = systemGuid(attr(s.Provider, 'Guid'));
  e.event_id = num(text(s.EventID)) ?? 0;
  e.qualifiers = num(attr(s.EventID, 'Qualifiers'));
  e.version = num(text(s.Version));
  e.level = num(text(s.Level));
  e.task = num(text(s.Task));
  e.opcode = num(text(s.Opcode));
  e.keywords = str(text(s.Keywords));
  e._time = str(attr(s.TimeCreated, 'SystemTime')) ?? '';
  e.record_id = num(text(s.EventRecordID));
  e.activity_id = systemGuid(attr(s.Correlation, 'ActivityID'));
  e.related_activity_id = systemGuid(attr(s.Correlation, 'RelatedActivityID'));
  e.process_id = num(attr(s.Execution, 'ProcessID'));
  e.thread_id = num(attr(s.Execution, 'ThreadID'));
  e.channel = str(text(s.Channel)) ?? '';
  e.host = str(text(s.Computer)) ?? '';
  e.user_sid = str(attr(s.Security, 'UserID'));
  const data: Record<string, EventValue> = {};
  for (const k of Object.keys(ev)) {
    const section = ev[k];
    if (!isObj(section)) continue;
    if (k === 'EventData' || k === 'ProcessingErrorData' || k === 'DebugData' || k === 'BinaryEventData') readEventData(section, data);
    else if (k === 'UserData') readUserData(section, data);
  }
  e.data = typedData(e.provider, e.event_id, e.version, restoreGuids(e, data), false);
  return e;
}

/**
 * evtx_dump prints GUID-typed values bare and uppercase; the Event holds them as Windows'
 * XML does, `{lowercase}`. A bare GUID in a field the catalog types as a plain string
 * (PowerShell's ScriptBlockId) was written bare and stays so; unknown fields get braces.
 */
function restoreGuids(e: Event, data: Record<string, EventValue>): Record<string, EventValue> {
  const types = fieldTypes(e.provider, e.event_id, e.version);
  const brace = (v: EventValue): EventValue =>
    typeof v === 'string' && BARE_GUID.test(v) ? `{${v.toLowerCase()}}` : Array.isArray(v) ? v.map(brace) : v;
  for (const k of Object.keys(data)) {
    const t = types?.get(k);
    if (t === undefined || t === 'guid' || t === 'any') data[k] = brace(data[k]);
  }
  return data;
}
