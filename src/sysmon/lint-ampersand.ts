/**
 * Bare `&` in a config's raw text. XML allows `&` only to start a reference (`&amp;`,
 * `&lt;`, `&#38;`…); Sysmon's loader is an XML parser and refuses the whole file over one
 * bare `&` (a classic in command lines such as `cmd /c a & b`). Haetae's XML parser refuses
 * it too, so the linter finds them first in the raw text, reports each, and lints a copy
 * with them escaped — every other finding still shows.
 */

/** References that XML accepts without a DTD: the five predefined entities and character references. */
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/** Markup in which `&` is plain text: comments, CDATA sections, processing instructions. */
const OPAQUE: readonly [string, string][] = [['<!--', '-->'], ['<![CDATA[', ']]>'], ['<?', '?>']];

/** Where a bare `&` sits: 1-based line and column, and the offset in the text. */
export interface BareAmpersand {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The text around it on its line, trimmed, for the message. */
  readonly context: string;
}

/**
 * Every `&` that does not start a reference, outside comments, CDATA and processing
 * instructions, in text order.
 *
 * @example
 * findBareAmpersands('<a>x &amp; y & z</a>').map((a) => a.column) // [14]
 */
export function findBareAmpersands(text: string): BareAmpersand[] {
  const out: BareAmpersand[] = [];
  let line = 1, lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { line++; lineStart = i + 1; continue; }
    if (c === '<') {
      const opaque = OPAQUE.find(([open]) => text.startsWith(open, i));
      if (opaque !== undefined) {
        const end = text.indexOf(opaque[1], i + opaque[0].length);
        const stop = end === -1 ? text.length : end + opaque[1].length;
        // Keep the line count right across the skipped markup.
        for (let j = i; j < stop; j++) if (text[j] === '\n') { line++; lineStart = j + 1; }
        i = stop - 1;
      }
      continue;
    }
    if (c === '&' && !REFERENCE.test(text.slice(i, i + 12))) {
      const lineEnd = text.indexOf('\n', i);
      out.push({ line, column: i - lineStart + 1, offset: i, context: text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).trim() });
    }
  }
  return out;
}

/**
 * The text with each given bare `&` replaced by `&amp;` (what the author meant).
 *
 * @example
 * escapeAmpersands('<a>x & y</a>', findBareAmpersands('<a>x & y</a>')) // '<a>x &amp; y</a>'
 */
export function escapeAmpersands(text: string, bare: readonly BareAmpersand[]): string {
  if (bare.length === 0) return text;
  let out = '', from = 0;
  for (const a of bare) {
    out += text.slice(from, a.offset) + '&amp;';
    from = a.offset + 1;
  }
  return out + text.slice(from);
}
