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
import { perElement } from "./perelement.js";
import { allocStorage, enqueue, type GPUDType, type WebGPUStorage } from "./queue.js";
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
   * True when `store_c(b, r, c, v)` only writes `v` to `C[(b * m + r) * n + c]`
   * (a contiguous `[batches, m, n]` output with no epilogue), which allows
   * splitting K across workgroups.
   */
  plainOutput: boolean;
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
 * How many slices to split K into. A GEMM with few output tiles and a long K
 * (a weight gradient sums over batch x positions) would run on a handful of
 * workgroups while the rest of the GPU idles; each slice becomes its own
 * workgroup and a second pass sums the slices.
 */
function kSlices(spec: GemmSpec, t: GemmTiles): number {
  if (!spec.plainOutput) return 1;
  const tiles = Math.ceil(spec.m / t.bm) * Math.ceil(spec.n / t.bn) * spec.batches;
  if (tiles >= 64 || spec.k < 2048) return 1;
  return Math.min(Math.ceil(spec.k / 1024), Math.max(1, Math.floor(128 / tiles)));
}

/**
 * Records the GEMM dispatch (two when K is split).
 *
 * @example
 * gemm({ op: "matmul", key: "matmul|2", dtype: "float32", inputs: [a, b], out, m, n, k, batches, helpers });
 */
export function gemm(spec: GemmSpec): void {
  const t = gemmTiles(readyContext());
  const slices = kSlices(spec, t);
  const sliceK = Math.ceil(spec.k / slices / t.bk) * t.bk;
  const params = new Params();
  params.int(spec.m, spec.n, spec.k, spec.batches, slices, sliceK);
  const helpers = spec.helpers(params);
  const T = storedType(spec.dtype);
  const zero = `${T}(0)`;
  const tx = t.bn / t.tn;
  const ty = t.bm / t.tm;
  const threads = tx * ty;
  const split = slices > 1;
  const target = split
    ? allocStorage(slices * spec.batches * spec.m * spec.n, spec.dtype)
    : spec.out;
  // Partials of slice s are a contiguous [batches, m, n] block.
  const store = split
    ? "C[((s * params[3] + bt) * M + r) * N + c] = acc[i][j];"
    : "store_c(info, r, c, acc[i][j]);";
  const key = `gemm|${spec.key}|${spec.dtype}|${spec.inputs.length}|${split}|${t.bm}x${t.bn}x${t.bk}/${t.tm}x${t.tn}`;
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
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  // z enumerates (slice, batch) pairs; a slice covers K range [k_begin, k_end).
  for (var z = wid.z; z < ${pu(3)} * ${pu(4)}; z += nwg.z) {
    let bt = z % ${pu(3)};
    let s = z / ${pu(3)};
    let k_begin = s * ${pu(5)};
    let k_end = min(${pu(2)}, k_begin + ${pu(5)});
    let info = batch_info(bt);
    var acc: array<array<${T}, TN>, TM>;
    for (var k0 = k_begin; k0 < k_end; k0 += BK) {
      for (var l = lid; l < BM * BK; l += ${threads}u) {
        let r = row0 + l / BK;
        let c = k0 + l % BK;
        var v = ${zero};
        if (r < M && c < k_end) { v = load_a(info, r, c); }
        As[(l % BK) * BM + l / BK] = v;
      }
      for (var l = lid; l < BK * BN; l += ${threads}u) {
        let r = k0 + l / BN;
        let c = col0 + l % BN;
        var v = ${zero};
        if (r < k_end && c < N) { v = load_b(info, r, c); }
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
        if (r < M && c < N) { ${store} }
      }
    }
  }
}`;
  enqueue({
    op: spec.op,
    key,
    source,
    buffers: [...spec.inputs, target],
    meta: params.toArray(),
    workgroups: [
      Math.ceil(spec.n / t.bn),
      Math.ceil(spec.m / t.bm),
      Math.min(spec.batches * slices, 65535),
    ],
  });
  if (split) sumSlices(spec, target, slices);
}

/** `out[i] = sum over s of partials[s][i]`: the second pass of a split-K GEMM. */
function sumSlices(spec: GemmSpec, partials: WebGPUStorage, slices: number): void {
  const total = spec.batches * spec.m * spec.n;
  perElement({
    op: spec.op,
    key: "sumSlices",
    inputs: [{ storage: partials, dtype: spec.dtype }],
    out: spec.out,
    outDtype: spec.dtype,
    n: total,
    build: (params) => {
      const at = params.int(slices);
      return {
        body: `
  var sum = in0[i];
  for (var s = 1u; s < params[${at}]; s++) { sum += in0[s * params[0] + i]; }
  result[i] = sum;`,
      };
    },
  });
}
