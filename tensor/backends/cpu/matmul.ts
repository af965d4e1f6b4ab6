import type { DType, TypedArray } from "../../dtype.js";
import { typedArray } from "../../dtype.js";
import type { KernelFn, KernelInput } from "../backend.js";
import { gemm } from "./gemm.js";
import { allOffsets } from "./strided.js";

/**
 * Batched matrix product of strided views `a [...batch, m, k]` and
 * `b [...batch, k, n]`. float32 goes through {@link gemm}, which reads the
 * views' strides directly, so the transposed operands of the backward pass
 * (`g @ bᵀ`, `aᵀ @ g`) are never copied.
 */
const matmul: KernelFn = ([a, b], out) => {
  const nd = a.shape.length;
  const [m, k, n] = [a.shape[nd - 2], a.shape[nd - 1], b.shape[nd - 1]];
  const batchShape = a.shape.slice(0, nd - 2);
  const aBase = allOffsets(batchShape, a.strides.slice(0, nd - 2), a.offset);
  const bBase = allOffsets(batchShape, b.strides.slice(0, nd - 2), b.offset);
  if (out.dtype === "float32") {
    const result = new Float32Array(out.size);
    const [da, db] = [a.storage as Float32Array, b.storage as Float32Array];
    for (let batch = 0; batch < aBase.length; batch++) {
      gemm(
        m,
        n,
        k,
        {
          data: da,
          offset: aBase[batch],
          rowStride: a.strides[nd - 2],
          colStride: a.strides[nd - 1],
        },
        {
          data: db,
          offset: bBase[batch],
          rowStride: b.strides[nd - 2],
          colStride: b.strides[nd - 1],
        },
        { data: result, offset: batch * m * n, rowStride: n, colStride: 1 },
        false,
      );
    }
    return result;
  }
  return integerMatmul(a, b, out.size, out.dtype, aBase, bBase, m, k, n);
};

/**
 * The integer product, exact while sums stay below 2^53: each output row
 * accumulates in float64 over an i-k-j loop, which walks b's rows in order
 * when b is row-major.
 */
function integerMatmul(
  a: KernelInput,
  b: KernelInput,
  size: number,
  dtype: DType,
  aBase: Int32Array,
  bBase: Int32Array,
  m: number,
  k: number,
  n: number,
): TypedArray {
  const nd = a.shape.length;
  const [asm, ask] = [a.strides[nd - 2], a.strides[nd - 1]];
  const [bsk, bsn] = [b.strides[nd - 2], b.strides[nd - 1]];
  const da = a.storage as TypedArray;
  const db = b.storage as TypedArray;
  const result = typedArray(dtype, size);
  const row = new Float64Array(n);
  for (let batch = 0; batch < aBase.length; batch++) {
    const oBase = batch * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      const aRow = aBase[batch] + i * asm;
      for (let p = 0; p < k; p++) {
        const av = da[aRow + p * ask];
        const bRow = bBase[batch] + p * bsk;
        for (let j = 0; j < n; j++) row[j] += av * db[bRow + j * bsn];
      }
      for (let j = 0; j < n; j++) result[oBase + i * n + j] = row[j];
    }
  }
  return result;
}

export const kernels: Record<string, KernelFn> = { matmul };
