import { decodeFilesParallel } from '../dist/src/evtx/index.js';
import { execSync } from 'node:child_process';
const files = execSync("find /work/shared/corpus/evtx -name '*.evtx' | sort").toString().trim().split('\n');
const renderer = new URL('../dist/src/cli/render/events.js', import.meta.url);
const threads = Number(process.argv[2]);
for (let i = 0; i < 4; i++) {
  const list = Array.from({length: 5}, () => files).flat();
  const t = performance.now(); let n = 0;
  for await (const s of decodeFilesParallel(list, { renderer, threads, ordered: false })) n += s.records;
  const sec = (performance.now() - t) / 1000;
  console.log(threads, n, sec.toFixed(2), Math.round(n / sec));
}
