import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readLines, sniff, type SourceLine } from './source.js';

/** What readLines must give, computed on the whole file at once. */
function expectedLines(bytes: Buffer, maxLineBytes: number): SourceLine[] {
  const b = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const out: SourceLine[] = [];
  let start = 0;
  for (let line = 1; start < b.length; line++) {
    const nl = b.indexOf(0x0a, start);
    let piece = b.subarray(start, nl === -1 ? b.length : nl);
    start = nl === -1 ? b.length : nl + 1;
    if (piece.length > maxLineBytes) { out.push({ kind: 'bad', line, reason: `line longer than ${maxLineBytes} bytes` }); continue; }
    if (piece[piece.length - 1] === 0x0d) piece = piece.subarray(0, -1);
    out.push(isUtf8(piece) ? { kind: 'line', line, text: piece.toString('utf8') } : { kind: 'bad', line, reason: 'not valid UTF-8 (is the file in another encoding?)' });
  }
  return out;
}

async function allLines(path: string, maxLineBytes: number): Promise<SourceLine[]> {
  const out: SourceLine[] = [];
  for await (const batch of readLines(path, await sniff(path), maxLineBytes)) out.push(...batch);
  return out;
}

/** A deterministic pseudo-random file: ASCII, multi-byte and invalid lines, CRLF, lines across 1 MiB read blocks. */
function sampleFile(seed: number, size: number): Buffer {
  let x = seed;
  const rnd = (n: number): number => { x = (x * 1103515245 + 12345) & 0x7fffffff; return x % n; };
  const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
  for (let total = 0; total < size;) {
    const kind = rnd(20);
    const len = kind === 0 ? 200_000 + rnd(1_500_000) : rnd(3000);
    let line = Buffer.from('{"k":"' + 'abcdefgh'.repeat(len / 8 + 1).slice(0, len) + '"}');
    if (kind === 1) line = Buffer.concat([line, Buffer.from('é€😀')]);
    if (kind === 2) line = Buffer.concat([line.subarray(0, line.length >> 1), Buffer.from([0xe2, 0x82]), line.subarray(line.length >> 1)]);
    if (kind === 3) line = Buffer.alloc(0);
    const end = Buffer.from(rnd(3) === 0 ? '\r\n' : '\n');
    parts.push(line, end);
    total += line.length + end.length;
  }
  if (seed % 2 === 0) parts.push(Buffer.from('last line without end'));
  return Buffer.concat(parts);
}

test('readLines matches a whole-file split: line numbers, CRLF, invalid UTF-8 and over-long lines, across read blocks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-lines-'));
  try {
    for (const seed of [1, 2, 3]) {
      const bytes = sampleFile(seed, 6 * 1024 * 1024);
      const path = join(dir, `s${seed}.json`);
      writeFileSync(path, bytes);
      for (const max of [64 * 1024 * 1024, 1_000_000, 2500]) assert.deepEqual(await allLines(path, max), expectedLines(bytes, max), `seed ${seed}, max ${max}`);
    }
    const bytes = sampleFile(4, 3 * 1024 * 1024);
    writeFileSync(join(dir, 'g.json.gz'), gzipSync(bytes));
    assert.deepEqual(await allLines(join(dir, 'g.json.gz'), 2500), expectedLines(bytes, 2500));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readLines reports each invalid UTF-8 line of a block and keeps the valid ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-lines-'));
  try {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('first\nok é\n'), Buffer.from([0x41, 0xff, 0x0a]), Buffer.from('ascii\r\n'), Buffer.from([0xc3, 0x0d, 0x0a]), Buffer.from('end\n')]));
    assert.deepEqual(await allLines(path, 1000), [
      { kind: 'line', line: 1, text: 'first' },
      { kind: 'line', line: 2, text: 'ok é' },
      { kind: 'bad', line: 3, reason: 'not valid UTF-8 (is the file in another encoding?)' },
      { kind: 'line', line: 4, text: 'ascii' },
      { kind: 'bad', line: 5, reason: 'not valid UTF-8 (is the file in another encoding?)' },
      { kind: 'line', line: 6, text: 'end' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
