import type { Tensor } from "../tensor/tensor.js";
import { Adam, type AdamOptions } from "./adam.js";
import type { ParamGroup, Params } from "./optimizer.js";

/**
 * AdamW (Loshchilov & Hutter, 2019), as `torch.optim.AdamW`: Adam whose
 * weight decay shrinks the parameters directly (`θ ← θ(1 − lr·λ)`) instead
 * of entering the moment estimates. Default `weightDecay` 1e-2.
 *
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Adam {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...options });
  }

  protected override decay(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>): Tensor {
    if (g.weightDecay !== 0) p.mul_(1 - g.lr * g.weightDecay);
    return grad;
  }
}
