// Pooling: maxPool1d/2d/3d, avgPool1d/2d/3d, the adaptive pools and
// maxUnpool1d/2d/3d. The op checks the options and turns them into per-dim
// windows; the kernels in backends/cpu/pool.ts reduce over those windows.
import {
  type AvgDivisor,
  adaptiveWindows,
  type MaxPoolBackwardAttrs,
  type PoolAttrs,
  poolWindows,
  type Windows3,
} from "../backends/cpu/pool.js";
import type { Size3 } from "../backends/cpu/unfold.js";
import { record } from "../autograd/node.js";
import { hasKernel } from "../backends/backend.js";
import { runKernel } from "../dispatch.js";
import { IndexError, ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { zeros } from "./creation.js";
import { requireFloating } from "./elementwise.js";
import {
  type IntOrTuple,
  linearMap,
  spatialArg,
  spatialNames,
  toSize3,
  windowCount,
} from "./unfold.js";

export interface MaxPoolOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: IntOrTuple;
  /** Implicit -inf padding on both sides, at most half the kernel. Default 0. */
  padding?: IntOrTuple;
  /** Spacing between window taps. Default 1. */
  dilation?: IntOrTuple;
  /** Count a last partial window (ceil instead of floor). Default false. */
  ceilMode?: boolean;
  /** Also return the flat index of each maximum within its input plane. Default false. */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: IntOrTuple;
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: IntOrTuple;
  /** Count a last partial window (ceil instead of floor). Default false. */
  ceilMode?: boolean;
  /** Divide by the window size including the zero padding. Default true. */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead. */
  divisorOverride?: number;
}

/** Where a pool reads: `planes` contiguous planes of `inSize`, windows per dim, and the output shape. */
export interface PoolGeometry {
  planes: number;
  inSize: Size3;
  windows: Windows3;
  outShape: number[];
}

function splitInput(
  op: string,
  rank: number,
  xShape: readonly number[],
): { lead: number[]; spatial: number[] } {
  if (xShape.length !== rank + 1 && xShape.length !== rank + 2) {
    const dims = spatialNames(rank);
    throw new ShapeError(
      `${op}: expected a ${rank + 1}-D [C, ${dims}] or ${rank + 2}-D [N, C, ${dims}] input, got ${fmtShape(xShape)}`,
    );
  }
  const spatial = xShape.slice(xShape.length - rank);
  if (spatial.some((n) => n < 1)) {
    throw new ShapeError(`${op}: input ${fmtShape(xShape)} has an empty spatial dim`);
  }
  return { lead: xShape.slice(0, xShape.length - rank), spatial };
}

/**
 * Checks a fixed-kernel pool and returns its windows. `dilation` applies to
 * max pools only (avg pools pass none).
 */
export function poolGeometry(
  op: string,
  rank: 1 | 2 | 3,
  xShape: readonly number[],
  kernelSize: IntOrTuple,
  options: MaxPoolOptions & AvgPoolOptions,
): PoolGeometry {
  const { lead, spatial } = splitInput(op, rank, xShape);
  const kernel = spatialArg(op, "kernelSize", kernelSize, rank, 1);
  const strideArg = options.stride;
  const stride =
    strideArg === undefined || (Array.isArray(strideArg) && strideArg.length === 0)
      ? kernel
      : spatialArg(op, "stride", strideArg, rank, 1);
  const padding = spatialArg(op, "padding", options.padding ?? 0, rank, 0);
  const dilation = spatialArg(op, "dilation", options.dilation ?? 1, rank, 1);
  const ceilMode = options.ceilMode ?? false;
  padding.forEach((p, i) => {
    if (p > Math.floor(kernel[i] / 2)) {
      throw new ValueError(
        `${op}: padding ${fmtShape(padding)} must be at most half the kernel size ${fmtShape(kernel)}`,
      );
    }
  });
  const outSpatial = spatial.map((n, i) =>
    windowCount(n, kernel[i], stride[i], padding[i], padding[i], dilation[i], ceilMode),
  );
  if (outSpatial.some((n) => n < 1)) {
    throw new ShapeError(
      `${op}: input ${fmtShape(xShape)} is too small for kernel ${fmtShape(kernel)} (dilation ${fmtShape(dilation)}, padding ${fmtShape(padding)}): output would be ${fmtShape(outSpatial)}`,
    );
  }
  const inSize = toSize3(spatial, 1);
  const out3 = toSize3(outSpatial, 1);
  const k3 = toSize3(kernel, 1);
  const s3 = toSize3(stride, 1);
  const p3 = toSize3(padding, 0);
  const d3 = toSize3(dilation, 1);
  const windows = [0, 1, 2].map((i) =>
    poolWindows(inSize[i], out3[i], k3[i], s3[i], p3[i], d3[i]),
  ) as Windows3;
  // With dilation a window can fall entirely into the padding; PyTorch then
  // returns -inf and an index outside the input, which we refuse instead.
  windows.forEach((w, i) => {
    const empty = w.count.indexOf(0);
    if (empty >= 0) {
      const dim = i - (3 - rank);
      throw new ValueError(
        `${op}: window ${empty} along spatial dim ${dim} of input ${fmtShape(xShape)} lies entirely in the padding (kernel ${fmtShape(kernel)}, dilation ${fmtShape(dilation)}, padding ${fmtShape(padding)}); reduce the padding or the dilation`,
      );
    }
  });
  return { planes: product(lead), inSize, windows, outShape: [...lead, ...outSpatial] };
}

