// Convolutions: conv1d/2d/3d and convTranspose1d/2d/3d. The op checks shapes
// and options and works out the geometry; the kernels (backends/cpu/conv.ts)
// compute, and the transposed convolution reuses the convolution's kernels
// with input and output swapped.
import { record } from "../autograd/node.js";
import type { ConvGeometry } from "../backends/cpu/conv.js";
import { runKernel } from "../dispatch.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { requireFloating } from "./elementwise.js";
import { type IntOrTuple, spatialArg, spatialNames, toSize3, windowCount } from "./unfold.js";

export interface ConvOptions {
  /** Step between windows. Default 1. */
  stride?: IntOrTuple;
  /**
   * Zero padding on both sides, or `"valid"` (none) or `"same"` (output as
   * large as the input; stride must be 1, and an even total goes one more
   * at the end, as in PyTorch). Default 0.
   */
  padding?: IntOrTuple | "same" | "valid";
  /** Spacing between kernel taps. Default 1. */
  dilation?: IntOrTuple;
  /** Split channels into this many independent groups (`groups = inChannels`: depthwise). Default 1. */
  groups?: number;
}

export interface ConvTransposeOptions {
  /** Step of the convolution this op transposes. Default 1. */
  stride?: IntOrTuple;
  /** Padding of the convolution this op transposes (removed from the output). Default 0. */
  padding?: IntOrTuple;
  /** Extra size added at the end of each output dim (picks among the sizes a strided conv maps to one input). Default 0. */
  outputPadding?: IntOrTuple;
  /** Default 1. */
  dilation?: IntOrTuple;
  /** Default 1. */
  groups?: number;
}

function checkGroups(op: string, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(`${op}: groups must be a positive integer, got ${groups}`);
  }
}

function checkRanks(
  op: string,
  rank: number,
  xShape: readonly number[],
  wShape: readonly number[],
): void {
  if (xShape.length !== rank + 2) {
    throw new ShapeError(
      `${op}: expected a ${rank + 2}-D input [N, C, ${spatialNames(rank)}] or a ${rank + 1}-D unbatched one [C, ${spatialNames(rank)}], got ${fmtShape(xShape)}`,
    );
  }
  if (wShape.length !== rank + 2) {
    throw new ShapeError(`${op}: expected a ${rank + 2}-D weight, got ${fmtShape(wShape)}`);
  }
}

/**
 * Checks a convolution's shapes and options and returns its geometry, with
 * the "same" padding worked out. `xShape` is batched (`[N, C, ...spatial]`);
 * the op adds the batch dim to unbatched inputs first.
 */
