/**
 * Batched matrix multiplication on the shared tiled GEMM (gemm.ts). Operands
 * are read through their strides, so `a.T` or a broadcast batch costs no copy.
 */

import { gemm } from "./gemm.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import { coalesce, type GPUView, pi, sizeOf, storedType, unravel } from "./view.js";

/**
 * `a [...batch, m, k] @ b [...batch, k, n]` (same batch shape, any strides)
 * into a new contiguous `[...batch, m, n]` storage.
 *
 * @example
 * matmul(a, b); // a [2, 3], b [3, 4] -> [2, 4]
 */
export function matmul(a: GPUView, b: GPUView): WebGPUStorage {
  const nd = a.shape.length;
  const [m, k] = [a.shape[nd - 2], a.shape[nd - 1]];
  const n = b.shape[nd - 1];
  const batchShape = a.shape.slice(0, nd - 2);
  const batches = sizeOf(batchShape);
  const out = allocStorage(batches * m * n, a.dtype);
  if (batches * m * n === 0) return out;
  const batch = coalesce(batchShape, [a.strides.slice(0, nd - 2), b.strides.slice(0, nd - 2)]);
  const rank = batch.shape.length;
  gemm({
    op: "matmul",
    key: `matmul|${rank}`,
    dtype: a.dtype,
    inputs: [a.storage, b.storage],
    out,
    m,
    n,
    k,
    batches,
    plainOutput: true,
    helpers: (params) => {
      const T = storedType(a.dtype);
      const strideAt = params.int(
        a.strides[nd - 2],
        a.strides[nd - 1],
        b.strides[nd - 2],
        b.strides[nd - 1],
      );
      const offsetAt = params.int(a.offset, b.offset);
      const shapeAt = params.int(...batch.shape);
      const aBatchAt = params.int(...batch.strides[0]);
      const bBatchAt = params.int(...batch.strides[1]);
      return `
struct Batch { a: i32, b: i32, c: u32 }
fn batch_info(bt: u32) -> Batch {
  var oa: i32 = ${pi(offsetAt)};
  var ob: i32 = ${pi(offsetAt + 1)};
  ${unravel("bt", rank, shapeAt, [aBatchAt, bBatchAt], ["oa", "ob"])}
  return Batch(oa, ob, bt * params[0] * params[1]);
}
fn load_a(b: Batch, r: u32, c: u32) -> ${T} {
  return in0[b.a + i32(r) * ${pi(strideAt)} + i32(c) * ${pi(strideAt + 1)}];
}
fn load_b(b: Batch, r: u32, c: u32) -> ${T} {
  return in1[b.b + i32(r) * ${pi(strideAt + 2)} + i32(c) * ${pi(strideAt + 3)}];
}
fn store_c(b: Batch, r: u32, c: u32, v: ${T}) {
  C[b.c + r * params[1] + c] = v;
}`;
    },
  });
  return out;
}
