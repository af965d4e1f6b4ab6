/**
 * Convolution layers (PyTorch's nn/modules/conv.py): `Conv1d/2d/3d` and
 * `ConvTranspose1d/2d/3d`. Each holds a weight and bias and calls the
 * functional op (`lt.conv2d`...); `resetParameters` is PyTorch's default
 * init, U(±1/√fanIn) for weight and bias.
 */
import { ValueError } from "../tensor/errors.js";
import { zeros } from "../tensor/index.js";
import {
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
} from "../tensor/ops/conv.js";
import type { Tensor } from "../tensor/tensor.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

type IntOrTuple = number | number[];

/** Options of `Conv1d/2d/3d` (PyTorch's keyword arguments). */
export interface ConvLayerOptions {
  /** Default 1. */
  stride?: IntOrTuple;
  /** Zero padding, or "same"/"valid". Default 0. */
  padding?: IntOrTuple | "same" | "valid";
  /** Default 1. */
  dilation?: IntOrTuple;
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Only "zeros" is supported. */
  paddingMode?: "zeros";
}

/** Options of `ConvTranspose1d/2d/3d`. */
export interface ConvTransposeLayerOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
}

const convs = { 1: conv1d, 2: conv2d, 3: conv3d } as const;
const convTransposes = { 1: convTranspose1d, 2: convTranspose2d, 3: convTranspose3d } as const;

function tuple(value: IntOrTuple, n: number): number[] {
  return typeof value === "number" ? new Array<number>(n).fill(value) : [...value];
}

function fmt(value: unknown): string {
  return Array.isArray(value)
    ? `(${value.join(", ")}${value.length === 1 ? "," : ""})`
    : String(value);
}

abstract class ConvNd extends Module<[Tensor], Tensor> {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];

  constructor(
    readonly rank: 1 | 2 | 3,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: IntOrTuple,
    readonly transposed: boolean,
    readonly options: ConvLayerOptions & Pick<ConvTransposeLayerOptions, "outputPadding">,
  ) {
    super();
    const name = this.constructor.name;
    const groups = options.groups ?? 1;
    if (
      !Number.isInteger(groups) ||
      groups < 1 ||
      inChannels % groups !== 0 ||
      outChannels % groups !== 0
    ) {
      throw new ValueError(
        `${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`,
      );
    }
    if (options.paddingMode !== undefined && options.paddingMode !== "zeros") {
      throw new ValueError(
        `${name}: paddingMode "${options.paddingMode}" is not supported; use "zeros"`,
      );
    }
    this.kernelSize = tuple(kernelSize, rank);
    const wShape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(zeros(wShape));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels]));
    if (this.bias === null) this.registerParameter("bias", null);
    this.resetParameters();
  }

  /** PyTorch's init: kaiming_uniform(a=√5) on the weight (U(±1/√fanIn)), the same bound for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    const bias = this.bias ?? undefined;
    if (this.transposed) {
      return convTransposes[this.rank](
        input,
        this.weight,
        bias,
        convTransposeOptions(this.options),
      );
    }
    return convs[this.rank](input, this.weight, bias, convOptions(this.options));
  }

  /** 2 FLOPs per multiply-add: each output element sums (in/groups)·∏kernel products. */
  flops(args: unknown[], output: Tensor): number {
    const outNumel = output.shape.reduce((a, b) => a * b, 1);
    const k = this.kernelSize.reduce((a, b) => a * b, 1);
    const groups = this.options.groups ?? 1;
    if (this.transposed) {
      const input = args[0] as Tensor;
      const inNumel = input.shape.reduce((a, b) => a * b, 1);
      return 2 * inNumel * (this.outChannels / groups) * k + (this.bias ? outNumel : 0);
    }
    return outNumel * (2 * (this.inChannels / groups) * k + (this.bias ? 1 : 0));
  }

  override extraRepr(): string {
    const o = this.options;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${fmt(this.kernelSize)}`;
    s += `, stride=${fmt(tuple(o.stride ?? 1, this.rank))}`;
    if (o.padding !== undefined && o.padding !== 0) {
      s += `, padding=${typeof o.padding === "string" ? o.padding : fmt(tuple(o.padding, this.rank))}`;
    }
    if (o.dilation !== undefined && o.dilation !== 1)
      s += `, dilation=${fmt(tuple(o.dilation, this.rank))}`;
    if (o.outputPadding !== undefined && o.outputPadding !== 0) {
      s += `, output_padding=${fmt(tuple(o.outputPadding, this.rank))}`;
    }
    if ((o.groups ?? 1) !== 1) s += `, groups=${o.groups}`;
    if (this.bias === null) s += ", bias=False";
    return s;
  }
}

function convOptions(o: ConvLayerOptions) {
  return { stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups };
}

function convTransposeOptions(
  o: ConvLayerOptions & Pick<ConvTransposeLayerOptions, "outputPadding">,
) {
  return {
    stride: o.stride,
    padding: o.padding as IntOrTuple | undefined,
    outputPadding: o.outputPadding,
    dilation: o.dilation,
    groups: o.groups,
  };
}

/**
 * 1-D convolution over `[N, C, L]` (`torch.nn.Conv1d`).
 *
 * @example
 * new nn.Conv1d(16, 33, 3, { stride: 2 })(lt.randn([20, 16, 50])).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvLayerOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, false, options);
  }
}

/**
 * 2-D convolution over `[N, C, H, W]` (`torch.nn.Conv2d`).
 *
 * @example
 * const conv = new nn.Conv2d(1, 6, 5, { padding: 2 });
 * conv(lt.randn([1, 1, 28, 28])).shape; // [1, 6, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvLayerOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, false, options);
  }
}

/** 3-D convolution over `[N, C, D, H, W]` (`torch.nn.Conv3d`). */
export class Conv3d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvLayerOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, false, options);
  }
}

/**
 * Transposed 1-D convolution (`torch.nn.ConvTranspose1d`), the gradient of
 * Conv1d with respect to its input; upsamples by `stride`.
 */
export class ConvTranspose1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvTransposeLayerOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, true, options as ConvLayerOptions);
  }
}

/**
 * Transposed 2-D convolution (`torch.nn.ConvTranspose2d`), used by decoders
 * and GAN generators to upsample.
 *
 * @example
 * new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 })(lt.randn([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvTransposeLayerOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, true, options as ConvLayerOptions);
  }
}

/** Transposed 3-D convolution (`torch.nn.ConvTranspose3d`). */
export class ConvTranspose3d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    options: ConvTransposeLayerOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, true, options as ConvLayerOptions);
  }
}
