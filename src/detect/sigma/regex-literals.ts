/**
 * Literals a regular expression's every match must contain, so `re` rules can have a
 * prefilter (prefilter.ts) like wildcard patterns do.
 *
 * The regex source (JavaScript syntax, as `translateRegex` produced it) is read as
 * alternatives of sequences of atoms. A sequence guarantees each run of consecutive
 * literal characters in it, and whatever a quantified-at-least-once group or a positive
 * lookaround guarantees; its best guarantee is kept. An alternation guarantees one of
 * its branches' guarantees, or nothing if one branch guarantees nothing. Anything not
 * understood (classes of several letters, `\d`, back-references, optional atoms, Unicode
 * property escapes, …) guarantees nothing and ends the run: the analysis can only miss
 * literals, never invent one.
 *
 * Literals are ASCII only, lowercased: the prefilter tests the lowercased field text, and
 * an ASCII character lowercases to one ASCII character whatever surrounds it, so a raw
 * match containing `Env` leaves `env` in the lowercased text. With the `i` flag, an ASCII
 * letter matches only its two ASCII cases in JavaScript's non-Unicode mode (ECMA-262
 * Canonicalize keeps non-ASCII characters from folding to ASCII), so the same holds.
 * Regexes with flags other than `i`, `m`, `s` (e.g. `u`, `v`) give null.
 *
 * @example
 * requiredLiterals(/\$PSHome\[\s*\d{1,3}\s*\]/)  // ['$pshome[']
 * requiredLiterals(/(cmd|powershell)\.exe/i)     // ['cmd', 'powershell']  (or ['.exe'])
 * requiredLiterals(/a?b*\d+/)                     // null
 */

/** Any one of these (lowercase, non-empty) strings occurs; null = nothing guaranteed. */
export type Needles = readonly string[] | null;

/** An atom of a sequence: one literal character, a zero-width assertion, or a sub-expression. */
type Atom =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'zero' }
  | { readonly kind: 'group'; readonly needles: Needles };

const GAP: Atom = { kind: 'group', needles: null };
const ZERO: Atom = { kind: 'zero' };
/** Escapes that stand for one fixed character (ECMA-262 ControlEscape, plus NUL). */
const CONTROL: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', v: '\v', f: '\f', 0: '\0' };

/**
 * The literals every match of `re` contains (any one of them), lowercased; null when
 * the analysis finds none. See the module comment for what is understood.
 *
 * @example
 * requiredLiterals(/powershell.*-enc/i) // ['powershell'] (the longer run)
 */
export function requiredLiterals(re: RegExp): Needles {
  if (/[^ims]/.test(re.flags)) return null;
  try {
    const reader = new Reader(re.source);
    const needles = reader.alternation();
    return reader.done() ? needles : null;
  } catch {
    return null;
  }
}

/** Prefers the guarantee whose shortest needle is longer (capped at 8), then fewer needles. */
export function moreSelective(a: readonly string[], b: readonly string[]): boolean {
  const min = (x: readonly string[]): number => Math.min(8, ...x.map((y) => y.length));
  const [ma, mb] = [min(a), min(b)];
  return ma !== mb ? ma > mb : a.length < b.length;
}

