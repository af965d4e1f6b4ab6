import assert from "node:assert/strict";
import { test } from "node:test";
import { autogradGraph, layoutGraph } from "../../display/graph.js";
import { DISPLAY } from "../../display/mime.js";
import { LecternError } from "../../tensor/errors.js";

// loss = sum(mul(x, w) + b): the shape lt.autograd.graph exports.
const g = {
  nodes: [
    { id: "t0", op: "leaf", shape: [2], dtype: "float32", name: "x" },
    { id: "t1", op: "leaf", shape: [2], dtype: "float32", name: "w" },
    { id: "n2", op: "mul", shape: [2], dtype: "float32" },
    { id: "t2", op: "leaf", shape: [2], dtype: "float32", name: "b" },
    { id: "n3", op: "add", shape: [2], dtype: "float32" },
    { id: "n4", op: "sum", shape: [], dtype: "float32" },
  ],
  edges: [
    { from: "t0", to: "n2" },
    { from: "t1", to: "n2" },
    { from: "n2", to: "n3" },
    { from: "t2", to: "n3" },
    { from: "n3", to: "n4" },
  ],
};

test("layout puts every op right of its inputs", () => {
  const pos = layoutGraph(g);
  for (const e of g.edges) assert.ok(pos.get(e.from)!.x < pos.get(e.to)!.x, `${e.from} → ${e.to}`);
  assert.equal(pos.get("t0")!.x, pos.get("t2")!.x, "leaves share the first column");
});

test("the bundle is an SVG with a box per node and an arrow per edge, plus a text listing", () => {
  const b = autogradGraph(g)[DISPLAY]() as Record<string, string>;
  const svg = b["image/svg+xml"]!;
  assert.equal([...svg.matchAll(/<rect x=/g)].length, 6);
  assert.equal([...svg.matchAll(/marker-end="url\(#arrow\)"/g)].length, 5);
  assert.deepEqual(
    [...svg.matchAll(/font-weight="bold" fill="#222">([^<]+)</g)].map((m) => m[1]),
    ["x", "w", "mul", "b", "add", "sum"],
  );
  assert.equal(
    b["text/plain"],
    [
      "t0 = x  [2]",
      "t1 = w  [2]",
      "n2 = mul(t0, t1)  [2]",
      "t2 = b  [2]",
      "n3 = add(n2, t2)  [2]",
      "n4 = sum(n3)  []",
    ].join("\n"),
  );
});

test("malformed graphs are rejected", () => {
  assert.throws(() => autogradGraph({} as never), LecternError);
  const bad = autogradGraph({
    nodes: [{ id: "a", op: "leaf", shape: [] }],
    edges: [{ from: "a", to: "zz" }],
  });
  assert.throws(() => bad[DISPLAY](), /edge a → zz names a missing node/);
});
