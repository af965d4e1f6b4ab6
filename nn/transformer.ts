/**
 * The Transformer (Vaswani et al. 2017) as PyTorch builds it
 * (nn/modules/transformer.py): `TransformerEncoderLayer`,
 * `TransformerDecoderLayer`, the stacks `TransformerEncoder` /
 * `TransformerDecoder`, and `Transformer`. Submodule names match PyTorch's
 * (`self_attn`, `linear1`, `norm1`, `layers.0`...), so state dicts transfer.
 */
import { ValueError } from "../tensor/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { gelu, relu } from "./functional/activation.js";
import { causalMask } from "./functional/attention.js";
import { MultiheadAttention } from "./attention.js";
import { ModuleList } from "./containers.js";
import { Dropout } from "./dropout.js";
import * as init from "./init.js";
import { Linear } from "./linear.js";
import { deepCopy, Module } from "./module.js";
import { LayerNorm } from "./normalization.js";

type Activation = "relu" | "gelu" | ((x: Tensor) => Tensor);

/** Options of the Transformer layers (PyTorch's keywords). */
export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block. Default 2048. */
  dimFeedforward?: number;
  /** Default 0.1. */
  dropout?: number;
  /** "relu" (default), "gelu" or a function. */
  activation?: Activation;
  /** Default 1e-5. */
  layerNormEps?: number;
  /** `[B, T, E]` instead of `[T, B, E]`. Default false. */
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before each block) instead of post-norm. Default false. */
  normFirst?: boolean;
}

function activationFn(activation: Activation = "relu"): (x: Tensor) => Tensor {
  if (typeof activation === "function") return activation;
  if (activation === "relu") return relu;
  if (activation === "gelu") return (x) => gelu(x);
  throw new ValueError(
    `Transformer: activation should be "relu" or "gelu", not "${String(activation)}"`,
  );
}

/** Forward options of `TransformerEncoderLayer` / `TransformerEncoder`. */
export interface EncoderForwardOptions {
  /** Attention mask `[T, T]` (bool: true = blocked; float: added). */
  srcMask?: Tensor | null;
  /** `[B, T]`, true at padding positions. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (instead of srcMask). */
  isCausal?: boolean;
}

/**
 * Self-attention then a feed-forward block, each with a residual connection
 * and LayerNorm (`torch.nn.TransformerEncoderLayer`).
 *
 * @example
 * const layer = new nn.TransformerEncoderLayer(512, 8, { batchFirst: true });
 * layer(lt.randn([2, 10, 512])).shape; // [2, 10, 512]
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const {
      dimFeedforward = 2048,
      dropout = 0.1,
      layerNormEps = 1e-5,
      batchFirst = false,
    } = options;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.normFirst = options.normFirst ?? false;
    this.activation = activationFn(options.activation);
  }

  override forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1(
        this.self_attn(x, x, x, {
          attnMask: options.srcMask,
          keyPaddingMask: options.srcKeyPaddingMask,
          isCausal: options.isCausal,
          needWeights: false,
        })[0],
      );
    const ff = (x: Tensor) =>
      this.dropout2(this.linear2(this.dropout(this.activation(this.linear1(x)))));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1(x)));
      x = x.add(ff(this.norm2(x)));
    } else {
      x = this.norm1(x.add(sa(x)));
      x = this.norm2(x.add(ff(x)));
    }
    return x;
  }
}

/** Forward options of `TransformerDecoderLayer` / `TransformerDecoder`. */
export interface DecoderForwardOptions {
  /** Self-attention mask `[T, T]`, usually `nn.Transformer.generateSquareSubsequentMask(T)`. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask `[T, S]`. */
  memoryMask?: Tensor | null;
  /** `[B, T]`, true at target padding. */
  tgtKeyPaddingMask?: Tensor | null;
  /** `[B, S]`, true at source padding. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (instead of tgtMask). */
  tgtIsCausal?: boolean;
}

/**
 * Masked self-attention, cross-attention over the encoder output
 * (`memory`) and a feed-forward block (`torch.nn.TransformerDecoderLayer`).
 *
 * @example
 * const layer = new nn.TransformerDecoderLayer(512, 8);
 * layer(tgt, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(tgt.shape[0]) });
 */
