/**
 * Builders for the correlation tests: rules from YAML text, events and matches.
 * Not part of the module's public face.
 */
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { emptyEvent, type Event, type EventValue } from '../../event/index.js';
import type { RuleMeta } from '../types.js';
import { parseCorrelation } from './parse.js';
import type { BaseMatch, CorrelationRule } from './types.js';

/**
 * RuleMeta for a test document.
 *
 * @example
 * metaOf({ title: 'x', name: 'failed_login' }, 'x.yml');
 */
export function metaOf(doc: Record<string, unknown>, file = 'test.yml'): RuleMeta {
  return {
    title: String(doc.title ?? 'untitled'),
    id: typeof doc.id === 'string' ? doc.id : undefined,
    name: typeof doc.name === 'string' ? doc.name : undefined,
    tags: [], references: [], falsepositives: [], fields: [],
    location: { file, line: 1, column: 1 },
  };
}

/**
 * Parses one correlation document (YAML text with `title`, `correlation:` …); throws with
 * the problems when it does not parse.
 *
 * @example
 * const r = correlationFromYaml('title: t\ncorrelation: { type: temporal, rules: [a, b], timespan: 5m }');
 */
export function correlationFromYaml(text: string, file = 'test.yml'): CorrelationRule {
  const doc = parseYaml(text) as Record<string, unknown>;
  const parsed = parseCorrelation(metaOf(doc, file), doc.correlation);
  if ('problems' in parsed) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.rule;
}

/**
 * Every document of a multi-document YAML text, as plain values.
 *
 * @example
 * yamlDocuments('a: 1\n---\nb: 2'); // [{ a: 1 }, { b: 2 }]
 */
export function yamlDocuments(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

/** The time test matches are offset from, and units for offsets (e.g. `matchOf('r', 5 * MINUTE, {})`). */
export const T0 = Date.parse('2024-05-01T10:00:00Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/**
 * An event at `time` with `data`.
 *
 * @example
 * eventAt(T0, { User: 'alice' });
 */
export function eventAt(time: number, data: Record<string, EventValue>): Event {
  return { ...emptyEvent(), _time: new Date(time).toISOString(), host: String(data.ComputerName ?? 'HOST'), data };
}

/**
 * A match of rule `rule` (its id; `name` too when given) at `T0 + offsetMs`, whose Sigma
 * fields are the keys of `data`.
 *
 * @example
 * matchOf({ id: '53ba…', name: 'failed_login' }, 20 * SECOND, { User: 'alice' });
 */
export function matchOf(rule: string | { id: string; name?: string }, offsetMs: number, data: Record<string, EventValue>): BaseMatch {
  const time = T0 + offsetMs;
  const event = eventAt(time, data);
  const keys = typeof rule === 'string' ? { id: rule, name: undefined } : rule;
  return {
    ruleId: keys.id,
    ruleName: keys.name,
    time,
    event,
    field: (f) => (Object.prototype.hasOwnProperty.call(data, f) ? data[f] : undefined),
  };
}
