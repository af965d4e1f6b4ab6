// The one matrix product every CPU kernel uses (matmul, convolution and
// their gradients): native packed SGEMM when it is built, else a register-
// tiled TypeScript loop. Operands are read through strides, so transposed
// operands (the backward passes' Aᵀ·G and G·Bᵀ) are never materialised.
import { nativeKernels } from "./native.js";

/** A matrix inside a typed array: `M(i, j) = data[offset + i * rowStride + j * colStride]`. */
export interface MatrixView {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** A row-major matrix view of `data` from `offset` with `cols` columns. */
export function rowMajor(data: Float32Array, offset: number, cols: number): MatrixView {
  return { data, offset, rowStride: cols, colStride: 1 };
}

/** The transpose of a view, as a view (no copy). */
export function transposed(v: MatrixView): MatrixView {
  return { ...v, rowStride: v.colStride, colStride: v.rowStride };
}

/**
 * `C = A·B` for `A [m, k]`, `B [k, n]`, or `C += A·B` when `accumulate`;
 * `C` is row-major with `ldc` floats per row starting at `c.offset`
 * (its column stride must be 1).
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: MatrixView,
  accumulate: boolean,
): void {
  const fast = nativeKernels();
  if (fast) {
    fast.gemm(
      m,
      n,
      k,
      a.data,
      a.offset,
      a.rowStride,
      a.colStride,
      b.data,
      b.offset,
      b.rowStride,
      b.colStride,
      c.data,
      c.offset,
      c.rowStride,
      accumulate,
    );
    return;
  }
  if (!accumulate) {
    for (let i = 0; i < m; i++)
      c.data.fill(0, c.offset + i * c.rowStride, c.offset + i * c.rowStride + n);
  }
  gemmTiled(m, n, k, a, b, c);
}

/**
 * The TypeScript product, `C += A·B`: each 4x4 block of C accumulates in
 * locals (registers, float64) over the whole k range, reading 8 values per
 * 16 multiply-adds; leftover rows go one at a time and leftover columns as
 * plain dot products.
 */
function gemmTiled(
  m: number,
  n: number,
  k: number,
  av: MatrixView,
  bv: MatrixView,
  cv: MatrixView,
): void {
  const { data: a, rowStride: aRow, colStride: aCol } = av;
  const { data: b, rowStride: bRow, colStride: bCol } = bv;
  const { data: c, rowStride: ldc } = cv;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  // biome-ignore format: the 4x4 register tile reads best as a grid
  for (let j = 0; j < n4; j += 4) {
    for (let i = 0; i < m4; i += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = av.offset + i * aRow, bp = bv.offset + j * bCol; p < k; p++, ap += aCol, bp += bRow) {
        const a0 = a[ap], a1 = a[ap + aRow], a2 = a[ap + 2 * aRow], a3 = a[ap + 3 * aRow];
        const b0 = b[bp], b1 = b[bp + bCol], b2 = b[bp + 2 * bCol], b3 = b[bp + 3 * bCol];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = cv.offset + i * ldc + j;
      c[o] += c00;           c[o + 1] += c01;           c[o + 2] += c02;           c[o + 3] += c03;
      c[o + ldc] += c10;     c[o + ldc + 1] += c11;     c[o + ldc + 2] += c12;     c[o + ldc + 3] += c13;
      c[o + 2 * ldc] += c20; c[o + 2 * ldc + 1] += c21; c[o + 2 * ldc + 2] += c22; c[o + 2 * ldc + 3] += c23;
      c[o + 3 * ldc] += c30; c[o + 3 * ldc + 1] += c31; c[o + 3 * ldc + 2] += c32; c[o + 3 * ldc + 3] += c33;
    }
    for (let i = m4; i < m; i++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, ap = av.offset + i * aRow, bp = bv.offset + j * bCol; p < k; p++, ap += aCol, bp += bRow) {
        const x = a[ap];
        c0 += x * b[bp]; c1 += x * b[bp + bCol]; c2 += x * b[bp + 2 * bCol]; c3 += x * b[bp + 3 * bCol];
      }
      const o = cv.offset + i * ldc + j;
      c[o] += c0; c[o + 1] += c1; c[o + 2] += c2; c[o + 3] += c3;
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = n4; j < n; j++) {
      let acc = 0;
      for (
        let p = 0, ap = av.offset + i * aRow, bp = bv.offset + j * bCol;
        p < k;
        p++, ap += aCol, bp += bRow
      ) {
        acc += a[ap] * b[bp];
      }
      c[cv.offset + i * ldc + j] += acc;
    }
  }
}
