/**
 * Compiles a parsed detection rule, for one log-source target, into a closure over
 * events (rules spec "Detection", modifiers appendix), plus its prefilter.
 *
 * Value semantics:
 * - strings match case-insensitively unless `cased` (the event value is lowercased once
 *   per field test, needles at compile time); `*`/`?` wildcards (see pattern.ts);
 * - numbers compare numerically when the event value is a number or numeric string
 *   (`0x17` included), else as text; booleans compare as `true`/`false`;
 * - `null` matches a field that is absent, null or empty; `exists` checks presence only;
 * - an array event value matches when any element does;
 * - `neq` matches a present field that matches none of the values (with `all`: not all);
 * - keywords (no field name) are substrings (unless a position modifier says otherwise) of
 *   any string or number in `data`, or of `line`.
 * Fields are read only through `target.resolve`; a field it cannot resolve is absent.
 * `matches` does not check the target's channel or event IDs: the engine routes events.
 *
 * @example
 * const m = compileDetection(rule, { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => (e) => e.data[f] });
 * m.matches(event)  // true when the rule's condition holds for the event
 */
import { renderLine, type Event, type EventValue } from '../../event/index.js';
import { ipAddressBytes } from '../../event/normalize.js';
import type { CompiledMatcher, FieldAccessor, LogSourceTarget } from '../types.js';
import { ConditionError, identifierMatches, parseCondition, type ConditionKind, type ConditionNode } from './condition.js';
import { SigmaCompileError, type DetectionRuleDoc, type FieldMatch, type Selection } from './model.js';
import { planFieldMatch, type FieldPlan, type TimePart, type ValueTest, type ValueTestKind } from './modifiers.js';
import { foldCase } from './fold.js';
import { literalChainTest } from './regex-chain.js';
import { compilePattern, containsLiteral, type Pattern, type StringTest } from './pattern.js';
import { NeedleIndex } from '../needle-index.js';
import { deriveEventIds } from './event-ids.js';
import type { PlannedSelection } from './necessary.js';
import { derivePrefilter } from './prefilter.js';

/** Options of {@link compileDetection}. */
export interface CompileOptions {
  /** Values of `%name%` placeholders for the `expand` modifier (rules spec "Placeholders"). */
  readonly placeholders?: Readonly<Record<string, readonly string[]>>;
}

type Predicate = (e: Event) => boolean;
type Scalar = string | number | boolean;
/** Tests one scalar event value (never null/undefined/array). */
type ScalarTest = (v: Scalar) => boolean;

const ABSENT: FieldAccessor = () => undefined;

/**
 * Compiles `rule` for `target`. Throws {@link SigmaCompileError} with the rule location
 * when a value cannot be compiled (bad regex, unknown placeholder, bad condition …).
 *
 * @example
 * compileDetection(rule, target, { placeholders: { Admins: ['adm_*'] } }).matches(event)
 */
export function compileDetection(rule: DetectionRuleDoc, target: LogSourceTarget, options: CompileOptions = {}): CompiledMatcher {
  const { matches, asts, planned, names } = compile(rule, target, options);
  return { target, matches, prefilter: derivePrefilter(asts, planned, names), eventIds: deriveEventIds(asts, planned, names) };
}

/**
 * The predicate of {@link compileDetection} alone: what a rule set compiles again when a
 * rule first runs (its prefilter and event IDs were derived at load and are kept).
 *
 * @example
 * const matches = compilePredicate(rule, target); // compileDetection(rule, target).matches
 */
export function compilePredicate(rule: DetectionRuleDoc, target: LogSourceTarget, options: CompileOptions = {}): (event: Event) => boolean {
  return compile(rule, target, options).matches;
}

function compile(rule: DetectionRuleDoc, target: LogSourceTarget, options: CompileOptions): { matches: Predicate; asts: ConditionNode[]; planned: Record<string, PlannedSelection>; names: string[] } {
  const planned: Record<string, PlannedSelection> = {};
  const compiled: Record<string, Predicate> = {};
  for (const [name, sel] of Object.entries(rule.detection.selections)) {
    planned[name] = planSelection(sel, target, options);
    compiled[name] = compileSelection(planned[name], target);
  }
  const names = Object.keys(compiled);
  const asts = rule.detection.conditions.map((c) => {
    try {
      return parseCondition(c.text);
    } catch (e) {
      if (e instanceof ConditionError) throw new SigmaCompileError(`condition '${c.text}': ${e.message} (column ${e.column})`, c.location);
      throw e;
    }
  });
  const predicates = asts.map((ast, i) => compileCondition(ast, compiled, names, rule.detection.conditions[i].text, rule.detection.conditions[i].location));
  const matches = predicates.length === 1 ? predicates[0] : (e: Event) => predicates.some((p) => p(e));
  return { matches, asts, planned, names };
}

