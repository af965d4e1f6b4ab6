/**
 * Activation layers (PyTorch's nn/modules/activation.py): thin modules over
 * the functions in `F`, so they can sit in a `Sequential`. `PReLU` is the
 * one with a parameter.
 */
import { full } from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import * as F from "./functional/activation.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

abstract class Elementwise extends Module<[Tensor], Tensor> {
  /** One operation per output element. */
  flops(_args: unknown[], output: Tensor): number {
    return output.shape.reduce((a, b) => a * b, 1);
  }
}

/**
 * `max(x, 0)` (`torch.nn.ReLU`).
 *
 * @example
 * new nn.ReLU()(lt.tensor([-1, 2])); // [0, 2]
 */
export class ReLU extends Elementwise {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** `x` for x > 0, `negativeSlope · x` otherwise (`torch.nn.LeakyReLU`). */
export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/**
 * Leaky ReLU with a learnable slope, one shared or one per channel
 * (`torch.nn.PReLU`, He et al. 2015); initialised to `init` (0.25).
 *
 * @example
 * new nn.PReLU({ numParameters: 16 });
 */
export class PReLU extends Elementwise {
  weight: Parameter;
  readonly numParameters: number;

  constructor(options: { numParameters?: number; init?: number } = {}) {
    super();
    this.numParameters = options.numParameters ?? 1;
    this.weight = new Parameter(full([this.numParameters], options.init ?? 0.25));
  }

  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** `x` for x > 0, `alpha · (eˣ - 1)` otherwise (`torch.nn.ELU`). */
export class ELU extends Elementwise {
  constructor(readonly alpha = 1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** `x · Φ(x)` (`torch.nn.GELU`); `approximate: "tanh"` for the tanh formula. */
export class GELU extends Elementwise {
  readonly approximate: "none" | "tanh";

  constructor(options: { approximate?: "none" | "tanh" } = {}) {
    super();
    this.approximate = options.approximate ?? "none";
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `x · σ(x)`, a.k.a. swish (`torch.nn.SiLU`). */
export class SiLU extends Elementwise {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/** `1 / (1 + e⁻ˣ)` (`torch.nn.Sigmoid`). */
export class Sigmoid extends Elementwise {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** Hyperbolic tangent (`torch.nn.Tanh`). */
export class Tanh extends Elementwise {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** `min(max(x, 0), 6)` (`torch.nn.ReLU6`). */
export class ReLU6 extends Elementwise {
  override forward(input: Tensor): Tensor {
    return F.relu6(input);
  }
}

/**
 * Softmax along `dim` (`torch.nn.Softmax`).
 *
 * @example
 * new nn.Softmax(1)(logits).sum(1); // ones
 */
export class Softmax extends Elementwise {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Log-softmax along `dim` (`torch.nn.LogSoftmax`); pair with `NLLLoss`. */
export class LogSoftmax extends Elementwise {
  constructor(readonly dim: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `log(1 + e^(beta·x)) / beta`, linear above `threshold` (`torch.nn.Softplus`). */
export class Softplus extends Elementwise {
  readonly beta: number;
  readonly threshold: number;

  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
  }

  override forward(input: Tensor): Tensor {
    return F.softplus(input, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
