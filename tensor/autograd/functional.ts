import { AutogradError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { backward } from "./engine.js";

/** Options of `lt.autograd.grad`. */
export interface GradOptions {
  /** Gradients of the outputs (default: 1 for scalar outputs). */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Record the gradient computation so the result can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, returned instead of
 * accumulated into `.grad` (`torch.autograd.grad`). With `createGraph` the
 * gradients are differentiable (gradient penalties, Hessian-vector products).
 *
 * @example
 * const x = lt.tensor([2], { requiresGrad: true });
 * const [dy] = lt.autograd.grad(x.pow(3), [x], { createGraph: true }); // 3x^2 = 12
 * const [d2y] = lt.autograd.grad(dy, [x]);                             // 6x = 12
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as Tensor[]) : [inputs as Tensor];
  const gradOutputs =
    opts.gradOutputs === undefined
      ? outs.map(() => null)
      : Array.isArray(opts.gradOutputs)
        ? (opts.gradOutputs as (Tensor | null)[])
        : [opts.gradOutputs as Tensor];
  if (gradOutputs.length !== outs.length) {
    throw new AutogradError(
      `grad: got ${gradOutputs.length} gradOutputs for ${outs.length} outputs; give one per output`,
    );
  }
  ins.forEach((t, i) => {
    if (!t.requiresGrad) {
      throw new AutogradError(
        `grad: input ${i} does not require grad; create it with { requiresGrad: true }`,
      );
    }
  });
  const result = backward(outs, gradOutputs, {
    inputs: ins,
    createGraph: opts.createGraph,
    retainGraph: opts.retainGraph,
  });
  if (!opts.allowUnused) {
    result.forEach((g, i) => {
      if (g === null) {
        throw new AutogradError(
          `grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`,
        );
      }
    });
  }
  return result;
}
