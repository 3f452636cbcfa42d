import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, parseQuery, parseQueryResult, printExpr, printQuery } from './parser.js';
import { QueryError, formatDiagnostic, lineColumn } from './diagnostics.js';
import type { Command, Query } from './ast.js';
import { prng } from '../demo/index.js';

// ---------------------------------------------------------------- helpers

/** A value with every `span` removed, for comparing trees. */
function withoutSpans(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSpans);
  if (v instanceof Date || v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'span').map(([k, x]) => [k, withoutSpans(x)]));
}

const expr = (source: string): string => printExpr(parseExpression(source));
/** The second command of `table t | source`, spans removed. */
const second = (source: string): unknown => withoutSpans(parseQuery(`table t | ${source}`).commands[1]);
const first = (source: string): unknown => withoutSpans(parseQuery(source).commands[0]);
/** `code line:column` of each diagnostic. */
function errors(source: string): string[] {
  const r = parseQueryResult(source);
  assert.equal(r.query, undefined, 'no query when there are diagnostics');
  return r.diagnostics.map((d) => {
    const { line, column } = lineColumn(source, d.span.start);
    return `${d.code} ${line}:${column}`;
  });
}
/** The one diagnostic of `source`, formatted. */
function formatted(source: string): string {
  const { diagnostics } = parseQueryResult(source);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  return formatDiagnostic(diagnostics[0], source);
}

// ---------------------------------------------------------------- acceptance queries (spec, verbatim)

const ACCEPTANCE = [
  String.raw`table sysmon | fields _time, event_id, level, line`,
  String.raw`table sysmon
| search line == "*Process Create*"
| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "` + '`' + String.raw`")
| parsekv overlay=t pairdelim="` + '`' + String.raw`" kvdelim=": "
| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)`,
  String.raw`table sysmon
| search line == "*Process Create*"
| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "` + '`' + String.raw`")
| parsekv overlay=t pairdelim="` + '`' + String.raw`" kvdelim=": "
| eval Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)
| stats count by Image, Hashes | sort -count`,
  String.raw`table sysmon | search line == "*Network connection detected*"
| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "` + '`' + String.raw`")
| parsekv overlay=t pairdelim="` + '`' + String.raw`" kvdelim=": "
| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, SourcePortName, DestinationIp, DestinationPort`,
  String.raw`table sysmon
| search line == "*Network connection detected*"
| eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "` + '`' + String.raw`")
| parsekv overlay=t pairdelim="` + '`' + String.raw`" kvdelim=": "
| join DestinationIp [
    wget url="http://127.0.0.1:PORT/hostslist/ip.txt"
    | eval ip = split(line, "\r\n")
    | fields ip
    | explode ip
    | rename ip as DestinationIp
]
| fields _time, ProcessId, Image, Protocol, SourceIp, SourcePort, DestinationIp, DestinationPort`,
];

test('acceptance queries parse', () => {
  assert.deepEqual(ACCEPTANCE.map((q) => parseQuery(q).commands.map((c) => c.kind)), [
    ['table', 'fields'],
    ['table', 'search', 'eval', 'parsekv', 'eval'],
    ['table', 'search', 'eval', 'parsekv', 'eval', 'stats', 'sort'],
    ['table', 'search', 'eval', 'parsekv', 'fields'],
    ['table', 'search', 'eval', 'parsekv', 'join', 'fields'],
  ]);
});

test('acceptance: the Process Create pipeline, command by command', () => {
  const q = parseQuery(ACCEPTANCE[2]);
  assert.deepEqual(withoutSpans(q.commands[0]), { kind: 'table', tables: [{ name: 'sysmon', optional: false }], duration: undefined, from: undefined, to: undefined, limit: undefined, offset: undefined, order: 'desc' });
  const [, search, eval1, parsekv, eval2, stats, sort] = q.commands;
  assert.ok(search.kind === 'search' && printExpr(search.expr) === '(line == "*Process Create*")');
  assert.ok(eval1.kind === 'eval');
  assert.deepEqual(eval1.assignments.map((a) => `${a.field} = ${printExpr(a.expr)}`), [
    'line = substr(line, (indexof(line, ":") + 3))',
    'line = replace(line, "\\n", "`")',
  ]);
  // The literal holds a real line feed; the option holds the raw backtick.
  assert.ok(eval1.assignments[1].expr.kind === 'call' && eval1.assignments[1].expr.args[1].kind === 'literal');
  assert.equal(eval1.assignments[1].expr.args[1].value, '\n');
  assert.deepEqual(withoutSpans(parsekv), { kind: 'parsekv', field: 'line', overlay: true, pairdelim: '`', kvdelim: ': ' });
  assert.ok(eval2.kind === 'eval' && printExpr(eval2.assignments[0].expr) === 'substr(Hashes, (indexof(Hashes, "SHA256=") + 7))');
  assert.deepEqual(withoutSpans(stats), { kind: 'stats', aggregates: [{ fn: 'count', args: [], name: 'count' }], by: ['Image', 'Hashes'] });
  assert.deepEqual(withoutSpans(sort), { kind: 'sort', limit: undefined, keys: [{ field: 'count', descending: true }] });
});

