/**
 * Stage 2 of the query compiler: tokens → AST (specs/query-language.md; the AST is
 * ast.ts). A hand-written recursive-descent parser that reports and recovers: a
 * command with an error is skipped up to the next `|` (or the `]` closing its
 * subquery), so one run reports the problems of every command.
 *
 * Decisions where the spec is silent (the docs record them):
 * - Command names, option names and the keywords `and`, `or`, `by`, `as`, `output`,
 *   `true`, `false`, `null` are case-insensitive; field names are case-sensitive;
 *   function names are lower-cased.
 * - `-1` is a negation of the literal 1 (a `negate` node), as the grammar has it.
 * - A line break inside a quoted string is a space, like every line break of a query.
 * - Options come right after the command name, written `key=value` without spaces.
 *   Their values are raw (spec): a quoted value is the text between the quotes
 *   (`pairdelim="\t"` is a backslash and a t); an unquoted one runs to the next
 *   whitespace, `|` or `]`.
 * - `from=`/`to=` take 4 to 14 digits (yyyy, yyyyMM, … yyyyMMddHHmmss, as the engine
 *   does) and are read as UTC: logs from many machines are compared in one clock.
 * - `stats by a, b` (no aggregate) is allowed: one row per group.
 * - `rex`'s pattern is the raw text between the quotes except that `\"` is a quote;
 *   it must compile as a JavaScript regular expression and have a named group.
 * - A join with no key fields is only valid as `type=cross`.
 * - A query (and a join subquery) starts with `table` or `wget`; `wget` without
 *   `url=` cannot start one (it reads each input row's `url`).
 */
import { FUNCTIONS, checkArity } from './functions.js';
import type {
  Aggregate, AggregateName, Assignment, BinaryOperator, Command, CommandKind, Expr, JoinType, LookupOutput,
  Query, RenamePair, SortKey, TableRef, TimeSpan, TimeUnit,
} from './ast.js';
import { QueryError, type Diagnostic, type Span } from './diagnostics.js';
import { invalidCharacter, lex, stringEnd, type Punct, type Token } from './lexer.js';

/** Thrown inside the parser after a fatal diagnostic was recorded; caught per command. */
class Bail extends Error {}

/** Binding power of binary operators, loosest first (spec: "Precedence, tightest first"). */
const PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  or: 1, and: 2, '==': 3, '!=': 3, '>': 4, '>=': 4, '<': 4, '<=': 4, '+': 5, '-': 5, '*': 6, '/': 6,
};
const NEGATE_PRECEDENCE = 7;

const AGGREGATES: Readonly<Record<AggregateName, { min: number; max: number }>> = {
  count: { min: 0, max: 1 }, sum: { min: 1, max: 1 }, avg: { min: 1, max: 1 }, min: { min: 1, max: 1 },
  max: { min: 1, max: 1 }, first: { min: 1, max: 1 }, last: { min: 1, max: 1 }, dc: { min: 1, max: 1 },
  values: { min: 1, max: 1 }, array: { min: 1, max: 1 }, median: { min: 1, max: 1 },
  percentile: { min: 2, max: 2 }, stddev: { min: 1, max: 1 }, var: { min: 1, max: 1 },
};

const TIME_UNITS: readonly TimeUnit[] = ['s', 'm', 'h', 'd', 'w', 'mon'];
const JOIN_TYPES: readonly JoinType[] = ['inner', 'left', 'leftonly', 'right', 'rightonly', 'full', 'cross'];
const SOURCES: ReadonlySet<CommandKind> = new Set(['table', 'wget']);
/** Commands of other pipe languages and what to write instead. */
const FOREIGN_COMMANDS: Readonly<Record<string, string>> = {
  where: "filter rows with 'search EXPR'", head: "take the first rows with 'limit N'", select: "choose columns with 'fields'",
};

// ---------------------------------------------------------------- helpers

/** Edit distance counting a swap of neighbours as one edit (`cuont` → `count`), for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `names` to `word`, if close enough to be a likely typo. */
function closest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const n of names) {
    const d = editDistance(word.toLowerCase(), n);
    if (d < bestDistance) { best = n; bestDistance = d; }
  }
  return bestDistance <= Math.min(2, Math.max(1, Math.floor(word.length / 3))) ? best : undefined;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the query';
    case 'string': return `the string ${t.text.length > 24 ? `${t.text.slice(0, 20)}…"` : t.text}`;
    case 'number': return `the number ${t.text}`;
    case 'word': return `'${t.text}'`;
    default: return `'${t.text}'`;
  }
}

const isWord = (t: Token, keyword: string): boolean => t.kind === 'word' && t.text.toLowerCase() === keyword;
const isPunct = (t: Token, p: Punct): boolean => t.kind === 'punct' && t.text === p;
const FIELD_NAME = /^[\p{L}_\d][\p{L}_\d.]*$/u;

// ---------------------------------------------------------------- options

interface RawOption { readonly key: string; readonly keySpan: Span; readonly value: string; readonly valueSpan: Span }

/** The `key=value` options of one command, converted on demand (each getter reports its own errors). */
class Options {
  constructor(private readonly p: Parser, private readonly command: string, private readonly raw: ReadonlyMap<string, RawOption>) {}

