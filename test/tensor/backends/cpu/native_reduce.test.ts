import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KernelInput } from "../../../../tensor/backends/backend.js";
import { nativeAvailable } from "../../../../tensor/backends/cpu/native.js";
import { kernels as fast } from "../../../../tensor/backends/cpu/native_reduce.js";
import { kernels as normReference } from "../../../../tensor/backends/cpu/normalization.js";
import { kernels as reference } from "../../../../tensor/backends/cpu/reduce.js";

function values(n: number, seed: number, special: number[] = []): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] =
      special.length && s % 11 === 0 ? special[(s >>> 8) % special.length] : (s / 2 ** 31 - 1) * 30;
  }
  return out;
}

const view = (
  storage: Float32Array,
  shape: number[],
  strides: number[],
  offset = 0,
): KernelInput => ({
  storage,
  shape,
  strides,
  offset,
  dtype: "float32",
});

function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
  rtol = 1e-6,
): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [x, y] = [actual[i], expected[i]];
    if (Number.isNaN(y)) assert.ok(Number.isNaN(x), `${what}[${i}]: ${x} is not NaN`);
    else
      assert.ok(
        x === y || Math.abs(x - y) <= rtol * Math.abs(y) + 1e-7,
        `${what}[${i}]: ${x} != ${y}`,
      );
  }
}

// [4, 6, 37] contiguous, and the same values read as a permuted view
const data = values(4 * 6 * 37 + 3, 1);
const layouts: [string, KernelInput][] = [
  ["contiguous", view(data, [4, 6, 37], [222, 37, 1], 3)],
  ["permuted", view(data, [37, 4, 6], [1, 222, 37], 3)],
];

describe("native softmax and reductions equal reduce.ts", {
  skip: !nativeAvailable() && "the native addon is not built",
}, () => {
  for (const [name, x] of layouts) {
    for (const op of ["softmax", "logSoftmax"]) {
      it(`${op} along every dim (${name})`, () => {
        for (let dim = 0; dim < 3; dim++) {
          const out = { shape: x.shape, dtype: "float32", size: 888 } as const;
          const got = fast[op]([x], out, { dim }) as Float32Array;
          const want = reference[op]([x], out, { dim }) as Float32Array;
          assertClose(got, want, `${op} dim ${dim}`, op === "softmax" ? 3e-6 : 1e-6);
        }
      });
    }
    for (const op of ["sum", "max", "min"]) {
      it(`${op} over each dim and over two (${name})`, () => {
        for (const dims of [[0], [1], [2], [0, 2]]) {
          const shape = x.shape.filter((_, d) => !dims.includes(d));
          const out = { shape, dtype: "float32", size: shape.reduce((a, b) => a * b, 1) } as const;
          assertClose(
            fast[op]([x], out, { dims }) as Float32Array,
            reference[op]([x], out, { dims }) as Float32Array,
            `${op} ${dims}`,
          );
        }
      });
    }
  }
  it("masked (-inf) lines, NaN and infinities behave like the reference", () => {
    const rows = [
      [-Infinity, -Infinity, -Infinity],
      [1, Number.NaN, 2],
      [0, -Infinity, 3],
      [Infinity, 1, 2],
      [-200, 0, 1],
    ];
    const x = view(Float32Array.from(rows.flat()), [5, 3], [3, 1]);
    const out = { shape: [5, 3], dtype: "float32", size: 15 } as const;
    for (const op of ["softmax", "logSoftmax"]) {
      assertClose(
        fast[op]([x], out, { dim: 1 }) as Float32Array,
        reference[op]([x], out, { dim: 1 }) as Float32Array,
        op,
      );
    }
    for (const op of ["sum", "max", "min"]) {
      const rowsOut = { shape: [5], dtype: "float32", size: 5 } as const;
      assertClose(
        fast[op]([x], rowsOut, { dims: [1] }) as Float32Array,
        reference[op]([x], rowsOut, { dims: [1] }) as Float32Array,
        op,
      );
    }
  });
  for (const [name, outer, channels, inner] of [
    ["batch norm [N, C, H*W]", 3, 5, 49],
    ["layer norm [1, rows, features]", 1, 7, 130],
    ["one value per channel", 4, 3, 1],
  ] as const) {
    it(`moments, normalize and normalizeBackward (${name})`, () => {
      const size = outer * channels * inner;
      // an offset mean (|mean| >> std) checks the two-pass variance
      const x = values(size, 7).map((v) => 100 + v / 30);
      const g = values(size, 8);
      const a = { outer, channels, inner, eps: 1e-5 };
      const dense = (t: Float32Array, shape: number[]) =>
        view(
          t,
          shape,
          shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1)),
        );
      const xs = dense(x, [outer, channels, inner]);
      const statsOut = { shape: [2, channels], dtype: "float32", size: 2 * channels } as const;
      const stats = fast.moments([xs], statsOut, a) as Float32Array;
      assertClose(stats, normReference.moments([xs], statsOut, a) as Float32Array, "moments");
      const st = dense(stats, [2, channels]);
      const out = { shape: [outer, channels, inner], dtype: "float32", size } as const;
      assertClose(
        fast.normalize([xs, st], out, a) as Float32Array,
        normReference.normalize([xs, st], out, a) as Float32Array,
        "normalize",
      );
      const gs = dense(g, [outer, channels, inner]);
      assertClose(
        fast.normalizeBackward([gs, xs, st], out, a) as Float32Array,
        normReference.normalizeBackward([gs, xs, st], out, a) as Float32Array,
        "normalizeBackward",
        1e-5,
      );
    });
  }
});
