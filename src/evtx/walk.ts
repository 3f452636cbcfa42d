/**
 * Walking a record's BinXML with its substitution values in scope. Renderers use this
 * instead of a materialised tree: a template is shared, only `values` differ.
 */
import { ValueType, type XmlNode, type XmlValue } from './xml-tree.js';

/** The values a template's substitutions read from. */
export interface Scope {
  readonly values: readonly XmlValue[];
  readonly types: readonly number[];
}

/** Scope of nodes outside any template instance. */
export const EMPTY_SCOPE: Scope = { values: [], types: [] };

/** A node that renders as character data: its JS value and BinXML type. */
export interface ResolvedValue {
  readonly kind: 'value';
  readonly value: XmlValue;
  readonly type: number;
}

/** What a walk yields: elements (with their scope) and resolved character data. */
export type ResolvedNode =
  | { readonly kind: 'element'; readonly node: Extract<XmlNode, { kind: 'element' }>; readonly scope: Scope }
  | ResolvedValue
  | { readonly kind: 'charref'; readonly code: number }
  | { readonly kind: 'entityref'; readonly name: string }
  | { readonly kind: 'cdata'; readonly text: string }
  | { readonly kind: 'pi'; readonly target: string; readonly data: string };

/** True when a substitution value is absent (an optional substitution then vanishes). */
export function isEmptyValue(v: XmlValue, type: number): boolean {
  return v === null || type === ValueType.Null;
}

/**
 * Resolves `nodes` in `scope`: template instances expand to their template's nodes in
 * the instance's scope; substitutions become values, or expand when the value is a
 * nested BinXML fragment; optional substitutions with empty values disappear.
 */
export function resolve(nodes: readonly XmlNode[], scope: Scope, out: ResolvedNode[] = []): ResolvedNode[] {
  for (const n of nodes) {
    switch (n.kind) {
      case 'element': out.push({ kind: 'element', node: n, scope }); break;
      case 'text': out.push(n.cdata ? { kind: 'cdata', text: n.text } : { kind: 'value', value: n.text, type: ValueType.String }); break;
      case 'literal': out.push({ kind: 'value', value: n.value, type: n.type }); break;
      case 'charref': out.push(n); break;
      case 'entityref': out.push(n); break;
      case 'pi': out.push(n); break;
      case 'instance': resolve(n.template.nodes, n, out); break;
      case 'subst': {
        const v = scope.values[n.index];
        const type = scope.types[n.index] ?? ValueType.Null;
        if (v === undefined) break;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) resolve(v.nodes, EMPTY_SCOPE, out);
        else if (!(n.optional && isEmptyValue(v, type))) out.push({ kind: 'value', value: v, type });
        break;
      }
    }
  }
  return out;
}
