import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KernelInput } from "../../../../tensor/backends/backend.js";
import { kernels as reference } from "../../../../tensor/backends/cpu/elementwise.js";
import { nativeAvailable } from "../../../../tensor/backends/cpu/native.js";
import { kernels as fast } from "../../../../tensor/backends/cpu/native_elementwise.js";

/** Values with the awkward cases mixed in: NaN, ±0, ±Infinity, ties. */
function values(n: number, seed: number): Float32Array {
  const special = [Number.NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5];
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % 7 === 0 ? special[(s >>> 8) % special.length] : (s / 2 ** 31 - 1) * 4;
  }
  return out;
}

function input(
  storage: Float32Array | Uint8Array,
  shape: number[],
  strides: number[],
  offset: number,
): KernelInput {
  return {
    storage,
    shape,
    strides,
    offset,
    dtype: storage instanceof Uint8Array ? "bool" : "float32",
  };
}

// [name, a view, b view] for one output shape [3, 4, 5]: contiguous, a
// transposed view, a row broadcast (bias), a scalar, and an offset slice.
const SHAPE = [3, 4, 5];
const layouts: [string, (s: Float32Array) => KernelInput][] = [
  ["contiguous", (s) => input(s, SHAPE, [20, 5, 1], 0)],
  ["permuted", (s) => input(s, SHAPE, [1, 15, 3], 0)],
  ["row broadcast", (s) => input(s, SHAPE, [0, 0, 1], 2)],
  ["scalar", (s) => input(s, SHAPE, [0, 0, 0], 7)],
  ["offset slice", (s) => input(s, SHAPE, [40, 10, 2], 3)],
];

const binary = [
  "add",
  "sub",
  "mul",
  "div",
  "maximum",
  "minimum",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
];
const unary = ["neg", "relu", "exp", "log", "abs", "sqrt", "sigmoid", "tanh", "contiguous"];

function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [x, y] = [actual[i], expected[i]];
    if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `${what}[${i}]: ${x} is not NaN`);
    else
      assert.ok(
        Object.is(x, y) || Math.abs(x - y) <= 1e-6 * Math.abs(y),
        `${what}[${i}]: ${x} != ${y}`,
      );
  }
}

describe("native elementwise kernels equal elementwise.ts", {
  skip: !nativeAvailable() && "the native addon is not built",
}, () => {
  const size = 60;
  for (const op of binary) {
    it(`${op} on every layout pair`, () => {
      const dtype = binary.indexOf(op) >= 6 ? "bool" : "float32";
      const out = { shape: SHAPE, dtype, size } as const;
      for (const [na, la] of layouts) {
        for (const [nb, lb] of layouts) {
          const ins = [la(values(130, 1)), lb(values(130, 2))];
          assertSame(
            fast[op](ins, out, {}) as Float32Array,
            reference[op](ins, out, {}) as Float32Array,
            `${op}(${na}, ${nb})`,
          );
        }
      }
    });
  }
  for (const op of unary) {
    it(`${op} on every layout`, () => {
      const out = { shape: SHAPE, dtype: "float32", size } as const;
      for (const [name, layout] of layouts) {
        const ins = [layout(values(130, 3))];
        assertSame(
          fast[op](ins, out, {}) as Float32Array,
          reference[op](ins, out, {}) as Float32Array,
          `${op}(${name})`,
        );
      }
    });
  }
  it("where with a broadcast condition and a scalar branch", () => {
    const cond = new Uint8Array(20).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const ins = [
      input(cond, SHAPE, [0, 5, 1], 0),
      input(values(60, 4), SHAPE, [20, 5, 1], 0),
      input(values(5, 5), SHAPE, [0, 0, 0], 1),
    ];
    const out = { shape: SHAPE, dtype: "float32", size } as const;
    assertSame(
      fast.where(ins, out, {}) as Float32Array,
      reference.where(ins, out, {}) as Float32Array,
      "where",
    );
  });
  it("copyInto writes a strided source into a contiguous slice and nothing else", () => {
    const src = values(130, 6);
    const dst = new Float32Array(70).fill(9);
    const expected = dst.slice();
    const out = { shape: SHAPE, dtype: "float32", size } as const;
    reference.copyInto(
      [input(expected, SHAPE, [20, 5, 1], 5), input(src, SHAPE, [1, 15, 3], 1)],
      out,
      {},
    );
    fast.copyInto([input(dst, SHAPE, [20, 5, 1], 5), input(src, SHAPE, [1, 15, 3], 1)], out, {});
    assertSame(dst, expected, "copyInto");
  });
  it("other dtypes go to the reference kernel", () => {
    const a = new Int32Array([1, 2, 3]);
    const ins: KernelInput[] = [
      { storage: a, shape: [3], strides: [1], offset: 0, dtype: "int32" },
      { storage: a, shape: [3], strides: [1], offset: 0, dtype: "int32" },
    ];
    assert.deepEqual(
      [...(fast.add(ins, { shape: [3], dtype: "int32", size: 3 }, {}) as Int32Array)],
      [2, 4, 6],
    );
  });
});