  private bad(o: RawOption, expected: string): undefined {
    this.p.report({
      code: 'bad-option-value', message: `${this.command} option ${o.key}= expects ${expected}, found '${o.value}'`, span: o.valueSpan,
    });
    return undefined;
  }

  has(key: string): boolean { return this.raw.has(key); }
  span(key: string): Span | undefined { return this.raw.get(key)?.keySpan; }

  string(key: string): string | undefined { return this.raw.get(key)?.value; }

  field(key: string): string | undefined {
    const o = this.raw.get(key);
    if (!o) return undefined;
    return FIELD_NAME.test(o.value) ? o.value : this.bad(o, 'a field name');
  }

  int(key: string, min: number): number | undefined {
    const o = this.raw.get(key);
    if (!o) return undefined;
    const n = /^\d+$/.test(o.value) ? Number(o.value) : NaN;
    return Number.isSafeInteger(n) && n >= min ? n : this.bad(o, min > 0 ? 'a whole number above 0' : 'a whole number');
  }

  /** `t`/`true`/`f`/`false` in any case (spec, "Lexing and expressions"). */
  bool(key: string, fallback: boolean): boolean {
    const o = this.raw.get(key);
    if (!o) return fallback;
    const v = o.value.toLowerCase();
    if (v === 't' || v === 'true') return true;
    if (v === 'f' || v === 'false') return false;
    return this.bad(o, 't, true, f or false') ?? fallback;
  }

  choice<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const o = this.raw.get(key);
    if (!o) return fallback;
    const v = o.value.toLowerCase() as T;
    return values.includes(v) ? v : this.bad(o, `one of ${values.join(', ')}`) ?? fallback;
  }

  /** `N{s|m|h|d|w|mon}`, N a whole number above 0. */
  timeSpan(key: string): TimeSpan | undefined {
    const o = this.raw.get(key);
    if (!o) return undefined;
    const m = /^(\d+)(s|m|h|d|w|mon)$/i.exec(o.value);
    const amount = m ? Number(m[1]) : 0;
    if (!m || !Number.isSafeInteger(amount) || amount < 1) {
      return this.bad(o, `a number and a unit (${TIME_UNITS.join(', ')}), e.g. 10m`);
    }
    return { amount, unit: m[2].toLowerCase() as TimeUnit };
  }

  /**
   * `yyyy[MM[dd[HH[mm[ss]]]]]`, the missing parts the lowest (January, the 1st, 00:00:00),
   * as UTC (see the file comment).
   */
  date(key: string): Date | undefined {
    const o = this.raw.get(key);
    if (!o) return undefined;
    const v = o.value;
    if (!/^\d+$/.test(v) || v.length < 4 || v.length > 14 || v.length % 2 !== 0) return this.bad(o, 'a time yyyyMMddHHmmss (or a prefix: yyyy, yyyyMM, …)');
    const part = (from: number, fallback: number): number => (v.length > from ? Number(v.slice(from, from + 2)) : fallback);
    const [y, mo, d, h, mi, s] = [Number(v.slice(0, 4)), part(4, 1), part(6, 1), part(8, 0), part(10, 0), part(12, 0)];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    // Date.UTC rolls over (month 13, day 31 of April); a round trip catches that.
    const ok = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
      && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s && y >= 1;
    return ok ? date : this.bad(o, 'a valid time yyyyMMddHHmmss (or a prefix)');
  }
}

// ---------------------------------------------------------------- the parser

type CommandParser = (p: Parser, name: Token) => Command;

