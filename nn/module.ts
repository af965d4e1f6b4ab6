/**
 * `nn.Module`: the base of every layer and model, as in PyTorch.
 *
 * A module holds state (parameters, buffers, submodules) and defines
 * `forward`. Assigning a `Parameter`, a `Module` or a tensor to a registered
 * buffer name registers it, so `this.fc1 = new nn.Linear(4, 8)` in a
 * constructor is all a model needs. Modules are callable: `model(x)` runs the
 * forward pre-hooks, `forward`, then the forward hooks.
 *
 * How: the constructor returns a Proxy around a function whose prototype is
 * the subclass's prototype. The function makes the module callable; the
 * Proxy's `set`/`defineProperty` traps see every assignment (class fields
 * included) and keep the ordered registries PyTorch keeps in
 * `_parameters`, `_buffers` and `_modules`. Registered values also live as
 * ordinary properties, so reading `this.fc1` costs nothing extra.
 */
import { inspect } from "node:util";
import { DeviceError, LecternError, ShapeError, ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad, zerosLike } from "../tensor/index.js";
import { assignData, Parameter } from "./parameter.js";
import { DISPLAY, moduleDisplay, recordCall } from "./summary.js";

/** A state dict: parameter and buffer names (PyTorch's keys) → tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

/** What `hook.remove()` undoes. */
export interface RemovableHandle {
  remove(): void;
}

/** Runs before `forward`; may return replacement arguments (an array). */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
/** Runs after `forward`; may return a replacement output. */
export type ForwardHook = (module: Module, args: unknown[], output: any) => unknown;

/** The result of `loadStateDict` with `strict: false`. */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Calling a module calls its `forward` through the hooks. */
export interface Module<In extends unknown[] = any[], Out = any> {
  // biome-ignore lint/style/useShorthandFunctionType: merges with the class below (a type alias cannot)
  (...args: In): Out;
}

