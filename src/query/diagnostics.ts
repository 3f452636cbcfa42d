/**
 * Query diagnostics: every error the lexer, parser, planner or executor reports points
 * at the query text (line, column, caret), says what was expected and what was found,
 * and may carry a hint — as TypeScript's and PRQL's compilers do (STYLE.md).
 */

/** A half-open range of UTF-16 offsets into the query text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One problem found in a query. */
export interface Diagnostic {
  /** Stable machine code, e.g. `unexpected-token`, `unknown-command`, `bad-option`. */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  readonly hint?: string;
}

/** Thrown when a query cannot run; carries every diagnostic found (at least one). */
export class QueryError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[], readonly source: string) {
    super(diagnostics.map((d) => formatDiagnostic(d, source)).join('\n'));
    this.name = 'QueryError';
  }
}

/** 1-based line and column of `offset` in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Renders a diagnostic with its position and a caret under the offending text.
 *
 * @example
 * formatDiagnostic({ code: 'unknown-command', message: "unknown command 'serch'", span: { start: 13, end: 18 } }, 'table sysmon | serch x')
 * // "error at line 1, column 16: unknown command 'serch'\n  table sysmon | serch x\n                 ^^^^^"
 */
export function formatDiagnostic(d: Diagnostic, source: string): string {
  const { line, column } = lineColumn(source, d.span.start);
  const text = source.split('\n')[line - 1] ?? '';
  const width = Math.max(1, Math.min(d.span.end, d.span.start + text.length - column + 1) - d.span.start);
  const caret = ' '.repeat(column - 1) + '^'.repeat(width);
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `error at line ${line}, column ${column}: ${d.message}\n  ${text.replace(/\t/g, ' ')}\n  ${caret}${hint}`;
}
