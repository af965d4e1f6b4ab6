// Convolution as im2col + GEMM, one (batch item, group) at a time: the
// columns of one image are `[inPerGroup * volume(kernel), volume(outSize)]`,
// and the group's weight `[outPerGroup, inPerGroup * volume(kernel)]` times
// them is the output. The two gradients are the same product transposed, and
// a transposed convolution is the input gradient of the convolution it
// undoes, so three functions cover conv1d/2d/3d and convTranspose1d/2d/3d.
import { col2im, im2col, type SlidingWindow, volume } from "./unfold.js";

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
 * `c (+)= a @ b` for row-major `a` `[m, k]`, `b` `[k, n]`, `c` `[m, n]`;
 * `transA` reads `a` stored as `[k, m]`, `transB` reads `b` stored as
 * `[n, k]`. Loop orders keep the innermost access contiguous.
 */
function gemm(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  if (transB) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[i * k + p] * b[j * k + p];
        c[i * n + j] += acc;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

/** A 1x1 kernel with unit stride and no padding reads the input as its own columns. */
function isPointwise(g: ConvGeometry): boolean {
  return volume(g.kernel) === 1 && volume(g.stride) === 1 && g.padding.every((p) => p === 0);
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
  im2col(x, offset, s.inPerGroup, g, scratch);
  return scratch;
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
      gemm(
        w,
        cols,
        out.subarray(o, o + s.outPerGroup * s.cols),
        s.outPerGroup,
        s.cols,
        s.rows,
        false,
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
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const xOffset = (n * g.inChannels + grp * s.inPerGroup) * s.inPlane;
      const gcols = pointwise ? gx.subarray(xOffset, xOffset + s.rows * s.cols) : scratch.fill(0);
      const w = weight.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows);
      const o = (n * g.outChannels + grp * s.outPerGroup) * s.cols;
      const gy = gradOut.subarray(o, o + s.outPerGroup * s.cols);
      gemm(w, gy, gcols, s.rows, s.cols, s.outPerGroup, true, false);
      if (!pointwise) col2im(gcols, s.inPerGroup, g, gx, xOffset);
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
      const o = (n * g.outChannels + grp * s.outPerGroup) * s.cols;
      const gy = gradOut.subarray(o, o + s.outPerGroup * s.cols);
      const w = gw.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows);
      gemm(gy, cols, w, s.outPerGroup, s.rows, s.cols, false, true);
    }
  }
  return gw;
}
