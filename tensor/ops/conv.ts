// Convolutions: conv1d/2d/3d and convTranspose1d/2d/3d. The op checks shapes
// and options and works out the geometry; the kernels (backends/cpu/conv.ts)
// compute, and the transposed convolution reuses the convolution's kernels
// with input and output swapped.
import type { ConvGeometry } from "../backends/cpu/conv.js";
import { ShapeError, ValueError } from "../errors.js";
import { formatShape, type IntOrTuple, spatialArg, toSize3, windowCount } from "./unfold.js";

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
      `${op}: expected a ${rank + 2}-D input [N,C,${"DHW"
        .slice(3 - rank)
        .split("")
        .join(",")}], got ${formatShape(xShape)}`,
    );
  }
  if (wShape.length !== rank + 2) {
    throw new ShapeError(`${op}: expected a ${rank + 2}-D weight, got ${formatShape(wShape)}`);
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
      `${op}: weight ${formatShape(wShape)} has ${outChannels} output channels, not divisible by groups=${groups}`,
    );
  }
  if (inChannels !== perGroup * groups) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} has ${inChannels} channels but weight ${formatShape(wShape)} expects ${perGroup * groups} (in_channels/groups = ${perGroup}, groups = ${groups})`,
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
        `${op}: padding="same" needs stride 1, got stride ${formatShape(stride)}; pad explicitly instead`,
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
      `${op}: kernel ${formatShape(kernel)}${dilation.some((d) => d > 1) ? ` (dilated to ${formatShape(reach)})` : ""} is larger than the padded input ${formatShape(padded)} of ${formatShape(xShape)}; use a smaller kernel or more padding`,
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
      `${op}: input ${formatShape(xShape)} has ${inChannels} channels but weight ${formatShape(wShape)} expects ${weightIn} (weight is [in_channels, out_channels/groups, ...kernel])`,
    );
  }
  if (inChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} has ${inChannels} channels, not divisible by groups=${groups}`,
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
        `${op}: outputPadding ${formatShape(outputPadding)} must be smaller than either stride ${formatShape(stride)} or dilation ${formatShape(dilation)}`,
      );
    }
  });
  const outSize = inSize.map(
    (n, i) =>
      (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1,
  );
  if (outSize.some((n) => n < 1)) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} with padding ${formatShape(padding)} gives a non-positive output size ${formatShape(outSize)}; reduce padding`,
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
