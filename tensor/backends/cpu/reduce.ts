import { type TypedArray, typedArray } from "../../dtype.js";
import type { KernelFn } from "../backend.js";
import type { DimAttrs, ReduceAttrs, ReduceOp } from "../kernels.js";
import { rowsAlong } from "./strided.js";

/** Folds one row (`data[base + inner[j]]`) to a value; rows are summed in float64. */
type RowFold = (data: TypedArray, base: number, inner: Int32Array) => number;

const folds: Record<ReduceOp, RowFold> = {
  sum: (d, b, inner) => {
    let s = 0;
    for (let j = 0; j < inner.length; j++) s += d[b + inner[j]];
    return s;
  },
  prod: (d, b, inner) => {
    let p = 1;
    for (let j = 0; j < inner.length; j++) p *= d[b + inner[j]];
    return p;
  },
  max: (d, b, inner) => {
    let m = -Infinity;
    for (let j = 0; j < inner.length; j++) {
      const v = d[b + inner[j]];
      if (v > m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) return m;
    }
    return m;
  },
  min: (d, b, inner) => {
    let m = Infinity;
    for (let j = 0; j < inner.length; j++) {
      const v = d[b + inner[j]];
      if (v < m || Number.isNaN(v)) m = v;
      if (Number.isNaN(m)) return m;
    }
    return m;
  },
  // PyTorch returns the first position of the extreme value, and a NaN wins.
  argmax: (d, b, inner) => {
    let best = 0;
    let m = -Infinity;
    for (let j = 0; j < inner.length; j++) {
      const v = d[b + inner[j]];
      if (Number.isNaN(v)) return j;
      if (v > m || j === 0) {
        m = v;
        best = j;
      }
    }
    return best;
  },
  argmin: (d, b, inner) => {
    let best = 0;
    let m = Infinity;
    for (let j = 0; j < inner.length; j++) {
      const v = d[b + inner[j]];
      if (Number.isNaN(v)) return j;
      if (v < m || j === 0) {
        m = v;
        best = j;
      }
    }
    return best;
  },
  all: (d, b, inner) => {
    for (let j = 0; j < inner.length; j++) if (d[b + inner[j]] === 0) return 0;
    return 1;
  },
  any: (d, b, inner) => {
    for (let j = 0; j < inner.length; j++) if (d[b + inner[j]] !== 0) return 1;
    return 0;
  },
};

function reduceKernel(op: ReduceOp): KernelFn<ReduceAttrs> {
  const fold = folds[op];
  return ([x], out, { dims }) => {
    const result = typedArray(out.dtype, out.size);
    const { outer, inner } = rowsAlong(x, dims);
    const data = x.storage as TypedArray;
    for (let r = 0; r < outer.length; r++) result[r] = fold(data, outer[r], inner);
    return result;
  };
}

/** Applies `scan` to every line along `dim`, writing the contiguous output. */
function lineKernel(
  scan: (
    src: TypedArray,
    base: number,
    inner: Int32Array,
    dst: TypedArray,
    dBase: number,
    dStride: number,
  ) => void,
): KernelFn<DimAttrs> {
  return ([x], out, { dim }) => {
    const result = typedArray(out.dtype, out.size);
    const { outer, inner } = rowsAlong(x, [dim]);
    // The output is contiguous in x's shape: line r starts at the position of
    // its kept index, and steps by the stride of `dim`.
    let dStride = 1;
    for (let d = x.shape.length - 1; d > dim; d--) dStride *= x.shape[d];
    const len = x.shape[dim];
    const src = x.storage as TypedArray;
    for (let r = 0; r < outer.length; r++) {
      const outerIdx = Math.floor(r / dStride);
      const dBase = outerIdx * dStride * len + (r % dStride);
      scan(src, outer[r], inner, result, dBase, dStride);
    }
    return result;
  };
}

const cumsum = lineKernel((src, b, inner, dst, db, ds) => {
  let s = 0;
  for (let j = 0; j < inner.length; j++) {
    s += src[b + inner[j]];
    dst[db + j * ds] = s;
  }
});

const cumprod = lineKernel((src, b, inner, dst, db, ds) => {
  let p = 1;
  for (let j = 0; j < inner.length; j++) {
    p *= src[b + inner[j]];
    dst[db + j * ds] = p;
  }
});

function softmaxLine(log: boolean) {
  return (
    src: TypedArray,
    b: number,
    inner: Int32Array,
    dst: TypedArray,
    db: number,
    ds: number,
  ) => {
    let m = -Infinity;
    for (let j = 0; j < inner.length; j++) m = Math.max(m, src[b + inner[j]]);
    // A line of -inf (everything masked) gives NaN, as in PyTorch.
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let j = 0; j < inner.length; j++) s += Math.exp(src[b + inner[j]] - m);
    if (log) {
      const lse = m + Math.log(s);
      for (let j = 0; j < inner.length; j++) dst[db + j * ds] = src[b + inner[j]] - lse;
    } else {
      for (let j = 0; j < inner.length; j++) dst[db + j * ds] = Math.exp(src[b + inner[j]] - m) / s;
    }
  };
}

export const kernels: Record<string, KernelFn> = {
  cumsum,
  cumprod,
  softmax: lineKernel(softmaxLine(false)),
  logSoftmax: lineKernel(softmaxLine(true)),
};
for (const op of Object.keys(folds) as ReduceOp[]) kernels[op] = reduceKernel(op);
