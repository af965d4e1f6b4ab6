/** Affine maps: `linear` (`F.linear`) and `bilinear` (`F.bilinear`). */
import { ShapeError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";

/**
 * `x Wᵀ + b` over the last dim of `x` (`F.linear`); `weight` is `[out, in]`.
 *
 * @example
 * F.linear(lt.randn([8, 4]), lt.randn([3, 4]), lt.zeros([3])).shape; // [8, 3]
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inFeatures = weight.shape[1];
  const last = input.shape[input.shape.length - 1];
  if (weight.shape.length !== 2 || last !== inFeatures) {
    throw new ShapeError(
      `linear: input [${input.shape}] has ${last} features in its last dim but the weight [${weight.shape}] expects ${inFeatures}`,
    );
  }
  const out = input.matmul(weight.transpose(0, 1));
  return bias ? out.add(bias) : out;
}

/**
 * `y_k = x1ᵀ W_k x2 + b_k` (`F.bilinear`); `weight` is `[out, in1, in2]`.
 *
 * @example
 * F.bilinear(lt.randn([5, 3]), lt.randn([5, 4]), lt.randn([2, 3, 4])).shape; // [5, 2]
 */
export function bilinear(
  input1: Tensor,
  input2: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
): Tensor {
  const [out, in1, in2] = weight.shape as [number, number, number];
  const a = input1.shape;
  const b = input2.shape;
  if (a[a.length - 1] !== in1 || b[b.length - 1] !== in2 || a.length !== b.length) {
    throw new ShapeError(
      `bilinear: inputs [${a}] and [${b}] do not match the weight [${weight.shape}] (expected last dims ${in1} and ${in2})`,
    );
  }
  const batch = a.slice(0, -1);
  const x1 = input1.reshape([-1, in1]);
  const x2 = input2.reshape([-1, in2]);
  // (x1 W_k) · x2 for every k at once: [n, in1] @ [in1, out*in2] -> [n, out, in2].
  const left = x1
    .matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2]))
    .reshape([-1, out, in2]);
  let y = left.mul(x2.unsqueeze(1)).sum(2);
  if (bias) y = y.add(bias);
  return y.reshape([...batch, out]);
}
