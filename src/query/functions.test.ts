import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkArity, FunctionError, FUNCTIONS, javaRegExp, parseIp, type FunctionContext } from './functions.js';
import { arith, formatValue } from './semantics.js';
import { IpAddress, newRow, type Row, type Value, type ValueMap } from './value.js';

const NOW = new Date(Date.UTC(2024, 4, 15, 12, 30, 45, 500));
const ctx = (row: Row = newRow()): FunctionContext => ({ row, now: NOW });
const f = (name: string, ...args: Value[]): Value => {
  const problem = checkArity(name, args.length);
  if (problem) throw new Error(problem);
  return FUNCTIONS[name].call(args, ctx());
};
const ip = (s: string): IpAddress => parseIp(s) as IpAddress;
const map = (o: Record<string, Value>): ValueMap => Object.assign(Object.create(null) as ValueMap, o);
const utc = (...p: [number, number, number?, number?, number?, number?, number?]): Date => new Date(Date.UTC(...p));

/** A Sysmon 1 message as Windows renders it (CRLF). */
const PROCESS_CREATE = [
  'Process Create:', 'RuleName: -', 'UtcTime: 2024-01-02 03:04:05.678', 'ProcessId: 4242',
  'Image: C:\\Windows\\System32\\cmd.exe', 'Hashes: SHA1=AA11,MD5=BB22,SHA256=CC33DD44,IMPHASH=EE55',
].join('\r\n');

test('the acceptance query\'s expressions work on a CRLF Sysmon message', () => {
  // eval line = substr(line, indexof(line, ":") + 3): skips ":\r\n"
  const body = f('substr', PROCESS_CREATE, arith('+', f('indexof', PROCESS_CREATE, ':'), 3)) as string;
  assert.ok(body.startsWith('RuleName: -\r\n'));
  // line = replace(line, "\n", "`"): each line ends with \r before the backtick
  const joined = f('replace', body, '\n', '`') as string;
  assert.ok(joined.includes('RuleName: -\r`UtcTime'));
  assert.ok(!joined.includes('\n'));
  // Hashes = substr(Hashes, indexof(Hashes, "SHA256=") + 7)
  const hashes = 'SHA1=AA11,MD5=BB22,SHA256=CC33DD44,IMPHASH=EE55';
  assert.equal(f('substr', hashes, arith('+', f('indexof', hashes, 'SHA256='), 7)), 'CC33DD44,IMPHASH=EE55');
  // wget body split into lines
  assert.deepEqual(f('split', '1.2.3.4\r\n5.6.7.8\r\n', '\r\n'), ['1.2.3.4', '5.6.7.8', '']);
});

test('substr: 0-based, end exclusive, negatives from the end, null out of range', () => {
  assert.equal(f('substr', '0123456789', 2, 4), '23'); // the spec's example
  assert.equal(f('substr', '0123456789', 2), '23456789');
  assert.equal(f('substr', '0123456789', 0, 100), '0123456789'); // end clamped
  assert.equal(f('substr', '0123456789', -3), '789');
  assert.equal(f('substr', '0123456789', -3, -1), '78');
  assert.equal(f('substr', '0123456789', -30, 2), '01');
  assert.equal(f('substr', '0123456789', 4, 4), '');
  assert.equal(f('substr', '0123456789', 10), null); // begin >= len
  assert.equal(f('substr', '0123456789', 5, 3), null); // begin > end
  assert.equal(f('substr', '', 0), null);
  assert.equal(f('substr', null, 0), null);
  assert.equal(f('substr', 'abc', null), null);
  assert.equal(f('substr', 'abc', 0, null), null);
  assert.equal(f('substr', 'abc', '1'), 'bc');
  assert.equal(f('substr', 'abc', 1.9), 'bc');
  assert.equal(f('substr', 4624, 0, 2), '46');
  assert.equal(f('substr', '한국어 text', 0, 3), '한국어');
  assert.equal(f('substr', 'a😀b', 1, 3), '😀'); // UTF-16 units, as Java
});

