/**
 * Many-needle substring search (Aho–Corasick: a DFA near the root, failure links deeper): finds in one pass
 * over a field value which of thousands of rule literals it contains. This is how the
 * engine avoids running every rule on every event: a rule whose prefilter needles all
 * miss cannot match (see types.ts `Prefilter`).
 *
 * The alphabet is reduced to character classes: each ASCII needle character, then each of
 * the most frequent other needle characters, has its own class; the rarer needle
 * characters share one class, and class 0 is every character no needle contains. The
 * transition table of the states near the root is then `states × classes` entries (at
 * most {@link MAX_CLASSES} columns) whatever the needles' Unicode range: SigmaHQ's command-line needles alone hold
 * over a thousand distinct characters, which would make a table of 140 MB. Sharing a class
 * lets the automaton reach a needle's end on text that only resembles it (text `aü` for
 * needle `aé`), so every reported end is checked against the needle itself: reports are
 * exact. ASCII never shares a class, or each digit of a command line would be checked
 * against every one-character emoji needle.
 * Needles are lowercase; callers lowercase the text, or scan with `searchAnyCase`, which
 * folds ASCII as it reads (Sigma matching is case-insensitive by default: rules spec,
 * "Value modifiers" / `cased`).
 */
import { foldCase } from './sigma/fold.js';

/** Columns of the transition table (see the module comment). */
export const MAX_CLASSES = 96;

/**
 * Characters of a needle the automaton spells out; the rest of a longer needle is
 * checked with `startsWith` where its first characters were found. Long needles
 * (`\\appdata\\local\\temp\\…`) would otherwise each add dozens of states
 * × {@link MAX_CLASSES} columns. Measured on SigmaHQ's Windows rules: 8 characters give a
 * third of the states of 16 (50k vs 145k, built 3× faster) and scan as fast.
 */
const AUTOMATON_CHARS = 8;

/**
 * Needle sets this small are searched with `String.prototype.includes`, one needle after
 * the other: measured on the corpus, 1.5 ns per character against the automaton's 6.8
 * (the engine's substring search outruns a scan in JavaScript), and a quarter of a
 * hunt's scanned text is in fields with at most five needles (`AttributeValue`, Sysmon 7
 * `Hashes`, classic PowerShell `Data`, `AccessList`).
 */
const DIRECT_NEEDLES = 5;

/**
 * Head ends a scan notes before checking them (see `NeedleIndex.scan`): about 1.4% of a
 * corpus value's characters end a head, so texts of tens of thousands of characters fill
 * it (an ASCII scan then starts over on a lowercased copy, which checks as it goes). Per
 * automaton (8 KiB; a hunt indexes a few hundred).
 */
const MAX_PENDING_ENDS = 1024;

/** States this close to the root get full transition rows (see the constructor). */
const DENSE_DEPTH = 2;

/**
 * Needles that may share one head before their heads grow by another
 * {@link AUTOMATON_CHARS}: each occurrence of a shared head is checked against every
 * needle behind it. SigmaHQ's hash rules put 148 `imphash=…` needles behind one head,
 * which made half of all the checks of a hunt (and `c:\\windo` a dozen more on every
 * image path); longer heads for those few cost ~1k states.
 */
const MAX_SHARING = 4;

/**
 * How many characters of each needle the automaton spells out: {@link AUTOMATON_CHARS},
 * and more for needles behind a head shared by more than {@link MAX_SHARING} of them.
 */
