import { enableGrad, noGrad } from "../tensor/autograd/mode.js";
import { ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";

/** Hyper-parameters shared by every optimizer's param groups. */
export interface BaseOptions {
  lr: number;
}

/** A param group as the optimizer keeps it: its tensors plus every option. */
export type ParamGroup<O> = O & { params: Tensor[] } & Record<string, unknown>;

/** A param group as the user passes it: tensors plus options overriding the defaults. */
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Tensor> } & Record<
    string,
    unknown
  >;

/** What `parameters` may be: tensors, or param-group objects. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter state: tensors (moment estimates...) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/** The serialised optimizer: state keyed by parameter index, groups with indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

/**
 * Base class of the optimizers: holds param groups (defaults filled in),
 * per-parameter state, `zeroGrad`, `step(closure?)` and `stateDict`, as
 * `torch.optim.Optimizer`. A subclass validates its options and implements
 * `updateParam` — the maths of one step for one parameter.
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly defaults: O;
  paramGroups: Array<ParamGroup<O>> = [];
  /** Per-parameter state, created lazily on the first step. */
  state = new Map<Tensor, ParamState>();

  constructor(params: Params<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError("optimizer got an empty parameter list");
    const groups: Array<ParamGroupInput<O>> =
      list[0] instanceof Tensor
        ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>]
        : (list as Array<ParamGroupInput<O>>);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Name used in error messages. */
  protected get opName(): string {
    return this.constructor.name;
  }

  /**
   * Adds a group of parameters with its own options (e.g. a smaller lr for
   * a pretrained backbone), as `optimizer.add_param_group`.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new ValueError(
          `optimizer can only optimize Tensors, but one of the params is ${p === null ? "null" : typeof p}`,
        );
      }
      if (!p.isLeaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p)) || new Set(params).size !== params.length) {
      throw new ValueError("some parameters appear in more than one parameter group");
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Throws with PyTorch's message when an option is out of range. */
  protected abstract validate(options: O): void;

  /** One update of `param` (its `grad` is not null) with the group's options. */
  protected abstract updateParam(
    param: Tensor,
    grad: Tensor,
    group: ParamGroup<O>,
    state: ParamState,
  ): void;

  /**
   * Clears the gradients: releases them (`setToNone`, the default, as in
   * PyTorch 2) or fills them with zeros.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    for (const g of this.paramGroups)
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => p.grad!.zero_());
      }
  }

  /**
   * Performs one optimisation step. `closure`, if given, recomputes the loss
   * with gradients enabled (zeroGrad, forward, backward) and its value is
   * returned, as in `optimizer.step(closure)`.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups)
        for (const p of group.params) {
          if (p.grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) {
            state = {};
            this.state.set(p, state);
          }
          this.updateParam(p, p.grad, group, state);
        }
    });
    return loss;
  }

  /** PyTorch's repr: each param group's options, sorted by name. */
  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const lines = Object.keys(g)
        .filter((k) => k !== "params")
        .sort()
        .map((k) => {
          const v = g[k];
          return `    ${k}: ${Array.isArray(v) ? `(${v.join(", ")})` : String(v)}`;
        });
      return [`Parameter Group ${i}`, ...lines].join("\n");
    });
    return `${this.constructor.name} (\n${groups.join("\n")}\n)`;
  }

  /** Rich display in notebooks: the same text as `toString()`. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }

  /**
   * The optimizer's state: per-parameter state keyed by the parameter's
   * index across groups, and each group's options with `params` as indices
   * (the layout of PyTorch's `state_dict`, camelCased). Tensors are copies.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return {
        ...structuredCloneOptions(options),
        params: params.map((p) => {
          if (!index.has(p)) index.set(p, index.size);
          return index.get(p)!;
        }),
      };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = copyState(s);
    }
    return { state, paramGroups };
  }

  /** Restores a `stateDict()`; the groups must hold the same numbers of parameters. */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const groups = stateDict.paramGroups;
    if (groups.length !== this.paramGroups.length) {
      throw new ValueError("loaded state dict has a different number of parameter groups");
    }
    groups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i]!.params.length) {
        throw new ValueError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    });
    const byIndex = new Map<number, Tensor>();
    groups.forEach((g, i) => {
      g.params.forEach((id, k) => {
        byIndex.set(id, this.paramGroups[i]!.params[k]!);
      });
    });
    this.state = new Map();
    for (const [id, s] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(id));
      if (p !== undefined) this.state.set(p, copyState(s));
    }
    this.paramGroups = this.paramGroups.map((group, i) => {
      const { params: _ids, ...options } = groups[i]!;
      return {
        ...group,
        ...structuredCloneOptions(options),
        params: group.params,
      } as ParamGroup<O>;
    });
  }
}

function copyState(s: ParamState): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Tensor ? v.detach().clone() : v;
  return out;
}

function structuredCloneOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/** Throws `Invalid <what>: <value>` (PyTorch's wording) unless `ok`. */
export function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new ValueError(`Invalid ${what}: ${formatValue(value)}`);
}

function formatValue(v: unknown): string {
  return Array.isArray(v) ? `(${v.join(", ")})` : String(v);
}
