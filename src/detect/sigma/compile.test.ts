/**
 * Value semantics of the compiler: every modifier of the modifiers appendix (v2.1) with
 * the appendix's examples, wildcards and escaping, null/exists, numbers, arrays, keywords.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyEvent, type Event, type EventValue } from '../../event/index.js';
import type { LogSourceTarget } from '../types.js';
import { base64OffsetVariants, compileDetection, parseSigmaText, SigmaCompileError, type CompileOptions, type DetectionRuleDoc } from './index.js';

const target: LogSourceTarget = { name: 'test', channel: null, provider: null, eventIds: [], resolve: (f) => (e) => e.data[f] };

/** A rule from its detection section (YAML, indented by 4). */
function ruleOf(detection: string): DetectionRuleDoc {
  const text = `title: t\nlogsource:\n    product: windows\ndetection:\n${detection.replace(/^/gm, '    ')}\n`;
  const { documents, problems } = parseSigmaText(text, 'test.yml');
  assert.deepEqual(problems, []);
  return documents[0] as DetectionRuleDoc;
}
function matcher(detection: string, options?: CompileOptions): (data: Record<string, EventValue>, line?: string) => boolean {
  const m = compileDetection(ruleOf(detection), target, options);
  return (data, line = '') => m.matches(ev(data, line));
}
function ev(data: Record<string, EventValue>, line = ''): Event {
  return { ...emptyEvent(), data, line };
}
const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('plain strings: case-insensitive equality; cased makes it exact', () => {
  const m = matcher("sel:\n    Image: 'C:\\Windows\\System32\\whoami.exe'\ncondition: sel");
  assert.ok(m({ Image: 'c:\\windows\\system32\\WHOAMI.EXE' }));
  assert.ok(!m({ Image: 'c:\\windows\\system32\\whoami.exe2' }));
  assert.ok(!m({}));
  const c = matcher("sel:\n    Image|cased: 'Whoami.exe'\ncondition: sel");
  assert.ok(c({ Image: 'Whoami.exe' }));
  assert.ok(!c({ Image: 'whoami.exe' }));
});

test('wildcards * and ?, and their escapes \\* \\? \\\\', () => {
  const m = matcher("sel:\n    F: 'prog?.exe'\ncondition: sel");
  assert.ok(m({ F: 'progA.exe' }));
  assert.ok(!m({ F: 'prog.exe' }));
  const mid = matcher("sel:\n    F: 'antivirus_V*.exe'\ncondition: sel");
  assert.ok(mid({ F: 'antivirus_V21.2.1.exe' }));
  assert.ok(!mid({ F: 'antivirus_V21.2.1.dll' }));
  const star = matcher("sel:\n    F: 'a\\*b'\ncondition: sel");
  assert.ok(star({ F: 'a*b' }));
  assert.ok(!star({ F: 'axxb' }));
  const q = matcher("sel:\n    F: 'a\\?'\ncondition: sel");
  assert.ok(q({ F: 'a?' }) && !q({ F: 'ab' }));
  // `\\*` is a backslash followed by a wildcard; `\\\*` a backslash and a star; `\\\\` two backslashes.
  const bsWild = matcher("sel:\n    F: 'C:\\\\*'\ncondition: sel");
  assert.ok(bsWild({ F: 'C:\\anything' }));
  const bsStar = matcher("sel:\n    F: 'C:\\\\\\*'\ncondition: sel");
  assert.ok(bsStar({ F: 'C:\\*' }) && !bsStar({ F: 'C:\\x' }));
  const two = matcher("sel:\n    F: 'a\\\\\\\\b'\ncondition: sel");
  assert.ok(two({ F: 'a\\\\b' }) && !two({ F: 'a\\b' }));
  // A single backslash not before a wildcard is itself.
  assert.ok(matcher("sel:\n    F: 'C:\\Windows\\'\ncondition: sel")({ F: 'c:\\windows\\' }));
});

test('contains, startswith, endswith', () => {
  assert.ok(matcher("sel:\n    F|contains: 'temp'\ncondition: sel")({ F: 'C:\\TEMP\\x' }));
  assert.ok(matcher("sel:\n    F|startswith: 'adm'\ncondition: sel")({ F: 'ADMIN' }));
  assert.ok(!matcher("sel:\n    F|startswith: 'adm'\ncondition: sel")({ F: 'xadm' }));
  assert.ok(matcher("sel:\n    F|endswith: '\\cmd.exe'\ncondition: sel")({ F: 'C:\\Windows\\CMD.exe' }));
  assert.ok(!matcher("sel:\n    F|endswith: '\\cmd.exe'\ncondition: sel")({ F: 'C:\\Windows\\xcmd.exe' }));
  // wildcards inside a contains value
  const w = matcher("sel:\n    F|contains: 'a*c'\ncondition: sel");
  assert.ok(w({ F: 'xxabbbcxx' }) && !w({ F: 'xxcbax' }));
});

