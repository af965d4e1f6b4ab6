import { zerosLike } from "../tensor/ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { check, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Divide by the estimated variance instead of the raw second moment. */
  centered: boolean;
  maximize: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e), as `torch.optim.RMSprop`: divide the
 * gradient by a running root-mean-square, optionally centred and with
 * momentum.
 *
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      ...options,
    });
  }

  protected validate(o: RMSpropOptions): void {
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.eps >= 0, "epsilon value", o.eps);
    check(o.momentum >= 0, "momentum value", o.momentum);
    check(o.weightDecay >= 0, "weight_decay value", o.weightDecay);
    check(o.alpha >= 0, "alpha value", o.alpha);
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    g: ParamGroup<RMSpropOptions>,
    state: ParamState,
  ): void {
    state.step = ((state.step as number | undefined) ?? 0) + 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    const squareAvg = ((state.squareAvg as Tensor | undefined) ?? zerosLike(p))
      .mul(g.alpha)
      .add(d.mul(d), { alpha: 1 - g.alpha });
    state.squareAvg = squareAvg;
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = ((state.gradAvg as Tensor | undefined) ?? zerosLike(p))
        .mul(g.alpha)
        .add(d, { alpha: 1 - g.alpha });
      state.gradAvg = gradAvg;
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(g.eps);
    if (g.momentum > 0) {
      const buf = ((state.momentumBuffer as Tensor | undefined) ?? zerosLike(p))
        .mul(g.momentum)
        .add(d.div(avg));
      state.momentumBuffer = buf;
      p.add_(buf, { alpha: -g.lr });
    } else {
      p.sub_(d.div(avg).mul(g.lr));
    }
  }
}
