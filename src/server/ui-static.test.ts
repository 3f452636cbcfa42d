/** The web console's static file module: paths stay inside the directory; types, ETags, no token. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticFile, UiStatic } from './ui-static.js';
import { startTestServer } from '../testing/server.js';

describe('staticFile', () => {
  const root = '/srv/ui';
  it('resolves files inside the directory', () => {
    assert.equal(staticFile(root, 'app.js'), '/srv/ui/app.js');
    assert.equal(staticFile(root, 'a/b.css'), '/srv/ui/a/b.css');
    assert.equal(staticFile(root, 'a/../app.js'), '/srv/ui/app.js');
  });
  it('refuses paths that leave it, encoded or not, and malformed ones', () => {
    for (const bad of ['../package.json', '..%2Fpackage.json', '%2e%2e/%2e%2e/etc/passwd', 'a/../../x', '..', '%00', 'a%5C..%5C..%5Cx', '%E0%A4%A']) {
      assert.equal(staticFile(root, bad), null, bad);
    }
  });
});

describe('UiStatic', () => {
  it('serves index.html at / and files at /ui/ without a token, with types and revalidation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haetae-ui-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'sub', 'style.css'), 'body{}');
    const t = await startTestServer({ modules: [new UiStatic(dir)] });
    try {
      const index = await fetch(`${t.server.url}/`);
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(await index.text(), '<!doctype html><title>x</title>');
      const css = await fetch(`${t.server.url}/ui/sub/style.css`);
      assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
      const js = await fetch(`${t.server.url}/ui/app.js`);
      assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal((await fetch(`${t.server.url}/ui/app.js`, { headers: { 'if-none-match': js.headers.get('etag') ?? '' } })).status, 304);
      assert.equal((await fetch(`${t.server.url}/ui/missing.js`)).status, 404);
      assert.equal((await fetch(`${t.server.url}/ui/sub`)).status, 404);
      assert.equal((await fetch(`${t.server.url}/ui/..%2F..%2Fetc%2Fpasswd`)).status, 404);
      assert.equal((await fetch(`${t.server.url}/api/tables`)).status, 401, 'the API still needs a token');
    } finally {
      await t.close();
    }
  });
});
