/**
 * JSON records from lines: JSON Lines (one object a line, the fast path), pretty-printed
 * objects (`evtx_dump -o json`, with its `Record N` lines), and arrays of objects
 * (PowerShell's `ConvertTo-Json`). A multi-line record starts at a line holding only `{`
 * or `[`, so a truncated JSON line never swallows the lines after it.
 */
import type { SourceLine } from './source.js';

/** A parsed JSON object with the line it starts on, or the reason a record was skipped. */
export type JsonRecord =
  | { readonly kind: 'object'; readonly line: number; readonly value: Record<string, unknown> }
  | { readonly kind: 'bad'; readonly line: number; readonly reason: string };

/** Multi-line records larger than this are skipped. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Net `{`/`[` depth change of a line, ignoring brackets inside strings. */
function depthChange(s: string): number {
  let d = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash escape
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) d++;
    else if (c === 0x7d || c === 0x5d) d--;
  }
  return d;
}

/** Turns line batches into JSON record batches (stateful across batches for multi-line records). */
export class JsonRecordReader {
  private pending: string[] = [];
  private pendingChars = 0;
  private pendingLine = 0;
  private depth = 0;

  /** Records completed by these lines. */
  read(lines: readonly SourceLine[]): JsonRecord[] {
    const out: JsonRecord[] = [];
    for (const l of lines) {
      if (l.kind === 'bad') { out.push({ kind: 'bad', line: l.line, reason: l.reason }); continue; }
      if (this.depth > 0) { this.continueRecord(l.text, out); continue; }
      // Fast path, a JSON line as written (`{…}`, no surrounding space): parsed as it is.
      const text = l.text;
      if (text.length > 1 && text.charCodeAt(0) === 0x7b && text.charCodeAt(text.length - 1) === 0x7d) { this.parse(text, l.line, out); continue; }
      const t = text.trim();
      if (t === '' || t === ',' || t === ']' || /^Record \d+$/.test(t)) continue;
      if (t === '{' || t === '[') { this.startRecord(t, l.line); continue; }
      this.parse(t.endsWith(',') && !t.endsWith('",') ? t.slice(0, -1) : t, l.line, out);
    }
    return out;
  }

  /** Reports a record left open at the end of the input. */
  finish(): JsonRecord[] {
    if (this.depth === 0) return [];
    const line = this.pendingLine;
    this.pending = []; this.depth = 0; this.pendingChars = 0;
    return [{ kind: 'bad', line, reason: 'JSON record not closed at end of input' }];
  }

  private startRecord(t: string, line: number): void {
    this.pending = [t];
    this.pendingChars = t.length;
    this.pendingLine = line;
    this.depth = 1;
  }

  private continueRecord(text: string, out: JsonRecord[]): void {
    this.pendingChars += text.length;
    if (this.pendingChars > MAX_RECORD_CHARS) {
      out.push({ kind: 'bad', line: this.pendingLine, reason: `JSON record longer than ${MAX_RECORD_CHARS} characters` });
      this.pending = []; this.depth = 0;
      return;
    }
    this.pending.push(text);
    this.depth += depthChange(text);
    if (this.depth > 0) return;
    const joined = this.pending.join('\n').trim();
    this.pending = [];
    this.depth = 0;
    this.parse(joined.endsWith(',') ? joined.slice(0, -1) : joined, this.pendingLine, out);
  }

  private parse(text: string, line: number, out: JsonRecord[]): void {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      out.push({ kind: 'bad', line, reason: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (Array.isArray(v)) for (const x of v) this.push(x, line, out);
    else this.push(v, line, out);
  }

  private push(x: unknown, line: number, out: JsonRecord[]): void {
    if (isObject(x)) out.push({ kind: 'object', line, value: x });
    else out.push({ kind: 'bad', line, reason: `expected a JSON object, found ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}` });
  }
}
