/**
 * Batched matrix multiplication: a tiled GEMM in workgroup memory.
 *
 * Each workgroup computes a BM x BN tile of the output. It walks K in steps
 * of BK, staging a BM x BK slice of A and a BK x BN slice of B in workgroup
 * memory, where every value loaded from global memory is reused BN (or BM)
 * times; each thread keeps a TM x TN block of accumulators in registers.
 * Operands are read through their strides, so `a.T` or a batch broadcast
 * costs no copy. The tile shape is chosen from the adapter's limits.
 */

import type { GPUContext } from "./device.js";
import { readyContext } from "./device.js";
import { allocStorage, enqueue, type WebGPUStorage } from "./queue.js";
import { coalesce, type GPUView, Params, pi, pu, sizeOf, storedType, unravel } from "./view.js";

/** Tile configuration: output tile BM x BN, K step BK, per-thread TM x TN. */
export interface GemmTiles {
  bm: number;
  bn: number;
  bk: number;
  tm: number;
  tn: number;
}

/**
 * The largest tile the adapter's workgroup memory and invocation limits
 * allow, from a short list known to work well on desktop GPUs.
 */
export function gemmTiles(ctx: GPUContext | undefined): GemmTiles {
  const storage = ctx?.maxComputeWorkgroupStorageSize ?? 16384;
  const invocations = ctx?.maxComputeInvocationsPerWorkgroup ?? 256;
  const candidates: GemmTiles[] = [
    { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 },
    { bm: 64, bn: 64, bk: 32, tm: 4, tn: 4 },
    { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 },
  ];
  for (const t of candidates) {
    const threads = (t.bm / t.tm) * (t.bn / t.tn);
    const bytes = (t.bm + t.bn) * t.bk * 4;
    // Software adapters run workgroups one thread at a time: small tiles win.
    if (ctx?.report.software && t.bm > 64) continue;
    if (threads <= invocations && bytes <= storage) return t;
  }
  return candidates[candidates.length - 1];
}

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
  const t = gemmTiles(readyContext());
  const params = new Params();
  params.int(m, n, k, batches);
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
  const T = storedType(a.dtype);
  const zero = a.dtype === "float32" ? "0.0" : "0";
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  const key = `matmul|${a.dtype}|${rank}|${t.bm}x${t.bn}x${t.bk}/${t.tm}x${t.tn}`;
  const source = () => `
@group(0) @binding(0) var<storage, read> A: array<${T}>;
@group(0) @binding(1) var<storage, read> B: array<${T}>;
@group(0) @binding(2) var<storage, read_write> C: array<${T}>;
@group(0) @binding(3) var<storage, read> params: array<u32>;
const BM = ${t.bm}u;
const BN = ${t.bn}u;
const BK = ${t.bk}u;
const TM = ${t.tm}u;
const TN = ${t.tn}u;
var<workgroup> As: array<${T}, ${t.bk * t.bm}>;
var<workgroup> Bs: array<${T}, ${t.bk * t.bn}>;

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = ${pu(0)};
  let N = ${pu(1)};
  let K = ${pu(2)};
  let sam = ${pi(strideAt)};
  let sak = ${pi(strideAt + 1)};
  let sbk = ${pi(strideAt + 2)};
  let sbn = ${pi(strideAt + 3)};
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  for (var bt = wid.z; bt < ${pu(3)}; bt += nwg.z) {
    var oa: i32 = ${pi(offsetAt)};
    var ob: i32 = ${pi(offsetAt + 1)};
    ${unravel("bt", rank, shapeAt, [aBatchAt, bBatchAt], ["oa", "ob"])}
    var acc: array<array<${T}, TN>, TM>;
    for (var k0 = 0u; k0 < K; k0 += BK) {
      for (var l = lid; l < BM * BK; l += ${threads}u) {
        let r = row0 + l / BK;
        let c = k0 + l % BK;
        var v: ${T} = ${zero};
        if (r < M && c < K) { v = A[oa + i32(r) * sam + i32(c) * sak]; }
        As[(l % BK) * BM + l / BK] = v;
      }
      for (var l = lid; l < BK * BN; l += ${threads}u) {
        let r = k0 + l / BN;
        let c = col0 + l % BN;
        var v: ${T} = ${zero};
        if (r < K && c < N) { v = B[ob + i32(r) * sbk + i32(c) * sbn]; }
        Bs[l] = v;
      }
      workgroupBarrier();
      for (var kk = 0u; kk < BK; kk++) {
        var av: array<${T}, TM>;
        var bv: array<${T}, TN>;
        for (var i = 0u; i < TM; i++) { av[i] = As[kk * BM + lid3.y * TM + i]; }
        for (var j = 0u; j < TN; j++) { bv[j] = Bs[kk * BN + lid3.x * TN + j]; }
        for (var i = 0u; i < TM; i++) {
          for (var j = 0u; j < TN; j++) { acc[i][j] += av[i] * bv[j]; }
        }
      }
      workgroupBarrier();
    }
    for (var i = 0u; i < TM; i++) {
      let r = row0 + lid3.y * TM + i;
      for (var j = 0u; j < TN; j++) {
        let c = col0 + lid3.x * TN + j;
        if (r < M && c < N) { C[bt * M * N + r * N + c] = acc[i][j]; }
      }
    }
  }
}`;
  enqueue({
    op: "matmul",
    key,
    source,
    buffers: [a.storage, b.storage, out],
    meta: params.toArray(),
    workgroups: [Math.ceil(n / t.bn), Math.ceil(m / t.bm), Math.min(batches, 65535)],
  });
  return out;
}
