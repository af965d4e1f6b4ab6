import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  interpolateBackward,
  interpolateForward,
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
    assert.deepEqual([...nearestTable(3, 6, undefined, false).i0], [0, 0, 1, 1, 2, 2]);
  });
  it("linear with alignCorners hits both ends exactly", () => {
    const t = linearTable(3, 5, true, undefined);
    assert.deepEqual([...t.i0], [0, 0, 1, 1, 2]);
    assert.deepEqual([...t.w1], [0, 0.5, 0, 0.5, 0]);
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
      /alignCorners can only be set with the linear modes/,
    );
  });
});
