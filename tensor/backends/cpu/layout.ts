import { type TypedArray, typedArray } from "../../dtype.js";
import { contiguousStrides } from "../../shape.js";
import type { KernelFn } from "../backend.js";
import type { DimAttrs, FlipAttrs, SortAttrs } from "../kernels.js";
import { allOffsets, elementOffsets, rowsAlong } from "./strided.js";

const cat: KernelFn<DimAttrs> = (inputs, out, { dim }) => {
  const result = typedArray(out.dtype, out.size);
  const outStrides = contiguousStrides(out.shape);
  let start = 0;
  for (const x of inputs) {
    const src = x.storage as TypedArray;
    const from = elementOffsets(x.shape, x.strides, x.offset);
    const to = allOffsets(x.shape, outStrides, start * outStrides[dim]);
    for (let i = 0; i < to.length; i++) result[to[i]] = src[from === null ? x.offset + i : from[i]];
    start += x.shape[dim];
  }
  return result;
};

const flip: KernelFn<FlipAttrs> = ([x], out, { dims }) => {
  const result = typedArray(out.dtype, out.size);
  let offset = x.offset;
  const strides = [...x.strides];
  for (const d of dims) {
    offset += Math.max(x.shape[d] - 1, 0) * strides[d];
    strides[d] = -strides[d];
  }
  const src = x.storage as TypedArray;
  const from = allOffsets(x.shape, strides, offset);
  for (let i = 0; i < from.length; i++) result[i] = src[from[i]];
  return result;
};

// Stable, with NaN ordered after every number (PyTorch's order).
function compareValues(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

const argsort: KernelFn<SortAttrs> = ([x], out, { dim, descending }) => {
  const result = new Int32Array(out.size);
  const { outer, inner } = rowsAlong(x, [dim]);
  const src = x.storage as TypedArray;
  let stride = 1;
  for (let d = x.shape.length - 1; d > dim; d--) stride *= x.shape[d];
  const len = x.shape[dim];
  const order = Array.from({ length: len }, (_, j) => j);
  for (let r = 0; r < outer.length; r++) {
    const base = outer[r];
    for (let j = 0; j < len; j++) order[j] = j;
    const sign = descending ? -1 : 1;
    order.sort((i, j) => sign * compareValues(src[base + inner[i]], src[base + inner[j]]) || i - j);
    const oBase = Math.floor(r / stride) * stride * len + (r % stride);
    for (let j = 0; j < len; j++) result[oBase + j * stride] = order[j];
  }
  return result;
};

export const kernels: Record<string, KernelFn> = { cat, flip, argsort };
