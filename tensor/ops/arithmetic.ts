import { record } from "../autograd/node.js";
import { isFloating } from "../dtype.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { promotedDType, sumTo, type TensorLike } from "./broadcast.js";
import { binaryOp, toFloating, unaryOp } from "./elementwise.js";
import { where } from "./indexing.js";

/**
 * `a + alpha * b`, broadcasting (`torch.add`).
 *
 * @example
 * lt.tensor([1, 2]).add(lt.tensor([[10], [20]])); // [[11, 12], [21, 22]]
 */
export function add(a: TensorLike, b: TensorLike, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  if (alpha !== 1) b = typeof b === "object" ? b.mul(alpha) : Number(b) * alpha;
  const [out, x, y] = binaryOp("add", a, b);
  return record(out, "add", [x, y], (g) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}

/**
 * `a - alpha * b`, broadcasting (`torch.sub`).
 *
 * @example
 * lt.tensor([5, 7]).sub(2); // [3, 5]
 */
export function sub(a: TensorLike, b: TensorLike, { alpha = 1 }: { alpha?: number } = {}): Tensor {
  if (alpha !== 1) b = typeof b === "object" ? b.mul(alpha) : Number(b) * alpha;
  const [out, x, y] = binaryOp("sub", a, b);
  if (out.dtype === "bool")
    throw new DTypeError("sub: subtracting bool tensors is not supported; use logicalXor");
  return record(out, "sub", [x, y], (g) => [
    sumTo(g, x.shape),
    y.requiresGrad ? sumTo(g.neg(), y.shape) : null,
  ]);
}

/**
 * Elementwise product, broadcasting (`torch.mul`).
 *
 * @example
 * lt.tensor([1, 2, 3]).mul(2); // [2, 4, 6]
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [out, x, y] = binaryOp("mul", a, b);
  return record(
    out,
    "mul",
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(g.mul(y), x.shape) : null,
      y.requiresGrad ? sumTo(g.mul(x), y.shape) : null,
    ],
    // Like PyTorch, save an operand only when the other one needs its gradient,
    // so `y.mul_(3)` on a non-leaf stays differentiable.
    [...(y.requiresGrad ? [x] : []), ...(x.requiresGrad ? [y] : [])],
  );
}

/**
 * True division, broadcasting; integer inputs give float32 (`torch.div`).
 * `roundingMode` "trunc" or "floor" rounds the quotient (and keeps integer
 * dtypes, like PyTorch).
 *
 * @example
 * lt.tensor([1, 2]).div(4);                                     // [0.25, 0.5]
 * lt.arange(7).div(2, { roundingMode: "floor" });               // [0, 0, 1, 1, 2, 2, 3]
 */
export function div(
  a: TensorLike,
  b: TensorLike,
  { roundingMode }: { roundingMode?: "trunc" | "floor" } = {},
): Tensor {
  if (roundingMode !== undefined) {
    const dtype = promotedDType("div", [a, b]);
    const q = div(a, b);
    const rounded = roundingMode === "floor" ? q.floor() : q.trunc();
    // Integer floor/trunc division is exact through float32 for |values| < 2^24.
    return isFloating(dtype) ? rounded : rounded.cast(dtype === "bool" ? "int32" : dtype);
  }
  const [out, x, y] = binaryOp("div", a, b, { compute: toFloating });
  return record(
    out,
    "div",
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(g.div(y), x.shape) : null,
      y.requiresGrad ? sumTo(g.mul(x).div(y.mul(y)).neg(), y.shape) : null,
    ],
    y.requiresGrad ? [x, y] : [y],
  );
}

/**
 * `a` raised to `b`, broadcasting (`torch.pow`).
 *
 * @example
 * lt.tensor([1, 2, 3]).pow(2); // [1, 4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [out, x, y] = binaryOp("pow", a, b);
  return record(
    out,
    "pow",
    [x, y],
    (g) => [
      // PyTorch's pow_backward: the gradient is 0 where the exponent is 0.
      x.requiresGrad ? sumTo(where(y.eq(0), 0, g.mul(y).mul(x.pow(y.sub(1)))), x.shape) : null,
      // pow_backward_exponent: 0 where the base is 0 and the exponent >= 0.
      y.requiresGrad
        ? sumTo(where(x.eq(0).logicalAnd(y.ge(0)), 0, g.mul(out).mul(x.log())), y.shape)
        : null,
    ],
    [x, y, out],
  );
}

/**
 * Elementwise maximum, broadcasting (`torch.maximum`); NaN wins. Where the
 * inputs tie the gradient is split in half, as in PyTorch.
 *
 * @example
 * lt.maximum(lt.tensor([1, 5]), lt.tensor([3, 2])); // [3, 5]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("maximum", a, b);
}

/**
 * Elementwise minimum, broadcasting (`torch.minimum`).
 *
 * @example
 * lt.minimum(lt.tensor([1, 5]), 2); // [1, 2]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum("minimum", a, b);
}

function extremum(op: "maximum" | "minimum", a: TensorLike, b: TensorLike): Tensor {
  const [out, x, y] = binaryOp(op, a, b);
  return record(
    out,
    op,
    [x, y],
    (g) => {
      const half = g.mul(0.5);
      const xWins = op === "maximum" ? x.gt(y) : x.lt(y);
      const tie = x.eq(y);
      const gx = where(xWins, g, where(tie, half, 0));
      const gy = g.sub(gx);
      return [
        x.requiresGrad ? sumTo(gx, x.shape) : null,
        y.requiresGrad ? sumTo(gy, y.shape) : null,
      ];
    },
    [x, y],
  );
}

/**
 * Python-style remainder (sign of the divisor), broadcasting (`torch.remainder`).
 *
 * @example
 * lt.tensor([-3, 3]).remainder(2); // [1, 1]
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const [out, x, y] = binaryOp("remainder", a, b);
  return record(
    out,
    "remainder",
    [x, y],
    (g) => [
      sumTo(g, x.shape),
      y.requiresGrad ? sumTo(g.mul(x.div(y, { roundingMode: "floor" })).neg(), y.shape) : null,
    ],
    [x, y],
  );
}

/**
 * `atan2(a, b)`: the angle of the point (b, a), broadcasting (`torch.atan2`).
 *
 * @example
 * lt.atan2(lt.tensor([1]), lt.tensor([1])); // [0.7854]
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [out, x, y] = binaryOp("atan2", a, b, { compute: toFloating });
  return record(
    out,
    "atan2",
    [x, y],
    (g) => {
      const r2 = x.mul(x).add(y.mul(y));
      return [
        x.requiresGrad ? sumTo(g.mul(y).div(r2), x.shape) : null,
        y.requiresGrad ? sumTo(g.mul(x).neg().div(r2), y.shape) : null,
      ];
    },
    [x, y],
  );
}

/**
 * `-x` (`torch.neg`).
 *
 * @example
 * lt.tensor([1, -2]).neg(); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  if (x.dtype === "bool")
    throw new DTypeError("neg: negating a bool tensor is not supported; use logicalNot");
  const [out, input] = unaryOp("neg", x);
  return record(out, "neg", [input], (g) => [g.neg()]);
}
