import { fullLike } from "../tensor/ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { check, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay per step (default 0). */
  lrDecay: number;
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad (Duchi et al., 2011), as `torch.optim.Adagrad`: each coordinate's
 * step is divided by the root of its summed squared gradients.
 *
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: 1e-10,
      maximize: false,
      ...options,
    });
  }

  protected validate(o: AdagradOptions): void {
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.lrDecay >= 0, "lr_decay value", o.lrDecay);
    check(o.weightDecay >= 0, "weight_decay value", o.weightDecay);
    check(
      o.initialAccumulatorValue >= 0,
      "initial_accumulator_value value",
      o.initialAccumulatorValue,
    );
    check(o.eps >= 0, "epsilon value", o.eps);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    g: ParamGroup<AdagradOptions>,
    state: ParamState,
  ): void {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const prev = (state.sum as Tensor | undefined) ?? fullLike(p, g.initialAccumulatorValue);
    const sum = prev.add(d.mul(d));
    state.sum = sum;
    p.sub_(d.div(sum.sqrt().add(g.eps)).mul(clr));
  }
}