test('indexof: -1 when absent, null for null arguments, optional from', () => {
  assert.equal(f('indexof', 'Process Create:', ':'), 14);
  assert.equal(f('indexof', 'abc', 'z'), -1);
  assert.equal(f('indexof', 'abcabc', 'b', 2), 4);
  assert.equal(f('indexof', 'abcabc', 'b', -5), 1);
  assert.equal(f('indexof', 'abc', ''), 0);
  assert.equal(f('indexof', null, 'a'), null);
  assert.equal(f('indexof', 'a', null), null);
  assert.equal(f('indexof', 'a', 'a', null), null);
  assert.equal(f('indexof', 'ABC', 'b'), -1); // case-sensitive
});

test('replace: literal, every occurrence; "re" for a regex with $1', () => {
  assert.equal(f('replace', 'a.b.c', '.', '-'), 'a-b-c');
  assert.equal(f('replace', 'aaa', 'a', 'aa'), 'aaaaaa');
  assert.equal(f('replace', 'x$1y', '$1', '!'), 'x!y');
  assert.equal(f('replace', 'abc', '', '-'), '-a-b-c-');
  assert.equal(f('replace', 'user=bob user=eve', 'user=(\\w+)', '<$1>', 're'), '<bob> <eve>');
  assert.equal(f('replace', 'John Smith', '(?<first>\\w+) (?<last>\\w+)', '${last}, ${first}', 're'), 'Smith, John');
  assert.equal(f('replace', 'a1b22', '\\d', '\\$', 're'), 'a$b$$');
  assert.equal(f('replace', 'ABC', '(?i)b', 'x', 're'), 'AxC');
  assert.equal(f('replace', 'abc', 'x*', '-', 're'), '-a-b-c-');
  assert.equal(f('replace', 'ab', '(a)(b)?', '[$2]', 're'), '[b]');
  assert.equal(f('replace', 'a', '(a)', '$12', 're'), 'a2'); // $1 then a literal 2: group 12 does not exist
  assert.equal(f('replace', null, 'a', 'b'), null);
  assert.equal(f('replace', 'a', null, 'b'), null);
  assert.equal(f('replace', 'a', 'a', null), null);
  assert.throws(() => f('replace', 'a', '(', 'b', 're'), FunctionError);
  assert.throws(() => f('replace', 'a', 'a', '$2', 're'), FunctionError);
  assert.throws(() => f('replace', 'a', 'a', 'b', 'regex'), FunctionError);
});

test('split: literal delimiter, trailing "", empty string → empty list, limit', () => {
  assert.deepEqual(f('split', 'a,b,,c', ','), ['a', 'b', '', 'c']);
  assert.deepEqual(f('split', 'a,b,', ','), ['a', 'b', '']);
  assert.deepEqual(f('split', '', ','), []);
  assert.deepEqual(f('split', 'abc', ','), ['abc']);
  assert.deepEqual(f('split', 'a.b', '.'), ['a', 'b']); // literal, not a regex
  assert.deepEqual(f('split', 'a||b', '||'), ['a', 'b']);
  assert.deepEqual(f('split', 'a,b,c,d', ',', 2), ['a', 'b,c,d']);
  assert.deepEqual(f('split', 'a,b', ',', 5), ['a', 'b']);
  assert.deepEqual(f('split', 'a,b', ',', 0), ['a', 'b']);
  assert.deepEqual(f('split', 'ab😀', ''), ['a', 'b', '😀']);
  assert.equal(f('split', null, ','), null);
  assert.equal(f('split', 'a', null), null);
});

test('len, lower, upper, trim', () => {
  assert.equal(f('len', 'abc'), 3);
  assert.equal(f('len', ''), 0);
  assert.equal(f('len', null), 0);
  assert.equal(f('len', [1, 2, 3]), 3);
  assert.equal(f('len', map({ a: 1, b: 2 })), 2);
  assert.equal(f('len', 12345), 5);
  assert.equal(f('lower', 'MiXeD İ'), 'mixed i̇');
  assert.equal(f('upper', 'straße'), 'STRASSE');
  assert.equal(f('lower', null), null);
  assert.equal(f('upper', null), null);
  assert.equal(f('trim', ' \t\r\n x y \r'), 'x y');
  assert.equal(f('trim', '\u00a0x\u00a0'), '\u00a0x\u00a0'); // Java's trim: only <= U+0020
  assert.equal(f('trim', null), null);
});

