/**
 * Renders a record as the JSON that the Rust `evtx` crate's `evtx_dump -o jsonl` prints
 * (the interchange shape of Hayabusa, Chainsaw and SigmaHQ's regression data):
 * `{"Event": {"#attributes": {...}, "System": {...}, "EventData": {...}}}`.
 *
 * Shaping rules (evtx 0.8 `JsonOutput`, checked against sigma/regression_data):
 * - an element with neither surviving attributes nor content is `null`;
 * - attributes go under `#attributes` (first key), keep their value types; Null ones are dropped;
 * - text-only content is the element's value, or `#text` beside `#attributes`;
 * - any element named `Data` with a `Name` attribute becomes `"<Name>": value` (its other
 *   attributes are dropped); unnamed `Data` elements collect under `"Data": {"#text": …}`;
 * - a repeated key keeps its place and takes the newest value; older values move to
 *   `Key_1`, `Key_2` … appended at the end;
 * - numbers stay numbers (64-bit exact), hex integers / SIDs / GUIDs (uppercase, no
 *   braces) / binary (uppercase hex) are strings; FILETIME keeps microseconds (chrono's
 *   AutoSi: no fraction, 3 or 6 digits); floats print like serde_json (ryu).
 */
import { resolve, EMPTY_SCOPE, type ResolvedNode, type Scope } from './walk.js';
import { ValueType, type XmlElement, type XmlNode, type XmlValue } from './xml-tree.js';

/** A JSON number kept as its exact lexeme (u64 beyond 2^53, floats as serde_json prints them). */
class RawNumber {
  constructor(readonly text: string) {}
}

type JsonObject = { [k: string]: Json };
type Json = null | string | number | boolean | RawNumber | Json[] | JsonObject;

const isObject = (j: Json | undefined): j is JsonObject =>
  j !== null && typeof j === 'object' && !Array.isArray(j) && !(j instanceof RawNumber);

/**
 * Formats a double like serde_json (ryu): shortest round-trip digits, `.0` on integral
 * values, plain notation for exponents in (-5, 16], scientific (`1e16`, `1.5e-7`) outside.
 */
export function serdeFloat(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  const [mant, expPart] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  const k = Number(expPart) + 1; // value = 0.digits × 10^k
  let body: string;
  if (k > 0 && k <= 16) {
    body = digits.length <= k ? digits + '0'.repeat(k - digits.length) + '.0' : digits.slice(0, k) + '.' + digits.slice(k);
  } else if (k <= 0 && k > -5) {
    body = '0.' + '0'.repeat(-k) + digits;
  } else {
    body = (digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1)) + 'e' + (k - 1);
  }
  return sign + body;
}

/** chrono AutoSi over microseconds: no fraction, milliseconds, or microseconds. */
function fileTimeJson(iso7: string): string {
  const dot = iso7.lastIndexOf('.');
  if (dot < 0) return iso7;
  const micro = iso7.slice(dot + 1, dot + 7);
  const head = iso7.slice(0, dot);
  if (micro === '000000') return head + 'Z';
  if (micro.endsWith('000')) return head + '.' + micro.slice(0, 3) + 'Z';
  return head + '.' + micro + 'Z';
}

/** One decoded value as evtx serialises it. */
function jsonValue(v: XmlValue, type: number): Json {
  if (v === null) return null;
  const base = type & ~ValueType.Array;
  if (Array.isArray(v)) return v.map((x) => jsonValue(x, base));
  if (typeof v === 'bigint') return new RawNumber(v.toString());
  if (typeof v === 'number') {
    if (base === ValueType.Real32 || base === ValueType.Real64) return Number.isFinite(v) ? new RawNumber(serdeFloat(v)) : null;
    return v;
  }
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (base === ValueType.FileTime) return fileTimeJson(v);
    if (base === ValueType.String) { const nul = v.indexOf('\0'); return (nul < 0 ? v : v.slice(0, nul)).trim(); }
    return v;
  }
  return null;
}

/** Text form of a JSON scalar, for concatenation and `Data Name` keys. */
function textOf(j: Json): string {
  if (j === null) return '';
  if (j instanceof RawNumber) return j.text;
  if (Array.isArray(j)) return j.map(textOf).join(',');
  return typeof j === 'object' ? '' : String(j);
}

