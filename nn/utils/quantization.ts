/**
 * Fake quantisation for quantisation-aware training (Jacob et al. 2018,
 * `torch.fake_quantize_per_tensor_affine` and `torch.ao.quantization.FakeQuantize`):
 * values are rounded to the int8 grid and back in the forward pass while
 * the gradient passes straight through (zero outside the representable
 * range), so a network learns to tolerate int8 inference.
 */
import { ValueError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/**
 * `(clamp(round(x/scale) + zeroPoint, qmin, qmax) - zeroPoint) · scale` with
 * the straight-through gradient of PyTorch (1 inside the range, 0 outside).
 *
 * @example
 * F.fakeQuantize(lt.tensor([0.1, 0.26, 5]), 0.1, 0, -128, 127); // [0.1, 0.3, 5]
 */
export function fakeQuantize(
  x: Tensor,
  scale: number,
  zeroPoint = 0,
  quantMin = -128,
  quantMax = 127,
): Tensor {
  if (!(scale > 0)) throw new ValueError(`fakeQuantize: scale must be > 0, got ${scale}`);
  if (!(quantMin < quantMax))
    throw new ValueError(`fakeQuantize: quantMin (${quantMin}) must be < quantMax (${quantMax})`);
  const q = x.div(scale).round().add(zeroPoint);
  const inside = q.ge(quantMin).logicalAnd(q.le(quantMax)).float();
  const value = q.clamp({ min: quantMin, max: quantMax }).sub(zeroPoint).mul(scale);
  return value.detach().add(x.sub(x.detach()).mul(inside));
}

/**
 * The affine `[scale, zeroPoint]` that maps `[min, max]` (widened to
 * include 0) onto `[quantMin, quantMax]`, as PyTorch's observers compute.
 *
 * @example
 * nn.utils.calculateQParams(-1, 1); // [0.00784..., 0]
 */
export function calculateQParams(
  min: number,
  max: number,
  quantMin = -128,
  quantMax = 127,
): [number, number] {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.max((hi - lo) / (quantMax - quantMin), Number.EPSILON);
  const zeroPoint = Math.min(quantMax, Math.max(quantMin, quantMin - Math.round(lo / scale)));
  return [scale, zeroPoint];
}

/**
 * A fake-quantisation module with a moving-average min/max observer
 * (`torch.ao.quantization.FakeQuantize` with its default QAT observer):
 * in training it tracks the range of what passes through, then quantises
 * with the derived scale and zero point. Insert after layers to simulate
 * int8 activations.
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.FakeQuantize(), new nn.ReLU());
 */
export class FakeQuantize extends Module<[Tensor], Tensor> {
  declare min_val: Tensor;
  declare max_val: Tensor;
  readonly quantMin: number;
  readonly quantMax: number;
  readonly averagingConstant: number;

  constructor(options: { quantMin?: number; quantMax?: number; averagingConstant?: number } = {}) {
    super();
    this.quantMin = options.quantMin ?? -128;
    this.quantMax = options.quantMax ?? 127;
    this.averagingConstant = options.averagingConstant ?? 0.01;
    this.registerBuffer("min_val", lt.tensor(Number.POSITIVE_INFINITY));
    this.registerBuffer("max_val", lt.tensor(Number.NEGATIVE_INFINITY));
  }

  /** The current `[scale, zeroPoint]`. */
  qparams(): [number, number] {
    const lo = this.min_val.itemSync() as number;
    const hi = this.max_val.itemSync() as number;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [1, 0];
    return calculateQParams(lo, hi, this.quantMin, this.quantMax);
  }

  override forward(x: Tensor): Tensor {
    if (this.training) {
      lt.noGrad(() => {
        const lo = x.amin();
        const hi = x.amax();
        const first = !Number.isFinite(this.min_val.itemSync() as number);
        const c = this.averagingConstant;
        this.min_val = first ? lo : this.min_val.add(lo.sub(this.min_val).mul(c));
        this.max_val = first ? hi : this.max_val.add(hi.sub(this.max_val).mul(c));
      });
    }
    const [scale, zeroPoint] = this.qparams();
    return fakeQuantize(x, scale, zeroPoint, this.quantMin, this.quantMax);
  }

  override extraRepr(): string {
    return `quant_min=${this.quantMin}, quant_max=${this.quantMax}`;
  }
}
