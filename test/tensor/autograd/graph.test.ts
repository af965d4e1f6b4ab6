import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as lt from "../../../tensor/index.js";

describe("autograd.graph", () => {
  it("exports ops, leaves, shapes and edges in topological order", () => {
    const w = lt.ones([3, 2], { requiresGrad: true });
    const x = lt.ones([4, 3]);
    const loss = x.matmul(w).relu().sum();
    const g = lt.autograd.graph(loss, { names: new Map([[w, "weight"]]) });
    assert.deepEqual(
      g.nodes.map((n) => n.op),
      ["leaf", "matmul", "relu", "sum"],
    );
    assert.equal(g.nodes[0].name, "weight");
    assert.deepEqual(g.nodes[1].shape, [4, 2]);
    assert.deepEqual(g.nodes[3].shape, []);
    const ids = g.nodes.map((n) => n.id);
    assert.deepEqual(
      g.edges.map((e) => [ids.indexOf(e.from), ids.indexOf(e.to)]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    );
  });
});
