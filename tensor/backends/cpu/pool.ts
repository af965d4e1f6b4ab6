// Max and average pooling over three spatial dims (1-d and 2-d pools pass
// size-1 leading dims). A pool is described by where each output position's
// window lies along each dim; the fixed-kernel pools (maxPool, avgPool) and
// the adaptive ones differ only in how those windows are computed, so one
// forward and one backward per reduction serve all of them.
import type { KernelFn } from "../backend.js";
import { denseData, type Size3 } from "./unfold.js";

/** Where the window of each output position lies along one spatial dim. */
export interface AxisWindows {
  /** First input index each window reads (always inside the input). */
  first: Int32Array;
  /** Number of input positions each window reads. */
  count: Int32Array;
  /** Distance between the positions a window reads (the dilation). */
  step: number;
  /**
   * Window extent clipped to the padded input, the divisor of avgPool with
   * `countIncludePad` (PyTorch counts the zero padding but not the overhang
   * that ceilMode adds past it).
   */
  span: Int32Array;
}

/** One {@link AxisWindows} per spatial dim (depth, height, width). */
export type Windows3 = [AxisWindows, AxisWindows, AxisWindows];

/** Windows of a fixed-kernel pool along one dim; `outSize` already reflects ceilMode. */
export function poolWindows(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): AxisWindows {
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const span = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - padding;
    const lo = start < 0 ? Math.ceil(-start / dilation) : 0;
    const hi = Math.min(kernel, Math.ceil((inSize - start) / dilation));
    first[o] = start + lo * dilation;
    count[o] = Math.max(0, hi - lo);
    span[o] = Math.min(start + (kernel - 1) * dilation + 1, inSize + padding) - start;
  }
  return { first, count, step: dilation, span };
}

/**
 * Windows of an adaptive pool along one dim: output `o` covers
 * `[floor(o * in / out), ceil((o + 1) * in / out))`, as in PyTorch.
 */
export function adaptiveWindows(inSize: number, outSize: number): AxisWindows {
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = Math.floor((o * inSize) / outSize);
    const end = Math.ceil(((o + 1) * inSize) / outSize);
    first[o] = start;
    count[o] = end - start;
  }
  return { first, count, step: 1, span: count };
}

function outVolume(win: Windows3): number {
  return win[0].first.length * win[1].first.length * win[2].first.length;
}

/**
 * Max pool over `planes` (batch * channels) contiguous planes of `inSize`:
 * for every output, the flat position of the maximum inside its input plane
 * (PyTorch's `returnIndices` convention). The values are a gather of these,
 * and the gradient {@link maxPoolBackward} scatters back to them. A NaN in a window wins, and
 * ties go to the first maximum, as in PyTorch.
 */
export function maxPoolIndices(
  x: Float32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
): Int32Array {
  const [, H, W] = inSize;
  const [wd, wh, ww] = win;
  const inPlane = inSize[0] * H * W;
  const indices = new Int32Array(planes * outVolume(win));
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < wd.first.length; od++) {
      for (let oh = 0; oh < wh.first.length; oh++) {
        for (let ow = 0; ow < ww.first.length; ow++, o++) {
          let best = Number.NEGATIVE_INFINITY;
          let arg = (wd.first[od] * H + wh.first[oh]) * W + ww.first[ow];
          for (let i = 0, d = wd.first[od]; i < wd.count[od]; i++, d += wd.step) {
            for (let j = 0, h = wh.first[oh]; j < wh.count[oh]; j++, h += wh.step) {
              const row = (d * H + h) * W;
              for (let k = 0, w = ww.first[ow]; k < ww.count[ow]; k++, w += ww.step) {
                const v = x[base + row + w];
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  arg = row + w;
                }
              }
            }
          }
          indices[o] = arg;
        }
      }
    }
  }
  return indices;
}

/**
 * Max pool backward: each output gradient goes to the input position its
 * index names, summing where overlapping windows share a maximum. The
 * transpose of gathering the maxima.
 */
export function maxPoolBackward(
  gradOut: Float32Array,
  indices: Int32Array,
  planes: number,
  inPlane: number,
): Float32Array {
  const outPlane = gradOut.length / Math.max(planes, 1);
  const gx = new Float32Array(planes * inPlane);
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let i = 0; i < outPlane; i++, o++) gx[base + indices[o]] += gradOut[o];
  }
  return gx;
}

/**
 * What an average divides by: the window clipped to the padded input
 * (`"span"`, countIncludePad), the positions actually read (`"count"`), or a
 * fixed number (PyTorch's `divisor_override`).
 */
