import { record } from "../autograd/node.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { floatUnary, unaryOp } from "./elementwise.js";
import { where } from "./indexing.js";

/**
 * `max(x, 0)` (`torch.relu`).
 *
 * @example
 * lt.tensor([-1, 2]).relu(); // [0, 2]
 */
export function relu(x: Tensor): Tensor {
  if (x.dtype === "bool")
    throw new DTypeError("relu: not defined for bool tensors; use x.int() first");
  const [out, input] = unaryOp("relu", x);
  return record(out, "relu", [input], (g) => [where(out.gt(0), g, 0)], [out]);
}

/**
 * `1 / (1 + e^-x)` (`torch.sigmoid`).
 *
 * @example
 * lt.tensor([0]).sigmoid(); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  return floatUnary("sigmoid", x, (_x, y) => y.mul(y.neg().add(1)), {}, "output");
}

/**
 * `x` for x > 0, `negativeSlope * x` otherwise (`F.leaky_relu`).
 *
 * @example
 * lt.leakyRelu(lt.tensor([-1, 1]), 0.1); // [-0.1, 1]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return floatUnary("leakyRelu", x, (v) => where(v.gt(0), 1, negativeSlope), {
    alpha: negativeSlope,
  });
}

/**
 * Exponential linear unit: `x` for x > 0, `alpha * (e^x - 1)` otherwise (`F.elu`).
 *
 * @example
 * lt.elu(lt.tensor([-1, 1])); // [-0.6321, 1]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return floatUnary("elu", x, (v, y) => where(v.gt(0), 1, y.add(alpha)), { alpha }, "both");
}

/**
 * Gaussian error linear unit `x * Φ(x)` (`F.gelu`); `approximate: "tanh"`
 * uses the tanh formula of the original paper.
 *
 * @example
 * lt.gelu(lt.tensor([1])); // [0.8413]
 */
export function gelu(
  x: Tensor,
  { approximate = "none" }: { approximate?: "none" | "tanh" } = {},
): Tensor {
  return floatUnary(
    "gelu",
    x,
    (v) => {
      if (approximate === "tanh") {
        const k = Math.sqrt(2 / Math.PI);
        const inner = v.add(v.pow(3).mul(0.044715)).mul(k);
        const t = inner.tanh();
        const dInner = v
          .mul(v)
          .mul(3 * 0.044715)
          .add(1)
          .mul(k);
        return t
          .add(1)
          .mul(0.5)
          .add(v.mul(0.5).mul(t.mul(t).neg().add(1)).mul(dInner));
      }
      const cdf = v.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
      const pdf = v
        .mul(v)
        .mul(-0.5)
        .exp()
        .mul(1 / Math.sqrt(2 * Math.PI));
      return cdf.add(v.mul(pdf));
    },
    { approximate },
  );
}

/**
 * `x * sigmoid(x)`, also called swish (`F.silu`).
 *
 * @example
 * lt.silu(lt.tensor([1])); // [0.7311]
 */
export function silu(x: Tensor): Tensor {
  return floatUnary("silu", x, (v) => {
    const s = v.sigmoid();
    return s.mul(v.mul(s.neg().add(1)).add(1));
  });
}

/**
 * `log(1 + e^(beta x)) / beta`, linear above `threshold` (`F.softplus`).
 *
 * @example
 * lt.softplus(lt.tensor([0])); // [0.6931]
 */
export function softplus(
  x: Tensor,
  { beta = 1, threshold = 20 }: { beta?: number; threshold?: number } = {},
): Tensor {
  return floatUnary(
    "softplus",
    x,
    (v) => where(v.mul(beta).gt(threshold), 1, v.mul(beta).sigmoid()),
    { beta, threshold },
  );
}
