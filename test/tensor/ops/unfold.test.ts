import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gradcheck } from "../../../tensor/autograd/gradcheck.js";
import { conv2d } from "../../../tensor/ops/conv.js";
import { arange, ones } from "../../../tensor/ops/creation.js";
import { fold, unfold } from "../../../tensor/ops/unfold.js";
import { randn } from "../../../tensor/random.js";
import { assertClose, checkCase, loadCases } from "../nn_ops_fixtures.js";

describe("unfold/fold match PyTorch", () => {
  for (const c of loadCases("unfold")) {
    it(`${c.op}: ${c.name}`, () => {
      const { kernelSize, outputSize, ...options } = c.options;
      checkCase(c, ({ x }) =>
        c.op === "unfold"
          ? unfold(x, kernelSize, options)
          : fold(x, outputSize, kernelSize, options),
      );
    });
  }
});

describe("unfold/fold", () => {
  it("turn a convolution into a matrix product (im2col)", () => {
    const x = randn([2, 3, 6, 5]);
    const w = randn([4, 3, 3, 3]);
    const cols = unfold(x, 3, { padding: 1 }); // [2, 27, 30]
    const y = w.reshape([4, 27]).matmul(cols).reshape([2, 4, 6, 5]);
    assertClose(y.dataSync(), conv2d(x, w, null, { padding: 1 }).dataSync(), "conv via im2col");
  });

  it("count the windows covering each pixel with fold(unfold(ones))", () => {
    const counts = fold(unfold(ones([1, 1, 3, 3]), 2), [3, 3], 2);
    assert.deepEqual(counts.arraySync(), [
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
  });

  it("keep an unbatched input unbatched", () => {
    const x = arange(12).reshape([1, 3, 4]).float();
    assert.deepEqual(unfold(x, [2, 2]).shape, [4, 6]);
    assert.deepEqual(fold(unfold(x, [2, 2]), [3, 4], 2).shape, [1, 3, 4]);
  });

  it("pass gradcheck", () => {
    const x = randn([1, 2, 4, 5], { requiresGrad: true });
    assert.ok(
      gradcheck((x) => unfold(x, [2, 3], { stride: [2, 1], padding: 1, dilation: [1, 2] }), [x]),
    );
    const cols = randn([1, 8, 6], { requiresGrad: true });
    assert.ok(gradcheck((c) => fold(c, [3, 4], 2, { stride: 1 }), [cols]));
  });

  it("explain a block count that does not match outputSize", () => {
    assert.throws(() => fold(randn([1, 4, 8]), [4, 4], 2), /fold: input \[1, 4, 8\] has 8 blocks/);
  });
});
