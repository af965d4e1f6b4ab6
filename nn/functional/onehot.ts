import { ValueError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";

/**
 * One-hot encoding of int32 class indices (`F.one_hot`): shape
 * `[...indices.shape, numClasses]`, int32 zeros with a 1 at each index.
 *
 * @example
 * F.oneHot(lt.tensor([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (indices.dtype !== "int32")
    throw new ValueError(`oneHot: indices must be int32, got ${indices.dtype}`);
  const n = numClasses < 0 ? (indices.amax().itemSync() as number) + 1 : numClasses;
  return indices
    .unsqueeze(-1)
    .eq(lt.arange(0, n, { device: indices.device }))
    .int();
}
