import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { check, Optimizer, type ParamGroup, type Params, type ParamState } from "./optimizer.js";

export interface SGDOptions {
  /** Learning rate (default 1e-3, as PyTorch 2). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false). */
  nesterov: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, as `torch.optim.SGD`:
 * `b ← μ b + (1 − τ) g`, then `θ ← θ − lr · b` (or `g + μ b` with Nesterov).
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...options,
    });
  }

  protected validate(o: SGDOptions): void {
    check(o.lr >= 0, "learning rate", o.lr);
    check(o.momentum >= 0, "momentum value", o.momentum);
    check(o.weightDecay >= 0, "weight_decay value", o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
  }

  protected updateParam(
    p: Tensor,
    grad: Tensor,
    g: ParamGroup<SGDOptions>,
    state: ParamState,
  ): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, { alpha: g.weightDecay });
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer as Tensor | undefined;
      const buf =
        prev === undefined ? d.clone() : prev.mul(g.momentum).add(d, { alpha: 1 - g.dampening });
      state.momentumBuffer = buf;
      d = g.nesterov ? d.add(buf, { alpha: g.momentum }) : buf;
    }
    p.add_(d, { alpha: -g.lr });
  }
}
