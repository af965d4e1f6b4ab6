/**
 * Pooling and resizing layers (PyTorch's nn/modules/pooling.py and
 * upsampling.py): `MaxPool1d/2d/3d`, `AvgPool1d/2d/3d`,
 * `AdaptiveAvgPool1d/2d`, `AdaptiveMaxPool2d`, `Upsample`. No parameters:
 * each keeps its options and calls the functional op.
 */
import { type InterpolateOptions, interpolate } from "../tensor/ops/interpolate.js";
import {
  type AvgPoolOptions,
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  adaptiveMaxPool2d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  type MaxPoolOptions,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  type MaxUnpoolOptions,
  maxUnpool1d,
  maxUnpool2d,
  maxUnpool3d,
} from "../tensor/ops/pool.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

type IntOrTuple = number | number[];

function fmt(value: unknown): string {
  return Array.isArray(value) ? `(${value.join(", ")})` : String(value);
}

/** PyTorch's repr of a sliding window: `kernel_size=2, stride=2, padding=0`. */
function windowRepr(
  kernelSize: IntOrTuple,
  o: { stride?: IntOrTuple | null; padding?: IntOrTuple },
): string {
  return `kernel_size=${fmt(kernelSize)}, stride=${fmt(o.stride ?? kernelSize)}, padding=${fmt(o.padding ?? 0)}`;
}

const maxPools = { 1: maxPool1d, 2: maxPool2d, 3: maxPool3d } as const;
const avgPools = { 1: avgPool1d, 2: avgPool2d, 3: avgPool3d } as const;

abstract class MaxPoolNd extends Module<[Tensor], any> {
  constructor(
    readonly rank: 1 | 2 | 3,
    readonly kernelSize: IntOrTuple,
    readonly options: MaxPoolOptions,
  ) {
    super();
  }

  override forward(input: Tensor): any {
    return (maxPools[this.rank] as any)(input, this.kernelSize, this.options);
  }

  /** One comparison per window tap of every output element. */
  flops(_args: unknown[], output: Tensor | Tensor[]): number {
    const out = Array.isArray(output) ? output[0]! : output;
    const k =
      typeof this.kernelSize === "number"
        ? this.kernelSize ** this.rank
        : this.kernelSize.reduce((a, b) => a * b, 1);
    return out.shape.reduce((a, b) => a * b, 1) * k;
  }

  override extraRepr(): string {
    const o = this.options;
    return (
      `${windowRepr(this.kernelSize, o)}, ` +
      `dilation=${fmt(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? "True" : "False"}`
    );
  }
}

/**
 * Max over sliding windows of `[N, C, L]` (`torch.nn.MaxPool1d`).
 * With `returnIndices` the output is `[values, indices]`.
 */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Max over sliding windows of `[N, C, H, W]` (`torch.nn.MaxPool2d`).
 *
 * @example
 * new nn.MaxPool2d(2)(lt.randn([1, 6, 28, 28])).shape; // [1, 6, 14, 14]
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/** Max over sliding windows of `[N, C, D, H, W]` (`torch.nn.MaxPool3d`). */
export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxPoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

const maxUnpools = { 1: maxUnpool1d, 2: maxUnpool2d, 3: maxUnpool3d } as const;

abstract class MaxUnpoolNd extends Module<[Tensor, Tensor, number[]?], Tensor> {
  constructor(
    readonly rank: 1 | 2 | 3,
    readonly kernelSize: IntOrTuple,
    readonly options: MaxUnpoolOptions,
  ) {
    super();
  }

  override forward(input: Tensor, indices: Tensor, outputSize?: number[]): Tensor {
    const options = outputSize === undefined ? this.options : { ...this.options, outputSize };
    return maxUnpools[this.rank](input, indices, this.kernelSize, options);
  }

  override extraRepr(): string {
    return windowRepr(this.kernelSize, this.options);
  }
}

/** Puts the values of a `MaxPool1d` (with `returnIndices`) back at their maxima (`torch.nn.MaxUnpool1d`). */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Puts the values of a `MaxPool2d` (with `returnIndices`) back at their
 * maxima, zeros elsewhere (`torch.nn.MaxUnpool2d`): the "switches" of
 * deconvnet visualisations and SegNet decoders.
 *
 * @example
 * const [v, i] = new nn.MaxPool2d(2, { returnIndices: true })(x);
 * new nn.MaxUnpool2d(2)(v, i).shape; // x.shape
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/** Puts the values of a `MaxPool3d` (with `returnIndices`) back at their maxima (`torch.nn.MaxUnpool3d`). */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: IntOrTuple, options: MaxUnpoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

abstract class AvgPoolNd extends Module<[Tensor], Tensor> {
  constructor(
    readonly rank: 1 | 2 | 3,
    readonly kernelSize: IntOrTuple,
    readonly options: AvgPoolOptions,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return (avgPools[this.rank] as any)(input, this.kernelSize, this.options);
  }

  /** One addition per window tap of every output element. */
  flops(_args: unknown[], output: Tensor): number {
    const k =
      typeof this.kernelSize === "number"
        ? this.kernelSize ** this.rank
        : this.kernelSize.reduce((a, b) => a * b, 1);
    return output.shape.reduce((a, b) => a * b, 1) * k;
  }

  override extraRepr(): string {
    return windowRepr(this.kernelSize, this.options);
  }
}

/** Average over sliding windows of `[N, C, L]` (`torch.nn.AvgPool1d`). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Average over sliding windows of `[N, C, H, W]` (`torch.nn.AvgPool2d`),
 * LeNet-5's subsampling.
 *
 * @example
 * new nn.AvgPool2d(2, { stride: 2 })(lt.randn([1, 6, 28, 28])).shape; // [1, 6, 14, 14]
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(2, kernelSize, options);
  }
}

/** Average over sliding windows of `[N, C, D, H, W]` (`torch.nn.AvgPool3d`). */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: IntOrTuple, options: AvgPoolOptions = {}) {
    super(3, kernelSize, options);
  }
}

/** Average pooling to a fixed output length (`torch.nn.AdaptiveAvgPool1d`). */
export class AdaptiveAvgPool1d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: number) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input size
 * (`torch.nn.AdaptiveAvgPool2d`); `[1, 1]` is global average pooling.
 *
 * @example
 * new nn.AdaptiveAvgPool2d([6, 6])(lt.randn([1, 256, 13, 13])).shape; // [1, 256, 6, 6]
 */
export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: IntOrTuple) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  flops(args: unknown[]): number {
    return (args[0] as Tensor).shape.reduce((a, b) => a * b, 1);
  }

  override extraRepr(): string {
    return `output_size=${fmt(this.outputSize)}`;
  }
}

/** Max pooling to a fixed output size (`torch.nn.AdaptiveMaxPool2d`). */
export class AdaptiveMaxPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: IntOrTuple) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return adaptiveMaxPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${fmt(this.outputSize)}`;
  }
}

/**
 * Resizes by `scaleFactor` or to `size` (`torch.nn.Upsample`); modes
 * "nearest" (default), "linear", "bilinear", "trilinear".
 *
 * @example
 * new nn.Upsample({ scaleFactor: 2, mode: "bilinear" })(lt.randn([1, 3, 8, 8])).shape; // [1, 3, 16, 16]
 */
export class Upsample extends Module<[Tensor], Tensor> {
  constructor(readonly options: InterpolateOptions) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const what =
      o.size !== undefined ? `size=${fmt(o.size)}` : `scale_factor=${fmt(o.scaleFactor)}`;
    return `${what}, mode='${o.mode ?? "nearest"}'`;
  }
}
