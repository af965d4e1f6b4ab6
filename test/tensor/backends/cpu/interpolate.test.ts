import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  interpolateBackward,
  interpolateForward,
  cubicTable,
  linearTable,
  nearestTable,
} from "../../../../tensor/backends/cpu/interpolate.js";
import { avgPoolBackward, avgPoolForward } from "../../../../tensor/backends/cpu/pool.js";
import { interpolateGeometry, resampleTables } from "../../../../tensor/ops/interpolate.js";
import { adaptivePoolGeometry } from "../../../../tensor/ops/pool.js";
import { assertClose, f32, loadCases } from "../../nn_ops_fixtures.js";

describe("cpu interpolate kernels match PyTorch", () => {
  for (const c of loadCases("interpolate")) {
    it(`${c.name}`, () => {
      const g = interpolateGeometry(c.inputs.x.shape, c.options);
      assert.deepEqual(g.outShape, c.output.shape);
      const x = f32(c.inputs.x);
      const gy = f32(c.gradOutput);
      if (g.mode === "area") {
        const p = adaptivePoolGeometry("interpolate", 2, c.inputs.x.shape, g.outSpatial);
        assertClose(avgPoolForward(x, p.planes, p.inSize, p.windows, "count"), c.output, "output");
        assertClose(
          avgPoolBackward(gy, p.planes, p.inSize, p.windows, "count"),
          c.grads.x,
          "grad x",
        );
        return;
      }
      const tables = resampleTables(g);
      assertClose(interpolateForward(x, g.planes, tables), c.output, "output");
      assertClose(interpolateBackward(gy, g.planes, tables), c.grads.x, "grad x");
    });
  }
});

describe("resample tables", () => {
  it("nearest doubling repeats every source index", () => {
    assert.deepEqual([...nearestTable(3, 6, undefined, false).index], [0, 0, 1, 1, 2, 2]);
  });
  it("linear with alignCorners hits both ends exactly", () => {
    const t = linearTable(3, 5, true, undefined);
    assert.deepEqual([...t.index], [0, 1, 0, 1, 1, 2, 1, 2, 2, 2]);
    assert.deepEqual([...t.weight], [1, 0, 0.5, 0.5, 1, 0, 0.5, 0.5, 1, 0]);
  });
  it("cubic weights sum to 1 and repeat the border pixels", () => {
    const t = cubicTable(4, 7, false, undefined);
    for (let o = 0; o < 7; o++) {
      const sum = t.weight.slice(4 * o, 4 * o + 4).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6);
    }
    assert.deepEqual([...t.index.slice(0, 4)], [0, 0, 0, 1]);
  });
});

describe("interpolate geometry", () => {
  it("needs exactly one of size and scaleFactor", () => {
    assert.throws(
      () => interpolateGeometry([1, 1, 4, 4], {}),
      /exactly one of size and scaleFactor/,
    );
  });
  it("rejects bilinear on a 3-D input", () => {
    assert.throws(
      () => interpolateGeometry([1, 1, 4], { size: 8, mode: "bilinear" }),
      /mode "bilinear" needs a 4-D input, got \[1, 1, 4\]/,
    );
  });
  it("rejects alignCorners with nearest", () => {
    assert.throws(
      () => interpolateGeometry([1, 1, 4, 4], { size: 8, alignCorners: true }),
      /alignCorners can only be set with the interpolating modes/,
    );
  });
});

describe("resampling is a partition of unity with its adjoint as gradient (any sizes)", () => {
  it("weights sum to 1, indices stay inside, backward is the transpose", () => {
    const params = fc.record({
      inSize: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
      outSize: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
      mode: fc.constantFrom("nearest", "nearest-exact", "bilinear", "bicubic"),
      alignCorners: fc.boolean(),
    });
    fc.assert(
      fc.property(params, (p) => {
        const linear = p.mode === "bilinear" || p.mode === "bicubic";
        const g = interpolateGeometry([1, 2, ...p.inSize], {
          size: p.outSize,
          mode: p.mode as "nearest",
          alignCorners: linear ? p.alignCorners : undefined,
        });
        const tables = resampleTables(g);
        for (const t of tables) {
          for (let o = 0; o < t.outSize; o++) {
            let sum = 0;
            for (let k = o * t.taps; k < (o + 1) * t.taps; k++) {
              assert.ok(t.index[k] >= 0 && t.index[k] < t.inSize);
              sum += t.weight[k];
            }
            assert.ok(Math.abs(sum - 1) < 1e-6);
          }
        }
        const n = 2 * p.inSize[0] * p.inSize[1];
        const m = 2 * p.outSize[0] * p.outSize[1];
        const x = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i + 1));
        const gy = Float32Array.from({ length: m }, (_, i) => Math.sin(5 * i + 2));
        const y = interpolateForward(x, 2, tables);
        const gx = interpolateBackward(gy, 2, tables);
        const lhs = y.reduce((s, v, i) => s + v * gy[i], 0);
        const rhs = x.reduce((s, v, i) => s + v * gx[i], 0);
        assert.ok(Math.abs(lhs - rhs) < 1e-4, `${lhs} vs ${rhs}`);
      }),
      { numRuns: 200 },
    );
  });
});
