/**
 * Sigma string values with wildcards (rules spec "String Wildcard", "Escape Character"):
 * `*` is any run of characters, `?` exactly one; `\*`, `\?` and `\\` are the plain
 * characters, a `\` before anything else is itself. With the `expand` modifier,
 * `%name%` is a placeholder and `\%` a plain percent (rules spec "Placeholders").
 *
 * A parsed value is a {@link Pattern}: literal runs and wildcards. {@link compilePattern}
 * turns one into the cheapest string test that implements it: `===`, `startsWith`,
 * `endsWith`, `includes`, or a RegExp only when wildcards sit between literals.
 *
 * @example
 * const p = parseSigmaString('*\\cmd.exe')       // [any, '\cmd.exe']
 * compilePattern(p, false)('c:\\windows\\cmd.exe')  // true (the caller lowercases the value)
 */

/** One piece of a Sigma string. */
export type PatternPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'one' }
  | { readonly kind: 'placeholder'; readonly name: string };

/** A Sigma string: parts in order, adjacent texts merged, no two `any` in a row. */
export type Pattern = readonly PatternPart[];

export const ANY: PatternPart = { kind: 'any' };
const ONE: PatternPart = { kind: 'one' };

/**
 * Parses a Sigma string value; with `placeholders`, `%name%` becomes a placeholder part.
 *
 * @example
 * parseSigmaString('a\\*b?')            // [text 'a*b', one]
 * parseSigmaString('%Servers%', true)    // [placeholder Servers]
 */
export function parseSigmaString(raw: string, placeholders = false): Pattern {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = (): void => { if (text) { parts.push({ kind: 'text', text }); text = ''; } };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\' || (placeholders && next === '%')) { text += next; i++; } else text += c;
    } else if (c === '*') { flush(); if (parts[parts.length - 1]?.kind !== 'any') parts.push(ANY); } else if (c === '?') { flush(); parts.push(ONE); } else if (c === '%' && placeholders) {
      const end = raw.indexOf('%', i + 1);
      if (end > i + 1 && /^[A-Za-z0-9_.-]+$/.test(raw.slice(i + 1, end))) {
        flush();
        parts.push({ kind: 'placeholder', name: raw.slice(i + 1, end) });
        i = end;
      } else text += c;
    } else text += c;
  }
  flush();
  return parts;
}

/**
 * A pattern for an exact literal string (no wildcard interpretation).
 *
 * @example
 * literalPattern('a*b') // [text 'a*b']
 */
export function literalPattern(text: string): Pattern {
  return text ? [{ kind: 'text', text }] : [];
}

/**
 * Merges adjacent texts and repeated `any`s (after concatenations).
 *
 * @example
 * normalizePattern([ANY, ANY, { kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }]) // [any, text 'ab']
 */
export function normalizePattern(parts: readonly PatternPart[]): Pattern {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text') {
      if (!p.text) continue;
      if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + p.text };
      else out.push(p);
    } else if (p.kind === 'any' && last?.kind === 'any') continue;
    else out.push(p);
  }
  return out;
}

/**
 * The plain text of a pattern without wildcards or placeholders, else null.
 *
 * @example
 * patternText(parseSigmaString('a\\*')) // 'a*'
 * patternText(parseSigmaString('a*'))   // null
 */
export function patternText(p: Pattern): string | null {
  let s = '';
  for (const part of p) {
    if (part.kind !== 'text') return null;
    s += part.text;
  }
  return s;
}

/**
 * Applies `f` to every literal text of a pattern (e.g. lowercasing).
 *
 * @example
 * mapPatternText(parseSigmaString('A*B'), (s) => s.toLowerCase()) // [text 'a', any, text 'b']
 */
export function mapPatternText(p: Pattern, f: (s: string) => string): Pattern {
  return p.map((part) => (part.kind === 'text' ? { kind: 'text', text: f(part.text) } : part));
}

/**
 * The literal runs of a pattern (text between wildcards); used by the prefilter, which
 * needs a substring every match must contain.
 *
 * @example
 * literalRuns(parseSigmaString('*\\a*b.exe')) // ['\a', 'b.exe']
 */
export function literalRuns(p: Pattern): string[] {
  return p.filter((x): x is { kind: 'text'; text: string } => x.kind === 'text').map((x) => x.text);
}

/**
 * Prints a pattern back as Sigma text (escaping wildcards and backslashes before them).
 *
 * @example
 * printPattern([{ kind: 'text', text: 'a*' }, ANY]) // 'a\\**'
 */
export function printPattern(p: Pattern): string {
  const print: { [K in PatternPart['kind']]: (x: Extract<PatternPart, { kind: K }>) => string } = {
    text: (x) => x.text.replace(/\\(?=[*?\\]|$)|[*?]/g, (m) => `\\${m}`),
    any: () => '*',
    one: () => '?',
    placeholder: (x) => `%${x.name}%`,
  };
  return p.map((x) => (print[x.kind] as (y: PatternPart) => string)(x)).join('');
}

/**
 * The literal of a `*text*` pattern (what `contains` makes), or null for any other shape.
 *
 * @example
 * containsLiteral(parseSigmaString('*Temp*')) // 'Temp'
 */
export function containsLiteral(p: Pattern): string | null {
  return p.length === 3 && p[0].kind === 'any' && p[1].kind === 'text' && p[2].kind === 'any' ? p[1].text : null;
}

/** A test of an already case-folded (or, for `cased`, raw) string. */
export type StringTest = (s: string) => boolean;

const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * Compiles a pattern into a string test. When `cased` is false the literals are
 * lowercased here, and the caller passes the lowercased value.
 *
 * @example
 * compilePattern(parseSigmaString('*Temp*'), false)('c:\\temp\\x') // true
 */
export function compilePattern(pattern: Pattern, cased: boolean): StringTest {
  const p = cased ? pattern : mapPatternText(pattern, (s) => s.toLowerCase());
  const shape = p.map((x) => (x.kind === 'text' ? 't' : x.kind === 'any' ? '*' : '?')).join('');
  const t = (i: number): string => (p[i] as { text: string }).text;
  switch (shape) {
    case '': return (s) => s === '';
    case '*': return () => true;
    case 't': { const a = t(0); return (s) => s === a; }
    case '*t*': { const a = t(1); return (s) => s.includes(a); }
    case 't*': { const a = t(0); return (s) => s.startsWith(a); }
    case '*t': { const a = t(1); return (s) => s.endsWith(a); }
    case 't*t': {
      const a = t(0), b = t(2), n = a.length + b.length;
      return (s) => s.length >= n && s.startsWith(a) && s.endsWith(b);
    }
  }
  if (p.some((x) => x.kind === 'placeholder')) throw new Error('placeholder left in pattern');
  const source = p.map((x) => (x.kind === 'text' ? regexEscape(x.text) : x.kind === 'any' ? '.*' : '.')).join('');
  const re = new RegExp(`^${source}$`, 's');
  return (s) => re.test(s);
}
