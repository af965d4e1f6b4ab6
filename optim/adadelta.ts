import { zerosLike } from "../tensor/ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { check, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface AdadeltaOptions {
  /** Scale applied to the delta (default 1.0). */
  lr: number;
  /** Decay of the running averages (default 0.9). */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/**
 * Adadelta (Zeiler, 2012), as `torch.optim.Adadelta`: steps scaled by the
 * ratio of running RMS of past updates to running RMS of gradients.
 *
 * @example
 * const opt = new optim.Adadelta(model.parameters());
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected validate(o: AdadeltaOptions): void {
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.rho >= 0 && o.rho <= 1, "rho value", o.rho);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.weightDecay >= 0, "weight_decay value", o.weightDecay);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    g: ParamGroup<AdadeltaOptions>,
    state: ParamState,
  ): void {
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const squareAvg = ((state.squareAvg as Tensor | undefined) ?? zerosLike(p))
      .mul(g.rho)
      .add(d.mul(d), { alpha: 1 - g.rho });
    const accDelta = (state.accDelta as Tensor | undefined) ?? zerosLike(p);
    const delta = accDelta.add(g.eps).sqrt().div(squareAvg.add(g.eps).sqrt()).mul(d);
    state.squareAvg = squareAvg;
    state.accDelta = accDelta.mul(g.rho).add(delta.mul(delta), { alpha: 1 - g.rho });
    p.add_(delta, { alpha: -g.lr });
  }
}
