/**
 * The tiled GEMM every matrix-product kernel shares: matmul reads its
 * operands through strides, and convolution reads one operand as im2col
 * columns computed on the fly ("implicit GEMM"), so the columns matrix is
 * never stored.
 *
 * Each workgroup computes a BM x BN tile of C. It walks K in steps of BK,
 * staging a BM x BK slice of A and a BK x BN slice of B in workgroup memory,
 * where every loaded value is reused BN (or BM) times; each thread keeps a
 * TM x TN block of accumulators in registers. The tile is chosen from the
 * adapter's limits.
 */

import { type GPUContext, readyContext } from "./device.js";
import { enqueue, type GPUDType, type WebGPUStorage } from "./queue.js";
import { Params, pu, storedType } from "./view.js";

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
 *
 * @example
 * gemmTiles(undefined); // the tile every adapter supports: 64x64x16, 4x4 per thread
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
    // Software adapters run a workgroup's threads one after another: big tiles only add waste at the edges.
    if (ctx?.report.software && t.bm > 64) continue;
    if (threads <= invocations && bytes <= storage) return t;
  }
  return candidates[candidates.length - 1];
}

/**
 * A batched product `C[b] = A[b] @ B[b]` (`[m, k] @ [k, n]`) whose operands
 * and result are addressed by WGSL the caller supplies.
 */
export interface GemmSpec {
  /** The op named in errors. */
  op: string;
  /** Pipeline-key part for everything `helpers` depends on besides the tiles. */
  key: string;
  dtype: GPUDType;
  /** Bound as `in0, in1, ...` (arrays of the dtype's stored type). */
  inputs: WebGPUStorage[];
  /** Bound as `C`. */
  out: WebGPUStorage;
  m: number;
  n: number;
  k: number;
  batches: number;
  /**
   * Appends the caller's parameters to `params` and returns WGSL defining
   * `struct Batch`, `fn batch_info(bt: u32) -> Batch`,
   * `fn load_a(b: Batch, r: u32, c: u32) -> T`, `fn load_b(...)` and
   * `fn store_c(b: Batch, r: u32, c: u32, v: T)`, where T is the stored
   * type. Loads and stores are only called in bounds.
   */
  helpers: (params: Params) => string;
}

/**
 * Records the GEMM dispatch.
 *
 * @example
 * gemm({ op: "matmul", key: "matmul|2", dtype: "float32", inputs: [a, b], out, m, n, k, batches, helpers });
 */
export function gemm(spec: GemmSpec): void {
  const t = gemmTiles(readyContext());
  const params = new Params();
  params.int(spec.m, spec.n, spec.k, spec.batches);
  const helpers = spec.helpers(params);
  const T = storedType(spec.dtype);
  const zero = `${T}(0)`;
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  const key = `gemm|${spec.key}|${spec.dtype}|${spec.inputs.length}|${t.bm}x${t.bn}x${t.bk}/${t.tm}x${t.tn}`;
  const source = () => `
${spec.inputs.map((_, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${T}>;`).join("\n")}
@group(0) @binding(${spec.inputs.length}) var<storage, read_write> C: array<${T}>;
@group(0) @binding(${spec.inputs.length + 1}) var<storage, read> params: array<u32>;
const BM = ${t.bm}u;
const BN = ${t.bn}u;
const BK = ${t.bk}u;
const TM = ${t.tm}u;
const TN = ${t.tn}u;
var<workgroup> As: array<${T}, ${t.bk * t.bm}>;
var<workgroup> Bs: array<${T}, ${t.bk * t.bn}>;
${helpers}

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = ${pu(0)};
  let N = ${pu(1)};
  let K = ${pu(2)};
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  for (var bt = wid.z; bt < ${pu(3)}; bt += nwg.z) {
    let info = batch_info(bt);
    var acc: array<array<${T}, TN>, TM>;
    for (var k0 = 0u; k0 < K; k0 += BK) {
      for (var l = lid; l < BM * BK; l += ${threads}u) {
        let r = row0 + l / BK;
        let c = k0 + l % BK;
        var v = ${zero};
        if (r < M && c < K) { v = load_a(info, r, c); }
        As[(l % BK) * BM + l / BK] = v;
      }
      for (var l = lid; l < BK * BN; l += ${threads}u) {
        let r = k0 + l / BN;
        let c = col0 + l % BN;
        var v = ${zero};
        if (r < K && c < N) { v = load_b(info, r, c); }
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
        if (r < M && c < N) { store_c(info, r, c, acc[i][j]); }
      }
    }
  }
}`;
  enqueue({
    op: spec.op,
    key,
    source,
    buffers: [...spec.inputs, spec.out],
    meta: params.toArray(),
    workgroups: [Math.ceil(spec.n / t.bn), Math.ceil(spec.m / t.bm), Math.min(spec.batches, 65535)],
  });
}
