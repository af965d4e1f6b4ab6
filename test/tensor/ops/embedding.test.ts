import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tensor } from "../../../tensor/ops/creation.js";
import { embedding } from "../../../tensor/ops/embedding.js";
import { randn } from "../../../tensor/random.js";
import { checkCase, loadCases } from "../nn_ops_fixtures.js";

describe("embedding matches PyTorch", () => {
  for (const c of loadCases("embedding")) {
    it(c.name, () => {
      checkCase(c, ({ indices, weight }) => embedding(indices, weight, c.options));
    });
  }
});

describe("embedding", () => {
  it("sums the gradient of repeated indices into one row", () => {
    const w = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    embedding(tensor([2, 0, 2], { dtype: "int32" }), w)
      .sum()
      .backward();
    assert.deepEqual(w.grad!.arraySync(), [
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
  });

  it("looks up a scalar index as one row", () => {
    const w = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(embedding(tensor(1, { dtype: "int32" }), w).arraySync(), [3, 4]);
  });

  it("rejects float indices, bad weights and out-of-range indices", () => {
    const w = randn([4, 2]);
    assert.throws(
      () => embedding(tensor([1, 2]), w),
      /embedding: indices must be int32, got float32/,
    );
    assert.throws(
      () => embedding(tensor([1], { dtype: "int32" }), randn([4])),
      /weight must be 2-D/,
    );
    assert.throws(() => embedding(tensor([4], { dtype: "int32" }), w), /out of range|index/i);
    assert.throws(
      () => embedding(tensor([1], { dtype: "int32" }), w, { paddingIdx: 4 }),
      /paddingIdx 4 is out of range for 4 embeddings/,
    );
  });
});
