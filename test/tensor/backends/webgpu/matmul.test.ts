import { describe, it } from "node:test";
import { gemmTiles } from "../../../../tensor/backends/webgpu/gemm.js";
import assert from "node:assert/strict";
import { input, matchesCpu, skip, values } from "./harness.js";

describe("webgpu matmul matches the CPU", { skip }, () => {
  const cases: [string, number[], number[], number, number, number][] = [
    // label, batch shape, , m, k, n
    ["a single element", [], [], 1, 1, 1],
    ["sizes that are not tile multiples", [], [], 7, 13, 5],
    ["a matrix larger than one tile", [], [], 70, 40, 66],
    ["a batch of 3", [3], [3], 9, 17, 4],
    ["k = 0 (an empty sum gives zeros)", [2], [2], 3, 0, 2],
    ["a long k split across workgroups (split-K)", [], [], 3, 5000, 5],
    ["a batched long k split across workgroups", [2], [2], 4, 2100, 3],
  ];
  for (const [label, batch, , m, k, n] of cases) {
    it(label, async () => {
      const a = input(values(Math.max(1, batch.reduce((p, d) => p * d, 1) * m * k), 1), [
        ...batch,
        m,
        k,
      ]);
      const b = input(values(Math.max(1, batch.reduce((p, d) => p * d, 1) * k * n), 2), [
        ...batch,
        k,
        n,
      ]);
      await matchesCpu(
        "matmul",
        [a, b],
        [...batch, m, n],
        "float32",
        {},
        { atol: 2e-4, rtol: 1e-4 },
      );
    });
  }

  it("transposed operands and a broadcast batch (stride 0) need no copy", async () => {
    // a: [2, 6, 5] read as its transpose [2, 5, 6]; b: one [6, 3] matrix broadcast over the batch.
    const a = input(values(60, 3), [2, 5, 6], "float32", { strides: [30, 1, 5] });
    const b = input(values(18, 4), [2, 6, 3], "float32", { strides: [0, 3, 1] });
    await matchesCpu("matmul", [a, b], [2, 5, 3], "float32");
  });

  it("int32 matmul is exact", async () => {
    const a = input([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    const b = input([7, 8, 9, 10, 11, 12], [3, 2], "int32");
    await matchesCpu("matmul", [a, b], [2, 2], "int32", {}, { atol: 0, rtol: 0 });
  });

  it("picks tiles that fit the adapter's limits", () => {
    const t = gemmTiles(undefined);
    assert.ok((t.bm / t.tm) * (t.bn / t.tn) <= 256);
    assert.ok((t.bm + t.bn) * t.bk * 4 <= 16384);
  });
});
