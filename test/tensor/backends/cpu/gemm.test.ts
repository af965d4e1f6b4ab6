import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, beforeEach, describe, it } from "node:test";
import * as lt from "../../../../index.js";
import { gemm, type MatrixView } from "../../../../tensor/backends/cpu/gemm.js";
import {
  nativeAvailable,
  nativeKernels,
  setNativeEnabled,
} from "../../../../tensor/backends/cpu/native.js";
import { getNumThreads, setNumThreads } from "../../../../tensor/backends/cpu/threads.js";
import {
  col2im,
  im2col,
  type SlidingWindow,
  volume,
} from "../../../../tensor/backends/cpu/unfold.js";

const PATHS = nativeAvailable() ? ["native", "typescript"] : ["typescript"];

function usePath(path: string): void {
  setNativeEnabled(path === "native");
}

after(() => setNativeEnabled(true));

/** Deterministic values in [-1, 1) (a small LCG), so failures reproduce. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C(i, j) in float64, the oracle. */
function reference(m: number, n: number, k: number, a: MatrixView, b: MatrixView): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        acc +=
          a.data[a.offset + i * a.rowStride + p * a.colStride] *
          b.data[b.offset + p * b.rowStride + j * b.colStride];
      }
      c[i * n + j] = acc;
    }
  }
  return c;
}

/** A view of an m x k matrix inside a larger buffer: offset, padding, optionally transposed. */
function view(rows: number, cols: number, transpose: boolean, seed: number): MatrixView {
  const offset = 3;
  const pad = 5;
  const ld = (transpose ? rows : cols) + pad;
  const data = values(offset + ld * (transpose ? cols : rows), seed);
  return transpose
    ? { data, offset, rowStride: 1, colStride: ld }
    : { data, offset, rowStride: ld, colStride: 1 };
}

// sizes straddle every tile edge of both paths (4x4 in TypeScript, 12x32 /
// 6x16 / 6x8 register tiles and the 256-deep k blocks natively)
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [13, 33, 257],
  [25, 70, 40],
  [64, 10, 300],
  [130, 97, 513],
];

for (const path of PATHS) {
  describe(`gemm (${path})`, () => {
    for (const [m, n, k] of SHAPES) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        it(`[${m}, ${k}]${ta ? "ᵀ" : ""} · [${k}, ${n}]${tb ? "ᵀ" : ""}, into and onto C`, () => {
          usePath(path);
          const a = view(m, k, ta, m * 7 + k);
          const b = view(k, n, tb, n * 11 + k);
          const expected = reference(m, n, k, a, b);
          const ldc = n + 2;
          const start = values(4 + m * ldc, 99);
          const c: MatrixView = { data: start.slice(), offset: 4, rowStride: ldc, colStride: 1 };
          gemm(m, n, k, a, b, c, false);
          const onto: MatrixView = { ...c, data: start.slice() };
          gemm(m, n, k, a, b, onto, true);
          const tol = 1e-5 * Math.sqrt(k) * 4;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const at = 4 + i * ldc + j;
              assert.ok(Math.abs(c.data[at] - expected[i * n + j]) <= tol, `C[${i}, ${j}]`);
              assert.ok(
                Math.abs(onto.data[at] - (start[at] + expected[i * n + j])) <= tol,
                `C[${i}, ${j}] accumulated`,
              );
            }
            // the padding between rows is never written
            for (let j = n; j < ldc && i < m - 1; j++) {
              assert.equal(c.data[4 + i * ldc + j], start[4 + i * ldc + j]);
            }
          }
          assert.deepEqual(c.data.subarray(0, 4), start.subarray(0, 4));
        });
      }
    }

    it("k = 0 writes zeros, or leaves C when accumulating", () => {
      usePath(path);
      const empty: MatrixView = {
        data: new Float32Array(0),
        offset: 0,
        rowStride: 0,
        colStride: 1,
      };
      const c: MatrixView = {
        data: new Float32Array([1, 2, 3, 4]),
        offset: 0,
        rowStride: 2,
        colStride: 1,
      };
      gemm(2, 2, 0, empty, empty, c, true);
      assert.deepEqual([...c.data], [1, 2, 3, 4]);
      gemm(2, 2, 0, empty, empty, c, false);
      assert.deepEqual([...c.data], [0, 0, 0, 0]);
    });

    it("broadcast operands (stride 0) read one row for all", () => {
      usePath(path);
      const row = values(6, 5);
      const a: MatrixView = { data: row, offset: 0, rowStride: 0, colStride: 1 };
      const b = view(6, 3, false, 8);
      const c: MatrixView = { data: new Float32Array(12), offset: 0, rowStride: 3, colStride: 1 };
      gemm(4, 3, 6, a, b, c, false);
      const expected = reference(4, 3, 6, a, b);
      for (let i = 0; i < 12; i++) assert.ok(Math.abs(c.data[i] - expected[i]) < 1e-5);
      assert.deepEqual(c.data.subarray(0, 3), c.data.subarray(9, 12));
    });
  });
}

