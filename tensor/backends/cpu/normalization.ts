// The one primitive behind batch, layer and group norm: standardize each
// channel of `x` viewed as `[outer, channels, inner]` over its outer and
// inner positions. Batch norm is `[N, C, spatial]`; layer norm is
// `[1, rows, normalizedSize]`; group norm is `[1, N * groups, rest]`. The
// per-channel affine transform and the running statistics stay in the
// frontend, written with public ops.
import type { KernelFn } from "../backend.js";
import { denseData } from "./unfold.js";

/** How a norm views its input, and the epsilon added to the variance. */
export interface NormalizeAttrs {
  outer: number;
  channels: number;
  inner: number;
  eps: number;
}

/**
 * Per-channel mean and biased variance of `x` (`[outer, channels, inner]`),
 * returned as `[2, channels]` (means, then variances). Sums run in float64
 * and the variance is taken around the mean (two passes), so it stays
 * exact when |mean| >> std.
 */
export function moments(x: Float32Array, a: NormalizeAttrs): Float32Array {
  const { outer, channels, inner } = a;
  const count = outer * inner;
  const mean = new Float64Array(channels);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let acc = 0;
      for (let b = 0; b < inner; b++) acc += x[i++];
      mean[c] += acc;
    }
  }
  for (let c = 0; c < channels; c++) mean[c] /= count;
  const squares = new Float64Array(channels);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const m = mean[c];
      let acc = 0;
      for (let b = 0; b < inner; b++, i++) acc += (x[i] - m) * (x[i] - m);
      squares[c] += acc;
    }
  }
  const out = new Float32Array(2 * channels);
  for (let c = 0; c < channels; c++) {
    out[c] = mean[c];
    out[channels + c] = squares[c] / count;
  }
  return out;
}

/** `1 / sqrt(variance + eps)` per channel, from the `[2, channels]` moments. */
function invStd(stats: Float32Array, a: NormalizeAttrs): Float64Array {
  const s = new Float64Array(a.channels);
  for (let c = 0; c < a.channels; c++) s[c] = 1 / Math.sqrt(stats[a.channels + c] + a.eps);
  return s;
}

/** `(x - mean) / sqrt(variance + eps)` per channel. */
export function normalize(x: Float32Array, stats: Float32Array, a: NormalizeAttrs): Float32Array {
  const { outer, channels, inner } = a;
  const scale = invStd(stats, a);
  const y = new Float32Array(x.length);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const m = stats[c];
      const s = scale[c];
      for (let b = 0; b < inner; b++, i++) y[i] = (x[i] - m) * s;
    }
  }
  return y;
}

/**
 * Gradient of {@link normalize} with the batch's own moments:
 * `invStd * (g - mean(g) - y * mean(g * y))` per channel, with
 * `y = (x - mean) * invStd` recomputed from `x` (the mean and variance
 * depend on every input of the channel). Reading `x` rather than the saved
 * output lets users modify the output in place, as PyTorch allows.
 */
export function normalizeBackward(
  gradOut: Float32Array,
  x: Float32Array,
  stats: Float32Array,
  a: NormalizeAttrs,
): Float32Array {
  const { outer, channels, inner } = a;
  const count = outer * inner;
  const scale = invStd(stats, a);
  const sumG = new Float64Array(channels);
  const sumGY = new Float64Array(channels);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const m = stats[c];
      const s = scale[c];
      let g = 0;
      let gy = 0;
      for (let b = 0; b < inner; b++, i++) {
        g += gradOut[i];
        gy += gradOut[i] * (x[i] - m) * s;
      }
      sumG[c] += g;
      sumGY[c] += gy;
    }
  }
  const gx = new Float32Array(gradOut.length);
  for (let o = 0, i = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const m = stats[c];
      const meanG = sumG[c] / count;
      const meanGY = sumGY[c] / count;
      const s = scale[c];
      for (let b = 0; b < inner; b++, i++) {
        gx[i] = s * (gradOut[i] - meanG - (x[i] - m) * s * meanGY);
      }
    }
  }
  return gx;
}

/**
 * `moments` (x → `[2, channels]`), `normalize` (x, moments → y),
 * `normalizeBackward` (gradOut, x, moments → input gradient).
 */
export const kernels: Record<string, KernelFn<NormalizeAttrs>> = {
  moments: ([x], _out, a) => moments(denseData(x), a),
  normalize: ([x, stats], _out, a) => normalize(denseData(x), denseData(stats), a),
  normalizeBackward: ([gy, x, stats], _out, a) =>
    normalizeBackward(denseData(gy), denseData(x), denseData(stats), a),
};