test('a long contains list (scanned for at once) matches as its values one by one would', () => {
  // Past MIN_INDEXED_CONTAINS the literals go to one needle index; wildcards inside a
  // value, an empty value and windash variants stay ordinary tests beside it.
  const words = Array.from({ length: 40 }, (_, i) => `Word${i}x`);
  const list = (extra: string[]): string => ['sel:', '    F|contains:', ...[...words, ...extra].map((w) => `        - '${w}'`), 'condition: sel'].join('\n');
  const m = matcher(list(['a*c', 'Ünï']));
  for (const w of ['WORD7X', 'xx word39x yy', 'abbbc', 'üNÏ', 'a\u00e9c']) assert.ok(m({ F: w }), w);
  for (const w of ['word7', 'xxcba', 'unicode', '']) assert.ok(!m({ F: w }), w);
  assert.ok(m({ F: ['nope', 'word12x'] }), 'any element of an array');
  assert.ok(!m({}), 'absent field');
  assert.ok(matcher(list(['']))({ F: 'anything' }), 'contains empty matches any text');
  const dash = matcher(['sel:', '    F|windash|contains:', ...words.map((w) => `        - ' -${w}'`), 'condition: sel'].join('\n'));
  assert.ok(dash({ F: 'x /word3x' }) && dash({ F: 'x -word3x' }) && !dash({ F: 'x word3x' }));
});

test('lists are OR, all makes them AND; maps AND; list of maps OR', () => {
  const or = matcher("sel:\n    F|contains:\n        - foo\n        - bar\ncondition: sel");
  assert.ok(or({ F: 'xbarx' }) && !or({ F: 'baz' }));
  const and = matcher("sel:\n    F|contains|all:\n        - foo\n        - bar\ncondition: sel");
  assert.ok(and({ F: 'foo bar' }) && !and({ F: 'foo' }));
  const map = matcher("sel:\n    A: 1\n    B: x\ncondition: sel");
  assert.ok(map({ A: 1, B: 'X' }) && !map({ A: 1, B: 'y' }));
  const maps = matcher("sel:\n    - A: 1\n    - B: x\ncondition: sel");
  assert.ok(maps({ B: 'x' }) && maps({ A: '1' }) && !maps({ A: 2 }));
});

test('numbers compare numerically with numeric values, as text otherwise; booleans as true/false', () => {
  const m = matcher("sel:\n    EventID: 4688\ncondition: sel");
  assert.ok(m({ EventID: 4688 }) && m({ EventID: '4688' }) && m({ EventID: ' 4688 ' }) && !m({ EventID: 4689 }));
  const hex = matcher("sel:\n    TicketEncryption: 0x17\ncondition: sel");
  assert.ok(hex({ TicketEncryption: '0x17' }) && hex({ TicketEncryption: 23 }));
  const s = matcher("sel:\n    LogonType: '3'\ncondition: sel");
  assert.ok(s({ LogonType: 3 }) && !s({ LogonType: 30 }));
  const b = matcher("sel:\n    Enabled: true\ncondition: sel");
  assert.ok(b({ Enabled: true }) && b({ Enabled: 'True' }) && !b({ Enabled: false }));
});

test('arrays match when any element matches', () => {
  const m = matcher("sel:\n    Data|contains: evil\ncondition: sel");
  assert.ok(m({ Data: ['good', 'very EVIL'] }) && !m({ Data: ['good'] }) && !m({ Data: [] }));
  const all = matcher("sel:\n    Data|contains|all:\n        - a1\n        - b2\ncondition: sel");
  assert.ok(all({ Data: ['xa1', 'b2x'] }) && !all({ Data: ['xa1'] }));
});

test('null: absent, null or empty; not null via negated selection; empty string', () => {
  const m = matcher("sel:\n    EventID: 4738\nfilter:\n    PasswordLastSet: null\ncondition: sel and not filter");
  assert.ok(m({ EventID: 4738, PasswordLastSet: '2024-01-01' }));
  assert.ok(!m({ EventID: 4738 }));
  assert.ok(!m({ EventID: 4738, PasswordLastSet: '' }));
  assert.ok(!m({ EventID: 4738, PasswordLastSet: null }));
  const empty = matcher("sel:\n    F: ''\ncondition: sel");
  assert.ok(empty({ F: '' }) && !empty({}) && !empty({ F: 'x' }));
});

