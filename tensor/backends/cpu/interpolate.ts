// Resizing as a sequence of one-axis resamplings. Nearest and (bi/tri)linear
// interpolation are separable: every output value along one axis is a
// weighted sum of at most two input values along that axis, so an N-d resize
// is N passes of one kernel, and its gradient is the transposed passes in
// reverse order. The tables follow PyTorch's UpSample.h index rules exactly.
import type { KernelFn } from "../backend.js";
import { denseData } from "./unfold.js";

/** For every output index along one axis: the two source indices and their weights. */
export interface AxisResample {
  inSize: number;
  outSize: number;
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/**
 * PyTorch's `area_pixel_compute_scale`: the step between source positions.
 * `scaleFactor` is the user's factor when the output size came from it (and
 * was not recomputed); PyTorch then uses `1 / scaleFactor`, not `in / out`.
 */
function sourceScale(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | undefined,
): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return scaleFactor !== undefined && scaleFactor > 0 ? 1 / scaleFactor : inSize / outSize;
}

/**
 * Nearest-neighbour table: `src = floor(dst * scale)` (PyTorch's `"nearest"`),
 * or `floor((dst + 0.5) * scale)` with `exact` (`"nearest-exact"`). PyTorch
 * computes these in float32 and maps equal sizes and exact doubling
 * directly; we do the same so indices never differ at a rounding boundary.
 */
export function nearestTable(
  inSize: number,
  outSize: number,
  scaleFactor: number | undefined,
  exact: boolean,
): AxisResample {
  const scale = Math.fround(sourceScale(inSize, outSize, false, scaleFactor));
  const i0 = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (exact) i0[o] = Math.floor(Math.fround(Math.fround(o + 0.5) * scale));
    else if (outSize === inSize) i0[o] = o;
    else if (outSize === 2 * inSize) i0[o] = o >> 1;
    else i0[o] = Math.floor(Math.fround(o * scale));
    i0[o] = Math.min(i0[o], inSize - 1);
  }
  const w0 = new Float32Array(outSize).fill(1);
  return { inSize, outSize, i0, i1: i0, w0, w1: new Float32Array(outSize) };
}

/**
 * Linear table: with `alignCorners` the corner pixels' centres line up
 * (`src = dst * (in-1)/(out-1)`); without, pixel areas line up
 * (`src = (dst + 0.5) * scale - 0.5`, clamped at 0). Equal sizes copy, as
 * in PyTorch, whatever the scale factor.
 */
export function linearTable(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | undefined,
): AxisResample {
  const scale = sourceScale(inSize, outSize, alignCorners, scaleFactor);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float32Array(outSize);
  const w1 = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      i0[o] = o;
      i1[o] = o;
      w0[o] = 1;
      continue;
    }
    const src = alignCorners ? o * scale : Math.max((o + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    const frac = Math.min(src - lo, 1);
    i0[o] = lo;
    i1[o] = lo < inSize - 1 ? lo + 1 : lo;
    w0[o] = 1 - frac;
    w1[o] = frac;
  }
  return { inSize, outSize, i0, i1, w0, w1 };
}

/** Resamples the middle axis of `x` viewed as `[outer, r.inSize, inner]`. */
export function resampleAxis(
  x: Float32Array,
  outer: number,
  inner: number,
  r: AxisResample,
): Float32Array {
  const out = new Float32Array(outer * r.outSize * inner);
  for (let a = 0; a < outer; a++) {
    const src = a * r.inSize * inner;
    for (let o = 0; o < r.outSize; o++) {
      const dst = (a * r.outSize + o) * inner;
      const s0 = src + r.i0[o] * inner;
      const s1 = src + r.i1[o] * inner;
      const w0 = r.w0[o];
      const w1 = r.w1[o];
      for (let k = 0; k < inner; k++) out[dst + k] = w0 * x[s0 + k] + w1 * x[s1 + k];
    }
  }
  return out;
}

/** Transpose of {@link resampleAxis}: `[outer, r.outSize, inner]` → `[outer, r.inSize, inner]`. */
export function resampleAxisBackward(
  gradOut: Float32Array,
  outer: number,
  inner: number,
  r: AxisResample,
): Float32Array {
  const gx = new Float32Array(outer * r.inSize * inner);
  for (let a = 0; a < outer; a++) {
    const dst = a * r.inSize * inner;
    for (let o = 0; o < r.outSize; o++) {
      const src = (a * r.outSize + o) * inner;
      const d0 = dst + r.i0[o] * inner;
      const d1 = dst + r.i1[o] * inner;
      const w0 = r.w0[o];
      const w1 = r.w1[o];
      for (let k = 0; k < inner; k++) {
        gx[d0 + k] += w0 * gradOut[src + k];
        gx[d1 + k] += w1 * gradOut[src + k];
      }
    }
  }
  return gx;
}

function product(sizes: number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

/**
 * Resizes `planes` contiguous planes of `inSize` (one table per spatial
 * axis) to `tables[i].outSize`, one axis at a time.
 */
export function interpolateForward(
  x: Float32Array,
  planes: number,
  tables: AxisResample[],
): Float32Array {
  const sizes = tables.map((t) => t.inSize);
  let cur = x;
  tables.forEach((t, axis) => {
    cur = resampleAxis(
      cur,
      planes * product(sizes.slice(0, axis)),
      product(sizes.slice(axis + 1)),
      t,
    );
    sizes[axis] = t.outSize;
  });
  return cur;
}

/** Gradient of {@link interpolateForward}: the transposed passes, last axis first. */
export function interpolateBackward(
  gradOut: Float32Array,
  planes: number,
  tables: AxisResample[],
): Float32Array {
  const sizes = tables.map((t) => t.outSize);
  let cur = gradOut;
  for (let axis = tables.length - 1; axis >= 0; axis--) {
    const t = tables[axis];
    cur = resampleAxisBackward(
      cur,
      planes * product(sizes.slice(0, axis)),
      product(sizes.slice(axis + 1)),
      t,
    );
    sizes[axis] = t.inSize;
  }
  return cur;
}

/** Attrs of `interpolate` / `interpolateBackward`: `planes` contiguous planes, one table per spatial axis. */
export interface InterpolateAttrs {
  planes: number;
  tables: AxisResample[];
}

export const kernels: Record<string, KernelFn<InterpolateAttrs>> = {
  interpolate: ([x], _out, { planes, tables }) => interpolateForward(denseData(x), planes, tables),
  interpolateBackward: ([gy], _out, { planes, tables }) =>
    interpolateBackward(denseData(gy), planes, tables),
};
