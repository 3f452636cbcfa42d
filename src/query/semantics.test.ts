import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arith, compareOp, compareValues, compileEquality, equalsOp, formatValue, isTruthy, logicalOp, looseEquals, negate,
  numberFromText, strictEquals, typeRank, valueFromJson, valueToJson, wildcardRegExp,
} from './semantics.js';
import { parseIp } from './functions.js';
import { IpAddress, isValueMap, type Value, type ValueMap } from './value.js';

const ip = (s: string): IpAddress => parseIp(s) as IpAddress;
const map = (o: Record<string, Value>): ValueMap => Object.assign(Object.create(null) as ValueMap, o);
const d = (iso: string): Date => new Date(iso);

/** A Sysmon 1 message as Windows renders it: CRLF between lines. */
const PROCESS_CREATE = 'Process Create:\r\nRuleName: -\r\nUtcTime: 2024-01-02 03:04:05.678\r\nImage: C:\\Windows\\System32\\cmd.exe\r\nHashes: SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD';

test('types order null < bool < number < date < ipv4 < ipv6 < string < array < map', () => {
  const ordered: Value[] = [null, false, true, -1, 5, d('2020-01-01T00:00:00Z'), ip('10.0.0.1'), ip('::1'), '', 'a', [], [1], map({})];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const c = Math.sign(compareValues(ordered[i], ordered[j]));
      assert.equal(c, Math.sign(i - j), `${formatValue(ordered[i])} vs ${formatValue(ordered[j])}`);
    }
  }
  assert.deepEqual([null, true, 1, d('2020-01-01T00:00:00Z'), ip('1.1.1.1'), ip('::'), 's', [], map({})].map(typeRank), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});

test('strings compare case-insensitively, then case-sensitively so sorting is deterministic', () => {
  assert.ok(compareValues('abc', 'ABD') < 0);
  assert.ok(compareValues('ABC', 'abd') < 0);
  assert.ok(compareValues('A', 'a') < 0);
  assert.ok(compareValues('a', 'A') > 0);
  assert.equal(compareValues('same', 'same'), 0);
  assert.ok(compareValues('ab', 'abc') < 0);
  // as Java's CASE_INSENSITIVE_ORDER, characters differing after upper-casing compare lower-cased: '_' (0x5F) < 'z' (0x7A)
  assert.ok(compareValues('a_', 'aZ') < 0);
  const sorted = ['b', 'B', 'a', 'A', 'c'].sort(compareValues);
  assert.deepEqual(sorted, ['A', 'a', 'B', 'b', 'c']);
  assert.ok(compareValues('é', 'É') > 0);
  assert.equal(compareOp('>=', 'é', 'É'), true);
});

test('numbers, dates, IPs and arrays order by value', () => {
  assert.ok(compareValues(2, 10) < 0);
  assert.ok(compareValues(-0.5, -1) > 0);
  assert.ok(compareValues(Number.NaN, Infinity) > 0);
  assert.equal(compareValues(Number.NaN, Number.NaN), 0);
  assert.ok(compareValues(d('2024-01-01T00:00:00Z'), d('2023-12-31T23:59:59Z')) > 0);
  assert.ok(compareValues(ip('10.0.0.2'), ip('10.0.0.10')) < 0);
  assert.ok(compareValues(ip('9.255.255.255'), ip('10.0.0.0')) < 0);
  assert.ok(compareValues([1, 'a'], [1, 'b']) < 0);
  assert.ok(compareValues([1], [1, 0]) < 0);
  assert.ok(compareValues([2], [1, 9]) > 0);
  assert.ok(compareValues(map({ a: 1 }), map({ a: 2 })) < 0);
  assert.ok(compareValues(map({ a: 1 }), map({ b: 0 })) < 0);
  assert.equal(compareValues(map({ a: 1, b: 2 }), map({ b: 2, a: 1 })), 0);
});

test('< <= > >= : null operand gives null; no string/number coercion', () => {
  assert.equal(compareOp('>', '10', 5), true); // the spec's example
  assert.equal(compareOp('<', '10', 5), false);
  assert.equal(compareOp('<', '1', 5), false); // still a string
  assert.equal(compareOp('<', 5, 10), true);
  assert.equal(compareOp('<=', 5, 5), true);
  assert.equal(compareOp('>=', 4, 5), false);
  assert.equal(compareOp('<', null, 5), null);
  assert.equal(compareOp('>', 5, null), null);
  assert.equal(compareOp('>=', null, null), null);
  assert.equal(compareOp('>', true, false), true);
  assert.equal(compareOp('>', 'b', 'A'), true);
});

