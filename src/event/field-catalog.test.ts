import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventFields, typedData } from './field-catalog.js';
import { FIELD_CATALOG } from './field-catalog.generated.js';

test('eventFields: the exact version, else the latest; null for unknown events', () => {
  const names = (v: number | null): string[] | undefined => eventFields('Microsoft-Windows-Security-Auditing', 4688, v)?.map((f) => f.name);
  assert.equal(names(1)?.length, 9);
  assert.equal(names(2)?.length, 15);
  assert.deepEqual(names(null), names(2));
  assert.deepEqual(names(99), names(2));
  assert.equal(eventFields('Microsoft-Windows-Security-Auditing', 1, null), null);
  assert.equal(eventFields('Nope', 4688, null), null);
  assert.equal(eventFields('Microsoft-Windows-Sysmon', 9, 2)?.[5].name, 'Device'); // documented, not in the corpus
  for (const key of Object.keys(FIELD_CATALOG)) {
    const [version, id, ...provider] = key.split('|').reverse();
    assert.equal(eventFields(provider.reverse().join('|'), Number(id), Number(version))?.map((f) => f.name).join(' '), FIELD_CATALOG[key].split(' ').map((f) => f.slice(0, f.lastIndexOf(':'))).join(' '), key);
  }
});

test('typedData with reorder: catalog order first, then unknown fields in their order', () => {
  const out = typedData('Microsoft-Windows-Sysmon', 3, null, { Zeta: '1', DestinationPort: '443', Initiated: 'true', SourceIp: '10.0.0.1', Alpha: 'x' }, true);
  assert.deepEqual(Object.entries(out), [['Initiated', true], ['SourceIp', '10.0.0.1'], ['DestinationPort', 443], ['Zeta', '1'], ['Alpha', 'x']]);
  assert.deepEqual(Object.keys(typedData('Microsoft-Windows-Sysmon', 3, null, { Zeta: '1', DestinationPort: '443' }, false)), ['Zeta', 'DestinationPort']);
});
