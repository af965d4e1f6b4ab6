// Convolution as im2col + GEMM, one (chunk of images, group) at a time: the
// columns of one image are `[inPerGroup * volume(kernel), volume(outSize)]`,
// and the group's weight `[outPerGroup, inPerGroup * volume(kernel)]` times
// them is the output. The two gradients are the same product transposed, and
// a transposed convolution is the input gradient of the convolution it
// undoes, so three functions cover conv1d/2d/3d and convTranspose1d/2d/3d.
import type { KernelFn } from "../backend.js";
import { gemm, type MatrixView, rowMajor, transposed } from "./gemm.js";
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

/**
 * Images are processed in chunks whose columns sit side by side in one
 * `[rows, chunk * cols]` matrix, so small convolutions (LeNet's 6 output
 * channels over 28x28) make one GEMM large enough to run at full speed
 * instead of 64 tiny ones. The chunk's columns stay under ~8 MB.
 */
const CHUNK_FLOATS = 2 * 1024 * 1024;

interface Chunk {
  /** first image */
  n0: number;
  /** images in the chunk */
  nb: number;
  /** columns of the chunk's matrices: nb * cols */
  width: number;
}

function* chunks(g: ConvGeometry, s: GroupSizes): Generator<Chunk> {
  const per = isPointwise(g)
    ? 1
    : Math.max(1, Math.floor(CHUNK_FLOATS / Math.max(1, s.rows * s.cols)));
  for (let n0 = 0; n0 < g.batch; n0 += per) {
    const nb = Math.min(per, g.batch - n0);
    yield { n0, nb, width: nb * s.cols };
  }
}

/**
 * Writes the columns of group `grp` of the chunk's images into `cols`
 * (`[rows, width]`, image b at column b * s.cols); a pointwise conv of one
 * image returns its input instead.
 */
function gatherColumns(
  x: Float32Array,
  grp: number,
  c: Chunk,
  g: ConvGeometry,
  s: GroupSizes,
  window: Int32Array,
  cols: Float32Array,
): Float32Array {
  const fast = nativeKernels();
  for (let b = 0; b < c.nb; b++) {
    const offset = ((c.n0 + b) * g.inChannels + grp * s.inPerGroup) * s.inPlane;
    if (isPointwise(g)) return x.subarray(offset, offset + s.rows * s.cols);
    if (fast) fast.windowTransfer(x, offset, cols, b * s.cols, c.width, s.inPerGroup, window, true);
    else if (c.nb === 1) im2col(x, offset, s.inPerGroup, g, cols);
    else {
      const one = new Float32Array(s.rows * s.cols);
      im2col(x, offset, s.inPerGroup, g, one);
      for (let r = 0; r < s.rows; r++) {
        cols.set(one.subarray(r * s.cols, (r + 1) * s.cols), r * c.width + b * s.cols);
      }
    }
  }
  return cols;
}

/** Adds the chunk's column gradients (`[rows, width]`) back onto the input gradient. */
function scatterColumns(
  cols: Float32Array,
  grp: number,
  c: Chunk,
  g: ConvGeometry,
  s: GroupSizes,
  window: Int32Array,
  gx: Float32Array,
): void {
  const fast = nativeKernels();
  for (let b = 0; b < c.nb; b++) {
    const offset = ((c.n0 + b) * g.inChannels + grp * s.inPerGroup) * s.inPlane;
    if (fast) {
      fast.windowTransfer(gx, offset, cols, b * s.cols, c.width, s.inPerGroup, window, false);
    } else if (c.nb === 1) col2im(cols, s.inPerGroup, g, gx, offset);
    else {
      const one = new Float32Array(s.rows * s.cols);
      for (let r = 0; r < s.rows; r++) {
        one.set(
          cols.subarray(r * c.width + b * s.cols, r * c.width + (b + 1) * s.cols),
          r * s.cols,
        );
      }
      col2im(one, s.inPerGroup, g, gx, offset);
    }
  }
}

/**
 * The chunk's `channels` planes starting at channel `first` of a
 * `[batch, total, cols]` tensor, as a `[channels, width]` matrix (a view
 * when the chunk is one image, else copied into `buf`); `back` copies the
 * other way, from `buf` into the tensor.
 */
