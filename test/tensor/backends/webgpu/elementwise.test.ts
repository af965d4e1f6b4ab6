import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryOps, comparisonOps, unaryOps } from "../../../../tensor/backends/kernels.js";
import { readStorage, uploadStorage } from "../../../../tensor/backends/webgpu/queue.js";
import { elementwise } from "../../../../tensor/backends/webgpu/elementwise.js";
import { input, matchesCpu, run, skip, values } from "./harness.js";

const special = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3,
  1e-7,
  -1e-7,
  30,
  -30,
  100,
  -100,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];
const floats = [...special, ...values(45, 7, 4)];

const boolOut = new Set(["logicalNot", "isnan", "isinf"]);
// Ops whose domain is positive: fed |x| + 0.1 so the comparison is about accuracy, not NaN placement.
const positive = new Set(["log", "sqrt", "rsqrt"]);
const attrsOf: Record<string, object[]> = {
  leakyRelu: [{}, { alpha: 0.2 }],
  elu: [{}, { alpha: 0.5 }],
  gelu: [{}, { approximate: "tanh" }],
  softplus: [{}, { beta: 2, threshold: 5 }],
  clamp: [{ min: -1, max: 2 }, { min: 0.5 }, { max: -0.5 }],
};

describe("webgpu elementwise kernels match the CPU", { skip }, () => {
  for (const op of unaryOps) {
    it(`${op} on float32 (special values included)`, async () => {
      const data = positive.has(op)
        ? floats.map((v) => (Number.isFinite(v) ? Math.abs(v) + 0.1 : v))
        : floats;
      for (const attrs of attrsOf[op] ?? [{}]) {
        await matchesCpu(
          op,
          [input(data, [data.length])],
          [data.length],
          boolOut.has(op) ? "bool" : "float32",
          attrs,
          { atol: 2e-6, rtol: 2e-6 },
        );
      }
    });
  }

  for (const op of [
    "neg",
    "abs",
    "relu",
    "sign",
    "round",
    "logicalNot",
    "isnan",
    "clamp",
    "sqrt",
  ] as const) {
    it(`${op} on int32`, async () => {
      const data = op === "sqrt" ? [0, 1, 2, 4, 9, 10, 100, 1000] : [-7, -1, 0, 1, 2, 5, 100, -100];
      const out = boolOut.has(op) ? "bool" : "int32";
      await matchesCpu(
        op,
        [input(data, [8], "int32")],
        [8],
        out,
        op === "clamp" ? { min: -2, max: 3 } : {},
      );
    });
  }

  it("clamp on int32 is exact past 2^24, with fractional and one-sided bounds", async () => {
    const big = input([2 ** 30 + 1, -(2 ** 30) - 1, 5, -5, -3, 3], [6], "int32");
    for (const attrs of [
      { min: -2.5, max: 2.5 },
      { min: 3 },
      { max: 2 ** 30 + 1 },
      { min: -(2 ** 40) },
    ]) {
      await matchesCpu("clamp", [big], [6], "int32", attrs, { atol: 0, rtol: 0 });
    }
  });

  for (const op of binaryOps) {
    const out = comparisonOps.includes(op) ? "bool" : "float32";
    it(`${op} on float32, with broadcast and transposed operands`, async () => {
      const a = values(12, 3, 3);
      const b = [...values(4, 5, 3).map((v) => (op === "pow" ? Math.abs(v) + 0.1 : v))];
      // a is a [4, 3] tensor read as its transpose [3, 4]; b [4] broadcasts along rows (stride 0).
      await matchesCpu(
        op,
        [
          input(a, [3, 4], "float32", { strides: [1, 3] }),
          input(b, [3, 4], "float32", { strides: [0, 1] }),
        ],
        [3, 4],
        out,
        {},
        { atol: 1e-5, rtol: 1e-5 },
      );
    });
  }

  it("pow, remainder, maximum and comparisons on special values", async () => {
    const a = [-2, -2, 0, 0, 2, -1.5, Number.NaN, 3, -3, 5, -5, 0.5];
    const b = [2, 3, 0, -1, 0.5, 2, 1, Number.NaN, 2, -3, 3, -2];
    for (const op of ["pow", "remainder", "maximum", "minimum", "atan2", "eq", "lt"] as const) {
      await matchesCpu(
        op,
        [input(a, [12]), input(b, [12])],
        [12],
        comparisonOps.includes(op) ? "bool" : "float32",
      );
    }
  });

  for (const op of [
    "add",
    "sub",
    "mul",
    "maximum",
    "minimum",
    "remainder",
    "eq",
    "ge",
    "logicalXor",
    "div",
  ] as const) {
    it(`${op} on int32`, async () => {
      const a = [7, -7, 7, -7, 0, 123456789, -5, 3];
      const b = [2, 2, -2, -2, 3, 3, 5, 3];
      await matchesCpu(
        op,
        [input(a, [8], "int32"), input(b, [8], "int32")],
        [8],
        comparisonOps.includes(op) ? "bool" : "int32",
      );
    });
  }

  it("pow on int32 is exact past 2^24, negative exponents as the CPU", async () => {
    const a = input([3, -3, 2, 7, 1, -1, -1, 2, 0, 5], [10], "int32");
    const b = input([19, 19, 30, 0, -5, -3, -4, -1, 0, 3], [10], "int32");
    await matchesCpu("pow", [a, b], [10], "int32", {}, { atol: 0, rtol: 0 });
  });

  it("logical ops on bool", async () => {
    const a = [0, 1, 0, 1];
    const b = [0, 0, 1, 1];
    for (const op of ["logicalAnd", "logicalOr", "logicalXor", "eq", "ne"] as const) {
      await matchesCpu(op, [input(a, [4], "bool"), input(b, [4], "bool")], [4], "bool");
    }
  });

  it("cast between every pair of dtypes", async () => {
    const sources = {
      float32: [-2.7, -0.2, 0, 0.6, 3.9, 100.5],
      int32: [-3, 0, 1, 2, 0, 7],
      bool: [0, 1, 1, 0, 0, 1],
    } as const;
    for (const [from, data] of Object.entries(sources)) {
      for (const to of ["float32", "int32", "bool"] as const) {
        await matchesCpu("cast", [input(data, [6], from as "float32")], [6], to);
      }
    }
  });

  it("where picks from broadcast operands", async () => {
    const cond = input([1, 0, 0, 1, 1, 0], [2, 3], "bool");
    const a = input([10, 20, 30], [2, 3], "float32", { strides: [0, 1] });
    const b = input([-1, -2], [2, 3], "float32", { strides: [1, 0] });
    const out = await matchesCpu("where", [cond, a, b], [2, 3], "float32");
    assert.deepEqual(Array.from(out), [10, -1, -1, 10, 20, -2]);
  });

  it("fill and contiguous of a sliced, offset view", async () => {
    assert.deepEqual(
      Array.from(await run("webgpu", "fill", [], [2, 2], "int32", { value: 7 })),
      [7, 7, 7, 7],
    );
    // x[1:, ::2] of a [3, 4] tensor: offset 4, strides [4, 2].
    const x = input(values(12), [2, 2], "float32", { strides: [4, 2], offset: 4 });
    await matchesCpu("contiguous", [x], [2, 2], "float32");
  });

  it("copyInto writes into a strided view and handles a source that overlaps it", async () => {
    const { getBackend, getKernel } = await import("../../../../tensor/backends/backend.js");
    const gpu = getBackend("webgpu");
    const dst = gpu.fromTypedArray(new Float32Array([0, 1, 2, 3, 4, 5]), "float32");
    // dst[1:3] = dst[0:2] (overlapping), then the column view [::3] = [9, 8].
    getKernel("copyInto", "webgpu")(
      [
        { storage: dst, shape: [2], strides: [1], offset: 1, dtype: "float32" },
        { storage: dst, shape: [2], strides: [1], offset: 0, dtype: "float32" },
      ],
      { shape: [2], dtype: "float32", size: 2 },
      {},
    );
    const src = gpu.fromTypedArray(new Int32Array([9, 8]), "int32");
    getKernel("copyInto", "webgpu")(
      [
        { storage: dst, shape: [2], strides: [3], offset: 0, dtype: "float32" },
        { storage: src, shape: [2], strides: [1], offset: 0, dtype: "int32" },
      ],
      { shape: [2], dtype: "float32", size: 2 },
      {},
    );
    assert.deepEqual(Array.from(await gpu.read(dst, "float32", 0, 6)), [9, 0, 1, 8, 4, 5]);
  });

  it("runs a fused chain as one kernel: relu(a) * b + s0", async () => {
    const a = uploadStorage(new Uint32Array(new Float32Array([-1, 2, -3, 4]).buffer), "float32");
    const b = uploadStorage(new Uint32Array(new Float32Array([5, 6, 7, 8]).buffer), "float32");
    const view = (storage: typeof a) => ({
      storage,
      shape: [4],
      strides: [1],
      offset: 0,
      dtype: "float32" as const,
    });
    const y = elementwise("fused", [view(a), view(b)], "max(x0, 0.0) * x1 + s0", "float32", {
      scalars: [0.5],
    });
    assert.deepEqual(
      Array.from(new Float32Array((await readStorage(y)).buffer)),
      [0.5, 12.5, 0.5, 32.5],
    );
  });
});
