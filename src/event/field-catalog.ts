/**
 * Field catalogs: for a provider, event ID and version, the EventData fields in the order
 * Windows writes them and the type each has in the binary log. Text formats lose both
 * (XML has no types; NXLog and Winlogbeat reorder keys and write numbers as strings or the
 * reverse), so decoders pass their data through {@link typedData} to get the Event that
 * the EVTX reader would have produced.
 *
 * Sources: field-catalog.generated.ts (every provider/ID/version in the EVTX corpus, by
 * scripts/field-catalog.ts) and, below, the events that the rendering issue requires but
 * the corpus lacks, written from the Sysmon schema (`sysmon -s`, schema 4.90) and
 * Microsoft's Security auditing documentation.
 */
import { setField, type EventValue } from './event.js';
import { FIELD_CATALOG } from './field-catalog.generated.js';

/**
 * A field's type in the binary log; `any` when the catalog never saw a value. `guid` is a
 * GUID-typed value, a string `{lowercase}` in the Event.
 */
export type FieldType = 'number' | 'string' | 'guid' | 'boolean' | 'array' | 'any';

/** One field of a catalog entry. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
}

const SYSMON = 'Microsoft-Windows-Sysmon';
const SECURITY = 'Microsoft-Windows-Security-Auditing';
const WFP = 'ProcessID:n Application:s Direction:s SourceAddress:s SourcePort:s DestAddress:s DestPort:s Protocol:n FilterRTID:n LayerName:s LayerRTID:n RemoteUserID:s RemoteMachineID:s';
const SYSMON_FILE = 'RuleName:s UtcTime:s ProcessGuid:s ProcessId:n User:s Image:s TargetFilename:s Hashes:s';

/** Documented events the corpus lacks (same encoding as the generated catalog; latest version). */
const DOCUMENTED: Readonly<Record<string, string>> = {
  [`${SYSMON}|9|2`]: 'RuleName:s UtcTime:s ProcessGuid:s ProcessId:n Image:s Device:s User:s',
  [`${SYSMON}|14|2`]: 'RuleName:s EventType:s UtcTime:s ProcessGuid:s ProcessId:n Image:s TargetObject:s NewName:s User:s',
  [`${SYSMON}|24|5`]: 'RuleName:s UtcTime:s ProcessGuid:s ProcessId:n Image:s Session:n ClientInfo:s Hashes:s Archived:s User:s',
  [`${SYSMON}|25|5`]: 'RuleName:s UtcTime:s ProcessGuid:s ProcessId:n Image:s Type:s User:s',
  [`${SYSMON}|26|5`]: `${SYSMON_FILE} IsExecutable:b`,
  [`${SYSMON}|28|5`]: `${SYSMON_FILE} IsExecutable:b`,
  [`${SYSMON}|29|5`]: SYSMON_FILE,
  [`${SYSMON}|255|3`]: 'UtcTime:s ID:s Description:s',
  [`${SECURITY}|4634|0`]: 'TargetUserSid:s TargetUserName:s TargetDomainName:s TargetLogonId:s LogonType:n',
  [`${SECURITY}|4689|0`]: 'SubjectUserSid:s SubjectUserName:s SubjectDomainName:s SubjectLogonId:s Status:s ProcessId:s ProcessName:s',
  [`${SECURITY}|5157|1`]: WFP,
};

const TYPES: Readonly<Record<string, FieldType>> = { n: 'number', s: 'string', g: 'guid', b: 'boolean', a: 'array', '?': 'any' };

/** One event's catalog entry: each version's fields, and the latest version's. */
interface CatalogEntry {
  readonly versions: Map<number, readonly FieldSpec[]>;
  latest: readonly FieldSpec[] | null;
}

/**
 * Catalog entries by provider, then event ID, parsed once on first use. Nested maps rather
 * than a `provider|id` key: decoders look an entry up for every event, and building the
 * key string cost more than the lookup.
 */
let byEvent: Map<string, Map<number, CatalogEntry>> | null = null;

function catalog(): Map<string, Map<number, CatalogEntry>> {
  if (byEvent !== null) return byEvent;
  byEvent = new Map();
  for (const source of [FIELD_CATALOG, DOCUMENTED]) {
    for (const [key, spec] of Object.entries(source)) {
      const cut = key.lastIndexOf('|');
      const event = key.slice(0, cut);
      const idCut = event.lastIndexOf('|');
      const provider = event.slice(0, idCut);
      const id = Number(event.slice(idCut + 1));
      const version = Number(key.slice(cut + 1));
      const fields = spec.split(' ').map((f) => {
        const colon = f.lastIndexOf(':');
        return { name: f.slice(0, colon), type: TYPES[f.slice(colon + 1)] ?? 'any' };
      });
      let ids = byEvent.get(provider);
      if (ids === undefined) { ids = new Map(); byEvent.set(provider, ids); }
      let entry = ids.get(id);
      if (entry === undefined) { entry = { versions: new Map(), latest: null }; ids.set(id, entry); }
      if (!entry.versions.has(version)) entry.versions.set(version, fields);
    }
  }
  for (const ids of byEvent.values()) for (const entry of ids.values()) entry.latest = entry.versions.get(Math.max(...entry.versions.keys())) ?? null;
  return byEvent;
}

