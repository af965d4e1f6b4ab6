/**
 * Linear layers and shape adapters: `Identity`, `Linear`, `Bilinear`,
 * `Flatten`, `Unflatten` (PyTorch's nn/modules/linear.py and flatten.py).
 */
import { ShapeError } from "../tensor/errors.js";
import { zeros } from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { bilinear, linear } from "./functional/linear.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/**
 * Returns its input unchanged (a placeholder, e.g. to remove a head).
 *
 * @example
 * model.fc = new nn.Identity();
 */
export class Identity extends Module<[Tensor], Tensor> {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * `y = x Wᵀ + b` (`torch.nn.Linear`).
 *
 * Args: `inFeatures`, `outFeatures`; `bias` (default true).
 * Shape: input `[*, inFeatures]` → output `[*, outFeatures]`.
 * Init (PyTorch's): W and b ~ U(-1/√in, 1/√in).
 *
 * @example
 * const fc = new nn.Linear(784, 10);
 * fc(lt.randn([32, 784])).shape; // [32, 10]
 */
export class Linear extends Module<[Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures]));
    if (this.bias === null) this.registerParameter("bias", null);
    this.resetParameters();
  }

  /** PyTorch's init: kaiming_uniform(a=√5) on W, which is U(±1/√in), and the same bound for b. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  flops(_args: unknown[], output: Tensor): number {
    const rows = output.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return rows * this.outFeatures * (2 * this.inFeatures + (this.bias ? 1 : 0));
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

/**
 * `y_k = x1ᵀ W_k x2 + b_k` (`torch.nn.Bilinear`).
 *
 * @example
 * new nn.Bilinear(3, 4, 2)(lt.randn([5, 3]), lt.randn([5, 4])).shape; // [5, 2]
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outFeatures]));
    if (this.bias === null) this.registerParameter("bias", null);
    this.resetParameters();
  }

  /** PyTorch's init: W and b ~ U(±1/√in1). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  flops(_args: unknown[], output: Tensor): number {
    const rows = output.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return (
      rows * this.outFeatures * (2 * this.in1Features * this.in2Features + 2 * this.in2Features)
    );
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

/**
 * Flattens dims `startDim..endDim` into one (`torch.nn.Flatten`; by default
 * everything but the batch dim).
 *
 * @example
 * new nn.Flatten()(lt.zeros([32, 1, 28, 28])).shape; // [32, 784]
 */
export class Flatten extends Module<[Tensor], Tensor> {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (`torch.nn.Unflatten`).
 *
 * @example
 * new nn.Unflatten(1, [1, 28, 28])(lt.zeros([32, 784])).shape; // [32, 1, 28, 28]
 */
export class Unflatten extends Module<[Tensor], Tensor> {
  constructor(
    readonly dim: number,
    readonly unflattenedSize: number[],
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    const s = input.shape;
    const d = this.dim < 0 ? this.dim + s.length : this.dim;
    const size = this.unflattenedSize.reduce((a, b) => a * b, 1);
    if (d < 0 || d >= s.length || (size !== s[d] && !this.unflattenedSize.includes(-1))) {
      throw new ShapeError(
        `Unflatten: cannot split dim ${this.dim} of shape [${s}] into [${this.unflattenedSize}]`,
      );
    }
    return input.reshape([...s.slice(0, d), ...this.unflattenedSize, ...s.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.unflattenedSize.join(", ")})`;
  }
}