test('concat appends "null" for null and prints other values', () => {
  assert.equal(f('concat', 'a', null, 1, true), 'anull1true');
  assert.equal(f('concat', 'x'), 'x');
  assert.equal(f('concat', ip('10.0.0.1'), ':', 445), '10.0.0.1:445');
});

test('if, case, isnull, isnotnull, nvl, not', () => {
  assert.equal(f('if', true, 'a', 'b'), 'a');
  assert.equal(f('if', false, 'a', 'b'), 'b');
  assert.equal(f('if', null, 'a', 'b'), 'b');
  assert.equal(f('if', 'non-empty', 'a', 'b'), 'a');
  assert.equal(f('case', false, 1, true, 2, 3), 2);
  assert.equal(f('case', false, 1, false, 2, 3), 3);
  assert.equal(f('case', false, 1, false, 2), null);
  assert.equal(f('case', true, 1), 1);
  assert.equal(f('isnull', null), true);
  assert.equal(f('isnull', ''), false);
  assert.equal(f('isnotnull', 0), true);
  assert.equal(f('isnotnull', null), false);
  assert.equal(f('nvl', null, 'd'), 'd');
  assert.equal(f('nvl', '', 'd'), '');
  assert.equal(f('not', true), false);
  assert.equal(f('not', false), true);
  assert.equal(f('not', null), true);
  assert.equal(f('not', 'x'), false);
});

test('in follows the string-literal rules of ==', () => {
  assert.equal(f('in', 'cmd.exe', 'powershell.exe', 'cmd.exe'), true);
  assert.equal(f('in', 'CMD.EXE', 'cmd.exe'), false);
  assert.equal(f('in', 'C:\\x\\CMD.EXE', 'c:\\*\\cmd.exe'), true);
  assert.equal(f('in', 'rundll32.exe', 'run*', 'x'), true);
  assert.equal(f('in', 'x', 'run*', '*dll*'), false);
  assert.equal(f('in', 4624, 4624, 4625), true);
  assert.equal(f('in', 4624, '4624'), true); // as == "4624"
  assert.equal(f('in', '4624', 4624), false); // a number value is not a pattern: type-strict
  assert.equal(f('in', 'Admin', 'admin'), false);
  assert.equal(f('in', null, 'a', null), false);
  assert.equal(f('in', 'a', null, 'a'), true);
  assert.equal(f('in', ip('10.0.0.1'), '10.*'), true);
});

test('contains, match, left, right', () => {
  assert.equal(f('contains', 'mimikatz.exe', 'katz'), true);
  assert.equal(f('contains', 'mimikatz.exe', 'KATZ'), false);
  assert.equal(f('contains', null, 'a'), false);
  assert.equal(f('contains', 'a', null), false);
  assert.equal(f('match', 'powershell -enc AAAA', '-enc\\s+[A-Za-z0-9+/=]+'), true);
  assert.equal(f('match', 'POWERSHELL', '(?i)^powershell$'), true);
  assert.equal(f('match', 'powershell', '^shell'), false);
  assert.equal(f('match', null, 'a'), false);
  assert.throws(() => f('match', 'a', '[unclosed'), FunctionError);
  assert.equal(f('left', 'abcdef', 3), 'abc');
  assert.equal(f('left', 'ab', 5), 'ab');
  assert.equal(f('left', 'ab', -1), null);
  assert.equal(f('left', null, 1), null);
  assert.equal(f('right', 'abcdef', 2), 'ef');
  assert.equal(f('right', 'ab', 5), 'ab');
  assert.equal(f('right', 'ab', 0), '');
  assert.equal(f('right', 'ab', null), null);
  assert.ok(javaRegExp('(?is)a.b').test('A\nB'));
});