test('acceptance: the join with a multi-line bracketed wget subquery', () => {
  const join = parseQuery(ACCEPTANCE[4]).commands[4];
  assert.ok(join.kind === 'join');
  assert.equal(join.type, 'inner');
  assert.deepEqual(join.keys, ['DestinationIp']);
  assert.equal(printQuery(join.subquery),
    'wget url="http://127.0.0.1:PORT/hostslist/ip.txt" | eval ip = split(line, "\\r\\n") | fields ip | explode ip | rename ip as DestinationIp');
  const split = join.subquery.commands[1];
  assert.ok(split.kind === 'eval' && split.assignments[0].expr.kind === 'call');
  assert.deepEqual(withoutSpans(split.assignments[0].expr.args[1]), { kind: 'literal', value: '\r\n' });
  // The subquery's span is its text inside the brackets.
  const text = ACCEPTANCE[4].slice(join.subquery.span.start, join.subquery.span.end);
  assert.ok(text.startsWith('wget url=') && text.endsWith('rename ip as DestinationIp'));
});

test('printQuery output parses back to the same query (spans aside)', () => {
  const more = [
    'table duration=10m from=2024 to=20240301123000 limit=10 offset=5 order=asc sys*, sysmon? | search limit=3 not(a == 1) or -b * (c + d) > 2',
    'table t | stats sum( bytes ), count(x), percentile(x, 95) as p95, COUNT by a, b | timechart span=1h avg(n) by host',
    'table t | rex field=line "(?<ip>\\d+\\.\\d+)\\"x" | parsejson field=body overlay=t | lookup geo ip as addr output country as c, city',
    'table t | limit 5 10 | limit 7 | dedup a, b | fields - a | wget | explode ip | sort limit=5 +a, -b',
    'table t | join type=leftonly a, b [ table u | stats by a, b ] | join type=cross [ table v ]',
    'table t | parsekv field=msg pairdelim="\\t" kvdelim="" | eval x = - -1, y = a - (b - c), z = (a or b) and c',
  ];
  for (const source of [...ACCEPTANCE, ...more.slice(0, 5)]) {
    const q = parseQuery(source);
    const text = printQuery(q);
    assert.deepEqual(withoutSpans(parseQuery(text)), withoutSpans(q), text);
  }
  // An empty kvdelim is an error, so the last one only round-trips without it.
  const last = more[5].replace(' kvdelim=""', '');
  assert.deepEqual(withoutSpans(parseQuery(printQuery(parseQuery(last)))), withoutSpans(parseQuery(last)));
});

test('printQuery is canonical: one line, defaults left out, needed parentheses only', () => {
  assert.equal(printQuery(parseQuery('TABLE  order=desc sysmon\n| Search (a==1)  AND (b or c)\n| parsekv overlay=F')),
    'table sysmon | search a == 1 and (b or c) | parsekv');
  assert.equal(printQuery(parseQuery('table t | eval x = (a - b) - c, y = a - (b - c), z = -(a + b), w = (-a) * b')),
    'table t | eval x = a - b - c, y = a - (b - c), z = -(a + b), w = -a * b');
});

// ---------------------------------------------------------------- expressions

test('precedence: unary minus binds tightest', () => {
  assert.equal(expr('-a * b'), '((-a) * b)');
  assert.equal(expr('- -a'), '(-(-a))');
  assert.equal(expr('-len(x) + 1'), '((-len(x)) + 1)');
});

test('precedence: * / over + -, left-associative', () => {
  assert.equal(expr('a + b * c'), '(a + (b * c))');
  assert.equal(expr('a * b + c'), '((a * b) + c)');
  assert.equal(expr('a - b - c'), '((a - b) - c)');
  assert.equal(expr('a / b * c'), '((a / b) * c)');
  assert.equal(expr('a-b'), '(a - b)');
  assert.equal(expr('a*2'), '(a * 2)');
});

