/**
 * The Sigma condition language (rules spec "Condition"): search identifiers (with `*`
 * wildcards only inside `1 of` / `all of`), `and`, `or`, `not`, brackets, `1 of X`,
 * `all of X`, `1 of them`, `all of them`. Precedence, least to most binding:
 * `or` < `and` < `not` < `x of` < `( … )`.
 *
 * Text → tokens → kind-tagged AST ({@link parseCondition}); {@link printCondition}
 * prints an AST back with the minimal brackets. Errors carry the 1-based column.
 *
 * @example
 * printCondition(parseCondition('sel and not 1 of filter_*'))  // 'sel and not 1 of filter_*'
 */

/** A node of a parsed condition. `column` is 1-based in the condition text. */
export type ConditionNode =
  | { readonly kind: 'ref'; readonly name: string; readonly column: number }
  /** `1 of pattern` / `all of pattern`; `pattern` null means `them`. */
  | { readonly kind: 'of'; readonly quantifier: 'one' | 'all'; readonly pattern: string | null; readonly column: number }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | { readonly kind: 'and'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'or'; readonly operands: readonly ConditionNode[] };

export type ConditionKind = ConditionNode['kind'];

/**
 * A condition syntax error at a 1-based column of the condition text.
 *
 * @example
 * try { parseCondition('a and') } catch (e) { (e as ConditionError).column } // 6
 */
export class ConditionError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
    this.name = 'ConditionError';
  }
}

type TokenKind = 'ident' | 'and' | 'or' | 'not' | 'of' | 'one' | 'all' | 'them' | 'lparen' | 'rparen' | 'pipe' | 'end';
interface Token { readonly kind: TokenKind; readonly text: string; readonly column: number }

const WORDS: Readonly<Record<string, TokenKind>> = { and: 'and', or: 'or', not: 'not', of: 'of', all: 'all', them: 'them', '1': 'one' };
const IDENT = /[A-Za-z0-9_.*-]/;

/** Splits a condition into tokens; keywords are case-insensitive. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '(') { out.push({ kind: 'lparen', text: c, column: i + 1 }); i++; continue; }
    if (c === ')') { out.push({ kind: 'rparen', text: c, column: i + 1 }); i++; continue; }
    // Sigma 1 aggregations (`| count() by x > 5`) are reported by the parser: stop here.
    if (c === '|') { out.push({ kind: 'pipe', text: c, column: i + 1 }); break; }
    if (!IDENT.test(c)) throw new ConditionError(`unexpected character '${c}'`, i + 1);
    const start = i;
    while (i < text.length && IDENT.test(text[i])) i++;
    const word = text.slice(start, i);
    out.push({ kind: WORDS[word.toLowerCase()] ?? 'ident', text: word, column: start + 1 });
  }
  out.push({ kind: 'end', text: '', column: text.length + 1 });
  return out;
}

/**
 * Parses a condition into an AST; throws {@link ConditionError} with the column.
 *
 * @example
 * parseCondition('a or b and not c')
 * // { kind: 'or', operands: [ref a, { kind: 'and', operands: [ref b, { kind: 'not', operand: ref c }] }] }
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const describe = (t: Token): string => (t.kind === 'end' ? 'end of condition' : `'${t.text}'`);

  const parseOr = (): ConditionNode => {
    const operands = [parseAnd()];
    while (peek().kind === 'or') { pos++; operands.push(parseAnd()); }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  };
  const parseAnd = (): ConditionNode => {
    const operands = [parseNot()];
    while (peek().kind === 'and') { pos++; operands.push(parseNot()); }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  };
  const parseNot = (): ConditionNode => {
    if (peek().kind === 'not') { pos++; return { kind: 'not', operand: parseNot() }; }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = tokens[pos++];
    switch (t.kind) {
      case 'lparen': {
        const inner = parseOr();
        const close = tokens[pos++];
        if (close.kind !== 'rparen') throw new ConditionError(`expected ')' to close '(' at column ${t.column}, found ${describe(close)}`, close.column);
        return inner;
      }
      case 'one':
      case 'all': {
        const of = tokens[pos++];
        if (of.kind !== 'of') throw new ConditionError(`expected 'of' after '${t.text}', found ${describe(of)}`, of.column);
        const target = tokens[pos++];
        const quantifier = t.kind === 'one' ? 'one' : 'all';
        if (target.kind === 'them') return { kind: 'of', quantifier, pattern: null, column: t.column };
        if (target.kind === 'ident') return { kind: 'of', quantifier, pattern: target.text, column: t.column };
        throw new ConditionError(`expected a search identifier pattern or 'them' after '${t.text} of', found ${describe(target)}`, target.column);
      }
      case 'ident':
        if (t.text.includes('*')) throw new ConditionError(`wildcard '${t.text}' is only allowed after '1 of' or 'all of'`, t.column);
        if (/^\d+$/.test(t.text) && tokens[pos].kind === 'of') throw new ConditionError(`only '1 of' and 'all of' are defined, not '${t.text} of'`, t.column);
        return { kind: 'ref', name: t.text, column: t.column };
      case 'pipe':
        throw new ConditionError("aggregation expressions ('| count() …', Sigma 1.0) are not supported: use a correlation rule", t.column);
      default:
        throw new ConditionError(`expected a search identifier, 'not', '1 of', 'all of' or '(', found ${describe(t)}`, t.column);
    }
  };

  const ast = parseOr();
  const rest = peek();
  if (rest.kind === 'pipe') throw new ConditionError("aggregation expressions ('| count() …', Sigma 1.0) are not supported: use a correlation rule", rest.column);
  if (rest.kind !== 'end') throw new ConditionError(`expected 'and', 'or' or end of condition, found ${describe(rest)}`, rest.column);
  return ast;
}

/**
 * Whether a search identifier matches a `1 of` / `all of` pattern (`*` = any run of
 * characters); `them` (pattern null) matches every identifier not starting with `_`.
 *
 * @example
 * identifierMatches('selection_img', 'selection*') // true
 * identifierMatches('_helper', null)              // false
 */
