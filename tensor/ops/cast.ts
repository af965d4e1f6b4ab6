import { record } from "../autograd/node.js";
import { runKernel } from "../dispatch.js";
import { checkDType, type DType, isFloating } from "../dtype.js";
import type { Tensor } from "../tensor.js";

/**
 * `x` converted to `dtype` (`x.to(torch.int32)`); returns `x` itself when
 * the dtype already matches. float → int32 truncates toward zero, any → bool
 * is `x != 0`. Gradients flow only between floating dtypes.
 *
 * @example
 * lt.tensor([1.7, -1.7]).cast("int32"); // [1, -1]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType(dtype, "cast");
  if (x.dtype === dtype) return x;
  const out = runKernel("cast", [x], x.shape, dtype);
  if (!isFloating(dtype) || !isFloating(x.dtype)) return out;
  return record(out, "cast", [x], (g) => [cast(g, x.dtype)]);
}