/**
 * Checks an adaptive pool and returns its windows. `outputSize` entries that
 * are `null` keep the input's size, as in PyTorch.
 */
export function adaptivePoolGeometry(
  op: string,
  rank: 1 | 2 | 3,
  xShape: readonly number[],
  outputSize: number | (number | null)[],
): PoolGeometry {
  const { lead, spatial } = splitInput(op, rank, xShape);
  const given =
    typeof outputSize === "number" ? new Array<number | null>(rank).fill(outputSize) : outputSize;
  const outSpatial = spatialArg(
    op,
    "outputSize",
    given.map((n, i) => n ?? spatial[i]),
    rank,
    1,
  );
  const inSize = toSize3(spatial, 1);
  const out3 = toSize3(outSpatial, 1);
  const windows = [0, 1, 2].map((i) => adaptiveWindows(inSize[i], out3[i])) as Windows3;
  return { planes: product(lead), inSize, windows, outShape: [...lead, ...outSpatial] };
}

function product(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

function planeSize(g: { inSize: Size3 }): number {
  return g.inSize[0] * g.inSize[1] * g.inSize[2];
}

/**
 * Where max pooling's maxima come from: `planes` planes of `inSize` in a
 * tensor of `inShape`, the maxima (and their int32 positions within each
 * plane) in a tensor of `outShape`.
 */
interface MaximaLayout {
  planes: number;
  inSize: Size3;
  inShape: readonly number[];
  outShape: readonly number[];
}

/** Maxima over the windows of `g`, and their flat positions within each input plane. */
function maxOverWindows(x: Tensor, g: PoolGeometry): [Tensor, Tensor] {
  const attrs: PoolAttrs = { planes: g.planes, inSize: g.inSize, windows: g.windows };
  const indices = runKernel("maxPoolIndices", [x.contiguous()], g.outShape, "int32", attrs);
  const layout = { planes: g.planes, inSize: g.inSize, inShape: x.shape, outShape: g.outShape };
  return [takeMaxima(x, indices, layout), indices];
}

// Reading the maxima and sending values back to their positions are each
// other's transposes, so each is the other's gradient: max pooling
// differentiates twice, and max unpooling is the second one.

function takeMaxima(x: Tensor, indices: Tensor, l: MaximaLayout): Tensor {
  const picked = [l.planes, indices.numel() / Math.max(l.planes, 1)];
  const planes = x.contiguous().reshape([l.planes, planeSize(l)]);
  const out = runKernel("gather", [planes, indices.reshape(picked)], picked, x.dtype, { dim: 1 });
  const values = out.reshape(l.outShape);
  return record(values, "maxPool", [x], (gy) => [scatterMaxima(gy, indices, l)]);
}

function scatterMaxima(values: Tensor, indices: Tensor, l: MaximaLayout): Tensor {
  let out: Tensor;
  if (hasKernel("maxPoolBackward", values.device)) {
    const attrs: MaxPoolBackwardAttrs = { planes: l.planes, inSize: l.inSize };
    out = runKernel(
      "maxPoolBackward",
      [values.contiguous(), indices],
      l.inShape,
      values.dtype,
      attrs,
    );
  } else {
    // a backend without the dedicated kernel scatter-adds with the generic one
    const picked = [l.planes, indices.numel() / Math.max(l.planes, 1)];
    const plane = [l.planes, planeSize(l)];
    const zero = zeros(plane, { dtype: values.dtype, device: values.device });
    const src = [zero, indices.reshape(picked), values.contiguous().reshape(picked)];
    out = runKernel("scatter", src, plane, values.dtype, { dim: 1, reduce: "add" });
    out = out.reshape(l.inShape);
  }
  return record(out, "maxPoolBackward", [values], (g) => [takeMaxima(g, indices, l)]);
}

function averageOverWindows(x: Tensor, g: PoolGeometry, divisor: AvgDivisor): Tensor {
  const attrs: PoolAttrs = { planes: g.planes, inSize: g.inSize, windows: g.windows, divisor };
  return linearMap(x, "avgPool", "avgPoolBackward", g.outShape, attrs);
}

type WithIndices = MaxPoolOptions & { returnIndices: true };

function maxPoolNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  kernelSize: IntOrTuple,
  options: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  requireFloating(op, x);
  const [values, indices] = maxOverWindows(x, poolGeometry(op, rank, x.shape, kernelSize, options));
  return options.returnIndices ? [values, indices] : values;
}

function avgPoolNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  kernelSize: IntOrTuple,
  options: AvgPoolOptions,
): Tensor {
  requireFloating(op, x);
  const { divisorOverride, countIncludePad = true } = options;
  if (
    divisorOverride !== undefined &&
    (!Number.isFinite(divisorOverride) || divisorOverride === 0)
  ) {
    throw new ValueError(
      `${op}: divisorOverride must be a non-zero number, got ${divisorOverride}`,
    );
  }
  const g = poolGeometry(op, rank, x.shape, kernelSize, { ...options, dilation: 1 });
  return averageOverWindows(x, g, divisorOverride ?? (countIncludePad ? "span" : "count"));
}

/**
 * 1-D max pooling over `[N, C, L]` or `[C, L]` (`torch.nn.functional.max_pool1d`).
 * With `returnIndices: true` returns `[values, indices]`, the indices being
 * flat positions within each input plane (int32).
 *
 * @example
 * lt.maxPool1d(lt.tensor([[[1, 3, 2, 5]]]), 2).arraySync(); // [[[3, 5]]]
 */
export function maxPool1d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: WithIndices,
): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor;
export function maxPool1d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool1d", 1, x, kernelSize, options);
}

/**
 * 2-D max pooling over `[N, C, H, W]` or `[C, H, W]`
 * (`torch.nn.functional.max_pool2d`). Options: `stride` (default: the
 * kernel), `padding`, `dilation`, `ceilMode`, `returnIndices` (then returns
 * `[values, indices]`, indices flat within each `H * W` plane, as
 * `maxUnpool2d` in PyTorch expects).
 *
 * @example
 * const x = lt.randn([1, 16, 28, 28]);
 * lt.maxPool2d(x, 2).shape; // [1, 16, 14, 14]
 * const [values, indices] = lt.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 */
export function maxPool2d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: WithIndices,
): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool2d", 2, x, kernelSize, options);
}

/**
 * 3-D max pooling over `[N, C, D, H, W]` or `[C, D, H, W]`
 * (`torch.nn.functional.max_pool3d`).
 *
 * @example
 * lt.maxPool3d(lt.randn([1, 2, 4, 4, 4]), 2).shape; // [1, 2, 2, 2, 2]
 */
export function maxPool3d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: WithIndices,
): [Tensor, Tensor];
export function maxPool3d(x: Tensor, kernelSize: IntOrTuple, options?: MaxPoolOptions): Tensor;
export function maxPool3d(
  x: Tensor,
  kernelSize: IntOrTuple,
  options: MaxPoolOptions = {},
): Tensor | [Tensor, Tensor] {
  return maxPoolNd("maxPool3d", 3, x, kernelSize, options);
}

/**
 * 1-D average pooling over `[N, C, L]` or `[C, L]` (`torch.nn.functional.avg_pool1d`).
 *
 * @example
 * lt.avgPool1d(lt.tensor([[[1, 3, 2, 6]]]), 2).arraySync(); // [[[2, 4]]]
 */
export function avgPool1d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd("avgPool1d", 1, x, kernelSize, options);
}

/**
 * 2-D average pooling over `[N, C, H, W]` or `[C, H, W]`
 * (`torch.nn.functional.avg_pool2d`). Options: `stride` (default: the
 * kernel), `padding`, `ceilMode`, `countIncludePad` (default true: zero
 * padding counts in the divisor), `divisorOverride`.
 *
 * @example
 * lt.avgPool2d(lt.ones([1, 1, 4, 4]), 3, { stride: 1, padding: 1, countIncludePad: false }).shape; // [1, 1, 4, 4]
 */
export function avgPool2d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd("avgPool2d", 2, x, kernelSize, options);
}

