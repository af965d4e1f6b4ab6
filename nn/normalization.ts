/**
 * Normalisation layers (PyTorch's nn/modules/batchnorm.py, normalization.py):
 * `BatchNorm1d/2d/3d` with running statistics, `LayerNorm`, `GroupNorm`,
 * `LocalResponseNorm`.
 */
import { ShapeError, ValueError } from "../tensor/errors.js";
import { ones, tensor, zeros } from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchNorm, groupNorm, layerNorm, localResponseNorm } from "../tensor/ops/normalization.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Python's spelling of a boolean, so reprs read like PyTorch's. */
function py(value: boolean): string {
  return value ? "True" : "False";
}

/** Options of the batch norm layers (PyTorch's keywords). */
export interface BatchNormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch in the running averages; null: cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable scale and shift. Default true. */
  affine?: boolean;
  /** Keep running mean/var for eval mode. Default true. */
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module<[Tensor], Tensor> {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    private readonly inputRanks: number[],
    options: BatchNormOptions,
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    if (!this.affine) {
      this.registerParameter("weight", null);
      this.registerParameter("bias", null);
    }
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", zeros([numFeatures]));
      this.registerBuffer("running_var", ones([numFeatures]));
      this.registerBuffer("num_batches_tracked", tensor(0, { dtype: "int32" }));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
    this.resetParameters();
  }

  /** Running mean 0, running var 1, and (affine) weight 1, bias 0, as in PyTorch. */
  resetRunningStats(): void {
    if (this.running_mean) init.zeros_(this.running_mean);
    if (this.running_var) init.ones_(this.running_var);
    if (this.num_batches_tracked) init.zeros_(this.num_batches_tracked);
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    if (!this.inputRanks.includes(input.shape.length)) {
      throw new ShapeError(
        `${this.constructor.name}: expected a ${this.inputRanks.join("-D or ")}-D input, got shape [${input.shape}]`,
      );
    }
    if (input.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}: input [${input.shape}] has ${input.shape[1]} channels in dim 1, expected numFeatures=${this.numFeatures}`,
      );
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked) {
      this.num_batches_tracked = this.num_batches_tracked.add(1);
      if (this.momentum === null) factor = 1 / Number(this.num_batches_tracked.itemSync());
    }
    const useBatchStats = this.training || this.running_mean === null;
    return batchNorm(
      input,
      this.running_mean,
      this.running_var,
      this.weight,
      this.bias,
      useBatchStats,
      factor,
      this.eps,
    );
  }

  /** About 7 operations per element (mean, variance, normalise, scale, shift). */
  flops(_args: unknown[], output: Tensor): number {
    return 7 * output.shape.reduce((a, b) => a * b, 1);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]` (`torch.nn.BatchNorm1d`,
 * Ioffe & Szegedy 2015). Training mode normalises with the batch
 * statistics and updates `running_mean`/`running_var`; eval mode uses them.
 *
 * @example
 * const bn = new nn.BatchNorm1d(64);
 * bn(lt.randn([32, 64])).shape; // [32, 64]
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], options);
  }
}

/**
 * Batch normalisation over `[N, C, H, W]` (`torch.nn.BatchNorm2d`).
 *
 * @example
 * new nn.BatchNorm2d(16)(lt.randn([8, 16, 5, 5])).shape; // [8, 16, 5, 5]
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [4], options);
  }
}

/** Batch normalisation over `[N, C, D, H, W]` (`torch.nn.BatchNorm3d`). */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, [5], options);
  }
}

/**
 * Normalises over the last dims `normalizedShape` of each sample
 * (`torch.nn.LayerNorm`, Ba et al. 2016), the Transformer's norm.
 *
 * @example
 * new nn.LayerNorm(512)(lt.randn([2, 10, 512])).shape; // [2, 10, 512]
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    normalizedShape: number | number[],
    options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {},
  ) {
    super();
    this.normalizedShape =
      typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias =
      this.elementwiseAffine && options.bias !== false
        ? new Parameter(zeros(this.normalizedShape))
        : null;
    if (this.weight === null) this.registerParameter("weight", null);
    if (this.bias === null) this.registerParameter("bias", null);
  }

  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  flops(_args: unknown[], output: Tensor): number {
    return 7 * output.shape.reduce((a, b) => a * b, 1);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${this.eps}, elementwise_affine=${py(this.elementwiseAffine)}`;
  }
}

/**
 * Normalises groups of channels of each sample (`torch.nn.GroupNorm`, Wu &
 * He 2018); independent of the batch size.
 *
 * @example
 * new nn.GroupNorm(4, 16)(lt.randn([2, 16, 8, 8])).shape; // [2, 16, 8, 8]
 */
export class GroupNorm extends Module<[Tensor], Tensor> {
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    if (numChannels % numGroups !== 0) {
      throw new ValueError(
        `GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? new Parameter(ones([numChannels])) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels])) : null;
    if (!this.affine) {
      this.registerParameter("weight", null);
      this.registerParameter("bias", null);
    }
  }

  flops(_args: unknown[], output: Tensor): number {
    return 7 * output.shape.reduce((a, b) => a * b, 1);
  }

  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${py(this.affine)}`;
  }
}

/**
 * Local response normalisation across channels (`torch.nn.LocalResponseNorm`),
 * AlexNet's: `x / (k + alpha/n · Σ x²)^beta` over `size` neighbouring channels.
 *
 * @example
 * new nn.LocalResponseNorm(5, { alpha: 1e-4, beta: 0.75, k: 2 });
 */
export class LocalResponseNorm extends Module<[Tensor], Tensor> {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(
    readonly size: number,
    options: { alpha?: number; beta?: number; k?: number } = {},
  ) {
    super();
    this.alpha = options.alpha ?? 1e-4;
    this.beta = options.beta ?? 0.75;
    this.k = options.k ?? 1;
  }

  /** A square and an addition per window tap, then scale, power and divide per element. */
  flops(_args: unknown[], output: Tensor): number {
    return (2 * this.size + 3) * output.shape.reduce((a, b) => a * b, 1);
  }

  override forward(input: Tensor): Tensor {
    return localResponseNorm(input, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