/** A recursive-descent reader of a regex source; throws on syntax it does not know. */
class Reader {
  private i = 0;
  /** Whether the last quantifier allows more than its minimum (so a run must end after it). */
  private repeated = false;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.i === this.src.length;
  }

  /** `a|b|…` up to `)` or the end. */
  alternation(): Needles {
    const branches: Needles[] = [this.sequence()];
    while (this.src[this.i] === '|') { this.i++; branches.push(this.sequence()); }
    if (branches.some((b) => b === null)) return null;
    return [...new Set(branches.flatMap((b) => b ?? []))];
  }

  /** Atoms up to `|`, `)` or the end: the best of its literal runs and sub-guarantees. */
  private sequence(): Needles {
    let best: Needles = null;
    let run = '';
    const offer = (n: Needles): void => { if (n && n.length > 0 && (!best || moreSelective(n, best))) best = n; };
    const flush = (): void => { if (run) offer([run]); run = ''; };
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      const min = this.quantifier();
      if (atom.kind === 'zero') { flush(); continue; }
      if (min === 0) { flush(); continue; }
      if (atom.kind === 'char') {
        // Non-ASCII characters may fold differently in context: not used as literals.
        if (atom.char.charCodeAt(0) > 0x7f) { flush(); continue; }
        run += atom.char.toLowerCase();
        if (min > 1 || this.repeated) flush();
        continue;
      }
      flush();
      offer(atom.needles);
    }
    flush();
    return best;
  }

  /** Reads an optional quantifier: the minimum count (1 when there is none). */
  private quantifier(): number {
    const c = this.src[this.i];
    let min: number;
    this.repeated = false;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      this.repeated = c !== '?';
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return 1; // Annex B: a `{` that is not a quantifier is a literal; the atom reader takes it next.
      this.i += m[0].length;
      min = Number(m[1]);
      this.repeated = m[2] !== undefined && m[3] !== m[1];
    } else return 1;
    if (this.src[this.i] === '?') this.i++; // lazy
    return min;
  }

  private atom(): Atom {
    const c = this.src[this.i++];
    switch (c) {
      case '^': case '$': return ZERO;
      case '.': return GAP;
      case '[': return this.charClass();
      case '(': return this.group();
      case '\\': return this.escape();
      case '*': case '+': case '?': throw new Error('nothing to repeat');
      default: return { kind: 'char', char: c };
    }
  }

  private group(): Atom {
    const rest = this.src.slice(this.i, this.i + 3);
    let kind: 'plain' | 'ahead' | 'negative' = 'plain';
    if (rest.startsWith('?:')) this.i += 2;
    else if (rest.startsWith('?=') || rest.startsWith('?<=')) { kind = 'ahead'; this.i += rest.startsWith('?=') ? 2 : 3; }
    else if (rest.startsWith('?!') || rest.startsWith('?<!')) { kind = 'negative'; this.i += rest.startsWith('?!') ? 2 : 3; }
    else if (rest.startsWith('?<')) {
      const end = this.src.indexOf('>', this.i);
      if (end < 0) throw new Error('unterminated group name');
      this.i = end + 1;
    } else if (rest.startsWith('?')) throw new Error('unknown group');
    const needles = this.alternation();
    if (this.src[this.i] !== ')') throw new Error('unterminated group');
    this.i++;
    // A lookaround consumes nothing, but a positive one's literal is in the text all the same.
    if (kind === 'negative') return ZERO;
    if (kind === 'ahead') return needles ? { kind: 'group', needles } : ZERO;
    return { kind: 'group', needles };
  }

  /** `\x`: one fixed character, a zero-width assertion, or a gap. */
  private escape(): Atom {
    const c = this.src[this.i++];
    if (c === undefined) throw new Error('trailing backslash');
    if (c === 'b' || c === 'B') return ZERO;
    if (Object.hasOwn(CONTROL, c) && !(c === '0' && /\d/.test(this.src[this.i] ?? ''))) return { kind: 'char', char: CONTROL[c] };
    if (c === 'x' || c === 'u') {
      const m = (c === 'x' ? /^[0-9a-fA-F]{2}/ : /^[0-9a-fA-F]{4}/).exec(this.src.slice(this.i));
      if (!m) return GAP;
      this.i += m[0].length;
      return { kind: 'char', char: String.fromCharCode(parseInt(m[0], 16)) };
    }
    if (c === 'k') {
      if (this.src[this.i] === '<') { const end = this.src.indexOf('>', this.i); if (end > 0) this.i = end + 1; }
      return GAP;
    }
    // `\cX` is one control character, and `\1`…`\99` a back-reference or (without that many
    // groups) an octal escape: the characters they take are not literals of the text.
    if (c === 'c' && /[A-Za-z]/.test(this.src[this.i] ?? '')) { this.i++; return GAP; }
    if (/[0-9]/.test(c)) { while (/[0-9]/.test(this.src[this.i] ?? '')) this.i++; return GAP; }
    // Other letters are classes or escapes this reader does not model.
    if (/[A-Za-z]/.test(c)) return GAP;
    return { kind: 'char', char: c };
  }

  /**
   * `[…]`: one literal character when every member lowercases to the same ASCII
   * character (`[eE]`, `[.]`), else a gap. Negated classes are gaps.
   */
  private charClass(): Atom {
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const members = new Set<string>();
    let open = true;
    let exact = true;
    while (this.i < this.src.length) {
      let c = this.src[this.i++];
      if (c === ']') { open = false; break; }
      if (c === '\\') {
        const e = this.src[this.i++];
        if (e === undefined) break;
        if (Object.hasOwn(CONTROL, e) && e !== '0') c = CONTROL[e];
        else if (/[A-Za-z0-9]/.test(e)) { exact = false; continue; } // \d, \w, \x41 …: not modelled
        else c = e;
      }
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) { exact = false; this.i += 2; if (this.src[this.i - 1] === '\\') this.i++; continue; }
      members.add(c.toLowerCase());
    }
    if (open) throw new Error('unterminated class');
    if (negated || !exact || members.size !== 1) return GAP;
    const only = [...members][0];
    return only.length === 1 && only.charCodeAt(0) <= 0x7f ? { kind: 'char', char: only } : GAP;
  }
}
