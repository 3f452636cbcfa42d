// Bundles the web console (src/ui/main.ts) with esbuild into dist/ui/app.js (minified
// ES module) and copies index.html and style.css beside it. The server serves dist/ui/
// (src/server/ui-static.ts). Run by `npm run build` after tsc.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const out = 'dist/ui';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/ui/main.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: `${out}/app.js`,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`src/ui/${f}`, `${out}/${f}`);
