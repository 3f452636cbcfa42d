/**
 * Many-needle substring search (Aho–Corasick, compiled to a dense DFA): finds in one pass
 * over a field value which of thousands of rule literals it contains. This is how the
 * engine avoids running every rule on every event: a rule whose prefilter needles all
 * miss cannot match (see types.ts `Prefilter`).
 *
 * The alphabet is reduced to character classes: each of the most frequent needle
 * characters has its own class, the rarer needle characters share one class, and class 0
 * is every character no needle contains. The transition table is then `states × classes`
 * 32-bit entries (at most {@link MAX_CLASSES} columns) whatever the needles' Unicode range:
 * SigmaHQ's command-line needles alone hold over a thousand distinct characters, which
 * would make a table of 140 MB. Sharing a class can only make the index report a needle
 * that is not really there (text `aü` for needle `aé`), never miss one, and a prefilter
 * may over-report: the rule's own matcher decides.
 * Needles are lowercase; callers lowercase the text (Sigma matching is case-insensitive
 * by default: rules spec, "Value modifiers" / `cased`).
 */

/** Columns of the transition table (see the module comment). */
export const MAX_CLASSES = 96;

/**
 * A compiled set of needles.
 *
 * @example
 * const idx = new NeedleIndex(['cmd.exe', 'powershell']);
 * const hits: number[] = [];
 * idx.search('c:\\windows\\system32\\cmd.exe', (n) => hits.push(n)); // hits = [0]
 */
export class NeedleIndex {
  /** Number of needles. */
  readonly size: number;
  private readonly classOf: Uint16Array;
  private readonly classes: number;
  private readonly delta: Int32Array;
  /** For each state, the needle ids that end there (own and via failure links), or null. */
  private readonly outputs: (readonly number[] | null)[];

  constructor(needles: readonly string[]) {
    this.size = needles.length;
    const frequency = new Map<number, number>();
    for (const n of needles) for (let i = 0; i < n.length; i++) { const c = n.charCodeAt(i); frequency.set(c, (frequency.get(c) ?? 0) + 1); }
    const byFrequency = [...frequency.entries()].sort((a, b) => b[1] - a[1]);
    const classOf = new Uint16Array(65536);
    const dedicated = byFrequency.length <= MAX_CLASSES - 1 ? byFrequency.length : MAX_CLASSES - 2;
    byFrequency.forEach(([c], i) => { classOf[c] = i < dedicated ? i + 1 : dedicated + 1; });
    const classes = byFrequency.length <= MAX_CLASSES - 1 ? byFrequency.length + 1 : MAX_CLASSES;
    // Trie over classes; `goto` rows created on demand, -1 = no edge.
    const goto: Int32Array[] = [new Int32Array(classes).fill(-1)];
    const own: number[][] = [[]];
    needles.forEach((n, id) => {
      let s = 0;
      for (let i = 0; i < n.length; i++) {
        const k = classOf[n.charCodeAt(i)];
        let t = goto[s][k];
        if (t === -1) {
          t = goto.length;
          goto.push(new Int32Array(classes).fill(-1));
          own.push([]);
          goto[s][k] = t;
        }
        s = t;
      }
      own[s].push(id);
    });
    // Breadth-first: failure links, then the DFA row of each state = its goto edges with
    // missing ones taken from its failure state's (already complete) row.
    const states = goto.length;
    const delta = new Int32Array(states * classes);
    const fail = new Int32Array(states);
    const outputs: (number[] | null)[] = new Array<number[] | null>(states).fill(null);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const t = goto[0][k];
      if (t > 0 && k !== 0) { delta[k] = t; fail[t] = 0; queue.push(t); } else delta[k] = 0;
    }
    outputs[0] = own[0].length > 0 ? own[0] : null;
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      const f = fail[s];
      const inherited = outputs[f];
      outputs[s] = own[s].length === 0 ? inherited : inherited === null ? own[s] : own[s].concat(inherited);
      for (let k = 0; k < classes; k++) {
        const t = goto[s][k];
        if (t !== -1 && k !== 0) {
          delta[s * classes + k] = t;
          fail[t] = delta[f * classes + k];
          queue.push(t);
        } else {
          delta[s * classes + k] = delta[f * classes + k];
        }
      }
    }
    this.classOf = classOf;
    this.classes = classes;
    this.delta = delta;
    this.outputs = outputs;
  }

  /**
   * Calls `onNeedle(id)` for every needle occurring in `text` (already lowercased);
   * a needle may be reported more than once.
   */
  search(text: string, onNeedle: (id: number) => void): void {
    const { classOf, classes, delta, outputs } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      s = delta[s * classes + classOf[text.charCodeAt(i)]];
      const out = outputs[s];
      if (out !== null) for (let j = 0; j < out.length; j++) onNeedle(out[j]);
    }
  }
}
