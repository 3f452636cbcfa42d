/**
 * Type-strict keys for grouping and joining. Spec: join "key equality is exact and
 * type-strict (`"80"` is not `80`), null never matches"; stats: "null keys form their
 * own group". A key is a string that encodes each value's type and content.
 */
import { IpAddress, type Value } from '../value.js';

/**
 * The key of one value: equal keys ⇔ equal, same-typed values (strings case-sensitively,
 * 1 and 1.0 alike, maps whatever their key order). Used by join, stats groups, dedup,
 * and the `dc`/`values` aggregates.
 *
 * @example
 * valueKey('80') !== valueKey(80) // true
 */
export function valueKey(v: Value): string {
  if (v === null) return 'z';
  switch (typeof v) {
    case 'string': return 's' + v;
    case 'number': return 'n' + String(v);
    case 'boolean': return v ? 'bt' : 'bf';
  }
  if (v instanceof Date) return 'd' + String(v.getTime());
  if (v instanceof IpAddress) return 'i' + v.text;
  if (Array.isArray(v)) return 'a' + JSON.stringify(v.map(valueKey));
  return 'm' + JSON.stringify(Object.keys(v).sort().map((k) => [k, valueKey(v[k]!)]));
}

/** The key of a tuple of values (group-by fields, join keys). */
export function tupleKey(values: readonly Value[]): string {
  if (values.length === 1) return valueKey(values[0]!);
  let key = '';
  for (const v of values) {
    const k = valueKey(v);
    key += String(k.length) + ':' + k;
  }
  return key;
}
