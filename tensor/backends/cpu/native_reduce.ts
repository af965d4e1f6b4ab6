/**
 * float32 softmax, logSoftmax, sum, max and min on the native addon, for
 * the same lines reduce.ts walks (`rowsAlong`), and the norm primitive of
 * normalization.ts (moments, normalize, normalizeBackward); reduce.ts and
 * normalization.ts stay the reference and the fallback for other dtypes
 * and without the addon.
 */
import type { KernelFn, KernelInput } from "../backend.js";
import type { DimAttrs, ReduceAttrs } from "../kernels.js";
import { nativeKernels } from "./native.js";
import { kernels as normReference, type NormalizeAttrs } from "./normalization.js";
import { kernels as reference } from "./reduce.js";
import { allOffsets, rowsAlong } from "./strided.js";
import { denseData } from "./unfold.js";

function softmaxKernel(log: boolean): KernelFn<DimAttrs> {
  const fallback = reference[log ? "logSoftmax" : "softmax"] as KernelFn<DimAttrs>;
  return (inputs, out, attrs) => {
    const [x] = inputs;
    const fast = nativeKernels();
    if (!fast || x.dtype !== "float32" || out.dtype !== "float32" || out.size === 0) {
      return fallback(inputs, out, attrs);
    }
    const { dim } = attrs;
    const { outer } = rowsAlong(x, [dim]);
    let dStride = 1;
    for (let d = x.shape.length - 1; d > dim; d--) dStride *= x.shape[d];
    const result = new Float32Array(out.size);
    fast.softmaxLines(
      log,
      x.storage as Float32Array,
      outer,
      x.strides[dim],
      x.shape[dim],
      result,
      dStride,
    );
    return result;
  };
}

/**
 * Whether `dims` are the last dims of x, in order, and contiguous in memory,
 * so each row is one run of elements (no offset table needed).
 */
function contiguousTrailing(x: KernelInput, dims: readonly number[]): boolean {
  const nd = x.shape.length;
  let expected = 1;
  for (let i = dims.length - 1, d = nd - 1; i >= 0; i--, d--) {
    if (dims[i] !== d) return false;
    if (x.shape[d] !== 1 && x.strides[d] !== expected) return false;
    expected *= x.shape[d];
  }
  return true;
}

// The order of ReduceOp in native/lectern.cc.
const REDUCE_OPS = ["sum", "max", "min"] as const;

function reduceKernel(op: (typeof REDUCE_OPS)[number]): KernelFn<ReduceAttrs> {
  const fallback = reference[op] as KernelFn<ReduceAttrs>;
  return (inputs, out, attrs) => {
    const [x] = inputs;
    const fast = nativeKernels();
    if (!fast || x.dtype !== "float32" || out.dtype !== "float32")
      return fallback(inputs, out, attrs);
    const { dims } = attrs;
    let count = 1;
    for (const d of dims) count *= x.shape[d];
    // empty rows (a sum over a size-0 dim is 0, a max an error upstream) stay with the reference
    if (out.size === 0 || count === 0) return fallback(inputs, out, attrs);
    const result = new Float32Array(out.size);
    const trailing = contiguousTrailing(x, dims);
    const { outer, inner } = trailing
      ? {
          outer: allOffsets(
            x.shape.slice(0, -dims.length),
            x.strides.slice(0, -dims.length),
            x.offset,
          ),
          inner: null,
        }
      : rowsAlong(x, dims);
    fast.reduceRows(REDUCE_OPS.indexOf(op), x.storage as Float32Array, outer, inner, result, count);
    return result;
  };
}

// The order of the `kind` argument of the addon's norm().
const NORM_KINDS = ["moments", "normalize", "normalizeBackward"] as const;

function normKernel(kind: (typeof NORM_KINDS)[number]): KernelFn<NormalizeAttrs> {
  const fallback = normReference[kind];
  return (inputs, out, a) => {
    const fast = nativeKernels();
    if (!fast || inputs.some((t) => t.dtype !== "float32")) return fallback(inputs, out, a);
    const result = new Float32Array(out.size);
    // inputs: moments (x), normalize (x, stats), normalizeBackward (gradOut, x, stats)
    const [x, stats, gradOut] =
      kind === "normalizeBackward"
        ? [inputs[1], inputs[2], inputs[0]]
        : [inputs[0], inputs[1], undefined];
    fast.norm(
      NORM_KINDS.indexOf(kind),
      a.outer,
      a.channels,
      a.inner,
      a.eps ?? 0,
      result,
      denseData(x),
      ...(stats ? [denseData(stats)] : []),
      ...(gradOut ? [denseData(gradOut)] : []),
    );
    return result;
  };
}

export const kernels: Record<string, KernelFn> = {
  ...Object.fromEntries(NORM_KINDS.map((kind) => [kind, normKernel(kind)])),
  softmax: softmaxKernel(false),
  logSoftmax: softmaxKernel(true),
  ...Object.fromEntries(REDUCE_OPS.map((op) => [op, reduceKernel(op)])),
};