export function convGeometry(
  op: string,
  rank: 1 | 2 | 3,
  xShape: readonly number[],
  wShape: readonly number[],
  options: ConvOptions = {},
): ConvGeometry {
  checkRanks(op, rank, xShape, wShape);
  const groups = options.groups ?? 1;
  checkGroups(op, groups);
  const [batch, inChannels, ...inSize] = xShape;
  const [outChannels, perGroup, ...kernel] = wShape;
  if (outChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: weight ${fmtShape(wShape)} has ${outChannels} output channels, not divisible by groups=${groups}`,
    );
  }
  if (inChannels !== perGroup * groups) {
    throw new ShapeError(
      `${op}: input ${fmtShape(xShape)} has ${inChannels} channels but weight ${fmtShape(wShape)} expects ${perGroup * groups} (in_channels/groups = ${perGroup}, groups = ${groups})`,
    );
  }
  spatialArg(op, "kernel size (weight dims)", kernel, rank, 1);
  const stride = spatialArg(op, "stride", options.stride ?? 1, rank, 1);
  const dilation = spatialArg(op, "dilation", options.dilation ?? 1, rank, 1);
  const padding = options.padding ?? 0;
  let before: number[];
  let after: number[];
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError(
        `${op}: padding="same" needs stride 1, got stride ${fmtShape(stride)}; pad explicitly instead`,
      );
    }
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]);
  } else if (padding === "valid") {
    before = new Array(rank).fill(0);
    after = before;
  } else {
    before = spatialArg(op, "padding", padding, rank, 0);
    after = before;
  }
  const outSize = inSize.map((n, i) =>
    windowCount(n, kernel[i], stride[i], before[i], after[i], dilation[i], false),
  );
  if (outSize.some((n) => n < 1)) {
    const padded = inSize.map((n, i) => n + before[i] + after[i]);
    const reach = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
    throw new ShapeError(
      `${op}: kernel ${fmtShape(kernel)}${dilation.some((d) => d > 1) ? ` (dilated to ${fmtShape(reach)})` : ""} is larger than the padded input ${fmtShape(padded)} of ${fmtShape(xShape)}; use a smaller kernel or more padding`,
    );
  }
  return {
    batch,
    inChannels,
    outChannels,
    groups,
    inSize: toSize3(inSize, 1),
    outSize: toSize3(outSize, 1),
    kernel: toSize3(kernel, 1),
    stride: toSize3(stride, 1),
    padding: toSize3(before, 0),
    dilation: toSize3(dilation, 1),
  };
}

/**
 * Checks a transposed convolution and returns the geometry of the
 * convolution it transposes: that convolution's input is this op's output
 * (`[N, g.inChannels, ...g.inSize]`) and its output is this op's input.
 */
export function convTransposeGeometry(
  op: string,
  rank: 1 | 2 | 3,
  xShape: readonly number[],
  wShape: readonly number[],
  options: ConvTransposeOptions = {},
): ConvGeometry {
  checkRanks(op, rank, xShape, wShape);
  const groups = options.groups ?? 1;
  checkGroups(op, groups);
  const [batch, inChannels, ...inSize] = xShape;
  const [weightIn, outPerGroup, ...kernel] = wShape;
  if (inChannels !== weightIn) {
    throw new ShapeError(
      `${op}: input ${fmtShape(xShape)} has ${inChannels} channels but weight ${fmtShape(wShape)} expects ${weightIn} (weight is [in_channels, out_channels/groups, ...kernel])`,
    );
  }
  if (inChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: input ${fmtShape(xShape)} has ${inChannels} channels, not divisible by groups=${groups}`,
    );
  }
  spatialArg(op, "kernel size (weight dims)", kernel, rank, 1);
  const stride = spatialArg(op, "stride", options.stride ?? 1, rank, 1);
  const padding = spatialArg(op, "padding", options.padding ?? 0, rank, 0);
  const dilation = spatialArg(op, "dilation", options.dilation ?? 1, rank, 1);
  const outputPadding = spatialArg(op, "outputPadding", options.outputPadding ?? 0, rank, 0);
  outputPadding.forEach((p, i) => {
    if (p >= stride[i] && p >= dilation[i]) {
      throw new ValueError(
        `${op}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`,
      );
    }
  });
  const outSize = inSize.map(
    (n, i) =>
      (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1,
  );
  if (outSize.some((n) => n < 1)) {
    throw new ShapeError(
      `${op}: input ${fmtShape(xShape)} with padding ${fmtShape(padding)} gives a non-positive output size ${fmtShape(outSize)}; reduce padding`,
    );
  }
  return {
    batch,
    inChannels: outPerGroup * groups,
    outChannels: inChannels,
    groups,
    inSize: toSize3(outSize, 1),
    outSize: toSize3(inSize, 1),
    kernel: toSize3(kernel, 1),
    stride: toSize3(stride, 1),
    padding: toSize3(padding, 0),
    dilation: toSize3(dilation, 1),
  };
}

/** The input, output and weight shapes of a geometry, with `rank` spatial dims. */
function convShapes(g: ConvGeometry, rank: number) {
  const spatial = (s: readonly number[]) => s.slice(3 - rank);
  return {
    input: [g.batch, g.inChannels, ...spatial(g.inSize)],
    output: [g.batch, g.outChannels, ...spatial(g.outSize)],
    weight: [g.outChannels, g.inChannels / g.groups, ...spatial(g.kernel)],
  };
}