class Parser {
  private pos = 0;
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly source: string, readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token { return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]; }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  /** End offset of the last token taken. */
  lastEnd(): number { return this.pos === 0 ? 0 : this.tokens[this.pos - 1].span.end; }
  spanFrom(start: number): Span { return { start, end: Math.max(start, this.lastEnd()) }; }

  /** Records a diagnostic; one per code and place (`|` alone has no command before nor after it). */
  report(d: Diagnostic): void {
    if (!this.diagnostics.some((x) => x.code === d.code && x.span.start === d.span.start)) this.diagnostics.push(d);
  }
  fail(d: Diagnostic): never {
    this.report(d);
    throw new Bail();
  }

  /** Reports `t` where `expected` was wanted, and gives up on the command. */
  unexpected(t: Token, expected: string, hint?: string, code?: string): never {
    if (t.kind === 'invalid') this.fail(invalidCharacter(t));
    if (t.kind === 'string' && t.problems.some((d) => d.code === 'unterminated-string')) {
      this.fail(t.problems.find((d) => d.code === 'unterminated-string')!);
    }
    code ??= t.kind === 'eof' || isPunct(t, '|') ? 'missing-argument' : 'unexpected-token';
    this.fail({ code, message: `expected ${expected}, found ${describe(t)}`, span: t.span, hint });
  }

  expectPunct(p: Punct, expected = `'${p}'`): Token {
    const t = this.peek();
    if (!isPunct(t, p)) this.unexpected(t, expected);
    return this.next();
  }

  /** A field name (a word). */
  field(what = 'a field name'): string {
    const t = this.peek();
    if (t.kind !== 'word') this.unexpected(t, what, undefined, 'expected-field');
    this.next();
    return t.text;
  }

  /** `a, b, c`: one or more field names. */
  fieldList(what = 'a field name'): string[] {
    const names = [this.field(what)];
    while (isPunct(this.peek(), ',')) {
      this.next();
      names.push(this.field(what));
    }
    return names;
  }

  // ------------------------------------------------------------ options

  /**
   * Reads the `key=value` options at the current position. `strict`: any `word=` is an
   * option, unknown ones are reported; otherwise (for `search`, whose expression may
   * start with a field) only the listed keys are options.
   */
  options(command: string, keys: readonly string[], strict = true): Options {
    const found = new Map<string, RawOption>();
    for (;;) {
      const k = this.peek();
      const eq = this.peek(1);
      if (k.kind !== 'word' || !isPunct(eq, '=')) break;
      const key = k.text.toLowerCase();
      if (!strict && !keys.includes(key)) break;
      this.next();
      this.next();
      const o = this.rawValue(key, k.span, eq.span.end);
      if (k.span.end !== eq.span.start || o.value === '' && o.valueSpan.start === o.valueSpan.end) {
        this.report({
          code: 'bad-option-value', message: `option ${k.text}= is written with a space around '='`, span: { start: k.span.start, end: eq.span.end },
          hint: `write ${key}=value, without spaces (a quoted value may be empty: ${key}="")`,
        });
        continue;
      }
      if (!keys.includes(key)) {
        const guess = closest(key, keys);
        const known = keys.length ? `${command} takes ${keys.map((x) => `${x}=`).join(', ')}` : `${command} takes no options`;
        this.report({
          code: 'unknown-option', message: `unknown option ${k.text}= for ${command}`, span: k.span,
          hint: guess ? `did you mean ${guess}=? (${known})` : known,
        });
        continue;
      }
      if (found.has(key)) {
        this.report({ code: 'duplicate-option', message: `option ${key}= is given twice`, span: k.span });
        continue;
      }
      found.set(key, o);
    }
    return new Options(this, command, found);
  }

  /** The raw value that starts at `start` (just after `=`); moves past the tokens it covers. */
  private rawValue(key: string, keySpan: Span, start: number): RawOption {
    const src = this.source;
    let end = start;
    let value: string;
    if (src[start] === '"') {
      const s = stringEnd(src, start);
      if (!s.terminated) this.fail({ code: 'unterminated-string', message: 'string has no closing quote', span: { start, end: s.end } });
      end = s.end;
      value = src.slice(start + 1, end - 1).replace(/\r\n|\r|\n/g, ' ');
    } else {
      while (end < src.length && !/[\s|\]]/.test(src[end])) end++;
      value = '';
    }
    // The value may have been lexed as several tokens (`http://…`), or end inside one.
    while (this.peek().kind !== 'eof' && this.peek().span.start < end) end = Math.max(end, this.next().span.end);
    if (src[start] !== '"') value = src.slice(start, end);
    return { key, keySpan, value, valueSpan: { start, end } };
  }

  // ------------------------------------------------------------ expressions

  /** An expression whose operators bind at least as tightly as `minPrecedence`. */
  expr(minPrecedence = 1): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const op = binaryOperator(t);
      if (op === undefined) {
        if (isPunct(t, '=')) {
          this.fail({
            code: 'single-equals', message: "'=' is not a comparison", span: t.span, hint: "use == to compare (a = b assigns only in eval)",
          });
        }
        if (t.kind === 'invalid') this.fail(invalidCharacter(t));
        return left;
      }
      const precedence = PRECEDENCE[op];
      if (precedence < minPrecedence) return left;
      this.next();
      const right = this.expr(precedence + 1);
      left = { kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (isPunct(t, '-')) {
      this.next();
      const operand = this.unary();
      return { kind: 'negate', operand, span: { start: t.span.start, end: operand.span.end } };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        if (!Number.isFinite(t.value)) this.fail({ code: 'bad-number', message: `number ${t.text} is too large`, span: t.span });
        return { kind: 'literal', value: t.value, span: t.span };
      case 'string':
        this.next();
        for (const d of t.problems) this.report(d);
        if (t.problems.some((d) => d.code === 'unterminated-string')) throw new Bail();
        return { kind: 'literal', value: t.value, span: t.span };
      case 'word': {
        const lower = t.text.toLowerCase();
        if (lower === 'and' || lower === 'or') this.unexpected(t, 'an expression', `'${lower}' joins two conditions`, 'expected-expression');
        this.next();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', span: t.span };
        if (lower === 'null') return { kind: 'literal', value: null, span: t.span };
        if (isPunct(this.peek(), '(')) return this.call(t, lower);
        if (lower === 'not' && startsExpression(this.peek())) {
          this.fail({ code: 'unexpected-token', message: `expected an operator or the end of the expression, found ${describe(this.peek())}`, span: this.peek().span, hint: 'not is a function: not(expr)' });
        }
        return { kind: 'field', name: t.text, span: t.span };
      }
      case 'punct':
        if (t.text === '(') {
          this.next();
          const inner = this.expr();
          this.closeParen(t);
          // The parentheses are part of the node's text (so that an aggregate's name covers them).
          return { ...inner, span: { start: t.span.start, end: this.lastEnd() } };
        }
        return this.unexpected(t, 'an expression', undefined, 'expected-expression');
      default:
        return this.unexpected(t, 'an expression', undefined, 'expected-expression');
    }
  }

  /** Takes the `)` matching `open`. */
  private closeParen(open: Token): void {
    const t = this.peek();
    if (isPunct(t, ')')) { this.next(); return; }
    if (t.kind === 'eof' || isPunct(t, '|') || isPunct(t, ']')) {
      this.fail({ code: 'unclosed-paren', message: "'(' is never closed", span: open.span, hint: `add ')' before ${describe(t)}` });
    }
    this.unexpected(t, "',' or ')'");
  }

  private call(name: Token, lower: string, isFunction = true): Expr {
    const open = this.next();
    const args: Expr[] = [];
    if (!isPunct(this.peek(), ')')) {
      args.push(this.expr());
      while (isPunct(this.peek(), ',')) {
        this.next();
        args.push(this.expr());
      }
    }
    this.closeParen(open);
    const span = { start: name.span.start, end: this.lastEnd() };
    if (isFunction) {
      // Unknown functions and wrong argument counts are query errors, found before anything runs.
      const problem = checkArity(lower, args.length);
      if (problem !== undefined) {
        const known = FUNCTIONS[lower] !== undefined;
        const guess = known ? undefined : closest(lower, Object.keys(FUNCTIONS));
        this.report({
          code: known ? 'bad-arity' : 'unknown-function', message: problem, span: { start: name.span.start, end: name.span.end },
          ...(guess ? { hint: `did you mean ${guess}()?` } : {}),
        });
      }
    }
    return { kind: 'call', name: lower, args, span };
  }

  // ------------------------------------------------------------ pipelines

  /**
   * Commands joined by `|` up to the end of the query, or (in a subquery opened by
   * `open`) up to the `]`, which is left for the caller.
   */
  pipeline(open?: Token): Query {
    const commands: Command[] = [];
    const start = this.peek().span.start;
    /** Commands tried so far (empty ones aside), for the source-first rule. */
    let index = 0;
    for (;;) {
      const t = this.peek();
      const atEnd = t.kind === 'eof' || (open !== undefined && isPunct(t, ']'));
      if (atEnd || isPunct(t, '|')) {
        const previous = this.pos > 0 ? this.tokens[this.pos - 1] : undefined;
        if (atEnd && (previous === undefined || previous === open)) {
          this.report(open
            ? { code: 'empty-command', message: 'the subquery is empty', span: { start: open.span.start, end: t.span.end }, hint: 'a subquery starts with table or wget' }
            : { code: 'empty-query', message: 'the query is empty', span: t.span, hint: 'start with table NAME' });
        } else {
          const at = atEnd && previous && isPunct(previous, '|') ? previous : t;
          this.report({ code: 'empty-command', message: `no command ${at === t && !atEnd ? 'before' : 'after'} '|'`, span: at.span });
        }
      } else {
        try {
          const c = this.command();
          this.checkPosition(c, index);
          commands.push(c);
          const after = this.peek();
          if (!(after.kind === 'eof' || isPunct(after, '|') || (open !== undefined && isPunct(after, ']')))) {
            this.unexpected(after, open ? "'|' or ']'" : "'|' or the end of the query");
          }
        } catch (e) {
          if (!(e instanceof Bail)) throw e;
          this.skipCommand(open !== undefined);
        }
        index++;
      }
      const sep = this.peek();
      if (isPunct(sep, '|')) { this.next(); continue; }
      if (sep.kind === 'eof' && open) {
        this.report({ code: 'unclosed-bracket', message: "'[' is never closed", span: open.span, hint: "end the subquery with ']'" });
      }
      break;
    }
    return { commands, span: { start, end: Math.max(start, this.lastEnd()) } };
  }

  /** Skips the rest of a bad command: to the next `|` (or subquery's `]`) outside brackets. */
  private skipCommand(inSubquery: boolean): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (depth === 0 && isPunct(t, '|')) return;
      if (depth === 0 && isPunct(t, ']')) {
        if (inSubquery) return;
        this.next(); // a stray ']' at the top level belongs to the bad command
        continue;
      }
      if (isPunct(t, '[') || isPunct(t, '(')) depth++;
      else if ((isPunct(t, ']') || isPunct(t, ')')) && depth > 0) depth--;
      this.next();
    }
  }

  private command(): Command {
    const t = this.peek();
    if (t.kind !== 'word') this.unexpected(t, 'a command name');
    const name = t.text.toLowerCase();
    if (!Object.hasOwn(COMMANDS, name)) {
      const guess = closest(name, COMMAND_NAMES);
      const hint = FOREIGN_COMMANDS[name] ?? (guess ? `did you mean ${guess}?` : `commands: ${COMMAND_NAMES.join(', ')}`);
      this.fail({ code: 'unknown-command', message: `unknown command '${t.text}'`, span: t.span, hint });
    }
    this.next();
    return COMMANDS[name as CommandKind](this, t);
  }

  /** Sources first, and only first (`wget` may also run per row later on). */
  private checkPosition(c: Command, index: number): void {
    if (index === 0 && !SOURCES.has(c.kind)) {
      this.report({
        code: 'missing-source', message: `a query starts with table or wget, not ${c.kind}`, span: c.span,
        hint: `start with table NAME | ${c.kind} …`,
      });
    } else if (index > 0 && c.kind === 'table') {
      this.report({ code: 'source-not-first', message: 'table can only start a query', span: c.span, hint: 'to combine tables, list them: table a, b' });
    } else if (index === 0 && c.kind === 'wget' && c.url === undefined) {
      this.report({
        code: 'missing-option', message: 'wget at the start of a query needs url=', span: c.span,
        hint: 'without url=, wget reads the url field of each input row',
      });
    }
  }

  // ------------------------------------------------------------ command parts

  /** `AGG [as NAME]`: `count`, or a call of an aggregate function. */
  aggregate(): Aggregate {
    const t = this.peek();
    if (t.kind !== 'word' || isWord(t, 'by')) this.unexpected(t, 'an aggregate such as count or sum(field)');
    const fn = t.text.toLowerCase();
    if (!Object.hasOwn(AGGREGATES, fn)) {
      const guess = closest(fn, Object.keys(AGGREGATES));
      this.fail({
        code: 'unknown-aggregate', message: `unknown aggregate function '${t.text}'`, span: t.span,
        hint: guess ? `did you mean ${guess}?` : `aggregates: ${Object.keys(AGGREGATES).join(', ')}`,
      });
    }
    this.next();
    const args = isPunct(this.peek(), '(') ? (this.call(t, fn, false) as Extract<Expr, { kind: 'call' }>).args : [];
    const callSpan = this.spanFrom(t.span.start);
    const arity = AGGREGATES[fn as AggregateName];
    if (args.length < arity.min || args.length > arity.max) {
      const want = arity.min === arity.max ? `${arity.min}` : `${arity.min} or ${arity.max}`;
      this.report({
        code: 'bad-aggregate', message: `${fn} takes ${want} argument${arity.max === 1 ? '' : 's'}, found ${args.length}`, span: callSpan,
        hint: fn === 'percentile' ? 'percentile(field, 95)' : arity.min === 0 ? 'count or count(field)' : `${fn}(field)`,
      });
    }
    let name = this.source.slice(callSpan.start, callSpan.end);
    if (isWord(this.peek(), 'as')) {
      this.next();
      name = this.field('a name after as');
    }
    return { fn: fn as AggregateName, args, name, span: this.spanFrom(t.span.start) };
  }

  /** One or more aggregates separated by commas. */
  aggregates(): Aggregate[] {
    const list = [this.aggregate()];
    while (isPunct(this.peek(), ',')) {
      this.next();
      list.push(this.aggregate());
    }
    return list;
  }

  /** A table name: adjacent words, `*`, `-` and a trailing `?` (`sys*`, `sysmon?`). */
  tableRef(): TableRef {
    const first = this.peek();
    if (first.kind !== 'word' && first.kind !== 'number' && !isPunct(first, '*')) this.unexpected(first, 'a table name');
    let end = this.next().span.end;
    for (;;) {
      const t = this.peek();
      const glues = t.kind === 'word' || t.kind === 'number' || isPunct(t, '*') || isPunct(t, '?') || isPunct(t, '-');
      if (!glues || t.span.start !== end) break;
      end = this.next().span.end;
    }
    const span = { start: first.span.start, end };
    const text = this.source.slice(span.start, span.end);
    const optional = text.endsWith('?');
    const name = optional ? text.slice(0, -1) : text;
    if (name === '' || name.includes('?')) {
      this.report({ code: 'bad-table-name', message: `bad table name '${text}'`, span, hint: "'?' may only end a name (a missing table is then no error)" });
    }
    return { name, optional, span };
  }
}