function headLengths(needles: readonly string[]): Int32Array {
  const lengths = Int32Array.from(needles, (n) => Math.min(n.length, AUTOMATON_CHARS));
  let pending = needles.map((_, id) => id);
  while (pending.length > 0) {
    const byHead = new Map<string, number[]>();
    for (const id of pending) {
      const head = needles[id].slice(0, lengths[id]);
      let group = byHead.get(head);
      if (!group) byHead.set(head, (group = []));
      group.push(id);
    }
    pending = [];
    for (const group of byHead.values()) {
      if (group.length <= MAX_SHARING) continue;
      for (const id of group) {
        if (needles[id].length <= lengths[id]) continue;
        lengths[id] = Math.min(needles[id].length, lengths[id] + AUTOMATON_CHARS);
        pending.push(id);
      }
    }
  }
  return lengths;
}

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
  private readonly needles: readonly string[];
  /** Class of each ASCII character; other characters are looked up in {@link otherClass} (absent = 0). */
  private readonly asciiClass: Uint8Array;
  private readonly otherClass: Map<number, number>;
  private readonly classes: number;
  /** `dense × classes` transitions of the dense states; 16-bit when the states fit (half the memory, more in cache). */
  private readonly delta: Int32Array | Uint16Array;
  /** States below this have full rows in {@link delta}; the others, edges and a failure link. */
  private readonly dense: number;
  /** Per sparse state (id − dense): where its edges start in {@link edgeClass}/{@link edgeTarget} (one extra entry ends the last). */
  private readonly firstEdge: Int32Array;
  private readonly edgeClass: Uint8Array;
  private readonly edgeTarget: Uint16Array | Int32Array;
  /** Per sparse state (id − dense): its failure state. */
  private readonly failOf: Uint16Array | Int32Array;
  /** Per state: 1 when some head ends there. */
  private readonly hasOutput: Uint8Array;
  /** For each state, the ids of the heads (needle starts) that end there, own and via failure links, or null. */
  private readonly outputs: (readonly number[] | null)[];
  /** Per head: its length, and the needles that start with it. */
  private readonly headLength: Int32Array;
  private readonly needlesOf: readonly (readonly number[])[];
  /**
   * Per head: 1 when none of its characters is in the shared class, so a scan that
   * reaches its end has read exactly it (up to ASCII case) and only the needles' tails
   * are left to compare ({@link tails}).
   */
  private readonly headExact: Uint8Array;
  /** Per needle: what follows its head ('' for most). */
  private readonly tails: readonly string[];
  /**
   * Where the running scan reached a state with output: (state, position) pairs, checked
   * against the needles after the scan (see {@link scan}), or when it is full.
   */
  private readonly ends: Int32Array;

  constructor(needles: readonly string[]) {
    this.size = needles.length;
    this.needles = needles;
    // Own list per automaton: one shared by all made V8 compile the scan loop erratically
    // (~8 or ~14 ns per character from run to run). Small sets need none.
    this.ends = new Int32Array(needles.length > DIRECT_NEEDLES ? MAX_PENDING_ENDS * 2 : 0);
    if (needles.length <= DIRECT_NEEDLES) {
      // Searched with `includes` (see scan): no automaton. Two thirds of a hunt's field
      // groups are this small, and building theirs was first-use time for nothing.
      this.asciiClass = new Uint8Array(0); this.otherClass = new Map(); this.classes = 0; this.dense = 0;
      this.delta = new Uint16Array(0); this.firstEdge = new Int32Array(0); this.edgeClass = new Uint8Array(0);
      this.edgeTarget = new Uint16Array(0); this.failOf = new Uint16Array(0); this.hasOutput = new Uint8Array(0);
      this.outputs = []; this.headLength = new Int32Array(0); this.needlesOf = []; this.headExact = new Uint8Array(0); this.tails = [];
      return;
    }
    const headIds = new Map<string, number>();
    const needlesOf: number[][] = [];
    const lengths = headLengths(needles);
    needles.forEach((n, id) => {
      const head = n.slice(0, lengths[id]);
      let h = headIds.get(head);
      if (h === undefined) { headIds.set(head, (h = needlesOf.length)); needlesOf.push([]); }
      needlesOf[h].push(id);
    });
    const heads = [...headIds.keys()];
    this.headLength = Int32Array.from(heads, (h) => h.length);
    this.needlesOf = needlesOf;
    const frequency = new Map<number, number>();
    for (const n of heads) for (let i = 0; i < n.length; i++) { const c = n.charCodeAt(i); frequency.set(c, (frequency.get(c) ?? 0) + 1); }
    // ASCII first: it is most of what texts hold, and an ASCII character in the shared class
    // would make every digit or comma of a command line a possible end of every rare needle.
    const byFrequency = [...frequency.entries()].sort((a, b) => (a[0] < 0x80 ? 0 : 1) - (b[0] < 0x80 ? 0 : 1) || b[1] - a[1]);
    // A table for ASCII and a map for the rest: a 64K-entry table per automaton was 128 KB
    // each, hundreds of them per hunt thread.
    const asciiClass = new Uint8Array(128);
    const otherClass = new Map<number, number>();
    const dedicated = byFrequency.length <= MAX_CLASSES - 1 ? byFrequency.length : MAX_CLASSES - 2;
    byFrequency.forEach(([c], i) => {
      const k = i < dedicated ? i + 1 : dedicated + 1;
      if (c < 128) asciiClass[c] = k; else otherClass.set(c, k);
    });
    const shared = dedicated < byFrequency.length ? dedicated + 1 : -1;
    this.headExact = Uint8Array.from(heads, (h) => {
      for (let i = 0; i < h.length; i++) { const c = h.charCodeAt(i); if ((c < 128 ? asciiClass[c] : otherClass.get(c)) === shared) return 0; }
      return 1;
    });
    this.tails = needles.map((n, id) => n.slice(lengths[id]));
    // Upper-case ASCII letters read as their lower-case forms (needles are lower case, so
    // none holds one): ASCII text can be scanned without a lowercased copy (searchAnyCase).
    for (let c = 0x41; c <= 0x5a; c++) asciiClass[c] = asciiClass[c + 0x20];
    const classOf = (c: number): number => (c < 128 ? asciiClass[c] : otherClass.get(c) ?? 0);
    const classes = byFrequency.length <= MAX_CLASSES - 1 ? byFrequency.length + 1 : MAX_CLASSES;
    // Trie over classes: edges in a map keyed `state × classes + class` (most states have
    // one edge; full rows for every state cost megabytes to allocate and fill for the big
    // automata); each state notes its parent, the class of the edge to it and its depth.
    const goto = new Map<number, number>();
    const edgeTo = (s: number, k: number): number => goto.get(s * classes + k) ?? -1;
    let parent = new Int32Array(64);
    let edge = new Int32Array(64);
    let depth = new Int32Array(64);
    let states = 1;
    const own: (number[] | null)[] = [null];
    heads.forEach((n, id) => {
      let s = 0;
      for (let i = 0; i < n.length; i++) {
        const k = classOf(n.charCodeAt(i));
        let t = edgeTo(s, k);
        if (t === -1) {
          if (states === parent.length) [parent, edge, depth] = [parent, edge, depth].map((a) => { const b = new Int32Array(a.length * 2); b.set(a); return b; });
          t = states++;
          own.push(null);
          goto.set(s * classes + k, t);
          parent[t] = s;
          edge[t] = k;
          depth[t] = depth[s] + 1;
        }
        s = t;
      }
      (own[s] ??= []).push(id);
    });
    // Breadth-first order (states by depth), which is also the new numbering: the root,
    // then the shallow states most text stays in (sharing cache lines), then the rest.
    let maxDepth = 0;
    for (let s = 0; s < states; s++) if (depth[s] > maxDepth) maxDepth = depth[s];
    const startOf = new Int32Array(maxDepth + 2);
    for (let s = 0; s < states; s++) startOf[depth[s] + 1]++;
    for (let d = 0; d <= maxDepth; d++) startOf[d + 1] += startOf[d];
    const order = new Int32Array(states);
    const newId = new Int32Array(states);
    for (let s = 0; s < states; s++) { const id = startOf[depth[s]]++; order[id] = s; newId[s] = id; }
    // Failure links and outputs in that order (a failure state is shallower: done first).
    // The failure of t (edge k from p): the deepest proper suffix state, found along p's
    // failure chain as the first state with an edge on k.
    const fail = new Int32Array(states);
    const outputs: (number[] | null)[] = new Array<number[] | null>(states).fill(null);
    outputs[0] = own[0];
    let dense = 1;
    for (let id = 1; id < states; id++) {
      const t = order[id];
      const k = edge[t];
      let f = 0;
      if (parent[t] !== 0) {
        f = fail[parent[t]];
        while (f !== 0 && edgeTo(f, k) === -1) f = fail[f];
        f = Math.max(edgeTo(f, k), 0);
      }
      fail[t] = f;
      const inherited = outputs[f];
      const mine = own[t];
      outputs[t] = mine === null ? inherited : inherited === null ? mine : mine.concat(inherited);
      if (depth[t] <= DENSE_DEPTH) dense = id + 1;
    }
    // Shallow states (depth at most DENSE_DEPTH) get full DFA rows, each completed from
    // its failure state's (shallower, already complete) row; deeper states keep only their
    // trie edges and their failure link. Deep states are most of the states and almost
    // all have one edge: full rows for them made the big automata megabytes (1.7 MB for
    // Sysmon command lines), cache misses on nearly every character of a hunt's cold scans.
    const table = new Int32Array(dense * classes);
    for (let id = 0; id < dense; id++) {
      const old = order[id];
      for (let k = 0; k < classes; k++) {
        const t = edgeTo(old, k);
        // The root's missing edges stay at the root; others take their failure state's entry.
        table[id * classes + k] = k !== 0 && t !== -1 ? newId[t] : id === 0 ? 0 : table[newId[fail[old]] * classes + k];
      }
    }
    const sparse = states - dense;
    const firstEdge = new Int32Array(sparse + 1);
    for (let t = 1; t < states; t++) { const p = newId[parent[t]]; if (p >= dense) firstEdge[p - dense + 1]++; }
    for (let x = 0; x < sparse; x++) firstEdge[x + 1] += firstEdge[x];
    const edges = firstEdge[sparse];
    const edgeClass = new Uint8Array(edges);
    const edgeTarget = new Int32Array(edges);
    const cursor = firstEdge.slice(0, sparse);
    for (let id = 1; id < states; id++) {
      const t = order[id];
      const p = newId[parent[t]];
      if (p < dense) continue;
      const e = cursor[p - dense]++;
      edgeClass[e] = edge[t];
      edgeTarget[e] = id;
    }
    const failOf = new Int32Array(sparse);
    for (let x = 0; x < sparse; x++) failOf[x] = newId[fail[order[dense + x]]];
    const renumbered = new Array<number[] | null>(states).fill(null);
    const hasOutput = new Uint8Array(states);
    for (let old = 0; old < states; old++) { renumbered[newId[old]] = outputs[old]; hasOutput[newId[old]] = outputs[old] === null ? 0 : 1; }
    this.asciiClass = asciiClass;
    this.otherClass = otherClass;
    this.classes = classes;
    this.dense = dense;
    this.delta = states <= 0xffff ? new Uint16Array(table) : table;
    this.firstEdge = firstEdge;
    this.edgeClass = edgeClass;
    this.edgeTarget = states <= 0xffff ? new Uint16Array(edgeTarget) : edgeTarget;
    this.failOf = states <= 0xffff ? new Uint16Array(failOf) : failOf;
    this.hasOutput = hasOutput;
    this.outputs = renumbered;
  }

  /**
   * Calls `onNeedle(id)` for every needle occurring in `text` (already lowercased): at
   * least once, and at most once per occurrence. Each report is exact: heads found by the
   * automaton are checked against the whole needle (and against characters sharing a
   * class). A few needles are searched one by one instead ({@link DIRECT_NEEDLES}).
   */
  search(text: string, onNeedle: (id: number) => void): void {
    this.scan(text, onNeedle, false);
  }

  /**
   * Whether `text` (already lowercased) contains any of the needles: one scan for a
   * field match with many `contains` values (compile.ts `compileValueTests`).
   *
   * @example
   * new NeedleIndex(['-enc', 'iex(']).containsAny('powershell -enc aqb') // true
   */
  containsAny(text: string): boolean {
    this.found = false;
    this.scan(text, this.markFound, false);
    return this.found;
  }

  private found = false;
  private readonly markFound = (): void => { this.found = true; };

  /**
   * {@link search} over `text` as written, matching as if it were lowercased
   * (`foldCase`): ASCII text is scanned as it is, upper-case letters taking their
   * lower-case forms' classes and compared the same way, so the scan needs no lowercased
   * copy of the value (those copies were a tenth of a hunt's matching time, and garbage).
   * Text with any other character is lowercased and searched.
   *
   * @example
   * idx.searchAnyCase('C:\\Windows\\System32\\CMD.EXE', (n) => hits.push(n));
   */
  searchAnyCase(text: string, onNeedle: (id: number) => void): void {
    if (this.size <= DIRECT_NEEDLES) { this.scan(foldCase(text), onNeedle, false); return; }
    if (!this.scan(text, onNeedle, true)) this.scan(foldCase(text), onNeedle, false);
  }

  /**
   * The scan behind {@link search} and {@link searchAnyCase}. With `ascii`, `text` may
   * hold upper-case ASCII letters and must hold nothing else outside ASCII: false, with
   * nothing reported, as soon as a character says otherwise.
   *
   * The loop over the text only moves the automaton and notes where a head may end
   * ({@link ends}); the heads are checked against their needles afterwards. With the
   * checks in the loop it ran at ~21 ns per character on the corpus, without them ~9:
   * V8 compiled the per-character path worse (more live values), though only 1.4% of
   * characters reach a state with output.
   */
  private scan(text: string, onNeedle: (id: number) => void, ascii: boolean): boolean {
    if (this.size <= DIRECT_NEEDLES) {
      const needles = this.needles;
      for (let i = 0; i < needles.length; i++) if (text.includes(needles[i])) onNeedle(i);
      return true;
    }
    const { asciiClass, otherClass, classes, dense, delta, firstEdge, edgeClass, edgeTarget, failOf, hasOutput } = this;
    const n = text.length;
    const ends = this.ends;
    let s = 0;
    let i = 0;
    for (;;) {
      let found = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        let k: number;
        if (c < 128) k = asciiClass[c];
        else if (ascii) return false;
        else k = otherClass.get(c) ?? 0;
        if (s >= dense) {
          // A sparse state: its own edge, else its failure state's transition (repeat).
          let next = -1;
          do {
            const x = s - dense;
            for (let j = firstEdge[x], last = firstEdge[x + 1]; j < last; j++) if (edgeClass[j] === k) { next = edgeTarget[j]; break; }
            if (next !== -1) break;
            s = failOf[x];
          } while (s >= dense);
          s = next !== -1 ? next : delta[s * classes + k];
        } else {
          s = delta[s * classes + k];
        }
        if (hasOutput[s] === 0) continue;
        ends[found++] = s;
        ends[found++] = i;
        if (found === ends.length) { i++; break; }
      }
      // A full list midway: an ASCII scan must not report before it has seen the whole
      // text (it may yet fail), so the caller scans a lowercased copy, which may report
      // as it goes. (The checks are out of the loop: in it, they made it twice as slow.)
      if (i < n && ascii) return false;
      if (found > 0) this.check(text, found, onNeedle, ascii);
      if (i >= n) return true;
    }
  }

  /** Checks the heads noted by a scan ({@link ends}, `count` entries) against their needles. */
  private check(text: string, count: number, onNeedle: (id: number) => void, ascii: boolean): void {
    const { ends, outputs, headLength, headExact, needlesOf, needles, tails } = this;
    for (let p = 0; p < count; p += 2) {
      const out = outputs[ends[p]];
      if (out === null) continue;
      const end = ends[p + 1] + 1;
      for (let j = 0; j < out.length; j++) {
        const h = out[j];
        const ids = needlesOf[h];
        if (headExact[h] === 1) {
          for (let m = 0; m < ids.length; m++) {
            const tail = tails[ids[m]];
            if (tail === '' || (ascii ? startsWithFolded(text, tail, end) : text.startsWith(tail, end))) onNeedle(ids[m]);
          }
          continue;
        }
        const start = end - headLength[h];
        for (let m = 0; m < ids.length; m++) {
          const needle = needles[ids[m]];
          if (ascii ? startsWithFolded(text, needle, start) : text.startsWith(needle, start)) onNeedle(ids[m]);
        }
      }
    }
  }
}

/**
 * Whether `text` at `start`, its ASCII letters lowercased, begins with `needle` (lower
 * case). Only called on text known to be ASCII: other characters' lowercase forms may
 * differ in length.
 */
function startsWithFolded(text: string, needle: string, start: number): boolean {
  if (start < 0 || start + needle.length > text.length) return false;
  for (let j = 0; j < needle.length; j++) {
    let c = text.charCodeAt(start + j);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== needle.charCodeAt(j)) return false;
  }
  return true;
}
