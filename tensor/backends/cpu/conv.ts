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

/** Columns of `b` and `c` one GEMM pass works on, so that the `b` panel stays in cache. */
const PANEL = 256;

/**
 * `c += a @ b` for row-major `b` `[k, n]` and `c` `[m, n]`; `a` is `[m, k]`,
 * or `[k, m]` with `transA`. Four rows of `c` are updated per pass over a
 * panel of `b`, so each `b` value is loaded once per four multiply-adds.
 */
function gemm(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
): void {
  const rowStep = transA ? 1 : k;
  const colStep = transA ? m : 1;
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = 0; p < k; p++) {
        const at = i * rowStep + p * colStep;
        const a0 = a[at];
        const a1 = a[at + rowStep];
        const a2 = a[at + 2 * rowStep];
        const a3 = a[at + 3 * rowStep];
        const bp = p * n;
        for (let j = j0; j < j1; j++) {
          const bv = b[bp + j];
          c[c0 + j] += a0 * bv;
          c[c1 + j] += a1 * bv;
          c[c2 + j] += a2 * bv;
          c[c3 + j] += a3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const av = a[i * rowStep + p * colStep];
        const bp = p * n;
        for (let j = j0; j < j1; j++) c[ci + j] += av * b[bp + j];
      }
    }
  }
}

/**
 * `c += a @ bᵀ` for row-major `a` `[m, k]`, `b` `[n, k]`, `c` `[m, n]`: dot
 * products of contiguous rows, four rows of `a` against one of `b` at a time.
 */
function gemmTransB(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const bv = b[bj + p];
        s0 += a[a0 + p] * bv;
        s1 += a[a1 + p] * bv;
        s2 += a[a2 + p] * bv;
        s3 += a[a3 + p] * bv;
      }
      c[i * n + j] += s0;
      c[(i + 1) * n + j] += s1;
      c[(i + 2) * n + j] += s2;
      c[(i + 3) * n + j] += s3;
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
      c[i * n + j] += s;
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
      gemm(
        w,
        cols,
        out.subarray(o, o + s.outPerGroup * s.cols),
        s.outPerGroup,
        s.cols,
        s.rows,
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
      gemm(w, gy, gcols, s.rows, s.cols, s.outPerGroup, true);
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
      gemmTransB(gy, cols, w, s.outPerGroup, s.rows, s.cols);
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