test('strjoin, array, valueof, field', () => {
  assert.equal(f('strjoin', ', ', ['a', 1, null]), 'a, 1, null');
  assert.equal(f('strjoin', '-', []), '');
  assert.equal(f('strjoin', '-', 'solo'), 'solo');
  assert.equal(f('strjoin', null, ['a']), null);
  assert.deepEqual(f('array', 1, 'a', null), [1, 'a', null]);
  assert.deepEqual(f('array'), []);
  assert.equal(f('valueof', ['a', 'b'], 1), 'b');
  assert.equal(f('valueof', ['a', 'b'], 2), null);
  assert.equal(f('valueof', ['a', 'b'], -1), null);
  assert.equal(f('valueof', map({ k: 'v' }), 'k'), 'v');
  assert.equal(f('valueof', map({ k: 'v' }), 'x'), null);
  assert.equal(f('valueof', map({ k: 'v' }), 'constructor'), null);
  assert.equal(f('valueof', 'str', 0), null);
  const row = newRow();
  row['Process Id'] = 42;
  assert.equal(FUNCTIONS.field.call(['Process Id'], ctx(row)), 42);
  assert.equal(FUNCTIONS.field.call(['missing'], ctx(row)), null);
  assert.equal(FUNCTIONS.field.call(['__proto__'], ctx(row)), null);
  assert.equal(FUNCTIONS.field.call([null], ctx(row)), null);
});

test('mod has the sign of the dividend and null for zero', () => {
  assert.equal(f('mod', 7, 3), 1);
  assert.equal(f('mod', -7, 3), -1);
  assert.equal(f('mod', '10', 4), 2);
  assert.equal(f('mod', 5, 0), null);
  assert.equal(f('mod', null, 2), null);
});

test('int, long, double', () => {
  assert.equal(f('int', '42'), 42);
  assert.equal(f('int', ' 42 '), 42);
  assert.equal(f('int', 12.7), 12);
  assert.equal(f('int', -12.7), -12);
  assert.equal(f('int', '12.7'), 12);
  assert.equal(f('int', '0x1A2C'), 6700);
  assert.equal(f('int', 'abc'), null);
  assert.equal(f('int', ''), null);
  assert.equal(f('int', null), null);
  assert.equal(f('int', true), null);
  assert.equal(f('int', 2147483648), null);
  assert.equal(f('int', -2147483648), -2147483648);
  assert.equal(f('int', utc(2024, 0, 1)), null);
  assert.equal(f('long', 2147483648), 2147483648);
  assert.equal(f('long', '0x3e7'), 999);
  assert.equal(f('long', utc(2024, 0, 1)), Date.UTC(2024, 0, 1));
  assert.equal(f('long', 2 ** 60), null);
  assert.equal(f('double', '1.5e3'), 1500);
  assert.equal(f('double', 'x'), null);
  assert.equal(f('double', 3), 3);
});

test('str formats values, and dates with a SimpleDateFormat pattern', () => {
  assert.equal(f('str', 42), '42');
  assert.equal(f('str', 'x'), 'x');
  assert.equal(f('str', null), null);
  assert.equal(f('str', [1, 2]), '[1, 2]');
  assert.equal(f('str', utc(2024, 0, 2, 3, 4, 5)), '2024-01-02 03:04:05.000');
  assert.equal(f('str', utc(2024, 0, 2, 13, 4, 5), 'yyyyMMdd hh:mm a'), '20240102 01:04 PM');
  assert.equal(f('str', 5, 'yyyy'), '5');
  assert.throws(() => f('str', utc(2024, 0, 1), 'yyyy-qq'), FunctionError);
});

test('ip and network', () => {
  assert.equal((f('ip', '10.0.0.1') as IpAddress).text, '10.0.0.1');
  assert.equal((f('ip', '2001:0DB8::0001') as IpAddress).text, '2001:db8::1');
  assert.equal((f('ip', '2001:db8:0:1:0:0:0:1') as IpAddress).text, '2001:db8:0:1::1');
  assert.equal((f('ip', '2001:db8:0:1:1:1:1:1') as IpAddress).text, '2001:db8:0:1:1:1:1:1');
  assert.equal((f('ip', 'fe80::1%12') as IpAddress).text, 'fe80::1');
  assert.equal((f('ip', 167772161) as IpAddress).text, '10.0.0.1');
  assert.equal(f('ip', 'not an ip'), null);
  assert.equal(f('ip', '256.0.0.1'), null);
  assert.equal(f('ip', '-'), null);
  assert.equal(f('ip', null), null);
  const a = ip('10.0.0.1');
  assert.equal(f('ip', a), a);
  assert.equal(formatValue(f('network', '10.1.2.3', 8)), '10.0.0.0');
  assert.equal(formatValue(f('network', '192.168.77.200', 20)), '192.168.64.0');
  assert.equal(formatValue(f('network', '10.1.2.3', 32)), '10.1.2.3');
  assert.equal(formatValue(f('network', '10.1.2.3', 0)), '0.0.0.0');
  assert.equal(formatValue(f('network', 'fe80::1:2', 64)), 'fe80::');
  assert.equal(f('network', '10.1.2.3', 33), null);
  assert.equal(f('network', '10.1.2.3', -1), null);
  assert.equal(f('network', 'x', 8), null);
});

