import type { BinaryOp } from "../backends/kernels.js";
import { runKernel } from "../dispatch.js";
import type { Tensor } from "../tensor.js";
import type { TensorLike } from "./broadcast.js";
import { binaryOp } from "./elementwise.js";

// Comparisons compute in the promoted dtype and return bool; no gradient.
function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(op, a, b, { output: "bool" })[0];
}

/**
 * `a == b` elementwise, broadcasting (`torch.eq`).
 *
 * @example
 * lt.tensor([1, 2]).eq(2); // [false, true]
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare("eq", a, b);
}

/** `a != b` elementwise (`torch.ne`). */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare("ne", a, b);
}

/**
 * `a < b` elementwise (`torch.lt`).
 *
 * @example
 * lt.tensor([1, 3]).lt(2); // [true, false]
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare("lt", a, b);
}

/** `a <= b` elementwise (`torch.le`). */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare("le", a, b);
}

/** `a > b` elementwise (`torch.gt`). */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare("gt", a, b);
}

/** `a >= b` elementwise (`torch.ge`). */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare("ge", a, b);
}

function logical(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return binaryOp(op, a, b, { compute: () => "bool" })[0];
}

/**
 * Elementwise AND of truth values (non-zero is true) (`torch.logical_and`).
 *
 * @example
 * lt.tensor([true, false]).logicalAnd(true); // [true, false]
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalAnd", a, b);
}

/** Elementwise OR of truth values (`torch.logical_or`). */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalOr", a, b);
}

/** Elementwise XOR of truth values (`torch.logical_xor`). */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalXor", a, b);
}

/**
 * Elementwise NOT of truth values (`torch.logical_not`).
 *
 * @example
 * lt.tensor([0, 2]).logicalNot(); // [true, false]
 */
export function logicalNot(x: Tensor): Tensor {
  return runKernel("logicalNot", [x], x.shape, "bool");
}

/** True where `x` is NaN (`torch.isnan`). */
export function isnan(x: Tensor): Tensor {
  return runKernel("isnan", [x], x.shape, "bool");
}

/** True where `x` is +-Infinity (`torch.isinf`). */
export function isinf(x: Tensor): Tensor {
  return runKernel("isinf", [x], x.shape, "bool");
}

/** True where `x` is neither NaN nor infinite (`torch.isfinite`). */
export function isfinite(x: Tensor): Tensor {
  return isnan(x).logicalOr(isinf(x)).logicalNot();
}

/** Tolerances of `isclose`/`allclose` (PyTorch's defaults). */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/**
 * `|a - b| <= atol + rtol * |b|` elementwise (`torch.isclose`).
 *
 * @example
 * lt.isclose(lt.tensor([1, 2]), lt.tensor([1, 2.1])); // [true, false]
 */
export function isclose(
  a: Tensor,
  b: Tensor | number,
  { rtol = 1e-5, atol = 1e-8, equalNan = false }: CloseOptions = {},
): Tensor {
  const bound = typeof b === "number" ? Math.abs(b) * rtol + atol : b.abs().mul(rtol).add(atol);
  // Equal infinities are close although their difference is NaN.
  let close = a.sub(b).abs().le(bound).logicalOr(a.eq(b));
  if (equalNan) {
    close = close.logicalOr(
      a.isnan().logicalAnd(typeof b === "number" ? Number.isNaN(b) : b.isnan()),
    );
  }
  return close;
}

/**
 * True when every element of `a` is close to `b` (`torch.allclose`);
 * synchronous, so CPU tensors only (on WebGPU: `await lt.isclose(a, b).all().item()`).
 *
 * @example
 * lt.allclose(lt.tensor([1, 2]), lt.tensor([1, 2.000001])); // true
 */
export function allclose(a: Tensor, b: Tensor | number, opts: CloseOptions = {}): boolean {
  return isclose(a, b, opts).all().itemSync() as boolean;
}

/**
 * True when `a` and `b` have the same shape and elements (`torch.equal`); CPU tensors only.
 *
 * @example
 * lt.equal(lt.arange(3), lt.tensor([0, 1, 2], { dtype: "int32" })); // true
 */
export function equal(a: Tensor, b: Tensor): boolean {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) return false;
  return a.eq(b).all().itemSync() as boolean;
}
