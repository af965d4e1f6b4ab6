import assert from "node:assert/strict";
import { describe, it } from "node:test";
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
