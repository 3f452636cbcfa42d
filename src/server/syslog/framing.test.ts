import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyslogFramer } from './framing.js';

/** Feeds `stream` to a framer in the given chunk sizes (cycled) and returns all frames as text. */
function frame(stream: Buffer, sizes: readonly number[], max = 1024): { frames: string[]; problems: string[] } {
  const framer = new SyslogFramer(max);
  const frames: string[] = [];
  const problems: string[] = [];
  let k = 0;
  for (let pos = 0; pos < stream.length; k++) {
    const n = sizes[k % sizes.length];
    const r = framer.push(stream.subarray(pos, pos + n));
    frames.push(...r.frames.map((f) => f.toString('utf8')));
    problems.push(...r.problems.map((p) => p.reason));
    pos += n;
  }
  const r = framer.end();
  frames.push(...r.frames.map((f) => f.toString('utf8')));
  problems.push(...r.problems.map((p) => p.reason));
  return { frames, problems };
}

const octet = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

const MULTILINE = '<13>1 2024-05-01T10:00:00Z WEB01 Microsoft-Windows-Sysmon 4 - - Process Create:\r\nRuleName: -\r\nImage: C:\\Windows\\System32\\cmd.exe';
const KOREAN = '<13>Nov 22 11:30:09 WEB01 app: 사용자 로그온 — ünïcode';

test('octet counting keeps embedded line breaks, whatever the TCP chunking (every split point, byte by byte)', () => {
  const messages = [MULTILINE, KOREAN, '<13>1 - - - - - - tail\nwith\nLF'];
  const stream = Buffer.from(messages.map(octet).join(''));
  for (const sizes of [[stream.length], [1], [2], [3, 7], [13, 1, 5]]) {
    assert.deepEqual(frame(stream, sizes), { frames: messages, problems: [] }, `chunks ${sizes.join(',')}`);
  }
  for (let cut = 1; cut < stream.length; cut++) {
    const framer = new SyslogFramer(1024);
    const got = [...framer.push(stream.subarray(0, cut)).frames, ...framer.push(stream.subarray(cut)).frames].map((f) => f.toString('utf8'));
    assert.deepEqual(got, messages, `split at ${cut}`);
  }
});

test('newline framing: LF, CRLF and NUL trailers, a last line without its LF, empty lines skipped', () => {
  const stream = Buffer.from(`<13>a LF\n<13>b CRLF\r\n<13>c NUL\0\n\n<13>d ${'x'.repeat(40)}\r\n<13>e last`);
  const want = ['<13>a LF', '<13>b CRLF', '<13>c NUL', `<13>d ${'x'.repeat(40)}`, '<13>e last'];
  for (const sizes of [[stream.length], [1], [4], [9, 2]]) assert.deepEqual(frame(stream, sizes), { frames: want, problems: [] }, `chunks ${sizes.join(',')}`);
});

test('the framing is recognised per frame: headerless lines that start with digits are not lengths; both framings on one connection', () => {
  const snare = '10.0.0.5\tMSWinEventLog\t1\tSecurity';
  const stream = Buffer.from(`${octet(MULTILINE)}${snare}\n{"EventID":1}\n${octet('<13>x')}\n<13>y\n`);
  assert.deepEqual(frame(stream, [5]), { frames: [MULTILINE, snare, '{"EventID":1}', '<13>x', '<13>y'], problems: [] });
});

test('UTF-8 characters split across chunks come out whole', () => {
  const stream = Buffer.from(`${KOREAN}\n${octet(KOREAN)}`);
  assert.deepEqual(frame(stream, [1]).frames, [KOREAN, KOREAN]);
});

test('frames over the limit are skipped and reported, and the stream is read on after them', () => {
  const big = `<13>${'x'.repeat(200)}`;
  const counted = Buffer.from(`${octet(big)}${octet('<13>after')}`);
  const r1 = frame(counted, [7], 100);
  assert.deepEqual(r1.frames, ['<13>after']);
  assert.match(r1.problems.join(), /204 bytes is over the limit of 100/);
  const lines = Buffer.from(`${big}\n<13>next\n`);
  for (const sizes of [[lines.length], [30]]) {
    const r2 = frame(lines, sizes, 100);
    assert.deepEqual(r2.frames, ['<13>next'], `chunks ${sizes.join(',')}`);
    assert.equal(r2.problems.length, 1);
  }
});

test('a connection closed inside an octet-counted frame reports it instead of inventing a message', () => {
  const r = frame(Buffer.from(`${octet('<13>whole')}30 <13>cut sh`), [64]);
  assert.deepEqual(r.frames, ['<13>whole']);
  assert.match(r.problems.join(), /closed inside an octet-counted frame \(10 of 30 bytes/);
});