export function identifierMatches(name: string, pattern: string | null): boolean {
  if (pattern === null) return !name.startsWith('_');
  if (!pattern.includes('*')) return name === pattern;
  let re = patternRegexes.get(pattern);
  if (re === undefined) {
    const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'));
    re = new RegExp(`^${parts.join('.*')}$`);
    if (patternRegexes.size >= 4096) patternRegexes.clear();
    patternRegexes.set(pattern, re);
  }
  return re.test(name);
}

/** `of` patterns as regexes: every compile asks each of a rule's names against them (bounded; patterns repeat across rules). */
const patternRegexes = new Map<string, RegExp>();

/**
 * The selection names a condition uses, after resolving `of` patterns against `names`.
 * Unknown references and patterns matching nothing are returned in `missing` as text.
 *
 * @example
 * conditionReferences(parseCondition('1 of sel* and not f'), ['sel1', 'sel2'])
 * // { used: ['sel1', 'sel2'], missing: [{ text: 'f', column: 18 }] }
 */
export function conditionReferences(ast: ConditionNode, names: readonly string[]): { used: string[]; missing: { text: string; column: number }[] } {
  const used = new Set<string>();
  const missing: { text: string; column: number }[] = [];
  const visit: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => void } = {
    ref: (n) => { if (names.includes(n.name)) used.add(n.name); else missing.push({ text: n.name, column: n.column }); },
    of: (n) => {
      const hit = names.filter((name) => identifierMatches(name, n.pattern));
      if (hit.length === 0) missing.push({ text: `${n.quantifier === 'one' ? '1' : 'all'} of ${n.pattern ?? 'them'}`, column: n.column });
      hit.forEach((h) => used.add(h));
    },
    not: (n) => walk(n.operand),
    and: (n) => n.operands.forEach(walk),
    or: (n) => n.operands.forEach(walk),
  };
  const walk = (n: ConditionNode): void => (visit[n.kind] as (x: ConditionNode) => void)(n);
  walk(ast);
  return { used: [...used], missing };
}

/** Binding strength, least first; `and`/`or` are associative, so a same-kind child needs no brackets. */
const BINDING: Readonly<Record<ConditionKind, number>> = { or: 1, and: 2, not: 3, of: 4, ref: 5 };

/**
 * Prints a condition AST as Sigma condition text, bracketing only where precedence needs it.
 *
 * @example
 * printCondition({ kind: 'and', operands: [{ kind: 'or', operands: [a, b] }, c] }) // '(a or b) and c'
 */
export function printCondition(ast: ConditionNode): string {
  const wrap = (child: ConditionNode, parent: ConditionKind): string => {
    const s = printCondition(child);
    const loose = parent === 'not' ? BINDING[child.kind] < BINDING.not : BINDING[child.kind] < BINDING[parent];
    return loose ? `(${s})` : s;
  };
  const print: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => string } = {
    ref: (n) => n.name,
    of: (n) => `${n.quantifier === 'one' ? '1' : 'all'} of ${n.pattern ?? 'them'}`,
    not: (n) => `not ${wrap(n.operand, 'not')}`,
    and: (n) => n.operands.map((o) => wrap(o, 'and')).join(' and '),
    or: (n) => n.operands.map((o) => wrap(o, 'or')).join(' or '),
  };
  return (print[ast.kind] as (x: ConditionNode) => string)(ast);
}
