/**
 * Model summaries: what each layer outputs, how many parameters it holds,
 * how much it computes and how much activation memory it needs — the table
 * the AlexNet lecture works out by hand, measured with forward hooks.
 *
 * FLOPs count a multiply-add as 2 (so a Linear layer on a batch of B is
 * 2·B·in·out, plus B·out for the bias). A layer states its own count in
 * `flops(args, output)`; layers without one count 0 (containers are the sum
 * of their leaves, which have rows of their own).
 */
import { generatorState, noGrad, randn, setGeneratorState, zeros } from "../tensor/index.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";

/** The display protocol's method name (shared with Deno's kernel). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** Shapes and dtypes of the tensors a module was last called with. */
interface CallSignature {
  shape: number[];
  dtype: Tensor["dtype"];
  device: string;
}

const lastCalls = new WeakMap<Module, CallSignature[]>();

/** Remembers the tensor arguments of a module call, so its display can replay it. */
export function recordCall(module: Module, args: unknown[]): void {
  const tensors = args.filter((a): a is Tensor => a instanceof Tensor);
  lastCalls.set(
    module,
    tensors.map((t) => ({ shape: [...t.shape], dtype: t.dtype, device: t.device })),
  );
}

/** One row of a summary: a module as the forward pass met it. */
export interface SummaryRow {
  /** Dotted path of the module in the model (`"features.0"`). */
  name: string;
  /** Class name (`"Conv2d"`). */
  layer: string;
  /** Nesting depth (1 for the model's children). */
  depth: number;
  /** Shape of the output (of each output tensor, for modules returning several). */
  outputShape: number[] | number[][];
  /** Parameters the module holds itself (not its children's). */
  params: number;
  /** Floating-point operations of one forward (multiply-add = 2). */
  flops: number;
  /** Bytes of the output tensors (what the forward keeps for backward). */
  activationBytes: number;
  /** True for modules without children (only these count in the activation total). */
  leaf: boolean;
}

/** A module that knows its cost; `summary` asks each layer. */
export interface CountsFlops {
  flops(args: unknown[], output: unknown): number;
}

function hasFlops(m: unknown): m is CountsFlops {
  return typeof (m as CountsFlops).flops === "function";
}

function tensorsIn(x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x)) return x.flatMap(tensorsIn);
  return [];
}

const bytesPer = { float32: 4, int32: 4, bool: 1 } as Record<string, number>;

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The summary of a model run on one input: rows in call order and totals.
 * Displays as a table in Jupyter; `toString()` gives the text version.
 */
export class ModelSummary {
  constructor(
    readonly modelName: string,
    readonly inputShape: number[][],
    readonly rows: SummaryRow[],
    /** Every parameter of the model, each counted once. */
    readonly totalParams: number,
    readonly trainableParams: number,
  ) {}

  get totalFlops(): number {
    return this.rows.reduce((a, r) => a + r.flops, 0);
  }

  /** Sum of the leaf modules' output bytes (containers would count a tensor twice). */
  get totalActivationBytes(): number {
    return this.rows.filter((r) => r.leaf).reduce((a, r) => a + r.activationBytes, 0);
  }

