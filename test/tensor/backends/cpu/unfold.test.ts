import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  foldForward,
  im2col,
  unfoldForward,
  volume,
} from "../../../../tensor/backends/cpu/unfold.js";
import { foldGeometry, unfoldGeometry } from "../../../../tensor/ops/unfold.js";
import { assertClose, f32, loadCases } from "../../nn_ops_fixtures.js";

describe("cpu unfold/fold kernels match PyTorch", () => {
  for (const c of loadCases("unfold")) {
    it(`${c.op}: ${c.name}`, () => {
      const { kernelSize, outputSize, ...options } = c.options;
      const x = f32(c.inputs.x);
      const gy = f32(c.gradOutput);
      if (c.op === "unfold") {
        const { batch, channels, win } = unfoldGeometry(c.inputs.x.shape, kernelSize, options);
        assert.deepEqual(
          [batch, channels * volume(win.kernel), volume(win.outSize)],
          c.output.shape,
        );
        assertClose(unfoldForward(x, batch, channels, win), c.output, "output");
        assertClose(foldForward(gy, batch, channels, win), c.grads.x, "grad x");
      } else {
        const g = foldGeometry(c.inputs.x.shape, outputSize, kernelSize, options);
        assertClose(foldForward(x, g.batch, g.channels, g.win), c.output, "output");
        assertClose(unfoldForward(gy, g.batch, g.channels, g.win), c.grads.x, "grad x");
      }
    });
  }
});

describe("im2col", () => {
  it("lays out a 3x3 image's 2x2 windows as columns", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const { win } = unfoldGeometry([1, 1, 3, 3], 2);
    const cols = new Float32Array(16);
    im2col(x, 0, 1, win, cols);
    // rows: kernel taps (0,0) (0,1) (1,0) (1,1); columns: the four window positions
    assert.deepEqual([...cols], [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });
});

describe("unfold/fold geometry", () => {
  it("rejects a fold input whose block count does not match outputSize", () => {
    assert.throws(
      () => foldGeometry([1, 4, 8], [4, 4], 2),
      /fold: input \[1, 4, 8\] has 8 blocks but outputSize \[4, 4\] .* gives 3\*3 = 9/,
    );
  });
  it("rejects rows that are not a multiple of the kernel size", () => {
    assert.throws(
      () => foldGeometry([1, 5, 9], [4, 4], 2),
      /5 rows, not a multiple of the kernel size 2\*2 = 4/,
    );
  });
  it("rejects a 2-D input to unfold", () => {
    assert.throws(() => unfoldGeometry([3, 4], 2), /unfold: expected a 3-D \[C, H, W\] or 4-D/);
  });
});
