import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { input, matchesCpu, skip, values } from "./harness.js";

describe("webgpu index kernels match the CPU", { skip }, () => {
  const x = input(values(12, 9), [3, 4]);

  it("gather along each dim", async () => {
    await matchesCpu("gather", [x, input([0, 2, 1, 1, 2, 0], [2, 3], "int32")], [2, 3], "float32", {
      dim: 0,
    });
    await matchesCpu("gather", [x, input([3, 0, 1, 1, 2, 2], [3, 2], "int32")], [3, 2], "float32", {
      dim: 1,
    });
  });

  it("indexSelect of rows and of columns of a transposed view", async () => {
    const index = input([2, 0, 2], [3], "int32");
    await matchesCpu("indexSelect", [x, index], [3, 4], "float32", { dim: 0 });
    const xt = input(values(12, 9), [4, 3], "float32", { strides: [1, 4] });
    await matchesCpu("indexSelect", [xt, index], [4, 3], "float32", { dim: 1 });
  });

  it("scatter and scatter-add (duplicate indices accumulate)", async () => {
    const index = input([0, 2, 0, 1, 1, 1], [2, 3], "int32");
    const src = input([1, 2, 3, 4, 5, 6], [2, 3]);
    const added = await matchesCpu("scatter", [x, index, src], [3, 4], "float32", {
      dim: 0,
      reduce: "add",
    });
    assert.ok(added.length === 12);
    const unique = input([0, 2, 1, 1, 0, 2], [2, 3], "int32");
    await matchesCpu("scatter", [x, unique, src], [3, 4], "float32", { dim: 0, reduce: "none" });
    await matchesCpu(
      "scatter",
      [
        input([0, 0, 0], [3], "int32"),
        input([0, 0, 2], [3], "int32"),
        input([5, 6, 7], [3], "int32"),
      ],
      [3],
      "int32",
      { dim: 0, reduce: "add" },
    );
  });

  it("indexAdd accumulates slices (embedding backward)", async () => {
    const table = input(new Array(15).fill(0), [5, 3]);
    const index = input([4, 0, 4, 4], [4], "int32");
    const grads = input(values(12, 2), [4, 3]);
    await matchesCpu("indexAdd", [table, index, grads], [5, 3], "float32", { dim: 0 });
  });

  it("cat along each dim, with a transposed input", async () => {
    const a = input(values(6, 1), [2, 3]);
    const b = input(values(6, 2), [2, 3], "float32", { strides: [1, 2] });
    await matchesCpu("cat", [a, b], [4, 3], "float32", { dim: 0 });
    await matchesCpu("cat", [a, b, a], [2, 9], "float32", { dim: 1 });
  });

  it("flip over one and several dims", async () => {
    const t = input(values(24, 4), [2, 3, 4]);
    await matchesCpu("flip", [t], [2, 3, 4], "float32", { dims: [1] });
    await matchesCpu("flip", [t], [2, 3, 4], "float32", { dims: [0, 2] });
  });

  it("argsort: stable, NaN last (first descending), along any dim of a strided view", async () => {
    const x = input([3, 1, Number.NaN, 1, 2, 3, -1, Number.NaN, 0, 2, 2, 5], [3, 4]);
    for (const descending of [false, true]) {
      await matchesCpu(
        "argsort",
        [x],
        [3, 4],
        "int32",
        { dim: 1, descending },
        { atol: 0, rtol: 0 },
      );
      await matchesCpu(
        "argsort",
        [x],
        [3, 4],
        "int32",
        { dim: 0, descending },
        { atol: 0, rtol: 0 },
      );
    }
    const t = input(values(20, 8), [5, 4], "float32", { strides: [1, 5] });
    await matchesCpu(
      "argsort",
      [t],
      [5, 4],
      "int32",
      { dim: 0, descending: false },
      { atol: 0, rtol: 0 },
    );
    await matchesCpu(
      "argsort",
      [input([5, -2, 5, 0, -2], [5], "int32")],
      [5],
      "int32",
      { dim: 0, descending: true },
      { atol: 0, rtol: 0 },
    );
  });
});