/**
 * 3-D average pooling over `[N, C, D, H, W]` or `[C, D, H, W]`
 * (`torch.nn.functional.avg_pool3d`).
 *
 * @example
 * lt.avgPool3d(lt.ones([1, 1, 4, 4, 4]), 2).shape; // [1, 1, 2, 2, 2]
 */
export function avgPool3d(x: Tensor, kernelSize: IntOrTuple, options: AvgPoolOptions = {}): Tensor {
  return avgPoolNd("avgPool3d", 3, x, kernelSize, options);
}

/** An adaptive pool's output size: one int for every dim, or one per dim (`null` keeps the input's). */
export type AdaptiveSize = number | (number | null)[];

function adaptiveAvgPoolNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  outputSize: AdaptiveSize,
): Tensor {
  requireFloating(op, x);
  return averageOverWindows(x, adaptivePoolGeometry(op, rank, x.shape, outputSize), "count");
}

function adaptiveMaxPoolNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  outputSize: AdaptiveSize,
  returnIndices: boolean | undefined,
): Tensor | [Tensor, Tensor] {
  requireFloating(op, x);
  const [values, indices] = maxOverWindows(x, adaptivePoolGeometry(op, rank, x.shape, outputSize));
  return returnIndices ? [values, indices] : values;
}

/**
 * Average pooling to a fixed output length, whatever the input's
 * (`torch.nn.functional.adaptive_avg_pool1d`).
 *
 * @example
 * lt.adaptiveAvgPool1d(lt.tensor([[[1, 2, 3, 4, 5, 6]]]), 3).arraySync(); // [[[1.5, 3.5, 5.5]]]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool1d", 1, x, outputSize);
}

/**
 * Average pooling to a fixed `[outH, outW]`, whatever the input size
 * (`torch.nn.functional.adaptive_avg_pool2d`); `1` is global average
 * pooling. Window `i` covers `[floor(i * in / out), ceil((i + 1) * in / out))`.
 *
 * @example
 * lt.adaptiveAvgPool2d(lt.randn([8, 512, 7, 7]), 1).shape; // [8, 512, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool2d", 2, x, outputSize);
}

/**
 * Average pooling to a fixed `[outD, outH, outW]` (`torch.nn.functional.adaptive_avg_pool3d`).
 *
 * @example
 * lt.adaptiveAvgPool3d(lt.randn([1, 2, 5, 6, 7]), [1, 2, 3]).shape; // [1, 2, 1, 2, 3]
 */
export function adaptiveAvgPool3d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolNd("adaptiveAvgPool3d", 3, x, outputSize);
}

/**
 * Max pooling to a fixed output length (`torch.nn.functional.adaptive_max_pool1d`).
 *
 * @example
 * lt.adaptiveMaxPool1d(lt.tensor([[[1, 5, 2, 4]]]), 2).arraySync(); // [[[5, 4]]]
 */
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: { returnIndices?: boolean },
): Tensor;
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool1d", 1, x, outputSize, options.returnIndices);
}

/**
 * Max pooling to a fixed `[outH, outW]` (`torch.nn.functional.adaptive_max_pool2d`).
 *
 * @example
 * lt.adaptiveMaxPool2d(lt.randn([1, 3, 9, 9]), [2, 2]).shape; // [1, 3, 2, 2]
 */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: { returnIndices?: boolean },
): Tensor;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool2d", 2, x, outputSize, options.returnIndices);
}

/**
 * Max pooling to a fixed `[outD, outH, outW]` (`torch.nn.functional.adaptive_max_pool3d`).
 *
 * @example
 * lt.adaptiveMaxPool3d(lt.randn([1, 1, 4, 5, 6]), 2).shape; // [1, 1, 2, 2, 2]
 */
export function adaptiveMaxPool3d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices: true },
): [Tensor, Tensor];
export function adaptiveMaxPool3d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options?: { returnIndices?: boolean },
): Tensor;
export function adaptiveMaxPool3d(
  x: Tensor,
  outputSize: AdaptiveSize,
  options: { returnIndices?: boolean } = {},
): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd("adaptiveMaxPool3d", 3, x, outputSize, options.returnIndices);
}

export interface MaxUnpoolOptions {
  /** Stride of the max pool being undone. Default: the kernel size. */
  stride?: IntOrTuple;
  /** Padding of the max pool being undone. Default 0. */
  padding?: IntOrTuple;
  /** The input size of that max pool (spatial dims, or the full shape), to pick among the sizes it maps to this one. */
  outputSize?: number[];
}

function maxUnpoolNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  indices: Tensor,
  kernelSize: IntOrTuple,
  options: MaxUnpoolOptions,
): Tensor {
  requireFloating(op, x);
  const { lead, spatial } = splitInput(op, rank, x.shape);
  if (
    indices.dtype !== "int32" ||
    indices.shape.some((n, i) => n !== x.shape[i]) ||
    indices.ndim !== x.ndim
  ) {
    throw new ShapeError(
      `${op}: indices must be the int32 indices returned with the pooled values, of the same shape ${fmtShape(x.shape)}; got ${indices.dtype} ${fmtShape(indices.shape)}`,
    );
  }
  const kernel = spatialArg(op, "kernelSize", kernelSize, rank, 1);
  const stride =
    options.stride === undefined ? kernel : spatialArg(op, "stride", options.stride, rank, 1);
  const padding = spatialArg(op, "padding", options.padding ?? 0, rank, 0);
  const natural = spatial.map((n, i) => (n - 1) * stride[i] - 2 * padding[i] + kernel[i]);
  let outSpatial = natural;
  if (options.outputSize !== undefined) {
    outSpatial = options.outputSize.slice(options.outputSize.length - rank);
    outSpatial.forEach((n, i) => {
      if (!(n > natural[i] - stride[i] && n < natural[i] + stride[i])) {
        throw new ShapeError(
          `${op}: outputSize ${fmtShape(options.outputSize!)} must be between ${fmtShape(natural.map((v, j) => v - stride[j] + 1))} and ${fmtShape(natural.map((v, j) => v + stride[j] - 1))} for input ${fmtShape(x.shape)}`,
        );
      }
    });
  }
  const inSize = toSize3(outSpatial, 1);
  const plane = planeSize({ inSize });
  if (indices.device === "cpu") {
    for (const v of indices.contiguous().dataSync()) {
      if (v < 0 || v >= plane) {
        throw new IndexError(
          `${op}: index ${v} is out of range for an output plane of ${fmtShape(outSpatial)} (${plane} positions)`,
        );
      }
    }
  }
  const layout = {
    planes: product(lead),
    inSize,
    inShape: [...lead, ...outSpatial],
    outShape: x.shape,
  };
  return scatterMaxima(x, indices, layout);
}

/**
 * Undoes a 1-D max pool (`torch.nn.functional.max_unpool1d`): puts each value
 * back at the position its index names, zeros elsewhere.
 *
 * @example
 * const [v, i] = lt.maxPool1d(lt.tensor([[[1, 3, 2, 5]]]), 2, { returnIndices: true });
 * lt.maxUnpool1d(v, i, 2).arraySync(); // [[[0, 3, 0, 5]]]
 */
export function maxUnpool1d(
  x: Tensor,
  indices: Tensor,
  kernelSize: IntOrTuple,
  options: MaxUnpoolOptions = {},
): Tensor {
  return maxUnpoolNd("maxUnpool1d", 1, x, indices, kernelSize, options);
}

/**
 * Undoes a 2-D max pool (`torch.nn.functional.max_unpool2d`): each pooled
 * value goes back to where its maximum was (the `returnIndices` of
 * maxPool2d), zeros elsewhere — the "switches" of deconvnet visualizations
 * and SegNet decoders. Where overlapping windows share a maximum, the values
 * add up (PyTorch keeps one of them).
 *
 * @example
 * const x = lt.randn([1, 1, 4, 4]);
 * const [v, i] = lt.maxPool2d(x, 2, { returnIndices: true });
 * lt.maxUnpool2d(v, i, 2).shape; // [1, 1, 4, 4]
 */
export function maxUnpool2d(
  x: Tensor,
  indices: Tensor,
  kernelSize: IntOrTuple,
  options: MaxUnpoolOptions = {},
): Tensor {
  return maxUnpoolNd("maxUnpool2d", 2, x, indices, kernelSize, options);
}

/**
 * Undoes a 3-D max pool (`torch.nn.functional.max_unpool3d`).
 *
 * @example
 * const [v, i] = lt.maxPool3d(lt.randn([1, 1, 4, 4, 4]), 2, { returnIndices: true });
 * lt.maxUnpool3d(v, i, 2).shape; // [1, 1, 4, 4, 4]
 */
export function maxUnpool3d(
  x: Tensor,
  indices: Tensor,
  kernelSize: IntOrTuple,
  options: MaxUnpoolOptions = {},
): Tensor {
  return maxUnpoolNd("maxUnpool3d", 3, x, indices, kernelSize, options);
}