test('== with a string literal: exact, starts-with, ends-with, contains are case-sensitive', () => {
  assert.equal(equalsOp('==', 'cmd.exe', 'cmd.exe', true), true);
  assert.equal(equalsOp('==', 'CMD.EXE', 'cmd.exe', true), false);
  assert.equal(equalsOp('==', 'cmd.exe', 'cmd*', true), true);
  assert.equal(equalsOp('==', 'CMD.exe', 'cmd*', true), false);
  assert.equal(equalsOp('==', 'C:\\x\\cmd.exe', '*\\cmd.exe', true), true);
  assert.equal(equalsOp('==', 'C:\\x\\CMD.exe', '*\\cmd.exe', true), false);
  // the acceptance query: a case-sensitive contains across CRLF lines
  assert.equal(equalsOp('==', PROCESS_CREATE, '*Process Create*', true), true);
  assert.equal(equalsOp('==', PROCESS_CREATE, '*SHA256=CC*', true), true);
  assert.equal(equalsOp('==', PROCESS_CREATE.toLowerCase(), '*Process Create*', true), false);
  assert.equal(equalsOp('==', 'Network connection detected:\r\n…', '*Process Create*', true), false);
  assert.equal(equalsOp('!=', PROCESS_CREATE, '*Process Create*', true), false);
  assert.equal(equalsOp('!=', 'other', '*Process Create*', true), true);
});

test('== with any other * pattern: anchored, case-insensitive, * spans line breaks', () => {
  assert.equal(equalsOp('==', 'C:\\Windows\\System32\\CMD.EXE', 'c:\\windows\\*\\cmd.exe', true), true);
  assert.equal(equalsOp('==', 'C:\\Windows\\System32\\cmd.exe.bak', 'c:\\windows\\*\\cmd.exe', true), false); // anchored
  assert.equal(equalsOp('==', 'xa.b', 'a.*', true), false); // regex metacharacters are literal
  assert.equal(equalsOp('==', 'a.b', 'a.*', true), true);
  assert.equal(equalsOp('==', 'a(b)c', 'a(*)c', true), true); // other stars: a(*)c has one star in the middle
  assert.equal(equalsOp('==', PROCESS_CREATE, 'process*cmd.exe*', true), true); // crosses CRLF
  assert.equal(equalsOp('==', 'abc', '**', true), true);
  assert.equal(equalsOp('==', '', '*', true), true);
  assert.equal(equalsOp('==', 'ab', 'a**b', true), true);
  assert.equal(equalsOp('!=', 'ABC', 'a*c*', true), false);
  assert.ok(wildcardRegExp('a*b').test('A\r\nB'));
});

test('== literal patterns match non-strings by their printed text', () => {
  assert.equal(equalsOp('==', 4624, '4624', true), true);
  assert.equal(equalsOp('==', 4624, '46*', true), true);
  assert.equal(equalsOp('==', ip('10.1.2.3'), '10.*', true), true);
  assert.equal(equalsOp('==', true, 'true', true), true);
  assert.equal(equalsOp('==', d('2024-01-02T03:04:05Z'), '2024-01-02*', true), true);
});

test('== and != are false when the left side is null, with or without a pattern', () => {
  for (const op of ['==', '!='] as const) {
    assert.equal(equalsOp(op, null, 'x', true), false);
    assert.equal(equalsOp(op, null, '*', true), false);
    assert.equal(equalsOp(op, null, 5), false);
    assert.equal(equalsOp(op, null, null), false);
    assert.equal(equalsOp(op, 5, null), false); // right null: false too (araqne-logdb)
  }
  assert.equal(compileEquality('*')(null), false);
  assert.equal(compileEquality('x')(null), false);
});

test('== without a literal: no wildcards, type-strict, numbers numeric, strings case-insensitive', () => {
  assert.equal(equalsOp('==', 'abc', 'a*'), false);
  assert.equal(equalsOp('==', 'a*', 'a*'), true);
  assert.equal(equalsOp('==', '80', 80), false);
  assert.equal(equalsOp('!=', '80', 80), true);
  assert.equal(equalsOp('==', 1, 1.0), true);
  assert.equal(equalsOp('==', 0.1 + 0.2, 0.3), false);
  assert.equal(equalsOp('==', 'Admin', 'admin'), true);
  assert.equal(equalsOp('!=', 'Admin', 'admin'), false);
  assert.equal(equalsOp('==', ip('10.0.0.1'), ip('10.0.0.1')), true);
  assert.equal(equalsOp('==', ip('10.0.0.1'), '10.0.0.1'), false);
  assert.equal(equalsOp('==', d('2024-01-01T00:00:00Z'), d('2024-01-01T00:00:00.000Z')), true);
  assert.equal(equalsOp('==', [1, 'a'], [1, 'A']), true);
  assert.equal(equalsOp('==', true, 1), false);
  // a string literal flag with a non-string right value is ignored
  assert.equal(equalsOp('==', 5, 5, true), true);
  assert.equal(looseEquals('X', 'x'), true);
  assert.equal(strictEquals('X', 'x'), false);
  assert.equal(strictEquals(map({ a: [1] }), map({ a: [1] })), true);
});

test('compileEquality gives the same answers as equalsOp', () => {
  const inputs: Value[] = ['', 'a', 'A', 'abc', 'xabcx', 'ABC', 'a\r\nb', 42, null];
  for (const pattern of ['', 'a', 'a*', '*c', '*b*', 'a*c', '*', '**', 'A*B*C']) {
    const p = compileEquality(pattern);
    for (const v of inputs) assert.equal(p(v), equalsOp('==', v, pattern, true), `${formatValue(v)} == "${pattern}"`);
  }
});

