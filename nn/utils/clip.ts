/**
 * Gradient clipping and flat parameter vectors (`torch.nn.utils`): shared
 * by training loops and by `optim`.
 */
import { LecternError, ShapeError, ValueError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { assignData } from "../parameter.js";

/**
 * Scales the gradients of `parameters` so their joint norm is at most
 * `maxNorm` (`clip_grad_norm_`); returns the norm before clipping. Use
 * `normType: Infinity` for the max-norm.
 *
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor>,
  maxNorm: number,
  options: { normType?: number; errorIfNonfinite?: boolean } = {},
): Tensor {
  const { normType = 2, errorIfNonfinite = false } = options;
  const grads = [...parameters].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return lt.tensor(0);
  return lt.noGrad(() => {
    const total =
      normType === Number.POSITIVE_INFINITY
        ? lt
            .stack(
              grads.map((g) => g.abs().amax()),
              0,
            )
            .amax()
        : lt
            .stack(
              grads.map((g) => g.norm(undefined, { p: normType })),
              0,
            )
            .norm(undefined, { p: normType });
    if (errorIfNonfinite) {
      const value = total.itemSync() as number;
      if (!Number.isFinite(value)) {
        throw new LecternError(
          `clipGradNorm_: the total norm of order ${normType} of the gradients is ${value}, so they cannot be clipped; pass { errorIfNonfinite: false } to clip anyway`,
        );
      }
    }
    // A tensor coefficient keeps a GPU's work queued (no read-back).
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp({ max: 1 });
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient element to `[-clipValue, clipValue]` (`clip_grad_value_`).
 *
 * @example
 * nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(parameters: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0))
    throw new ValueError(`clipGradValue_: clipValue must be >= 0, got ${clipValue}`);
  lt.noGrad(() => {
    for (const p of parameters) if (p.grad) p.grad.clamp_({ min: -clipValue, max: clipValue });
  });
}

/**
 * All parameters flattened into one vector (`parameters_to_vector`).
 *
 * @example
 * nn.utils.parametersToVector(model.parameters()).shape; // [numberOfParameters]
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const flat = [...parameters].map((p) => p.reshape([-1]));
  if (flat.length === 0) return lt.zeros([0]);
  return lt.cat(flat, 0);
}

/**
 * Copies consecutive slices of `vector` into the parameters, in place
 * (`vector_to_parameters`).
 */
export function vectorToParameters(vector: Tensor, parameters: Iterable<Tensor>): void {
  const params = [...parameters];
  const total = params.reduce((a, p) => a + p.numel(), 0);
  if (vector.shape.length !== 1 || vector.shape[0] !== total) {
    throw new ShapeError(
      `vectorToParameters: expected a vector of ${total} elements (all parameters), got shape [${vector.shape}]`,
    );
  }
  let at = 0;
  for (const p of params) {
    const n = p.numel();
    assignData(p, vector.narrow(0, at, n).reshape(p.shape));
    at += n;
  }
}
