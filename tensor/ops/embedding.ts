// Embedding lookup: rows of a weight matrix picked by integer indices. The
// lookup is an indexSelect, so its gradient is the scatter-add of the output
// gradient into the picked rows; `paddingIdx` rows get no gradient.
import { DTypeError, IndexError, ShapeError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { where } from "./indexing.js";

export interface EmbeddingOptions {
  /**
   * Entries equal to this index (negative counts from the end) contribute
   * no gradient to their row, as in PyTorch; the row itself is looked up
   * unchanged (nn.Embedding initialises it to zeros).
   */
  paddingIdx?: number;
}

/**
 * Looks up rows of `weight` (`[numEmbeddings, dim]`) for int32 `indices` of
 * any shape, giving `[...indices.shape, dim]`
 * (`torch.nn.functional.embedding`). The weight gradient sums the output
 * gradient of every occurrence of an index into its row.
 *
 * @example
 * const table = lt.randn([10, 3], { requiresGrad: true });
 * const ids = lt.tensor([[1, 2], [4, 1]], { dtype: "int32" });
 * lt.embedding(ids, table).shape; // [2, 2, 3]
 */
export function embedding(
  indices: Tensor,
  weight: Tensor,
  { paddingIdx }: EmbeddingOptions = {},
): Tensor {
  const op = "embedding";
  if (indices.dtype !== "int32") {
    throw new DTypeError(
      `${op}: indices must be int32, got ${indices.dtype}; convert them with indices.int()`,
    );
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(
      `${op}: weight must be 2-D [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`,
    );
  }
  const [numEmbeddings, dim] = weight.shape;
  let padding = paddingIdx;
  if (padding !== undefined) {
    if (!Number.isInteger(padding) || padding < -numEmbeddings || padding >= numEmbeddings) {
      throw new IndexError(
        `${op}: paddingIdx ${padding} is out of range for ${numEmbeddings} embeddings (use -${numEmbeddings}..${numEmbeddings - 1})`,
      );
    }
    if (padding < 0) padding += numEmbeddings;
  }
  const flat = indices.reshape([indices.numel()]);
  let rows = weight.indexSelect(0, flat);
  if (padding !== undefined && weight.requiresGrad) {
    // same values, but rows looked up for paddingIdx reach the weight through a detached copy
    rows = where(flat.ne(padding).unsqueeze(1), rows, rows.detach());
  }
  return rows.reshape([...indices.shape, dim]);
}
