/** The spill sort gives what one stable in-memory sort gives, however the items are split into runs. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SpillSort } from './spill-sort.js';

interface Item { key: number; seq: number; text: string }

/** A deterministic pseudo-random sequence (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
}

function items(n: number, seed: number): Item[] {
  const r = random(seed);
  // Few distinct keys, so ties are everywhere; texts with multi-byte characters, some longer
  // than a run reader's smallest buffer (4 KiB), so lines and UTF-8 sequences cross reads.
  return Array.from({ length: n }, (_, seq) => ({ key: Math.floor(r() * 20), seq, text: r() < 0.02 ? '한글 ✓ '.repeat(900) : `item ${seq} 해태` }));
}

const byKey = (a: Item, b: Item): number => a.key - b.key;

test('merged runs equal a stable sort, with ties in push order, and can be read twice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-spill-test-'));
  try {
    const input = items(5000, 7);
    const s = new SpillSort<Item>({ what: 'items', compare: byKey, sizeOf: (i) => 40 + i.text.length, budgetBytes: 8000, dir });
    for (const i of input) s.push(i);
    assert.ok(s.spilledRuns > 10, `only ${s.spilledRuns} runs`);
    const expected = [...input].sort(byKey);
    assert.deepEqual([...s.sorted()], expected);
    assert.deepEqual([...s.sorted()].map((i) => i.seq), expected.map((i) => i.seq));
    assert.equal(s.size, 5000);
    s.dispose();
    assert.deepEqual(readdirSync(dir), [], 'the run files are removed');
    assert.deepEqual([...s.sorted()], []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line longer than the write buffer is written whole, between the lines around it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-spill-test-'));
  try {
    // 400k three-byte characters: 1.2 MB of UTF-8, past the 1 MiB a run is written in.
    const input: Item[] = [{ key: 1, seq: 0, text: 'a'.repeat(300_000) }, { key: 0, seq: 1, text: '한'.repeat(400_000) }, { key: 2, seq: 2, text: '✓' }];
    const s = new SpillSort<Item>({ what: 'items', compare: byKey, sizeOf: () => 1, budgetBytes: 3, dir });
    for (const i of input) s.push(i);
    assert.equal(s.spilledRuns, 1);
    assert.deepEqual([...s.sorted()], [...input].sort(byKey));
    s.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('items pushed after a read join the next one; a small input never touches the disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-spill-test-'));
  try {
    const s = new SpillSort<Item>({ what: 'items', compare: byKey, sizeOf: () => 10, budgetBytes: 1000, dir });
    const input = items(50, 3);
    for (const i of input.slice(0, 30)) s.push(i);
    assert.deepEqual([...s.sorted()], input.slice(0, 30).sort(byKey));
    for (const i of input.slice(30)) s.push(i);
    assert.deepEqual([...s.sorted()], [...input].sort(byKey));
    assert.equal(s.spilledRuns, 0);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('revive rebuilds items read back from a run', () => {
  const s = new SpillSort<{ at: Date }>({
    what: 'dates', compare: (a, b) => a.at.getTime() - b.at.getTime(), sizeOf: () => 100, budgetBytes: 300,
    revive: (j) => ({ at: new Date((j as { at: string }).at) }),
  });
  const times = [5, 1, 4, 2, 3, 9, 0, 8, 7, 6].map((d) => ({ at: new Date(Date.UTC(2024, 0, 1 + d)) }));
  for (const t of times) s.push(t);
  assert.ok(s.spilledRuns >= 2);
  const out = [...s.sorted()];
  assert.ok(out.every((o) => o.at instanceof Date));
  assert.deepEqual(out.map((o) => o.at.getUTCDate()), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  s.dispose();
});

test('a spill folder that cannot be written keeps the items in memory and says why', () => {
  const missing = join(tmpdir(), 'haetae-no-such-folder', 'deeper');
  assert.ok(!existsSync(missing));
  const s = new SpillSort<Item>({ what: 'items', compare: byKey, sizeOf: () => 100, budgetBytes: 100, dir: missing });
  const input = items(20, 1);
  for (const i of input) s.push(i);
  assert.match(s.problem ?? '', /cannot write items to a temporary file .*haetae-no-such-folder.*keeping them in memory/);
  assert.equal(s.spilledRuns, 0);
  assert.deepEqual([...s.sorted()], [...input].sort(byKey));
});

test('an interrupted process (SIGINT) removes its spill folder and still dies of the signal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-spill-test-'));
  try {
    const module = new URL('./spill-sort.js', import.meta.url).href;
    const script = `const { SpillSort } = await import(${JSON.stringify(module)});
      const s = new SpillSort({ what: 'numbers', compare: (a, b) => a - b, sizeOf: () => 100, budgetBytes: 100, dir: ${JSON.stringify(dir)} });
      for (let i = 0; i < 10; i++) s.push(i);
      console.log('spilled'); setTimeout(() => {}, 60_000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    assert.equal(readdirSync(dir).length, 1, 'the run folder exists while the process runs');
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    assert.equal(await ended, 'SIGINT');
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
