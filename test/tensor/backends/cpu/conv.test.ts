import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  convBackwardBias,
  convBackwardInput,
  convBackwardWeight,
  convForward,
  convTransposeForward,
} from "../../../../tensor/backends/cpu/conv.js";
import { volume } from "../../../../tensor/backends/cpu/unfold.js";
import { convGeometry, convTransposeGeometry } from "../../../../tensor/ops/conv.js";
import { assertClose, f32, loadCases } from "../../nn_ops_fixtures.js";

const RANK: Record<string, 1 | 2 | 3> = {
  conv1d: 1,
  conv2d: 2,
  conv3d: 3,
  convTranspose1d: 1,
  convTranspose2d: 2,
  convTranspose3d: 3,
};

describe("cpu conv kernels match PyTorch", () => {
  for (const c of loadCases("conv")) {
    it(`${c.op}: ${c.name}`, () => {
      const x = f32(c.inputs.x);
      const w = f32(c.inputs.weight);
      const bias = c.inputs.bias ? f32(c.inputs.bias) : null;
      const gy = f32(c.gradOutput);
      const rank = RANK[c.op];
      if (c.op.startsWith("convTranspose")) {
        const g = convTransposeGeometry(
          c.op,
          rank,
          c.inputs.x.shape,
          c.inputs.weight.shape,
          c.options,
        );
        assertClose(convTransposeForward(x, w, bias, g), c.output, "output");
        // the transpose's gradients are the convolution's forward and weight gradient
        assertClose(convForward(gy, w, null, g), c.grads.x, "grad x");
        assertClose(convBackwardWeight(gy, x, g), c.grads.weight, "grad weight");
        if (bias) {
          const gb = convBackwardBias(gy, g.batch, g.inChannels, volume(g.inSize));
          assertClose(gb, c.grads.bias, "grad bias");
        }
      } else {
        const g = convGeometry(c.op, rank, c.inputs.x.shape, c.inputs.weight.shape, c.options);
        assert.deepEqual([g.batch, g.outChannels, ...g.outSize.slice(3 - rank)], c.output.shape);
        assertClose(convForward(x, w, bias, g), c.output, "output");
        assertClose(convBackwardInput(gy, w, g), c.grads.x, "grad x");
        assertClose(convBackwardWeight(x, gy, g), c.grads.weight, "grad weight");
        if (bias) {
          const gb = convBackwardBias(gy, g.batch, g.outChannels, volume(g.outSize));
          assertClose(gb, c.grads.bias, "grad bias");
        }
      }
    });
  }
});

describe("conv geometry", () => {
  it("names channels and groups when they disagree", () => {
    assert.throws(
      () => convGeometry("conv2d", 2, [2, 3, 8, 8], [16, 4, 3, 3]),
      /conv2d: input \[2,3,8,8\] has 3 channels but weight \[16,4,3,3\] expects 4 \(in_channels\/groups = 4, groups = 1\)/,
    );
  });
  it("rejects a kernel larger than the padded input", () => {
    assert.throws(
      () => convGeometry("conv2d", 2, [1, 1, 3, 3], [1, 1, 5, 5], { padding: 0 }),
      /kernel \[5,5\] is larger than the padded input \[3,3\]/,
    );
  });
  it("rejects groups that do not divide the output channels", () => {
    assert.throws(
      () => convGeometry("conv2d", 2, [1, 4, 5, 5], [3, 2, 3, 3], { groups: 2 }),
      /3 output channels, not divisible by groups=2/,
    );
  });
  it("rejects same padding with a stride", () => {
    assert.throws(
      () => convGeometry("conv1d", 1, [1, 1, 5], [1, 1, 3], { padding: "same", stride: 2 }),
      /padding="same" needs stride 1/,
    );
  });
  it("rejects an output padding not smaller than stride or dilation", () => {
    assert.throws(
      () =>
        convTransposeGeometry("convTranspose2d", 2, [1, 2, 3, 3], [2, 2, 3, 3], {
          stride: 2,
          outputPadding: 2,
        }),
      /outputPadding \[2,2\] must be smaller than either stride \[2,2\] or dilation \[1,1\]/,
    );
  });
});