export class TransformerDecoderLayer extends Module {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const {
      dimFeedforward = 2048,
      dropout = 0.1,
      layerNormEps = 1e-5,
      batchFirst = false,
    } = options;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst });
    this.linear1 = new Linear(dModel, dimFeedforward);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm3 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
    this.normFirst = options.normFirst ?? false;
    this.activation = activationFn(options.activation);
  }

  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    const sa = (x: Tensor) =>
      this.dropout1(
        this.self_attn(x, x, x, {
          attnMask: options.tgtMask,
          keyPaddingMask: options.tgtKeyPaddingMask,
          isCausal: options.tgtIsCausal,
          needWeights: false,
        })[0],
      );
    const mha = (x: Tensor) =>
      this.dropout2(
        this.multihead_attn(x, memory, memory, {
          attnMask: options.memoryMask,
          keyPaddingMask: options.memoryKeyPaddingMask,
          needWeights: false,
        })[0],
      );
    const ff = (x: Tensor) =>
      this.dropout3(this.linear2(this.dropout(this.activation(this.linear1(x)))));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1(x)));
      x = x.add(mha(this.norm2(x)));
      x = x.add(ff(this.norm3(x)));
    } else {
      x = this.norm1(x.add(sa(x)));
      x = this.norm2(x.add(mha(x)));
      x = this.norm3(x.add(ff(x)));
    }
    return x;
  }
}

/**
 * `numLayers` copies of an encoder layer, then an optional norm
 * (`torch.nn.TransformerEncoder`).
 *
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4), 6);
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    readonly numLayers: number,
    options: { norm?: Module | null } = {},
  ) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(encoderLayer)));
    this.norm = options.norm ?? null;
    if (this.norm === null) this.registerModule("norm", null);
  }

  override forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer(x, options);
    return this.norm ? this.norm(x) : x;
  }
}

/** `numLayers` copies of a decoder layer, then an optional norm (`torch.nn.TransformerDecoder`). */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    readonly numLayers: number,
    options: { norm?: Module | null } = {},
  ) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(decoderLayer)));
    this.norm = options.norm ?? null;
    if (this.norm === null) this.registerModule("norm", null);
  }

  override forward(tgt: Tensor, memory: Tensor, options: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer(x, memory, options);
    return this.norm ? this.norm(x) : x;
  }
}

/** Options of `Transformer` (PyTorch's keywords). */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Default 512. */
  dModel?: number;
  /** Default 8. */
  nhead?: number;
  /** Default 6. */
  numEncoderLayers?: number;
  /** Default 6. */
  numDecoderLayers?: number;
}

/**
 * The encoder–decoder Transformer (`torch.nn.Transformer`): encoder and
 * decoder stacks, each ending in a LayerNorm; parameters with more than one
 * dim are Xavier-uniform initialised, as in PyTorch.
 *
 * @example
 * const model = new nn.Transformer({ dModel: 64, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, batchFirst: true });
 * const mask = nn.Transformer.generateSquareSubsequentMask(9);
 * model(src, tgt, { tgtMask: mask }).shape; // [B, 9, 64]
 */
export class Transformer extends Module {
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    const {
      dModel = 512,
      nhead = 8,
      numEncoderLayers = 6,
      numDecoderLayers = 6,
      layerNormEps = 1e-5,
    } = options;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = options.batchFirst ?? false;
    this.encoder = new TransformerEncoder(
      new TransformerEncoderLayer(dModel, nhead, options),
      numEncoderLayers,
      {
        norm: new LayerNorm(dModel, { eps: layerNormEps }),
      },
    );
    this.decoder = new TransformerDecoder(
      new TransformerDecoderLayer(dModel, nhead, options),
      numDecoderLayers,
      {
        norm: new LayerNorm(dModel, { eps: layerNormEps }),
      },
    );
    for (const p of this.parameters()) if (p.shape.length > 1) init.xavierUniform_(p);
  }

  /** The `[size, size]` causal mask (-inf above the diagonal). */
  static generateSquareSubsequentMask(size: number): Tensor {
    return causalMask(size);
  }

  override forward(
    src: Tensor,
    tgt: Tensor,
    options: {
      srcMask?: Tensor | null;
      srcKeyPaddingMask?: Tensor | null;
    } & DecoderForwardOptions = {},
  ): Tensor {
    const memory = this.encoder(src, {
      srcMask: options.srcMask,
      srcKeyPaddingMask: options.srcKeyPaddingMask,
    });
    return this.decoder(tgt, memory, options);
  }
}
