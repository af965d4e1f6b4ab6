/**
 * Loss modules (PyTorch's nn/modules/loss.py): each keeps its options and
 * calls the function of the same name in `F`. Weight tensors are buffers,
 * so they follow `to(device)`.
 */
import type { Tensor } from "../tensor/tensor.js";
import * as F from "./functional/loss.js";
import { Module } from "./module.js";

abstract class Loss<In extends unknown[] = [Tensor, Tensor]> extends Module<In, Tensor> {
  readonly reduction: F.Reduction;

  constructor(options: { reduction?: F.Reduction } = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
  }

  override extraRepr(): string {
    return this.reduction === "mean" ? "" : `reduction='${this.reduction}'`;
  }
}

/**
 * Mean squared error (`torch.nn.MSELoss`).
 *
 * @example
 * new nn.MSELoss()(prediction, target);
 */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (`torch.nn.L1Loss`). */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Quadratic below `beta`, linear above (`torch.nn.SmoothL1Loss`). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: F.ReductionOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Quadratic below `delta`, linear (slope delta) above (`torch.nn.HuberLoss`). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: F.ReductionOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Cross entropy of logits against class indices or probabilities
 * (`torch.nn.CrossEntropyLoss`), with class weights, ignoreIndex and label
 * smoothing.
 *
 * @example
 * const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * criterion(model(x), labels).backward();
 */
export class CrossEntropyLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: F.CrossEntropyOptions = {}) {
    super(options);
    this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Negative log-likelihood of log-probabilities (`torch.nn.NLLLoss`). */
export class NLLLoss extends Loss {
  declare weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options: F.NllOptions = {}) {
    super(options);
    this.registerBuffer("weight", options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.weight ?? undefined,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/** Binary cross entropy of probabilities (`torch.nn.BCELoss`). */
export class BCELoss extends Loss {
  declare weight: Tensor | null;

  constructor(options: F.ReductionOptions & { weight?: Tensor } = {}) {
    super(options);
    this.registerBuffer("weight", options.weight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, {
      weight: this.weight ?? undefined,
      reduction: this.reduction,
    });
  }
}

/**
 * Sigmoid and binary cross entropy in one stable step
 * (`torch.nn.BCEWithLogitsLoss`); `posWeight` weighs positives per class.
 *
 * @example
 * new nn.BCEWithLogitsLoss({ posWeight: lt.tensor([5]) })(logits, labels);
 */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;

  constructor(options: F.ReductionOptions & { weight?: Tensor; posWeight?: Tensor } = {}) {
    super(options);
    this.registerBuffer("weight", options.weight ?? null);
    this.registerBuffer("pos_weight", options.posWeight ?? null);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight ?? undefined,
      posWeight: this.pos_weight ?? undefined,
      reduction: this.reduction,
    });
  }
}

/** KL(target ‖ input) with input as log-probabilities (`torch.nn.KLDivLoss`). */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: F.Reduction | "batchmean";
  readonly logTarget: boolean;

  constructor(options: { reduction?: F.Reduction | "batchmean"; logTarget?: boolean } = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
    this.logTarget = options.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** Pulls pairs labelled 1 together and pushes pairs labelled -1 apart (`torch.nn.CosineEmbeddingLoss`). */
export class CosineEmbeddingLoss extends Loss<[Tensor, Tensor, Tensor]> {
  readonly margin: number;

  constructor(options: F.ReductionOptions & { margin?: number } = {}) {
    super(options);
    this.margin = options.margin ?? 0;
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, {
      margin: this.margin,
      reduction: this.reduction,
    });
  }
}
