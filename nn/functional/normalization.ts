/**
 * Functional normalisation with PyTorch's signatures (`F.batch_norm`,
 * `F.layer_norm`, `F.group_norm`, `F.local_response_norm`). Batch, layer and
 * local response norm are the tensor primitives with `F`'s options objects.
 */
import * as lt from "../../tensor/ops/normalization.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface BatchNormFnOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch statistics and update the running ones. Default false. */
  training?: boolean;
  /** Weight of the batch in the running averages. Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation (`F.batch_norm`): in training, normalises with the
 * batch mean and biased variance over every dim but 1 and updates the
 * running statistics in place (with the unbiased variance); otherwise uses
 * the running statistics.
 *
 * @example
 * F.batchNorm(x, runningMean, runningVar, { training: true });
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormFnOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  return lt.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
}

/**
 * Layer normalisation over the last dims `normalizedShape` (`F.layer_norm`).
 *
 * @example
 * F.layerNorm(x, [512]);
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number[],
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  return lt.layerNorm(input, normalizedShape, weight, bias, eps);
}

/**
 * Group normalisation (`F.group_norm`): the channels of each sample are
 * split into `numGroups` groups, each normalised over its channels and
 * spatial positions, then scaled and shifted per channel.
 *
 * @example
 * F.groupNorm(lt.randn([2, 8, 4, 4]), 2).shape; // [2, 8, 4, 4]
 */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  return lt.groupNorm(input, numGroups, weight, bias, eps);
}

/**
 * Local response normalisation across channels (`F.local_response_norm`).
 *
 * @example
 * F.localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 2 });
 */
export function localResponseNorm(
  input: Tensor,
  size: number,
  options: { alpha?: number; beta?: number; k?: number } = {},
): Tensor {
  return lt.localResponseNorm(input, size, options);
}