  toString(): string {
    const header = ["Layer (type)", "Output shape", "Params", "FLOPs", "Activations"];
    const body = this.rows.map((r) => [
      `${"  ".repeat(r.depth - 1)}${r.name} (${r.layer})`,
      fmtOutShape(r.outputShape),
      fmtInt(r.params),
      fmtInt(r.flops),
      fmtBytes(r.activationBytes),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    const rule = "-".repeat(widths.reduce((a, b) => a + b + 2, -2));
    return [
      `${this.modelName} on input ${this.inputShape.map((s) => `[${s}]`).join(", ")}`,
      rule,
      line(header),
      rule,
      ...body.map(line),
      rule,
      ...this.totals().map(([k, v]) => `${k}: ${v}`),
    ].join("\n");
  }

  [DISPLAY](): Record<string, string> {
    const head = ["Layer (type)", "Output shape", "Params", "FLOPs", "Activations"];
    const rows = this.rows.map(
      (r) =>
        `<tr><td style="text-align:left;padding-left:${(r.depth - 1) * 1.2 + 0.4}em">${esc(r.name)} <span style="opacity:.6">(${esc(r.layer)})</span></td>` +
        `<td>${esc(fmtOutShape(r.outputShape))}</td><td>${fmtInt(r.params)}</td><td>${fmtInt(r.flops)}</td><td>${fmtBytes(r.activationBytes)}</td></tr>`,
    );
    const totals = this.totals()
      .map(
        ([k, v]) => `<tr><td colspan="4" style="text-align:left">${k}</td><td>${esc(v)}</td></tr>`,
      )
      .join("");
    return {
      "text/plain": this.toString(),
      "text/html":
        `<table class="lectern-summary" style="font-family:monospace;text-align:right">` +
        `<caption style="text-align:left">${esc(this.modelName)} on input ${esc(this.inputShape.map((s) => `[${s}]`).join(", "))}</caption>` +
        `<thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>` +
        `<tbody>${rows.join("")}</tbody><tfoot>${totals}</tfoot></table>`,
    };
  }

  private totals(): [string, string][] {
    return [
      ["Total params", fmtInt(this.totalParams)],
      ["Trainable params", fmtInt(this.trainableParams)],
      ["Total FLOPs", fmtInt(this.totalFlops)],
      ["Activation memory", fmtBytes(this.totalActivationBytes)],
    ];
  }
}

/**
 * Runs `model` once (eval mode, no grad, random input of `inputShape`) and
 * returns one row per submodule called: output shape, own parameters,
 * FLOPs and activation bytes. Pass several shapes for several inputs, or the
 * input tensors themselves (e.g. integer token ids for an Embedding).
 *
 * @example
 * const s = nn.summary(model, [1, 3, 224, 224]);
 * s.rows[0]; // { name: "features.0", layer: "Conv2d", outputShape: [1, 64, 55, 55], params: 23296, ... }
 * s; // displays as a table
 */
export function summary(
  model: Module,
  input: number[] | number[][] | Tensor | Tensor[],
): ModelSummary {
  // The random input must not shift the notebook's random stream.
  const rng = generatorState();
  const inputs = toInputs(input, deviceOf(model));
  setGeneratorState(rng);
  const names = new Map(model.namedModules().map(([n, m]) => [m, n] as const));
  const rows: SummaryRow[] = [];
  const open = new Map<Module, SummaryRow[]>();
  const handles = [];
  for (const [name, m] of model.namedModules()) {
    if (m === model) continue;
    const depth = name.split(".").length;
    handles.push(
      m.registerForwardPreHook((mod) => {
        const row: SummaryRow = {
          name: names.get(mod) ?? name,
          layer: mod.constructor.name,
          depth,
          outputShape: [],
          params: mod.parameters(false).reduce((a, p) => a + numel(p.shape), 0),
          flops: 0,
          activationBytes: 0,
          leaf: mod.children().length === 0,
        };
        rows.push(row);
        const stack = open.get(mod) ?? [];
        stack.push(row);
        open.set(mod, stack);
      }),
      m.registerForwardHook((mod, args, output) => {
        const row = open.get(mod)!.pop()!;
        const outs = tensorsIn(output);
        row.outputShape = outs.length === 1 ? [...outs[0]!.shape] : outs.map((t) => [...t.shape]);
        row.activationBytes = outs.reduce(
          (a, t) => a + numel(t.shape) * (bytesPer[t.dtype] ?? 4),
          0,
        );
        row.flops = hasFlops(mod) ? mod.flops(args, output) : 0;
      }),
    );
  }
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => model(...inputs));
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
  const params = model.parameters();
  const total = params.reduce((a, p) => a + numel(p.shape), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((a, p) => a + numel(p.shape), 0);
  return new ModelSummary(
    model.constructor.name,
    inputs.map((t) => [...t.shape]),
    rows,
    total,
    trainable,
  );
}

/** Where a model's parameters live (random inputs are made there). */
function deviceOf(model: Module): string {
  return model.parameters()[0]?.device ?? "cpu";
}

function toInputs(input: number[] | number[][] | Tensor | Tensor[], device: string): Tensor[] {
  if (input instanceof Tensor) return [input];
  const items = input as unknown[];
  if (items.length > 0 && items.every((x) => x instanceof Tensor)) return items as Tensor[];
  if (items.length > 0 && items.every((x) => Array.isArray(x))) {
    return (input as number[][]).map((s) => randn(s, { device }));
  }
  return [randn(input as number[], { device })];
}

/** Inputs like those of a recorded call: random floats, zero indices and masks. */
function inputsLike(call: CallSignature[]): Tensor[] {
  const rng = generatorState();
  const inputs = call.map((c) =>
    c.dtype === "float32"
      ? randn(c.shape, { device: c.device })
      : zeros(c.shape, { dtype: c.dtype, device: c.device }),
  );
  setGeneratorState(rng);
  return inputs;
}

/**
 * The bundle a module displays as: its summary on inputs shaped like those
 * of its last call; before any call (or when the forward needs more than
 * tensors) its repr and a table of its layers and parameter counts.
 */
export function moduleDisplay(model: Module): Record<string, string> {
  const call = lastCalls.get(model);
  if (call !== undefined && call.length > 0) {
    try {
      const bundle = summary(model, inputsLike(call))[DISPLAY]();
      return {
        "text/plain": `${model.toString()}\n\n${bundle["text/plain"]}`,
        "text/html": bundle["text/html"]!,
      };
    } catch {
      // The forward needs more than tensors (masks in options...): show the parameter table.
    }
  }
  const params = model.parameters();
  const total = params.reduce((a, p) => a + numel(p.shape), 0);
  const trainable = params.filter((p) => p.requiresGrad).reduce((a, p) => a + numel(p.shape), 0);
  const text = `${model.toString()}\nTotal params: ${fmtInt(total)} (trainable: ${fmtInt(trainable)})`;
  const rows = model
    .namedModules()
    .filter(([n]) => n !== "")
    .map(([n, m]) => {
      const own = m.namedParameters("", false);
      const shapes = own.map(([k, p]) => `${k} [${p.shape}]`).join(", ");
      const count = own.reduce((a, [, p]) => a + numel(p.shape), 0);
      const depth = n.split(".").length;
      return (
        `<tr><td style="text-align:left;padding-left:${(depth - 1) * 1.2 + 0.4}em">${esc(n)} <span style="opacity:.6">(${esc(m.constructor.name)})</span></td>` +
        `<td style="text-align:left">${esc(m.extraRepr())}</td><td style="text-align:left">${esc(shapes)}</td><td>${fmtInt(count)}</td></tr>`
      );
    });
  return {
    "text/plain": text,
    "text/html":
      `<table class="lectern-module" style="font-family:monospace;text-align:right">` +
      `<caption style="text-align:left">${esc(model.constructor.name)}(${esc(model.extraRepr())})</caption>` +
      `<thead><tr><th>Layer (type)</th><th>Config</th><th>Parameters</th><th>Count</th></tr></thead>` +
      `<tbody>${rows.join("")}</tbody>` +
      `<tfoot><tr><td colspan="3" style="text-align:left">Total params (trainable)</td><td>${fmtInt(total)} (${fmtInt(trainable)})</td></tr></tfoot></table>`,
  };
}

function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function fmtOutShape(s: number[] | number[][]): string {
  if (s.length > 0 && Array.isArray(s[0])) return (s as number[][]).map((x) => `[${x}]`).join(", ");
  return `[${s}]`;
}

function esc(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
