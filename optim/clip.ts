import { noGrad } from "../tensor/autograd/mode.js";
import { ValueError } from "../tensor/errors.js";
import { scalarTensor } from "../tensor/ops/creation.js";
import { Tensor } from "../tensor/tensor.js";

function gradsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  for (const p of list) {
    if (!(p instanceof Tensor)) throw new ValueError(`${op}: expected tensors, got ${typeof p}`);
  }
  return list.filter((p) => p.grad !== null).map((p) => p.grad!);
}

/**
 * Rescales the gradients in place so that their joint `normType`-norm is at
 * most `maxNorm`, and returns that norm before clipping
 * (`torch.nn.utils.clip_grad_norm_`). `normType` may be `Infinity` (or "inf").
 *
 * @example
 * loss.backward();
 * optim.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  {
    normType = 2,
    errorIfNonfinite = false,
  }: { normType?: number | "inf"; errorIfNonfinite?: boolean } = {},
): Tensor {
  const grads = gradsOf("clipGradNorm_", parameters);
  const p = normType === "inf" ? Number.POSITIVE_INFINITY : normType;
  return noGrad(() => {
    if (grads.length === 0) return scalarTensor(0, "float32", "cpu");
    let total: Tensor;
    if (p === Number.POSITIVE_INFINITY) {
      total = grads.map((g) => g.abs().amax()).reduce((a, b) => a.maximum(b));
    } else {
      total = grads
        .map((g) => g.abs().pow(p).sum())
        .reduce((a, b) => a.add(b))
        .pow(1 / p);
    }
    if (errorIfNonfinite && !total.isfinite().itemSync()) {
      throw new ValueError(
        `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``,
      );
    }
    // PyTorch adds 1e-6 so zero gradients do not divide by zero.
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1 });
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient element to `[-clipValue, clipValue]` in place
 * (`torch.nn.utils.clip_grad_value_`).
 *
 * @example
 * optim.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const grads = gradsOf("clipGradValue_", parameters);
  noGrad(() => {
    for (const g of grads) g.clamp_({ min: -clipValue, max: clipValue });
  });
}
