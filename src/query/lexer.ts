/**
 * Stage 1 of the query compiler: query text → tokens (specs/query-language.md,
 * "Lexing and expressions").
 *
 * The lexer is context-free; the parser decides what a token means where it stands.
 * So that one token stream serves both expressions and the raw parts of commands
 * (option values, `rex` patterns), a token carries its problems instead of reporting
 * them: a string keeps its raw text beside its escape-processed value and the spans of
 * any bad escapes, and a character that starts no token becomes an `invalid` token.
 * {@link tokenize} reports every problem it sees; the parser reports a token's
 * problems only where the token is read as an expression.
 */
import type { Diagnostic, Span } from './diagnostics.js';

/** Operators and punctuation. `?` only occurs in table names (`sysmon?`). */
export type Punct =
  | '|' | '[' | ']' | '(' | ')' | ',' | '*' | '/' | '+' | '-'
  | '>' | '>=' | '<' | '<=' | '==' | '!=' | '=' | '?';

/** A bare word: field or command name, keyword, option name. */
export interface WordToken { readonly kind: 'word'; readonly text: string; readonly span: Span }
export interface NumberToken {
  readonly kind: 'number'; readonly text: string; readonly value: number;
  /** Written without `.` or exponent. */
  readonly integer: boolean;
  readonly span: Span;
}
export interface StringToken {
  readonly kind: 'string';
  /** The source text, quotes included. */
  readonly text: string;
  /** Between the quotes, untouched (line breaks aside): what options and `rex` read. */
  readonly raw: string;
  /** Escapes processed: what an expression literal means. */
  readonly value: string;
  /** Problems met while reading the string (`bad-escape`, `unterminated-string`). */
  readonly problems: readonly Diagnostic[];
  readonly span: Span;
}
export interface PunctToken { readonly kind: 'punct'; readonly text: Punct; readonly span: Span }
/** A character that starts no token (`%`, `:`, a lone `!`, …). */
export interface InvalidToken { readonly kind: 'invalid'; readonly text: string; readonly span: Span }
export interface EofToken { readonly kind: 'eof'; readonly text: ''; readonly span: Span }

export type Token = WordToken | NumberToken | StringToken | PunctToken | InvalidToken | EofToken;

const TWO_CHAR: ReadonlySet<string> = new Set(['>=', '<=', '==', '!=']);
const ONE_CHAR: ReadonlySet<string> = new Set(['|', '[', ']', '(', ')', ',', '*', '/', '+', '-', '>', '<', '=', '?']);
/** The escapes of string literals (spec: `\\ \" \n \t \r` only). */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n', t: '\t', r: '\r' };

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
/** Field names: letters (any script), digits, `_`, `.`; they start with a letter or `_`. */
const isWordStart = (c: string): boolean => c === '_' || /\p{L}/u.test(c);
const isWordPart = (c: string): boolean => isWordStart(c) || isDigit(c) || c === '.';

/**
 * Offset just past the closing quote of the string that opens at `start`, or the text's
 * end. A backslash hides the character after it, so `\"` does not close the string
 * (also in raw option values, as in the engine's option reader).
 *
 * @example
 * stringEnd('a "b\\"c" d', 2) // { end: 8, terminated: true }
 */
export function stringEnd(source: string, start: number): { end: number; terminated: boolean } {
  for (let i = start + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '"') return { end: i + 1, terminated: true };
  }
  return { end: source.length, terminated: false };
}

/** Line breaks inside quotes are spaces, as everywhere in a query (one space per CRLF). */
const unbreak = (s: string): string => s.replace(/\r\n|\r|\n/g, ' ');

function readString(source: string, start: number): StringToken {
  const { end, terminated } = stringEnd(source, start);
  const span = { start, end };
  const problems: Diagnostic[] = [];
  if (!terminated) {
    problems.push({
      code: 'unterminated-string', message: 'string has no closing quote', span,
      hint: 'close it with " (a quote inside a string is written \\")',
    });
  }
  const inner = source.slice(start + 1, terminated ? end - 1 : end);
  let value = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\r' || c === '\n') {
      value += ' ';
      if (c === '\r' && inner[i + 1] === '\n') i++;
      continue;
    }
    if (c !== '\\') { value += c; continue; }
    const next = inner[i + 1];
    const at = start + 1 + i;
    if (next !== undefined && Object.hasOwn(ESCAPES, next)) {
      value += ESCAPES[next];
    } else {
      problems.push({
        code: 'bad-escape',
        message: next === undefined ? 'backslash at the end of a string' : `unknown escape \\${next}`,
        span: { start: at, end: Math.min(at + 2, start + 1 + inner.length) },
        hint: 'strings know only \\\\ \\" \\n \\t \\r; write a backslash as \\\\',
      });
      if (next !== undefined) value += next;
    }
    i++;
  }
  return { kind: 'string', text: source.slice(start, end), raw: unbreak(inner), value, problems, span };
}

