/**
 * Resizing (nearest, linear, cubic) as one-axis resampling passes over the
 * CPU's per-axis tap tables (tensor/backends/cpu/interpolate.ts): output
 * `o` along an axis is the weighted sum of `taps` input positions. The
 * gradient is the transposed passes in reverse order; each input position
 * gathers the outputs whose taps name it, so no atomics are needed.
 */

import type { AxisResample, InterpolateAttrs } from "../cpu/interpolate.js";
import { perElement } from "./perelement.js";
import { allocStorage, type WebGPUStorage } from "./queue.js";
import type { GPUView, Params } from "./view.js";

/** One axis: blocks of `inSize` (or `outSize`) positions times `inner` contiguous elements. */
function axisParams(params: Params, inner: number, t: AxisResample): string {
  const header = params.int(inner, t.inSize, t.outSize, t.taps, 0, 0);
  params.set(header + 4, params.int(...t.index));
  params.set(header + 5, params.length);
  for (const w of t.weight) params.float(w);
  return `
fn inner() -> u32 { return params[${header}]; }
fn in_len() -> u32 { return params[${header + 1}]; }
fn out_len() -> u32 { return params[${header + 2}]; }
fn taps() -> u32 { return params[${header + 3}]; }
fn tap_index(j: u32) -> u32 { return params[params[${header + 4}] + j]; }
fn tap_weight(j: u32) -> f32 { return bitcast<f32>(params[params[${header + 5}] + j]); }`;
}

function pass(
  x: WebGPUStorage,
  outer: number,
  inner: number,
  t: AxisResample,
  backward: boolean,
): WebGPUStorage {
  const n = outer * (backward ? t.inSize : t.outSize) * inner;
  const forwardBody = `
  let k = i % inner();
  let o = (i / inner()) % out_len();
  let block = i / (inner() * out_len());
  var sum = 0.0;
  for (var j = 0u; j < taps(); j++) {
    sum += tap_weight(o * taps() + j) * in0[(block * in_len() + tap_index(o * taps() + j)) * inner() + k];
  }
  result[i] = sum;`;
  const backwardBody = `
  let k = i % inner();
  let src = (i / inner()) % in_len();
  let block = i / (inner() * in_len());
  var sum = 0.0;
  for (var o = 0u; o < out_len(); o++) {
    for (var j = 0u; j < taps(); j++) {
      if (tap_index(o * taps() + j) == src) {
        sum += tap_weight(o * taps() + j) * in0[(block * out_len() + o) * inner() + k];
      }
    }
  }
  result[i] = sum;`;
  return perElement({
    op: backward ? "interpolateBackward" : "interpolate",
    key: backward ? "resampleBackward" : "resample",
    inputs: [{ storage: x, dtype: "float32" }],
    out: allocStorage(n, "float32"),
    outDtype: "float32",
    n,
    build: (params) => ({
      helpers: axisParams(params, inner, t),
      body: backward ? backwardBody : forwardBody,
    }),
  });
}

const product = (sizes: number[]) => sizes.reduce((a, b) => a * b, 1);

/**
 * Resizes `planes` contiguous planes, one axis at a time.
 *
 * @example
 * interpolate(x, { planes: 6, tables });
 */
export function interpolate(x: GPUView, a: InterpolateAttrs): WebGPUStorage {
  const sizes = a.tables.map((t) => t.inSize);
  let cur = x.storage;
  a.tables.forEach((t, axis) => {
    cur = pass(
      cur,
      a.planes * product(sizes.slice(0, axis)),
      product(sizes.slice(axis + 1)),
      t,
      false,
    );
    sizes[axis] = t.outSize;
  });
  return cur;
}

/**
 * Gradient of {@link interpolate}: the transposed passes, last axis first.
 *
 * @example
 * interpolateBackward(gy, { planes: 6, tables });
 */
export function interpolateBackward(gy: GPUView, a: InterpolateAttrs): WebGPUStorage {
  const sizes = a.tables.map((t) => t.outSize);
  let cur = gy.storage;
  for (let axis = a.tables.length - 1; axis >= 0; axis--) {
    const t = a.tables[axis];
    cur = pass(
      cur,
      a.planes * product(sizes.slice(0, axis)),
      product(sizes.slice(axis + 1)),
      t,
      true,
    );
    sizes[axis] = t.inSize;
  }
  return cur;
}
