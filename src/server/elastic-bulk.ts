/**
 * The Elasticsearch `_bulk` request and answer, as far as Haetae serves them: NDJSON
 * action/source pairs in, one result item per action out, in Elasticsearch's exact shape
 * (Beats, Elastic Agent and the official clients parse it: `errors`, then each item's
 * `status` and `error.type` / `error.reason`).
 *
 * Facts the shape follows (Elasticsearch bulk API; libbeat's `bulkCollectPublishFails`):
 * - An action line is `{"<op>": {"_index": …, "_id": …}}`; `index`, `create` and `update`
 *   are followed by a source line, `delete` is not.
 * - Item status < 300 is acknowledged; 409 counts as a duplicate; 429 is retried; other
 *   4xx are dropped by Beats as not indexable (logged by the shipper).
 * - A malformed action line fails the whole request (400), as Elasticsearch does, because
 *   the pairing of the lines after it is lost; a malformed source line fails its item only.
 *
 * Documents are Winlogbeat / Elastic Agent ECS documents, read with {@link eventFromEcs}.
 * Haetae stores events append-only, so `delete` and `update` are answered per item as
 * errors.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { renderLine, type Event } from '../event/index.js';
import { eventFromEcs } from '../formats/index.js';

/** An Elasticsearch error object: `{type, reason}` (the clients read both). */
export interface ElasticError {
  readonly type: string;
  readonly reason: string;
}

/** One action of a bulk request, with its event or the reason it has none. */
export interface BulkItem {
  /** `index`, `create`, `update` or `delete`. */
  readonly op: string;
  readonly index: string;
  readonly id: string;
  /** The event to store, when the action and its document were good. */
  readonly event?: Event;
  /** Why the item fails (its HTTP-style status and Elasticsearch error). */
  readonly failure?: { readonly status: number; readonly error: ElasticError };
}

/** A bulk body whose structure is broken (a bad action line): the whole request is refused. */
export class BulkSyntaxError extends Error {
  override readonly name = 'BulkSyntaxError';
}

/** A parsed bulk request: its items and the SHA-256 of the body (hex). */
export interface BulkRequest {
  readonly items: BulkItem[];
  readonly digest: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Item ids: a document's own `_id`, else one derived from the body's digest and the
 * item's position, so that a resent body gets the same ids back (see the dedup note in
 * elastic.ts) — 20 URL-safe characters like Elasticsearch's own: 14 of the digest in
 * base64url (84 bits) and the position in base 36 (a hash per item cost ~3 µs an event).
 */
function derivedId(digestPrefix: string, position: number): string {
  return digestPrefix + position.toString(36).padStart(6, '0');
}

/** The event of one ECS document, or the item failure explaining why there is none. */
function documentEvent(doc: unknown): { event: Event } | { failure: BulkItem['failure'] } {
  const fail = (reason: string): { failure: BulkItem['failure'] } => ({ failure: { status: 400, error: { type: 'document_parsing_exception', reason } } });
  if (!isObj(doc)) return fail('the document is not a JSON object');
  let e: Event;
  try {
    e = eventFromEcs(doc);
  } catch (err) {
    return fail(`not a Windows event document (Winlogbeat / Elastic Agent ECS): ${(err as Error).message}`);
  }
  // The store's _time is a TIMESTAMP: a document without a usable @timestamp would fail
  // the whole commit it is part of, so it is refused here, alone.
  if (e._time === '' || Number.isNaN(Date.parse(e._time))) return fail(`@timestamp missing or not a date: ${JSON.stringify(doc['@timestamp'] ?? null)}`);
  if (e.line === '') e.line = renderLine(e);
  return { event: e };
}

/**
 * Parses a bulk body. `defaultIndex` is the index of `/<index>/_bulk`.
 * Throws {@link BulkSyntaxError} (with the 1-based line) when an action line is broken.
 *
 * @example
 * parseBulk('{"create":{"_index":"winlogbeat-8.19.0"}}\n{"@timestamp":"…","winlog":{…}}\n', undefined).items[0].op // 'create'
 */