function binaryOperator(t: Token): BinaryOperator | undefined {
  if (t.kind === 'word') {
    const w = t.text.toLowerCase();
    return w === 'and' || w === 'or' ? w : undefined;
  }
  return t.kind === 'punct' && Object.hasOwn(PRECEDENCE, t.text) ? (t.text as BinaryOperator) : undefined;
}

function startsExpression(t: Token): boolean {
  return t.kind === 'number' || t.kind === 'string' || (t.kind === 'word' && binaryOperator(t) === undefined)
    || isPunct(t, '(') || isPunct(t, '-');
}

// ---------------------------------------------------------------- commands

const COMMANDS: Readonly<Record<CommandKind, CommandParser>> = {
  table(p, name) {
    const o = p.options('table', ['duration', 'from', 'to', 'limit', 'offset', 'order']);
    const tables = [p.tableRef()];
    while (isPunct(p.peek(), ',')) {
      p.next();
      tables.push(p.tableRef());
    }
    return {
      kind: 'table', tables, duration: o.timeSpan('duration'), from: o.date('from'), to: o.date('to'),
      limit: o.int('limit', 0), offset: o.int('offset', 0), order: o.choice('order', ['asc', 'desc'] as const, 'desc'),
      span: p.spanFrom(name.span.start),
    };
  },

  search(p, name) {
    const o = p.options('search', ['limit'], false);
    const limit = o.int('limit', 0);
    const expr = p.expr();
    return { kind: 'search', limit, expr, span: p.spanFrom(name.span.start) };
  },

  eval(p, name) {
    const assignments: Assignment[] = [];
    do {
      if (assignments.length) p.next();
      const target = p.peek();
      const field = p.field('a field name to assign');
      const eq = p.peek();
      if (isPunct(eq, '==')) {
        p.fail({ code: 'unexpected-token', message: "eval assigns with '=', found '=='", span: eq.span, hint: `${field} = EXPR` });
      }
      p.expectPunct('=', `'=' after ${field}`);
      const expr = p.expr();
      assignments.push({ field, expr, span: p.spanFrom(target.span.start) });
    } while (isPunct(p.peek(), ','));
    return { kind: 'eval', assignments, span: p.spanFrom(name.span.start) };
  },

  parsekv(p, name) {
    const o = p.options('parsekv', ['field', 'overlay', 'pairdelim', 'kvdelim']);
    const pairdelim = o.string('pairdelim') ?? ' ';
    const kvdelim = o.string('kvdelim') ?? '=';
    for (const [key, v] of [['pairdelim', pairdelim], ['kvdelim', kvdelim]] as const) {
      if (v === '') p.report({ code: 'bad-option-value', message: `parsekv ${key}= cannot be empty`, span: o.span(key)! });
    }
    return {
      kind: 'parsekv', field: o.field('field') ?? 'line', overlay: o.bool('overlay', false), pairdelim, kvdelim,
      span: p.spanFrom(name.span.start),
    };
  },

  stats(p, name) {
    const aggregates = isWord(p.peek(), 'by') ? [] : p.aggregates();
    let by: string[] = [];
    if (isWord(p.peek(), 'by')) {
      p.next();
      by = p.fieldList('a field name to group by');
    }
    return { kind: 'stats', aggregates, by, span: p.spanFrom(name.span.start) };
  },

  sort(p, name) {
    const o = p.options('sort', ['limit']);
    const keys: SortKey[] = [];
    do {
      if (keys.length) p.next();
      const sign = p.peek();
      const descending = isPunct(sign, '-');
      if (descending || isPunct(sign, '+')) p.next();
      keys.push({ field: p.field('a field name (-field sorts descending)'), descending });
    } while (isPunct(p.peek(), ','));
    return { kind: 'sort', limit: o.int('limit', 0), keys, span: p.spanFrom(name.span.start) };
  },

  fields(p, name) {
    const exclude = isPunct(p.peek(), '-');
    if (exclude) p.next();
    const names = p.fieldList();
    return { kind: 'fields', exclude, names, span: p.spanFrom(name.span.start) };
  },

  rename(p, name) {
    const pairs: RenamePair[] = [];
    do {
      if (pairs.length) p.next();
      const from = p.field();
      if (!isWord(p.peek(), 'as')) p.unexpected(p.peek(), `'as' after ${from}`, 'rename old as new');
      p.next();
      pairs.push({ from, to: p.field('the new field name') });
    } while (isPunct(p.peek(), ','));
    return { kind: 'rename', pairs, span: p.spanFrom(name.span.start) };
  },

  join(p, name) {
    const o = p.options('join', ['type']);
    const type = o.choice('type', JOIN_TYPES, 'inner');
    const keys = isPunct(p.peek(), '[') ? [] : p.fieldList('a key field');
    if (keys.length === 0 && type !== 'cross') {
      p.report({ code: 'missing-argument', message: `a ${type} join needs key fields`, span: name.span, hint: 'join KEY [ table … ], or join type=cross [ … ]' });
    }
    const open = p.expectPunct('[', "'[' and a subquery");
    const subquery = p.pipeline(open);
    if (!isPunct(p.peek(), ']')) throw new Bail(); // unclosed-bracket was reported
    p.next();
    return { kind: 'join', type, keys, subquery, span: p.spanFrom(name.span.start) };
  },

  wget(p, name) {
    const o = p.options('wget', ['url', 'method', 'format', 'timeout']);
    return {
      kind: 'wget', url: o.string('url'), method: o.choice('method', ['get', 'post'] as const, 'get'), format: o.string('format'),
      timeout: o.int('timeout', 1) ?? 30, span: p.spanFrom(name.span.start),
    };
  },

  explode(p, name) {
    return { kind: 'explode', field: p.field(), span: p.spanFrom(name.span.start) };
  },

  limit(p, name) {
    const count = (): number => {
      const t = p.peek();
      if (t.kind !== 'number') return p.unexpected(t, 'a number of rows');
      p.next();
      if (!t.integer || !Number.isSafeInteger(t.value)) {
        p.report({ code: 'bad-argument', message: `limit expects a whole number, found ${t.text}`, span: t.span });
      }
      return t.value;
    };
    const first = count();
    const second = p.peek().kind === 'number' ? count() : undefined;
    return {
      kind: 'limit', offset: second === undefined ? 0 : first, count: second ?? first, span: p.spanFrom(name.span.start),
    };
  },

  rex(p, name) {
    const o = p.options('rex', ['field']);
    const field = o.field('field');
    if (!o.has('field')) {
      p.report({ code: 'missing-option', message: 'rex needs field=', span: name.span, hint: 'rex field=line "(?<name>…)"' });
    }
    const t = p.peek();
    if (t.kind !== 'string') return p.unexpected(t, 'a quoted regular expression', 'rex field=line "(?<name>…)"');
    p.next();
    const unterminated = t.problems.find((d) => d.code === 'unterminated-string');
    if (unterminated) p.fail(unterminated);
    // Raw, as options are (spec), so that \d stays \d; only \" stands for a quote.
    const pattern = t.raw.replace(/\\(.)/gs, (m: string, c: string) => (c === '"' ? '"' : m));
    try {
      new RegExp(pattern);
      // An alternation with the empty pattern always matches, so groups exist iff named.
      const groups = new RegExp(`(?:${pattern})|`).exec('')?.groups;
      if (!groups) {
        p.report({ code: 'bad-regex', message: 'the pattern has no named group', span: t.span, hint: 'name what to extract: (?<name>…)' });
      }
    } catch (e) {
      p.report({ code: 'bad-regex', message: `invalid regular expression: ${(e as Error).message}`, span: t.span });
    }
    return { kind: 'rex', field: field ?? 'line', pattern, span: p.spanFrom(name.span.start) };
  },

  parsejson(p, name) {
    const o = p.options('parsejson', ['field', 'overlay']);
    return { kind: 'parsejson', field: o.field('field') ?? 'line', overlay: o.bool('overlay', false), span: p.spanFrom(name.span.start) };
  },

  lookup(p, name) {
    const table = p.field('a lookup table name');
    const inputField = p.field('the field to look up');
    let keyField = inputField;
    if (isWord(p.peek(), 'as')) {
      p.next();
      keyField = p.field('the lookup key column');
    }
    if (!isWord(p.peek(), 'output')) p.unexpected(p.peek(), "'output'", `lookup ${table} ${inputField} output FIELD`);
    p.next();
    const outputs: LookupOutput[] = [];
    do {
      if (outputs.length) p.next();
      const field = p.field('an output field');
      let as = field;
      if (isWord(p.peek(), 'as')) {
        p.next();
        as = p.field('a name after as');
      }
      outputs.push({ field, as });
    } while (isPunct(p.peek(), ','));
    return { kind: 'lookup', table, inputField, keyField, outputs, span: p.spanFrom(name.span.start) };
  },

  timechart(p, name) {
    const o = p.options('timechart', ['span']);
    const bucket = o.timeSpan('span');
    if (!o.has('span')) {
      p.report({ code: 'missing-option', message: 'timechart needs span=', span: name.span, hint: 'timechart span=1h count' });
    }
    const aggregates = p.aggregates();
    let by: string | undefined;
    if (isWord(p.peek(), 'by')) {
      p.next();
      by = p.field('a field name to split by');
    }
    return {
      kind: 'timechart', bucket: bucket ?? { amount: 1, unit: 'h' }, aggregates, by, span: p.spanFrom(name.span.start),
    };
  },

  dedup(p, name) {
    return { kind: 'dedup', fields: p.fieldList(), span: p.spanFrom(name.span.start) };
  },
};
const COMMAND_NAMES = Object.keys(COMMANDS);

