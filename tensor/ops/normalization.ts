// Normalization: batchNorm, layerNorm, groupNorm and localResponseNorm with
// PyTorch's functional semantics. Batch, layer and group norm share one
// primitive, `standardize` (kernels in backends/cpu/normalization.ts); the
// affine transform, running statistics and evaluation mode are public ops.
import { noGrad } from "../autograd/mode.js";
import { record } from "../autograd/node.js";
import type { NormalizeAttrs } from "../backends/cpu/normalization.js";
import { adaptiveWindows, type PoolAttrs, poolWindows } from "../backends/cpu/pool.js";
import { runKernel } from "../dispatch.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { requireFloating } from "./elementwise.js";
import { linearMap } from "./unfold.js";

/**
 * Standardizes every channel of `x` viewed as `[outer, channels, inner]`
 * over its outer and inner positions. Returns the result and the biased
 * `[2, channels]` moments (means, variances) it used.
 */
function standardize(x: Tensor, attrs: NormalizeAttrs): { y: Tensor; stats: Tensor } {
  const input = x.contiguous();
  const stats = runKernel("moments", [input], [2, attrs.channels], x.dtype, attrs);
  const y = runKernel("normalize", [input, stats], x.shape, x.dtype, attrs);
  const out = record(
    y,
    "normalize",
    [x],
    (g) => [runKernel("normalizeBackward", [g, input, stats], x.shape, x.dtype, attrs)],
    [input],
  );
  return { y: out, stats };
}

function checkParam(
  op: string,
  name: string,
  t: Tensor | null | undefined,
  shape: readonly number[],
  x: Tensor,
): void {
  if (!t) return;
  if (t.dtype !== x.dtype) {
    throw new DTypeError(`${op}: ${name} has dtype ${t.dtype} but the input is ${x.dtype}`);
  }
  if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
    throw new ShapeError(
      `${op}: ${name} ${fmtShape(t.shape)} must have shape ${fmtShape(shape)} for input ${fmtShape(x.shape)}`,
    );
  }
}

/** `y * weight + bias`, each (when given) viewed with `shape` to broadcast. */
function affine(
  y: Tensor,
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
  shape: readonly number[],
): Tensor {
  if (weight) y = y.mul(weight.reshape(shape));
  if (bias) y = y.add(bias.reshape(shape));
  return y;
}

