import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ones } from "../../../tensor/ops/creation.js";
import { dropout, dropout1d, dropout2d } from "../../../tensor/ops/dropout.js";
import { manualSeed } from "../../../tensor/random.js";

describe("dropout", () => {
  it("zeroes about p of the elements and scales the rest by 1/(1-p)", () => {
    manualSeed(1);
    const y = dropout(ones([20000]), 0.3).dataSync();
    const kept = y.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
    const dropped = 1 - kept.length / y.length;
    assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped ${dropped}`);
  });

  it("is reproducible under a seed", () => {
    manualSeed(7);
    const a = dropout(ones([64]), 0.5).arraySync();
    manualSeed(7);
    assert.deepEqual(dropout(ones([64]), 0.5).arraySync(), a);
  });

  it("is the identity in eval mode and for p = 0, and zero for p = 1", () => {
    const x = ones([3, 4]);
    assert.equal(dropout(x, 0.5, false), x);
    assert.equal(dropout(x, 0), x);
    assert.deepEqual(
      dropout(x, 1)
        .dataSync()
        .every((v) => v === 0),
      true,
    );
  });

  it("sends the gradient through the kept elements only", () => {
    manualSeed(3);
    const x = ones([100], { requiresGrad: true });
    const y = dropout(x, 0.5);
    y.sum().backward();
    assert.deepEqual([...x.grad!.dataSync()], [...y.dataSync()]);
  });

  it("dropout2d drops whole channels", () => {
    manualSeed(0);
    const y = dropout2d(ones([4, 8, 3, 3]), 0.5);
    const planes = y.reshape([32, 9]).arraySync() as number[][];
    for (const plane of planes) assert.ok(plane.every((v) => v === plane[0]));
    assert.ok(planes.some((p) => p[0] === 0) && planes.some((p) => p[0] === 2));
  });

  it("rejects p outside [0, 1] and wrong ranks", () => {
    assert.throws(
      () => dropout(ones([2]), 1.5),
      /dropout probability has to be between 0 and 1, but got 1.5/,
    );
    assert.throws(
      () => dropout1d(ones([2, 3, 4, 5]), 0.5),
      /dropout1d: expected a 2-D \(unbatched\) or 3-D/,
    );
  });
});