/**
 * The catalog's fields for an event: the given version's, else the latest version's
 * (sources like NXLog's flat JSON may not carry the version). Null when unknown.
 *
 * @example
 * eventFields('Microsoft-Windows-Sysmon', 3, 5)?.find((f) => f.name === 'DestinationPort')?.type // 'number'
 */
export function eventFields(provider: string, eventId: number, version: number | null): readonly FieldSpec[] | null {
  const entry = catalog().get(provider)?.get(eventId);
  if (entry === undefined) return null;
  if (version !== null) { const exact = entry.versions.get(version); if (exact) return exact; }
  return entry.latest;
}

/**
 * The catalog's field types for an event by field name (built once per catalog entry), or null.
 *
 * @example
 * fieldTypes('Microsoft-Windows-Sysmon', 1, null)?.get('ProcessId') // 'number'
 */
export function fieldTypes(provider: string, eventId: number, version: number | null): ReadonlyMap<string, FieldType> | null {
  const fields = eventFields(provider, eventId, version);
  return fields === null ? null : typesOf(fields);
}

const DECIMAL = /^-?(0|[1-9][0-9]{0,15})$/;
/** Real32/Real64 values as Windows' XML prints them (and as JS prints numbers). */
const REAL = /^-?(0|[1-9][0-9]*)\.[0-9]+(e[-+]?[0-9]+)?$/i;

/** A value converted to the field's binary-log type where that is lossless; else unchanged. */
export function coerceValue(v: EventValue, type: FieldType): EventValue {
  if (v === null || type === 'any' || type === 'array' || Array.isArray(v)) return v;
  switch (type) {
    case 'number':
      if (typeof v === 'string') {
        if (v === '') return null;
        if (DECIMAL.test(v)) { const n = Number(v); if (Number.isSafeInteger(n)) return n; }
        if (REAL.test(v)) { const n = Number(v); if (Number.isFinite(n)) return n; }
      }
      if (typeof v === 'boolean') return v ? 1 : 0;
      return v;
    case 'boolean':
      if (typeof v === 'string') {
        const t = v.toLowerCase();
        if (t === 'true') return true;
        if (t === 'false') return false;
        if (v === '') return null;
      }
      return v;
    case 'string':
    case 'guid':
      return typeof v === 'string' ? v : String(v);
  }
}

/**
 * EventData with the catalog's types applied and, when `reorder` is set, in the catalog's
 * order (fields the catalog does not know follow in their source order). Unknown events
 * come back unchanged.
 *
 * @example
 * typedData('Microsoft-Windows-Sysmon', 3, null, { DestinationPort: '443', Initiated: 'true' }, false)
 * // { DestinationPort: 443, Initiated: true }
 */
export function typedData(provider: string, eventId: number, version: number | null, data: Record<string, EventValue>, reorder: boolean): Record<string, EventValue> {
  const fields = eventFields(provider, eventId, version);
  if (fields === null) return data;
  const out: Record<string, EventValue> = {};
  if (reorder) {
    for (const f of fields) if (Object.prototype.hasOwnProperty.call(data, f.name)) setField(out, f.name, coerceValue(data[f.name], f.type));
    const known = typesOf(fields);
    for (const k of Object.keys(data)) if (!known.has(k)) setField(out, k, data[k]);
    return out;
  }
  const types = typesOf(fields);
  for (const k of Object.keys(data)) {
    const t = types.get(k);
    setField(out, k, t === undefined ? data[k] : coerceValue(data[k], t));
  }
  return out;
}

/**
 * {@link typedData} without reordering, done in place: each value the catalog types
 * differently is replaced, keys and their order stay. For decoders that have just built
 * `data` and own it; rebuilding the object key by key cost more than the conversion.
 *
 * @example
 * applyFieldTypes('Microsoft-Windows-Sysmon', 3, null, data) // data.DestinationPort: '443' → 443
 */
export function applyFieldTypes(provider: string, eventId: number, version: number | null, data: Record<string, EventValue>): void {
  const fields = eventFields(provider, eventId, version);
  if (fields === null) return;
  const types = typesOf(fields);
  for (const k of Object.keys(data)) {
    const t = types.get(k);
    if (t === undefined) continue;
    const v = data[k];
    const typed = coerceValue(v, t);
    if (typed !== v) setField(data, k, typed);
  }
}

const typeMaps = new WeakMap<readonly FieldSpec[], Map<string, FieldType>>();

/** Field name → type for an entry, built once per entry (a Map, so it also answers "is this a catalog field?"). */
function typesOf(fields: readonly FieldSpec[]): Map<string, FieldType> {
  let m = typeMaps.get(fields);
  if (m === undefined) { m = new Map(fields.map((f) => [f.name, f.type])); typeMaps.set(fields, m); }
  return m;
}