/**
 * Batch normalization over `[N, C, ...]` (`torch.nn.functional.batch_norm`).
 * In training mode each channel is standardized with the batch's mean and
 * biased variance, and `runningMean` / `runningVar` (when given) are updated
 * in place: `running = (1 - momentum) * running + momentum * batchStat`,
 * with the unbiased variance, as in PyTorch. In eval mode the running
 * statistics are used. `weight` and `bias` (`[C]`) scale and shift.
 *
 * @example
 * const x = lt.randn([8, 3, 4, 4]);
 * const mean = lt.zeros([3]), variance = lt.ones([3]);
 * const y = lt.batchNorm(x, mean, variance, null, null, true); // mean and variance now track x
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  const op = "batchNorm";
  requireFloating(op, x);
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: expected an input [N, C, ...] of at least 2 dims, got ${fmtShape(x.shape)}`,
    );
  }
  const [batch, channels] = x.shape;
  for (const [name, t] of [
    ["runningMean", runningMean],
    ["runningVar", runningVar],
    ["weight", weight],
    ["bias", bias],
  ] as const) {
    checkParam(op, name, t, [channels], x);
  }
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const shape = [channels, ...new Array<number>(x.ndim - 2).fill(1)];
  if (!training) {
    if (!runningMean || !runningVar) {
      throw new ValueError(
        `${op}: runningMean and runningVar are needed in eval mode (training = false)`,
      );
    }
    const y = x.sub(runningMean.reshape(shape)).div(runningVar.reshape(shape).add(eps).sqrt());
    return affine(y, weight, bias, shape);
  }
  const count = batch * inner;
  if (count <= 1) {
    throw new ValueError(
      `${op}: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`,
    );
  }
  const { y, stats } = standardize(x, { outer: batch, channels, inner, eps });
  noGrad(() => {
    const [mean, variance] = stats.unbind(0);
    if (runningMean) runningMean.mul_(1 - momentum).add_(mean.mul(momentum));
    if (runningVar)
      runningVar.mul_(1 - momentum).add_(variance.mul((momentum * count) / (count - 1)));
  });
  return affine(y, weight, bias, shape);
}

/**
 * Layer normalization over the last dims given by `normalizedShape`
 * (`torch.nn.functional.layer_norm`): each sample is standardized with its
 * own mean and biased variance over those dims, then scaled by `weight` and
 * shifted by `bias` (both of shape `normalizedShape`).
 *
 * @example
 * const x = lt.randn([2, 5, 16]);
 * lt.layerNorm(x, [16], lt.ones([16]), lt.zeros([16])).shape; // [2, 5, 16]
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = "layerNorm";
  requireFloating(op, x);
  const dims = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const tail = x.shape.slice(x.ndim - dims.length);
  if (dims.length === 0 || dims.length > x.ndim || tail.some((n, i) => n !== dims[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(dims)}`,
    );
  }
  checkParam(op, "weight", weight, dims, x);
  checkParam(op, "bias", bias, dims, x);
  const inner = dims.reduce((a, b) => a * b, 1);
  const rows = x.shape.slice(0, x.ndim - dims.length).reduce((a, b) => a * b, 1);
  const { y } = standardize(x, { outer: 1, channels: rows, inner, eps });
  return affine(y, weight, bias, dims);
}

/**
 * Group normalization (`torch.nn.functional.group_norm`): the `C` channels
 * of `[N, C, ...]` are split into `numGroups` groups, each standardized per
 * sample over its channels and positions; `weight`/`bias` are per channel.
 *
 * @example
 * lt.groupNorm(lt.randn([2, 6, 4, 4]), 3).shape; // [2, 6, 4, 4]
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = "groupNorm";
  requireFloating(op, x);
  if (x.ndim < 2) {
    throw new ShapeError(
      `${op}: expected an input [N, C, ...] of at least 2 dims, got ${fmtShape(x.shape)}`,
    );
  }
  const [batch, channels] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw new ValueError(
      `${op}: numGroups must be a positive integer dividing the ${channels} channels of ${fmtShape(x.shape)}, got ${numGroups}`,
    );
  }
  checkParam(op, "weight", weight, [channels], x);
  checkParam(op, "bias", bias, [channels], x);
  const rows = batch * numGroups;
  const { y } = standardize(x, {
    outer: 1,
    channels: rows,
    inner: x.numel() / Math.max(rows, 1),
    eps,
  });
  return affine(y, weight, bias, [channels, ...new Array<number>(x.ndim - 2).fill(1)]);
}

/** Options of {@link localResponseNorm}, with PyTorch's defaults. */
export interface LocalResponseNormOptions {
  /** Default 1e-4. */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
  /** Default 1. */
  k?: number;
}

/**
 * Local response normalization across channels, as in AlexNet
 * (`torch.nn.functional.local_response_norm`):
 * `b_c = a_c / (k + alpha / n * sum of a_c'^2 over the n channels around c)^beta`,
 * the window running from `c - floor(n/2)` to `c + floor((n-1)/2)`. Note
 * that PyTorch (and so lectern) divides `alpha` by `n`; the AlexNet paper
 * does not.
 *
 * @example
 * const x = lt.randn([1, 96, 55, 55]);
 * lt.localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 2 }).shape; // [1, 96, 55, 55]
 */
export function localResponseNorm(
  x: Tensor,
  size: number,
  { alpha = 1e-4, beta = 0.75, k = 1 }: LocalResponseNormOptions = {},
): Tensor {
  const op = "localResponseNorm";
  requireFloating(op, x);
  if (x.ndim < 3) {
    throw new ShapeError(
      `${op}: expected an input [N, C, ...] of at least 3 dims, got ${fmtShape(x.shape)}`,
    );
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new ValueError(`${op}: size must be a positive integer, got ${size}`);
  }
  const [batch, channels] = x.shape;
  const rest = x.numel() / Math.max(batch * channels, 1);
  // The mean of squares over each channel window, zero beyond the edges
  // (PyTorch pads and average-pools with the full window as divisor).
  const attrs: PoolAttrs = {
    planes: batch,
    inSize: [channels, rest, 1],
    windows: [
      poolWindows(channels, channels, size, 1, Math.floor(size / 2), 1),
      adaptiveWindows(rest, rest),
      adaptiveWindows(1, 1),
    ],
    divisor: size,
  };
  const meanSquare = linearMap(x.mul(x), "avgPool", "avgPoolBackward", x.shape, attrs);
  return x.div(meanSquare.mul(alpha).add(k).pow(beta));
}
