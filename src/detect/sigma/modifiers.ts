/**
 * Value modifiers (sigma-appendix-modifiers.md, v2.1): which combinations make sense
 * ({@link checkModifiers}, used by the parser for precise problems) and how a field
 * match's values become tests ({@link planFieldMatch}). A plan is plain data, so the
 * compiler turns it into closures and the prefilter reads its literals.
 *
 * Modifiers apply in the order written ("Value Modifiers"): transformations
 * (`expand`, `windash`, `contains`/`startswith`/`endswith`, `utf16*`/`wide`,
 * `base64`/`base64offset`) rewrite the value into one or more patterns; type modifiers
 * (`re`, `cidr`, `lt`…`gte`, time parts, `fieldref`, `exists`) choose another kind of
 * test; `all`, `neq`, `cased` change how values combine and compare.
 *
 * @example
 * planFieldMatch({ field: 'CommandLine', modifiers: ['contains', 'windash'], values: ['-enc'], location })
 // { all: false, negate: false, cased: false, tests: [{ kind: 'pattern', variants: [5 patterns: '-enc' with each windash dash, wildcards around] }] }
 */
import { ipAddressBytes } from '../../event/normalize.js';
import type { FieldMatch, Modifier, SigmaScalar } from './model.js';
import { MODIFIERS, SigmaCompileError } from './model.js';
import { ANY, literalPattern, normalizePattern, parseSigmaString, patternText, printPattern, type Pattern, type PatternPart } from './pattern.js';

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type Comparison = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

/** One value's test, after the modifiers were applied. */
export type ValueTest =
  /** String match against any of the variants (windash/base64offset/expand give several). */
  | { readonly kind: 'pattern'; readonly variants: readonly Pattern[] }
  /** Numeric comparison; `eq` falls back to string equality when the event value is not numeric. */
  | { readonly kind: 'number'; readonly op: Comparison; readonly value: number; readonly part: TimePart | null }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  /** `null`: the field is absent, null or empty. */
  | { readonly kind: 'null' }
  | { readonly kind: 'cidr'; readonly network: Uint8Array; readonly prefix: number }
  /** Compare with another field of the same event. */
  | { readonly kind: 'fieldref'; readonly field: string; readonly position: 'equals' | 'contains' | 'startswith' | 'endswith' }
  | { readonly kind: 'exists'; readonly exists: boolean };

export type ValueTestKind = ValueTest['kind'];

/** How a field match's values are tested and combined. */
export interface FieldPlan {
  /** `all`: every value must match (else any). */
  readonly all: boolean;
  /** `neq`: the field exists and does not match. */
  readonly negate: boolean;
  /** `cased`: patterns and fieldrefs compare case-sensitively. */
  readonly cased: boolean;
  readonly tests: readonly ValueTest[];
}

const STRING_POSITION = ['contains', 'startswith', 'endswith'] as const;
const ENCODINGS = ['utf16le', 'utf16be', 'utf16', 'wide'] as const;
const BASE64 = ['base64', 'base64offset'] as const;
const COMPARISONS = ['lt', 'lte', 'gt', 'gte'] as const;
const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
const RE_FLAGS = ['i', 'm', 's'] as const;
/** pySigma's long names for the `re` flags. */
export const MODIFIER_ALIASES: Readonly<Record<string, Modifier>> = { ignorecase: 'i', multiline: 'm', dotall: 's' };

const has = (mods: readonly Modifier[], set: readonly Modifier[]): Modifier[] => mods.filter((m) => set.includes(m));