// ---------------------------------------------------------------- public API

/**
 * Parses a query and returns every diagnostic instead of throwing (for editors and
 * tools). `query` is present only when there is no diagnostic.
 *
 * @example
 * parseQueryResult('table sysmon | serch x').diagnostics[0].code // 'unknown-command'
 */
export function parseQueryResult(source: string): { query?: Query; diagnostics: Diagnostic[] } {
  const p = new Parser(source, lex(source));
  const query = p.pipeline();
  // A ']' the top-level pipeline stopped at was reported by it; nothing else can remain.
  return p.diagnostics.length ? { diagnostics: p.diagnostics } : { query, diagnostics: [] };
}

/**
 * Parses a query (specs/query-language.md). Throws a {@link QueryError} carrying every
 * diagnostic found: after an error the parser resumes at the next `|`.
 *
 * @example
 * parseQuery('table sysmon | stats count by Image | sort -count').commands.map((c) => c.kind)
 * // ['table', 'stats', 'sort']
 */
export function parseQuery(source: string): Query {
  const { query, diagnostics } = parseQueryResult(source);
  if (!query) throw new QueryError(diagnostics, source);
  return query;
}

/**
 * Parses one expression (as `search` reads it). Throws a {@link QueryError}.
 *
 * @example
 * printExpr(parseExpression('a + b * 2 > 3 and not(c)')) // '(((a + (b * 2)) > 3) and not(c))'
 */
