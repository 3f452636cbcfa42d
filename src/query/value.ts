/**
 * Values and rows of the query language. Logpresso orders types
 * null < bool < number < date < ipv4 < ipv6 < string < array < map
 * (specs/query-language.md "Lexing and expressions"); these are the JS shapes of each.
 */

/** An IP address value, as made by `ip()` or read from an IP-typed column. */
export class IpAddress {
  /**
   * @param text canonical text (`10.0.0.1`, `fe80::1`)
   * @param bytes 4 or 16 network-order bytes
   */
  constructor(readonly text: string, readonly bytes: Uint8Array) {}
  /** 4 or 6. */
  get version(): 4 | 6 { return this.bytes.length === 4 ? 4 : 6; }
  toString(): string { return this.text; }
}

/** A map value (from `parsejson`, or a stored map): a null-prototype object. */
export interface ValueMap { [key: string]: Value }

/**
 * One value. Numbers are JS numbers (Logpresso's int/long/double all compare as numbers);
 * dates are `Date`; lists are arrays; maps are null-prototype objects.
 */
export type Value = null | boolean | number | string | Date | IpAddress | Value[] | ValueMap;

/**
 * One row flowing through a query: field name → value, in display order.
 * Always made with {@link newRow} (null prototype, so a field called `__proto__` is a field).
 *
 * @example
 * const row = newRow(); row['_time'] = new Date(); row['line'] = 'Process Create:\r\n…';
 */
export type Row = Record<string, Value>;

/** A new, empty row. */
export function newRow(): Row {
  return Object.create(null) as Row;
}

/** A copy of `row` (shallow: values are immutable by convention). */
export function copyRow(row: Row): Row {
  return Object.assign(newRow(), row);
}

/** True for a map value (not null, not a list, date or IP). */
export function isValueMap(v: Value): v is ValueMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof IpAddress);
}