test('exists: presence only, empty and null values count as present', () => {
  const yes = matcher("sel:\n    F|exists: true\ncondition: sel");
  assert.ok(yes({ F: '' }) && yes({ F: null }) && !yes({}));
  const no = matcher("sel:\n    F|exists: false\ncondition: sel");
  assert.ok(no({}) && !no({ F: 'x' }));
  // A field the target cannot resolve is absent.
  const m = compileDetection(ruleOf("sel:\n    F|exists: false\ncondition: sel"), { ...target, resolve: () => null });
  assert.ok(m.matches(ev({ F: 'x' })));
});

test('neq: the field exists and differs from every value', () => {
  const m = matcher("sel:\n    F|neq:\n        - a\n        - b\ncondition: sel");
  assert.ok(m({ F: 'c' }) && !m({ F: 'A' }) && !m({ F: 'b' }) && !m({}));
  const n = matcher("sel:\n    F|neq: 5\ncondition: sel");
  assert.ok(n({ F: 6 }) && !n({ F: '5' }));
});

test('lt, lte, gt, gte on numbers and numeric strings', () => {
  const lt = matcher("sel:\n    N|lt: 10\ncondition: sel");
  assert.ok(lt({ N: 9 }) && lt({ N: '9' }) && !lt({ N: 10 }) && !lt({ N: 'abc' }) && !lt({}));
  assert.ok(matcher("sel:\n    N|lte: 10\ncondition: sel")({ N: 10 }));
  assert.ok(matcher("sel:\n    N|gt: 10\ncondition: sel")({ N: '0x10' }));
  assert.ok(!matcher("sel:\n    N|gte: 10\ncondition: sel")({ N: 9.5 }));
});

test('time modifiers extract UTC parts from ISO and Sysmon UtcTime values', () => {
  assert.ok(matcher("sel:\n    UtcTime|hour: 7\ncondition: sel")({ UtcTime: '2025-11-27 07:40:10.132' }));
  assert.ok(matcher("sel:\n    T|minute|gte: 30\ncondition: sel")({ T: '2024-05-01T10:45:00Z' }));
  assert.ok(matcher("sel:\n    T|day: 1\ncondition: sel")({ T: '2024-05-01T10:45:00Z' }));
  assert.ok(matcher("sel:\n    T|month: 5\ncondition: sel")({ T: '2024-05-01T10:45:00Z' }));
  assert.ok(matcher("sel:\n    T|year: 2024\ncondition: sel")({ T: '2024-05-01T10:45:00Z' }));
  // ISO week: 2021-01-03 (Sunday) belongs to week 53 of 2020; 2024-12-30 to week 1 of 2025.
  assert.ok(matcher("sel:\n    T|week: 53\ncondition: sel")({ T: '2021-01-03T00:00:00Z' }));
  assert.ok(matcher("sel:\n    T|week: 1\ncondition: sel")({ T: '2024-12-30T12:00:00Z' }));
  assert.ok(!matcher("sel:\n    T|hour: 7\ncondition: sel")({ T: 'not a date' }));
});

test('windash: -, /, en dash, em dash, horizontal bar are interchangeable', () => {
  const m = matcher("sel:\n    CommandLine|windash|contains: ' -enc '\ncondition: sel");
  for (const d of ['-', '/', '\u2013', '\u2014', '\u2015']) assert.ok(m({ CommandLine: `powershell ${d}enc AAA` }), d);
  assert.ok(!m({ CommandLine: 'powershell +enc AAA' }));
  const two = matcher("sel:\n    CommandLine|contains|windash: '-a -b'\ncondition: sel");
  assert.ok(two({ CommandLine: 'x /a \u2014b' }));
});

test('re: JS RegExp, case-sensitive by default, i/m/s flags, (?i) prefix, PCRE named groups', () => {
  const m = matcher("sel:\n    F|re: '^cmd\\.exe /c .*whoami$'\ncondition: sel");
  assert.ok(m({ F: 'cmd.exe /c xx whoami' }) && !m({ F: 'CMD.EXE /c xx whoami' }));
  assert.ok(matcher("sel:\n    F|re|i: '^cmd'\ncondition: sel")({ F: 'CMD' }));
  assert.ok(matcher("sel:\n    F|re: '(?i)^cmd'\ncondition: sel")({ F: 'CMD' }));
  assert.ok(matcher("sel:\n    F|re|m: '^b$'\ncondition: sel")({ F: 'a\nb\nc' }));
  assert.ok(!matcher("sel:\n    F|re: '^b$'\ncondition: sel")({ F: 'a\nb\nc' }));
  assert.ok(matcher("sel:\n    F|re|s: 'a.b'\ncondition: sel")({ F: 'a\nb' }));
  assert.ok(!matcher("sel:\n    F|re: 'a.b'\ncondition: sel")({ F: 'a\nb' }));
  assert.ok(matcher("sel:\n    F|re: '(?P<x>ab)(?P=x)\\Z'\ncondition: sel")({ F: 'abab' }));
  assert.ok(matcher("sel:\n    N|re: '^4[0-9]+$'\ncondition: sel")({ N: 4688 }));
});

