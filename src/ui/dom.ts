/** A small DOM builder: no framework, no innerHTML (text is always set as text). */

/** Attributes and handlers of {@link h}: `on*` keys add listeners, `class` sets className. */
export type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** A child: a node, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element.
 *
 * @example h('button', { class: 'primary', onclick: () => run() }, 'Run')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays flattened; null/false skipped). */
export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A value as cell text: a list of plain values comma-separated, other objects as JSON, null as empty. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The last path component of a Windows path (`C:\\x\\cmd.exe` → `cmd.exe`). */
export function baseName(path: unknown): string {
  const s = cellText(path);
  return s.slice(Math.max(s.lastIndexOf('\\'), s.lastIndexOf('/')) + 1);
}
