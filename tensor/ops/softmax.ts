import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { toFloating } from "./elementwise.js";

function prepare(op: string, x: Tensor, dim: number): [Tensor, number] {
  const input = x.cast(toFloating(x.dtype));
  return [input, normalizeDim(dim, input.ndim, op)];
}

/**
 * `exp(x) / sum(exp(x))` along `dim`, computed with the maximum subtracted
 * so large inputs do not overflow (`torch.softmax`).
 *
 * @example
 * lt.tensor([1000, 1000]).softmax(0); // [0.5, 0.5]
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const [input, d] = prepare("softmax", x, dim);
  if (input.ndim === 0) return input.mul(0).add(1);
  const out = runKernel("softmax", [input], input.shape, input.dtype, { dim: d });
  return record(
    out,
    "softmax",
    [input],
    (g) => [out.mul(g.sub(g.mul(out).sum(d, { keepdim: true })))],
    [out],
  );
}

/**
 * `log(softmax(x))` along `dim`, computed as `x - logsumexp(x)` for
 * stability (`torch.log_softmax`).
 *
 * @example
 * lt.tensor([0, 0]).logSoftmax(0); // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const [input, d] = prepare("logSoftmax", x, dim);
  if (input.ndim === 0) return input.mul(0);
  const out = runKernel("logSoftmax", [input], input.shape, input.dtype, { dim: d });
  return record(
    out,
    "logSoftmax",
    [input],
    (g) => [g.sub(out.exp().mul(g.sum(d, { keepdim: true })))],
    [out],
  );
}