test('arithmetic: nulls, numeric strings, other strings as 0, / as double, /0 as null', () => {
  assert.equal(arith('+', 1, 2), 3);
  assert.equal(arith('+', '10', 5), 15);
  assert.equal(arith('+', ' 2.5 ', '1e1'), 12.5);
  assert.equal(arith('+', 'abc', 5), 5); // other strings count as 0
  assert.equal(arith('*', '-', 5), 0);
  assert.equal(arith('+', '', 1), 1);
  assert.equal(arith('-', 10, 4), 6);
  assert.equal(arith('*', 3, '4'), 12);
  assert.equal(arith('/', 7, 2), 3.5);
  assert.equal(arith('/', 10, 5), 2);
  assert.equal(arith('/', 1, 0), null);
  assert.equal(arith('/', 0, 0), null);
  assert.equal(arith('/', 1, 'x'), null); // 'x' counts as 0
  assert.equal(arith('+', null, 1), null);
  assert.equal(arith('*', 1, null), null);
  assert.equal(arith('+', true, 1), null);
  assert.equal(arith('+', [1], 1), null);
  assert.equal(arith('+', ip('10.0.0.1'), 1), null);
  // indexof(...) + 3 in the acceptance query: a number plus a number, never concatenation
  assert.equal(arith('+', '1', '2'), 3);
});

test('date arithmetic: ± milliseconds, date − date in milliseconds', () => {
  const t = d('2024-01-01T00:00:00Z');
  assert.deepEqual(arith('+', t, 1000), d('2024-01-01T00:00:01Z'));
  assert.deepEqual(arith('+', 1000, t), d('2024-01-01T00:00:01Z'));
  assert.deepEqual(arith('-', t, 60_000), d('2023-12-31T23:59:00Z'));
  assert.equal(arith('-', d('2024-01-01T00:01:00Z'), t), 60_000);
  assert.equal(arith('+', t, t), null);
  assert.equal(arith('*', t, 2), null);
  assert.equal(arith('-', 5, t), null);
});

test('unary minus', () => {
  assert.equal(negate(5), -5);
  assert.equal(negate('5'), -5);
  assert.equal(negate('abc'), 0);
  assert.ok(Object.is(negate(0), 0));
  assert.equal(negate(null), null);
  assert.equal(negate(true), null);
  assert.equal(numberFromText('x', true), null);
  assert.equal(numberFromText('0x10'), 0);
  assert.equal(numberFromText('.5'), 0.5);
  assert.equal(numberFromText('5.'), 5);
});

test('truthiness of search, and, or', () => {
  assert.equal(isTruthy(true), true);
  assert.equal(isTruthy(false), false);
  assert.equal(isTruthy(null), false);
  for (const v of ['', 'false', 0, [], map({}), ip('::1'), d('2024-01-01T00:00:00Z')] as Value[]) assert.equal(isTruthy(v), true);
  assert.equal(logicalOp('and', true, 'x'), true);
  assert.equal(logicalOp('and', true, null), false);
  assert.equal(logicalOp('and', 0, 1), true);
  assert.equal(logicalOp('or', null, false), false);
  assert.equal(logicalOp('or', null, 'x'), true);
  assert.equal(logicalOp('or', false, false), false);
});

test('values print as tables, str() and concat() show them', () => {
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(42), '42');
  assert.equal(formatValue(2.5), '2.5');
  assert.equal(formatValue(10 / 5), '2');
  assert.equal(formatValue(-0.1), '-0.1');
  assert.equal(formatValue('text'), 'text');
  assert.equal(formatValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 60))), '2024-01-02 03:04:05.060');
  assert.equal(formatValue(ip('10.0.0.1')), '10.0.0.1');
  assert.equal(formatValue(ip('FE80:0:0:0:0:0:0:1')), 'fe80::1');
  assert.equal(formatValue(['a', 1, null, ['b']]), '[a, 1, null, [b]]');
  assert.equal(formatValue([]), '[]');
  assert.equal(formatValue(map({ k: 'v', n: 2 })), '{k=v, n=2}');
});

test('JSON: dates as ISO with Z, IPs as text, maps as objects, round trip of plain values', () => {
  const v: Value = [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), ip('::ffff:10.0.0.1'), map({ a: [1, null], b: true }), Number.NaN, 'x'];
  assert.equal(JSON.stringify(valueToJson(v)), '["2024-01-02T03:04:05.006Z","::ffff:10.0.0.1",{"a":[1,null],"b":true},null,"x"]');
  const back = valueFromJson(JSON.parse('{"a":[1,"x",{"b":null}],"__proto__":5}'));
  assert.ok(isValueMap(back));
  assert.equal(Object.getPrototypeOf(back), null);
  assert.equal((back as ValueMap)['__proto__'], 5);
  assert.equal(formatValue(back), '{a=[1, x, {b=null}], __proto__=5}');
  assert.equal(valueFromJson(undefined), null);
  const plain: Value = [1, 'two', true, null, map({ three: [3] })];
  assert.deepEqual(valueFromJson(JSON.parse(JSON.stringify(valueToJson(plain)))), plain);
});