test('precedence: + - over comparisons over equality', () => {
  assert.equal(expr('a + 1 > b - 2'), '((a + 1) > (b - 2))');
  assert.equal(expr('a >= b == c < d'), '((a >= b) == (c < d))');
  assert.equal(expr('a <= b != c'), '((a <= b) != c)');
});

test('precedence: equality over and over or', () => {
  assert.equal(expr('a == 1 and b != 2'), '((a == 1) and (b != 2))');
  assert.equal(expr('a or b and c'), '(a or (b and c))');
  assert.equal(expr('a and b or c and d'), '((a and b) or (c and d))');
  assert.equal(expr('(a or b) and c'), '((a or b) and c)');
});

test('and/or and the literal keywords are case-insensitive', () => {
  assert.equal(expr('a AND b Or c'), '((a and b) or c)');
  assert.deepEqual(withoutSpans(parseExpression('TRUE')), { kind: 'literal', value: true });
  assert.deepEqual(withoutSpans(parseExpression('False')), { kind: 'literal', value: false });
  assert.deepEqual(withoutSpans(parseExpression('NULL')), { kind: 'literal', value: null });
});

test('literals carry JS values; bare words are fields', () => {
  assert.deepEqual(withoutSpans(parseExpression('42')), { kind: 'literal', value: 42 });
  assert.deepEqual(withoutSpans(parseExpression('2.5')), { kind: 'literal', value: 2.5 });
  assert.deepEqual(withoutSpans(parseExpression('"a\\tb"')), { kind: 'literal', value: 'a\tb' });
  assert.deepEqual(withoutSpans(parseExpression('Event.Id')), { kind: 'field', name: 'Event.Id' });
});

test('calls: lower-cased names, zero or more arguments, nesting; not is a function', () => {
  assert.deepEqual(withoutSpans(parseExpression('NOW()')), { kind: 'call', name: 'now', args: [] });
  assert.equal(expr('Substr(line, indexof(line, ":") + 3)'), 'substr(line, (indexof(line, ":") + 3))');
  assert.equal(expr('not(a == 1 or b)'), 'not(((a == 1) or b))');
  assert.equal(expr('if(a > 1, "big", "small")'), 'if((a > 1), "big", "small")');
});

test('expression spans cover their text, parentheses included', () => {
  const source = 'x + (a * b)';
  const e = parseExpression(source);
  assert.ok(e.kind === 'binary');
  assert.equal(source.slice(e.right.span.start, e.right.span.end), '(a * b)');
  assert.deepEqual(e.span, { start: 0, end: source.length });
});

test('expression errors', () => {
  const codes = (s: string): string[] => {
    try {
      parseExpression(s);
    } catch (e) {
      assert.ok(e instanceof QueryError);
      return e.diagnostics.map((d) => `${d.code} ${d.span.start}`);
    }
    assert.fail(`no error for ${s}`);
  };
  assert.deepEqual(codes('a = 1'), ['single-equals 2']);
  assert.deepEqual(codes('a +'), ['expected-expression 3']);
  assert.deepEqual(codes('and a'), ['expected-expression 0']);
  assert.deepEqual(codes('a % 2'), ['unexpected-character 2']);
  assert.deepEqual(codes('f(a, b'), ['unclosed-paren 1']);
  assert.deepEqual(codes('f(a b)'), ['unexpected-token 4']);
  assert.deepEqual(codes('a b'), ['unexpected-token 2']);
  assert.deepEqual(codes('"\\q" == "\\w"'), ['bad-escape 1', 'bad-escape 9']);
  assert.deepEqual(codes('1e400'), ['bad-number 0']);
});

test('not without parentheses gets a hint', () => {
  const { diagnostics } = parseQueryResult('table t | search not a == 1');
  assert.deepEqual(diagnostics.map((d) => [d.code, d.hint]), [['unexpected-token', 'not is a function: not(expr)']]);
});

// ---------------------------------------------------------------- commands

