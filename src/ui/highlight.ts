/**
 * Syntax highlighting of the pipe query language for the editor's overlay: commands
 * (the first word of each `|` segment), strings, numbers, operators, and the spans of
 * diagnostics (underlined). The token rules follow the project's lexer
 * (src/query/lexer.ts): double-quoted strings with backslash escapes, numbers, the
 * operator punctuation, and words.
 */
import { h } from './dom.js';

/** The commands of the query language (specs/query-language.md). */
export const COMMANDS = new Set([
  'count', 'dedup', 'eval', 'explode', 'fields', 'join', 'limit', 'lookup', 'max', 'or', 'parsejson', 'parsekv', 'percentile',
  'rename', 'rex', 'search', 'sort', 'stats', 'table', 'timechart', 'values', 'wget', 'where',
]);

const KEYWORDS = new Set(['and', 'or', 'not', 'by', 'as', 'in']);

/** A highlighted piece of the query text. */
export interface Segment {
  readonly kind: 'command' | 'keyword' | 'string' | 'number' | 'operator' | 'pipe' | 'word' | 'space' | 'other';
  readonly start: number;
  readonly end: number;
}

const TOKEN = /("(?:[^"\\]|\\.)*"?)|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(\|)|(==|!=|>=|<=|[=<>+\-*/(),[\]?])|([A-Za-z_@$][\w.@$:-]*)|(\s+)|(.)/gsy;

/** Splits query text into highlighted segments (covering every character). */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let commandNext = true;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null && m[0] !== ''; m = TOKEN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    let kind: Segment['kind'];
    if (m[1] !== undefined) kind = 'string';
    else if (m[2] !== undefined) kind = 'number';
    else if (m[3] !== undefined) { kind = 'pipe'; commandNext = true; out.push({ kind, start, end }); continue; }
    else if (m[4] !== undefined) kind = 'operator';
    else if (m[5] !== undefined) kind = commandNext && COMMANDS.has(m[5].toLowerCase()) ? 'command' : KEYWORDS.has(m[5].toLowerCase()) ? 'keyword' : 'word';
    else if (m[6] !== undefined) { out.push({ kind: 'space', start, end }); continue; }
    else kind = 'other';
    commandNext = false;
    out.push({ kind, start, end });
  }
  return out;
}

/** A span of the text to mark as wrong. */
export interface Mark { readonly start: number; readonly end: number; readonly message: string }

/**
 * The overlay's content: one span per segment, split where a diagnostic mark begins or
 * ends so the mark underlines exactly its characters (an empty span marks one place).
 */
export function highlightNodes(text: string, marks: readonly Mark[]): Node[] {
  const cuts = new Set<number>();
  for (const m of marks) { cuts.add(m.start); cuts.add(Math.max(m.end, m.start + 1)); }
  const nodes: Node[] = [];
  for (const s of segments(text)) {
    let from = s.start;
    const points = [...cuts].filter((c) => c > s.start && c < s.end).sort((a, b) => a - b);
    for (const to of [...points, s.end]) {
      const marked = marks.find((m) => from >= m.start && from < Math.max(m.end, m.start + 1));
      nodes.push(h('span', { class: `tok-${s.kind}${marked ? ' tok-error' : ''}`, ...(marked ? { title: marked.message } : {}) }, text.slice(from, to)));
      from = to;
    }
  }
  // A mark at the very end (e.g. "expected a command") underlines a visible blank.
  if (marks.some((m) => m.start >= text.length)) nodes.push(h('span', { class: 'tok-error' }, ' '));
  // A trailing newline needs a character after it, or the overlay is one line short.
  nodes.push(document.createTextNode('\n'));
  return nodes;
}

/** Line and column (1-based) of an offset in the text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
