/**
 * A table from chunk offsets (0 … 65535) to values: the per-chunk caches of the BinXML
 * decoder (names and templates by the offset they sit at). A Map per chunk cost a hash
 * lookup for every name and template reference — some 200,000 per pass over the corpus,
 * most of them as a chunk's templates are matched against the cross-chunk cache. This is
 * an array indexed by offset, reused from chunk to chunk: `clear()` starts a new chunk
 * in constant time by moving to a new generation; entries of older ones read as absent.
 */
import { CHUNK_SIZE } from './file-header.js';

/** Offset-keyed table with Map-like `get`/`has`/`set`/`delete`, for offsets inside one chunk. */
export class ChunkOffsetTable<T> {
  private readonly generations = new Int32Array(CHUNK_SIZE);
  private readonly values: (T | undefined)[] = new Array<T | undefined>(CHUNK_SIZE).fill(undefined);
  private generation = 1;

  /** Forgets every entry. */
  clear(): void {
    if (this.generation === 0x7fffffff) {
      this.generations.fill(0);
      this.generation = 0;
    }
    this.generation++;
  }

  /** True when `offset` has an entry (any number may be asked: offsets read from corrupt data are). */
  has(offset: number): boolean {
    return offset >= 0 && offset < CHUNK_SIZE && this.generations[offset] === this.generation;
  }

  /** The entry at `offset`, or undefined. */
  get(offset: number): T | undefined {
    return this.has(offset) ? this.values[offset] : undefined;
  }

  /** Sets the entry at `offset`, which must lie inside a chunk (callers have checked it). */
  set(offset: number, value: T): void {
    if (!(offset >= 0 && offset < CHUNK_SIZE)) throw new RangeError(`internal error: chunk offset ${offset} outside a chunk`);
    this.generations[offset] = this.generation;
    this.values[offset] = value;
  }

  /** Removes the entry at `offset`. */
  delete(offset: number): void {
    if (this.has(offset)) {
      this.generations[offset] = 0;
      this.values[offset] = undefined;
    }
  }
}