function planSelection(sel: Selection, target: LogSourceTarget, options: CompileOptions): PlannedSelection {
  return {
    name: sel.name,
    alternatives: sel.alternatives.map((alt) => alt.map((fm) => ({
      match: fm,
      accessor: fm.field === '' ? ABSENT : (target.resolve(fm.field) ?? ABSENT),
      plan: planFieldMatch(fm, options.placeholders ?? {}),
    }))),
  };
}

function compileSelection(sel: PlannedSelection, target: LogSourceTarget): Predicate {
  const alternatives = sel.alternatives.map((alt) => {
    const tests = alt.map((f) => compileFieldMatch(f.match, f.plan, f.accessor, target));
    return tests.length === 1 ? tests[0] : (e: Event) => { for (const t of tests) if (!t(e)) return false; return true; };
  });
  return alternatives.length === 1 ? alternatives[0] : (e: Event) => { for (const a of alternatives) if (a(e)) return true; return false; };
}

/** Applies a scalar test to an event value: absent/null never match, arrays match on any element. */
function lift(test: ScalarTest): (v: EventValue | undefined) => boolean {
  const run = (v: EventValue | undefined): boolean => {
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) { for (const x of v) if (run(x)) return true; return false; }
    return test(v);
  };
  return run;
}

const isEmpty = (v: EventValue | undefined): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function compileFieldMatch(fm: FieldMatch, plan: FieldPlan, accessor: FieldAccessor, target: LogSourceTarget): Predicate {
  const only = plan.tests.length === 1 ? plan.tests[0] : null;
  if (only?.kind === 'exists') { const want = only.exists; return (e) => (accessor(e) !== undefined) === want; }
  if (only?.kind === 'null') return plan.negate ? (e) => !isEmpty(accessor(e)) : (e) => isEmpty(accessor(e));
  if (plan.tests.some((t) => t.kind === 'fieldref')) return compileFieldRefs(plan, accessor, target);
  const valueTest = compileValueTests(plan);
  if (fm.field === '') return compileKeywords(valueTest, plan);
  if (plan.negate) return (e) => { const v = accessor(e); return v !== undefined && v !== null && !valueTest(v); };
  return (e) => valueTest(accessor(e));
}

/**
 * One closure for all values of a field match: pattern values are grouped so the event
 * value is lowercased once; other kinds test the raw value.
 */
function compileValueTests(plan: FieldPlan): (v: EventValue | undefined) => boolean {
  const patterns: StringTest[] = [];
  const others: ScalarTest[] = [];
  const networks: Extract<ValueTest, { kind: 'cidr' }>[] = [];
  // Any-of many `contains` values: one needle scan of the value instead of an `includes`
  // per value (a script block tested for 60 cmdlet names was read 60 times).
  const scanned = !plan.all && !plan.cased ? indexedContains(plan.tests) : null;
  if (scanned !== null) patterns.push((s) => scanned.containsAny(s));
  for (const t of plan.tests) {
    if (t.kind === 'pattern') {
      const kept = scanned === null ? t.variants : t.variants.filter((p) => !isIndexable(p));
      if (kept.length === 0) continue;
      const variants = kept.map((p) => compilePattern(p, plan.cased));
      patterns.push(variants.length === 1 ? variants[0] : (s) => { for (const v of variants) if (v(s)) return true; return false; });
    } else if (t.kind === 'cidr' && !plan.all) networks.push(t);
    else others.push(scalarTest(t, plan.cased));
  }
  if (networks.length > 0) others.push(cidrTest(networks));
  const cased = plan.cased;
  const fold = (v: Scalar): string => { const s = typeof v === 'string' ? v : String(v); return cased ? s : foldCase(s); };
  if (!plan.all) {
    const anyPattern: ScalarTest | null = patterns.length === 0 ? null
      : patterns.length === 1 ? ((t) => (v) => t(fold(v)))(patterns[0])
        : (v) => { const s = fold(v); for (const p of patterns) if (p(s)) return true; return false; };
    const tests = anyPattern ? [anyPattern, ...others] : others;
    return lift(tests.length === 1 ? tests[0] : (v) => { for (const t of tests) if (t(v)) return true; return false; });
  }
  // `all`: every value must match some element (for arrays) of the event value.
  const each = [...patterns.map((p): ScalarTest => (v) => p(fold(v))), ...others].map(lift);
  if (others.length === 0) {
    const allPatterns: ScalarTest = (v) => { const s = fold(v); for (const p of patterns) if (!p(s)) return false; return true; };
    const scalarAll = lift(allPatterns);
    return (v) => (Array.isArray(v) ? each.every((t) => t(v)) : scalarAll(v));
  }
  return (v) => { for (const t of each) if (!t(v)) return false; return true; };
}

