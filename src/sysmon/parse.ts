/**
 * Reads a Sysmon configuration file into the typed model (model.ts): any schema from 3.x
 * to 4.90+, UTF-8 or UTF-16 with or without BOM, comments kept in place. XML goes through
 * the project's strict parser (formats/xml-parser.ts): no DTD, no external entities.
 *
 * A config that is not XML, or whose root is not `<Sysmon>`, cannot be modelled: that is a
 * {@link SysmonConfigError} naming the line. Anything else Sysmon would refuse (an unknown
 * event tag or condition, a bad `onmatch`) is a {@link ConfigProblem}; the rest of the
 * config is still read, so one typo does not hide what the other rules do.
 */
import type { SourceNode } from '../event/index.js';
import { parseXmlElement } from '../formats/index.js';
import { conditionOf, eventTag, schemaNumber } from './catalog.js';
import type { ConfigComment, ConfigProblem, ConfigRule, ConfigSetting, EventBlock, FieldFilter, Relation, RuleGroup, SysmonConfig } from './model.js';

type Element = Extract<SourceNode, { kind: 'element' }>;

/** A config that cannot be read at all; the message names the file and line. */
export class SysmonConfigError extends Error {
  override readonly name = 'SysmonConfigError';
}

/** The result of reading a config: the model and what Sysmon would refuse in it. */
export interface ParsedConfig {
  readonly config: SysmonConfig;
  readonly problems: ConfigProblem[];
}

/**
 * Decodes a config file's bytes: UTF-8 (BOM optional) or UTF-16 LE/BE (by BOM, or by the
 * zero bytes of `<` written in UTF-16 without one, as some editors save Sysmon configs).
 */
export function decodeConfigBytes(bytes: Uint8Array): string {
  const b0 = bytes[0], b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (b0 === 0xfe && b1 === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (b0 !== 0 && b1 === 0 && bytes.length > 3) return new TextDecoder('utf-16le').decode(bytes);
  if (b0 === 0 && b1 !== 0 && bytes.length > 3) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM
}

/** Maps offsets to 1-based line numbers. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** Where elements sit in the text, and the comments inside each (by child position). */
interface Layout {
  readonly start: Map<Element, number>;
  /** Per element (null: outside the root), comments as [index among child elements, text]. */
  readonly comments: Map<Element | null, [number, string][]>;
}

/** Places each comment in its innermost enclosing element, before the child elements that follow it. */
function layout(elements: [Element, number, number][], comments: [string, number][]): Layout {
  const start = new Map<Element, number>();
  type Mark = { at: number; order: number; open?: Element; close?: Element; comment?: string };
  const marks: Mark[] = [];
  for (const [el, s, e] of elements) {
    start.set(el, s);
    marks.push({ at: s, order: 1, open: el }, { at: e, order: 0, close: el });
  }
  for (const [text, s] of comments) marks.push({ at: s, order: 2, comment: text });
  marks.sort((a, b) => a.at - b.at || a.order - b.order);
  const stack: { el: Element | null; children: number }[] = [{ el: null, children: 0 }];
  const out = new Map<Element | null, [number, string][]>();
  for (const m of marks) {
    const top = stack[stack.length - 1];
    if (m.open) stack.push({ el: m.open, children: 0 });
    else if (m.close) { stack.pop(); stack[stack.length - 1].children++; }
    else if (m.comment !== undefined) {
      const list = out.get(top.el) ?? [];
      list.push([top.children, m.comment]);
      out.set(top.el, list);
    }
  }
  return { start, comments: out };
}

function attribute(el: Element, name: string): string | undefined {
  const a = el.attributes.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return a === undefined ? undefined : a.value.map((v) => (v.kind === 'text' ? v.text : '')).join('');
}

function textOf(el: Element): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
}

function childElements(el: Element): Element[] {
  return el.children.filter((c): c is Element => c.kind === 'element');
}

