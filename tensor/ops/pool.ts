// Pooling: maxPool1d/2d/3d, avgPool1d/2d/3d and the adaptive pools. The op
// checks the options and turns them into per-dim windows; the kernels in
// backends/cpu/pool.ts reduce over those windows.
import { adaptiveWindows, poolWindows, type Windows3 } from "../backends/cpu/pool.js";
import type { Size3 } from "../backends/cpu/unfold.js";
import { ShapeError, ValueError } from "../errors.js";
import { formatShape, type IntOrTuple, spatialArg, toSize3, windowCount } from "./unfold.js";

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
    const dims = "DHW"
      .slice(3 - rank)
      .split("")
      .join(",");
    throw new ShapeError(
      `${op}: expected a ${rank + 1}-D [C,${dims}] or ${rank + 2}-D [N,C,${dims}] input, got ${formatShape(xShape)}`,
    );
  }
  const spatial = xShape.slice(xShape.length - rank);
  if (spatial.some((n) => n < 1)) {
    throw new ShapeError(`${op}: input ${formatShape(xShape)} has an empty spatial dim`);
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
        `${op}: padding ${formatShape(padding)} must be at most half the kernel size ${formatShape(kernel)}`,
      );
    }
  });
  const outSpatial = spatial.map((n, i) =>
    windowCount(n, kernel[i], stride[i], padding[i], padding[i], dilation[i], ceilMode),
  );
  if (outSpatial.some((n) => n < 1)) {
    throw new ShapeError(
      `${op}: input ${formatShape(xShape)} is too small for kernel ${formatShape(kernel)} (dilation ${formatShape(dilation)}, padding ${formatShape(padding)}): output would be ${formatShape(outSpatial)}`,
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
