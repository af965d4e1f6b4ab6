/**
 * `nn.MultiheadAttention` (PyTorch's nn/modules/activation.py): projects
 * query, key and value, runs scaled dot-product attention in `numHeads`
 * heads and projects the concatenation. Parameter names are PyTorch's:
 * `in_proj_weight` `[3E, E]` and `in_proj_bias` (or `q_proj_weight`,
 * `k_proj_weight`, `v_proj_weight` when kdim/vdim differ from E) and
 * `out_proj.weight`/`out_proj.bias`.
 */
import { ShapeError, ValueError } from "../tensor/errors.js";
import * as lt from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { attention } from "./functional/attention.js";
import { linear } from "./functional/linear.js";
import * as init from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Forward options of `MultiheadAttention` (PyTorch's keywords). */
export interface MultiheadAttentionForwardOptions {
  /** `[B, S]`: true (or -inf) at keys to ignore, e.g. padding tokens. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights. Default true. */
  needWeights?: boolean;
  /** `[L, S]` or `[B·heads, L, S]`: bool (true = blocked) or float (added). */
  attnMask?: Tensor | null;
  /** Average the weights over heads (`[B, L, S]`) or not (`[B, heads, L, S]`). Default true. */
  averageAttnWeights?: boolean;
  /** Apply a causal mask (instead of attnMask). Default false. */
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017, `torch.nn.MultiheadAttention`).
 * Inputs are `[L, B, E]` (or `[B, L, E]` with `batchFirst`, or unbatched
 * `[L, E]`); returns `[output, weights]` (weights null when `needWeights`
 * is false).
 *
 * @example
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [out, w] = mha(x, x, x, { attnMask: F.causalMask(10) }); // out [B, 10, 64], w [B, 10, 10]
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  out_proj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: {
      dropout?: number;
      bias?: boolean;
      kdim?: number;
      vdim?: number;
      batchFirst?: boolean;
    } = {},
  ) {
    super();
    if (embedDim % numHeads !== 0) {
      throw new ValueError(
        `MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`,
      );
    }
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    const bias = options.bias ?? true;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.registerParameter("in_proj_weight", new Parameter(lt.zeros([3 * embedDim, embedDim])));
    } else {
      this.registerParameter("q_proj_weight", new Parameter(lt.zeros([embedDim, embedDim])));
      this.registerParameter("k_proj_weight", new Parameter(lt.zeros([embedDim, this.kdim])));
      this.registerParameter("v_proj_weight", new Parameter(lt.zeros([embedDim, this.vdim])));
    }
    this.registerParameter("in_proj_bias", bias ? new Parameter(lt.zeros([3 * embedDim])) : null);
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /** PyTorch's init: Xavier-uniform projections, zero biases (out_proj weight keeps Linear's init). */
  resetParameters(): void {
    for (const name of ["in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"]) {
      const p = this._parameters.get(name);
      if (p) init.xavierUniform_(p);
    }
    const b = this._parameters.get("in_proj_bias");
    if (b) {
      init.zeros_(b);
      init.zeros_(this.out_proj.bias!);
    }
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const {
      keyPaddingMask = null,
      needWeights = true,
      attnMask = null,
      averageAttnWeights = true,
      isCausal = false,
    } = options;
    const unbatched = query.shape.length === 2;
    const toBatchFirst = (t: Tensor) =>
      unbatched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1);
    const q = toBatchFirst(query);
    const k = toBatchFirst(key);
    const v = toBatchFirst(value);
    const [B, L, E] = q.shape as [number, number, number];
    if (
      E !== this.embedDim ||
      k.shape[2] !== this.kdim ||
      v.shape[2] !== this.vdim ||
      k.shape[1] !== v.shape[1]
    ) {
      throw new ShapeError(
        `MultiheadAttention: query [${query.shape}], key [${key.shape}], value [${value.shape}] do not match embedDim=${this.embedDim}, kdim=${this.kdim}, vdim=${this.vdim}${this.batchFirst ? " (batchFirst)" : ""}`,
      );
    }
    const S = k.shape[1]!;
    const bias = this._parameters.get("in_proj_bias") ?? null;
    const chunk = (t: Tensor | null, i: number) => (t ? t.narrow(0, i * E, E) : null);
    const packed = this._parameters.get("in_proj_weight");
    const wq = packed ? packed.narrow(0, 0, E) : this._parameters.get("q_proj_weight")!;
    const wk = packed ? packed.narrow(0, E, E) : this._parameters.get("k_proj_weight")!;
    const wv = packed ? packed.narrow(0, 2 * E, E) : this._parameters.get("v_proj_weight")!;
    const heads = (t: Tensor, len: number) =>
      t.reshape([B, len, this.numHeads, this.headDim]).permute([0, 2, 1, 3]);
    const qh = heads(linear(q, wq, chunk(bias, 0)), L);
    const kh = heads(linear(k, wk, chunk(bias, 1)), S);
    const vh = heads(linear(v, wv, chunk(bias, 2)), S);
    let mask: Tensor | null = null;
    if (isCausal) mask = lt.arange(S).unsqueeze(0).gt(lt.arange(L).unsqueeze(1));
    else if (attnMask) mask = this.checkMask(attnMask, B, L, S);
    if (keyPaddingMask) {
      if (
        keyPaddingMask.shape.length !== (unbatched ? 1 : 2) ||
        keyPaddingMask.shape[keyPaddingMask.shape.length - 1] !== S
      ) {
        throw new ShapeError(
          `MultiheadAttention: keyPaddingMask must be [${unbatched ? S : [B, S]}], got [${keyPaddingMask.shape}]`,
        );
      }
      const kpm = keyPaddingMask.reshape([B, 1, 1, S]);
      mask = mask === null ? kpm : mergeMasks(mask, kpm);
    }
    const [ctx, weights] = attention(qh, kh, vh, {
      attnMask: mask,
      dropoutP: this.training ? this.dropout : 0,
    });
    let out = this.out_proj(ctx.permute([0, 2, 1, 3]).reshape([B, L, E]));
    out = unbatched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!needWeights) return [out, null];
    let w = averageAttnWeights ? weights.mean(1) : weights;
    if (unbatched) w = w.squeeze(0);
    return [out, w];
  }

  private checkMask(mask: Tensor, B: number, L: number, S: number): Tensor {
    const s = mask.shape;
    if (s.length === 2 && s[0] === L && s[1] === S) return mask;
    if (s.length === 3 && s[0] === B * this.numHeads && s[1] === L && s[2] === S) {
      return mask.reshape([B, this.numHeads, L, S]);
    }
    throw new ShapeError(
      `MultiheadAttention: attnMask must be [${L}, ${S}] or [${B * this.numHeads}, ${L}, ${S}] (batch·heads, L, S), got [${s}]`,
    );
  }

  /**
   * 2 FLOPs per multiply-add in the q/k/v projections and the two attention
   * products (`out_proj` is a Linear with its own row).
   */
  flops(args: unknown[]): number {
    const [q, k] = args as [Tensor, Tensor];
    const n = (t: Tensor) => t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const E = this.embedDim;
    const proj = 2 * E * (n(q) * E + n(k) * (this.kdim + this.vdim));
    const S = this.batchFirst || k.shape.length === 2 ? k.shape[k.shape.length - 2]! : k.shape[0]!;
    return proj + 2 * 2 * n(q) * S * E;
  }

  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}${this.batchFirst ? ", batch_first=True" : ""}`;
  }
}

/** Combines an attention mask with a padding mask, as PyTorch does (both become additive floats). */
export function mergeMasks(a: Tensor, b: Tensor): Tensor {
  if (a.dtype === "bool" && b.dtype === "bool") return a.logicalOr(b);
  const toFloat = (m: Tensor) =>
    m.dtype === "bool" ? lt.where(m, Number.NEGATIVE_INFINITY, 0) : m;
  return toFloat(a).add(toFloat(b));
}
