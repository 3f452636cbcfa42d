/**
 * Sysmon's filter conditions as predicates over one field value. Both sides are compared
 * lowercased, as strings: numbers, booleans, GUIDs and hex values included, and
 * `less than`/`more than` too (shared/specs/windows-events.md §1: "Values are compared
 * case-insensitively as strings … no wildcards, no regex, no CIDR").
 */
import type { Condition } from './catalog.js';

/** A compiled condition: true when the (lowercased) event value satisfies it. */
export type ValueTest = (value: string) => boolean;

/** The `;`-separated alternatives of the `… any` / `… all` conditions, lowercased. */
export function alternatives(value: string): string[] {
  return value.toLowerCase().split(';');
}

/** The file name of a Windows path (`image` compares against it when the value has no `\`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

/**
 * Compiles a condition with its configured value into a test of a lowercased event value.
 *
 * @example
 * conditionTest('image', 'W3WP.exe')('c:\\windows\\system32\\inetsrv\\w3wp.exe') // true
 */
export function conditionTest(condition: Condition, configured: string): ValueTest {
  const x = configured.toLowerCase();
  switch (condition) {
    case 'is': return (v) => v === x;
    case 'is not': return (v) => v !== x;
    case 'is any': { const xs = new Set(alternatives(configured)); return (v) => xs.has(v); }
    case 'contains': return (v) => v.includes(x);
    case 'excludes': return (v) => !v.includes(x);
    case 'contains any': { const xs = alternatives(configured); return (v) => xs.some((s) => v.includes(s)); }
    case 'contains all': { const xs = alternatives(configured); return (v) => xs.every((s) => v.includes(s)); }
    // §1: `excludes any` is true when none of the values is present; `excludes all` when at least one is missing.
    case 'excludes any': { const xs = alternatives(configured); return (v) => !xs.some((s) => v.includes(s)); }
    case 'excludes all': { const xs = alternatives(configured); return (v) => !xs.every((s) => v.includes(s)); }
    case 'begin with': return (v) => v.startsWith(x);
    case 'not begin with': return (v) => !v.startsWith(x);
    case 'end with': return (v) => v.endsWith(x);
    case 'not end with': return (v) => !v.endsWith(x);
    case 'less than': return (v) => v < x;
    case 'more than': return (v) => v > x;
    case 'image': return x.includes('\\') ? (v) => v === x : (v) => baseName(v) === x;
    default: {
      const never: never = condition as never;
      throw new Error(`unknown condition ${String(never)}`);
    }
  }
}
