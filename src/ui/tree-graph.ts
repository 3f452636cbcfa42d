/**
 * The process tree drawn as a graph (SVG): the chain from the topmost known ancestor to
 * the process in focus, and the focus's descendants, as boxes joined by parent → child
 * edges, laid out left to right by generation. Click a box to select that process.
 * The focus is outlined; a process started outside the logs (known only as a parent) is
 * drawn dashed. Large subtrees are cut at {@link MAX_DRAWN} boxes and say so.
 */
import { baseName } from './dom.js';
import { ancestors, type ProcessNode } from './process-tree.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Boxes drawn at most: beyond that the list beside the graph still has every process. */
const MAX_DRAWN = 300;
const BOX_W = 150;
const BOX_H = 34;
const GAP_X = 40;
const GAP_Y = 10;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** A drawn process: where its box is. */
interface Placed { readonly node: ProcessNode; readonly x: number; readonly y: number }

/**
 * Lays out the chain and the focus's subtree: x by generation, y by the order of leaves
 * (a parent centred on its children), as a tidy tree would.
 */
function layout(focus: ProcessNode): { placed: Placed[]; cut: boolean } {
  const chain = [...ancestors(focus)].reverse(); // topmost ancestor first
  const placed: Placed[] = [];
  let row = 0;
  let cut = false;
  const place = (n: ProcessNode, depth: number): number => {
    if (placed.length >= MAX_DRAWN) { cut = true; return row; }
    const kids = n.children.slice(0, Math.max(0, MAX_DRAWN - placed.length - 1));
    if (kids.length < n.children.length) cut = true;
    const index = placed.length;
    placed.push({ node: n, x: depth, y: 0 });
    let y: number;
    if (kids.length === 0) y = row++;
    else { const ys = kids.map((k) => place(k, depth + 1)); y = (ys[0]! + ys[ys.length - 1]!) / 2; }
    placed[index] = { node: n, x: depth, y };
    return y;
  };
  const focusY = place(focus, chain.length);
  chain.forEach((n, depth) => placed.push({ node: n, x: depth, y: focusY }));
  return { placed, cut };
}

/**
 * The tree as an SVG graph. `onSelect` gets the clicked process; `select(node)` marks a
 * process selected from elsewhere (the list beside it).
 */
export function treeGraph(focus: ProcessNode, onSelect: (n: ProcessNode) => void): { element: HTMLElement; select(n: ProcessNode): void } {
  const { placed, cut } = layout(focus);
  const at = new Map(placed.map((p) => [p.node, p]));
  const width = (Math.max(...placed.map((p) => p.x)) + 1) * (BOX_W + GAP_X);
  const height = (Math.max(...placed.map((p) => p.y)) + 1) * (BOX_H + GAP_Y);
  const root = svg('svg', { class: 'tree-graph-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'process tree' });
  const left = (p: Placed): number => p.x * (BOX_W + GAP_X);
  const top = (p: Placed): number => p.y * (BOX_H + GAP_Y);
  for (const p of placed) {
    const parent = p.node.parent ? at.get(p.node.parent) : undefined;
    if (!parent) continue;
    const x1 = left(parent) + BOX_W, y1 = top(parent) + BOX_H / 2, x2 = left(p), y2 = top(p) + BOX_H / 2, mx = (x1 + x2) / 2;
    root.appendChild(svg('path', { class: 'tree-graph-edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` }));
  }
  const boxes = new Map<ProcessNode, SVGGElement>();
  for (const p of placed) {
    const n = p.node;
    const known = n.sysmon !== undefined || n.security !== undefined;
    const g = svg('g', { class: `tree-graph-node${n === focus ? ' focus' : ''}${known ? '' : ' inferred'}`, transform: `translate(${left(p)},${top(p)})`, 'data-image': baseName(n.image).toLowerCase(), tabindex: 0 },
      svg('title', {}, `${n.image} (PID ${n.pid})\n${n.commandLine}`),
      svg('rect', { width: BOX_W, height: BOX_H, rx: 4 }),
      svg('text', { x: 8, y: 14 }, (baseName(n.image) || '?').slice(0, 22)),
      svg('text', { x: 8, y: 28, class: 'tree-graph-pid' }, `PID ${n.pid}${n.sysmon ? ' · Sysmon' : ''}${n.security ? ' · 4688' : ''}`));
    const choose = (): void => { mark(n); onSelect(n); };
    g.addEventListener('click', choose);
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
    boxes.set(n, g);
    root.appendChild(g);
  }
  const mark = (n: ProcessNode): void => {
    for (const [node, g] of boxes) g.classList.toggle('selected', node === n);
  };
  const element = document.createElement('div');
  element.className = 'tree-graph';
  element.appendChild(root);
  if (cut) {
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = `${MAX_DRAWN}+ processes: the graph shows the first ${MAX_DRAWN}; the list below has them all.`;
    element.appendChild(note);
  }
  return { element, select: mark };
}