test('table: names, wildcards, optional tables, options', () => {
  assert.deepEqual(first('table sys*, sysmon?, *log-2024*'), {
    kind: 'table', tables: [{ name: 'sys*', optional: false }, { name: 'sysmon', optional: true }, { name: '*log-2024*', optional: false }],
    duration: undefined, from: undefined, to: undefined, limit: undefined, offset: undefined, order: 'desc',
  });
  const t = parseQuery('table duration=2mon from=202403 to=20240302101112 limit=100 offset=10 order=ASC a').commands[0];
  assert.ok(t.kind === 'table');
  assert.deepEqual(t.duration, { amount: 2, unit: 'mon' });
  assert.equal(t.from?.toISOString(), '2024-03-01T00:00:00.000Z');
  assert.equal(t.to?.toISOString(), '2024-03-02T10:11:12.000Z');
  assert.deepEqual([t.limit, t.offset, t.order], [100, 10, 'asc']);
  const units = ['1s', '5m', '2h', '3d', '4w', '6MON'].map((d) => (parseQuery(`table duration=${d} a`).commands[0] as Command & { kind: 'table' }).duration);
  assert.deepEqual(units, [{ amount: 1, unit: 's' }, { amount: 5, unit: 'm' }, { amount: 2, unit: 'h' }, { amount: 3, unit: 'd' }, { amount: 4, unit: 'w' }, { amount: 6, unit: 'mon' }]);
});

test('table: bad option values', () => {
  assert.deepEqual(errors('table duration=10y a'), ['bad-option-value 1:16']);
  assert.deepEqual(errors('table duration=0m a'), ['bad-option-value 1:16']);
  assert.deepEqual(errors('table from=20241301 a'), ['bad-option-value 1:12']);
  assert.deepEqual(errors('table from=20240431 a'), ['bad-option-value 1:12']);
  assert.deepEqual(errors('table from=202401011 a'), ['bad-option-value 1:12']);
  assert.deepEqual(errors('table limit=-1 a'), ['bad-option-value 1:13']);
  assert.deepEqual(errors('table order=up a'), ['bad-option-value 1:13']);
  assert.deepEqual(errors('table a?b'), ['bad-table-name 1:7']);
  assert.deepEqual(errors('table'), ['missing-argument 1:6']);
});

test('search: expression and limit=; = gets a hint to use ==', () => {
  assert.deepEqual(withoutSpans(second('search limit=5 a == "x"')), {
    kind: 'search', limit: 5, expr: { kind: 'binary', op: '==', left: { kind: 'field', name: 'a' }, right: { kind: 'literal', value: 'x' } },
  });
  // A field called limit is still a field when no '=' follows.
  assert.ok((parseQuery('table t | search limit == 5').commands[1] as Command & { kind: 'search' }).limit === undefined);
  assert.equal(formatted('table t | search EventID = 4624'), [
    "error at line 1, column 26: '=' is not a comparison",
    '  table t | search EventID = 4624',
    '                           ^',
    '  hint: use == to compare (a = b assigns only in eval)',
  ].join('\n'));
  assert.deepEqual(errors('table t | search'), ['expected-expression 1:17']);
  assert.deepEqual(errors('table t | search a == 1, b == 2'), ['unexpected-token 1:24']);
});

test('eval: comma-separated assignments, left to right', () => {
  assert.deepEqual(withoutSpans(second('eval a = 1, b = a + 1')), {
    kind: 'eval', assignments: [
      { field: 'a', expr: { kind: 'literal', value: 1 } },
      { field: 'b', expr: { kind: 'binary', op: '+', left: { kind: 'field', name: 'a' }, right: { kind: 'literal', value: 1 } } },
    ],
  });
  assert.deepEqual(errors('table t | eval a == 1'), ['unexpected-token 1:18']);
  assert.deepEqual(errors('table t | eval a'), ['missing-argument 1:17']);
  assert.deepEqual(errors('table t | eval a = 1,'), ['expected-field 1:22']);
});

test('parsekv: defaults and raw option values', () => {
  assert.deepEqual(second('parsekv'), { kind: 'parsekv', field: 'line', overlay: false, pairdelim: ' ', kvdelim: '=' });
  assert.deepEqual(second('parsekv field=msg overlay=TRUE pairdelim="\\t" kvdelim=":"'), {
    kind: 'parsekv', field: 'msg', overlay: true, pairdelim: '\\t', kvdelim: ':',
  });
  assert.deepEqual(second('parsekv pairdelim=; overlay=f'), { kind: 'parsekv', field: 'line', overlay: false, pairdelim: ';', kvdelim: '=' });
  assert.deepEqual(errors('table t | parsekv overlay=yes'), ['bad-option-value 1:27']);
  assert.deepEqual(errors('table t | parsekv pairdelim=""'), ['bad-option-value 1:19']);
});

