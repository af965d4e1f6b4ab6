/**
 * Weight pruning (`torch.nn.utils.prune`), as in the compression lecture.
 * Pruning a parameter `weight` replaces it by a parameter `weight_orig` and
 * a buffer `weight_mask`; `module.weight` becomes `weight_orig * weight_mask`,
 * recomputed before every forward. `remove` makes the pruning permanent.
 */
import { ValueError } from "../../tensor/errors.js";
import * as lt from "../../tensor/index.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Module, RemovableHandle } from "../module.js";
import { Parameter } from "../parameter.js";

const hooks = new WeakMap<Module, Map<string, RemovableHandle>>();

function countToPrune(op: string, amount: number, n: number): number {
  if (Number.isInteger(amount) && amount > 1) {
    if (amount > n)
      throw new ValueError(`${op}: amount=${amount} is more than the ${n} prunable entries`);
    return amount;
  }
  if (!(amount >= 0 && amount <= 1)) {
    throw new ValueError(
      `${op}: amount must be a fraction in [0, 1] or a count of entries, got ${amount}`,
    );
  }
  return Math.round(amount * n);
}

/**
 * Prunes the `amount` (fraction, or count) of the still-unpruned entries of
 * `module[name]` with the smallest absolute value (`prune.l1_unstructured`).
 * Pruning again prunes further among the remaining entries.
 *
 * @example
 * nn.utils.prune.l1Unstructured(model.fc1, "weight", { amount: 0.5 });
 * model.fc1.weight_mask.sum(); // half the entries
 */
export function l1Unstructured(module: Module, name: string, options: { amount: number }): Module {
  const m = module as any;
  const mods = hooks.get(module) ?? new Map<string, RemovableHandle>();
  hooks.set(module, mods);
  const pruned = mods.has(name);
  const orig: Tensor | undefined = pruned
    ? m[`${name}_orig`]
    : (module._parameters.get(name) ?? undefined);
  if (!orig) {
    throw new ValueError(
      `l1Unstructured: ${module.constructor.name} has no parameter "${name}" to prune`,
    );
  }
  const oldMask: Tensor = pruned ? m[`${name}_mask`] : lt.onesLike(orig);
  const w = orig.detach().cpu().dataSync() as Float32Array;
  const keep = oldMask.cpu().dataSync() as Float32Array;
  const remaining: number[] = [];
  for (let i = 0; i < w.length; i++) if (keep[i]) remaining.push(i);
  const k = countToPrune("l1Unstructured", options.amount, remaining.length);
  remaining.sort((a, b) => Math.abs(w[a]!) - Math.abs(w[b]!));
  const mask = Float32Array.from(keep);
  for (let j = 0; j < k; j++) mask[remaining[j]!] = 0;
  const maskTensor = lt.tensor(mask).reshape(orig.shape).to(orig.device);
  if (!pruned) {
    delete m[name];
    module.registerParameter(
      `${name}_orig`,
      orig instanceof Parameter ? orig : new Parameter(orig),
    );
    module.registerBuffer(`${name}_mask`, maskTensor);
    mods.set(
      name,
      module.registerForwardPreHook((mod) => {
        const mm = mod as any;
        mm[name] = mm[`${name}_orig`].mul(mm[`${name}_mask`]);
      }),
    );
  } else {
    m[`${name}_mask`] = maskTensor;
  }
  m[name] = m[`${name}_orig`].mul(maskTensor);
  return module;
}

/**
 * Makes the pruning of `module[name]` permanent (`prune.remove`): the
 * parameter `name` holds the masked values again, `_orig` and `_mask` go.
 */
export function remove(module: Module, name: string): Module {
  const handle = hooks.get(module)?.get(name);
  if (!handle)
    throw new ValueError(
      `prune.remove: parameter "${name}" of ${module.constructor.name} is not pruned`,
    );
  const m = module as any;
  const value: Tensor = lt.noGrad(() => m[`${name}_orig`].mul(m[`${name}_mask`]));
  handle.remove();
  hooks.get(module)!.delete(name);
  delete m[`${name}_orig`];
  delete m[`${name}_mask`];
  delete m[name];
  module.registerParameter(name, new Parameter(value));
  return module;
}

/** True when some parameter of `module` (or its submodules) is pruned (`prune.is_pruned`). */
export function isPruned(module: Module): boolean {
  return module.modules().some((m) => (hooks.get(m)?.size ?? 0) > 0);
}

/** Fraction of zero entries of a tensor: how sparse pruning made it. */
export function sparsity(t: Tensor): number {
  return (t.eq(0).float().mean().itemSync() as number) ?? 0;
}