/** Which modifiers each type modifier may be combined with. */
const COMPATIBLE: Readonly<Partial<Record<Modifier, readonly Modifier[]>>> = {
  re: ['re', ...RE_FLAGS, 'all', 'neq', 'cased'],
  exists: ['exists'],
  cidr: ['cidr', 'neq'],
  fieldref: ['fieldref', ...STRING_POSITION, 'cased', 'neq', 'all'],
  lt: [...COMPARISONS, ...TIME_PARTS, 'all'],
  lte: [...COMPARISONS, ...TIME_PARTS, 'all'],
  gt: [...COMPARISONS, ...TIME_PARTS, 'all'],
  gte: [...COMPARISONS, ...TIME_PARTS, 'all'],
  minute: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
  hour: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
  day: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
  week: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
  month: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
  year: [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'],
};

/**
 * The problem with a modifier chain, or null when it makes sense. Names must already be
 * known modifiers (the parser reports unknown names itself).
 *
 * @example
 * checkModifiers(['contains', 'startswith']) // "'contains' and 'startswith' cannot be combined: …"
 * checkModifiers(['base64offset', 'contains']) // null
 */
export function checkModifiers(mods: readonly Modifier[]): string | null {
  const seen = new Set<Modifier>();
  for (const m of mods) {
    if (seen.has(m)) return `modifier '${m}' is repeated`;
    seen.add(m);
  }
  const one = (set: readonly Modifier[], what: string): string | null => {
    const found = has(mods, set);
    return found.length > 1 ? `'${found[0]}' and '${found[1]}' cannot be combined: ${what}` : null;
  };
  const single = one(STRING_POSITION, 'a value has one position') ?? one(ENCODINGS, 'a value has one text encoding')
    ?? one(BASE64, 'use one of base64 and base64offset') ?? one(COMPARISONS, 'use one comparison per field; use two fields for a range')
    ?? one(TIME_PARTS, 'use one time part per field');
  if (single) return single;
  for (const m of mods) {
    const ok = COMPATIBLE[m];
    if (!ok) continue;
    const bad = mods.find((x) => !ok.includes(x));
    if (bad) return `'${bad}' cannot be combined with '${m}'`;
  }
  const flag = has(mods, RE_FLAGS)[0];
  if (flag && !seen.has('re')) return `'${flag}' is a flag of 're' and needs it`;
  const encoding = has(mods, ENCODINGS)[0];
  const at = (m: Modifier): number => mods.indexOf(m);
  const b64 = has(mods, BASE64)[0];
  if (encoding && (!b64 || at(b64) < at(encoding))) return `'${encoding}' must be followed by 'base64' or 'base64offset': only encoded text can be matched`;
  if (b64) {
    const before = mods.slice(0, at(b64)).find((m) => (STRING_POSITION as readonly Modifier[]).includes(m));
    if (before) return `'${before}' before '${b64}' would encode its wildcard; write '${b64}|${before}'`;
    if (at('windash') > at(b64)) return `'windash' after '${b64}' would change encoded text; write 'windash|${b64}'`;
  }
  return null;
}

/** Known modifier names, for messages. */
export const KNOWN_MODIFIERS = MODIFIERS.join(', ');

/**
 * Translates a PCRE-flavoured regex (as Sigma rules write them) into a JS RegExp:
 * leading inline flags `(?i)`, `(?s)`, `(?m)` become flags; `(?P<n>…)` named groups,
 * `(?P=n)` back-references and `\A`, `\Z`, `\z` anchors are rewritten. Throws an Error
 * saying why when the result does not compile.
 *
 * @example
 * translateRegex('(?i)^cmd\\.exe$', '').flags  // 'i'
 */
export function translateRegex(source: string, flags: string): RegExp {
  let src = source;
  const flagSet = new Set(flags);
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(src); m; m = /^\(\?([a-zA-Z]+)\)/.exec(src)) {
    for (const f of m[1]) {
      if (f === 'i' || f === 'm' || f === 's') flagSet.add(f);
      else throw new Error(`inline flag '${f}' in '${m[0]}' has no JavaScript equivalent`);
    }
    src = src.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && (n === 'Z' || n === 'z')) out += '$';
      else out += c + (n ?? '');
      i++;
      continue;
    }
    if (inClass) { if (c === ']') inClass = false; out += c; continue; }
    if (c === '[') { inClass = true; out += c; if (src[i + 1] === ']' || (src[i + 1] === '^' && src[i + 2] === ']')) { out += src.slice(i + 1, src[i + 1] === '^' ? i + 3 : i + 2); i += src[i + 1] === '^' ? 2 : 1; } continue; }
    if (src.startsWith('(?P<', i)) { out += '(?<'; i += 3; continue; }
    if (src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      if (end > 0) { out += `\\k<${src.slice(i + 4, end)}>`; i = end; continue; }
    }
    const inline = /^\(\?[a-zA-Z-]+[):]/.exec(src.slice(i));
    if (inline) throw new Error(`inline flag group '${inline[0]}' inside the regex has no JavaScript equivalent; put flags at the start or use the 'i'/'m'/'s' modifiers`);
    out += c;
  }
  try {
    return new RegExp(out, [...flagSet].sort().join(''));
  } catch (e) {
    throw new Error(`invalid regular expression /${source}/: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`, { cause: e });
  }
}

/**
 * Parses a `cidr` value (`10.0.0.0/8`, `fe80::/10`; a bare address is a /32 or /128).
 *
 * @example
 * parseCidr('192.168.0.0/16') // { network: Uint8Array [192, 168, 0, 0], prefix: 16 }
 */
export function parseCidr(text: string): { network: Uint8Array; prefix: number } | null {
  const slash = text.indexOf('/');
  const bytes = ipAddressBytes(slash < 0 ? text : text.slice(0, slash));
  if (!bytes) return null;
  const prefix = slash < 0 ? bytes.length * 8 : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8 || (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1)))) return null;
  return { network: bytes, prefix };
}

