/**
 * Positional encodings for Transformers, which otherwise see a set, not a
 * sequence: the fixed sinusoids of Vaswani et al. 2017 and learned
 * position embeddings (BERT, GPT). PyTorch has no module for these; the
 * sinusoidal one follows the PyTorch tutorial's (buffer `pe`, dropout after
 * the sum).
 */
import { ShapeError } from "../tensor/errors.js";
import * as lt from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { Dropout } from "./dropout.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/**
 * The `[maxLen, dModel]` sinusoid table:
 * PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)).
 *
 * @example
 * nn.sinusoidalEncoding(50, 16).shape; // [50, 16]
 */
export function sinusoidalEncoding(maxLen: number, dModel: number): Tensor {
  const pe = new Float32Array(maxLen * dModel);
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = p / 10000 ** (i / dModel);
      pe[p * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) pe[p * dModel + i + 1] = Math.cos(angle);
    }
  }
  return lt.tensor(pe).reshape([maxLen, dModel]);
}

function addPositions(name: string, x: Tensor, table: Tensor, batchFirst: boolean): Tensor {
  const len = x.shape[batchFirst ? 1 : 0]!;
  const [maxLen, d] = table.shape as [number, number];
  if (x.shape.length !== 3 || x.shape[2] !== d || len > maxLen) {
    throw new ShapeError(
      `${name}: expected input [${batchFirst ? "B, T" : "T, B"}, ${d}] with T <= maxLen=${maxLen}, got [${x.shape}]`,
    );
  }
  const pos = table.narrow(0, 0, len);
  return x.add(batchFirst ? pos.unsqueeze(0) : pos.unsqueeze(1));
}

/**
 * Adds the fixed sinusoidal encoding to `[T, B, dModel]` (or `[B, T,
 * dModel]` with `batchFirst`) and applies dropout. The table is a
 * non-persistent buffer, so it is not saved in the state dict.
 *
 * @example
 * const pos = new nn.PositionalEncoding(64, { dropout: 0.1, batchFirst: true });
 * pos(lt.zeros([2, 10, 64])).shape; // [2, 10, 64]
 */
export class PositionalEncoding extends Module<[Tensor], Tensor> {
  declare pe: Tensor;
  dropout: Dropout;
  readonly batchFirst: boolean;

  constructor(
    readonly dModel: number,
    options: { maxLen?: number; dropout?: number; batchFirst?: boolean } = {},
  ) {
    super();
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = new Dropout(options.dropout ?? 0.1);
    this.registerBuffer("pe", sinusoidalEncoding(options.maxLen ?? 5000, dModel), {
      persistent: false,
    });
  }

  override forward(x: Tensor): Tensor {
    return this.dropout(addPositions("PositionalEncoding", x, this.pe, this.batchFirst));
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, max_len=${this.pe.shape[0]}`;
  }
}

/**
 * Adds a learned vector per position (BERT/GPT style), initialised N(0, 0.02²).
 *
 * @example
 * const pos = new nn.LearnedPositionalEncoding(128, 64, { batchFirst: true });
 */
export class LearnedPositionalEncoding extends Module<[Tensor], Tensor> {
  weight: Parameter;
  readonly batchFirst: boolean;

  constructor(
    readonly maxLen: number,
    readonly dModel: number,
    options: { batchFirst?: boolean } = {},
  ) {
    super();
    this.batchFirst = options.batchFirst ?? false;
    this.weight = new Parameter(lt.zeros([maxLen, dModel]));
    init.normal_(this.weight, 0, 0.02);
  }

  override forward(x: Tensor): Tensor {
    return addPositions("LearnedPositionalEncoding", x, this.weight, this.batchFirst);
  }

  override extraRepr(): string {
    return `max_len=${this.maxLen}, d_model=${this.dModel}`;
  }
}
