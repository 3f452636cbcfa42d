/**
 * Validates the `correlation:` section of a Sigma correlation rule into a
 * {@link CorrelationRule} (correlation spec "Correlation section", "Correlation Types";
 * JSON schema ../shared/sigma/specification/json-schema/sigma-correlation-rules-schema.json).
 *
 * Every problem found is reported, each naming the key (`correlation.timespan`, …); the
 * problems carry the rule file and the rule's position from `meta.location`.
 */
import type { RuleMeta, RuleProblem } from '../types.js';
import { countSaturation } from './condition.js';
import { describe, parseTimespan } from './timespan.js';
import {
  COMPARISON_OPERATORS, CORRELATION_TYPES,
  type Comparison, type ComparisonOperator, type CorrelationRule, type CorrelationType, type Timespan,
} from './types.js';

/** Keys of the `correlation:` mapping (correlation spec "Correlation section", "Generate"). */
const SECTION_KEYS = new Set(['type', 'rules', 'aliases', 'group-by', 'timespan', 'condition', 'generate']);

/** Types whose condition names a `field` (correlation spec: "`field` in condition section"). */
const FIELD_TYPES: ReadonlySet<CorrelationType> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);

/** Types that may omit `condition` (correlation spec "Temporal Proximity" requires only rules, group-by, timespan). */
const TEMPORAL_TYPES: ReadonlySet<CorrelationType> = new Set(['temporal', 'temporal_ordered']);

/**
 * Parses the raw (YAML-parsed) value of a rule's `correlation:` key.
 *
 * Choices where the spec is loose:
 * - `group-by` is written "mandatory" but described as "optionally defines" (spec
 *   "Grouping"); it may be omitted, and then all matches form one group.
 * - A temporal rule without `condition` requires all its rules: `gte: <number of rules>`.
 * - `condition` may hold several operators, ANDed (spec "Condition", range example).
 * - `field` is refused on types that do not use it, as is `percentile` outside
 *   `value_percentile`: they would be silently ignored otherwise.
 * - `value_count` takes one field or a list of fields (schema: string or array; spec:
 *   "multiple values in `field` … are linked by an AND").
 *
 * @example
 * const r = parseCorrelation(meta, { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'],
 *   timespan: '10m', condition: { gte: 10 } });
 * if ('rule' in r) console.log(r.rule.timespan.ms); // 600000
 */
export function parseCorrelation(meta: RuleMeta, body: unknown): { rule: CorrelationRule } | { problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const problem = (key: string, message: string): void => {
    problems.push({ ...meta.location, rule: meta.id ?? meta.title, message: `${key}: ${message}` });
  };
  if (!isMapping(body)) {
    problem('correlation', `must be a mapping with type, rules, timespan, group-by and condition, not ${describe(body)}`);
    return { problems };
  }
  for (const key of Object.keys(body)) {
    if (!SECTION_KEYS.has(key)) problem(`correlation.${key}`, `unknown key; expected one of ${[...SECTION_KEYS].join(', ')}`);
  }

  const type = parseType(body.type, problem);
  const rules = parseRules(body.rules, problem);
  const groupBy = parseGroupBy(body['group-by'], problem);
  const timespan = parseTimespanKey(body.timespan, problem);
  const aliases = parseAliases(body.aliases, problem);
  const generate = parseGenerate(body.generate, problem);
  const condition = type === null ? null : parseCondition(type, body.condition, rules?.length ?? 0, problem);

  if (problems.length > 0 || type === null || rules === null || groupBy === null || timespan === null
    || aliases === null || generate === null || condition === null) {
    return { problems };
  }
  const common = { kind: 'correlation' as const, meta, rules, groupBy, timespan, condition: condition.comparisons, aliases, generate };
  switch (type) {
    case 'event_count': return { rule: { ...common, type } };
    case 'temporal': case 'temporal_ordered': return { rule: { ...common, type } };
    case 'value_count': return { rule: { ...common, type, fields: condition.fields } };
    case 'value_sum': case 'value_avg': return { rule: { ...common, type, field: condition.fields[0] } };
    case 'value_percentile': return { rule: { ...common, type, field: condition.fields[0], percentile: condition.percentile } };
  }
}

type Report = (key: string, message: string) => void;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseType(value: unknown, problem: Report): CorrelationType | null {
  if (value === undefined) {
    problem('correlation.type', `missing; one of ${CORRELATION_TYPES.join(', ')}`);
    return null;
  }
  if (typeof value === 'string' && (CORRELATION_TYPES as readonly string[]).includes(value)) return value as CorrelationType;
  problem('correlation.type', `unknown type ${JSON.stringify(value)}; one of ${CORRELATION_TYPES.join(', ')}`);
  return null;
}

/** A list of non-empty, distinct strings (schema: `uniqueItems`). */
function parseNameList(key: string, value: unknown, problem: Report): string[] | null {
  if (!Array.isArray(value)) {
    problem(key, `must be a list of names, not ${describe(value)}${typeof value === 'string' ? ` (write [${value}])` : ''}`);
    return null;
  }
  const names: string[] = [];
  let ok = true;
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string' || item.trim() === '') {
      problem(`${key}[${i}]`, `must be a non-empty string, not ${describe(item)}`);
      ok = false;
    } else if (names.includes(item)) {
      problem(`${key}[${i}]`, `'${item}' is listed twice`);
      ok = false;
    } else names.push(item);
  }
  return ok ? names : null;
}