test('stats: aggregates, default names as written, as, by', () => {
  assert.deepEqual(second('stats count, Sum(bytes), percentile(ms, 95) as p95, count(x) by host, user'), {
    kind: 'stats', by: ['host', 'user'], aggregates: [
      { fn: 'count', args: [], name: 'count' },
      { fn: 'sum', args: [{ kind: 'field', name: 'bytes' }], name: 'Sum(bytes)' },
      { fn: 'percentile', args: [{ kind: 'field', name: 'ms' }, { kind: 'literal', value: 95 }], name: 'p95' },
      { fn: 'count', args: [{ kind: 'field', name: 'x' }], name: 'count(x)' },
    ],
  });
  assert.deepEqual(second('stats by a'), { kind: 'stats', aggregates: [], by: ['a'] });
  assert.deepEqual(second('stats dc(ip)'), { kind: 'stats', aggregates: [{ fn: 'dc', args: [{ kind: 'field', name: 'ip' }], name: 'dc(ip)' }], by: [] });
  const all = ['sum', 'avg', 'min', 'max', 'first', 'last', 'dc', 'values', 'array', 'median', 'stddev', 'var'];
  const q = parseQuery(`table t | stats ${all.map((f) => `${f}(x)`).join(', ')}`).commands[1];
  assert.ok(q.kind === 'stats' && q.aggregates.map((a) => a.fn).join() === all.join());
});

test('stats: errors', () => {
  assert.deepEqual(errors('table t | stats'), ['missing-argument 1:16']);
  assert.deepEqual(errors('table t | stats sum'), ['bad-aggregate 1:17']);
  assert.deepEqual(errors('table t | stats percentile(x)'), ['bad-aggregate 1:17']);
  assert.deepEqual(errors('table t | stats count(a, b)'), ['bad-aggregate 1:17']);
  assert.equal(formatted('table t | stats cuont by a'), [
    "error at line 1, column 17: unknown aggregate function 'cuont'",
    '  table t | stats cuont by a',
    '                  ^^^^^',
    '  hint: did you mean count?',
  ].join('\n'));
  assert.deepEqual(errors('table t | stats count by'), ['expected-field 1:25']);
});

test('sort: - descending, + ascending, limit=', () => {
  assert.deepEqual(second('sort limit=10 -count, +a, b'), {
    kind: 'sort', limit: 10, keys: [{ field: 'count', descending: true }, { field: 'a', descending: false }, { field: 'b', descending: false }],
  });
  assert.deepEqual(errors('table t | sort -'), ['expected-field 1:17']);
  assert.deepEqual(errors('table t | sort top=3 a'), ['unknown-option 1:16']);
});

test('fields: keep or remove', () => {
  assert.deepEqual(second('fields _time, a.b'), { kind: 'fields', exclude: false, names: ['_time', 'a.b'] });
  assert.deepEqual(second('fields - a, b'), { kind: 'fields', exclude: true, names: ['a', 'b'] });
  assert.deepEqual(second('fields -a'), { kind: 'fields', exclude: true, names: ['a'] });
});

test('rename: pairs with as (any case)', () => {
  assert.deepEqual(second('rename a as b, c AS d'), { kind: 'rename', pairs: [{ from: 'a', to: 'b' }, { from: 'c', to: 'd' }] });
  assert.deepEqual(errors('table t | rename a b'), ['unexpected-token 1:20']);
});

test('join: type, keys, subquery', () => {
  const j = parseQuery('table t | join type=LEFT a, b [ table u | fields a, b ]').commands[1];
  assert.ok(j.kind === 'join');
  assert.deepEqual([j.type, j.keys, printQuery(j.subquery)], ['left', ['a', 'b'], 'table u | fields a, b']);
  assert.deepEqual(withoutSpans(parseQuery('table t | join type=cross [table u]').commands[1]), {
    kind: 'join', type: 'cross', keys: [], subquery: { commands: [{ kind: 'table', tables: [{ name: 'u', optional: false }], duration: undefined, from: undefined, to: undefined, limit: undefined, offset: undefined, order: 'desc' }] },
  });
  assert.deepEqual(errors('table t | join [ table u ]'), ['missing-argument 1:11']);
  assert.deepEqual(errors('table t | join type=outer a [ table u ]'), ['bad-option-value 1:21']);
  assert.deepEqual(errors('table t | join a table u'), ['unexpected-token 1:18']);
  assert.deepEqual(errors('table t | join a [ ]'), ['empty-command 1:18']);
});

test('join: the subquery starts with a source, and reports its own errors', () => {
  assert.deepEqual(errors('table t | join a [ fields a ]'), ['missing-source 1:20']);
  assert.deepEqual(errors('table t | join a [ table u | serch x | fields a ] | fields b'), ['unknown-command 1:30']);
  assert.equal(formatted('table t\n| join a [\n  table u\n  | fields a\n| fields b'), [
    "error at line 2, column 10: '[' is never closed",
    '  | join a [',
    '           ^',
    "  hint: end the subquery with ']'",
  ].join('\n'));
});

