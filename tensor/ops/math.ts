import { record } from "../autograd/node.js";
import { isFloating } from "../dtype.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { floatUnary, unaryOp } from "./elementwise.js";
import { where } from "./indexing.js";

/**
 * `|x|` (`torch.abs`).
 *
 * @example
 * lt.tensor([-1, 2]).abs(); // [1, 2]
 */
export function abs(x: Tensor): Tensor {
  const [out, input] = unaryOp("abs", x);
  return record(out, "abs", [input], (g) => [g.mul(input.sign())], [input]);
}

/**
 * `e^x` (`torch.exp`); integer inputs give float32.
 *
 * @example
 * lt.tensor([0, 1]).exp(); // [1, 2.7183]
 */
export function exp(x: Tensor): Tensor {
  return floatUnary("exp", x, (_x, y) => y, {}, "output");
}

/** `e^x - 1`, accurate for small x (`torch.expm1`). */
export function expm1(x: Tensor): Tensor {
  return floatUnary("expm1", x, (_x, y) => y.add(1), {}, "output");
}

/**
 * Natural logarithm (`torch.log`).
 *
 * @example
 * lt.tensor([1, Math.E]).log(); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return floatUnary("log", x, (v) => v.reciprocal());
}

/** `log(1 + x)`, accurate for small x (`torch.log1p`). */
export function log1p(x: Tensor): Tensor {
  return floatUnary("log1p", x, (v) => v.add(1).reciprocal());
}

/**
 * Square root (`torch.sqrt`).
 *
 * @example
 * lt.tensor([4, 9]).sqrt(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return floatUnary("sqrt", x, (_x, y) => y.mul(2).reciprocal(), {}, "output");
}

/** `1 / sqrt(x)` (`torch.rsqrt`). */
export function rsqrt(x: Tensor): Tensor {
  return floatUnary("rsqrt", x, (_x, y) => y.pow(3).mul(-0.5), {}, "output");
}

/** `1 / x` (`torch.reciprocal`). */
export function reciprocal(x: Tensor): Tensor {
  return floatUnary("reciprocal", x, (_x, y) => y.mul(y).neg(), {}, "output");
}

/** Sine (`torch.sin`). */
export function sin(x: Tensor): Tensor {
  return floatUnary("sin", x, (v) => v.cos());
}

/** Cosine (`torch.cos`). */
export function cos(x: Tensor): Tensor {
  return floatUnary("cos", x, (v) => v.sin().neg());
}

/** Tangent (`torch.tan`). */
export function tan(x: Tensor): Tensor {
  return floatUnary("tan", x, (_x, y) => y.mul(y).add(1), {}, "output");
}

/**
 * Hyperbolic tangent (`torch.tanh`).
 *
 * @example
 * lt.tensor([0]).tanh(); // [0]
 */
export function tanh(x: Tensor): Tensor {
  return floatUnary("tanh", x, (_x, y) => y.mul(y).neg().add(1), {}, "output");
}

/** The error function (`torch.erf`). */
export function erf(x: Tensor): Tensor {
  return floatUnary("erf", x, (v) =>
    v
      .mul(v)
      .neg()
      .exp()
      .mul(2 / Math.sqrt(Math.PI)),
  );
}

/** `x * x` (`torch.square`). */
export function square(x: Tensor): Tensor {
  return x.mul(x);
}

// Piecewise-constant ops: their gradient is zero almost everywhere (PyTorch returns zeros).
function stepOp(op: "sign" | "round" | "floor" | "ceil" | "trunc", x: Tensor): Tensor {
  if (op !== "sign" && !isFloating(x.dtype)) return x.clone();
  const [out, input] = unaryOp(op, x);
  return record(out, op, [input], (g) => [g.mul(0)]);
}

/**
 * -1, 0 or 1 by the sign of each element (`torch.sign`).
 *
 * @example
 * lt.tensor([-3, 0, 2]).sign(); // [-1, 0, 1]
 */
export function sign(x: Tensor): Tensor {
  return stepOp("sign", x);
}

/**
 * Rounds to the nearest integer, halves to even (`torch.round`).
 *
 * @example
 * lt.tensor([0.5, 1.5, 2.4]).round(); // [0, 2, 2]
 */
export function round(x: Tensor): Tensor {
  return stepOp("round", x);
}

/** Largest integer <= x (`torch.floor`). */
export function floor(x: Tensor): Tensor {
  return stepOp("floor", x);
}

/** Smallest integer >= x (`torch.ceil`). */
export function ceil(x: Tensor): Tensor {
  return stepOp("ceil", x);
}

/** Rounds toward zero (`torch.trunc`). */
export function trunc(x: Tensor): Tensor {
  return stepOp("trunc", x);
}

/** Bounds of `clamp`; either may be left out. */
export interface ClampOptions {
  min?: number | Tensor;
  max?: number | Tensor;
}

/**
 * Limits every element to `[min, max]` (`torch.clamp`); either bound may be
 * absent or a tensor. The gradient passes where the input is inside the bounds.
 *
 * @example
 * lt.tensor([-2, 0.5, 3]).clamp({ min: 0, max: 1 }); // [0, 0.5, 1]
 */
export function clamp(x: Tensor, { min, max }: ClampOptions = {}): Tensor {
  if (min === undefined && max === undefined) {
    throw new ValueError("clamp: give at least one of { min, max }");
  }
  if (typeof min === "object" || typeof max === "object") {
    let out = x;
    if (min !== undefined) out = out.maximum(min);
    if (max !== undefined) out = out.minimum(max);
    return out;
  }
  const dtype =
    isFloating(x.dtype) || [min, max].every((v) => v === undefined || Number.isInteger(v))
      ? x.dtype === "bool"
        ? "int32"
        : x.dtype
      : "float32";
  const [out, input] = unaryOp("clamp", x, { min, max }, dtype);
  return record(
    out,
    "clamp",
    [input],
    (g) => {
      let inside = input.isnan().logicalNot();
      if (min !== undefined) inside = inside.logicalAnd(input.ge(min));
      if (max !== undefined) inside = inside.logicalAnd(input.le(max));
      return [where(inside, g, 0)];
    },
    [input],
  );
}
