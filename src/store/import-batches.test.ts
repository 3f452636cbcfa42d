/** A commit records each source's count as of the commit, not as of when the store gets to it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyEvent, type Event } from '../event/index.js';
import { ImportAccumulator } from './import-batches.js';

const events = (n: number): Event[] => Array.from({ length: n }, (_, i) => ({
  ...emptyEvent(), _time: '2024-05-01T10:00:00.0000000Z', host: 'h', channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', event_id: 4624, record_id: i + 1,
}));

test('batches added while a commit is in flight do not count towards it', async () => {
  const acc = new ImportAccumulator('auto', {});
  const source = { key: 'k', name: 'Security.evtx' };
  acc.add({ events: events(3), source });
  const first = acc.take()!;
  // The store commits `first` while the next batches arrive (duckdb-store.ts runImport).
  acc.add({ events: events(5), source, sourceDone: true });
  const lookup = async (): Promise<Map<string, { events: number; complete: boolean }>> => new Map([['k', { events: 10, complete: false }]]);
  assert.deepEqual(await acc.counts(first, lookup), [{ key: 'k', name: 'Security.evtx', events: 13, complete: false }]);
  const second = acc.take()!;
  assert.deepEqual(await acc.counts(second, lookup), [{ key: 'k', name: 'Security.evtx', events: 18, complete: true }]);
});