export function parseBulk(body: Buffer, defaultIndex: string | undefined): BulkRequest {
  const hash = createHash('sha256').update(body).digest();
  const digest = hash.toString('hex');
  const digestPrefix = hash.toString('base64url').slice(0, 14);
  const lines = bodyLines(body);
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let action: unknown;
    try { action = JSON.parse(line); } catch (e) {
      throw new BulkSyntaxError(`Malformed action/metadata line [${i + 1}]: ${(e as Error).message}`);
    }
    const ops = isObj(action) ? Object.keys(action) : [];
    if (ops.length !== 1 || !isObj((action as Record<string, unknown>)[ops[0]])) {
      throw new BulkSyntaxError(`Malformed action/metadata line [${i + 1}], expected {"<action>": {…}} with one action`);
    }
    const op = ops[0];
    const meta = (action as Record<string, Record<string, unknown>>)[op];
    const index = typeof meta._index === 'string' ? meta._index : defaultIndex ?? '';
    const ownId = typeof meta._id === 'string' || typeof meta._id === 'number' ? String(meta._id) : null;
    const id = ownId ?? derivedId(digestPrefix, items.length);
    if (op !== 'index' && op !== 'create' && op !== 'update' && op !== 'delete') {
      throw new BulkSyntaxError(`Malformed action/metadata line [${i + 1}], unknown action [${op}]`);
    }
    if (op === 'delete') {
      items.push({ op, index, id, failure: { status: 400, error: { type: 'illegal_argument_exception', reason: 'Haetae stores events append-only: delete is not supported' } } });
      continue;
    }
    // index, create and update carry a source line.
    i++;
    const source = i < lines.length ? lines[i].trim() : '';
    if (op === 'update') {
      items.push({ op, index, id, failure: { status: 400, error: { type: 'illegal_argument_exception', reason: 'Haetae stores events append-only: update is not supported' } } });
      continue;
    }
    if (source === '') {
      items.push({ op, index, id, failure: { status: 400, error: { type: 'document_parsing_exception', reason: `the ${op} action on line ${i} has no document line after it` } } });
      continue;
    }
    let doc: unknown;
    try { doc = JSON.parse(source); } catch (e) {
      items.push({ op, index, id, failure: { status: 400, error: { type: 'document_parsing_exception', reason: `line [${i + 1}]: not JSON: ${(e as Error).message}` } } });
      continue;
    }
    const result = documentEvent(doc);
    items.push({ op, index, id, ...result });
  }
  return { items, digest };
}

/**
 * The body's lines, split on its bytes and decoded one by one: ASCII lines as Latin-1, so
 * that one non-ASCII character in a 1,000-document body does not make every line (and
 * every string JSON.parse makes from it) a two-byte string; other lines as UTF-8.
 */
function bodyLines(body: Buffer): string[] {
  const allAscii = isAscii(body);
  const lines: string[] = [];
  for (let start = 0; start <= body.length;) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    lines.push(body.toString(allAscii || isAscii(body.subarray(start, end)) ? 'latin1' : 'utf8', start, end));
    start = end + 1;
  }
  return lines;
}

/** The answer to a bulk request once its events are committed (Elasticsearch's shape). */
export function bulkAnswer(items: readonly BulkItem[], tookMs: number): { took: number; errors: boolean; items: Record<string, unknown>[] } {
  let seqNo = 0;
  let errors = false;
  const out = items.map((item) => {
    if (item.failure !== undefined) {
      errors = true;
      return { [item.op]: { _index: item.index, _id: item.id, status: item.failure.status, error: item.failure.error } };
    }
    return {
      [item.op]: {
        _index: item.index, _id: item.id, _version: 1, result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: seqNo++, _primary_term: 1, status: 201,
      },
    };
  });
  return { took: Math.round(tookMs), errors, items: out };
}

/** An Elasticsearch error body: `{error: {root_cause, type, reason}, status}`. */
export function elasticErrorBody(status: number, error: ElasticError): Record<string, unknown> {
  return { error: { root_cause: [error], type: error.type, reason: error.reason }, status };
}