/** The dash characters `windash` interchanges (modifiers appendix "windash"). */
export const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;

/** Every variant of a pattern with each windash character replaced by each of the five. */
function windashVariants(p: Pattern): Pattern[] {
  let out: PatternPart[][] = [[]];
  for (const part of p) {
    if (part.kind !== 'text') { out.forEach((v) => v.push(part)); continue; }
    const pieces = part.text.split(/([-/\u2013\u2014\u2015])/);
    for (let i = 0; i < pieces.length; i++) {
      if (i % 2 === 0) { out.forEach((v) => v.push({ kind: 'text', text: pieces[i] })); continue; }
      out = out.flatMap((v) => WINDASH.map((d) => [...v, { kind: 'text' as const, text: d }]));
      if (out.length > 3125) throw new Error('windash: too many dashes in one value (more than 5)');
    }
  }
  return out.map(normalizePattern);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** UTF-16 encodings (modifiers appendix "Encoding"); `utf16` prepends the LE byte order mark. */
function utf16(s: string, kind: (typeof ENCODINGS)[number]): Uint8Array {
  const bom = kind === 'utf16' ? 2 : 0;
  const out = new Uint8Array(bom + s.length * 2);
  if (bom) { out[0] = 0xff; out[1] = 0xfe; }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const [hi, lo] = [c >> 8, c & 255];
    if (kind === 'utf16be') { out[bom + 2 * i] = hi; out[bom + 2 * i + 1] = lo; } else { out[bom + 2 * i] = lo; out[bom + 2 * i + 1] = hi; }
  }
  return out;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The three base64 forms of `bytes` at offsets 0, 1, 2 inside a longer encoded text,
 * keeping only the characters that do not depend on the neighbouring bytes
 * (modifiers appendix "base64offset").
 *
 * @example
 * base64OffsetVariants(new TextEncoder().encode('http://')) // ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']
 */
export function base64OffsetVariants(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length);
    padded.set(bytes, shift);
    const enc = b64(padded);
    const start = [0, 2, 3][shift];
    const endTrim = [0, 3, 2][(bytes.length + shift) % 3];
    out.push(enc.slice(start, enc.length - endTrim));
  }
  return out;
}

/** A value during transformation: patterns, or bytes after a UTF-16 encoding. */
type Working = { kind: 'text'; variants: Pattern[] } | { kind: 'bytes'; variants: Uint8Array[] };

const isNumeric = (v: SigmaScalar): boolean => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));

/**
 * Turns one field match into a plan. Throws {@link SigmaCompileError} (located at the
 * field) for values the modifiers cannot take, unknown placeholders and bad regexes.
 *
 * @example
 * planFieldMatch({ field: 'DestinationIp', modifiers: ['cidr'], values: ['10.0.0.0/8'], location }).tests
 * // [{ kind: 'cidr', network: [10, 0, 0, 0], prefix: 8 }]
 */