class ConfigReader {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly lines: Lines, private readonly where: Layout) {}

  line(el: Element): number {
    return this.lines.at(this.where.start.get(el) ?? 0);
  }

  problem(el: Element, message: string): void {
    this.problems.push({ line: this.line(el), message });
  }

  /** The child elements of `el` mapped by `read` (undefined = dropped), with its comments in place. */
  items<T>(el: Element, read: (child: Element) => T | undefined): (T | ConfigComment)[] {
    const comments = this.where.comments.get(el) ?? [];
    const out: (T | ConfigComment)[] = [];
    let c = 0;
    childElements(el).forEach((child, i) => {
      while (c < comments.length && comments[c][0] <= i) out.push({ kind: 'comment', text: comments[c++][1] });
      const item = read(child);
      if (item !== undefined) out.push(item);
    });
    while (c < comments.length) out.push({ kind: 'comment', text: comments[c++][1] });
    return out;
  }

  relation(el: Element): Relation | undefined {
    const raw = attribute(el, 'groupRelation');
    if (raw === undefined) return undefined;
    const r = raw.trim().toLowerCase();
    if (r === 'and' || r === 'or') return r;
    this.problem(el, `<${el.name}> groupRelation="${raw}": must be "and" or "or"`);
    return undefined;
  }

  config(root: Element, leadingComments: ConfigComment[]): SysmonConfig {
    const schemaVersion = attribute(root, 'schemaversion') ?? '';
    const schema = schemaNumber(schemaVersion);
    if (schemaVersion === '') this.problem(root, '<Sysmon> has no schemaversion attribute: Sysmon refuses the config');
    else if (schema === null) this.problem(root, `<Sysmon schemaversion="${schemaVersion}">: not a version number`);
    let filtering: (RuleGroup | EventBlock | ConfigComment)[] | undefined;
    // The marker keeps <EventFiltering>'s place among the settings, so printing puts it back there.
    const read = this.items<ConfigSetting | 'EventFiltering'>(root, (child) => {
      if (child.name === 'EventFiltering') {
        if (filtering !== undefined) { this.problem(child, 'a second <EventFiltering>: Sysmon reads one; this one is ignored'); return undefined; }
        filtering = this.items(child, (c) => this.filteringItem(c));
        return 'EventFiltering';
      }
      if (childElements(child).length > 0) this.problem(child, `<${child.name}> holds elements: a setting holds only text`);
      return { kind: 'setting', name: child.name, value: textOf(child).trim(), line: this.line(child) };
    });
    const filteringAt = read.indexOf('EventFiltering');
    const settings = read.filter((s): s is ConfigSetting | ConfigComment => s !== 'EventFiltering');
    const binaryVersion = attribute(root, 'binaryversion');
    return {
      schemaVersion, schema, ...(binaryVersion !== undefined ? { binaryVersion } : {}),
      leadingComments, settings, filteringAt, filtering: filtering ?? [], line: this.line(root),
    };
  }

  filteringItem(el: Element): RuleGroup | EventBlock | undefined {
    if (el.name === 'RuleGroup') {
      const name = attribute(el, 'name');
      const groupRelation = this.relation(el);
      const items = this.items(el, (c) => {
        const block = this.block(c);
        if (block === undefined && eventTag(c.name) === undefined && c.name !== 'RuleGroup') return undefined;
        if (c.name === 'RuleGroup') this.problem(c, 'a <RuleGroup> inside a <RuleGroup>: Sysmon does not nest them; ignored');
        return block;
      });
      return { kind: 'group', ...(name !== undefined ? { name } : {}), ...(groupRelation ? { groupRelation } : {}), items, line: this.line(el) };
    }
    return this.block(el);
  }

  block(el: Element): EventBlock | undefined {
    const spec = eventTag(el.name);
    if (spec === undefined) {
      if (el.name !== 'RuleGroup') this.problem(el, `<${el.name}> is not a Sysmon event tag (expected one of ProcessCreate, NetworkConnect, …)`);
      return undefined;
    }
    if (spec.tag !== el.name) this.problem(el, `<${el.name}>: Sysmon's tag is <${spec.tag}> (element names are case-sensitive)`);
    const raw = attribute(el, 'onmatch');
    const onmatch = raw?.trim().toLowerCase();
    if (onmatch !== 'include' && onmatch !== 'exclude') {
      this.problem(el, `<${el.name}> onmatch=${raw === undefined ? '(missing)' : `"${raw}"`}: must be "include" or "exclude"; block ignored`);
      return undefined;
    }
    const items = this.items<FieldFilter | ConfigRule>(el, (c) => (c.name === 'Rule' ? this.rule(c) : this.filter(c)));
    return { kind: 'block', tag: spec.tag, onmatch, items, line: this.line(el) };
  }

  rule(el: Element): ConfigRule {
    const name = attribute(el, 'name');
    const groupRelation = this.relation(el);
    const items = this.items<FieldFilter>(el, (c) => {
      if (c.name === 'Rule') { this.problem(c, 'a <Rule> inside a <Rule>: Sysmon does not nest them; ignored'); return undefined; }
      return this.filter(c);
    });
    return { kind: 'rule', ...(name !== undefined ? { name } : {}), ...(groupRelation ? { groupRelation } : {}), items, line: this.line(el) };
  }

  filter(el: Element): FieldFilter | undefined {
    const conditionText = attribute(el, 'condition');
    const condition = conditionText === undefined ? 'is' : conditionOf(conditionText);
    if (condition === undefined) {
      this.problem(el, `<${el.name} condition="${conditionText}">: unknown condition; filter ignored`);
      return undefined;
    }
    if (childElements(el).length > 0) this.problem(el, `<${el.name}> holds elements: a filter holds only its value`);
    const name = attribute(el, 'name');
    return {
      kind: 'filter', field: el.name, condition,
      ...(conditionText !== undefined && conditionText !== condition ? { conditionText } : {}),
      value: textOf(el), ...(name !== undefined ? { name } : {}), line: this.line(el),
    };
  }
}

/**
 * Parses a Sysmon configuration (text, or the file's bytes in any of Sysmon's encodings).
 * Throws {@link SysmonConfigError} when it is not XML or not a `<Sysmon>` document.
 *
 * @example
 * const { config } = parseSysmonConfig('<Sysmon schemaversion="4.90"><EventFiltering/></Sysmon>');
 * config.schema // 4.9
 */
export function parseSysmonConfig(input: string | Uint8Array, file = 'config'): ParsedConfig {
  const text = typeof input === 'string' ? input.replace(/^\ufeff/, '') : decodeConfigBytes(input);
  const elements: [Element, number, number][] = [];
  const comments: [string, number][] = [];
  let root: Element;
  try {
    root = parseXmlElement(text, {
      element: (el, s, e) => elements.push([el, s, e]),
      comment: (t, s) => comments.push([t, s]),
    });
  } catch (e) {
    throw new SysmonConfigError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lines = new Lines(text);
  const where = layout(elements, comments);
  if (root.name !== 'Sysmon') throw new SysmonConfigError(`${file}:${lines.at(where.start.get(root) ?? 0)}: the root element is <${root.name}>, not <Sysmon>`);
  const reader = new ConfigReader(lines, where);
  const leading = (where.comments.get(null) ?? []).filter(([i]) => i === 0).map(([, t]): ConfigComment => ({ kind: 'comment', text: t }));
  const config = reader.config(root, leading);
  return { config, problems: reader.problems };
}