test('date parses SimpleDateFormat patterns in UTC', () => {
  assert.deepEqual(f('date', '2024-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss'), utc(2024, 0, 2, 3, 4, 5));
  assert.deepEqual(f('date', '2024-01-02 03:04:05.678', 'yyyy-MM-dd HH:mm:ss.SSS'), utc(2024, 0, 2, 3, 4, 5, 678));
  assert.deepEqual(f('date', '20240102030405', 'yyyyMMddHHmmss'), utc(2024, 0, 2, 3, 4, 5));
  assert.deepEqual(f('date', '02/Jan/2024:03:04:05 +0900', 'dd/MMM/yyyy:HH:mm:ss Z'), utc(2024, 0, 1, 18, 4, 5));
  assert.deepEqual(f('date', '2024-01-02T03:04:05Z', "yyyy-MM-dd'T'HH:mm:ssX"), utc(2024, 0, 2, 3, 4, 5));
  assert.deepEqual(f('date', '2024-01-02 03:04:05 trailing', 'yyyy-MM-dd HH:mm:ss'), utc(2024, 0, 2, 3, 4, 5));
  assert.equal(f('date', '2024-13-02', 'yyyy-MM-dd'), null);
  assert.equal(f('date', 'garbage', 'yyyy-MM-dd'), null);
  assert.equal(f('date', null, 'yyyy'), null);
  const d = utc(2024, 0, 1);
  assert.equal(f('date', d, 'yyyy'), d);
  assert.throws(() => f('date', '2024', 'yyyy-QQ'), FunctionError);
});

test('now, ago, dateadd, datediff, datetrunc, epoch', () => {
  assert.equal(f('now'), NOW);
  assert.deepEqual(f('ago', '1h'), new Date(NOW.getTime() - 3_600_000));
  assert.deepEqual(f('ago', '2d'), new Date(NOW.getTime() - 2 * 86_400_000));
  assert.deepEqual(f('ago', '1mon'), utc(2024, 3, 15, 12, 30, 45, 500));
  assert.throws(() => f('ago', '1x'), FunctionError);
  assert.equal(f('ago', null), null);
  assert.deepEqual(f('dateadd', utc(2024, 0, 31), 'mon', 1), utc(2024, 1, 29));
  assert.deepEqual(f('dateadd', utc(2024, 0, 31), 'day', -31), utc(2023, 11, 31));
  assert.deepEqual(f('dateadd', utc(2024, 1, 29), 'year', 1), utc(2025, 1, 28));
  assert.deepEqual(f('dateadd', utc(2024, 0, 1), 'hour', 25), utc(2024, 0, 2, 1));
  assert.equal(f('dateadd', 'not a date', 'day', 1), null);
  assert.throws(() => f('dateadd', utc(2024, 0, 1), 'fortnight', 1), FunctionError);
  assert.equal(f('datediff', utc(2024, 0, 1), utc(2024, 0, 3, 12), 'day'), 2);
  assert.equal(f('datediff', utc(2024, 0, 3, 12), utc(2024, 0, 1), 'day'), -2);
  assert.equal(f('datediff', utc(2024, 0, 1), utc(2024, 0, 1, 0, 1, 30), 'sec'), 90);
  assert.equal(f('datediff', utc(2024, 0, 31), utc(2024, 1, 29), 'mon'), 0);
  assert.equal(f('datediff', utc(2024, 0, 15), utc(2025, 0, 15), 'mon'), 12);
  assert.equal(f('datediff', utc(2024, 0, 15), utc(2025, 0, 14), 'year'), 0);
  assert.equal(f('datediff', null, utc(2024, 0, 1), 'day'), null);
  assert.deepEqual(f('datetrunc', utc(2024, 0, 2, 3, 17, 5), '15m'), utc(2024, 0, 2, 3, 15));
  assert.deepEqual(f('datetrunc', utc(2024, 0, 2, 3, 17, 5), '1d'), utc(2024, 0, 2));
  assert.deepEqual(f('datetrunc', utc(2024, 0, 4, 3), '1w'), utc(2024, 0, 1)); // Monday
  assert.deepEqual(f('datetrunc', utc(2024, 4, 20), '1mon'), utc(2024, 4, 1));
  assert.deepEqual(f('datetrunc', utc(2024, 4, 20), '1y'), utc(2024, 0, 1));
  assert.throws(() => f('datetrunc', utc(2024, 0, 1), '0m'), FunctionError);
  assert.equal(f('epoch', utc(2024, 0, 1, 0, 0, 1, 999)), 1704067201);
  assert.deepEqual(f('epoch', 1704067200), utc(2024, 0, 1));
  assert.deepEqual(f('epoch', '1704067200.5'), utc(2024, 0, 1, 0, 0, 0, 500));
  assert.equal(f('epoch', 'x'), null);
  assert.equal(f('epoch', null), null);
});

