import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reduceOps } from "../../../../tensor/backends/kernels.js";
import { input, matchesCpu, skip, values } from "./harness.js";

const shape = [3, 4, 5];
const data = values(60, 11, 3);

function reducedShape(dims: number[]): number[] {
  return shape.filter((_, d) => !dims.includes(d));
}

describe("webgpu reductions match the CPU", { skip }, () => {
  for (const op of reduceOps) {
    it(`${op} over every set of dims of a [3, 4, 5] tensor`, async () => {
      const dtype = op === "all" || op === "any" ? "bool" : "float32";
      const x =
        dtype === "bool"
          ? input(
              data.map((v) => (v > -2 ? 1 : 0)),
              shape,
              "bool",
            )
          : input(data, shape);
      const outDtype = op.startsWith("arg") ? "int32" : dtype;
      for (const dims of [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]) {
        await matchesCpu(op, [x], reducedShape(dims), outDtype, { dims });
      }
    });
  }

  it("sum and argmax of a permuted (non-contiguous) view", async () => {
    // A [5, 3, 4] view of the [3, 4, 5] data: strides [1, 20, 5].
    const x = input(data, [5, 3, 4], "float32", { strides: [1, 20, 5] });
    await matchesCpu("sum", [x], [3], "float32", { dims: [0, 2] });
    await matchesCpu("argmax", [x], [5, 4], "int32", { dims: [1] });
  });

  it("long rows use the whole workgroup (1000-element rows)", async () => {
    const x = input(values(3000, 5), [3, 1000]);
    await matchesCpu("sum", [x], [3], "float32", { dims: [1] }, { atol: 1e-4 });
    await matchesCpu("max", [x], [3], "float32", { dims: [1] });
    await matchesCpu("argmin", [x], [3], "int32", { dims: [1] });
  });

  it("a few very long rows are reduced in two passes (chunks, then partials)", async () => {
    const x = input(values(2 * 20000, 13), [20000, 2], "float32");
    // Reducing dim 0 of a [20000, 2] tensor: two strided rows of 20000 elements.
    await matchesCpu("sum", [x], [2], "float32", { dims: [0] }, { atol: 1e-3, rtol: 1e-4 });
    await matchesCpu("max", [x], [2], "float32", { dims: [0] });
    await matchesCpu("min", [x], [], "float32", { dims: [0, 1] });
    await matchesCpu("argmax", [x], [2], "int32", { dims: [0] });
    const flags = input(
      values(20000, 2).map((v) => (v > -1.999 ? 1 : 0)),
      [20000],
      "bool",
    );
    await matchesCpu("all", [flags], [], "bool", { dims: [0] });
    await matchesCpu("any", [flags], [], "bool", { dims: [0] });
  });

  it("max propagates NaN; argmax takes the first NaN and the first of ties", async () => {
    const x = input([1, 5, 5, 2, Number.NaN, 3, Number.NaN, 0, 7, 7, 7, 7], [3, 4]);
    const max = await matchesCpu("max", [x], [3], "float32", { dims: [1] });
    assert.ok(Number.isNaN(max[1]));
    const arg = await matchesCpu("argmax", [x], [3], "int32", { dims: [1] });
    assert.deepEqual(Array.from(arg), [1, 0, 0]);
    await matchesCpu("argmin", [x], [3], "int32", { dims: [1] });
  });

  it("int32 sum, prod, max and min", async () => {
    const x = input([1, -2, 3, 4, 5, -6, 7, 8], [2, 4], "int32");
    for (const op of ["sum", "prod", "max", "min", "argmax"] as const) {
      await matchesCpu(op, [x], [2], op === "argmax" ? "int32" : "int32", { dims: [1] });
    }
  });

  for (const op of ["softmax", "logSoftmax"] as const) {
    it(`${op} along each dim, including a transposed view and large logits`, async () => {
      for (let dim = 0; dim < 3; dim++)
        await matchesCpu(op, [input(data, shape)], shape, "float32", { dim });
      const t = input(data, [5, 12], "float32", { strides: [1, 5] });
      await matchesCpu(op, [t], [5, 12], "float32", { dim: 1 });
      const big = input([1000, 1001, 999, -1000, -1e4, 0], [2, 3]);
      await matchesCpu(op, [big], [2, 3], "float32", { dim: 1 });
    });
  }

  it("softmax of a fully masked line is NaN, as on the CPU", async () => {
    const inf = Number.NEGATIVE_INFINITY;
    await matchesCpu("softmax", [input([inf, inf, 0, 1], [2, 2])], [2, 2], "float32", { dim: 1 });
  });

  for (const op of ["cumsum", "cumprod"] as const) {
    it(`${op} along each dim`, async () => {
      const small = values(24, 3, 1.5);
      for (let dim = 0; dim < 3; dim++)
        await matchesCpu(op, [input(small, [2, 3, 4])], [2, 3, 4], "float32", { dim });
      await matchesCpu(op, [input([1, 2, 3, 4, 5, 6], [2, 3], "int32")], [2, 3], "int32", {
        dim: 1,
      });
    });
  }
});