// The three products of a convolution. Each one's gradient is made of the
// other two, so all three are differentiable to any order, and the
// transposed convolution is simply `convInputGrad`. `name` is what the
// recorded graph shows (the user's op, or the gradient it computes).

function convolve(
  x: Tensor,
  w: Tensor,
  bias: Tensor | null,
  g: ConvGeometry,
  rank: number,
  name = "conv",
): Tensor {
  const inputs = bias ? [x, w, bias] : [x, w];
  const shapes = convShapes(g, rank);
  const out = runKernel("conv", inputs.map(contiguous), shapes.output, x.dtype, g);
  return record(
    out,
    name,
    inputs,
    (gy) => [
      x.requiresGrad ? convInputGrad(gy, w, g, rank) : null,
      w.requiresGrad ? convWeightGrad(x, gy, g, rank) : null,
      bias?.requiresGrad ? gy.sum([0, ...shapes.output.slice(2).map((_, i) => i + 2)]) : null,
    ],
    [x, w],
  );
}

function convInputGrad(
  gy: Tensor,
  w: Tensor,
  g: ConvGeometry,
  rank: number,
  name = "convBackwardInput",
): Tensor {
  const out = runKernel(
    "convBackwardInput",
    [gy, w].map(contiguous),
    convShapes(g, rank).input,
    gy.dtype,
    g,
  );
  return record(
    out,
    name,
    [gy, w],
    (ggx) => [
      gy.requiresGrad ? convolve(ggx, w, null, g, rank) : null,
      w.requiresGrad ? convWeightGrad(ggx, gy, g, rank) : null,
    ],
    [gy, w],
  );
}

function convWeightGrad(x: Tensor, gy: Tensor, g: ConvGeometry, rank: number): Tensor {
  const out = runKernel(
    "convBackwardWeight",
    [x, gy].map(contiguous),
    convShapes(g, rank).weight,
    x.dtype,
    g,
  );
  return record(
    out,
    "convBackwardWeight",
    [x, gy],
    (ggw) => [
      x.requiresGrad ? convInputGrad(gy, ggw, g, rank) : null,
      gy.requiresGrad ? convolve(x, ggw, null, g, rank) : null,
    ],
    [x, gy],
  );
}

function contiguous(t: Tensor): Tensor {
  return t.contiguous();
}

/** Checks dtypes and the bias, and adds the batch dim to an unbatched input. */
function prepare(
  op: string,
  rank: number,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  biasSize: (wShape: readonly number[]) => number,
): { input: Tensor; unbatched: boolean } {
  requireFloating(op, x);
  if (weight.dtype !== x.dtype || (bias && bias.dtype !== x.dtype)) {
    throw new DTypeError(
      `${op}: input, weight and bias must share a dtype, got ${x.dtype}, ${weight.dtype}${bias ? ` and ${bias.dtype}` : ""}`,
    );
  }
  if (bias) {
    const n = biasSize(weight.shape);
    if (bias.ndim !== 1 || bias.shape[0] !== n) {
      throw new ShapeError(
        `${op}: bias ${fmtShape(bias.shape)} must be 1-D with one value per output channel (${n}) of weight ${fmtShape(weight.shape)}`,
      );
    }
  }
  const unbatched = x.ndim === rank + 1;
  return { input: unbatched ? x.unsqueeze(0) : x, unbatched };
}

function convNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions,
): Tensor {
  const { input, unbatched } = prepare(op, rank, x, weight, bias, (w) => w[0]);
  const g = convGeometry(op, rank, input.shape, weight.shape, options);
  const out = convolve(input, weight, bias ?? null, g, rank, op);
  return unbatched ? out.squeeze(0) : out;
}