describe("native kernels", { skip: !nativeAvailable() && "the native addon is not built" }, () => {
  beforeEach(() => setNativeEnabled(true));

  const windows: [string, number, SlidingWindow][] = [
    [
      "3x3 pad 1",
      3,
      {
        inSize: [1, 6, 7],
        outSize: [1, 6, 7],
        kernel: [1, 3, 3],
        stride: [1, 1, 1],
        padding: [0, 1, 1],
        dilation: [1, 1, 1],
      },
    ],
    [
      "stride 2, dilation 2",
      2,
      {
        inSize: [1, 9, 8],
        outSize: [1, 3, 3],
        kernel: [1, 2, 3],
        stride: [1, 2, 2],
        padding: [0, 1, 0],
        dilation: [1, 2, 2],
      },
    ],
    [
      "3-d, pad past the image",
      1,
      {
        inSize: [3, 4, 2],
        outSize: [3, 4, 4],
        kernel: [2, 2, 3],
        stride: [1, 1, 1],
        padding: [1, 1, 2],
        dilation: [1, 1, 1],
      },
    ],
  ];
  for (const [name, channels, win] of windows) {
    it(`im2col and col2im equal unfold.ts's (${name})`, () => {
      const fast = nativeKernels();
      assert.ok(fast);
      const geometry = Int32Array.from([
        ...win.inSize,
        ...win.outSize,
        ...win.kernel,
        ...win.stride,
        ...win.padding,
        ...win.dilation,
      ]);
      const image = values(2 + channels * volume(win.inSize), 3);
      const rows = channels * volume(win.kernel);
      const positions = volume(win.outSize);
      const expected = new Float32Array(rows * positions);
      im2col(image, 2, channels, win, expected);
      // the native columns sit at offset 3 with 4 spare floats per row, as
      // when several images share one column matrix; the gaps stay untouched
      const ld = positions + 4;
      const cols = new Float32Array(3 + rows * ld).fill(Number.NaN);
      fast.windowTransfer(image, 2, cols, 3, ld, channels, geometry, true);
      for (let r = 0; r < rows; r++) {
        assert.deepEqual(
          cols.subarray(3 + r * ld, 3 + r * ld + positions),
          expected.subarray(r * positions, (r + 1) * positions),
        );
        assert.ok(cols.subarray(3 + r * ld + positions, 3 + (r + 1) * ld).every(Number.isNaN));
      }
      const back = new Float32Array(image.length);
      const backExpected = new Float32Array(image.length);
      const spread = new Float32Array(3 + rows * ld);
      for (let r = 0; r < rows; r++)
        spread.set(expected.subarray(r * positions, (r + 1) * positions), 3 + r * ld);
      fast.windowTransfer(back, 2, spread, 3, ld, channels, geometry, false);
      col2im(expected, channels, win, backExpected, 2);
      assert.deepEqual(back, backExpected);
    });
  }

  it("rejects operands that do not fit instead of reading past them", () => {
    const fast = nativeKernels()!;
    const small = new Float32Array(4);
    assert.throws(
      () => fast.gemm(3, 3, 3, small, 0, 3, 1, small, 0, 3, 1, small, 0, 3, false),
      /out of bounds/,
    );
  });

  it("gives the same bits on 1 and 2 threads", () => {
    const before = getNumThreads();
    const a = lt.randn([200, 300]);
    const b = lt.randn([300, 260]);
    setNumThreads(1);
    const one = a.matmul(b).dataSync();
    setNumThreads(2);
    const two = a.matmul(b).dataSync();
    setNumThreads(before);
    assert.deepEqual(one, two);
  });

  it("the PyTorch fixture suites of every op with a native kernel also pass on the TypeScript kernels", () => {
    const suites = [
      "tensor/backends/cpu/conv.test.js",
      "tensor/ops/linalg.test.js",
      "tensor/ops/conv.test.js",
      "tensor/fixtures.test.js",
      "tensor/ops/normalization.test.js",
      "tensor/ops/reduce.test.js",
    ];
    const files = suites.map((s) => fileURLToPath(new URL(`../../../${s}`, import.meta.url)));
    const run = spawnSync(process.execPath, ["--test", ...files], {
      env: { ...process.env, LECTERN_NATIVE: "0" },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stdout.slice(-2000));
  });
});

describe("setNumThreads", () => {
  it("rejects counts that are not positive integers", () => {
    assert.throws(
      () => setNumThreads(0),
      /setNumThreads: expected an integer from 1 to 256, got 0/,
    );
    assert.throws(() => setNumThreads(1.5), /got 1.5/);
  });

  it("is what getNumThreads reports, and exported as lt.setNumThreads", () => {
    const before = lt.getNumThreads();
    lt.setNumThreads(1);
    assert.equal(getNumThreads(), 1);
    if (nativeAvailable()) assert.equal(nativeKernels()?.getThreads() ?? 1, 1);
    lt.setNumThreads(before);
  });
});
