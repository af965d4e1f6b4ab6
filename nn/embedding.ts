/** `torch.nn.Embedding`: a lookup table of learnable vectors. */
import { ValueError } from "../tensor/errors.js";
import * as lt from "../tensor/index.js";
import { embedding as embeddingOp } from "../tensor/ops/embedding.js";
import type { Tensor } from "../tensor/tensor.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { assignData, Parameter } from "./parameter.js";

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim`
 * (`torch.nn.Embedding`); initialised N(0, 1) with the `paddingIdx` row zero.
 *
 * @example
 * const emb = new nn.Embedding(10000, 128, { paddingIdx: 0 });
 * emb(lt.tensor([[3, 7, 0]], { dtype: "int32" })).shape; // [1, 3, 128]
 */
export class Embedding extends Module<[Tensor], Tensor> {
  weight: Parameter;
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: { paddingIdx?: number; weight?: Tensor } = {},
  ) {
    super();
    let p = options.paddingIdx;
    if (p !== undefined) {
      if (p < -numEmbeddings || p >= numEmbeddings) {
        throw new ValueError(
          `Embedding: paddingIdx ${p} must be within [${-numEmbeddings}, ${numEmbeddings - 1}]`,
        );
      }
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    this.weight = new Parameter(options.weight ?? lt.zeros([numEmbeddings, embeddingDim]));
    if (options.weight === undefined) this.resetParameters();
  }

  /** N(0, 1), then the padding row zeroed, as in PyTorch. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== undefined) {
      const rowMask = lt.arange(this.numEmbeddings).ne(this.paddingIdx).float().unsqueeze(1);
      lt.noGrad(() => assignData(this.weight, this.weight.mul(rowMask)));
    }
  }

  /**
   * An Embedding holding `embeddings` (`nn.Embedding.from_pretrained`),
   * frozen unless `freeze: false`.
   */
  static fromPretrained(
    embeddings: Tensor,
    options: { freeze?: boolean; paddingIdx?: number } = {},
  ): Embedding {
    const [n, d] = embeddings.shape as [number, number];
    const emb = new Embedding(n, d, { paddingIdx: options.paddingIdx, weight: embeddings });
    emb.weight.requiresGrad = options.freeze === false;
    return emb;
  }

  override forward(input: Tensor): Tensor {
    return embeddingOp(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== undefined ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