function convTransposeNd(
  op: string,
  rank: 1 | 2 | 3,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvTransposeOptions,
): Tensor {
  const groups = options.groups ?? 1;
  const { input, unbatched } = prepare(op, rank, x, weight, bias, (w) => w[1] * groups);
  const g = convTransposeGeometry(op, rank, input.shape, weight.shape, options);
  let out = convInputGrad(input, weight, g, rank, op);
  if (bias) out = out.add(bias.reshape([bias.shape[0], ...new Array<number>(rank).fill(1)]));
  return unbatched ? out.squeeze(0) : out;
}

/**
 * 1-D convolution over `[N, C_in, L]` (or unbatched `[C_in, L]`) with a
 * weight `[C_out, C_in / groups, kL]` and an optional bias `[C_out]`
 * (`torch.nn.functional.conv1d`).
 *
 * @example
 * const x = lt.randn([1, 2, 10]);
 * lt.conv1d(x, lt.randn([4, 2, 3]), null, { padding: "same" }).shape; // [1, 4, 10]
 */
export function conv1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd("conv1d", 1, x, weight, bias, options);
}

/**
 * 2-D convolution over `[N, C_in, H, W]` (or unbatched `[C_in, H, W]`) with
 * a weight `[C_out, C_in / groups, kH, kW]` and an optional bias `[C_out]`
 * (`torch.nn.functional.conv2d`). Options: `stride`, `padding` (ints,
 * `"same"` or `"valid"`), `dilation`, `groups` (`groups = C_in` is a
 * depthwise convolution).
 *
 * @example
 * const x = lt.randn([8, 3, 32, 32]);
 * const w = lt.randn([16, 3, 3, 3], { requiresGrad: true });
 * lt.conv2d(x, w, null, { stride: 2, padding: 1 }).shape; // [8, 16, 16, 16]
 */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd("conv2d", 2, x, weight, bias, options);
}

/**
 * 3-D convolution over `[N, C_in, D, H, W]` (or unbatched) with a weight
 * `[C_out, C_in / groups, kD, kH, kW]` (`torch.nn.functional.conv3d`).
 *
 * @example
 * lt.conv3d(lt.randn([1, 1, 4, 8, 8]), lt.randn([2, 1, 3, 3, 3]), null, { padding: 1 }).shape; // [1, 2, 4, 8, 8]
 */
export function conv3d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvOptions = {},
): Tensor {
  return convNd("conv3d", 3, x, weight, bias, options);
}

/**
 * 1-D transposed convolution ("deconvolution"): the gradient of conv1d with
 * respect to its input. Weight `[C_in, C_out / groups, kL]`; output length
 * `(L - 1) * stride - 2 * padding + dilation * (kL - 1) + outputPadding + 1`
 * (`torch.nn.functional.conv_transpose1d`).
 *
 * @example
 * lt.convTranspose1d(lt.randn([1, 4, 5]), lt.randn([4, 2, 3]), null, { stride: 2 }).shape; // [1, 2, 11]
 */
export function convTranspose1d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd("convTranspose1d", 1, x, weight, bias, options);
}

/**
 * 2-D transposed convolution: upsamples `[N, C_in, H, W]` with a weight
 * `[C_in, C_out / groups, kH, kW]` (`torch.nn.functional.conv_transpose2d`).
 * With `stride: 2, padding: 1, outputPadding: 1` and a 3x3 kernel it exactly
 * doubles H and W.
 *
 * @example
 * const x = lt.randn([1, 8, 7, 7]);
 * lt.convTranspose2d(x, lt.randn([8, 4, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 4, 14, 14]
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd("convTranspose2d", 2, x, weight, bias, options);
}

/**
 * 3-D transposed convolution, weight `[C_in, C_out / groups, kD, kH, kW]`
 * (`torch.nn.functional.conv_transpose3d`).
 *
 * @example
 * lt.convTranspose3d(lt.randn([1, 2, 2, 3, 3]), lt.randn([2, 1, 2, 2, 2]), null, { stride: 2 }).shape; // [1, 1, 4, 6, 6]
 */
export function convTranspose3d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options: ConvTransposeOptions = {},
): Tensor {
  return convTransposeNd("convTranspose3d", 3, x, weight, bias, options);
}
