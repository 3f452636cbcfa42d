/**
 * Regexes that are only literals joined by `.*` (`\+.*\+.*\+`, `a.*b`), tested without
 * the regex engine. Rules write such chains to count characters in a command line
 * (SigmaHQ's `proc_creation_win_powershell_cmdline_special_characters` has four, up to
 * fourteen links long); V8's backtracking tries every split of the `.*`s when the chain
 * almost matches, which cost ~0.3 ms per candidate event (bench/RESULTS.md "Hunt").
 *
 * An unanchored chain L1.*L2…Ln matches iff the literals occur in that order without
 * overlapping, within one line when `.` stops at line terminators (no `s` flag, ECMA-262
 * 22.2.2.7: `.` is any character but LineTerminator): taking each literal's first
 * occurrence after the previous one is never worse than any other choice, so one
 * `indexOf` per literal decides.
 *
 * @example
 * literalChainTest(/\+.*\+/)?.('a+b+c') // true
 * literalChainTest(/\d.*x/)             // null: not a literal chain
 */

/** Characters a regex escapes to mean themselves (a backslash before anything else is a class or a special escape). */
const ESCAPED_LITERALS = new Set('\\^$.|?*+()[]{}/-`\'"!#%&,:;<=>@_~ ');
/** Characters that are regex syntax when not escaped. */
const SYNTAX = new Set('\\^$.|?*+()[]{}');
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** The literals of `source` if it is `L1.*L2…` (each `.*` possibly lazy), else null. */
function chainLiterals(source: string): string[] | null {
  const literals: string[] = [];
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined || !ESCAPED_LITERALS.has(n)) return null;
      current += n;
      i++;
    } else if (c === '.' && source[i + 1] === '*') {
      if (current === '') return null;
      literals.push(current);
      current = '';
      i += source[i + 2] === '?' ? 2 : 1;
    } else if (SYNTAX.has(c) || LINE_TERMINATOR.test(c)) {
      return null;
    } else {
      current += c;
    }
  }
  if (current === '') return null;
  literals.push(current);
  return literals.length >= 2 ? literals : null;
}

/** Whether the literals occur in order, without overlapping, in `s`. */
function inOrder(s: string, literals: readonly string[]): boolean {
  let at = 0;
  for (let k = 0; k < literals.length; k++) {
    const i = s.indexOf(literals[k], at);
    if (i < 0) return false;
    at = i + literals[k].length;
  }
  return true;
}

/**
 * A test equivalent to `re.test(s)` when `re` is a literal chain, or null. Only case-blind
 * chains of non-letters are taken (`i` folds case by the regex's own rules, which
 * lowercasing the text would not reproduce for every character), and no `y`, `g`, `u` or
 * `v` flags.
 *
 * @example
 * literalChainTest(/`.*`.*`/)?.('a`b`c`') // true
 */
export function literalChainTest(re: RegExp): ((s: string) => boolean) | null {
  if (/[gyuv]/.test(re.flags)) return null;
  const literals = chainLiterals(re.source);
  if (literals === null) return null;
  if (re.flags.includes('i') && literals.some((l) => l.toLowerCase() !== l.toUpperCase() || /[^\x20-\x7e]/.test(l))) return null;
  if (re.flags.includes('s')) return (s) => inOrder(s, literals);
  return (s) => {
    // A match in the whole text is needed for one in some line; most texts are one line.
    if (!inOrder(s, literals)) return false;
    if (!LINE_TERMINATOR.test(s)) return true;
    for (const line of s.split(/[\n\r\u2028\u2029]/)) if (inOrder(line, literals)) return true;
    return false;
  };
}
