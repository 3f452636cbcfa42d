/** `haetae serve` with a certificate: HTTPS only, tokens still required. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { HaetaeServer } from './server.js';
import { TokenStore, tokensFile } from './tokens.js';

/** A self-signed certificate for 127.0.0.1, made with the system's openssl. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) throw new Error(`this test makes a certificate with openssl, which failed or is missing: ${r.error?.message ?? r.stderr}`);
  return { cert, key };
}

function get(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('serves HTTPS with the given certificate; plain HTTP gets no answer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'haetae-tls-'));
  const tls = selfSigned(dir);
  const token = new TokenStore(tokensFile(join(dir, 'data'))).create('reader', 'read').token;
  const server = await HaetaeServer.start({ dataDir: join(dir, 'data'), port: 0, tls, log: () => {} });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(tls.cert);
    assert.deepEqual(await get(`${server.url}/api/health`, ca), { status: 200, body: '{"status":"ok","queued":0}' });
    assert.equal((await get(`${server.url}/api/tables`, ca)).status, 401);
    assert.equal((await get(`${server.url}/api/tables`, ca, token)).status, 200);
    // Plain HTTP on the TLS port is not served.
    const plain = await fetch(server.url.replace('https:', 'http:') + '/api/health').then((r) => r.status, () => 'refused');
    assert.notEqual(plain, 200);
  } finally {
    await server.close();
  }
});