test('wget: options; first needs url=, later reads each row', () => {
  assert.deepEqual(first('wget url="http://h/a?b=1&c" method=POST format=json timeout=5'), {
    kind: 'wget', url: 'http://h/a?b=1&c', method: 'post', format: 'json', timeout: 5,
  });
  assert.deepEqual(second('wget'), { kind: 'wget', url: undefined, method: 'get', format: undefined, timeout: 30 });
  // An unquoted value runs to whitespace, over characters that are no tokens.
  assert.deepEqual(first('wget url=http://h:8080/x.txt'), { kind: 'wget', url: 'http://h:8080/x.txt', method: 'get', format: undefined, timeout: 30 });
  assert.deepEqual(errors('wget'), ['missing-option 1:1']);
  assert.deepEqual(errors('wget url="x" timeout=0'), ['bad-option-value 1:22']);
  assert.deepEqual(errors('wget url="x" method=put'), ['bad-option-value 1:21']);
});

test('explode, limit, dedup', () => {
  assert.deepEqual(second('explode ip'), { kind: 'explode', field: 'ip' });
  assert.deepEqual(second('limit 10'), { kind: 'limit', offset: 0, count: 10 });
  assert.deepEqual(second('limit 5 10'), { kind: 'limit', offset: 5, count: 10 });
  assert.deepEqual(second('dedup a, b'), { kind: 'dedup', fields: ['a', 'b'] });
  assert.deepEqual(errors('table t | limit'), ['missing-argument 1:16']);
  assert.deepEqual(errors('table t | limit 1.5'), ['bad-argument 1:17']);
  assert.deepEqual(errors('table t | explode'), ['expected-field 1:18']);
});

test('rex: raw pattern (\\d stays), \\" is a quote, compiled as JS, needs a named group', () => {
  assert.deepEqual(second('rex field=line "(?<ip>\\d+\\.\\d+) \\"(?<q>[^\\"]*)\\""'), {
    kind: 'rex', field: 'line', pattern: '(?<ip>\\d+\\.\\d+) "(?<q>[^"]*)"',
  });
  assert.deepEqual(errors('table t | rex field=line "(?<a>x"'), ['bad-regex 1:26']);
  assert.deepEqual(errors('table t | rex field=line "(x)"'), ['bad-regex 1:26']);
  assert.deepEqual(errors('table t | rex "(?<a>x)"'), ['missing-option 1:11']);
  assert.deepEqual(errors('table t | rex field=line'), ['missing-argument 1:25']);
  assert.deepEqual(errors('table t | rex field=line "(?<a>x)'), ['unterminated-string 1:26']);
});

test('parsejson and lookup', () => {
  assert.deepEqual(second('parsejson'), { kind: 'parsejson', field: 'line', overlay: false });
  assert.deepEqual(second('parsejson field=body overlay=t'), { kind: 'parsejson', field: 'body', overlay: true });
  assert.deepEqual(second('lookup geo ip output country'), { kind: 'lookup', table: 'geo', inputField: 'ip', keyField: 'ip', outputs: [{ field: 'country', as: 'country' }] });
  assert.deepEqual(second('lookup geo src as ip OUTPUT country as c, city'), {
    kind: 'lookup', table: 'geo', inputField: 'src', keyField: 'ip', outputs: [{ field: 'country', as: 'c' }, { field: 'city', as: 'city' }],
  });
  assert.deepEqual(errors('table t | lookup geo ip country'), ['unexpected-token 1:25']);
  assert.deepEqual(errors('table t | parsejson field="a b"'), ['bad-option-value 1:27']);
});

test('timechart: span= and aggregates, optional by', () => {
  assert.deepEqual(second('timechart span=10m count, max(ms) by host'), {
    kind: 'timechart', bucket: { amount: 10, unit: 'm' }, by: 'host', aggregates: [
      { fn: 'count', args: [], name: 'count' }, { fn: 'max', args: [{ kind: 'field', name: 'ms' }], name: 'max(ms)' },
    ],
  });
  assert.deepEqual(errors('table t | timechart count'), ['missing-option 1:11']);
  assert.deepEqual(errors('table t | timechart span=1h'), ['missing-argument 1:28']);
});

test('command and option names are case-insensitive; field names are not', () => {
  assert.deepEqual(withoutSpans(parseQuery('TABLE LIMIT=3 t | Fields A').commands), [
    { kind: 'table', tables: [{ name: 't', optional: false }], duration: undefined, from: undefined, to: undefined, limit: 3, offset: undefined, order: 'desc' },
    { kind: 'fields', exclude: false, names: ['A'] },
  ]);
});

