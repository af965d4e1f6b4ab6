/**
 * Convolution (1d/2d/3d, stride, padding, dilation, groups) and its two
 * gradients as implicit GEMMs on the shared tiled kernel (gemm.ts).
 *
 * The CPU builds an im2col matrix and multiplies; here the GEMM's operand
 * loader computes each im2col element when the tile is staged, so the
 * columns (kernel volume times larger than the input) are never stored:
 *
 * - forward, per (image, group): `y = W[Cout_g, Cin_g*kvol] @ cols[Cin_g*kvol, outVol]`
 * - input gradient, per (image, group): `gx = Wᵀ @ gy-columns`, where the loader
 *   finds, for each input position and tap, the output position that read it
 *   (a transposed convolution, so no col2im scatter and no atomics)
 * - weight gradient, per group: `gw = gy[Cout_g, N*outVol] @ colsᵀ`
 *
 * Convolutions with few rows per group (depthwise ones have one) run
 * directly instead: one thread per output (or input-gradient) element.
 * 1-d and 2-d convolutions arrive with size-1 leading spatial dims (Size3).
 */

import type { ConvGeometry } from "../cpu/conv.js";
import { gemm } from "./gemm.js";
import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import type { GPUView, Params } from "./view.js";

const volume = (s: readonly number[]) => s[0] * s[1] * s[2];

/** Geometry words and the WGSL `Batch` that carries them into the loaders. */
function geometry(params: Params, g: ConvGeometry): string {
  const at = params.int(
    g.inChannels / g.groups,
    g.outChannels / g.groups,
    g.inChannels,
    g.outChannels,
    g.groups,
    ...g.inSize,
    ...g.outSize,
    ...g.kernel,
    ...g.stride,
    ...g.padding,
    ...g.dilation,
  );
  const v3 = (i: number) =>
    `vec3<i32>(i32(params[${i}]), i32(params[${i + 1}]), i32(params[${i + 2}]))`;
  return `
struct Batch {
  n: u32, g: u32, cin_g: u32, cout_g: u32, cin: u32, cout: u32,
  in_sz: vec3<i32>, out_sz: vec3<i32>, k: vec3<i32>, s: vec3<i32>, p: vec3<i32>, d: vec3<i32>,
  in_vol: u32, out_vol: u32, k_vol: u32,
}
fn geometry(n: u32, g: u32) -> Batch {
  var b: Batch;
  b.n = n;
  b.g = g;
  b.cin_g = params[${at}];
  b.cout_g = params[${at + 1}];
  b.cin = params[${at + 2}];
  b.cout = params[${at + 3}];
  b.in_sz = ${v3(at + 5)};
  b.out_sz = ${v3(at + 8)};
  b.k = ${v3(at + 11)};
  b.s = ${v3(at + 14)};
  b.p = ${v3(at + 17)};
  b.d = ${v3(at + 20)};
  b.in_vol = u32(b.in_sz.x * b.in_sz.y * b.in_sz.z);
  b.out_vol = u32(b.out_sz.x * b.out_sz.y * b.out_sz.z);
  b.k_vol = u32(b.k.x * b.k.y * b.k.z);
  return b;
}
fn groups() -> u32 { return params[${at + 4}]; }
fn unravel3(f: u32, s: vec3<i32>) -> vec3<i32> {
  let i = i32(f);
  let rest = i / s.z;
  return vec3<i32>(rest / s.y, rest % s.y, i % s.z);
}
fn ravel3(i: vec3<i32>, s: vec3<i32>) -> u32 { return u32((i.x * s.y + i.y) * s.z + i.z); }
// Element (channel c of the group, output position p, tap kidx) of image n's im2col columns.
fn im2col(b: Batch, n: u32, c: u32, p: u32, kidx: u32) -> f32 {
  let i = unravel3(p, b.out_sz) * b.s - b.p + unravel3(kidx, b.k) * b.d;
  if (any(i < vec3<i32>(0)) || any(i >= b.in_sz)) { return 0.0; }
  return in0[(n * b.cin + b.g * b.cin_g + c) * b.in_vol + ravel3(i, b.in_sz)];
}
// The output position whose window puts tap kidx on input position q, or -1.
fn tap_output(b: Batch, q: u32, kidx: u32) -> i32 {
  let t = unravel3(q, b.in_sz) + b.p - unravel3(kidx, b.k) * b.d;
  if (any(t < vec3<i32>(0)) || any(t % b.s != vec3<i32>(0))) { return -1; }
  let o = t / b.s;
  if (any(o >= b.out_sz)) { return -1; }
  return i32(ravel3(o, b.out_sz));
}`;
}

