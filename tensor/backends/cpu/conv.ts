// Convolution as im2col + GEMM, one (batch item, group) at a time: the
// columns of one image are `[inPerGroup * volume(kernel), volume(outSize)]`,
// and the group's weight `[outPerGroup, inPerGroup * volume(kernel)]` times
// them is the output. The two gradients are the same product transposed, and
// a transposed convolution is the input gradient of the convolution it
// undoes, so three functions cover conv1d/2d/3d and convTranspose1d/2d/3d.
import type { KernelFn } from "../backend.js";
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
 * `c[i, j] += sum over p of A(i, p) * B(p, j)` for a row-major `c`
 * `[m, n]`, where `A(i, p) = a[i * aRow + p * aCol]` and
 * `B(p, j) = b[p * bRow + j * bCol]`, so strides express transposed
 * operands. Each 4x4 block of `c` accumulates in locals (registers) over
 * the whole `p` range, reading 8 values per 16 multiply-adds; leftover rows
 * go one at a time and leftover columns as plain dot products.
 */
function gemm(
  a: Float32Array,
  aRow: number,
  aCol: number,
  b: Float32Array,
  bRow: number,
  bCol: number,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  // biome-ignore format: the 4x4 register tile reads best as a grid
  for (let j = 0; j < n4; j += 4) {
    for (let i = 0; i < m4; i += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = i * aRow, bp = j * bCol; p < k; p++, ap += aCol, bp += bRow) {
        const a0 = a[ap], a1 = a[ap + aRow], a2 = a[ap + 2 * aRow], a3 = a[ap + 3 * aRow];
        const b0 = b[bp], b1 = b[bp + bCol], b2 = b[bp + 2 * bCol], b3 = b[bp + 3 * bCol];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = i * n + j;
      c[o] += c00;         c[o + 1] += c01;         c[o + 2] += c02;         c[o + 3] += c03;
      c[o + n] += c10;     c[o + n + 1] += c11;     c[o + n + 2] += c12;     c[o + n + 3] += c13;
      c[o + 2 * n] += c20; c[o + 2 * n + 1] += c21; c[o + 2 * n + 2] += c22; c[o + 2 * n + 3] += c23;
      c[o + 3 * n] += c30; c[o + 3 * n + 1] += c31; c[o + 3 * n + 2] += c32; c[o + 3 * n + 3] += c33;
    }
    for (let i = m4; i < m; i++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0, ap = i * aRow, bp = j * bCol; p < k; p++, ap += aCol, bp += bRow) {
        const av = a[ap];
        c0 += av * b[bp]; c1 += av * b[bp + bCol]; c2 += av * b[bp + 2 * bCol]; c3 += av * b[bp + 3 * bCol];
      }
      const o = i * n + j;
      c[o] += c0; c[o + 1] += c1; c[o + 2] += c2; c[o + 3] += c3;
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = n4; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
      c[i * n + j] += acc;
    }
  }
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
      // out[outPerGroup, cols] += w[outPerGroup, rows] @ columns[rows, cols]
      const y = out.subarray(o, o + s.outPerGroup * s.cols);
      gemm(w, s.rows, 1, cols, s.cols, 1, y, s.outPerGroup, s.cols, s.rows);
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
      // gcols[rows, cols] += wᵀ @ gy[outPerGroup, cols]
      gemm(w, 1, s.rows, gy, s.cols, 1, gcols, s.rows, s.cols, s.outPerGroup);
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
      // gw[outPerGroup, rows] += gy[outPerGroup, cols] @ columnsᵀ
      gemm(gy, s.cols, 1, cols, 1, s.cols, w, s.outPerGroup, s.rows, s.cols);
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