/**
 * `contains` values a field match needs before they are scanned for together rather than
 * one by one: `includes` reads a one-byte string at a fraction of a nanosecond per
 * character, the automaton at ~8 ns, so one scan pays only for many values. Measured on
 * the corpus (full predicates per event): 8 values 1.53 µs, 20–80 1.10, never 1.29.
 */
const MIN_INDEXED_CONTAINS = 24;

/** The lowercased literal of a `*text*` pattern with text, or null (not scanned for). */
const indexedLiteral = (p: Pattern): string | null => { const l = containsLiteral(p); return l === null || l === '' ? null : l.toLowerCase(); };
const isIndexable = (p: Pattern): boolean => indexedLiteral(p) !== null;

/**
 * One needle index of the non-empty `contains` literals of `tests` (lowercased: the
 * caller folds the value), or null when there are fewer than {@link MIN_INDEXED_CONTAINS}.
 */
function indexedContains(tests: readonly ValueTest[]): NeedleIndex | null {
  const needles: string[] = [];
  for (const t of tests) {
    if (t.kind !== 'pattern') continue;
    for (const p of t.variants) { const l = indexedLiteral(p); if (l !== null) needles.push(l); }
  }
  return needles.length >= MIN_INDEXED_CONTAINS ? new NeedleIndex(needles) : null;
}

const numberOf = (v: Scalar): number | null => {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** A date part (UTC) of an event value: ISO 8601 or Sysmon's `YYYY-MM-DD hh:mm:ss.fff` (UTC). */
function timePart(v: Scalar, part: TimePart): number | null {
  if (typeof v !== 'string') return null;
  const iso = /^\d{4}-\d\d-\d\d \d/.test(v) ? `${v.replace(' ', 'T')}${/[Zz]|[+-]\d\d:?\d\d$/.test(v.slice(10)) ? '' : 'Z'}` : v;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  const parts: Record<TimePart, () => number> = {
    minute: () => d.getUTCMinutes(),
    hour: () => d.getUTCHours(),
    day: () => d.getUTCDate(),
    month: () => d.getUTCMonth() + 1,
    year: () => d.getUTCFullYear(),
    week: () => {
      // ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday.
      const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)));
      const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      return 1 + Math.floor((thursday.getTime() - jan1) / 604800000);
    },
  };
  return parts[part]();
}

function scalarTest(t: ValueTest, cased: boolean): ScalarTest {
  const make: { [K in ValueTestKind]: (x: Extract<ValueTest, { kind: K }>) => ScalarTest } = {
    pattern: (x) => {
      const variants = x.variants.map((p) => compilePattern(p, cased));
      return (v) => { const t = typeof v === 'string' ? v : String(v); const s = cased ? t : foldCase(t); return variants.some((p) => p(s)); };
    },
    number: (x) => {
      const { value, op, part } = x;
      const text = String(value).toLowerCase();
      const compare: Record<typeof op, (n: number) => boolean> = {
        eq: (n) => n === value, lt: (n) => n < value, lte: (n) => n <= value, gt: (n) => n > value, gte: (n) => n >= value,
      };
      const c = compare[op];
      if (part) return (v) => { const n = timePart(v, part); return n !== null && c(n); };
      if (op === 'eq') return (v) => { const n = numberOf(v); return n !== null ? n === value : String(v).toLowerCase() === text; };
      return (v) => { const n = numberOf(v); return n !== null && c(n); };
    },
    regex: (x) => {
      const re = x.regex;
      const test = literalChainTest(re) ?? ((s: string) => re.test(s));
      return (v) => test(typeof v === 'string' ? v : String(v));
    },
    cidr: (x) => cidrTest([x]),
    null: () => () => false,
    exists: () => () => true,
    fieldref: () => () => false,
  };
  return (make[t.kind] as (x: ValueTest) => ScalarTest)(t);
}

/**
 * Whether an address is in any of `networks`; the value is parsed once for all of them
 * (a list of private ranges is the usual `cidr` value, tested on every logon event).
 */
function cidrTest(networks: readonly Extract<ValueTest, { kind: 'cidr' }>[]): ScalarTest {
  const nets = networks.map(({ network, prefix }) => ({ network, full: prefix >> 3, rest: prefix & 7, mask: (0xff << (8 - (prefix & 7))) & 0xff }));
  const inside = (ip: Uint8Array, n: (typeof nets)[number]): boolean => {
    if (ip.length !== n.network.length) return false;
    for (let i = 0; i < n.full; i++) if (ip[i] !== n.network[i]) return false;
    return n.rest === 0 || (ip[n.full] & n.mask) === (n.network[n.full] & n.mask);
  };
  return (v) => {
    if (typeof v !== 'string') return false;
    const ip = addressBytes(v);
    if (!ip) return false;
    for (const n of nets) if (inside(ip, n)) return true;
    return false;
  };
}

