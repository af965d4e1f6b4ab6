// Convolution as im2col + GEMM, one (batch item, group) at a time: the
// columns of one image are `[inPerGroup * volume(kernel), volume(outSize)]`,
// and the group's weight `[outPerGroup, inPerGroup * volume(kernel)]` times
// them is the output. The two gradients are the same product transposed, and
// a transposed convolution is the input gradient of the convolution it
// undoes, so three functions cover conv1d/2d/3d and convTranspose1d/2d/3d.
import type { KernelFn } from "../backend.js";
import { gemm, rowMajor, transposed } from "./gemm.js";
import { nativeKernels } from "./native.js";
import { col2im, denseData, im2col, type SlidingWindow, volume } from "./unfold.js";

/**
 * Shapes of one convolution, in the forward direction: `x` is
 * `[batch, inChannels, ...win.inSize]`, the weight is
 * `[outChannels, inChannels / groups, ...win.kernel]`, the output is
 * `[batch, outChannels, ...win.outSize]`.
 */
export interface ConvGeometry extends SlidingWindow {
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
}

/**
 * A 1x1 kernel with unit stride and no padding reads the input as its own
 * columns — when the grids match (a transposed conv's outputPadding can add
 * a row the columns never reach).
 */
function isPointwise(g: ConvGeometry): boolean {
  return (
    volume(g.kernel) === 1 &&
    volume(g.stride) === 1 &&
    g.padding.every((p) => p === 0) &&
    g.inSize.every((n, i) => n === g.outSize[i])
  );
}

interface GroupSizes {
  inPerGroup: number;
  outPerGroup: number;
  /** rows of the column matrix: inPerGroup * volume(kernel) */
  rows: number;
  /** columns of the column matrix: volume(outSize) */
  cols: number;
  inPlane: number;
}

function groupSizes(g: ConvGeometry): GroupSizes {
  const inPerGroup = g.inChannels / g.groups;
  return {
    inPerGroup,
    outPerGroup: g.outChannels / g.groups,
    rows: inPerGroup * volume(g.kernel),
    cols: volume(g.outSize),
    inPlane: volume(g.inSize),
  };
}

/** The columns of group `grp` of batch item `n`, reusing `scratch` when it must gather. */
function columnsOf(
  x: Float32Array,
  n: number,
  grp: number,
  g: ConvGeometry,
  s: GroupSizes,
  scratch: Float32Array,
): Float32Array {
  const offset = (n * g.inChannels + grp * s.inPerGroup) * s.inPlane;
  if (isPointwise(g)) return x.subarray(offset, offset + s.rows * s.cols);
  const fast = nativeKernels();
  if (fast) fast.windowTransfer(x, offset, scratch, s.inPerGroup, windowArray(g), true);
  else im2col(x, offset, s.inPerGroup, g, scratch);
  return scratch;
}

/** The sliding window as the native kernels take it: 18 int32s. */
function windowArray(g: SlidingWindow): Int32Array {
  return Int32Array.from([
    ...g.inSize,
    ...g.outSize,
    ...g.kernel,
    ...g.stride,
    ...g.padding,
    ...g.dilation,
  ]);
}

/** Convolution forward: `[batch, outChannels, ...outSize]`, bias added per channel. */
export function convForward(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
): Float32Array {
  const s = groupSizes(g);
  const out = new Float32Array(g.batch * g.outChannels * s.cols);
  const scratch = new Float32Array(s.rows * s.cols);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const cols = columnsOf(x, n, grp, g, s, scratch);
      const w = weight.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows);
      const o = (n * g.outChannels + grp * s.outPerGroup) * s.cols;
      // out[outPerGroup, cols] += w[outPerGroup, rows] @ columns[rows, cols]
      gemm(
        s.outPerGroup,
        s.cols,
        s.rows,
        rowMajor(w, 0, s.rows),
        rowMajor(cols, 0, s.cols),
        rowMajor(out, o, s.cols),
        false,
      );
    }
  }
  if (bias) addChannelBias(out, bias, g.batch, g.outChannels, s.cols);
  return out;
}

function addChannelBias(
  out: Float32Array,
  bias: Float32Array,
  batch: number,
  channels: number,
  plane: number,
): void {
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const o = (n * channels + c) * plane;
      const b = bias[c];
      for (let i = 0; i < plane; i++) out[o + i] += b;
    }
  }
}

/**
 * Gradient of the convolution input: `weightᵀ @ gradOut` per group gives the
 * gradient of the columns, which col2im scatters back onto the input grid.
 * Returns `[batch, inChannels, ...inSize]`.
 */
export function convBackwardInput(
  gradOut: Float32Array,
  weight: Float32Array,
  g: ConvGeometry,
): Float32Array {
  const s = groupSizes(g);
  const gx = new Float32Array(g.batch * g.inChannels * s.inPlane);
  const pointwise = isPointwise(g);
  const scratch = new Float32Array(pointwise ? 0 : s.rows * s.cols);
  const fast = nativeKernels();
  const window = windowArray(g);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOffset = (n * g.inChannels + grp * s.inPerGroup) * s.inPlane;
      const w = rowMajor(weight, grp * s.outPerGroup * s.rows, s.rows);
      const gy = rowMajor(gradOut, (n * g.outChannels + grp * s.outPerGroup) * s.cols, s.cols);
      // gcols[rows, cols] = wᵀ @ gy[outPerGroup, cols]
      const gcols = pointwise ? rowMajor(gx, xOffset, s.cols) : rowMajor(scratch, 0, s.cols);
      gemm(s.rows, s.cols, s.outPerGroup, transposed(w), gy, gcols, false);
      if (pointwise) continue;
      if (fast) fast.windowTransfer(gx, xOffset, scratch, s.inPerGroup, window, false);
      else col2im(scratch, s.inPerGroup, g, gx, xOffset);
    }
  }
  return gx;
}

/**
 * Gradient of the weight: `gradOut @ columnsᵀ` per group, summed over the
 * batch. Returns `[outChannels, inChannels / groups, ...kernel]`.
 */
export function convBackwardWeight(
  x: Float32Array,
  gradOut: Float32Array,
  g: ConvGeometry,
): Float32Array {
  const s = groupSizes(g);
  const gw = new Float32Array(g.outChannels * s.rows);
  const scratch = new Float32Array(s.rows * s.cols);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const cols = columnsOf(x, n, grp, g, s, scratch);
      const gy = rowMajor(gradOut, (n * g.outChannels + grp * s.outPerGroup) * s.cols, s.cols);
      const w = rowMajor(gw, grp * s.outPerGroup * s.rows, s.rows);
      // gw[outPerGroup, rows] += gy[outPerGroup, cols] @ columnsᵀ
      gemm(s.outPerGroup, s.rows, s.cols, gy, transposed(rowMajor(cols, 0, s.cols)), w, true);
    }
  }
  return gw;
}

/**
 * Kernels, all with a {@link ConvGeometry} as attrs: `conv` (x, weight,
 * optional bias → output), `convBackwardInput` (gradOut, weight → input
 * gradient; also the transposed convolution), `convBackwardWeight`
 * (x, gradOut → weight gradient).
 */
export const kernels: Record<string, KernelFn<ConvGeometry>> = {
  conv: ([x, w, b], _out, g) => convForward(denseData(x), denseData(w), b ? denseData(b) : null, g),
  convBackwardInput: ([gy, w], _out, g) => convBackwardInput(denseData(gy), denseData(w), g),
  convBackwardWeight: ([x, gy], _out, g) => convBackwardWeight(denseData(x), denseData(gy), g),
};
