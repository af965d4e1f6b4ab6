/** Dropout layers (`torch.nn.Dropout`, `torch.nn.Dropout2d`): active in training mode only. */
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout, dropout2d } from "../tensor/ops/dropout.js";
import { Module } from "./module.js";

abstract class DropoutNd extends Module<[Tensor], Tensor> {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1))
      throw new ValueError(`${this.constructor.name}: p must be in [0, 1], got ${p}`);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Zeroes each element with probability `p` while training and scales the
 * rest by 1/(1-p); the identity in eval mode.
 *
 * @example
 * const drop = new nn.Dropout(0.5);
 * drop.eval(); drop(x); // x unchanged
 */
export class Dropout extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
}

/** Zeroes whole channels of `[N, C, H, W]` with probability `p` while training. */
export class Dropout2d extends DropoutNd {
  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training);
  }
}