function planes(
  t: Float32Array,
  total: number,
  first: number,
  channels: number,
  c: Chunk,
  cols: number,
  buf: Float32Array,
  back = false,
): MatrixView {
  if (c.nb === 1) return rowMajor(t, (c.n0 * total + first) * cols, cols);
  for (let i = 0; i < channels; i++) {
    for (let b = 0; b < c.nb; b++) {
      const at = ((c.n0 + b) * total + first + i) * cols;
      if (back) t.set(buf.subarray(i * c.width + b * cols, i * c.width + (b + 1) * cols), at);
      else buf.set(t.subarray(at, at + cols), i * c.width + b * cols);
    }
  }
  return rowMajor(buf, 0, c.width);
}

// Scratch reused across calls (kernels run one at a time on this thread),
// so a training step does not allocate and zero megabytes per convolution.
let columnScratch = new Float32Array(0);
let stagingScratch = new Float32Array(0);

/** Scratch for one chunk: columns and a `[channels, width]` staging matrix. */
function scratchFor(g: ConvGeometry, s: GroupSizes): { cols: Float32Array; staging: Float32Array } {
  const width = chunks(g, s).next().value?.width ?? 0;
  const colsSize = isPointwise(g) ? 0 : s.rows * width;
  const stagingSize = width > s.cols ? Math.max(s.outPerGroup, s.inPerGroup) * width : 0;
  if (columnScratch.length < colsSize) columnScratch = new Float32Array(colsSize);
  if (stagingScratch.length < stagingSize) stagingScratch = new Float32Array(stagingSize);
  return {
    cols: columnScratch.subarray(0, colsSize),
    staging: stagingScratch.subarray(0, stagingSize),
  };
}

/** Convolution forward: `[batch, outChannels, ...outSize]`; the GEMM starts from the bias. */
export function convForward(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  g: ConvGeometry,
): Float32Array {
  const s = groupSizes(g);
  const out = new Float32Array(g.batch * g.outChannels * s.cols);
  const { cols, staging } = scratchFor(g, s);
  const window = windowArray(g);
  for (const c of chunks(g, s)) {
    for (let grp = 0; grp < g.groups; grp++) {
      const columns = gatherColumns(x, grp, c, g, s, window, cols);
      const y = planes(out, g.outChannels, grp * s.outPerGroup, s.outPerGroup, c, s.cols, staging);
      // y[outPerGroup, width] = bias + w[outPerGroup, rows] @ columns[rows, width]
      for (let i = 0; bias && i < s.outPerGroup; i++) {
        const start = y.offset + i * y.rowStride;
        y.data.fill(bias[grp * s.outPerGroup + i], start, start + c.width);
      }
      const w = rowMajor(weight, grp * s.outPerGroup * s.rows, s.rows);
      gemm(s.outPerGroup, c.width, s.rows, w, rowMajor(columns, 0, c.width), y, bias !== null);
      if (c.nb > 1)
        planes(out, g.outChannels, grp * s.outPerGroup, s.outPerGroup, c, s.cols, staging, true);
    }
  }
  return out;
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
  const { cols, staging } = scratchFor(g, s);
  const window = windowArray(g);
  for (const c of chunks(g, s)) {
    for (let grp = 0; grp < g.groups; grp++) {
      const w = rowMajor(weight, grp * s.outPerGroup * s.rows, s.rows);
      const gy = planes(
        gradOut,
        g.outChannels,
        grp * s.outPerGroup,
        s.outPerGroup,
        c,
        s.cols,
        staging,
      );
      // gcols[rows, width] = wᵀ @ gy[outPerGroup, width]; a pointwise conv's
      // columns are the input gradient itself
      const xOffset = (c.n0 * g.inChannels + grp * s.inPerGroup) * s.inPlane;
      const gcols = isPointwise(g) ? rowMajor(gx, xOffset, s.cols) : rowMajor(cols, 0, c.width);
      gemm(s.rows, c.width, s.outPerGroup, transposed(w), gy, gcols, false);
      if (!isPointwise(g)) scatterColumns(cols, grp, c, g, s, window, gx);
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
  const { cols, staging } = scratchFor(g, s);
  const window = windowArray(g);
  for (const c of chunks(g, s)) {
    for (let grp = 0; grp < g.groups; grp++) {
      const columns = gatherColumns(x, grp, c, g, s, window, cols);
      const gy = planes(
        gradOut,
        g.outChannels,
        grp * s.outPerGroup,
        s.outPerGroup,
        c,
        s.cols,
        staging,
      );
      const w = rowMajor(gw, grp * s.outPerGroup * s.rows, s.rows);
      // gw[outPerGroup, rows] += gy[outPerGroup, width] @ columnsᵀ
      gemm(s.outPerGroup, s.rows, c.width, gy, transposed(rowMajor(columns, 0, c.width)), w, true);
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
