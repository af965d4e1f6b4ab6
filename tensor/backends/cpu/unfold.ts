// im2col / col2im: the sliding-window gather that conv, unfold and fold are
// built on. Every kernel here works on three spatial dims; 1-d and 2-d ops
// pass size-1 leading dims, which costs nothing and keeps one code path.
import type { KernelFn, KernelInput } from "../backend.js";

/** A size or step along the three spatial dims (depth, height, width). */
export type Size3 = [number, number, number];

/**
 * Where a sliding window visits an input: kernel extent, stride, zero padding
 * in front of each dim, dilation, and the resulting output grid. Padding
 * after a dim is implicit in `outSize` (PyTorch's "same" can pad one more at
 * the end than at the start).
 */
export interface SlidingWindow {
  inSize: Size3;
  outSize: Size3;
  kernel: Size3;
  stride: Size3;
  padding: Size3;
  dilation: Size3;
}

/** Number of positions in a Size3 grid. */
export function volume(size: Size3): number {
  return size[0] * size[1] * size[2];
}

/**
 * Gathers every window of `channels` planes of `x` (starting at `xOffset`)
 * into the columns of `cols`, laid out `[channels * kD * kH * kW, oD * oH * oW]`
 * exactly as PyTorch's `F.unfold` orders them: channel-major, then kernel
 * position row-major; one column per output position. Padding reads as 0.
 */
export function im2col(
  x: Float32Array,
  xOffset: number,
  channels: number,
  win: SlidingWindow,
  cols: Float32Array,
): void {
  windowTransfer(x, xOffset, cols, channels, win, true);
}

/**
 * The transpose of {@link im2col}: adds every column entry back onto the
 * input position it was read from (`gx += col2im(cols)`), dropping padding.
 * Overlapping windows sum, which is what both `F.fold` and the gradient of
 * `F.unfold` need.
 */
export function col2im(
  cols: Float32Array,
  channels: number,
  win: SlidingWindow,
  gx: Float32Array,
  gxOffset: number,
): void {
  windowTransfer(gx, gxOffset, cols, channels, win, false);
}

/**
 * The one walk behind im2col and col2im: pairs every column entry with the
 * image position it reads, copying image → columns (`toColumns`, padding
 * reads 0) or adding columns → image (padding dropped).
 */
function windowTransfer(
  image: Float32Array,
  imageOffset: number,
  cols: Float32Array,
  channels: number,
  win: SlidingWindow,
  toColumns: boolean,
): void {
  const [D, H, W] = win.inSize;
  const [oD, oH, oW] = win.outSize;
  const [kD, kH, kW] = win.kernel;
  const [sD, sH, sW] = win.stride;
  const [pD, pH, pW] = win.padding;
  const [dD, dH, dW] = win.dilation;
  let at = 0;
  for (let c = 0; c < channels; c++) {
    const plane = imageOffset + c * D * H * W;
    for (let kd = 0; kd < kD; kd++) {
      for (let kh = 0; kh < kH; kh++) {
        for (let kw = 0; kw < kW; kw++) {
          // output columns [lo, hi) are the ones whose tap lands inside the width
          const shift = kw * dW - pW;
          const lo = Math.min(oW, Math.max(0, Math.ceil(-shift / sW)));
          const hi = Math.max(lo, Math.min(oW, Math.ceil((W - shift) / sW)));
          for (let od = 0; od < oD; od++) {
            const id = od * sD - pD + kd * dD;
            for (let oh = 0; oh < oH; oh++, at += oW) {
              const ih = oh * sH - pH + kh * dH;
              const inside = id >= 0 && id < D && ih >= 0 && ih < H;
              const row = plane + (id * H + ih) * W + shift;
              // rows are short (a feature map's width): plain loops beat fill()
              if (toColumns) {
                const first = inside ? lo : oW;
                const last = inside ? hi : oW;
                for (let ow = 0; ow < first; ow++) cols[at + ow] = 0;
                for (let ow = first; ow < last; ow++) cols[at + ow] = image[row + ow * sW];
                for (let ow = last; ow < oW; ow++) cols[at + ow] = 0;
              } else if (inside) {
                for (let ow = lo; ow < hi; ow++) image[row + ow * sW] += cols[at + ow];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * `F.unfold` on a contiguous `[batch, channels, ...inSize]` input: returns
 * `[batch, channels * volume(kernel), volume(outSize)]`.
 */
export function unfoldForward(
  x: Float32Array,
  batch: number,
  channels: number,
  win: SlidingWindow,
): Float32Array {
  const inPlane = channels * volume(win.inSize);
  const colSize = channels * volume(win.kernel) * volume(win.outSize);
  const out = new Float32Array(batch * colSize);
  for (let n = 0; n < batch; n++) {
    im2col(x, n * inPlane, channels, win, out.subarray(n * colSize, (n + 1) * colSize));
  }
  return out;
}

/**
 * `F.fold` (and the gradient of `F.unfold`): sums `[batch, channels *
 * volume(kernel), volume(outSize)]` columns into a `[batch, channels,
 * ...inSize]` image.
 */
export function foldForward(
  cols: Float32Array,
  batch: number,
  channels: number,
  win: SlidingWindow,
): Float32Array {
  const inPlane = channels * volume(win.inSize);
  const colSize = channels * volume(win.kernel) * volume(win.outSize);
  const out = new Float32Array(batch * inPlane);
  for (let n = 0; n < batch; n++) {
    col2im(cols.subarray(n * colSize, (n + 1) * colSize), channels, win, out, n * inPlane);
  }
  return out;
}

/**
 * The elements of a kernel input in row-major order: the storage itself
 * when the view is contiguous (the windowed ops' frontends make it so),
 * otherwise a gathered copy.
 */
export function denseData(input: KernelInput): Float32Array {
  const storage = input.storage as Float32Array;
  let size = 1;
  let contiguous = true;
  for (let d = input.shape.length - 1; d >= 0; d--) {
    if (input.shape[d] !== 1 && input.strides[d] !== size) contiguous = false;
    size *= input.shape[d];
  }
  if (contiguous) return storage.subarray(input.offset, input.offset + size);
  const out = new Float32Array(size);
  const index = new Array<number>(input.shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let at = input.offset;
    for (let d = 0; d < index.length; d++) at += index[d] * input.strides[d];
    out[i] = storage[at];
    for (let d = index.length - 1; d >= 0 && ++index[d] === input.shape[d]; d--) index[d] = 0;
  }
  return out;
}

/** Attrs of the `unfold` and `fold` kernels. */
export interface UnfoldAttrs {
  batch: number;
  channels: number;
  win: SlidingWindow;
}

/**
 * `unfold`: x `[batch, channels, ...inSize]` → `[batch, channels * volume(kernel), volume(outSize)]`;
 * `fold`: the reverse direction, summing overlaps.
 */
export const kernels: Record<string, KernelFn<UnfoldAttrs>> = {
  unfold: ([x], _out, { batch, channels, win }) =>
    unfoldForward(denseData(x), batch, channels, win),
  fold: ([cols], _out, { batch, channels, win }) =>
    foldForward(denseData(cols), batch, channels, win),
};
