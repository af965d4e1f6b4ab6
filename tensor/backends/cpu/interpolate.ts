// Resizing as a sequence of one-axis resamplings. Nearest, (bi/tri)linear
// and bicubic interpolation are separable: every output value along one axis
// is a weighted sum of a few input values along that axis (1, 2 or 4 taps),
// so an N-d resize is N passes of one kernel, and its gradient is the
// transposed passes in reverse order. The tables follow PyTorch's
// UpSample.h index and weight rules.
import type { KernelFn } from "../backend.js";
import { denseData } from "./unfold.js";

/**
 * For every output index along one axis, the `taps` source indices it reads
 * and their weights: tap `t` of output `o` is at `o * taps + t`.
 */
export interface AxisResample {
  inSize: number;
  outSize: number;
  taps: number;
  index: Int32Array;
  weight: Float32Array;
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
  const index = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (exact) index[o] = Math.floor(Math.fround(Math.fround(o + 0.5) * scale));
    else if (outSize === inSize) index[o] = o;
    else if (outSize === 2 * inSize) index[o] = o >> 1;
    else index[o] = Math.floor(Math.fround(o * scale));
    index[o] = Math.min(index[o], inSize - 1);
  }
  return { inSize, outSize, taps: 1, index, weight: new Float32Array(outSize).fill(1) };
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
  const index = new Int32Array(2 * outSize);
  const weight = new Float32Array(2 * outSize);
  for (let o = 0; o < outSize; o++) {
    if (outSize === inSize) {
      index[2 * o] = index[2 * o + 1] = o;
      weight[2 * o] = 1;
      continue;
    }
    const src = alignCorners ? o * scale : Math.max((o + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    const frac = Math.min(src - lo, 1);
    index[2 * o] = lo;
    index[2 * o + 1] = lo < inSize - 1 ? lo + 1 : lo;
    weight[2 * o] = 1 - frac;
    weight[2 * o + 1] = frac;
  }
  return { inSize, outSize, taps: 2, index, weight };
}

/** Keys' cubic convolution kernel with PyTorch's `A = -0.75`, at distance `d` (0 <= d < 2). */
function cubicWeight(d: number): number {
  const A = -0.75;
  if (d <= 1) return ((A + 2) * d - (A + 3)) * d * d + 1;
  return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A;
}

/**
 * Bicubic table: four taps around `src` (computed as for linear, but not
 * clamped at 0), cubic-convolution weights, and source indices clamped to
 * the input so the border pixels repeat, as in PyTorch.
 */
export function cubicTable(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scaleFactor: number | undefined,
): AxisResample {
  const scale = sourceScale(inSize, outSize, alignCorners, scaleFactor);
  const index = new Int32Array(4 * outSize);
  const weight = new Float32Array(4 * outSize);
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? o * scale : (o + 0.5) * scale - 0.5;
    const lo = Math.floor(src);
    const t = src - lo;
    for (let j = 0; j < 4; j++) {
      index[4 * o + j] = Math.max(0, Math.min(inSize - 1, lo - 1 + j));
      weight[4 * o + j] = cubicWeight(Math.abs(t - (j - 1)));
    }
  }
  return { inSize, outSize, taps: 4, index, weight };
}

/** Resamples the middle axis of `x` viewed as `[outer, r.inSize, inner]`. */
export function resampleAxis(
  x: Float32Array,
  outer: number,
  inner: number,
  r: AxisResample,
): Float32Array {
  const out = new Float32Array(outer * r.outSize * inner);
  resampleTransfer(x, out, outer, inner, r, false);
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
  resampleTransfer(gx, gradOut, outer, inner, r, true);
  return gx;
}

/**
 * The one walk behind a resampling and its transpose: every (output, tap)
 * pair adds `weight * image[source]` to the output, or with `adjoint`
 * `weight * out[output]` back to the source.
 */
function resampleTransfer(
  image: Float32Array,
  out: Float32Array,
  outer: number,
  inner: number,
  r: AxisResample,
  adjoint: boolean,
): void {
  for (let a = 0; a < outer; a++) {
    const src = a * r.inSize * inner;
    for (let o = 0; o < r.outSize; o++) {
      const dst = (a * r.outSize + o) * inner;
      for (let t = o * r.taps; t < (o + 1) * r.taps; t++) {
        const s = src + r.index[t] * inner;
        const w = r.weight[t];
        if (adjoint) for (let k = 0; k < inner; k++) image[s + k] += w * out[dst + k];
        else for (let k = 0; k < inner; k++) out[dst + k] += w * image[s + k];
      }
    }
  }
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
