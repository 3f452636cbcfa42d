/** Small helpers for operators that work batch by batch. */
import type { Row } from '../value.js';
import type { RowStream } from './context.js';

/** Default rows per batch. */
export const BATCH_SIZE = 1024;

/**
 * Applies `fn` to each batch, dropping empty results.
 *
 * @example
 * mapBatches(input, (rows) => rows.filter(keep))
 */
export async function* mapBatches(input: RowStream, fn: (rows: Row[]) => Row[]): RowStream {
  for await (const rows of input) {
    const out = fn(rows);
    if (out.length > 0) yield out;
  }
}

/** Reads a whole stream into one array (for blocking operators: sort, stats, join's subquery). */
export async function collect(input: RowStream): Promise<Row[]> {
  const all: Row[] = [];
  for await (const rows of input) for (const r of rows) all.push(r);
  return all;
}

/** Yields an array as batches. */
export async function* fromArray(rows: Row[], size = BATCH_SIZE): RowStream {
  for (let i = 0; i < rows.length; i += size) {
    yield await Promise.resolve(rows.slice(i, i + size));
  }
}
