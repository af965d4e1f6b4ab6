// Sliding windows: the argument handling every windowed op shares (conv,
// pooling, unfold/fold), and unfold/fold themselves — im2col and col2im with
// PyTorch's `F.unfold` / `F.fold` semantics.
import { record } from "../autograd/node.js";
import type { SlidingWindow, Size3 } from "../backends/cpu/unfold.js";
import { runKernel } from "../dispatch.js";
import { ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { requireFloating } from "./elementwise.js";

/** An int applied to every spatial dim, or one per dim (PyTorch's `_pair`, `_triple`). */
export type IntOrTuple = number | number[];

/**
 * Expands `value` to `n` per-dim integers and checks each is at least `min`:
 * `spatialArg("conv2d", "stride", 2, 2, 1)` is `[2, 2]`.
 */
export function spatialArg(
  op: string,
  name: string,
  value: IntOrTuple,
  n: number,
  min: number,
): number[] {
  const values = typeof value === "number" ? new Array<number>(n).fill(value) : [...value];
  if (values.length !== n) {
    throw new ValueError(
      `${op}: ${name} must be one int or ${n} ints (one per spatial dim), got ${fmtShape(values)}`,
    );
  }
  for (const v of values) {
    if (!Number.isInteger(v) || v < min) {
      throw new ValueError(
        `${op}: ${name} must be ${min === 0 ? "non-negative" : "positive"} integers, got ${typeof value === "number" ? value : fmtShape(values)}`,
      );
    }
  }
  return values;
}

/** How messages name the spatial dims of a 1-, 2- or 3-d op: `"L"`, `"H, W"`, `"D, H, W"`. */
export function spatialNames(rank: number): string {
  return ["L", "H, W", "D, H, W"][rank - 1];
}

/** Left-pads per-dim values of a 1-d or 2-d op to the kernels' three dims. */
export function toSize3(values: readonly number[], fill: number): Size3 {
  const out: number[] = [fill, fill, fill];
  for (let i = 0; i < values.length; i++) out[3 - values.length + i] = values[i];
  return out as Size3;
}

/**
 * Number of window positions along one dim, PyTorch's
 * `pooling_output_shape`: with `ceilMode` a last partial window counts,
 * unless it would start in the padding after the input.
 */
export function windowCount(
  inSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inSize + padBefore + padAfter - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  if ((out - 1) * stride >= inSize + padBefore) out--;
  return out;
}

export interface UnfoldOptions {
  /** Spacing between kernel taps. Default 1. */
  dilation?: IntOrTuple;
  /** Zero padding on both sides of each spatial dim. Default 0. */
  padding?: IntOrTuple;
  /** Step between windows. Default 1. */
  stride?: IntOrTuple;
}

/** Batch, channels and window of `F.unfold` on a `[N, C, H, W]` (or `[C, H, W]`) input. */
export function unfoldGeometry(
  xShape: readonly number[],
  kernelSize: IntOrTuple,
  options: UnfoldOptions = {},
): { batch: number; channels: number; win: SlidingWindow } {
  if (xShape.length !== 3 && xShape.length !== 4) {
    throw new ShapeError(
      `unfold: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${fmtShape(xShape)}`,
    );
  }
  const [batch, channels, H, W] = xShape.length === 4 ? xShape : [1, ...xShape];
  const win = windowOf("unfold", [H, W], kernelSize, options);
  const [, oH, oW] = win.outSize;
  if (oH < 1 || oW < 1) {
    throw new ShapeError(
      `unfold: kernel ${fmtShape(win.kernel.slice(1))} with dilation ${fmtShape(win.dilation.slice(1))} does not fit the padded input ${fmtShape([H + 2 * win.padding[1], W + 2 * win.padding[2]])} of ${fmtShape(xShape)}; use a smaller kernel or more padding`,
    );
  }
  return { batch, channels, win };
}

/**
 * Batch, channels and window of `F.fold` on a `[N, C * kH * kW, L]` (or
 * `[C * kH * kW, L]`) input; `L` must be the number of windows that fit
 * `outputSize`.
 */
export function foldGeometry(
  xShape: readonly number[],
  outputSize: IntOrTuple,
  kernelSize: IntOrTuple,
  options: UnfoldOptions = {},
): { batch: number; channels: number; win: SlidingWindow } {
  if (xShape.length !== 2 && xShape.length !== 3) {
    throw new ShapeError(
      `fold: expected a 2-D [C*kH*kW, L] or 3-D [N, C*kH*kW, L] input, got ${fmtShape(xShape)}`,
    );
  }
  const [batch, rows, blocks] = xShape.length === 3 ? xShape : [1, ...xShape];
  const [H, W] = spatialArg("fold", "outputSize", outputSize, 2, 1);
  const win = windowOf("fold", [H, W], kernelSize, options);
  const kernelVolume = win.kernel[1] * win.kernel[2];
  if (rows % kernelVolume !== 0) {
    throw new ShapeError(
      `fold: input ${fmtShape(xShape)} has ${rows} rows, not a multiple of the kernel size ${win.kernel[1]}*${win.kernel[2]} = ${kernelVolume}`,
    );
  }
  const expected = win.outSize[1] * win.outSize[2];
  if (blocks !== expected || expected < 1) {
    throw new ShapeError(
      `fold: input ${fmtShape(xShape)} has ${blocks} blocks but outputSize ${fmtShape([H, W])} with this kernel, padding, stride and dilation gives ${win.outSize[1]}*${win.outSize[2]} = ${expected}`,
    );
  }
  return { batch, channels: rows / kernelVolume, win };
}

function windowOf(
  op: string,
  inSize: [number, number],
  kernelSize: IntOrTuple,
  options: UnfoldOptions,
): SlidingWindow {
  const kernel = spatialArg(op, "kernelSize", kernelSize, 2, 1);
  const dilation = spatialArg(op, "dilation", options.dilation ?? 1, 2, 1);
  const padding = spatialArg(op, "padding", options.padding ?? 0, 2, 0);
  const stride = spatialArg(op, "stride", options.stride ?? 1, 2, 1);
  const outSize = inSize.map((n, i) =>
    windowCount(n, kernel[i], stride[i], padding[i], padding[i], dilation[i], false),
  );
  return {
    inSize: toSize3(inSize, 1),
    outSize: toSize3(outSize, 1),
    kernel: toSize3(kernel, 1),
    stride: toSize3(stride, 1),
    padding: toSize3(padding, 0),
    dilation: toSize3(dilation, 1),
  };
}

/**
 * Runs a linear kernel whose gradient is its adjoint kernel, and the
 * adjoint's gradient the kernel again, so both directions are
 * differentiable to any order. unfold/fold, average pooling and
 * interpolation are such pairs.
 */
export function linearMap(
  x: Tensor,
  kernel: string,
  adjoint: string,
  outShape: readonly number[],
  attrs: object,
): Tensor {
  const out = runKernel(kernel, [x.contiguous()], outShape, x.dtype, attrs);
  return record(out, kernel, [x], (g) => [linearMap(g, adjoint, kernel, x.shape, attrs)]);
}

/**
 * Extracts sliding blocks of a `[N, C, H, W]` (or unbatched `[C, H, W]`)
 * image into columns (im2col, `torch.nn.functional.unfold`): the result is
 * `[N, C * kH * kW, L]`, one column per window position, rows ordered by
 * channel then kernel position. A convolution is then a matrix product:
 * `w.reshape([C_out, -1]).matmul(lt.unfold(x, k))`.
 *
 * @example
 * const x = lt.arange(9).reshape([1, 1, 3, 3]).float();
 * lt.unfold(x, 2).arraySync(); // [[[0,1,3,4],[1,2,4,5],[3,4,6,7],[4,5,7,8]]]
 */
export function unfold(x: Tensor, kernelSize: IntOrTuple, options: UnfoldOptions = {}): Tensor {
  requireFloating("unfold", x);
  const { batch, channels, win } = unfoldGeometry(x.shape, kernelSize, options);
  const rows = channels * win.kernel[1] * win.kernel[2];
  const blocks = win.outSize[1] * win.outSize[2];
  const shape = x.ndim === 4 ? [batch, rows, blocks] : [rows, blocks];
  return linearMap(x, "unfold", "fold", shape, { batch, channels, win });
}

/**
 * Sums columns of sliding blocks back into an image (col2im,
 * `torch.nn.functional.fold`), the adjoint of {@link unfold}: input
 * `[N, C * kH * kW, L]` (or `[C * kH * kW, L]`), output `[N, C, ...outputSize]`.
 * Overlapping blocks add up, so `fold(unfold(x))` multiplies each pixel by
 * the number of windows covering it.
 *
 * @example
 * const cols = lt.ones([1, 4, 4]);
 * lt.fold(cols, [3, 3], 2).arraySync(); // [[[[1,2,1],[2,4,2],[1,2,1]]]]
 */
export function fold(
  x: Tensor,
  outputSize: IntOrTuple,
  kernelSize: IntOrTuple,
  options: UnfoldOptions = {},
): Tensor {
  requireFloating("fold", x);
  const { batch, channels, win } = foldGeometry(x.shape, outputSize, kernelSize, options);
  const spatial = [win.inSize[1], win.inSize[2]];
  const shape = x.ndim === 3 ? [batch, channels, ...spatial] : [channels, ...spatial];
  return linearMap(x, "fold", "unfold", shape, { batch, channels, win });
}