export function parseExpression(source: string): Expr {
  const p = new Parser(source, lex(source));
  let expr: Expr | undefined;
  try {
    expr = p.expr();
    const t = p.peek();
    if (t.kind !== 'eof') p.unexpected(t, 'an operator or the end of the expression');
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
  }
  if (!expr || p.diagnostics.length) throw new QueryError(p.diagnostics, source);
  return expr;
}

// ---------------------------------------------------------------- printing

/** A string literal as it is written in a query. */
function quote(s: string): string {
  return `"${s.replace(/[\\"\n\t\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!)}"`;
}

function literalText(v: Expr & { kind: 'literal' }): string {
  const value = v.value;
  if (typeof value === 'string') return quote(value);
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Literals of the parser are only the above; other values (from tools) print as strings.
  return quote(String(value));
}

/**
 * An expression fully parenthesized, to show how it was grouped (`--explain`, tests).
 *
 * @example
 * printExpr(parseExpression('-a * b or c')) // '(((-a) * b) or c)'
 */
export function printExpr(e: Expr): string {
  const print: { [K in Expr['kind']]: (e: Extract<Expr, { kind: K }>) => string } = {
    literal: literalText,
    field: (f) => f.name,
    negate: (n) => `(-${printExpr(n.operand)})`,
    binary: (b) => `(${printExpr(b.left)} ${b.op} ${printExpr(b.right)})`,
    call: (c) => `${c.name}(${c.args.map(printExpr).join(', ')})`,
  };
  return (print[e.kind] as (e: Expr) => string)(e);
}