function parseRules(value: unknown, problem: Report): string[] | null {
  if (value === undefined) {
    problem('correlation.rules', 'missing; list the ids or names of the rules to correlate');
    return null;
  }
  const rules = parseNameList('correlation.rules', value, problem);
  if (rules !== null && rules.length === 0) {
    problem('correlation.rules', 'is empty; list the ids or names of the rules to correlate');
    return null;
  }
  return rules;
}

function parseGroupBy(value: unknown, problem: Report): string[] | null {
  if (value === undefined || value === null) return [];
  return parseNameList('correlation.group-by', value, problem);
}

function parseTimespanKey(value: unknown, problem: Report): Timespan | null {
  if (value === undefined) {
    problem('correlation.timespan', 'missing; e.g. timespan: 5m (units s, m, h, d, w)');
    return null;
  }
  const t = parseTimespan(value);
  if (typeof t === 'string') {
    problem('correlation.timespan', t);
    return null;
  }
  return t;
}

/** `aliases: { <alias>: { <rule name>: <field> } }` (correlation spec "Field Name Aliases"). */
function parseAliases(value: unknown, problem: Report): Map<string, Map<string, string>> | null {
  const aliases = new Map<string, Map<string, string>>();
  if (value === undefined || value === null) return aliases;
  if (!isMapping(value)) {
    problem('correlation.aliases', `must be a mapping of alias → { rule name: field }, not ${describe(value)}`);
    return null;
  }
  let ok = true;
  for (const [alias, mapping] of Object.entries(value)) {
    const key = `correlation.aliases.${alias}`;
    if (!isMapping(mapping) || Object.keys(mapping).length === 0) {
      problem(key, `must be a non-empty mapping of rule name → field name, not ${describe(mapping)}`);
      ok = false;
      continue;
    }
    const fields = new Map<string, string>();
    for (const [rule, field] of Object.entries(mapping)) {
      if (typeof field !== 'string' || field === '') {
        problem(`${key}.${rule}`, `must be a field name, not ${describe(field)}`);
        ok = false;
      } else fields.set(rule, field);
    }
    aliases.set(alias, fields);
  }
  return ok ? aliases : null;
}

function parseGenerate(value: unknown, problem: Report): boolean | null {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  problem('correlation.generate', `must be true or false, not ${describe(value)}`);
  return null;
}

interface ParsedCondition {
  readonly comparisons: Comparison[];
  readonly fields: string[];
  readonly percentile: number;
}

/** `condition:` (correlation spec "Condition"; `field` per type, `percentile` for value_percentile). */
function parseCondition(type: CorrelationType, value: unknown, ruleCount: number, problem: Report): ParsedCondition | null {
  const key = 'correlation.condition';
  const needsField = FIELD_TYPES.has(type);
  if (value === undefined || value === null) {
    if (TEMPORAL_TYPES.has(type)) return { comparisons: [{ op: 'gte', value: ruleCount }], fields: [], percentile: 50 };
    problem(key, `missing; ${type} needs e.g. ${needsField ? 'condition: { field: X, gte: 100 }' : 'condition: { gte: 100 }'}`);
    return null;
  }
  if (!isMapping(value)) {
    problem(key, `must be a mapping of operators (${COMPARISON_OPERATORS.join(', ')}) to numbers, not ${describe(value)}`);
    return null;
  }
  let ok = true;
  const comparisons: Comparison[] = [];
  for (const [name, limit] of Object.entries(value)) {
    if ((COMPARISON_OPERATORS as readonly string[]).includes(name)) {
      if (typeof limit !== 'number' || !Number.isFinite(limit)) {
        problem(`${key}.${name}`, `must be a number, not ${describe(limit)}`);
        ok = false;
      } else comparisons.push({ op: name as ComparisonOperator, value: limit });
    } else if (name !== 'field' && name !== 'percentile') {
      problem(`${key}.${name}`, `unknown operator; use ${COMPARISON_OPERATORS.join(', ')}${needsField ? ' and field' : ''}`);
      ok = false;
    }
  }
  if (comparisons.length === 0 && ok) {
    problem(key, `has no operator; use one or more of ${COMPARISON_OPERATORS.join(', ')}`);
    ok = false;
  }
  if (ok && countSaturation(comparisons) > Number.MAX_SAFE_INTEGER) {
    problem(key, 'limit is too large');
    ok = false;
  }

  let fields: string[] = [];
  if (needsField) {
    const field = value.field;
    if (field === undefined) {
      problem(`${key}.field`, `missing; ${type} needs the field whose values it ${type === 'value_count' ? 'counts' : 'aggregates'}`);
      ok = false;
    } else if (typeof field === 'string' && field !== '') fields = [field];
    else if (type === 'value_count' && Array.isArray(field)) {
      const list = parseNameList(`${key}.field`, field, problem);
      if (list === null || list.length === 0) {
        if (list !== null) problem(`${key}.field`, 'is an empty list');
        ok = false;
      } else fields = list;
    } else {
      problem(`${key}.field`, `must be a field name${type === 'value_count' ? ' or a list of field names' : ''}, not ${describe(field)}`);
      ok = false;
    }
  } else if (value.field !== undefined) {
    problem(`${key}.field`, `${type} does not use a field; did you mean value_count?`);
    ok = false;
  }

  let percentile = 50;
  if (value.percentile !== undefined) {
    if (type !== 'value_percentile') {
      problem(`${key}.percentile`, `only value_percentile uses a percentile, not ${type}`);
      ok = false;
    } else if (typeof value.percentile !== 'number' || !(value.percentile >= 0 && value.percentile <= 100)) {
      problem(`${key}.percentile`, `must be a number from 0 to 100, not ${describe(value.percentile)}`);
      ok = false;
    } else percentile = value.percentile;
  }
  return ok ? { comparisons, fields, percentile } : null;
}
