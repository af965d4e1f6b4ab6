/**
 * Attention for `F`: `scaledDotProductAttention` (Vaswani et al. 2017) and
 * the mask helpers shared by `nn.MultiheadAttention` and the Transformer
 * layers. Masks follow PyTorch: a bool mask is true where attention is NOT
 * allowed; a float mask is added to the scores (use -Infinity to block).
 */
import { ShapeError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout } from "../../tensor/ops/dropout.js";

/** Adds a mask to attention scores: bool → -inf where true, float → added. */
export function applyMask(scores: Tensor, mask: Tensor | null | undefined): Tensor {
  if (!mask) return scores;
  if (mask.dtype === "bool") return lt.maskedFill(scores, mask, Number.NEGATIVE_INFINITY);
  return scores.add(mask);
}

/**
 * The `[size, size]` causal mask: -Infinity above the diagonal, 0 elsewhere
 * (`nn.Transformer.generate_square_subsequent_mask`), so position i only
 * attends to positions ≤ i.
 *
 * @example
 * F.causalMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export function causalMask(size: number, options: { device?: string } = {}): Tensor {
  const i = lt.arange(size).unsqueeze(1);
  const j = lt.arange(size).unsqueeze(0);
  return lt.where(j.gt(i), Number.NEGATIVE_INFINITY, 0).to(options.device ?? "cpu");
}

export interface AttentionOptions {
  /** Bool (true = blocked) or float (added) mask broadcastable to `[..., L, S]`. */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights. Default 0. */
  dropoutP?: number;
  /** Apply the causal mask (ignores attnMask). Default false. */
  isCausal?: boolean;
  /** Return the attention weights as well. Default false. */
  returnWeights?: boolean;
}

/**
 * `softmax(Q Kᵀ / √d + mask) V` over the last two dims
 * (`F.scaled_dot_product_attention`): q `[..., L, d]`, k `[..., S, d]`,
 * v `[..., S, dv]` → `[..., L, dv]`.
 *
 * @example
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true });
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  return attention(q, k, v, options)[0];
}

/** `scaledDotProductAttention` returning `[output, weights]`. */
export function attention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): [Tensor, Tensor] {
  const { attnMask = null, dropoutP = 0, isCausal = false } = options;
  const d = q.shape[q.shape.length - 1]!;
  if (k.shape[k.shape.length - 1] !== d) {
    throw new ShapeError(
      `scaledDotProductAttention: query [${q.shape}] and key [${k.shape}] need the same last dim`,
    );
  }
  const L = q.shape[q.shape.length - 2]!;
  const S = k.shape[k.shape.length - 2]!;
  let scores = q.div(Math.sqrt(d)).matmul(k.transpose(-2, -1));
  if (isCausal)
    scores = applyMask(
      scores,
      causalMask(Math.max(L, S), { device: q.device }).narrow(0, 0, L).narrow(1, 0, S),
    );
  else scores = applyMask(scores, attnMask);
  let weights = scores.softmax(-1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
  return [weights.matmul(v), weights];
}
