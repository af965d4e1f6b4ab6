import { type DType, type PromotionOperand, resultType, scalarDType } from "../dtype.js";
import { DeviceError, ValueError } from "../errors.js";
import { broadcastAll, fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast } from "./cast.js";
import { scalarTensor } from "./creation.js";

/** A tensor or a JS scalar operand (`x.add(2)`, `lt.where(c, x, 0)`). */
export type TensorLike = Tensor | number | boolean;

function promotionOperand(x: TensorLike): PromotionOperand {
  if (x instanceof Tensor) return { dtype: x.dtype, kind: x.ndim > 0 ? "tensor" : "zeroDim" };
  return { dtype: scalarDType(x), kind: "scalar" };
}

function checkOperand(op: string, x: unknown): asserts x is TensorLike {
  if (x instanceof Tensor || typeof x === "number" || typeof x === "boolean") return;
  throw new ValueError(
    `${op}: expected a Tensor, number or boolean, got ${Array.isArray(x) ? "an array (wrap it with lt.tensor)" : String(x)}`,
  );
}

/** The dtype PyTorch gives `op(operands...)` (tensors with dims first, then 0-d tensors, then scalars). */
export function promotedDType(op: string, operands: readonly TensorLike[]): DType {
  // Fast path: two tensors of one dtype (most calls).
  if (operands.length === 2) {
    const [a, b] = operands;
    if (a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype) return a.dtype;
  }
  for (const x of operands) checkOperand(op, x);
  return resultType(...operands.map(promotionOperand));
}

/**
 * Converts operands to tensors of `dtype` on one device: scalars become 0-d
 * tensors, tensors are cast (differentiably). A 0-d CPU tensor may join
 * tensors on another device, as in PyTorch.
 */
export function toOperands(
  op: string,
  operands: readonly TensorLike[],
  dtype: DType,
  defaultDevice = "cpu",
): Tensor[] {
  if (
    operands.every(
      (x) =>
        x instanceof Tensor && x.dtype === dtype && x.device === (operands[0] as Tensor).device,
    )
  ) {
    return operands as Tensor[];
  }
  const tensors = operands.filter((x): x is Tensor => x instanceof Tensor);
  const device = (tensors.find((t) => t.ndim > 0) ?? tensors[0])?.device ?? defaultDevice;
  return operands.map((x) => {
    if (!(x instanceof Tensor)) return scalarTensor(x, dtype, device);
    let t = x;
    if (t.device !== device) {
      if (t.ndim !== 0) {
        throw new DeviceError(
          `${op}: expected all tensors on one device, got ${tensors.map((u) => u.device).join(" and ")}; ` +
            `move them with .to("${device}")`,
        );
      }
      t = t.to(device);
    }
    return cast(t, dtype);
  });
}

/** A view of `t` broadcast to `shape` (stride 0 on new and size-1 dims); not recorded by autograd. */
export function broadcastView(t: Tensor, shape: readonly number[]): Tensor {
  if (t.ndim === shape.length && t.shape.every((d, i) => d === shape[i])) return t;
  const lead = shape.length - t.ndim;
  const strides = shape.map((d, i) => {
    const j = i - lead;
    return j < 0 || (t.shape[j] === 1 && d !== 1) ? 0 : t.strides[j];
  });
  return t._view([...shape], strides, t.offset);
}

/** Shapes of tensor operands broadcast together, for op messages. */
export function broadcastOperands(op: string, tensors: readonly Tensor[]): number[] {
  return broadcastAll(
    tensors.map((t) => t.shape),
    op,
  );
}

/**
 * Sums a gradient of a broadcast result back to an operand's shape
 * (the backward of broadcasting).
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0)
    throw new ValueError(`sumTo: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? g.sum(dims, { keepdim: true }) : g;
  return summed.reshape([...shape]);
}
