/**
 * Windows event XML (as a tree, possibly with template substitutions) → {@link Event}.
 *
 * The tree shape is structural so that any decoder can feed it: the EVTX reader passes
 * its BinXML templates + values unchanged (no per-record tree is materialised), and
 * text XML parsers pass plain elements. Records that are template instances go through
 * a compiled plan (template-plan.ts); anything else through the generic walk (xml-walk.ts).
 */
import type { Event } from './event.js';
import { fromTemplate } from './template-plan.js';
import { eventFromXmlWalk, type SourceNode } from './xml-walk.js';

export { eventFromXmlWalk, type SourceNode, type SourceTemplate, type SourceValue } from './xml-walk.js';

/**
 * Builds an {@link Event} from the top-level nodes of an event XML document (for EVTX:
 * a record's nodes, normally one template instance). Returns null when there is no
 * `<Event>` element.
 *
 * @example
 * const e = eventFromXml(record.nodes); // record from the EVTX reader
 */
export function eventFromXml(nodes: readonly SourceNode[]): Event | null {
  if (nodes.length === 1 && nodes[0].kind === 'instance') {
    const fast = fromTemplate(nodes[0]);
    if (fast !== null) return fast;
  }
  return eventFromXmlWalk(nodes);
}