/** Content of a resolved node list: a lone value keeps its type, else concatenated text. */
function contentJson(nodes: readonly ResolvedNode[]): Json | undefined {
  let single: Json | undefined;
  let text = '';
  let parts = 0;
  for (const n of nodes) {
    let piece: Json;
    if (n.kind === 'value') piece = jsonValue(n.value, n.type);
    else if (n.kind === 'charref') piece = String.fromCharCode(n.code);
    else if (n.kind === 'entityref') piece = ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' } as Record<string, string>)[n.name] ?? `&${n.name};`;
    else if (n.kind === 'cdata') piece = n.text;
    else continue;
    parts++;
    single = piece;
    text += textOf(piece);
  }
  if (parts === 0) return undefined;
  return parts === 1 ? single : text;
}

/** Inserts a child under `key` with evtx's duplicate rule (newest in place, older to `key_n`). */
function insertChild(obj: JsonObject, key: string, value: Json): void {
  if (Object.prototype.hasOwnProperty.call(obj, key)) {
    const old = obj[key];
    if (old !== null && !(isObject(old) && Object.keys(old).length === 0)) {
      let n = 1;
      while (Object.prototype.hasOwnProperty.call(obj, `${key}_${n}`)) n++;
      obj[`${key}_${n}`] = old;
    }
  }
  obj[key] = value;
}

/** Unnamed `<Data>`: its text accumulates in the parent's `Data["#text"]`. */
function addUnnamedData(obj: JsonObject, value: Json): void {
  let holder = obj.Data;
  if (!isObject(holder)) {
    holder = {};
    insertChild(obj, 'Data', holder);
  }
  const prev = holder['#text'];
  if (prev === undefined || prev === null) holder['#text'] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else holder['#text'] = [prev, value];
}

/** Adds the element's JSON to `parent` (under its name, or its Data Name). */
function addElement(parent: JsonObject, el: XmlElement, scope: Scope): void {
  const attrs: JsonObject = {};
  let hasAttrs = false;
  let dataName: string | null = null;
  for (const a of el.attributes) {
    const v = contentJson(resolve(a.value, scope));
    if (v === undefined || v === null) continue;
    if (el.name === 'Data' && a.name === 'Name') { dataName = textOf(v); continue; }
    attrs[a.name] = v;
    hasAttrs = true;
  }
  const children = resolve(el.children, scope);
  const text = contentJson(children);
  if (el.name === 'Data' && dataName === null) {
    if (text !== undefined) addUnnamedData(parent, text);
    return;
  }
  if (el.name === 'Data') hasAttrs = false; // a named Data drops its other attributes
  const obj: JsonObject = {};
  if (hasAttrs) obj['#attributes'] = attrs;
  let hasElements = false;
  for (const c of children) {
    if (c.kind !== 'element') continue;
    hasElements = true;
    addElement(obj, c.node, c.scope);
  }
  const key = dataName ?? el.name;
  let value: Json;
  if (!hasElements && !hasAttrs) value = text === undefined ? null : text;
  else {
    if (text !== undefined) obj['#text'] = text;
    value = Object.keys(obj).length === 0 ? null : obj;
  }
  insertChild(parent, key, value);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /["\\\u0000-\u001f]/g;

/** serde_json string escaping: short escapes, `\u00xx` for other controls, raw UTF-8 else. */
function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  return '"' + s.replace(ESCAPE_ALL, (c) => ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"';
}

function stringify(j: Json): string {
  if (j === null) return 'null';
  if (j instanceof RawNumber) return j.text;
  if (typeof j === 'string') return jsonString(j);
  if (typeof j === 'number' || typeof j === 'boolean') return String(j);
  if (Array.isArray(j)) return '[' + j.map(stringify).join(',') + ']';
  let s = '{';
  let first = true;
  for (const k in j) {
    if (!first) s += ',';
    first = false;
    s += jsonString(k) + ':' + stringify(j[k]);
  }
  return s + '}';
}

/**
 * Renders a record's nodes as one line of `evtx_dump`-compatible JSON.
 *
 * @example
 * for (const r of chunk.records) out.write(recordToEvtxJson(r.nodes) + '\n');
 */
export function recordToEvtxJson(nodes: readonly XmlNode[]): string {
  const obj: JsonObject = {};
  for (const c of resolve(nodes, EMPTY_SCOPE)) if (c.kind === 'element') addElement(obj, c.node, c.scope);
  return stringify(obj);
}
