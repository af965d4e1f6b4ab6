/**
 * Activation functions for `F`: the tensor library's own (`relu`, `gelu`...)
 * plus the few that are compositions (`prelu`, `relu6`, `hardtanh`,
 * `softmax`/`logSoftmax` as functions of a dim).
 */
import { where } from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from "../../tensor/index.js";

/**
 * Softmax along `dim` (`F.softmax`).
 *
 * @example
 * F.softmax(lt.tensor([[1, 2, 3]]), 1);
 */
export function softmax(input: Tensor, dim: number): Tensor {
  return input.softmax(dim);
}

/** Log of the softmax along `dim`, computed stably (`F.log_softmax`). */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  return input.logSoftmax(dim);
}

/**
 * `x` for x > 0, `weight · x` otherwise, with a learnable slope per channel
 * (dim 1) or one shared slope (`F.prelu`).
 *
 * @example
 * F.prelu(x, lt.tensor([0.25]));
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  const n = weight.shape.reduce((a, b) => a * b, 1);
  const w =
    n === 1 || input.shape.length < 2
      ? weight.reshape([n === 1 ? 1 : n])
      : weight.reshape([n, ...input.shape.slice(2).map(() => 1)]);
  return where(input.gt(0), input, input.mul(w));
}

/** `min(max(x, 0), 6)` (`F.relu6`, MobileNet). */
export function relu6(input: Tensor): Tensor {
  return input.clamp({ min: 0, max: 6 });
}

/** `clamp(x, minVal, maxVal)` (`F.hardtanh`). */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  return input.clamp({ min: minVal, max: maxVal });
}
