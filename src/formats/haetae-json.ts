/**
 * Haetae's own Event JSON lines (`haetae dump -f jsonl`) read back: the shape is the
 * Event itself, checked field by field so that a foreign object is refused, not half-read.
 */
import { emptyEvent, type Event, type EventValue } from '../event/index.js';
import { RecordError } from './types.js';

const NUMBER_FIELDS = ['event_id', 'qualifiers', 'version', 'level', 'task', 'opcode', 'record_id', 'process_id', 'thread_id'] as const;
const STRING_FIELDS = ['_time', 'host', 'channel', 'provider', 'line'] as const;
const NULLABLE_STRINGS = ['provider_guid', 'keywords', 'user_sid', 'activity_id', 'related_activity_id'] as const;

/** True when an object looks like a Haetae Event (used by format detection too). */
export function isHaetaeEvent(o: Record<string, unknown>): boolean {
  return typeof o.event_id === 'number' && typeof o._time === 'string' && o.data !== null && typeof o.data === 'object';
}

/**
 * Validates and copies a parsed Haetae Event.
 *
 * @example
 * eventFromHaetaeJson(JSON.parse(line))
 */
export function eventFromHaetaeJson(o: Record<string, unknown>): Event {
  if (!isHaetaeEvent(o)) throw new RecordError('not a Haetae Event (needs _time, event_id and data)');
  const e = emptyEvent();
  for (const k of STRING_FIELDS) if (o[k] !== undefined) {
    if (typeof o[k] !== 'string') throw new RecordError(`${k} must be a string`);
    e[k] = o[k];
  }
  for (const k of NUMBER_FIELDS) if (o[k] !== undefined && o[k] !== null) {
    if (typeof o[k] !== 'number') throw new RecordError(`${k} must be a number`);
    e[k] = o[k];
  }
  for (const k of NULLABLE_STRINGS) if (o[k] !== undefined && o[k] !== null) {
    if (typeof o[k] !== 'string') throw new RecordError(`${k} must be a string or null`);
    e[k] = o[k];
  }
  const data = o.data;
  if (Array.isArray(data)) throw new RecordError('data must be an object');
  e.data = data as Record<string, EventValue>;
  return e;
}