/**
 * Base class for all neural network modules (`torch.nn.Module`).
 *
 * @example
 * class MLP extends nn.Module<[lt.Tensor], lt.Tensor> {
 *   fc1 = new nn.Linear(784, 128);
 *   fc2 = new nn.Linear(128, 10);
 *   forward(x: lt.Tensor) { return this.fc2(this.fc1(x).relu()); }
 * }
 * const model = new MLP();
 * model(lt.randn([2, 784])).shape; // [2, 10]
 * Object.keys(model.stateDict()); // ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface adds the call signature the constructor provides
export abstract class Module<In extends unknown[] = any[], Out = any> {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  declare training: boolean;
  declare readonly _parameters: Map<string, Parameter | null>;
  declare readonly _buffers: Map<string, Tensor | null>;
  declare readonly _nonPersistentBuffers: Set<string>;
  declare readonly _modules: Map<string, Module | null>;
  declare readonly _forwardPreHooks: Map<number, ForwardPreHook>;
  declare readonly _forwardHooks: Map<number, ForwardHook>;

  constructor() {
    // An arrow function has no own `prototype` and no `this`; its own
    // `name`/`length` are removed so subclasses may use those names.
    const self = ((...args: unknown[]) => callModule(proxy, args)) as unknown as Module;
    delete (self as any).name;
    delete (self as any).length;
    Object.setPrototypeOf(self, new.target.prototype);
    const hidden = (key: string, value: unknown) =>
      Object.defineProperty(self, key, {
        value,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    hidden("_parameters", new Map());
    hidden("_buffers", new Map());
    hidden("_nonPersistentBuffers", new Set());
    hidden("_modules", new Map());
    hidden("_forwardPreHooks", new Map());
    hidden("_forwardHooks", new Map());
    hidden("training", true);
    const proxy: Module = new Proxy(self, registrar);
    raw.set(proxy, self);
    // biome-ignore lint/correctness/noConstructorReturn: returning the callable is how modules become callable
    return proxy;
  }

  /**
   * The computation of the module. Subclasses define it; call the module
   * (`model(x)`), not `forward`, so hooks run.
   */
  forward(..._args: In): Out {
    throw new LecternError(
      `${this.constructor.name}: forward is not defined; subclass nn.Module and define forward(...)` +
        (this.constructor.name === "ModuleList" || this.constructor.name === "ModuleDict"
          ? " (containers hold modules; call them one by one)"
          : ""),
    );
  }

  /** Extra text inside the parentheses of `toString()` (override, like PyTorch's `extra_repr`). */
  extraRepr(): string {
    return "";
  }

  /**
   * Registers a parameter under `name` (same as assigning a `Parameter`).
   *
   * @example
   * this.registerParameter("scale", new nn.Parameter(lt.ones([1])));
   */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, name, "registerParameter");
    if (param !== null && !(param instanceof Parameter)) {
      throw new ValueError(
        `registerParameter: "${name}" of ${this.constructor.name} must be an nn.Parameter or null; wrap the tensor: new nn.Parameter(t)`,
      );
    }
    unregister(this, name);
    this._parameters.set(name, param);
    Reflect.defineProperty(rawOf(this), name, ownValue(param));
  }

  /**
   * Registers a tensor that is state but not a parameter (`running_mean`).
   * Non-persistent buffers are left out of the state dict.
   *
   * @example
   * this.registerBuffer("running_mean", lt.zeros([16]));
   */
  registerBuffer(
    name: string,
    tensor: Tensor | null,
    options: { persistent?: boolean } = {},
  ): void {
    checkName(this, name, "registerBuffer");
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new ValueError(
        `registerBuffer: "${name}" of ${this.constructor.name} must be a Tensor or null`,
      );
    }
    unregister(this, name);
    this._buffers.set(name, tensor);
    if (options.persistent === false) this._nonPersistentBuffers.add(name);
    Reflect.defineProperty(rawOf(this), name, ownValue(tensor));
  }

  /** Registers a submodule under `name` (same as assigning it). */
  registerModule(name: string, module: Module | null): void {
    checkName(this, name, "registerModule");
    unregister(this, name);
    this._modules.set(name, module);
    Reflect.defineProperty(rawOf(this), name, ownValue(module));
  }

  /** Alias of `registerModule` (PyTorch's `add_module`). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /**
   * `[name, parameter]` pairs of this module and (with `recurse`) its
   * descendants, each parameter once, named by its path (`"fc1.weight"`).
   */
  namedParameters(prefix = "", recurse = true): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, prefix, recurse) as [string, Parameter][];
  }

  /**
   * All parameters (what an optimizer takes).
   *
   * @example
   * new optim.SGD(model.parameters(), { lr: 0.1 });
   */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters("", recurse).map(([, p]) => p);
  }

  /** `[name, buffer]` pairs (`"bn.running_mean"`), each buffer once. */
  namedBuffers(prefix = "", recurse = true): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, prefix, recurse);
  }

  /** All buffers. */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers("", recurse).map(([, b]) => b);
  }

  /** `[name, module]` pairs of the direct submodules. */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) {
      if (m !== null && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  /** The direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** `[path, module]` pairs of this module (path `""`) and every descendant, depth first, each once. */
  namedModules(prefix = "", memo: Set<Module> = new Set()): [string, Module][] {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this._modules) {
      if (m !== null) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name, memo));
    }
    return out;
  }

  /** This module and every descendant. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * The submodule at a dotted path (`"encoder.layers.0"`).
   *
   * @example
   * model.getSubmodule("features.0");
   */
  getSubmodule(target: string): Module {
    let m: Module = this;
    if (target === "") return m;
    for (const part of target.split(".")) {
      const next = m._modules.get(part);
      if (!next) {
        throw new ValueError(
          `getSubmodule: ${m.constructor.name} has no submodule "${part}" (in "${target}")`,
        );
      }
      m = next;
    }
    return m;
  }

  /**
   * Sets training mode on this module and its descendants; returns `this`.
   *
   * @example
   * model.train(); // dropout on, batch norm uses batch statistics
   */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (freeze with `false`); returns `this`. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Clears the gradients of every parameter. With `setToNone` (the default,
   * as in PyTorch 2) `grad` becomes null; otherwise it is zero-filled.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad = zerosLike(p.grad);
    }
  }

  /**
   * Calls `fn` on every submodule (children first) and then on this module;
   * returns `this`. Used for custom initialisation.
   *
   * @example
   * model.apply((m) => { if (m instanceof nn.Linear) nn.init.zeros_(m.bias!); });
   */
  apply(fn: (module: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves every parameter and buffer to `device`, in place: parameters keep
   * their identity, so an optimizer built before the move still holds them.
   * Moving off a GPU waits for it: use `await model.toAsync("cpu")`.
   *
   * @example
   * model.to("webgpu");
   */
  to(device: string): this {
    try {
      this.moveTensors((t) => t.to(device), device);
    } catch (e) {
      if (e instanceof DeviceError && /toAsync/.test(e.message)) {
        throw new DeviceError(
          `${this.constructor.name}.to: moving parameters to "${device}" waits for the GPU; use \`await model.toAsync("${device}")\``,
        );
      }
      throw e;
    }
    return this;
  }

  /**
   * `to(device)` for moves that wait on a GPU read-back (WebGPU → CPU).
   *
   * @example
   * await model.toAsync("cpu");
   */
  async toAsync(device: string): Promise<this> {
    const moved = new Map<Tensor, Tensor>();
    for (const m of this.modules()) {
      for (const t of [...m._parameters.values(), ...m._buffers.values()]) {
        if (t !== null && t.device !== device) moved.set(t, await t.toAsync(device));
        if (t?.grad && t.grad.device !== device) moved.set(t.grad, await t.grad.toAsync(device));
      }
    }
    this.moveTensors((t) => moved.get(t) ?? t, device);
    return this;
  }

  private moveTensors(move: (t: Tensor) => Tensor, device: string): void {
    noGrad(() => {
      for (const m of this.modules()) {
        for (const p of m._parameters.values()) {
          if (p === null || p.device === device) continue;
          const grad = p.grad;
          assignData(p, move(p));
          if (grad !== null) p.grad = move(grad);
        }
        for (const [name, b] of m._buffers) {
          if (b !== null && b.device !== device) (m as any)[name] = move(b);
        }
      }
    });
  }

  /**
   * Parameters and persistent buffers by their PyTorch key names
   * (`"0.weight"` in a Sequential, `"bn.running_mean"`), detached.
   *
   * @example
   * await lt.save(model.stateDict(), "model.safetensors");
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const { prefix = "", keepVars = false } = options;
    const out: StateDict = {};
    for (const [path, m] of this.namedModules(prefix.replace(/\.$/, ""))) {
      const at = path ? `${path}.` : "";
      for (const [name, p] of m._parameters) {
        if (p !== null) out[at + name] = keepVars ? p : p.detach();
      }
      for (const [name, b] of m._buffers) {
        if (b !== null && !m._nonPersistentBuffers.has(name))
          out[at + name] = keepVars ? b : b.detach();
      }
    }
    return out;
  }

  /**
   * Copies tensors from a state dict into this module's parameters and
   * buffers (values are copied; parameters keep their identity). With
   * `strict` (default) missing or unexpected keys are an error; a shape
   * clash is always an error. The error lists every problem at once.
   *
   * @example
   * model.loadStateDict(await lt.load("model.safetensors"));
   */
  loadStateDict(
    stateDict: StateDict | Map<string, Tensor>,
    options: { strict?: boolean } = {},
  ): IncompatibleKeys {
    const { strict = true } = options;
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(own).filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !(k in own));
    const clashes: string[] = [];
    const notTensors: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      const value = given.get(key);
      if (value === undefined) continue;
      if (!(value instanceof Tensor)) {
        notTensors.push(
          `"${key}" is not a Tensor (got ${Array.isArray(value) ? "an array" : typeof value}); use lt.tensor(...)`,
        );
      } else if (!sameShape(value.shape, target.shape)) {
        clashes.push(
          `size mismatch for ${key}: copying a tensor of shape [${value.shape}] from the checkpoint, the shape in the current model is [${target.shape}]`,
        );
      }
    }
    const problems = [...notTensors, ...clashes];
    if (strict && missingKeys.length > 0) {
      problems.unshift(`missing key(s): ${missingKeys.map((k) => `"${k}"`).join(", ")}`);
    }
    if (strict && unexpectedKeys.length > 0) {
      problems.unshift(`unexpected key(s): ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}`);
    }
    if (problems.length > 0) {
      const Err =
        clashes.length > 0 && problems.length === clashes.length ? ShapeError : ValueError;
      throw new Err(
        `loadStateDict: error(s) in loading the state dict for ${this.constructor.name}:\n  ${problems.join("\n  ")}` +
          (strict && clashes.length === 0
            ? "\n  (pass { strict: false } to load the matching keys only)"
            : ""),
      );
    }
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        const value = given.get(key);
        if (value === undefined) continue;
        assignData(target, value.to(target.device).to(target.dtype));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Adds a hook run before every `forward`: `hook(module, args)`; returning
   * an array replaces the arguments.
   */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return addHook(this._forwardPreHooks, hook);
  }

  /**
   * Adds a hook run after every `forward`: `hook(module, args, output)`;
   * returning a value replaces the output. Used to capture feature maps.
   *
   * @example
   * const maps: lt.Tensor[] = [];
   * const h = model.conv1.registerForwardHook((_m, _args, out) => { maps.push(out); });
   * model(x); h.remove();
   */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return addHook(this._forwardHooks, hook);
  }

  /** A tree like PyTorch's repr: `Linear(in_features=4, out_features=2, bias=true)`. */
  toString(): string {
    const name = this.constructor.name;
    const extra = this.extraRepr();
    const lines = extra ? extra.split("\n") : [];
    for (const [key, m] of this._modules) {
      const child = m === null ? "None" : m.toString().replaceAll("\n", "\n  ");
      lines.push(`(${key}): ${child}`);
    }
    if (lines.length === 0) return `${name}()`;
    if (this._modules.size === 0 && lines.length === 1) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }

  /** Node's console.log prints the repr. */
  [inspect.custom](): string {
    return this.toString();
  }

  /**
   * Jupyter shows the repr and a table of the layers: with output shapes,
   * FLOPs and activation memory once the model has been called (`nn.summary`
   * on inputs shaped like the last call), parameter counts before.
   */
  [DISPLAY](): Record<string, string> {
    return moduleDisplay(this);
  }

  private namedMembers<T extends Tensor>(
    registry: (m: Module) => Map<string, T | null>,
    prefix: string,
    recurse: boolean,
  ): [string, T][] {
    const seen = new Set<T>();
    const out: [string, T][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [path, m] of modules) {
      for (const [name, t] of registry(m)) {
        if (t === null || seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${name}` : name, t]);
      }
    }
    return out;
  }
}

/**
 * An independent copy of a module: same class, configuration and values,
 * new parameters and buffers (Python's `copy.deepcopy`, which PyTorch's
 * `TransformerEncoder` uses to stack copies of one layer). A parameter or
 * submodule shared inside the module stays shared in the copy.
 *
 * @example
 * const layers = [1, 2, 3].map(() => nn.deepCopy(layer));
 */
export function deepCopy<M extends Module>(module: M, memo: Map<unknown, unknown> = new Map()): M {
  const seen = memo.get(module);
  if (seen) return seen as M;
  // Runs only the base constructor, with the module's class as new.target:
  // a callable of the right class, without rerunning its initialisation.
  const copy = Reflect.construct(
    Module as unknown as new () => Module,
    [],
    module.constructor,
  ) as M;
  memo.set(module, copy);
  const copyTensor = <T extends Tensor | null>(t: T): T => {
    if (t === null) return t;
    if (!memo.has(t)) {
      const data = noGrad(() => t.detach().clone());
      memo.set(t, t instanceof Parameter ? new Parameter(data, t.requiresGrad) : data);
    }
    return memo.get(t) as T;
  };
  copy.training = module.training;
  for (const [k, p] of module._parameters) copy.registerParameter(k, copyTensor(p));
  for (const [k, b] of module._buffers) {
    copy.registerBuffer(k, copyTensor(b), { persistent: !module._nonPersistentBuffers.has(k) });
  }
  for (const [k, m] of module._modules)
    copy.registerModule(k, m === null ? null : deepCopy(m, memo));
  const src = rawOf(module) as Record<string, unknown>;
  for (const key of Object.keys(src)) {
    if (module._parameters.has(key) || module._buffers.has(key) || module._modules.has(key))
      continue;
    const v = src[key];
    (copy as any)[key] = v instanceof Tensor ? copyTensor(v) : v;
  }
  return copy;
}

function callModule(module: Module, args: unknown[]): unknown {
  recordCall(module, args);
  for (const hook of [...module._forwardPreHooks.values()]) {
    const replaced = hook(module, args);
    if (replaced !== undefined) args = Array.isArray(replaced) ? replaced : [replaced];
  }
  let output = module.forward(...args);
  for (const hook of [...module._forwardHooks.values()]) {
    const replaced = hook(module, args, output);
    if (replaced !== undefined) output = replaced;
  }
  return output;
}

let nextHookId = 0;

function addHook<H>(hooks: Map<number, H>, hook: H): RemovableHandle {
  const id = nextHookId++;
  hooks.set(id, hook);
  return { remove: () => void hooks.delete(id) };
}

const raw = new WeakMap<object, object>();

function rawOf(module: Module): object {
  return raw.get(module) ?? module;
}

function ownValue(value: unknown): PropertyDescriptor {
  return { value, writable: true, enumerable: true, configurable: true };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkName(module: Module, name: string, op: string): void {
  if (typeof name !== "string" || name === "" || name.includes(".")) {
    throw new ValueError(
      `${op}: name "${String(name)}" of ${module.constructor.name} must be a non-empty string without "."`,
    );
  }
}

function unregister(module: Module, name: string): void {
  module._parameters.delete(name);
  module._buffers.delete(name);
  module._nonPersistentBuffers.delete(name);
  module._modules.delete(name);
}

// Keeps the registries in step with assignments. Returns true when the value
// was registered (the caller then stores it as a plain own property).
function register(target: Module, key: string, value: unknown): void {
  if (value instanceof Parameter) {
    unregister(target, key);
    target._parameters.set(key, value);
  } else if (value instanceof Module) {
    unregister(target, key);
    target._modules.set(key, value);
  } else if (target._parameters.has(key)) {
    if (value !== null) {
      throw new ValueError(
        `cannot assign ${describe(value)} to parameter "${key}" of ${target.constructor.name}: ` +
          "use an nn.Parameter (new nn.Parameter(t)), null, or `delete module." +
          key +
          "` first",
      );
    }
    target._parameters.set(key, null);
  } else if (target._buffers.has(key)) {
    if (value !== null && !(value instanceof Tensor)) {
      throw new ValueError(
        `cannot assign ${describe(value)} to buffer "${key}" of ${target.constructor.name}: use a Tensor or null`,
      );
    }
    target._buffers.set(key, value);
  } else if (target._modules.has(key)) {
    if (value !== null) {
      throw new ValueError(
        `cannot assign ${describe(value)} to submodule "${key}" of ${target.constructor.name}: use an nn.Module or null`,
      );
    }
    target._modules.set(key, null);
  }
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape}]`;
  return value === undefined ? "undefined" : `a ${typeof value}`;
}

const registrar: ProxyHandler<Module> = {
  set(target, key, value, receiver) {
    if (typeof key !== "string" || isAccessor(target, key))
      return Reflect.set(target, key, value, receiver);
    register(target, key, value);
    // An existing property keeps its attributes (`training` stays hidden).
    const exists = Object.hasOwn(target, key);
    return Reflect.defineProperty(target, key, exists ? { value } : ownValue(value));
  },
  defineProperty(target, key, descriptor) {
    if (typeof key === "string" && "value" in descriptor) register(target, key, descriptor.value);
    return Reflect.defineProperty(target, key, descriptor);
  },
  deleteProperty(target, key) {
    if (typeof key === "string") unregister(target, key);
    return Reflect.deleteProperty(target, key);
  },
};

function isAccessor(target: object, key: string): boolean {
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d.get !== undefined || d.set !== undefined;
  }
  return false;
}
