/**
 * float32 elementwise kernels on the native addon: the same ops as
 * elementwise.ts (which stays the reference and the fallback for other
 * dtypes, for attrs, and when the addon is not built), computed over the
 * views' strides after merging dims, so broadcasts cost no index arrays.
 */
import type { TypedArray } from "../../dtype.js";
import type { KernelFn, KernelInput, KernelOutput } from "../backend.js";
import { kernels as reference } from "./elementwise.js";
import { nativeKernels } from "./native.js";

// The order of ElementOp in native/lectern.cc.
const OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "maximum",
  "minimum",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "neg",
  "relu",
  "exp",
  "log",
  "abs",
  "sqrt",
  "sigmoid",
  "tanh",
  "contiguous",
  "where",
] as const;

/** The dtype each input must have for the native path (else the reference kernel runs). */
function inputDTypes(op: string): string[] {
  if (op === "where") return ["bool", "float32", "float32"];
  return OPS.indexOf(op as (typeof OPS)[number]) < 12 ? ["float32", "float32"] : ["float32"];
}

/**
 * The output shape with size-1 dims dropped and neighbours merged where
 * every operand steps through them as one dim; returns [shape, strides per operand].
 */
function mergeDims(
  out: Pick<KernelOutput, "shape">,
  inputs: readonly KernelInput[],
): [number[], number[][]] {
  const shape: number[] = [];
  const strides: number[][] = inputs.map(() => []);
  for (let d = 0; d < out.shape.length; d++) {
    const size = out.shape[d];
    if (size === 1) continue;
    const last = shape.length - 1;
    const mergeable = last >= 0 && inputs.every((x, i) => strides[i][last] === x.strides[d] * size);
    if (mergeable) {
      shape[last] *= size;
      inputs.forEach((x, i) => {
        strides[i][last] = x.strides[d];
      });
    } else {
      shape.push(size);
      inputs.forEach((x, i) => {
        strides[i].push(x.strides[d]);
      });
    }
  }
  return [shape, strides];
}

function nativeKernel(op: (typeof OPS)[number]): KernelFn {
  const code = OPS.indexOf(op);
  const fallback = reference[op];
  const dtypes = inputDTypes(op);
  return (inputs, out, attrs) => {
    const fast = nativeKernels();
    const outDType = code >= 6 && code < 12 ? "bool" : "float32";
    if (
      !fast ||
      out.size === 0 ||
      out.dtype !== outDType ||
      inputs.some((x, i) => x.dtype !== dtypes[i])
    ) {
      return fallback(inputs, out, attrs);
    }
    const [shape, strides] = mergeDims(out, inputs);
    const result = out.dtype === "bool" ? new Uint8Array(out.size) : new Float32Array(out.size);
    fast.elementwise(
      code,
      Int32Array.from(shape),
      result,
      inputs.map((x) => x.storage as TypedArray),
      Int32Array.from(inputs, (x) => x.offset),
      Int32Array.from(strides.flat()),
    );
    return result;
  };
}

function isContiguous(x: KernelInput): boolean {
  let expected = 1;
  for (let d = x.shape.length - 1; d >= 0; d--) {
    if (x.shape[d] !== 1 && x.strides[d] !== expected) return false;
    expected *= x.shape[d];
  }
  return true;
}

/** `dst.copy_(src)` for a contiguous float32 dst that shares no storage with src. */
const copyInto: KernelFn = (inputs, out, attrs) => {
  const [dst, src] = inputs;
  const fast = nativeKernels();
  const disjoint = dst.storage !== src.storage;
  if (
    !fast ||
    !disjoint ||
    dst.dtype !== "float32" ||
    src.dtype !== "float32" ||
    !isContiguous(dst)
  ) {
    return reference.copyInto(inputs, out, attrs);
  }
  const target = dst.storage as Float32Array;
  let size = 1;
  for (const d of dst.shape) size *= d;
  if (size === 0) return target;
  const [shape, strides] = mergeDims(dst, [src]);
  fast.elementwise(
    OPS.indexOf("contiguous"),
    Int32Array.from(shape),
    target.subarray(dst.offset, dst.offset + size),
    [src.storage as Float32Array],
    Int32Array.of(src.offset),
    Int32Array.from(strides[0]),
  );
  return target;
};

export const kernels: Record<string, KernelFn> = {
  ...Object.fromEntries(OPS.map((op) => [op, nativeKernel(op)])),
  copyInto,
};
