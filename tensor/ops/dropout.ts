// Dropout (Srivastava et al., 2014) with inverted scaling: in training each
// element (or each whole channel, for dropout1d/2d/3d) is zeroed with
// probability p and the survivors are scaled by 1 / (1 - p), so evaluation
// is the identity. Masks come from the seeded generator (lt.manualSeed).
import { ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import { bernoulli } from "../random.js";
import type { Tensor } from "../tensor.js";
import { full } from "./creation.js";
import { requireFloating } from "./elementwise.js";

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
  }
}

/** `x` times a scaled keep-mask of `maskShape` (broadcast over the other dims). */
function dropWithMask(x: Tensor, p: number, maskShape: number[]): Tensor {
  if (p === 1) return x.mul(0);
  const keep = bernoulli(full(maskShape, 1 - p, { dtype: x.dtype, device: x.device }));
  return x.mul(keep.mul(1 / (1 - p)));
}

/**
 * Zeroes each element with probability `p` and scales the rest by
 * `1 / (1 - p)` while `training`; returns `x` unchanged otherwise
 * (`torch.nn.functional.dropout`).
 *
 * @example
 * lt.manualSeed(0);
 * lt.dropout(lt.ones([8]), 0.5).arraySync(); // e.g. [2, 0, 2, 2, 0, 0, 2, 0]
 * lt.dropout(lt.ones([8]), 0.5, false);       // x itself
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  checkP("dropout", p);
  requireFloating("dropout", x);
  if (!training || p === 0) return x;
  return dropWithMask(x, p, [...x.shape]);
}

/** Drops whole channels: the mask is `[N, C, 1, ...]` (or `[C, 1, ...]` unbatched). */
function featureDropout(op: string, rank: number, x: Tensor, p: number, training: boolean): Tensor {
  checkP(op, p);
  requireFloating(op, x);
  if (x.ndim !== rank + 1 && x.ndim !== rank + 2) {
    throw new ShapeError(
      `${op}: expected a ${rank + 1}-D (unbatched) or ${rank + 2}-D (batched) input, got ${fmtShape(x.shape)}`,
    );
  }
  if (!training || p === 0) return x;
  const lead = x.ndim - rank;
  return dropWithMask(
    x,
    p,
    x.shape.map((n, i) => (i < lead ? n : 1)),
  );
}

/**
 * Zeroes whole channels of `[N, C, L]` (or `[C, L]`) with probability `p`
 * (`torch.nn.functional.dropout1d`).
 *
 * @example
 * lt.dropout1d(lt.ones([2, 4, 10]), 0.25).shape; // [2, 4, 10]
 */
export function dropout1d(x: Tensor, p = 0.5, training = true): Tensor {
  return featureDropout("dropout1d", 1, x, p, training);
}

/**
 * Zeroes whole feature maps of `[N, C, H, W]` (or `[C, H, W]`) with
 * probability `p`, scaling the rest by `1 / (1 - p)`
 * (`torch.nn.functional.dropout2d`): neighbouring pixels are correlated, so
 * dropping single pixels regularizes little (Tompson et al., 2015).
 *
 * @example
 * lt.dropout2d(lt.ones([2, 4, 8, 8]), 0.5).shape; // [2, 4, 8, 8]
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  return featureDropout("dropout2d", 2, x, p, training);
}

/**
 * Zeroes whole channels of `[N, C, D, H, W]` (or `[C, D, H, W]`)
 * (`torch.nn.functional.dropout3d`).
 *
 * @example
 * lt.dropout3d(lt.ones([1, 2, 3, 4, 4]), 0.5).shape; // [1, 2, 3, 4, 4]
 */
export function dropout3d(x: Tensor, p = 0.5, training = true): Tensor {
  return featureDropout("dropout3d", 3, x, p, training);
}
