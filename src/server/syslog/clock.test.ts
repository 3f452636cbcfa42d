import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bsdLocalStamp, isoLocalStamp, isoUtc, SenderClock, snareLocalStamp } from './clock.js';

test('local stamps: NXLog EventTime, Snare dates (space-padded days), impossible dates refused', () => {
  assert.deepEqual(isoLocalStamp('2024-05-01 19:00:00.123'), { ms: Date.UTC(2024, 4, 1, 19), fraction: '123' });
  assert.deepEqual(snareLocalStamp('Fri Nov  7 09:58:51 2015'), { ms: Date.UTC(2015, 10, 7, 9, 58, 51), fraction: '' });
  assert.equal(isoLocalStamp('2024-02-30 10:00:00'), null);
  assert.equal(snareLocalStamp('Fri Foo 27 09:58:51 2015'), null);
  assert.equal(isoUtc(Date.UTC(2024, 4, 1, 10, 0, 0, 999), '9991234'), '2024-05-01T10:00:00.9991234Z');
});

test('a BSD stamp takes the year nearest the reference: December stamps received in January are last year', () => {
  const jan = Date.UTC(2025, 0, 1, 0, 5);
  assert.equal(new Date(bsdLocalStamp('Dec 31 23:59:00', jan)!.ms).toISOString(), '2024-12-31T23:59:00.000Z');
  assert.equal(new Date(bsdLocalStamp('Jan  1 00:04:00', jan)!.ms).toISOString(), '2025-01-01T00:04:00.000Z');
  assert.equal(new Date(bsdLocalStamp('Mar  3 2019 10:00:00', jan)!.ms).toISOString(), '2019-03-03T10:00:00.000Z');
});

test('offsets: learned per host (quarter hours), guessed from receipt for live senders, else UTC', () => {
  const clock = new SenderClock();
  const local = isoLocalStamp('2024-05-01 19:30:00')!;
  clock.learn('WEB01', isoLocalStamp('2024-05-01 19:00:07')!, Date.parse('2024-05-01T10:00:00Z'));
  assert.equal(clock.toUtc('web01', local, 0), '2024-05-01T10:30:00Z');
  // India, live: the stamp is 5:30 ahead of receipt.
  assert.equal(clock.toUtc('IN01', local, Date.parse('2024-05-01T14:00:02Z')), '2024-05-01T14:00:00Z');
  // Years apart from receipt (a replayed log): taken as UTC.
  assert.equal(clock.toUtc('OLD', local, Date.parse('2030-01-01T00:00:00Z')), '2024-05-01T19:30:00Z');
});
