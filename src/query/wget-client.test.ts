import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AllowlistWgetClient, hostAllowed } from './wget-client.js';

test('hostAllowed: exact names and *.domain patterns, case-insensitive', () => {
  assert.ok(hostAllowed('127.0.0.1', '127.0.0.1'));
  assert.ok(hostAllowed('Feeds.Example.com', '*.example.com'));
  assert.ok(!hostAllowed('example.com', '*.example.com'));
  assert.ok(!hostAllowed('evilexample.com', '*.example.com'));
  assert.ok(!hostAllowed('127.0.0.2', '127.0.0.1'));
});

test('an unlisted host or scheme is refused before any connection', async () => {
  let requests = 0;
  const server = createServer((_req, res) => { requests++; res.end('x'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const wget = new AllowlistWgetClient(['example.org']);
    await assert.rejects(wget.fetch(`http://127.0.0.1:${port}/`, { method: 'get', timeoutMs: 2000 }), /host '127\.0\.0\.1' is not in the wget allowlist/);
    await assert.rejects(wget.fetch('file:///etc/passwd', { method: 'get', timeoutMs: 2000 }), /only http and https/);
    assert.equal(requests, 0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a redirect to an unlisted host is refused; a listed one is followed', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/away') { res.writeHead(302, { location: 'http://localhost:1/secret' }); res.end(); return; }
    if (req.url === '/here') { res.writeHead(302, { location: '/feed' }); res.end(); return; }
    res.end('1.2.3.4\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const wget = new AllowlistWgetClient(['127.0.0.1']);
    await assert.rejects(wget.fetch(`http://127.0.0.1:${port}/away`, { method: 'get', timeoutMs: 2000 }), /host 'localhost' is not in the wget allowlist/);
    assert.deepEqual(await wget.fetch(`http://127.0.0.1:${port}/here`, { method: 'get', timeoutMs: 2000 }), { status: 200, body: '1.2.3.4\r\n' });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
