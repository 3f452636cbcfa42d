/**
 * A small, strict XML parser for one event document at a time (XML 1.0 elements,
 * attributes, character data, CDATA, comments, processing instructions, the five
 * predefined entities and character references).
 *
 * Deliberately absent: DTDs. A `<!DOCTYPE`/`<!ENTITY` is refused and any other named
 * entity is an error, so no external entity is ever fetched and no entity expansion can
 * blow up memory (XXE and "billion laughs" cannot happen by construction).
 */
import type { SourceNode } from '../event/index.js';
import { RecordError } from './types.js';

type Element = Extract<SourceNode, { kind: 'element' }>;
type Attribute = Element['attributes'][number];

/**
 * Optional observers for readers that need more than the element tree: where each element
 * starts and ends (offsets into the text) and the comments, which the tree leaves out.
 * Configuration files (src/sysmon/) use them for line numbers and to keep comments.
 */
export interface XmlObserver {
  /** Called when an element is complete; `start` is its `<`, `end` just past its last `>`. */
  element?(element: Element, start: number, end: number): void;
  /** Called for each comment, with its text (without `<!--`/`-->`) and the offset of `<!--`. */
  comment?(text: string, start: number): void;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.\u00b7\u00c0-\uffff]*/y;
const SPACE = /[ \t\r\n]*/y;
/** Elements nested deeper than this are refused (event XML is 4–6 levels deep). */
const MAX_DEPTH = 64;

/**
 * Parses one XML document or fragment holding a single root element; returns the root.
 * Namespace prefixes are dropped from names (`e:Event` → `Event`), as event XML readers do.
 * Throws {@link RecordError} with the line and column (relative to `text`) of the problem.
 *
 * @example
 * parseXmlElement("<Event><System><EventID>1</EventID></System></Event>").name // 'Event'
 */
export function parseXmlElement(text: string, observer?: XmlObserver): Element {
  const p = new Parser(text, observer);
  p.misc();
  if (text.startsWith('<!DOCTYPE', p.pos) || text.startsWith('<!ENTITY', p.pos)) p.fail('DOCTYPE and ENTITY declarations are refused (no DTD processing)');
  if (text[p.pos] !== '<') p.fail('expected an element');
  const root = p.element(0);
  p.misc();
  if (p.pos < text.length) p.fail('content after the root element');
  return root;
}

/** Decodes entity and character references in `raw`, which starts at `at` in the document. */
function decodeReferences(raw: string, p: Parser, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,32});?/g, (m, ref: string, offset: number) => {
    if (!m.endsWith(';')) p.fail('"&" must start an entity reference ending with ";"', at + offset);
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code < 0 || code > 0x10ffff || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(ref)) p.fail(`bad character reference &${ref};`, at + offset);
      return String.fromCodePoint(code);
    }
    const v = PREDEFINED[ref];
    if (v === undefined) p.fail(`undefined entity &${ref}; (only the five predefined XML entities are accepted)`, at + offset);
    return v;
  });
}

function localName(qualified: string): string {
  const colon = qualified.lastIndexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

class Parser {
  pos = 0;
  constructor(readonly text: string, private readonly observer?: XmlObserver) {}

  /** Throws a RecordError naming the line and column of `at`. */
  fail(message: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new RecordError(`XML error at line ${line}, column ${column}: ${message}`);
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  /** Reads a name as written (with any namespace prefix). */
  private qualifiedName(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.text);
    if (m === null) this.fail('expected a name');
    this.pos = NAME.lastIndex;
    return m[0];
  }

  private skipPast(end: string, what: string): void {
    const i = this.text.indexOf(end, this.pos);
    if (i === -1) this.fail(`unterminated ${what}`);
    this.pos = i + end.length;
  }

  /** Skips whitespace, comments and processing instructions (including the XML declaration). */
  misc(): void {
    for (;;) {
      this.space();
      if (this.text.startsWith('<!--', this.pos)) this.comment();
      else if (this.text.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else return;
    }
  }

  private comment(): void {
    const start = this.pos;
    this.skipPast('-->', 'comment');
    this.observer?.comment?.(this.text.slice(start + 4, this.pos - 3), start);
  }

  private done(element: Element, start: number): Element {
    this.observer?.element?.(element, start, this.pos);
    return element;
  }

  element(depth: number): Element {
    if (depth > MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    const start = this.pos;
    this.pos++; // '<'
    const rawName = this.qualifiedName();
    const name = localName(rawName);
    const attributes: Attribute[] = [];
    for (;;) {
      this.space();
      const c = this.text[this.pos];
      if (c === '/' && this.text[this.pos + 1] === '>') { this.pos += 2; return this.done({ kind: 'element', name, attributes, children: [] }, start); }
      if (c === '>') { this.pos++; break; }
      if (c === undefined) this.fail(`unterminated start tag <${rawName}`, start);
      const attrName = this.qualifiedName();
      this.space();
      if (this.text[this.pos] !== '=') this.fail(`expected "=" after attribute ${attrName}`);
      this.pos++;
      this.space();
      const quote = this.text[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${attrName}: value must be quoted`);
      const end = this.text.indexOf(quote, this.pos + 1);
      if (end === -1) this.fail(`attribute ${attrName}: unterminated value`);
      const raw = this.text.slice(this.pos + 1, end);
      if (raw.includes('<')) this.fail(`attribute ${attrName}: "<" in a value`, this.pos + 1 + raw.indexOf('<'));
      // Namespace declarations are not event data.
      if (attrName !== 'xmlns' && !attrName.startsWith('xmlns:')) {
        attributes.push({ name: localName(attrName), value: [{ kind: 'text', text: decodeReferences(raw, this, this.pos + 1) }] });
      }
      this.pos = end + 1;
    }
    const children: SourceNode[] = [];
    let text = '';
    const flush = (): void => { if (text !== '') { children.push({ kind: 'text', text }); text = ''; } };
    for (;;) {
      const lt = this.text.indexOf('<', this.pos);
      if (lt === -1) this.fail(`element <${rawName}> is not closed`, start);
      if (lt > this.pos) text += decodeReferences(this.text.slice(this.pos, lt), this, this.pos);
      this.pos = lt;
      if (this.text.startsWith('</', lt)) {
        this.pos += 2;
        const closing = this.qualifiedName();
        if (closing !== rawName) this.fail(`</${closing}> does not close <${rawName}>`);
        this.space();
        if (this.text[this.pos] !== '>') this.fail('expected ">"');
        this.pos++;
        flush();
        return this.done({ kind: 'element', name, attributes, children }, start);
      }
      if (this.text.startsWith('<![CDATA[', lt)) {
        const end = this.text.indexOf(']]>', lt + 9);
        if (end === -1) this.fail('unterminated CDATA section');
        text += this.text.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (this.text.startsWith('<!--', lt)) this.comment();
      else if (this.text.startsWith('<?', lt)) this.skipPast('?>', 'processing instruction');
      else if (this.text.startsWith('<!', lt)) this.fail('DOCTYPE and ENTITY declarations are refused (no DTD processing)');
      else { flush(); children.push(this.element(depth + 1)); }
    }
  }
}