export function planFieldMatch(fm: FieldMatch, placeholders: Readonly<Record<string, readonly string[]>> = {}): FieldPlan {
  const mods = fm.modifiers;
  const fail = (msg: string): never => { throw new SigmaCompileError(`'${fm.field}${mods.map((m) => `|${m}`).join('')}': ${msg}`, fm.location); };
  const problem = checkModifiers(mods);
  if (problem) fail(problem);
  const is = (m: Modifier): boolean => mods.includes(m);
  const all = is('all');
  if (all && fm.values.length < 2) fail("'all' needs a list of at least two values (modifiers appendix: single values may not use 'all')");
  const tests = fm.values.flatMap((v) => planValue(v));
  return { all, negate: is('neq'), cased: is('cased'), tests };

  function planValue(v: SigmaScalar): ValueTest[] {
    if (is('exists')) {
      if (typeof v !== 'boolean') fail(`'exists' takes true or false, not ${JSON.stringify(v)}`);
      return [{ kind: 'exists', exists: v as boolean }];
    }
    if (v === null) {
      if (mods.some((m) => m !== 'neq')) fail(`null cannot take modifiers (${mods.join(', ')})`);
      if (fm.values.length > 1) fail('null cannot be part of a list of values (rules spec "Special Field Values"); use its own selection');
      return [{ kind: 'null' }];
    }
    const part = has(mods, TIME_PARTS)[0] as TimePart | undefined;
    const cmp = has(mods, COMPARISONS)[0] as Comparison | undefined;
    if (part || cmp) {
      if (!isNumeric(v)) fail(`'${part ?? cmp}' needs a number, not ${JSON.stringify(v)}`);
      return [{ kind: 'number', op: cmp ?? 'eq', value: Number(v), part: part ?? null }];
    }
    if (is('re')) {
      if (typeof v !== 'string') fail(`'re' needs a string, not ${JSON.stringify(v)}`);
      try {
        return [{ kind: 'regex', regex: translateRegex(v as string, has(mods, RE_FLAGS).join('')) }];
      } catch (e) {
        return fail((e as Error).message);
      }
    }
    if (is('cidr')) {
      const net = typeof v === 'string' ? parseCidr(v) : null;
      if (!net) fail(`'${String(v)}' is not an IPv4 or IPv6 network (e.g. 10.0.0.0/8, fe80::/10)`);
      return [{ kind: 'cidr', ...(net as { network: Uint8Array; prefix: number }) }];
    }
    if (is('fieldref')) {
      if (typeof v !== 'string' || !v) fail(`'fieldref' needs a field name, not ${JSON.stringify(v)}`);
      return [{ kind: 'fieldref', field: v as string, position: (has(mods, STRING_POSITION)[0] ?? 'equals') as 'equals' | (typeof STRING_POSITION)[number] }];
    }
    if (typeof v === 'number' && !mods.some((m) => m !== 'neq' && m !== 'all' && m !== 'cased')) {
      return [{ kind: 'number', op: 'eq', value: v, part: null }];
    }
    return [{ kind: 'pattern', variants: transform(v) }];
  }

  function transform(v: string | number | boolean): Pattern[] {
    const raw = String(v);
    let w: Working = { kind: 'text', variants: [typeof v === 'string' ? parseSigmaString(raw, is('expand')) : literalPattern(raw)] };
    const asText = (x: Working): Pattern[] => (x.kind === 'text' ? x.variants : x.variants.map((b) => literalPattern(Buffer.from(b).toString('latin1'))));
    const plain = (p: Pattern, m: Modifier): string => {
      const s = patternText(p);
      if (s === null) fail(`'${m}' cannot encode the wildcard or placeholder in '${printPattern(p)}'; escape it as \\* or \\?`);
      return s as string;
    };
    for (const m of mods) {
      switch (m) {
        case 'expand': w = { kind: 'text', variants: asText(w).flatMap((p) => expand(p)) }; break;
        case 'windash':
          try { w = { kind: 'text', variants: asText(w).flatMap(windashVariants) }; } catch (e) { fail((e as Error).message); }
          break;
        case 'contains': w = { kind: 'text', variants: asText(w).map((p) => normalizePattern([ANY, ...p, ANY])) }; break;
        case 'startswith': w = { kind: 'text', variants: asText(w).map((p) => normalizePattern([...p, ANY])) }; break;
        case 'endswith': w = { kind: 'text', variants: asText(w).map((p) => normalizePattern([ANY, ...p])) }; break;
        case 'utf16le': case 'utf16be': case 'utf16': case 'wide': {
          const kind = m === 'wide' ? 'utf16le' : m;
          w = { kind: 'bytes', variants: asText(w).map((p) => utf16(plain(p, m), kind)) };
          break;
        }
        case 'base64': case 'base64offset': {
          const bytes: Uint8Array[] = w.kind === 'bytes' ? w.variants : w.variants.map((p) => utf8(plain(p, m)));
          const out: string[] = m === 'base64' ? bytes.map(b64) : bytes.flatMap(base64OffsetVariants);
          w = { kind: 'text', variants: out.map(literalPattern) };
          break;
        }
        default: break;
      }
    }
    let variants = asText(w);
    // Keywords search the whole message (rules spec "Keywords search"): a plain keyword is a substring.
    if (fm.field === '' && !mods.some((m) => (STRING_POSITION as readonly Modifier[]).includes(m))) variants = variants.map((p) => normalizePattern([ANY, ...p, ANY]));
    const left = variants.find((p) => p.some((x) => x.kind === 'placeholder'));
    if (left) fail(`placeholder in '${printPattern(left)}' needs the 'expand' modifier first`);
    return variants;
  }

  function expand(p: Pattern): Pattern[] {
    let out: PatternPart[][] = [[]];
    for (const part of p) {
      if (part.kind !== 'placeholder') { out.forEach((v) => v.push(part)); continue; }
      const values = placeholders[part.name];
      if (!values) fail(`unknown placeholder '%${part.name}%'; known: ${Object.keys(placeholders).sort().join(', ') || 'none (define placeholders to load this rule)'}`);
      out = out.flatMap((v) => (values as readonly string[]).map((x) => [...v, ...parseSigmaString(x)]));
    }
    return out.map(normalizePattern);
  }
}