test('base64 and base64offset (appendix: the three offsets of http://)', () => {
  assert.deepEqual(base64OffsetVariants(new TextEncoder().encode('http://')), ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  const m = matcher("sel:\n    F|base64offset|contains: 'http://'\ncondition: sel");
  for (const prefix of ['', 'a', 'ab', 'abc']) assert.ok(m({ F: b64(`${prefix}http://evil`) }), prefix);
  assert.ok(!m({ F: b64('https://evil') }));
  const plain = matcher("sel:\n    F|base64: 'cmd'\ncondition: sel");
  assert.ok(plain({ F: 'Y21k' }) && !plain({ F: 'y21k0' }));
  assert.ok(matcher("sel:\n    F|base64|contains: 'cmd'\ncondition: sel")({ F: 'xY21kx' }));
});

test('utf16le/utf16be/utf16/wide then base64 (appendix: cmd → 63 00 6d 00 64 00)', () => {
  const le = Buffer.from('cmd', 'utf16le');
  assert.deepEqual([...le], [0x63, 0, 0x6d, 0, 0x64, 0]);
  assert.ok(matcher("sel:\n    F|utf16le|base64: 'cmd'\ncondition: sel")({ F: le.toString('base64') }));
  assert.ok(matcher("sel:\n    F|wide|base64: 'cmd'\ncondition: sel")({ F: le.toString('base64') }));
  assert.ok(matcher("sel:\n    F|utf16be|base64: 'cmd'\ncondition: sel")({ F: Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64') }));
  assert.ok(matcher("sel:\n    F|utf16|base64: 'cmd'\ncondition: sel")({ F: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }));
  // PowerShell -EncodedCommand: UTF-16LE base64 anywhere in the command line.
  const enc = matcher("sel:\n    CommandLine|wide|base64offset|contains: 'IEX'\ncondition: sel");
  for (const pre of ['', 'a', 'ab']) assert.ok(enc({ CommandLine: `powershell -enc ${Buffer.from(`${pre}IEX (New-Object)`, 'utf16le').toString('base64')}` }), pre);
});

test('cidr: IPv4 and IPv6 networks', () => {
  const v4 = matcher("sel:\n    DestinationIp|cidr:\n        - 10.0.0.0/8\n        - 192.168.1.0/26\ncondition: sel");
  assert.ok(v4({ DestinationIp: '10.200.3.4' }) && v4({ DestinationIp: '192.168.1.63' }));
  assert.ok(!v4({ DestinationIp: '192.168.1.64' }) && !v4({ DestinationIp: '11.0.0.1' }) && !v4({ DestinationIp: 'fe80::1' }) && !v4({ DestinationIp: 'host' }));
  const v6 = matcher("sel:\n    DestinationIp|cidr: 'fe80::/10'\ncondition: sel");
  assert.ok(v6({ DestinationIp: 'fe80::1' }) && v6({ DestinationIp: 'febf:ffff::1' }) && !v6({ DestinationIp: 'fec0::1' }) && !v6({ DestinationIp: '10.0.0.1' }));
  assert.ok(matcher("sel:\n    Ip|cidr: 0.0.0.0/0\ncondition: sel")({ Ip: '8.8.8.8' }));
});

test('fieldref: compare with another field; with neq, contains and cased', () => {
  const eq = matcher("sel:\n    TargetUserName|fieldref: SubjectUserName\ncondition: sel");
  assert.ok(eq({ TargetUserName: 'Bob', SubjectUserName: 'bob' }) && !eq({ TargetUserName: 'Bob', SubjectUserName: 'alice' }) && !eq({ TargetUserName: 'Bob' }));
  const neq = matcher("sel:\n    TargetUserName|fieldref|neq: SubjectUserName\ncondition: sel");
  assert.ok(neq({ TargetUserName: 'Bob', SubjectUserName: 'alice' }) && !neq({ TargetUserName: 'Bob', SubjectUserName: 'BOB' }));
  const contains = matcher("sel:\n    CommandLine|fieldref|contains: User\ncondition: sel");
  assert.ok(contains({ CommandLine: 'runas /user:ADMIN x', User: 'admin' }));
  const cased = matcher("sel:\n    A|fieldref|cased: B\ncondition: sel");
  assert.ok(cased({ A: 'x', B: 'x' }) && !cased({ A: 'x', B: 'X' }));
});

test('expand: placeholders replaced by values (wildcards allowed); unknown placeholder is a compile error naming it', () => {
  const detection = "sel:\n    User|expand: '%Administrators%'\ncondition: sel";
  const m = matcher(detection, { placeholders: { Administrators: ['adm_*', 'root'] } });
  assert.ok(m({ User: 'ADM_bob' }) && m({ User: 'root' }) && !m({ User: 'bob' }));
  assert.throws(() => compileDetection(ruleOf(detection), target), (e: unknown) => e instanceof SigmaCompileError && /unknown placeholder '%Administrators%'/.test(e.message) && e.location.line === 6);
  // `\%` is a plain percent; without expand `%x%` is literal.
  const esc = matcher("sel:\n    F|expand: '\\%plain%name%'\ncondition: sel", { placeholders: { name: ['X'] } });
  assert.ok(esc({ F: '%plainx' }));
  assert.ok(matcher("sel:\n    F: '%name%'\ncondition: sel")({ F: '%NAME%' }));
});

test('keywords: any data value or the message line; |all needs every keyword', () => {
  const m = matcher("keywords:\n    - 'event::clear'\n    - 'event::drop'\ncondition: keywords");
  assert.ok(m({ ScriptBlockText: 'mimikatz EVENT::Clear' }) && m({}, 'x event::drop y') && !m({ a: 'b' }, 'c'));
  const all = matcher("keywords:\n    '|all':\n        - 'OabVirtualDirectory'\n        - ' -ExternalUrl '\ncondition: keywords");
  assert.ok(all({ P: 'Set-OabVirtualDirectory -ExternalUrl http://x' }) && !all({ P: 'Set-OabVirtualDirectory' }));
  assert.ok(matcher("keywords:\n    - 4688\ncondition: keywords")({ N: 4688 }));
});

test('conditions: precedence, 1 of / all of with wildcards and them, condition lists OR-ed', () => {
  const sel = "a:\n    A: 1\nb:\n    B: 1\nc:\n    C: 1\n_x:\n    X: 1\n";
  const m = (cond: string): ((d: Record<string, EventValue>) => boolean) => matcher(`${sel}condition: ${cond}`);
  // not > and > or: `a or b and not c` = a or (b and (not c))
  assert.ok(m('a or b and not c')({ A: 1, C: 1 }));
  assert.ok(!m('a or b and not c')({ B: 1, C: 1 }));
  assert.ok(!m('(a or b) and not c')({ A: 1, C: 1 }));
  assert.ok(m('1 of them')({ C: 1 }) && !m('1 of them')({ X: 1 }));
  assert.ok(m('all of them')({ A: 1, B: 1, C: 1 }), '_x is not part of them');
  assert.ok(m('1 of _*')({ X: 1 }));
  assert.ok(!m('all of them')({ A: 1, B: 1 }));
  const sel2 = matcher("selection_a:\n    A: 1\nselection_b:\n    B: 1\nfilter_1:\n    F: 1\ncondition: all of selection_* and not 1 of filter_*");
  assert.ok(sel2({ A: 1, B: 1 }) && !sel2({ A: 1, B: 1, F: 1 }) && !sel2({ A: 1 }));
  const list = matcher("a:\n    A: 1\nb:\n    B: 1\ncondition:\n    - a\n    - b");
  assert.ok(list({ B: 1 }) && list({ A: 1 }) && !list({}));
});

test('a rule that cannot be compiled throws a located error; target fields resolve through the target only', () => {
  const rule = ruleOf("sel:\n    Image: x\ncondition: sel");
  const calls: string[] = [];
  compileDetection(rule, { ...target, resolve: (f) => { calls.push(f); return (e) => e.data.NewProcessName; } }).matches(ev({ NewProcessName: 'x' }));
  assert.deepEqual(calls, ['Image']);
  const mapped = compileDetection(rule, { ...target, resolve: () => (e) => e.data.NewProcessName });
  assert.ok(mapped.matches(ev({ NewProcessName: 'X' })) && !mapped.matches(ev({ Image: 'x' })));
});
