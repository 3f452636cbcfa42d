/**
 * Renders a record as Windows event XML, the way `wevtutil qe /f:xml` and Event Viewer's
 * XML view print it: one `<Event xmlns='…'>` document per record on one line, single-quoted
 * attributes, empty elements self-closed, values in Windows' text forms:
 * GUIDs `{…}` (uppercase in attributes, as System fields show; lowercase in element
 * content, as EvtRender writes EventData GUIDs), FILETIME with 7 fractional digits,
 * hex integers `0x…` lowercase, binary uppercase hex, arrays comma-joined.
 */
import { resolve, EMPTY_SCOPE, type ResolvedNode, type Scope } from './walk.js';
import { ValueType, type XmlElement, type XmlNode, type XmlValue } from './xml-tree.js';

/** Escapes character data (`&`, `<`, `>`). */
export function escapeText(s: string): string {
  return /[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;
}

/** Escapes a single-quoted attribute value. */
export function escapeAttribute(s: string): string {
  return /[&<>'"]/.test(s)
    ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')
    : s;
}

/** Windows' text form of a value. */
export function valueText(v: XmlValue, type: number, inAttribute: boolean): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map((x) => valueText(x, type & ~ValueType.Array, inAttribute)).join(',');
  if (typeof v === 'object') return '';
  if ((type & ~ValueType.Array) === ValueType.Guid) return inAttribute ? `{${v}}` : `{${String(v).toLowerCase()}}`;
  return String(v);
}

function contentText(nodes: readonly ResolvedNode[], inAttribute: boolean): string {
  let s = '';
  for (const n of nodes) {
    if (n.kind === 'value') {
      const t = valueText(n.value, n.type, inAttribute);
      s += inAttribute ? escapeAttribute(t) : escapeText(t);
    } else if (n.kind === 'charref') s += `&#${n.code};`;
    else if (n.kind === 'entityref') s += `&${n.name};`;
    else if (n.kind === 'cdata') s += `<![CDATA[${n.text}]]>`;
    else if (n.kind === 'pi' && !inAttribute) s += `<?${n.target} ${n.data}?>`;
  }
  return s;
}

function elementXml(el: XmlElement, scope: Scope): string {
  let s = '<' + el.name;
  for (const a of el.attributes) {
    const resolved = resolve(a.value, scope);
    if (resolved.length === 0) continue; // an absent optional substitution drops the attribute
    s += ` ${a.name}='${contentText(resolved, true)}'`;
  }
  const children = resolve(el.children, scope);
  if (children.length === 0) return s + '/>';
  s += '>';
  for (const c of children) s += c.kind === 'element' ? elementXml(c.node, c.scope) : contentText([c], false);
  return s + `</${el.name}>`;
}

/**
 * Renders a record's nodes as one line of Windows event XML.
 *
 * @example
 * recordToXml(record.nodes) // "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>…"
 */
export function recordToXml(nodes: readonly XmlNode[]): string {
  let s = '';
  for (const c of resolve(nodes, EMPTY_SCOPE)) s += c.kind === 'element' ? elementXml(c.node, c.scope) : contentText([c], false);
  return s;
}
