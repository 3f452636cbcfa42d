/**
 * Case folding of event values for case-insensitive matching, with a small shared cache:
 * an event is tested by many rules, each lowercasing the same field strings, and long
 * values (command lines, script blocks) dominate the cost. V8 keeps a string's hash in
 * the string, so a Map lookup of the same string object is O(1) after the first time.
 * Short strings are lowercased directly (cheaper than a lookup).
 *
 * @example
 * foldCase('C:\\Windows\\System32\\CMD.EXE') // 'c:\\windows\\system32\\cmd.exe'
 */

const SHORT = 24;
const MAX_ENTRIES = 4096;
let cache = new Map<string, string>();

/** `s.toLowerCase()`, cached for long strings. */
export function foldCase(s: string): string {
  if (s.length < SHORT) return s.toLowerCase();
  let lower = cache.get(s);
  if (lower === undefined) {
    lower = s.toLowerCase();
    if (cache.size >= MAX_ENTRIES) cache = new Map();
    cache.set(s, lower);
  }
  return lower;
}