/** An expression with only the parentheses it needs; parses back to the same tree. */
function formatExpr(e: Expr, context = 0, rightSide = false): string {
  switch (e.kind) {
    case 'literal': return literalText(e);
    case 'field': return e.name;
    case 'call': return `${e.name}(${e.args.map((a) => formatExpr(a)).join(', ')})`;
    case 'negate': {
      const text = `-${formatExpr(e.operand, NEGATE_PRECEDENCE)}`;
      return context > NEGATE_PRECEDENCE ? `(${text})` : text;
    }
    case 'binary': {
      const own = PRECEDENCE[e.op];
      const text = `${formatExpr(e.left, own)} ${e.op} ${formatExpr(e.right, own, true)}`;
      return own < context || (rightSide && own === context) ? `(${text})` : text;
    }
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const timeText = (d: Date): string =>
  `${String(d.getUTCFullYear()).padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
const spanText = (t: TimeSpan): string => `${t.amount}${t.unit}`;
const opt = (key: string, value: string | number | undefined): string[] => (value === undefined ? [] : [`${key}=${value}`]);
/** Raw option values are printed between quotes as they were read. */
const rawOpt = (key: string, value: string | undefined): string[] => (value === undefined ? [] : [`${key}="${value}"`]);

function aggregateText(a: Aggregate): string {
  const call = a.fn === 'count' && a.args.length === 0 ? 'count' : `${a.fn}(${a.args.map((x) => formatExpr(x)).join(', ')})`;
  if (a.name === call) return call;
  // A name that is not a word is the call as it was written (`sum( bytes )`), which parses back the same.
  return FIELD_NAME.test(a.name) ? `${call} as ${a.name}` : a.name;
}

const COMMAND_PRINTERS: { [K in CommandKind]: (c: Extract<Command, { kind: K }>) => string[] } = {
  table: (c) => [
    'table', ...opt('duration', c.duration && spanText(c.duration)), ...opt('from', c.from && timeText(c.from)),
    ...opt('to', c.to && timeText(c.to)), ...opt('limit', c.limit), ...opt('offset', c.offset),
    ...opt('order', c.order === 'desc' ? undefined : c.order),
    c.tables.map((t) => t.name + (t.optional ? '?' : '')).join(', '),
  ],
  search: (c) => ['search', ...opt('limit', c.limit), formatExpr(c.expr)],
  eval: (c) => ['eval', c.assignments.map((a) => `${a.field} = ${formatExpr(a.expr)}`).join(', ')],
  parsekv: (c) => [
    'parsekv', ...opt('field', c.field === 'line' ? undefined : c.field), ...opt('overlay', c.overlay ? 't' : undefined),
    ...rawOpt('pairdelim', c.pairdelim === ' ' ? undefined : c.pairdelim), ...rawOpt('kvdelim', c.kvdelim === '=' ? undefined : c.kvdelim),
  ],
  stats: (c) => [
    'stats', ...(c.aggregates.length ? [c.aggregates.map(aggregateText).join(', ')] : []),
    ...(c.by.length ? ['by', c.by.join(', ')] : []),
  ],
  sort: (c) => ['sort', ...opt('limit', c.limit), c.keys.map((k) => (k.descending ? '-' : '') + k.field).join(', ')],
  fields: (c) => ['fields', ...(c.exclude ? ['-'] : []), c.names.join(', ')],
  rename: (c) => ['rename', c.pairs.map((r) => `${r.from} as ${r.to}`).join(', ')],
  join: (c) => [
    'join', ...opt('type', c.type === 'inner' ? undefined : c.type), ...(c.keys.length ? [c.keys.join(', ')] : []),
    '[', printQuery(c.subquery), ']',
  ],
  wget: (c) => [
    'wget', ...rawOpt('url', c.url), ...opt('method', c.method === 'get' ? undefined : c.method), ...rawOpt('format', c.format),
    ...opt('timeout', c.timeout === 30 ? undefined : c.timeout),
  ],
  explode: (c) => ['explode', c.field],
  limit: (c) => ['limit', ...(c.offset ? [String(c.offset)] : []), String(c.count)],
  rex: (c) => ['rex', `field=${c.field}`, `"${c.pattern.replace(/\\.|"/gs, (m) => (m === '"' ? '\\"' : m))}"`],
  parsejson: (c) => ['parsejson', ...opt('field', c.field === 'line' ? undefined : c.field), ...opt('overlay', c.overlay ? 't' : undefined)],
  lookup: (c) => [
    'lookup', c.table, c.inputField, ...(c.keyField === c.inputField ? [] : ['as', c.keyField]), 'output',
    c.outputs.map((o) => (o.as === o.field ? o.field : `${o.field} as ${o.as}`)).join(', '),
  ],
  timechart: (c) => ['timechart', `span=${spanText(c.bucket)}`, c.aggregates.map(aggregateText).join(', '), ...(c.by ? ['by', c.by] : [])],
  dedup: (c) => ['dedup', c.fields.join(', ')],
};

/**
 * The canonical text of a query: one line, options at their defaults left out, only
 * the parentheses needed. Parsing it gives the same query (spans aside).
 *
 * @example
 * printQuery(parseQuery('table  sysmon\n| search (a==1)')) // 'table sysmon | search a == 1'
 */
export function printQuery(q: Query): string {
  return q.commands
    .map((c) => (COMMAND_PRINTERS[c.kind] as (c: Command) => string[])(c).join(' '))
    .join(' | ');
}
