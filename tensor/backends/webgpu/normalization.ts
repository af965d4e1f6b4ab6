/**
 * Batch, layer and group norm's one primitive: standardise each channel of
 * x viewed as `[outer, channels, inner]` (see tensor/backends/cpu/normalization.ts).
 * Statistics and the backward pass run one workgroup per channel: the sums
 * are tree reductions in workgroup memory, and the backward pass writes the
 * channel's gradient in the same dispatch that computes its sums.
 */

import type { NormalizeAttrs } from "../cpu/normalization.js";
import { dense, elementwise } from "./elementwise.js";
import { MATH_PRELUDE } from "./math.js";
import { allocStorage, enqueue, type WebGPUStorage } from "./queue.js";
import { threadsFor, workgroupTrees } from "./reduce.js";
import { BUILTINS, GROUP_ID, type GPUView, grid, Params } from "./view.js";

/** One workgroup per channel; `body` runs with `c`, `count` and `at(e)` (position of the channel's e-th element). */
function perChannel(
  op: string,
  a: NormalizeAttrs,
  inputs: GPUView[],
  out: WebGPUStorage,
  body: (threads: number) => string,
): WebGPUStorage {
  const count = a.outer * a.inner;
  if (a.channels === 0 || count === 0) return out;
  const threads = threadsFor(count);
  const params = new Params();
  params.int(a.outer, a.channels, a.inner);
  params.float(a.eps);
  const source = () => `${MATH_PRELUDE}
${inputs.map((_, k) => `@group(0) @binding(${k}) var<storage, read> in${k}: array<f32>;`).join("\n")}
@group(0) @binding(${inputs.length}) var<storage, read_write> result: array<f32>;
@group(0) @binding(${inputs.length + 1}) var<storage, read> params: array<u32>;
${workgroupTrees(threads)}

fn at(c: u32, e: u32) -> u32 {
  let inner = params[2];
  return ((e / inner) * params[1] + c) * inner + e % inner;
}

@compute @workgroup_size(${threads})
fn main(${BUILTINS}) {
  let c = ${GROUP_ID};
  if (c >= params[1]) { return; }
  let channels = params[1];
  let count = params[0] * params[2];
  let eps = bitcast<f32>(params[3]);
  ${body(threads)}
}`;
  enqueue({
    op,
    key: `${op}|${threads}`,
    source,
    buffers: [...inputs.map((x) => dense(x).storage), out],
    meta: params.toArray(),
    workgroups: grid(a.channels),
  });
  return out;
}

/**
 * Per-channel mean and biased variance (two passes, as on the CPU) as `[2, channels]`.
 *
 * @example
 * moments(x, { outer: 4, channels: 3, inner: 16, eps: 1e-5 });
 */
export function moments(x: GPUView, a: NormalizeAttrs): WebGPUStorage {
  return perChannel(
    "moments",
    a,
    [x],
    allocStorage(2 * a.channels, "float32"),
    (threads) => `
  var s = 0.0;
  for (var e = lid; e < count; e += ${threads}u) { s += in0[at(c, e)]; }
  let mean = tree_sum(lid, s) / f32(count);
  var q = 0.0;
  for (var e = lid; e < count; e += ${threads}u) { let d = in0[at(c, e)] - mean; q += d * d; }
  let variance = tree_sum(lid, q) / f32(count);
  if (lid == 0u) {
    result[c] = mean;
    result[channels + c] = variance;
  }`,
  );
}

/**
 * `(x - mean) / sqrt(var + eps)` per channel, from the `[2, channels]` moments.
 *
 * @example
 * normalize(x, stats, attrs);
 */
export function normalize(x: GPUView, stats: GPUView, a: NormalizeAttrs): WebGPUStorage {
  const shape = [a.outer, a.channels, a.inner];
  const rows = { ...dense(x), shape, strides: [a.channels * a.inner, a.inner, 1] };
  const perChannelView = (offset: number) => ({
    ...stats,
    shape,
    strides: [0, 1, 0],
    offset: stats.offset + offset,
  });
  return elementwise(
    "normalize",
    [rows, perChannelView(0), perChannelView(a.channels)],
    "(x0 - x1) * (1.0 / sqrt(x2 + s0))",
    "float32",
    {
      shape,
      scalars: [a.eps],
    },
  );
}

/**
 * Gradient of {@link normalize} through the batch statistics:
 * `s * (g - mean(g) - xhat * mean(g * xhat))` with `s = 1 / sqrt(var + eps)`.
 *
 * @example
 * normalizeBackward(gy, x, stats, attrs);
 */
export function normalizeBackward(
  gy: GPUView,
  x: GPUView,
  stats: GPUView,
  a: NormalizeAttrs,
): WebGPUStorage {
  const out = allocStorage(a.outer * a.channels * a.inner, "float32");
  return perChannel(
    "normalizeBackward",
    a,
    [gy, x, stats],
    out,
    (threads) => `
  let mean = in2[c];
  let scale = 1.0 / sqrt(in2[channels + c] + eps);
  var sg = 0.0;
  var sgy = 0.0;
  for (var e = lid; e < count; e += ${threads}u) {
    let i = at(c, e);
    sg += in0[i];
    sgy += in0[i] * (in1[i] - mean) * scale;
  }
  let mean_g = tree_sum(lid, sg) / f32(count);
  let mean_gy = tree_sum(lid, sgy) / f32(count);
  for (var e = lid; e < count; e += ${threads}u) {
    let i = at(c, e);
    result[i] = scale * (in0[i] - mean_g - (in1[i] - mean) * scale * mean_gy);
  }`,
  );
}