/** Reads a number; digits that run on into word characters make a word (`3des`, `10.0.0.1`). */
function readNumberOrWord(source: string, start: number): Token {
  const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(start, start + 400))!;
  let end = start + m[0].length;
  if (end < source.length && isWordPart(source[end])) {
    while (end < source.length && isWordPart(source[end])) end++;
    return { kind: 'word', text: source.slice(start, end), span: { start, end } };
  }
  const text = m[0];
  return { kind: 'number', text, value: Number(text), integer: m[1] === undefined && m[2] === undefined, span: { start, end } };
}

/**
 * The problems a token carries (string escapes, invalid characters, non-finite numbers).
 *
 * @example
 * tokenProblems(lex('%')[0])[0].code // 'unexpected-character'
 */
export function tokenProblems(t: Token): Diagnostic[] {
  switch (t.kind) {
    case 'string': return [...t.problems];
    case 'invalid': return [invalidCharacter(t)];
    case 'number': return Number.isFinite(t.value) ? [] : [{ code: 'bad-number', message: `number ${t.text} is too large`, span: t.span }];
    default: return [];
  }
}

/**
 * The diagnostic of an `invalid` token, with a hint for characters of other languages.
 *
 * @example
 * invalidCharacter({ kind: 'invalid', text: '%', span: { start: 2, end: 3 } }).hint // 'there is no % operator; use mod(a, b)'
 */
export function invalidCharacter(t: InvalidToken): Diagnostic {
  const hints: Record<string, string> = {
    '%': 'there is no % operator; use mod(a, b)',
    '!': 'negate with not(expr); compare with !=',
    '&': 'write "and"',
    "'": 'strings use double quotes',
    '`': 'strings use double quotes',
  };
  return { code: 'unexpected-character', message: `unexpected character '${t.text}'`, span: t.span, hint: hints[t.text] };
}

/**
 * Splits a query into tokens. Whitespace (newlines included) separates tokens;
 * `# ` starts a comment to the end of the line (the spec names hash and space; a hash
 * before a tab, a line break or the end counts too). The token list always ends with an
 * `eof` token. Diagnostics are every problem the tokens carry; the parser is more selective (an option value is raw, so a
 * `\d` in `rex`'s pattern or a backtick in `pairdelim="`"` is fine there).
 *
 * @example
 * tokenize('search a >= -1.5 # note').tokens.map((t) => t.text)
 * // ['search', 'a', '>=', '-', '1.5', '']
 */
export function tokenize(source: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens = lex(source);
  return { tokens, diagnostics: tokens.flatMap(tokenProblems) };
}

/**
 * The tokens of `source`, problems carried by the tokens (the parser's entry point).
 *
 * @example
 * lex('"\\d"')[0] // { kind: 'string', raw: '\\d', value: 'd', problems: [bad-escape], … }
 */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (isSpace(c)) { i++; continue; }
    if (c === '#' && (i + 1 === source.length || isSpace(source[i + 1]))) {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      const t = readString(source, i);
      tokens.push(t);
      i = t.span.end;
    } else if (isDigit(c)) {
      const t = readNumberOrWord(source, i);
      tokens.push(t);
      i = t.span.end;
    } else if (isWordStart(c)) {
      while (i < source.length && isWordPart(source[i])) i++;
      tokens.push({ kind: 'word', text: source.slice(start, i), span: { start, end: i } });
    } else if (TWO_CHAR.has(source.slice(i, i + 2))) {
      i += 2;
      tokens.push({ kind: 'punct', text: source.slice(start, i) as Punct, span: { start, end: i } });
    } else if (ONE_CHAR.has(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c as Punct, span: { start, end: i } });
    } else {
      // One code point, so that a surrogate pair is one invalid token.
      const cp = String.fromCodePoint(source.codePointAt(i)!);
      i += cp.length;
      tokens.push({ kind: 'invalid', text: cp, span: { start, end: i } });
    }
  }
  tokens.push({ kind: 'eof', text: '', span: { start: source.length, end: source.length } });
  return tokens;
}
