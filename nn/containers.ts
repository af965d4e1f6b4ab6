/**
 * Containers: `Sequential`, `ModuleList`, `ModuleDict` (PyTorch's
 * nn/modules/container.py). Children are registered under their index
 * (`"0"`, `"1"`...) or key, which gives PyTorch's state-dict names
 * (`"0.weight"`); `seq[0]` reads a child as in Python.
 */
import { IndexError, LecternError, ValueError } from "../tensor/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

function checkModule(op: string, m: unknown, at: string): Module {
  if (!(m instanceof Module)) {
    throw new ValueError(
      `${op}: ${at} is not an nn.Module (got ${m === null ? "null" : typeof m})`,
    );
  }
  return m;
}

function normIndex(op: string, index: number, length: number): number {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(i) || i < 0 || i >= length) {
    throw new IndexError(`${op}: index ${index} is out of range for ${length} modules`);
  }
  return i;
}

/**
 * Runs modules one after another, feeding each output to the next.
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * model(lt.randn([3, 4])).shape; // [3, 2]
 * Object.keys(model.stateDict()); // ["0.weight", "0.bias", "2.weight", "2.bias"]
 * const named = new nn.Sequential({ fc: new nn.Linear(4, 2), act: new nn.Tanh() }); // keys "fc.weight"...
 */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (
      modules.length === 1 &&
      typeof first === "object" &&
      first !== null &&
      !Array.isArray(first)
    ) {
      for (const [name, m] of Object.entries(first)) {
        this.registerModule(name, checkModule("Sequential", m, `entry "${name}"`));
      }
    } else {
      (modules as Module[]).forEach((m, i) => {
        this.registerModule(String(i), checkModule("Sequential", m, `argument ${i}`));
      });
    }
  }

  override forward(input: any): any {
    for (const [name, m] of this._modules) {
      if (m === null) continue;
      try {
        input = m(input);
      } catch (e) {
        // Say which layer failed: the op's message alone names no layer.
        if (e instanceof LecternError) {
          const shape = input instanceof Tensor ? ` on input [${input.shape}]` : "";
          e.message += `\n  in layer (${name}): ${m.constructor.name} of Sequential${shape}`;
        }
        throw e;
      }
    }
    return input;
  }

  /** Number of modules. */
  override get length(): number {
    return this._modules.size;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = normIndex("Sequential.at", index, this.length);
    return [...this._modules.values()][i]!;
  }

  /** Adds a module at the end; returns `this`. */
  append(module: Module): this {
    this.registerModule(
      String(this.length),
      checkModule("Sequential.append", module, "the argument"),
    );
    return this;
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }
}

/**
 * A list of modules, registered so their parameters are found (use it
 * instead of a plain array, whose modules a Module cannot see).
 *
 * @example
 * this.layers = new nn.ModuleList([1, 2, 3].map(() => new nn.Linear(8, 8)));
 * for (const layer of this.layers) x = layer(x);
 */
export class ModuleList extends Module {
  [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules. */
  override get length(): number {
    return this._modules.size;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const i = normIndex("ModuleList.at", index, this.length);
    return this._modules.get(String(i))!;
  }

  /** Adds a module at the end; returns `this`. */
  append(module: Module): this {
    this.registerModule(
      String(this.length),
      checkModule("ModuleList.append", module, "the argument"),
    );
    return this;
  }

  /** Adds every module of `modules`; returns `this`. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts `module` before `index`, renumbering the ones after it. */
  insert(index: number, module: Module): void {
    const all = [...this];
    const i = index < 0 ? Math.max(0, index + all.length) : Math.min(index, all.length);
    all.splice(i, 0, checkModule("ModuleList.insert", module, "the module"));
    all.forEach((m, k) => {
      this.registerModule(String(k), m);
    });
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (const m of this._modules.values()) if (m !== null) yield m;
  }
}

/**
 * Modules by name, registered under their keys (`"enc.weight"`).
 *
 * @example
 * this.heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), reg: new nn.Linear(8, 1) });
 * this.heads.get("cls")(x);
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries =
      Symbol.iterator in modules
        ? [...(modules as Iterable<[string, Module]>)]
        : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  /** The module under `key`; an error lists the keys that exist. */
  get(key: string): Module {
    const m = this._modules.get(key);
    if (!m)
      throw new ValueError(`ModuleDict: no module "${key}" (keys: ${[...this.keys()].join(", ")})`);
    return m;
  }

  set(key: string, module: Module): void {
    this.registerModule(key, checkModule("ModuleDict.set", module, `"${key}"`));
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  delete(key: string): boolean {
    const had = this._modules.has(key);
    delete (this as any)[key];
    return had;
  }

  get size(): number {
    return this._modules.size;
  }

  keys(): IterableIterator<string> {
    return this._modules.keys();
  }

  values(): Module[] {
    return this.children();
  }

  entries(): [string, Module][] {
    return this.namedChildren();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.keys();
  }
}
