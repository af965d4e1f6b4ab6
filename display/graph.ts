/**
 * The autograd graph as a picture (the computational-graph drawings of the
 * dlsys lectures): leaves on the left, each op a box with its output shape,
 * arrows from inputs to the op that consumed them, the result on the right.
 * Takes the `{ nodes, edges }` that `lt.autograd.graph(t)` returns.
 */
import { ValueError } from "../tensor/errors.js";
import type { MimeBundle } from "./channel.js";
import { DISPLAY, type Displayable, escapeHtml } from "./mime.js";

/** A graph node as `lt.autograd.graph` exports it. */
export interface GraphNodeLike {
  id: string;
  op: string;
  shape: readonly number[];
  dtype?: string;
  name?: string;
}

/** The exported graph: nodes in topological order (inputs first) and input → op edges. */
export interface GraphLike {
  nodes: readonly GraphNodeLike[];
  edges: readonly { from: string; to: string }[];
}

const BOX_W = 130;
const BOX_H = 40;
const COL = 180;
const ROW = 62;

/** Each node's inputs, in edge order. */
function inputsOf(g: GraphLike): Map<string, string[]> {
  const inputs = new Map<string, string[]>();
  for (const e of g.edges) {
    const list = inputs.get(e.to);
    if (list) list.push(e.from);
    else inputs.set(e.to, [e.from]);
  }
  return inputs;
}

/** Column of each node: the longest path from a leaf (so every arrow points right). */
function layers(g: GraphLike, inputs: Map<string, string[]>): Map<string, number> {
  const layer = new Map<string, number>();
  const visit = (id: string, depth: number): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (depth > g.nodes.length) throw new ValueError("autogradGraph: the graph has a cycle");
    const l = Math.max(-1, ...(inputs.get(id) ?? []).map((i) => visit(i, depth + 1))) + 1;
    layer.set(id, l);
    return l;
  };
  for (const n of g.nodes) visit(n.id, 0);
  return layer;
}

/**
 * Node positions: columns by depth, rows ordered by the mean row of each
 * node's inputs (one barycentre sweep, enough for lecture-sized graphs).
 *
 * @example
 * layoutGraph(lt.autograd.graph(loss)).get("t0"); // { x: 20, y: 20 }
 */
export function layoutGraph(g: GraphLike): Map<string, { x: number; y: number }> {
  const inputs = inputsOf(g);
  const layer = layers(g, inputs);
  const columns: string[][] = [];
  for (const n of g.nodes) {
    const c = layer.get(n.id)!;
    columns[c] = [...(columns[c] ?? []), n.id];
  }
  const row = new Map<string, number>();
  columns.forEach((ids, c) => {
    if (c > 0) {
      const bary = (id: string) => {
        const ins = inputs.get(id) ?? [];
        return ins.length ? ins.reduce((a, i) => a + row.get(i)!, 0) / ins.length : 0;
      };
      ids.sort((a, b) => bary(a) - bary(b));
    }
    ids.forEach((id, r) => {
      row.set(id, r);
    });
  });
  const tallest = Math.max(...columns.map((c) => c.length));
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((ids, c) => {
    const offset = ((tallest - ids.length) * ROW) / 2;
    ids.forEach((id, r) => {
      pos.set(id, { x: 20 + c * COL, y: 20 + offset + r * ROW });
    });
  });
  return pos;
}

function label(n: GraphNodeLike): string {
  return n.op === "leaf" ? (n.name ?? "leaf") : n.op;
}

/**
 * The graph as SVG plus a text listing (`n3 = mul(t0, t1)  [2, 3]`).
 *
 * @example
 * const x = lt.tensor([1, 2], { requiresGrad: true });
 * display.autogradGraph(lt.autograd.graph(x.mul(x).sum()));
 */
export function autogradGraph(g: GraphLike): Displayable {
  if (!g || !Array.isArray(g.nodes) || !Array.isArray(g.edges)) {
    throw new ValueError("autogradGraph: expected { nodes, edges } from lt.autograd.graph(t)");
  }
  return { [DISPLAY]: () => graphBundle(g) };
}

function graphBundle(g: GraphLike): MimeBundle {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const e of g.edges) {
    if (!byId.has(e.from) || !byId.has(e.to))
      throw new ValueError(`autogradGraph: edge ${e.from} → ${e.to} names a missing node`);
  }
  const pos = layoutGraph(g);
  const result = g.nodes.at(-1)?.id;
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + BOX_W + 20;
  const height = Math.max(...[...pos.values()].map((p) => p.y)) + BOX_H + 20;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const e of g.edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x;
    const y2 = b.y + BOX_H / 2;
    const mid = (x1 + x2) / 2;
    out.push(
      `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>`,
    );
  }
  for (const n of g.nodes) {
    const p = pos.get(n.id)!;
    const leaf = n.op === "leaf";
    const fill = n.id === result ? "#fde9c9" : leaf ? "#dbe9f6" : "#eeeeee";
    const stroke = n.id === result ? "#ff7f0e" : leaf ? "#1f77b4" : "#777";
    out.push(
      `<rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="${leaf ? 4 : 14}" fill="${fill}" stroke="${stroke}"/>`,
    );
    out.push(
      `<text x="${p.x + BOX_W / 2}" y="${p.y + 17}" text-anchor="middle" font-size="13" font-weight="bold" fill="#222">${escapeHtml(label(n))}</text>`,
    );
    out.push(
      `<text x="${p.x + BOX_W / 2}" y="${p.y + 32}" text-anchor="middle" font-size="10" fill="#555">[${n.shape.join(", ")}]${n.dtype && n.dtype !== "float32" ? ` ${escapeHtml(n.dtype)}` : ""}</text>`,
    );
  }
  out.push("</svg>");
  const inputs = inputsOf(g);
  const text = g.nodes
    .map((n) =>
      n.op === "leaf"
        ? `${n.id} = ${label(n)}  [${n.shape.join(", ")}]`
        : `${n.id} = ${n.op}(${(inputs.get(n.id) ?? []).join(", ")})  [${n.shape.join(", ")}]`,
    )
    .join("\n");
  return { "image/svg+xml": out.join(""), "text/plain": text };
}
