/**
 * Which of many keys begin (or end) a text, for Sysmon's `begin with` / `end with`
 * filters, which are most of a big config. Keys are kept sorted (by their characters from
 * the start, or from the end), each with a link to the longest other key it begins (ends)
 * with. A lookup is one binary search and a short walk up those links: no per-character
 * node objects (a trie of 50,000 keys made garbage collection the simulator's main cost).
 *
 * Why the walk finds every match: any key p that begins the text t sorts between p and t,
 * and so does every string beginning with p; the greatest key k ≤ t therefore begins with
 * p, and p lies on k's chain of links.
 */

/** Compares from the start (`fromEnd` false) or from the end, by UTF-16 code unit. */
function compare(a: string, b: string, fromEnd: boolean): number {
  if (!fromEnd) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const d = a.charCodeAt(a.length - i) - b.charCodeAt(b.length - i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function isAffix(key: string, text: string, fromEnd: boolean): boolean {
  return fromEnd ? text.endsWith(key) : text.startsWith(key);
}

/**
 * Keys with the ids registered under them; finds the keys that are prefixes (or, with
 * `fromEnd`, suffixes) of a text. Keys and texts are compared as given (callers lowercase).
 *
 * @example
 * const idx = new AffixIndex([['\\cmd.exe', 7], ['.exe', 8]], true);
 * idx.match('c:\\windows\\system32\\cmd.exe', (ids) => console.log(ids)); // [7], then [8]
 */
export class AffixIndex {
  private readonly keys: string[];
  private readonly ids: number[][];
  private readonly link: Int32Array;

  constructor(entries: readonly (readonly [string, number])[], private readonly fromEnd: boolean) {
    const byKey = new Map<string, number[]>();
    for (const [key, id] of entries) {
      const ids = byKey.get(key);
      if (ids === undefined) byKey.set(key, [id]);
      else ids.push(id);
    }
    this.keys = [...byKey.keys()].sort((a, b) => compare(a, b, fromEnd));
    this.ids = this.keys.map((k) => byKey.get(k) ?? []);
    this.link = new Int32Array(this.keys.length);
    const chain: number[] = [];
    this.keys.forEach((key, i) => {
      while (chain.length > 0 && !isAffix(this.keys[chain[chain.length - 1]], key, fromEnd)) chain.pop();
      this.link[i] = chain.length > 0 ? chain[chain.length - 1] : -1;
      chain.push(i);
    });
  }

  /** Calls `onIds` with the ids of every key that begins (ends) `text`, longest key first. */
  match(text: string, onIds: (ids: readonly number[]) => void): void {
    let lo = 0, hi = this.keys.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare(this.keys[mid], text, this.fromEnd) <= 0) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    while (at !== -1 && !isAffix(this.keys[at], text, this.fromEnd)) at = this.link[at];
    for (; at !== -1; at = this.link[at]) onIds(this.ids[at]);
  }
}
