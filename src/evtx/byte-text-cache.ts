/**
 * A small direct-mapped cache from short byte strings to the text they format to.
 * GUIDs and SIDs repeat record after record (provider GUIDs, `S-1-5-18`, the same few
 * accounts), and building their text costs a dozen or more string concatenations;
 * comparing their bytes with the last ones seen in a slot costs a few loads.
 */
export class ByteTextCache {
  private readonly keys: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly texts: string[];
  private readonly mask: number;

  /**
   * @param slots number of entries, a power of two
   * @param maxBytes longest byte string cached; longer ones are never found nor stored
   */
  constructor(slots: number, private readonly maxBytes: number) {
    this.keys = new Uint8Array(slots * maxBytes);
    this.lengths = new Int32Array(slots).fill(-1);
    this.texts = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** Slot of `b[o, o + n)`: mixes the bytes that differ most between values (ends, first bytes). */
  private slot(b: Uint8Array, o: number, n: number): number {
    return (b[o] ^ (b[o + 1] << 3) ^ (b[o + n - 1] << 1) ^ (b[o + n - 2] << 5) ^ (b[o + n - 4] << 2) ^ n) & this.mask;
  }

  /** The text cached for `b[o, o + n)` (n ≥ 4), or undefined. */
  get(b: Uint8Array, o: number, n: number): string | undefined {
    if (n > this.maxBytes) return undefined;
    const s = this.slot(b, o, n);
    if (this.lengths[s] !== n) return undefined;
    const k = this.keys;
    const at = s * this.maxBytes;
    for (let i = 0; i < n; i++) if (k[at + i] !== b[o + i]) return undefined;
    return this.texts[s];
  }

  /** Remembers `text` for `b[o, o + n)` (n ≥ 4), replacing what its slot held. */
  set(b: Uint8Array, o: number, n: number, text: string): void {
    if (n > this.maxBytes) return;
    const s = this.slot(b, o, n);
    const at = s * this.maxBytes;
    for (let i = 0; i < n; i++) this.keys[at + i] = b[o + i];
    this.lengths[s] = n;
    this.texts[s] = text;
  }
}
