import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gradcheck } from "../../../tensor/autograd/gradcheck.js";
import { tensor, zeros } from "../../../tensor/ops/creation.js";
import { interpolate, upsample } from "../../../tensor/ops/interpolate.js";
import { randn } from "../../../tensor/random.js";
import { checkCase, loadCases } from "../nn_ops_fixtures.js";

describe("interpolate matches PyTorch", () => {
  for (const c of loadCases("interpolate")) {
    it(c.name, () => {
      checkCase(c, ({ x }) => interpolate(x, c.options));
    });
  }
});

describe("interpolate", () => {
  it("aligns corners when asked", () => {
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const y = interpolate(x, { size: [3, 3], mode: "bilinear", alignCorners: true });
    assert.deepEqual(y.arraySync(), [
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ]);
  });

  it("upsample is interpolate", () => {
    const x = randn([1, 2, 3, 3]);
    const a = upsample(x, { scaleFactor: 2, mode: "nearest" });
    const b = interpolate(x, { scaleFactor: 2 });
    assert.deepEqual(a.arraySync(), b.arraySync());
  });

  it("passes gradcheck for every mode", () => {
    const x2 = randn([1, 2, 3, 4], { requiresGrad: true });
    for (const mode of ["nearest", "nearest-exact", "bilinear", "bicubic", "area"] as const) {
      assert.ok(
        gradcheck((x) => interpolate(x, { size: [5, 3], mode }), [x2]),
        mode,
      );
    }
    const x3 = randn([1, 1, 2, 3, 2], { requiresGrad: true });
    assert.ok(gradcheck((x) => interpolate(x, { scaleFactor: 1.5, mode: "trilinear" }), [x3]));
  });

  it("handles an empty batch", () => {
    const y = interpolate(zeros([0, 3, 4, 4]), { scaleFactor: 2, mode: "bilinear" });
    assert.deepEqual(y.shape, [0, 3, 8, 8]);
  });

  it("rejects a mode that does not fit the input", () => {
    assert.throws(
      () => interpolate(randn([1, 1, 4, 4]), { size: 8, mode: "linear" }),
      /interpolate: mode "linear" needs a 3-D input, got \[1, 1, 4, 4\]/,
    );
  });
});
