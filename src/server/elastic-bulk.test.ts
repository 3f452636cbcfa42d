/**
 * Bulk body parsing (elastic-bulk.ts): lines split on bytes and decoded one by one, items
 * and their derived ids, per-item failures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyEvent } from '../event/index.js';
import { eventToEcs } from '../formats/index.js';
import { parseBulk } from './elastic-bulk.js';

function ecsDoc(user: string, n: number): string {
  const e = emptyEvent();
  e._time = `2024-05-01T10:00:0${n}.000Z`;
  e.host = 'WEB01';
  e.channel = 'Microsoft-Windows-Sysmon/Operational';
  e.provider = 'Microsoft-Windows-Sysmon';
  e.event_id = 1;
  e.record_id = n;
  e.data = { Image: 'C:\\Windows\\System32\\cmd.exe', User: user };
  return JSON.stringify(eventToEcs(e));
}

test('a body with non-ASCII documents, CRLF endings and no final newline gives every document', () => {
  const body = [
    '{"create":{"_index":"winlogbeat-8"}}', ecsDoc('CORP\\alice', 1),
    '{"create":{}}\r', `${ecsDoc('CORP\\김철수', 2)}\r`,
    '', '{"index":{"_id":"own-id"}}', ecsDoc('CORP\\Zoë', 3),
  ].join('\n');
  const { items, digest } = parseBulk(Buffer.from(body, 'utf8'), 'logs');
  assert.equal(digest.length, 64);
  assert.deepEqual(items.map((i) => i.event?.data.User), ['CORP\\alice', 'CORP\\김철수', 'CORP\\Zoë']);
  assert.deepEqual(items.map((i) => i.index), ['winlogbeat-8', 'logs', 'logs']);
  assert.equal(items[2]!.id, 'own-id');
  // Derived ids: 20 URL-safe characters, distinct, the same for the same body.
  assert.match(items[0]!.id, /^[A-Za-z0-9_-]{20}$/);
  assert.notEqual(items[0]!.id, items[1]!.id);
  assert.deepEqual(parseBulk(Buffer.from(body, 'utf8'), 'logs').items.map((i) => i.id), items.map((i) => i.id));
  assert.notEqual(parseBulk(Buffer.from(body.replace('alice', 'bob'), 'utf8'), 'logs').items[0]!.id, items[0]!.id);
});

test('invalid UTF-8 in a document is replaced, not fatal; a bad document line fails its item only', () => {
  const bad = Buffer.concat([Buffer.from('{"create":{}}\n'), Buffer.from(ecsDoc('CORP\\x', 1).replace('CORP\\\\x', 'CORP\\\\\u0001'), 'utf8'), Buffer.from('\n{"create":{}}\n{"broken": \n')]);
  const i = bad.indexOf(0x01);
  bad[i] = 0xff; // a lone continuation byte: not UTF-8
  const { items } = parseBulk(bad, undefined);
  assert.equal(items[0]!.event?.data.User, 'CORP\\\ufffd');
  assert.equal(items[1]!.failure?.status, 400);
  assert.match(items[1]!.failure!.error.reason, /not JSON/);
});
