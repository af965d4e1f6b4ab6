/**
 * `nn.Parameter`: a tensor that a module registers as learnable
 * (`torch.nn.Parameter`). It shares the memory of the tensor it wraps, is
 * a leaf, and requires grad by default.
 */
import { noGrad } from "../tensor/autograd/mode.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * A learnable tensor of a module. Assigning one to a module field
 * registers it under that name.
 *
 * @example
 * this.scale = new nn.Parameter(lt.ones([1]));
 * this.scale.requiresGrad; // true
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, [...data.shape], [...data.strides], data.offset);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * Replaces the values of `target` by those of `source` without changing
 * its identity or dtype (PyTorch's `param.data = ...`): an in-place copy
 * when shape and device agree, otherwise `target` is re-pointed at
 * `source`'s memory (used by `module.to(device)`). Not recorded by autograd.
 */
export function assignData(target: Tensor, source: Tensor): void {
  source = source.cast(target.dtype);
  const same =
    target.device === source.device &&
    target.dtype === source.dtype &&
    target.shape.length === source.shape.length &&
    target.shape.every((d, i) => d === source.shape[i]);
  if (same) {
    noGrad(() => target.copy_(source));
    return;
  }
  const t = target as { -readonly [K in "storage" | "shape" | "strides" | "offset"]: Tensor[K] };
  t.storage = source.storage;
  t.shape = [...source.shape];
  t.strides = [...source.strides];
  t.offset = source.offset;
}