// ---------------------------------------------------------------- diagnostics

test('unknown command: did you mean, caret under the word', () => {
  assert.equal(formatted('table sysmon | serch x'), [
    "error at line 1, column 16: unknown command 'serch'",
    '  table sysmon | serch x',
    '                 ^^^^^',
    '  hint: did you mean search?',
  ].join('\n'));
  assert.equal(parseQueryResult('table t | where a == 1').diagnostics[0].hint, "filter rows with 'search EXPR'");
  assert.match(parseQueryResult('table t | frobnicate').diagnostics[0].hint ?? '', /^commands: table, search, eval/);
});

test('unknown option: did you mean, and the options the command takes', () => {
  assert.equal(formatted('table t | parsekv overlay=t pairdelm=","'), [
    'error at line 1, column 29: unknown option pairdelm= for parsekv',
    '  table t | parsekv overlay=t pairdelm=","',
    '                              ^^^^^^^^',
    '  hint: did you mean pairdelim=? (parsekv takes field=, overlay=, pairdelim=, kvdelim=)',
  ].join('\n'));
  assert.deepEqual(errors('table t | parsekv overlay=t overlay=f'), ['duplicate-option 1:29']);
  assert.deepEqual(errors('table limit =3 t'), ['bad-option-value 1:7']);
});

test('bad option value points at the value', () => {
  assert.equal(formatted('table t | sort limit=ten a'), [
    "error at line 1, column 22: sort option limit= expects a whole number, found 'ten'",
    '  table t | sort limit=ten a',
    '                       ^^^',
  ].join('\n'));
});

test('unterminated string and bad escape in a query', () => {
  assert.equal(formatted('table t | search a == "abc'), [
    'error at line 1, column 23: string has no closing quote',
    '  table t | search a == "abc',
    '                        ^^^^',
    '  hint: close it with " (a quote inside a string is written \\")',
  ].join('\n'));
  assert.deepEqual(errors('table t | eval a = "x\\d"'), ['bad-escape 1:22']);
  // Options are raw: no escape processing, so no bad-escape.
  assert.deepEqual((parseQuery('table t | parsekv pairdelim="\\d"').commands[1] as Command & { kind: 'parsekv' }).pairdelim, '\\d');
});

test('sources: first command must be table or wget; table only first', () => {
  assert.deepEqual(errors('fields a | table t'), ['missing-source 1:1', 'source-not-first 1:12']);
  assert.equal(formatted('fields a'), [
    'error at line 1, column 1: a query starts with table or wget, not fields',
    '  fields a',
    '  ^^^^^^^^',
    '  hint: start with table NAME | fields …',
  ].join('\n'));
  assert.deepEqual(errors('table t | table u'), ['source-not-first 1:11']);
  assert.deepEqual(parseQuery('table t | eval url = "http://x" | wget').commands.map((c) => c.kind), ['table', 'eval', 'wget']);
});

test('empty queries and commands', () => {
  assert.deepEqual(errors(''), ['empty-query 1:1']);
  assert.deepEqual(errors('  # only a comment\n'), ['empty-query 2:1']);
  assert.deepEqual(errors('table t |'), ['empty-command 1:9']);
  assert.deepEqual(errors('table t | | fields a'), ['empty-command 1:11']);
  assert.deepEqual(errors('| table t'), ['empty-command 1:1']);
  assert.deepEqual(errors('|'), ['empty-command 1:1']);
  assert.deepEqual(errors('table t | join a [ | ]'), ['empty-command 1:20']);
});

test('unexpected tokens after a command; a stray ]', () => {
  assert.deepEqual(errors('table t | fields a b'), ['unexpected-token 1:20']);
  assert.deepEqual(errors('table t ] | fields a'), ['unexpected-token 1:9']);
  assert.deepEqual(errors('table t | explode a ]'), ['unexpected-token 1:21']);
});

