/** Similarities and norms between vectors (`F.normalize`, `F.cosine_similarity`, `F.pairwise_distance`). */
import type { Tensor } from "../../tensor/tensor.js";

/**
 * `x / max(‖x‖_p, eps)` along `dim` (`F.normalize`), e.g. unit-length embeddings.
 *
 * @example
 * F.normalize(lt.tensor([[3, 4]])); // [[0.6, 0.8]]
 */
export function normalize(
  input: Tensor,
  options: { p?: number; dim?: number; eps?: number } = {},
): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  return input.div(input.norm(dim, { p, keepdim: true }).clamp({ min: eps }));
}

/**
 * Cosine of the angle between `x1` and `x2` along `dim` (`F.cosine_similarity`):
 * `x1·x2 / max(‖x1‖·‖x2‖, eps)`.
 *
 * @example
 * F.cosineSimilarity(lt.tensor([[1, 0]]), lt.tensor([[1, 1]])); // [0.7071]
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  options: { dim?: number; eps?: number } = {},
): Tensor {
  const { dim = 1, eps = 1e-8 } = options;
  const dot = x1.mul(x2).sum(dim);
  const norms = x1
    .square()
    .sum(dim)
    .mul(x2.square().sum(dim))
    .clamp({ min: eps * eps })
    .sqrt();
  return dot.div(norms);
}

/**
 * `‖x1 - x2 + eps‖_p` over the last dim (`F.pairwise_distance`).
 *
 * @example
 * F.pairwiseDistance(lt.tensor([[0, 0]]), lt.tensor([[3, 4]])); // [5]
 */
export function pairwiseDistance(
  x1: Tensor,
  x2: Tensor,
  options: { p?: number; eps?: number; keepdim?: boolean } = {},
): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  return x1.sub(x2).add(eps).norm(-1, { p, keepdim });
}