/**
 * Below this many output rows per group (Cout/groups forward, Cin/groups for
 * the input gradient) a 64-row GEMM tile is mostly idle — depthwise
 * convolutions have one — so those convolutions run directly: one thread
 * per output element, looping over its taps.
 */
const DIRECT_BELOW = 8;

/**
 * Convolution forward: x `[N, Cin, ...in]`, weight `[Cout, Cin/groups, ...k]`,
 * optional bias `[Cout]` → `[N, Cout, ...out]` (inputs contiguous).
 *
 * @example
 * convForward(x, w, null, geometry);
 */
export function convForward(
  x: GPUView,
  w: GPUView,
  bias: GPUView | null,
  g: ConvGeometry,
): WebGPUStorage {
  const outVol = volume(g.outSize);
  const out = allocStorage(g.batch * g.outChannels * outVol, "float32");
  if (g.batch * g.outChannels * outVol === 0) return out;
  if (g.outChannels / g.groups < DIRECT_BELOW) {
    return perElement({
      op: "conv",
      key: `convDirect|${bias !== null}`,
      inputs: bias ? [x, w, bias] : [x, w],
      out,
      outDtype: "float32",
      n: g.batch * g.outChannels * outVol,
      build: (params) => ({
        helpers: geometry(params, g),
        body: `
  var b = geometry(0u, 0u);
  let p = i % b.out_vol;
  let co = (i / b.out_vol) % b.cout;
  let n = i / (b.out_vol * b.cout);
  b.g = co / b.cout_g;
  var sum = 0.0;
  for (var c = 0u; c < b.cin_g; c++) {
    for (var k = 0u; k < b.k_vol; k++) {
      sum += in1[(co * b.cin_g + c) * b.k_vol + k] * im2col(b, n, c, p, k);
    }
  }
  result[i] = sum${bias ? " + in2[co]" : ""};`,
      }),
    });
  }
  const inputs = bias ? [x.storage, w.storage, bias.storage] : [x.storage, w.storage];
  gemm({
    op: "conv",
    key: `conv|${bias !== null}`,
    dtype: "float32",
    inputs,
    out,
    m: g.outChannels / g.groups,
    n: outVol,
    k: (g.inChannels / g.groups) * volume(g.kernel),
    batches: g.batch * g.groups,
    plainOutput: bias === null,
    helpers: (params) => `${geometry(params, g)}
fn batch_info(bt: u32) -> Batch { return geometry(bt / groups(), bt % groups()); }
fn load_a(b: Batch, r: u32, c: u32) -> f32 { return in1[(b.g * b.cout_g + r) * b.cin_g * b.k_vol + c]; }
fn load_b(b: Batch, r: u32, c: u32) -> f32 { return im2col(b, b.n, r / b.k_vol, c, r % b.k_vol); }
fn store_c(b: Batch, r: u32, c: u32, v: f32) {
  let co = b.g * b.cout_g + r;
  C[(b.n * b.cout + co) * b.out_vol + c] = v${bias ? " + in2[co]" : ""};
}`,
  });
  return out;
}

/**
 * Gradient of the convolution input: gy `[N, Cout, ...out]`, weight →
 * `[N, Cin, ...in]`. Also the forward of the transposed convolution.
 *
 * @example
 * convBackwardInput(gy, w, geometry);
 */