export type AvgDivisor = "span" | "count" | number;

/** The divisor of every output position of one plane, in output order. */
function divisors(divisor: AvgDivisor, win: Windows3): Float64Array {
  const [wd, wh, ww] = win;
  const out = new Float64Array(outVolume(win));
  if (typeof divisor === "number") return out.fill(divisor);
  const [ad, ah, aw] =
    divisor === "span" ? [wd.span, wh.span, ww.span] : [wd.count, wh.count, ww.count];
  let o = 0;
  for (let od = 0; od < ad.length; od++) {
    for (let oh = 0; oh < ah.length; oh++) {
      for (let ow = 0; ow < aw.length; ow++) out[o++] = ad[od] * ah[oh] * aw[ow];
    }
  }
  return out;
}

/** Average pool forward over `planes` contiguous planes of `inSize`. */
export function avgPoolForward(
  x: Float32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
  divisor: AvgDivisor,
): Float32Array {
  const out = new Float32Array(planes * outVolume(win));
  averageTransfer(x, out, planes, inSize, win, divisor, false);
  return out;
}

/** Average pool backward: each output gradient, divided like the forward, spread over its window. */
export function avgPoolBackward(
  gradOut: Float32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
  divisor: AvgDivisor,
): Float32Array {
  const gx = new Float32Array(planes * inSize[0] * inSize[1] * inSize[2]);
  averageTransfer(gx, gradOut, planes, inSize, win, divisor, true);
  return gx;
}

/**
 * The one walk behind the average pool and its adjoint: for every output
 * window, `out[o] = sum(image[window]) / divisor`, or with `adjoint`
 * `image[window] += out[o] / divisor`.
 */
function averageTransfer(
  image: Float32Array,
  out: Float32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
  divisor: AvgDivisor,
  adjoint: boolean,
): void {
  const [, H, W] = inSize;
  const [wd, wh, ww] = win;
  const inPlane = inSize[0] * H * W;
  const div = divisors(divisor, win);
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0, w = 0; od < wd.first.length; od++) {
      for (let oh = 0; oh < wh.first.length; oh++) {
        for (let ow = 0; ow < ww.first.length; ow++, o++, w++) {
          const g = adjoint ? out[o] / div[w] : 0;
          let sum = 0;
          for (let i = 0, d = wd.first[od]; i < wd.count[od]; i++, d++) {
            for (let j = 0, h = wh.first[oh]; j < wh.count[oh]; j++, h++) {
              const row = base + (d * H + h) * W + ww.first[ow];
              const n = ww.count[ow];
              if (adjoint) for (let k = 0; k < n; k++) image[row + k] += g;
              else for (let k = 0; k < n; k++) sum += image[row + k];
            }
          }
          if (!adjoint) out[o] = sum / div[w];
        }
      }
    }
  }
}

/** Attrs of the pooling kernels: `planes` contiguous planes of `inSize`, and the windows. */
export interface PoolAttrs {
  planes: number;
  inSize: Size3;
  windows: Windows3;
  /** avgPool only. */
  divisor?: AvgDivisor;
}

/** Attrs of `maxPoolBackward`, which needs no windows (max unpooling uses it too). */
export type MaxPoolBackwardAttrs = Pick<PoolAttrs, "planes" | "inSize">;

/**
 * `maxPoolIndices` (x → int32 positions of the maxima), `maxPoolBackward`
 * (gradOut, indices → input gradient; `MaxPoolBackwardAttrs`), `avgPool`
 * (x → averages), `avgPoolBackward` (gradOut → input gradient).
 */
export const kernels: Record<string, KernelFn> = {
  maxPoolIndices: ([x], _out, a: PoolAttrs) =>
    maxPoolIndices(denseData(x), a.planes, a.inSize, a.windows),
  maxPoolBackward: ([gy, indices], _out, a: MaxPoolBackwardAttrs) =>
    maxPoolBackward(
      denseData(gy),
      (indices.storage as Int32Array).subarray(indices.offset),
      a.planes,
      a.inSize[0] * a.inSize[1] * a.inSize[2],
    ),
  avgPool: ([x], _out, a: PoolAttrs) =>
    avgPoolForward(denseData(x), a.planes, a.inSize, a.windows, a.divisor!),
  avgPoolBackward: ([gy], _out, a: PoolAttrs) =>
    avgPoolBackward(denseData(gy), a.planes, a.inSize, a.windows, a.divisor!),
};
