import { record } from "../autograd/node.js";
import type { BinaryOp, UnaryAttrs, UnaryOp } from "../backends/kernels.js";
import { runKernel } from "../dispatch.js";
import { type DType, getDefaultDType, isFloating } from "../dtype.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import {
  broadcastOperands,
  broadcastView,
  promotedDType,
  type TensorLike,
  toOperands,
} from "./broadcast.js";

/**
 * The shared path of every binary elementwise op: promote the operands
 * (PyTorch rules), convert them to `compute(dtype)`, broadcast them, and
 * run the kernel. Returns the output and the converted operands, which the
 * op's backward uses.
 */
export function binaryOp(
  op: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  { compute = (d: DType) => d, output }: { compute?: (d: DType) => DType; output?: DType } = {},
): [Tensor, Tensor, Tensor] {
  const dtype = compute(promotedDType(op, [a, b]));
  const [x, y] = toOperands(op, [a, b], dtype);
  const shape = broadcastOperands(op, [x, y]);
  const out = runKernel(
    op,
    [broadcastView(x, shape), broadcastView(y, shape)],
    shape,
    output ?? dtype,
  );
  return [out, x, y];
}

/** Ops that compute in floating point turn integer and bool inputs into the default float dtype. */
export function toFloating(d: DType): DType {
  return isFloating(d) ? d : getDefaultDType();
}

/** Runs a unary kernel on `x` converted to `dtype` (default: x's dtype). */
export function unaryOp(
  op: UnaryOp,
  x: Tensor,
  attrs: UnaryAttrs = {},
  dtype: DType = x.dtype,
  output: DType = dtype,
): [Tensor, Tensor] {
  const input = x.dtype === dtype ? x : x.cast(dtype);
  return [runKernel(op, [input], input.shape, output, attrs), input];
}

/** Throws unless `x` has a floating dtype (ops whose output must be differentiable). */
export function requireFloating(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      `${op}: expected a floating tensor, got ${x.dtype}; convert it with x.float()`,
    );
  }
}

/**
 * A unary op computed in floating point, with its derivative `dydx(x, y)`
 * (multiplied by the incoming gradient). `saves` says which of input and
 * output the derivative reads: only those are version-checked, so e.g.
 * `exp_()` on a non-leaf stays differentiable (its derivative is the output).
 */
export function floatUnary(
  op: UnaryOp,
  x: Tensor,
  dydx: (x: Tensor, y: Tensor) => Tensor,
  attrs: UnaryAttrs = {},
  saves: "input" | "output" | "both" = "input",
): Tensor {
  const [out, input] = unaryOp(op, x, attrs, toFloating(x.dtype));
  const saved = saves === "input" ? [input] : saves === "output" ? [out] : [input, out];
  return record(out, op, [input], (g) => [g.mul(dydx(input, out))], saved);
}
