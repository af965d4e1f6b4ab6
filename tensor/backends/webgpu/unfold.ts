/**
 * `unfold` (im2col) and `fold` (col2im) of `[batch, channels, ...inSize]`
 * images and `[batch, channels * volume(kernel), volume(outSize)]` columns.
 * Fold gathers, for each image position, the columns that read it (the
 * taps whose window starts on the stride grid), so it needs no atomics.
 */

import type { UnfoldAttrs } from "../cpu/unfold.js";
import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import type { GPUView, Params } from "./view.js";

const volume = (s: readonly number[]) => s[0] * s[1] * s[2];

/** The sliding window in params, and WGSL reading it back as vec3<i32>s. */
function windowParams(params: Params, a: UnfoldAttrs): string {
  const w = a.win;
  const at = params.int(
    a.channels,
    ...w.inSize,
    ...w.outSize,
    ...w.kernel,
    ...w.stride,
    ...w.padding,
    ...w.dilation,
  );
  const v3 = (k: number) =>
    `vec3<i32>(i32(params[${at + 1 + 3 * k}]), i32(params[${at + 2 + 3 * k}]), i32(params[${at + 3 + 3 * k}]))`;
  return `
fn channels() -> u32 { return params[${at}]; }
fn in_size() -> vec3<i32> { return ${v3(0)}; }
fn out_size() -> vec3<i32> { return ${v3(1)}; }
fn kernel_size() -> vec3<i32> { return ${v3(2)}; }
fn stride() -> vec3<i32> { return ${v3(3)}; }
fn padding() -> vec3<i32> { return ${v3(4)}; }
fn dilation() -> vec3<i32> { return ${v3(5)}; }
fn vol(s: vec3<i32>) -> u32 { return u32(s.x * s.y * s.z); }
fn unravel3(f: u32, s: vec3<i32>) -> vec3<i32> {
  let i = i32(f);
  return vec3<i32>(i / (s.y * s.z), (i / s.z) % s.y, i % s.z);
}
fn ravel3(i: vec3<i32>, s: vec3<i32>) -> u32 { return u32((i.x * s.y + i.y) * s.z + i.z); }`;
}

/**
 * im2col: `[batch, channels, ...in]` → `[batch, channels * kvol, outVol]`.
 *
 * @example
 * unfold(x, { batch: 1, channels: 3, win });
 */
export function unfold(x: GPUView, a: UnfoldAttrs): WebGPUStorage {
  const n = a.batch * a.channels * volume(a.win.kernel) * volume(a.win.outSize);
  return perElement({
    op: "unfold",
    key: "unfold",
    inputs: [x],
    out: allocStorage(n, "float32"),
    outDtype: "float32",
    n,
    build: (params) => ({
      helpers: windowParams(params, a),
      body: `
  let kvol = vol(kernel_size());
  let ovol = vol(out_size());
  let p = i % ovol;
  let row = (i / ovol) % (channels() * kvol);
  let image = i / (ovol * channels() * kvol);
  let at = unravel3(p, out_size()) * stride() - padding() + unravel3(row % kvol, kernel_size()) * dilation();
  var v = 0.0;
  if (all(at >= vec3<i32>(0)) && all(at < in_size())) {
    v = in0[(image * channels() + row / kvol) * vol(in_size()) + ravel3(at, in_size())];
  }
  result[i] = v;`,
    }),
  });
}

/**
 * col2im, summing overlaps: `[batch, channels * kvol, outVol]` → `[batch, channels, ...in]`.
 *
 * @example
 * fold(cols, { batch: 1, channels: 3, win });
 */
export function fold(cols: GPUView, a: UnfoldAttrs): WebGPUStorage {
  const n = a.batch * a.channels * volume(a.win.inSize);
  return perElement({
    op: "fold",
    key: "fold",
    inputs: [cols],
    out: allocStorage(n, "float32"),
    outDtype: "float32",
    n,
    build: (params) => ({
      helpers: windowParams(params, a),
      body: `
  let kvol = vol(kernel_size());
  let ovol = vol(out_size());
  let ivol = vol(in_size());
  let plane = i / ivol;
  let q = unravel3(i % ivol, in_size());
  var sum = 0.0;
  for (var k = 0u; k < kvol; k++) {
    let t = q + padding() - unravel3(k, kernel_size()) * dilation();
    if (any(t < vec3<i32>(0)) || any(t % stride() != vec3<i32>(0))) { continue; }
    let o = t / stride();
    if (any(o >= out_size())) { continue; }
    sum += in0[(plane * kvol + k) * ovol + ravel3(o, out_size())];
  }
  result[i] = sum;`,
    }),
  });
}
