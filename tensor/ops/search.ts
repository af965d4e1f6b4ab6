import { runKernel } from "../dispatch.js";
import { DeviceError, ValueError } from "../errors.js";
import { normalizeDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { fromValues } from "./creation.js";
import type { ValuesIndices } from "./reduce.js";

/** Options of `sort`. */
export interface SortOptions {
  descending?: boolean;
}

/**
 * The values along `dim` in order, and where each came from (`torch.sort`);
 * stable, NaN sorts as the largest value. The values are differentiable (a
 * gather at the indices).
 *
 * @example
 * const { values, indices } = lt.tensor([3, 1, 2]).sort(); // [1, 2, 3], [1, 2, 0]
 */
export function sort(x: Tensor, dim = -1, { descending = false }: SortOptions = {}): ValuesIndices {
  if (x.ndim === 0)
    return { values: x, indices: fromValues(new Int32Array(1), [], "int32", x.device) };
  const d = normalizeDim(dim, x.ndim, "sort");
  const indices = runKernel("argsort", [x], x.shape, "int32", { dim: d, descending });
  return { values: x.gather(d, indices), indices };
}

/**
 * The positions that sort `x` along `dim` (`torch.argsort`).
 *
 * @example
 * lt.tensor([3, 1, 2]).argsort(); // [1, 2, 0]
 */
export function argsort(x: Tensor, dim = -1, opts: SortOptions = {}): Tensor {
  return sort(x, dim, opts).indices;
}

/** Options of `topk`. */
export interface TopkOptions {
  dim?: number;
  /** The k largest (default) or, with false, the k smallest. */
  largest?: boolean;
}

/**
 * The `k` largest values along `dim` (last by default) and their indices,
 * largest first (`torch.topk`).
 *
 * @example
 * lt.tensor([1, 5, 3, 4]).topk(2).values; // [5, 4]
 */
export function topk(
  x: Tensor,
  k: number,
  { dim = -1, largest = true }: TopkOptions = {},
): ValuesIndices {
  const d = normalizeDim(dim, x.ndim, "topk");
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new ValueError(
      `topk: k = ${k} is out of range for dim ${d} of size ${size} (0 <= k <= ${size})`,
    );
  }
  const { indices } = sort(x, d, { descending: largest });
  const top = x.ndim === 0 ? indices : indices.narrow(d, 0, k);
  return { values: x.ndim === 0 ? x : x.gather(d, top), indices: top };
}

function readSync(op: string, x: Tensor): ArrayLike<number> {
  if (x.device !== "cpu") {
    throw new DeviceError(
      `${op}: the result's size depends on the values, which must be read back; run it on x.to("cpu") (after await x.toAsync("cpu") on WebGPU)`,
    );
  }
  return x.contiguous().dataSync();
}

/**
 * The indices of the non-zero elements, one row per element (`torch.nonzero`);
 * CPU tensors (the output size depends on the values).
 *
 * @example
 * lt.tensor([[0, 1], [1, 0]]).nonzero(); // [[0, 1], [1, 0]]
 */
export function nonzero(x: Tensor): Tensor {
  const values = readSync("nonzero", x);
  const rows: number[] = [];
  const nd = x.ndim;
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0) rows.push(...idx);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < x.shape[d]) break;
      idx[d] = 0;
    }
  }
  return fromValues(Int32Array.from(rows), [rows.length / Math.max(nd, 1), nd], "int32", x.device);
}

/**
 * The elements of `x` where `mask` (broadcast to x's shape) is true, as a
 * 1-D tensor (`torch.masked_select`, `x[mask]`); differentiable; CPU only.
 *
 * @example
 * const x = lt.tensor([1, -2, 3]);
 * x.maskedSelect(x.gt(0)); // [1, 3]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  const shape = x.shape.length >= mask.ndim ? x.shape : mask.shape;
  const m = mask.expand(shape);
  const positions = nonzero(m.reshape([-1])).reshape([-1]);
  return x.expand(shape).reshape([-1]).indexSelect(0, positions);
}
