import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, type Token } from './lexer.js';
import { formatDiagnostic } from './diagnostics.js';

/** `kind:text` of each token but the final eof. */
const shapes = (source: string): string[] => tokenize(source).tokens.slice(0, -1).map((t) => `${t.kind}:${t.text}`);
const only = (source: string): Token => {
  const { tokens } = tokenize(source);
  assert.equal(tokens.length, 2, `one token in ${source}`);
  return tokens[0];
};

test('operators: two-character ones win, each is a punct token', () => {
  assert.deepEqual(shapes('a>=b<=c==d!=e=f<g>h'), [
    'word:a', 'punct:>=', 'word:b', 'punct:<=', 'word:c', 'punct:==', 'word:d', 'punct:!=', 'word:e', 'punct:=', 'word:f',
    'punct:<', 'word:g', 'punct:>', 'word:h',
  ]);
  assert.deepEqual(shapes('|[](),*/+-?'), ['|', '[', ']', '(', ')', ',', '*', '/', '+', '-', '?'].map((p) => `punct:${p}`));
});

test('minus is always an operator, so a-b and -count both split', () => {
  assert.deepEqual(shapes('a-b'), ['word:a', 'punct:-', 'word:b']);
  assert.deepEqual(shapes('sort -count'), ['word:sort', 'punct:-', 'word:count']);
  assert.deepEqual(shapes('x*2'), ['word:x', 'punct:*', 'number:2']);
});

test('words: letters of any script, digits, _ and .; may start with _', () => {
  assert.deepEqual(shapes('_time event.id 이벤트 a_b9'), ['word:_time', 'word:event.id', 'word:이벤트', 'word:a_b9']);
});

test('numbers: integers, doubles, exponents; digits running into letters make a word', () => {
  const int = only('4624');
  assert.ok(int.kind === 'number' && int.value === 4624 && int.integer);
  const dbl = only('1.5');
  assert.ok(dbl.kind === 'number' && dbl.value === 1.5 && !dbl.integer);
  const exp = only('2e3');
  assert.ok(exp.kind === 'number' && exp.value === 2000 && !exp.integer);
  assert.deepEqual(shapes('3des 10.0.0.1'), ['word:3des', 'word:10.0.0.1']);
  assert.deepEqual(shapes('1. 2.5x'), ['word:1.', 'word:2.5x']);
});

test('a number too large for a double is reported', () => {
  const { diagnostics } = tokenize('1e999');
  assert.deepEqual(diagnostics.map((d) => d.code), ['bad-number']);
});

test('strings: the five escapes, raw text kept beside the value', () => {
  const t = only(String.raw`"a\\b\"c\nd\te\rf"`);
  assert.ok(t.kind === 'string');
  assert.equal(t.value, 'a\\b"c\nd\te\rf');
  assert.equal(t.raw, String.raw`a\\b\"c\nd\te\rf`);
  assert.deepEqual(t.problems, []);
});

test('strings: another escape is bad-escape pointing at it; the raw text is still there', () => {
  const source = String.raw`x == "\d+"`;
  const { tokens, diagnostics } = tokenize(source);
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span.start, d.span.end]), [['bad-escape', 6, 8]]);
  assert.equal(formatDiagnostic(diagnostics[0], source), [
    'error at line 1, column 7: unknown escape \\d',
    '  x == "\\d+"',
    '        ^^',
    '  hint: strings know only \\\\ \\" \\n \\t \\r; write a backslash as \\\\',
  ].join('\n'));
  const s = tokens[2];
  assert.ok(s.kind === 'string' && s.raw === String.raw`\d+`);
});

test('strings: unterminated runs to the end and is reported over its whole length', () => {
  const { tokens, diagnostics } = tokenize('a == "abc | b');
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span.start, d.span.end]), [['unterminated-string', 5, 13]]);
  assert.equal(tokens.length, 4);
  // An escaped quote does not end a string.
  assert.deepEqual(tokenize(String.raw`"a\"`).diagnostics.map((d) => d.code), ['unterminated-string']);
});

test('a line break inside a string is a space; outside, whitespace', () => {
  assert.equal((only('"a\r\nb\nc"') as Token & { kind: 'string' }).value, 'a b c');
  assert.deepEqual(shapes('table\r\n  sysmon\n|\tfields a'), ['word:table', 'word:sysmon', 'punct:|', 'word:fields', 'word:a']);
});

test('comments: # and a space (or the end) to the end of the line; not inside strings', () => {
  assert.deepEqual(shapes('table x # all of it | fields a\n| fields b #'), ['word:table', 'word:x', 'punct:|', 'word:fields', 'word:b']);
  assert.deepEqual(shapes('"# not a comment"'), ['string:"# not a comment"']);
  assert.deepEqual(shapes('#x'), ['invalid:#', 'word:x']);
});

test('characters that start no token are invalid tokens, reported with a hint', () => {
  const { tokens, diagnostics } = tokenize('a % b');
  assert.equal(tokens[1].kind, 'invalid');
  assert.deepEqual(diagnostics.map((d) => [d.code, d.span.start, d.hint]), [['unexpected-character', 2, 'there is no % operator; use mod(a, b)']]);
  // A character outside the BMP is one token of two UTF-16 units.
  assert.deepEqual(tokenize('😀').tokens[0].span, { start: 0, end: 2 });
});

test('spans are UTF-16 offsets; the list ends with eof at the end of the text', () => {
  const { tokens } = tokenize('"한글😀" x');
  assert.deepEqual(tokens.map((t) => [t.kind, t.span.start, t.span.end]), [['string', 0, 6], ['word', 7, 8], ['eof', 8, 8]]);
  assert.deepEqual(tokenize('').tokens.map((t) => t.kind), ['eof']);
});
