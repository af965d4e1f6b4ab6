import type { TypedArray } from "../../dtype.js";
import { typedArray } from "../../dtype.js";
import type { KernelFn } from "../backend.js";
import { allOffsets } from "./strided.js";

/**
 * Batched matrix product of strided views `a [...batch, m, k]` and
 * `b [...batch, k, n]`. Each output row is accumulated in float64 over an
 * i-k-j loop, which walks b's rows in order when b is row-major.
 */
const matmul: KernelFn = ([a, b], out) => {
  const nd = a.shape.length;
  const m = a.shape[nd - 2];
  const k = a.shape[nd - 1];
  const n = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const aBase = allOffsets(batchShape, a.strides.slice(0, nd - 2), a.offset);
  const bBase = allOffsets(batchShape, b.strides.slice(0, nd - 2), b.offset);
  const [asm, ask] = [a.strides[nd - 2], a.strides[nd - 1]];
  const [bsk, bsn] = [b.strides[nd - 2], b.strides[nd - 1]];
  const da = a.storage as TypedArray;
  const db = b.storage as TypedArray;
  const result = typedArray(out.dtype, out.size);
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
};

export const kernels: Record<string, KernelFn> = { matmul };
