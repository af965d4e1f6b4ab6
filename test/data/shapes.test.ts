import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ShapesDataset } from "../../data/shapes.js";
import * as lt from "../../index.js";

describe("ShapesDataset", () => {
  it("pairs images with masks whose shapes are brighter than the background", () => {
    lt.manualSeed(0);
    const ds = new ShapesDataset({ n: 20, size: 24, noise: 0 });
    assert.equal(ds.length, 20);
    const seen = new Set<number>();
    for (const [image, mask] of ds) {
      assert.deepEqual(image.shape, [1, 24, 24]);
      assert.deepEqual(mask.shape, [24, 24]);
      const px = image.dataSync();
      const m = mask.dataSync();
      for (let i = 0; i < m.length; i++) {
        seen.add(m[i]!);
        if (m[i] === 0) assert.equal(px[i], 0);
        else assert.ok(px[i]! >= 0.5);
      }
      assert.ok(
        Array.from(m).some((v) => v > 0),
        "every image has a shape",
      );
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  });

  it("is reproducible under manualSeed", () => {
    lt.manualSeed(3);
    const a = new ShapesDataset({ n: 4, size: 16 }).images;
    lt.manualSeed(3);
    assert.deepEqual(new ShapesDataset({ n: 4, size: 16 }).images, a);
  });
});
