import { maximum } from "../tensor/ops/arithmetic.js";
import { zerosLike } from "../tensor/ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { check, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: [number, number];
  eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay (AdamW). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad, Reddi et al. 2018). */
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * Adam (Kingma & Ba, 2015), as `torch.optim.Adam`, with `amsgrad` for
 * AMSGrad: bias-corrected moment estimates m, v and
 * `θ ← θ − lr · m̂ / (√v̂ + ε)`.
 *
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      ...options,
    });
  }

  protected validate(o: AdamOptions): void {
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.betas[0] >= 0 && o.betas[0] < 1, "beta parameter at index 0", o.betas[0]);
    check(o.betas[1] >= 0 && o.betas[1] < 1, "beta parameter at index 1", o.betas[1]);
    check(o.weightDecay >= 0, "weight_decay value", o.weightDecay);
  }

  /** Adam folds weight decay into the gradient; AdamW overrides this. */
  protected decay(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>): Tensor {
    return g.weightDecay === 0 ? grad : grad.add(p, { alpha: g.weightDecay });
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    g: ParamGroup<AdamOptions>,
    state: ParamState,
  ): void {
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const [beta1, beta2] = g.betas;
    const d = this.decay(p, g.maximize ? grad.neg() : grad, g);
    const expAvg = ((state.expAvg as Tensor | undefined) ?? zerosLike(p))
      .mul(beta1)
      .add(d, { alpha: 1 - beta1 });
    const expAvgSq = ((state.expAvgSq as Tensor | undefined) ?? zerosLike(p))
      .mul(beta2)
      .add(d.mul(d), { alpha: 1 - beta2 });
    state.expAvg = expAvg;
    state.expAvgSq = expAvgSq;
    let second = expAvgSq;
    if (g.amsgrad) {
      second = maximum((state.maxExpAvgSq as Tensor | undefined) ?? expAvgSq, expAvgSq);
      state.maxExpAvgSq = second;
    }
    const stepSize = g.lr / (1 - beta1 ** step);
    const denom = second
      .sqrt()
      .div(Math.sqrt(1 - beta2 ** step))
      .add(g.eps);
    p.sub_(expAvg.div(denom).mul(stepSize));
  }
}
