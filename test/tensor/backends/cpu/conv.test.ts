import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  convBackwardInput,
  convBackwardWeight,
  convForward,
} from "../../../../tensor/backends/cpu/conv.js";
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
        // a transposed conv is the input gradient of the conv it transposes, and
        // its own gradients are that conv's forward and weight gradient
        const y = convBackwardInput(x, w, g);
        const plane = y.length / (g.batch * g.inChannels);
        if (bias) {
          for (let i = 0; i < y.length; i++) y[i] += bias[Math.floor(i / plane) % g.inChannels];
        }
        assertClose(y, c.output, "output");
        assertClose(convForward(gy, w, null, g), c.grads.x, "grad x");
        assertClose(convBackwardWeight(gy, x, g), c.grads.weight, "grad weight");
      } else {
        const g = convGeometry(c.op, rank, c.inputs.x.shape, c.inputs.weight.shape, c.options);
        assert.deepEqual([g.batch, g.outChannels, ...g.outSize.slice(3 - rank)], c.output.shape);
        assertClose(convForward(x, w, bias, g), c.output, "output");
        assertClose(convBackwardInput(gy, w, g), c.grads.x, "grad x");
        assertClose(convBackwardWeight(x, gy, g), c.grads.weight, "grad weight");
      }
    });
  }
});

describe("conv geometry", () => {
  it("names channels and groups when they disagree", () => {
    assert.throws(
      () => convGeometry("conv2d", 2, [2, 3, 8, 8], [16, 4, 3, 3]),
      /conv2d: input \[2, 3, 8, 8\] has 3 channels but weight \[16, 4, 3, 3\] expects 4 \(in_channels\/groups = 4, groups = 1\)/,
    );
  });
  it("rejects a kernel larger than the padded input", () => {
    assert.throws(
      () => convGeometry("conv2d", 2, [1, 1, 3, 3], [1, 1, 5, 5], { padding: 0 }),
      /kernel \[5, 5\] is larger than the padded input \[3, 3\]/,
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
      /outputPadding \[2, 2\] must be smaller than either stride \[2, 2\] or dilation \[1, 1\]/,
    );
  });
});

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function randomArray(n: number, seed: number): Float32Array {
  // a small LCG keeps the property test reproducible from fast-check's seed
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

describe("conv gradients are the adjoints of the forward (any geometry)", () => {
  it("<conv(x, w), g> = <x, dInput(g)> = <w, dWeight(x, g)>", () => {
    const geometry = fc.record({
      batch: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 3 }),
      inPerGroup: fc.integer({ min: 1, max: 2 }),
      outPerGroup: fc.integer({ min: 1, max: 2 }),
      size: fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })),
      kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(geometry, (p) => {
        const xShape = [p.batch, p.groups * p.inPerGroup, ...p.size];
        const wShape = [p.groups * p.outPerGroup, p.inPerGroup, ...p.kernel];
        const fits = p.size.every(
          (n, i) => n + 2 * p.padding[i] >= p.dilation[i] * (p.kernel[i] - 1) + 1,
        );
        fc.pre(fits);
        const g = convGeometry("conv2d", 2, xShape, wShape, {
          groups: p.groups,
          stride: p.stride,
          padding: p.padding,
          dilation: p.dilation,
        });
        const x = randomArray(
          xShape.reduce((a, b) => a * b),
          p.seed,
        );
        const w = randomArray(
          wShape.reduce((a, b) => a * b),
          p.seed + 1,
        );
        const y = convForward(x, w, null, g);
        const gy = randomArray(y.length, p.seed + 2);
        const lhs = dot(y, gy);
        assert.ok(Math.abs(lhs - dot(x, convBackwardInput(gy, w, g))) < 1e-4);
        assert.ok(Math.abs(lhs - dot(w, convBackwardWeight(x, gy, g))) < 1e-4);
      }),
      { numRuns: 200 },
    );
  });
});
