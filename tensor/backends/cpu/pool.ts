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
  const indices = new Int32Array(planes * outVolume(win));
  if (isUnitDepth(win[0]) && isPairs(win[1]) && isPairs(win[2])) {
    maxPool2x2(x, indices, planes, inSize, win);
  } else maxPoolGeneral(x, indices, planes, inSize, win);
  return indices;
}

/** Every window reads one position along this dim (2-d and 1-d pools' depth). */
function isUnitDepth(a: AxisWindows): boolean {
  return a.count.every((c) => c === 1);
}

/** Windows `[2o, 2o + 1]`: kernel 2, stride 2, no padding or dilation, none clipped. */
function isPairs(a: AxisWindows): boolean {
  if (a.step !== 1) return false;
  for (let o = 0; o < a.first.length; o++)
    if (a.first[o] !== 2 * o || a.count[o] !== 2) return false;
  return true;
}

/**
 * The common 2×2, stride-2 max pool: four reads per output, compared in the
 * window's row-major order with the general loop's rule (a NaN always
 * takes over, otherwise only a strictly greater value).
 */
function maxPool2x2(
  x: Float32Array,
  indices: Int32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
): void {
  const [, H, W] = inSize;
  const wd = win[0];
  const inPlane = inSize[0] * H * W;
  const outH = win[1].first.length;
  const outW = win[2].first.length;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < wd.first.length; od++) {
      const plane = wd.first[od] * H * W;
      for (let oh = 0; oh < outH; oh++) {
        const row0 = plane + 2 * oh * W;
        const row1 = row0 + W;
        for (let ow = 0; ow < outW; ow++, o++) {
          const i0 = row0 + 2 * ow;
          const i1 = i0 + W;
          const a = x[base + i0];
          const b = x[base + i0 + 1];
          const c = x[base + i1];
          const d = x[base + i1 + 1];
          if (Number.isNaN(a + b + c + d)) {
            // A NaN (or +inf with -inf): the sequential scan, rarely taken.
            let best = a;
            let arg = i0;
            if (b > best || Number.isNaN(b)) {
              best = b;
              arg = i0 + 1;
            }
            if (c > best || Number.isNaN(c)) {
              best = c;
              arg = i1;
            }
            if (d > best || Number.isNaN(d)) arg = i1 + 1;
            indices[o] = arg;
          } else {
            // A tournament with ties to the earlier element (so the first
            // maximum wins), in arithmetic rather than branches, which random
            // data would mispredict.
            const right0 = Number(b > a);
            const right1 = Number(d > c);
            const down = Number(Math.max(c, d) > Math.max(a, b));
            const topArg = i0 + right0;
            indices[o] = topArg + down * (i1 + right1 - topArg);
          }
        }
      }
    }
  }
}

/** Any windows: each output scans its window in row-major order. */
function maxPoolGeneral(
  x: Float32Array,
  indices: Int32Array,
  planes: number,
  inSize: Size3,
  win: Windows3,
): void {
  const [, H, W] = inSize;
  const [wd, wh, ww] = win;
  const inPlane = inSize[0] * H * W;
  const nd = wd.first.length;
  const nh = wh.first.length;
  const nw = ww.first.length;
  const sd = wd.step * H * W;
  const sh = wh.step * W;
  const sw = ww.step;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < nd; od++) {
      const d0 = wd.first[od] * H * W;
      const cd = wd.count[od];
      for (let oh = 0; oh < nh; oh++) {
        const h0 = d0 + wh.first[oh] * W;
        const ch = wh.count[oh];
        for (let ow = 0; ow < nw; ow++, o++) {
          const start = h0 + ww.first[ow];
          const cw = ww.count[ow];
          let best = Number.NEGATIVE_INFINITY;
          let arg = start;
          for (let i = 0, dd = start; i < cd; i++, dd += sd) {
            for (let j = 0, hh = dd; j < ch; j++, hh += sh) {
              for (let k = 0, pos = hh; k < cw; k++, pos += sw) {
                const v = x[base + pos];
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  arg = pos;
                }
              }
            }
          }
          indices[o] = arg;
        }
      }
    }
  }
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