export function convBackwardInput(gy: GPUView, w: GPUView, g: ConvGeometry): WebGPUStorage {
  const inVol = volume(g.inSize);
  const out = allocStorage(g.batch * g.inChannels * inVol, "float32");
  if (g.batch * g.inChannels * inVol === 0) return out;
  if (g.inChannels / g.groups < DIRECT_BELOW) {
    return perElement({
      op: "convBackwardInput",
      key: "convBackwardInputDirect",
      inputs: [gy, w],
      out,
      outDtype: "float32",
      n: g.batch * g.inChannels * inVol,
      build: (params) => ({
        helpers: geometry(params, g),
        body: `
  var b = geometry(0u, 0u);
  let q = i % b.in_vol;
  let ci = (i / b.in_vol) % b.cin;
  let n = i / (b.in_vol * b.cin);
  b.g = ci / b.cin_g;
  var sum = 0.0;
  for (var c = 0u; c < b.cout_g; c++) {
    let co = b.g * b.cout_g + c;
    for (var k = 0u; k < b.k_vol; k++) {
      let o = tap_output(b, q, k);
      if (o >= 0) {
        sum += in0[(n * b.cout + co) * b.out_vol + u32(o)] * in1[(co * b.cin_g + ci % b.cin_g) * b.k_vol + k];
      }
    }
  }
  result[i] = sum;`,
      }),
    });
  }
  gemm({
    op: "convBackwardInput",
    key: "convBackwardInput",
    dtype: "float32",
    inputs: [gy.storage, w.storage],
    out,
    m: g.inChannels / g.groups,
    n: inVol,
    k: (g.outChannels / g.groups) * volume(g.kernel),
    batches: g.batch * g.groups,
    plainOutput: true,
    helpers: (params) => `${geometry(params, g)}
fn batch_info(bt: u32) -> Batch { return geometry(bt / groups(), bt % groups()); }
fn load_a(b: Batch, r: u32, c: u32) -> f32 {
  let co = c / b.k_vol;
  return in1[((b.g * b.cout_g + co) * b.cin_g + r) * b.k_vol + c % b.k_vol];
}
fn load_b(b: Batch, r: u32, q: u32) -> f32 {
  let o = tap_output(b, q, r % b.k_vol);
  if (o < 0) { return 0.0; }
  return in0[(b.n * b.cout + b.g * b.cout_g + r / b.k_vol) * b.out_vol + u32(o)];
}
fn store_c(b: Batch, r: u32, c: u32, v: f32) { C[(b.n * b.cin + b.g * b.cin_g + r) * b.in_vol + c] = v; }`,
  });
  return out;
}

/**
 * Gradient of the convolution weight: x `[N, Cin, ...in]`, gy → `[Cout, Cin/groups, ...k]`.
 *
 * @example
 * convBackwardWeight(x, gy, geometry);
 */
export function convBackwardWeight(x: GPUView, gy: GPUView, g: ConvGeometry): WebGPUStorage {
  const rows = (g.inChannels / g.groups) * volume(g.kernel);
  const out = allocStorage(g.outChannels * rows, "float32");
  if (g.outChannels * rows === 0) return out;
  gemm({
    op: "convBackwardWeight",
    key: "convBackwardWeight",
    dtype: "float32",
    inputs: [x.storage, gy.storage],
    out,
    m: g.outChannels / g.groups,
    n: rows,
    k: g.batch * volume(g.outSize),
    batches: g.groups,
    plainOutput: true,
    helpers: (params) => `${geometry(params, g)}
fn batch_info(bt: u32) -> Batch { return geometry(0u, bt); }
fn load_a(b: Batch, r: u32, c: u32) -> f32 {
  let n = c / b.out_vol;
  return in1[(n * b.cout + b.g * b.cout_g + r) * b.out_vol + c % b.out_vol];
}
fn load_b(b: Batch, r: u32, c: u32) -> f32 { return im2col(b, r / b.out_vol, c / b.k_vol, r % b.out_vol, c % b.k_vol); }
fn store_c(b: Batch, r: u32, c: u32, v: f32) { C[(b.g * b.cout_g + r) * b.cin_g * b.k_vol + c] = v; }`,
  });
  return out;
}