/**
 * The last address parsed for a `cidr` test and its bytes: several rules test one
 * event's address (every 4625 runs the public-IP rules, which list the private ranges),
 * and parsing it again for each was garbage per rule and event.
 */
let lastAddress = '';
let lastBytes: Uint8Array | null = null;

/** {@link ipAddressBytes}, remembered for the last address. */
function addressBytes(v: string): Uint8Array | null {
  if (v !== lastAddress || lastAddress === '') { lastAddress = v; lastBytes = ipAddressBytes(v); }
  return lastBytes;
}

/** `fieldref`: the field compared with other fields of the same event (modifiers appendix). */
function compileFieldRefs(plan: FieldPlan, accessor: FieldAccessor, target: LogSourceTarget): Predicate {
  const fold = (v: EventValue): string => (plan.cased ? String(v) : foldCase(String(v)));
  const refs = plan.tests.map((t) => {
    if (t.kind !== 'fieldref') throw new Error('fieldref mixed with other values');
    const other = target.resolve(t.field) ?? ABSENT;
    const cmp: Record<typeof t.position, (a: string, b: string) => boolean> = {
      equals: (a, b) => a === b, contains: (a, b) => a.includes(b), startswith: (a, b) => a.startsWith(b), endswith: (a, b) => a.endsWith(b),
    };
    const c = cmp[t.position];
    return (e: Event, v: EventValue): boolean => {
      const o = other(e);
      if (o === undefined || o === null) return false;
      const ov = Array.isArray(o) ? o : [o];
      const vv = Array.isArray(v) ? v : [v];
      return vv.some((a) => a !== null && ov.some((b) => b !== null && c(fold(a), fold(b))));
    };
  });
  return (e) => {
    const v = accessor(e);
    if (v === undefined || v === null) return false;
    const hit = plan.all ? refs.every((r) => r(e, v)) : refs.some((r) => r(e, v));
    return plan.negate ? !hit : hit;
  };
}

/**
 * Keywords: a value matches when any string or number of `data`, or `line`, matches.
 * Hunts decode without rendering messages (it costs more than matching); the message is
 * rendered here, the first time a keyword needs it.
 */
function compileKeywords(valueTest: (v: EventValue | undefined) => boolean, plan: FieldPlan): Predicate {
  const anyValue = (e: Event, test: (v: EventValue | undefined) => boolean): boolean => {
    for (const k in e.data) if (test(e.data[k])) return true;
    if (e.line === '') e.line = renderLine(e);
    return test(e.line);
  };
  if (!plan.all) return plan.negate ? (e) => !anyValue(e, valueTest) : (e) => anyValue(e, valueTest);
  const each = plan.tests.map((t) => compileValueTests({ ...plan, all: false, tests: [t] }));
  return (e) => { const hit = each.every((t) => anyValue(e, t)); return plan.negate ? !hit : hit; };
}

function compileCondition(ast: ConditionNode, selections: Readonly<Record<string, Predicate>>, names: readonly string[], text: string, location: DetectionRuleDoc['meta']['location']): Predicate {
  const fail = (msg: string, column: number): never => { throw new SigmaCompileError(`condition '${text}': ${msg} (column ${column})`, location); };
  const and = (ps: Predicate[]): Predicate => (ps.length === 1 ? ps[0] : ps.length === 2 ? ((a, b) => (e: Event) => a(e) && b(e))(ps[0], ps[1]) : (e) => { for (const p of ps) if (!p(e)) return false; return true; });
  const or = (ps: Predicate[]): Predicate => (ps.length === 1 ? ps[0] : ps.length === 2 ? ((a, b) => (e: Event) => a(e) || b(e))(ps[0], ps[1]) : (e) => { for (const p of ps) if (p(e)) return true; return false; });
  const build: { [K in ConditionKind]: (n: Extract<ConditionNode, { kind: K }>) => Predicate } = {
    ref: (n) => (Object.hasOwn(selections, n.name) ? selections[n.name] : fail(`unknown search identifier '${n.name}'; defined: ${names.join(', ')}`, n.column)),
    of: (n) => {
      const hit = names.filter((name) => identifierMatches(name, n.pattern)).map((name) => selections[name]);
      if (hit.length === 0) fail(`'${n.pattern ?? 'them'}' matches no search identifier; defined: ${names.join(', ')}`, n.column);
      return n.quantifier === 'one' ? or(hit) : and(hit);
    },
    not: (n) => { const p = go(n.operand); return (e) => !p(e); },
    and: (n) => and(n.operands.map(go)),
    or: (n) => or(n.operands.map(go)),
  };
  const go = (n: ConditionNode): Predicate => (build[n.kind] as (x: ConditionNode) => Predicate)(n);
  return go(ast);
}