test('cidrmatch (extension)', () => {
  assert.equal(f('cidrmatch', '10.0.0.0/8', '10.200.3.4'), true);
  assert.equal(f('cidrmatch', '10.0.0.0/8', '11.0.0.1'), false);
  assert.equal(f('cidrmatch', '192.168.1.0/24', ip('192.168.1.77')), true);
  assert.equal(f('cidrmatch', '192.168.1.0/24', '192.168.2.1'), false);
  assert.equal(f('cidrmatch', '10.1.2.3', '10.1.2.3'), true);
  assert.equal(f('cidrmatch', '0.0.0.0/0', '8.8.8.8'), true);
  assert.equal(f('cidrmatch', '10.0.0.0/8', '::ffff:10.1.1.1'), true);
  assert.equal(f('cidrmatch', '::ffff:10.0.0.0/104', '10.1.1.1'), true);
  assert.equal(f('cidrmatch', 'fe80::/10', 'fe80::1%3'), true);
  assert.equal(f('cidrmatch', 'fe80::/10', '10.0.0.1'), false);
  assert.equal(f('cidrmatch', '10.0.0.0/8', '-'), false);
  assert.equal(f('cidrmatch', '10.0.0.0/8', null), false);
  assert.throws(() => f('cidrmatch', '10.0.0.0/33', '10.0.0.1'), FunctionError);
  assert.throws(() => f('cidrmatch', 'nonsense', '10.0.0.1'), FunctionError);
});

test('isprivateip (extension) reuses the event module\'s classification', () => {
  for (const a of ['10.1.2.3', '172.16.0.1', '192.168.0.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:192.168.1.1']) {
    assert.equal(f('isprivateip', a), true, a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860::8888', '-', '']) assert.equal(f('isprivateip', a), false, a);
  assert.equal(f('isprivateip', ip('10.0.0.1')), true);
  assert.equal(f('isprivateip', null), null);
});

test('arity is checked, unknown names reported, and the registry has no prototype', () => {
  assert.equal(checkArity('substr', 1), 'substr() takes 2 to 3 arguments, got 1');
  assert.equal(checkArity('if', 2), 'if() takes 3 arguments, got 2');
  assert.equal(checkArity('now', 1), 'now() takes 0 arguments, got 1');
  assert.equal(checkArity('not', 2), 'not() takes 1 argument, got 2');
  assert.equal(checkArity('in', 1), 'in() takes at least 2 arguments, got 1');
  assert.equal(checkArity('concat', 20), undefined);
  assert.equal(checkArity('serch', 1), "unknown function 'serch'");
  assert.equal(checkArity('constructor', 0), "unknown function 'constructor'");
  assert.equal(FUNCTIONS['toString'], undefined);
  const spec = ['substr', 'indexof', 'replace', 'split', 'len', 'lower', 'upper', 'trim', 'concat', 'if', 'case', 'isnull', 'isnotnull',
    'nvl', 'in', 'contains', 'match', 'left', 'right', 'strjoin', 'array', 'valueof', 'field', 'not', 'mod', 'int', 'long', 'double', 'str',
    'ip', 'network', 'date', 'now', 'ago', 'dateadd', 'datediff', 'datetrunc', 'epoch', 'cidrmatch', 'isprivateip'];
  assert.deepEqual(Object.keys(FUNCTIONS).sort(), spec.sort());
});
