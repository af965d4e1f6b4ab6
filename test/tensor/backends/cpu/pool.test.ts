import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AvgDivisor,
  avgPoolBackward,
  avgPoolForward,
  maxPoolBackward,
  maxPoolIndices,
} from "../../../../tensor/backends/cpu/pool.js";
import { adaptivePoolGeometry, poolGeometry } from "../../../../tensor/ops/pool.js";
import { assertClose, f32, loadCases } from "../../nn_ops_fixtures.js";

describe("cpu pool kernels match PyTorch", () => {
  for (const c of loadCases("pool")) {
    it(`${c.op}: ${c.name}`, () => {
      const rank = Number(c.op.at(-2)) as 1 | 2 | 3;
      const { args, ...options } = c.options;
      const g = c.op.startsWith("adaptive")
        ? adaptivePoolGeometry(c.op, rank, c.inputs.x.shape, args[0])
        : poolGeometry(c.op, rank, c.inputs.x.shape, args[0], options);
      assert.deepEqual(g.outShape, c.output.shape);
      const x = f32(c.inputs.x);
      const gy = f32(c.gradOutput);
      const inPlane = g.inSize[0] * g.inSize[1] * g.inSize[2];
      if (/max/i.test(c.op)) {
        const indices = maxPoolIndices(x, g.planes, g.inSize, g.windows);
        assert.deepEqual([...indices], c.output1!.data);
        const outPlane = indices.length / g.planes;
        const values = Float32Array.from(
          indices,
          (idx, o) => x[Math.floor(o / outPlane) * inPlane + idx],
        );
        assertClose(values, c.output, "output");
        assertClose(maxPoolBackward(gy, indices, g.planes, inPlane), c.grads.x, "grad x");
      } else {
        const divisor: AvgDivisor =
          options.divisorOverride ?? (options.countIncludePad === false ? "count" : "span");
        assertClose(avgPoolForward(x, g.planes, g.inSize, g.windows, divisor), c.output, "output");
        assertClose(
          avgPoolBackward(gy, g.planes, g.inSize, g.windows, divisor),
          c.grads.x,
          "grad x",
        );
      }
    });
  }
});

describe("max unpooling is the max pool backward kernel", () => {
  for (const c of loadCases("unpool")) {
    it(c.name, () => {
      const [batch, channels, ...spatial] = c.output.shape;
      const plane = spatial.reduce((a, b) => a * b, 1);
      const indices = Int32Array.from(c.inputs.indices.data);
      const out = maxPoolBackward(f32(c.inputs.x), indices, batch * channels, plane);
      assertClose(out, c.output, "output");
    });
  }
});

describe("max pool kernel", () => {
  it("sums gradients where overlapping windows pick the same maximum", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 2, { stride: 1 });
    const indices = maxPoolIndices(Float32Array.from([0, 5, 1, 0]), 1, g.inSize, g.windows);
    const gx = maxPoolBackward(Float32Array.from([1, 2, 4]), indices, 1, 4);
    assert.deepEqual([...gx], [0, 3, 4, 0]);
  });
  it("lets a NaN win its window, as PyTorch does", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 2, {});
    const x = Float32Array.from([1, Number.NaN, 3, 2]);
    assert.deepEqual([...maxPoolIndices(x, g.planes, g.inSize, g.windows)], [1, 2]);
  });
  it("gives ties to the first maximum", () => {
    const g = poolGeometry("maxPool1d", 1, [1, 4], 4, {});
    const x = Float32Array.from([0, 5, 5, 1]);
    assert.deepEqual([...maxPoolIndices(x, g.planes, g.inSize, g.windows)], [1]);
  });
});

describe("pool geometry", () => {
  it("rejects padding over half the kernel", () => {
    assert.throws(
      () => poolGeometry("maxPool2d", 2, [1, 1, 5, 5], 2, { padding: 2 }),
      /maxPool2d: padding \[2, 2\] must be at most half the kernel size \[2, 2\]/,
    );
  });
  it("rejects an input smaller than the kernel", () => {
    assert.throws(
      () => poolGeometry("avgPool2d", 2, [1, 1, 2, 5], 3, {}),
      /avgPool2d: input \[1, 1, 2, 5\] is too small for kernel \[3, 3\]/,
    );
  });
  it("rejects a wrong rank", () => {
    assert.throws(
      () => poolGeometry("maxPool2d", 2, [5, 5], 2, {}),
      /expected a 3-D \[C, H, W\] or 4-D/,
    );
  });
});
