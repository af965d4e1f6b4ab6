import type { TypedArray } from "../../dtype.js";
import { typedArray } from "../../dtype.js";
import type { KernelFn } from "../backend.js";
import { allOffsets } from "./strided.js";

/**
 * Batched matrix product of strided views `a [...batch, m, k]` and
 * `b [...batch, k, n]`, accumulated in float64. The loop order follows the
 * memory layout so the innermost loop reads contiguous memory: i-k-j when
 * b's rows are contiguous, dot products (i-j-k) when both a's rows and b's
 * columns are (b is a transposed row-major matrix, as in `x.matmul(w.t())`
 * and in every matmul backward); other layouts copy b row-major first.
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
  let [bsk, bsn] = [b.strides[nd - 2], b.strides[nd - 1]];
  const da = a.storage as TypedArray;
  let db = b.storage as TypedArray;
  const result = typedArray(out.dtype, out.size);
  const dotOrder = bsn !== 1 && ask === 1 && bsk === 1;
  if (bsn !== 1 && !dotOrder) {
    // Gather each batch's b row-major into one buffer.
    const packed = new Float64Array(bBase.length * k * n);
    for (let batch = 0; batch < bBase.length; batch++) {
      for (let p = 0; p < k; p++) {
        for (let j = 0; j < n; j++)
          packed[(batch * k + p) * n + j] = db[bBase[batch] + p * bsk + j * bsn];
      }
      bBase[batch] = batch * k * n;
    }
    db = packed as unknown as TypedArray;
    [bsk, bsn] = [n, 1];
  }
  const row = new Float64Array(n);
  for (let batch = 0; batch < aBase.length; batch++) {
    const oBase = batch * m * n;
    const b0 = bBase[batch];
    for (let i = 0; i < m; i++) {
      const aRow = aBase[batch] + i * asm;
      if (dotOrder) {
        for (let j = 0; j < n; j++) {
          const bCol = b0 + j * bsn;
          let s = 0;
          for (let p = 0; p < k; p++) s += da[aRow + p] * db[bCol + p];
          result[oBase + i * n + j] = s;
        }
        continue;
      }
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = da[aRow + p * ask];
        const bRow = b0 + p * bsk;
        for (let j = 0; j < n; j++) row[j] += av * db[bRow + j];
      }
      for (let j = 0; j < n; j++) result[oBase + i * n + j] = row[j];
    }
  }
  return result;
};

export const kernels: Record<string, KernelFn> = { matmul };
