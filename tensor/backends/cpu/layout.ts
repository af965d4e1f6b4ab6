import { type TypedArray, typedArray } from "../../dtype.js";
import { contiguousStrides } from "../../shape.js";
import type { KernelFn } from "../backend.js";
import type { DimAttrs, FlipAttrs } from "../kernels.js";
import { allOffsets, elementOffsets } from "./strided.js";

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

export const kernels: Record<string, KernelFn> = { cat, flip };
