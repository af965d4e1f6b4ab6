import { type TypedArray, typedArray } from "../../dtype.js";
import { contiguousStrides } from "../../shape.js";
import type { KernelFn, KernelInput } from "../backend.js";
import type { DimAttrs, ScatterAttrs } from "../kernels.js";
import { allOffsets } from "./strided.js";

/** Storage positions of `shape`'s elements under `strides`, with `dim`'s stride zeroed. */
function offsetsWithoutDim(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dim: number,
): Int32Array {
  const s = [...strides];
  s[dim] = 0;
  return allOffsets(shape, s, offset);
}

function copyOf(x: KernelInput, size: number): TypedArray {
  const result = typedArray(x.dtype, size);
  const src = x.storage as TypedArray;
  const offs = allOffsets(x.shape, x.strides, x.offset);
  for (let i = 0; i < size; i++) result[i] = src[offs[i]];
  return result;
}

const gather: KernelFn<DimAttrs> = ([x, index], out, { dim }) => {
  const result = typedArray(out.dtype, out.size);
  const src = x.storage as TypedArray;
  const idx = index.storage as Int32Array;
  const base = offsetsWithoutDim(index.shape, x.strides, x.offset, dim);
  const io = allOffsets(index.shape, index.strides, index.offset);
  const step = x.strides[dim];
  for (let i = 0; i < out.size; i++) result[i] = src[base[i] + idx[io[i]] * step];
  return result;
};

const scatter: KernelFn<ScatterAttrs> = ([x, index, src], out, { dim, reduce }) => {
  const result = copyOf(x, out.size);
  const strides = contiguousStrides(x.shape);
  const target = offsetsWithoutDim(index.shape, strides, 0, dim);
  const io = allOffsets(index.shape, index.strides, index.offset);
  const so = allOffsets(index.shape, src.strides, src.offset);
  const idx = index.storage as Int32Array;
  const values = src.storage as TypedArray;
  for (let i = 0; i < io.length; i++) {
    const t = target[i] + idx[io[i]] * strides[dim];
    result[t] = reduce === "add" ? result[t] + values[so[i]] : values[so[i]];
  }
  return result;
};

const indexSelect: KernelFn<DimAttrs> = ([x, index], out, { dim }) => {
  const result = typedArray(out.dtype, out.size);
  const src = x.storage as TypedArray;
  const idx = index.storage as Int32Array;
  const base = offsetsWithoutDim(out.shape, x.strides, x.offset, dim);
  const len = out.shape[dim];
  let inner = 1;
  for (let d = dim + 1; d < out.shape.length; d++) inner *= out.shape[d];
  for (let i = 0; i < out.size; i++) {
    const k = Math.floor(i / inner) % len;
    result[i] = src[base[i] + idx[index.offset + k * index.strides[0]] * x.strides[dim]];
  }
  return result;
};

const indexAdd: KernelFn<DimAttrs> = ([x, index, src], out, { dim }) => {
  const result = copyOf(x, out.size);
  const strides = contiguousStrides(x.shape);
  const target = offsetsWithoutDim(src.shape, strides, 0, dim);
  const so = allOffsets(src.shape, src.strides, src.offset);
  const values = src.storage as TypedArray;
  const idx = index.storage as Int32Array;
  const len = src.shape[dim];
  let inner = 1;
  for (let d = dim + 1; d < src.shape.length; d++) inner *= src.shape[d];
  for (let i = 0; i < so.length; i++) {
    const k = Math.floor(i / inner) % len;
    const t = target[i] + idx[index.offset + k * index.strides[0]] * strides[dim];
    result[t] += values[so[i]];
  }
  return result;
};

export const kernels: Record<string, KernelFn> = { gather, scatter, indexSelect, indexAdd };