test('several errors at once: recovery at each |, positions across lines', () => {
  const source = [
    'table t',
    '| serch x',
    '| stats cuont by a',
    '| eval a = (1 + 2',
    '| fields a',
    '| sort limit=x -b',
  ].join('\n');
  assert.deepEqual(errors(source), ['unknown-command 2:3', 'unknown-aggregate 3:9', 'unclosed-paren 4:12', 'bad-option-value 6:14']);
  const e = (() => {
    try {
      parseQuery(source);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof QueryError);
  assert.equal(e.diagnostics.length, 4);
  assert.match(e.message, /line 2, column 3: unknown command 'serch'[\s\S]*line 6, column 14/);
});

test('several errors inside one command are reported when the command can go on', () => {
  assert.deepEqual(errors('table duration=1x limit=z order=up t'), ['bad-option-value 1:16', 'bad-option-value 1:25', 'bad-option-value 1:33']);
});

test('parseQueryResult: the query with no diagnostics', () => {
  const r = parseQueryResult('table t | fields a');
  assert.deepEqual(r.diagnostics, []);
  assert.ok(r.query);
  assert.deepEqual(r.query.span, { start: 0, end: 18 });
  const cmd = r.query.commands[1];
  assert.deepEqual(cmd.span, { start: 10, end: 18 });
});

test('every command kind has a parser, a printer and a round trip', () => {
  const q: Query = parseQuery([
    'table t', 'search a', 'eval a = 1', 'parsekv', 'stats count', 'sort a', 'fields a', 'rename a as b', 'join a [ table u ]',
    'wget', 'explode a', 'limit 1', 'rex field=a "(?<x>.)"', 'parsejson', 'lookup l a output b', 'timechart span=1d count', 'dedup a',
  ].join(' | '));
  assert.equal(new Set(q.commands.map((c) => c.kind)).size, 17);
  assert.deepEqual(withoutSpans(parseQuery(printQuery(q))), withoutSpans(q));
});

test('quoted option values may hold |, ] and # (the lexer and the option reader agree on the string)', () => {
  assert.deepEqual(first('wget url="http://h/?q=a|b]# c" | fields line'), {
    kind: 'wget', url: 'http://h/?q=a|b]# c', method: 'get', format: undefined, timeout: 30,
  });
});

test('random token soup: never a crash or hang, spans inside the text, and whatever parses prints back the same', () => {
  const pieces = [
    'table t', 'search', 'eval', 'stats', 'count', 'by', 'as', 'sort', 'fields', 'join', 'wget', 'rex', 'limit', 'lookup', 'output',
    'timechart', 'span=1h', 'limit=3', 'type=left', 'overlay=t', 'url="u"', 'field=a', '|', '[', ']', '(', ')', ',', '-', '+', '*',
    '/', '==', '=', '!=', '<', '>=', 'and', 'or', 'not', 'a', 'b.c', '_x', '1', '2.5', '"s"', '"\\q"', '"(?<n>.)"', '"open', '%',
    '?', '#', '# c\n', '\n', 'sum(x)',
  ];
  const random = prng(20240601);
  for (let n = 0; n < 3000; n++) {
    const words = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]);
    const source = (random() < 0.7 ? 'table t ' : '') + words.join(random() < 0.8 ? ' ' : '');
    const r = parseQueryResult(source);
    for (const d of r.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= source.length && d.span.start <= d.span.end, source);
    if (r.query) assert.deepEqual(withoutSpans(parseQuery(printQuery(r.query))), withoutSpans(r.query), source);
    else assert.ok(r.diagnostics.length > 0);
  }
});

test('random expression trees: parsing printExpr text gives the tree back, and so does the minimal text of printQuery', () => {
  const random = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const ops = ['*', '/', '+', '-', '>', '>=', '<', '<=', '==', '!=', 'and', 'or'];
  /** A random tree in printExpr's fully parenthesized form. */
  const gen = (depth: number): string => {
    const r = random();
    if (depth === 0 || r < 0.2) return pick(['a', 'b.c', '_t', '0', '7', '2.5', '"s"', '"x\\ty"', 'true', 'null']);
    if (r < 0.35) return `(-${gen(depth - 1)})`;
    if (r < 0.45) {
      // Real functions with a valid argument count: the parser rejects others.
      const [name, n] = pick([['concat', 1 + Math.floor(random() * 2)], ['substr', 2 + Math.floor(random() * 2)], ['not', 1]] as const);
      return `${name}(${Array.from({ length: n }, () => gen(depth - 1)).join(', ')})`;
    }
    return `(${gen(depth - 1)} ${pick(ops)} ${gen(depth - 1)})`;
  };
  for (let n = 0; n < 1000; n++) {
    const full = gen(5);
    assert.equal(printExpr(parseExpression(full)), full);
    const minimal = printQuery(parseQuery(`table t | search ${full}`)).slice('table t | search '.length);
    const search = parseQuery(`table t | search ${minimal}`).commands[1];
    assert.ok(search.kind === 'search');
    assert.equal(printExpr(search.expr), full, minimal);
  }
});
